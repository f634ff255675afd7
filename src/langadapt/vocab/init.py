"""Embeddings for an adapted vocabulary: copy kept rows, initialise new ones, write the model.

Every token of the final tokenizer gets a *source* in the old model: the old id holding the
same piece (copied), or its decomposition under the old tokenizer. A decomposition re-encodes the
token's bytes with the old tokenizer's BPE/Unigram model directly, without its normalizer,
pre-tokenizer or BOS, so a word-initial piece ``▁tere`` decomposes into ``▁t ere`` and never
into a spurious ``▁`` + ``▁t`` + ... as re-encoding decoded text " tere" would.

Init methods (input embeddings and LM head separately, each from its own old rows):
- ``mean`` (default, the LEP/FVT choice): mean of the decomposition's old rows.
- ``random`` (a baseline with no sub-token information, Hewitt 2021 simplified to a diagonal
  covariance): a draw from a normal with the old matrix's per-dimension mean and std.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from langadapt.errors import UserError, located
from langadapt.vocab.load import bytes_to_model_text, notation, piece_bytes

INIT_METHODS = ("mean", "random")
Source = int | tuple[int, ...]  # int: copy that old row; tuple: mean of these rows (empty: all)


def decompose(data: bytes, base_tok, base_kind: str, vocab: dict[str, int] | None = None) -> tuple[int, ...]:
    """Old-tokenizer ids spelling ``data``: the old model run on the raw bytes, no BOS/prefix."""
    model = base_tok.backend_tokenizer.model
    vocab = vocab if vocab is not None else base_tok.backend_tokenizer.get_vocab(with_added_tokens=False)
    ids: list[int] = []
    for part in bytes_to_model_text(data, base_kind):
        if isinstance(part, int):  # a byte that is no text: its byte-fallback piece, else unk
            byte_id = vocab.get(f"<0x{part:02X}>", base_tok.unk_token_id)
            if byte_id is not None:
                ids.append(byte_id)
        elif part:
            ids.extend(token.id for token in model.tokenize(part))
    return tuple(ids)


def token_sources(final_tok, base_tok, special_map: dict[int, int] | None = None) -> list[Source]:
    """For each final id: the old id to copy, or the old ids whose mean initialises it."""
    final_kind, base_kind = notation(final_tok), notation(base_tok)
    base_pieces = base_tok.backend_tokenizer.get_vocab(with_added_tokens=False)
    base_all = base_tok.get_vocab()
    final_added = {i: t.content for i, t in final_tok.backend_tokenizer.get_added_tokens_decoder().items()}
    id_to_piece = {i: p for p, i in final_tok.backend_tokenizer.get_vocab(with_added_tokens=False).items()}
    sources: list[Source] = []
    for index in range(max([*id_to_piece, *final_added]) + 1):
        if special_map and index in special_map:
            sources.append(special_map[index])
        elif index in final_added:  # added/special tokens: same text in the old vocab, else spelled
            content = final_added[index]
            sources.append(base_all[content] if content in base_all else
                           decompose(content.encode("utf-8"), base_tok, base_kind, base_pieces))
        elif index in id_to_piece:
            piece = id_to_piece[index]
            if final_kind == base_kind and piece in base_pieces:
                sources.append(base_pieces[piece])
            else:
                sources.append(decompose(piece_bytes(piece, final_kind), base_tok, base_kind, base_pieces))
        else:  # an id the tokenizer never produces
            sources.append(())
    return sources


def init_rows(old, sources: list[Source], method: str = "mean", seed: int = 0):
    """New embedding rows (float32) for ``sources`` from the old rows ``old`` (float32)."""
    import torch

    if method not in INIT_METHODS:
        raise UserError(f"unknown init {method!r}: choose one of {', '.join(INIT_METHODS)}")
    new = torch.empty(len(sources), old.shape[1], dtype=torch.float32)
    copies = [(row, src) for row, src in enumerate(sources) if isinstance(src, int)]
    if copies:
        rows, cols = zip(*copies)
        new[list(rows)] = old[list(cols)]
    spelled = [(row, src) for row, src in enumerate(sources) if not isinstance(src, int)]
    if not spelled:
        return new
    rows = [row for row, _ in spelled]
    if method == "random":
        gen = torch.Generator().manual_seed(seed)
        noise = torch.randn(len(rows), old.shape[1], generator=gen)
        new[rows] = old.mean(0) + noise * old.std(0)
        return new
    pair_rows, pair_cols, weights = [], [], []
    for position, (_, src) in enumerate(spelled):
        ids = src or tuple(range(old.shape[0]))  # nothing to spell with: the mean of all rows
        pair_rows += [position] * len(ids)
        pair_cols += list(ids)
        weights += [1.0 / len(ids)] * len(ids)
    means = torch.zeros(len(rows), old.shape[1])
    means.index_add_(0, torch.tensor(pair_rows), old[pair_cols] * torch.tensor(weights)[:, None])
    new[rows] = means
    return new


def load_model(path: str | Path):
    """The model in its stored dtype (its rows are copied exactly into the resized model)."""
    from transformers.utils import logging as hf_logging

    from langadapt.modeling import load_causal_lm

    hf_logging.disable_progress_bar()  # keep the CLI's output to its statistics
    return load_causal_lm(str(path), dtype="stored")


def check_model_matches(model, base_tok, model_path: str | Path) -> None:
    """A model whose embeddings do not fit the base tokenizer is from another family."""
    rows = model.get_input_embeddings().weight.shape[0]
    size = len(base_tok)
    # Checkpoints pad the embedding matrix (Qwen2.5: 151,665 tokens, 151,936 rows); allow that.
    if rows < size or rows - size > max(512, size // 100):
        raise located(model_path, f"model has {rows} embedding rows but the base tokenizer has {size} "
                      "tokens: the tokenizer is from another model family")
    bos = getattr(model.config, "bos_token_id", None)
    if isinstance(bos, int) and base_tok.bos_token_id is not None and bos != base_tok.bos_token_id:
        raise located(model_path, f"model BOS id {bos} differs from the base tokenizer's "
                      f"{base_tok.bos_token_id}: the tokenizer is from another model family")


def adapt_model(model, final_tok, sources: list[Source], out_dir: Path, init: str = "mean",
                keep_padding: bool = False, seed: int = 0) -> dict[str, Any]:
    """Resize and initialise ``model``'s input embeddings and LM head; save it into ``out_dir``.

    ``model`` must already have passed ``check_model_matches`` against the base tokenizer.
    """
    import torch

    inputs, outputs = model.get_input_embeddings(), model.get_output_embeddings()
    tied = outputs is not None and outputs.weight.data_ptr() == inputs.weight.data_ptr()
    old_rows = inputs.weight.shape[0]
    rows = list(sources)
    if keep_padding and old_rows > len(rows):  # extend: old padding rows stay as they were
        rows += list(range(len(rows), old_rows))
    old_in = inputs.weight.detach().float().clone()
    old_out = None if tied or outputs is None else outputs.weight.detach().float().clone()
    model.resize_token_embeddings(len(rows), mean_resizing=False)
    inputs, outputs = model.get_input_embeddings(), model.get_output_embeddings()
    with torch.no_grad():
        inputs.weight.copy_(init_rows(old_in, rows, init, seed).to(inputs.weight.dtype))
        if old_out is not None:
            outputs.weight.copy_(init_rows(old_out, rows, init, seed + 1).to(outputs.weight.dtype))
    for name in ("bos", "eos", "pad"):
        token_id = getattr(final_tok, f"{name}_token_id")
        if token_id is not None:
            setattr(model.config, f"{name}_token_id", token_id)
            if getattr(model, "generation_config", None) is not None:
                setattr(model.generation_config, f"{name}_token_id", token_id)
    model.save_pretrained(out_dir)
    spelled = [src for src in rows if not isinstance(src, int)]
    return {"embedding_rows_before": old_rows, "embedding_rows_after": len(rows), "tied": tied,
            "rows_copied": len(rows) - len(spelled), "rows_initialised": len(spelled), "init": init}
