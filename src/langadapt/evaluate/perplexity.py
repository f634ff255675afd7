"""Perplexity and bits per character of a causal LM on a text file (one document a line).

Lines are scored as ``BOS + text + EOS``, packed into rows with positions reset per line, so the
score of a line does not depend on its neighbours. Per-token perplexity depends on the tokenizer;
bits per character does not, so it is what to compare across vocabularies.
"""

from __future__ import annotations

import math

from tqdm.auto import tqdm


def score_texts(model, tokenizer, texts: list[str], block_size: int = 512, batch_size: int = 8,
                desc: str = "perplexity") -> dict:
    """Token-level perplexity, bits per character and the counts behind them.

    ``texts``: one document each, e.g. ``langadapt.text.read_text_lines(path, max_lines)``.
    """
    # torch and the numpy-based packing load only when something is scored
    import torch

    from langadapt.devices import model_device
    from langadapt.train.inputs import document_tokens
    from langadapt.train.packing import pack_whole

    docs = document_tokens(tokenizer, texts)
    block = max(block_size, max(len(d) for d in docs))  # never split a line across rows
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    rows = pack_whole(docs, block, pad)
    total_nll, total_tokens = 0.0, 0
    device = model_device(model)
    use_cache = model.config.use_cache
    model.config.use_cache = False  # packed rows are isolated only without a KV cache
    try:
        with torch.no_grad():
            for start in tqdm(range(0, len(rows), batch_size), desc=desc, leave=False):
                ids = torch.from_numpy(rows.input_ids[start:start + batch_size]).to(device)
                labels = torch.from_numpy(rows.labels[start:start + batch_size]).to(device)
                pos = torch.from_numpy(rows.position_ids[start:start + batch_size]).to(device)
                logits = model(input_ids=ids, position_ids=pos, use_cache=False).logits.float()
                targets = labels[:, 1:]
                nll = torch.nn.functional.cross_entropy(
                    logits[:, :-1].reshape(-1, logits.size(-1)), targets.reshape(-1),
                    ignore_index=-100, reduction="sum")
                total_nll += nll.item()
                total_tokens += int((targets != -100).sum())
    finally:
        model.config.use_cache = use_cache
    chars = sum(len(t) + 1 for t in texts)  # +1: the line end, predicted as EOS
    return {
        "perplexity": math.exp(total_nll / total_tokens),
        "bits_per_char": total_nll / math.log(2) / chars,
        "tokens": total_tokens,
        "chars": chars,
        "lines": len(texts),
        # EOS is not a word piece: leave it out of the fertility figure.
        "tokens_per_word": (total_tokens - len(texts)) / max(1, sum(len(t.split()) for t in texts)),
    }
