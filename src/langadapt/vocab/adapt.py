"""Adapt a base tokenizer (and optionally its model) to a target language.

Modes:
- ``extend``: keep every base id and merge; append new pieces after them. With ``corpus``, or
  with only a ``new`` made by ``vocab train`` (its saved word counts stand in for the corpus),
  strategy ``merges`` (recommended): the new pieces are BPE merges learned on the base's own
  segmentation of those words (see ``merges.py``), optionally only merges making ``new``'s
  pieces; with a ``new`` that has no word counts (strategy ``append``) they are the new
  tokenizer's pieces missing from the base, added as merges in the new tokenizer's order after
  every old merge.
- ``replace``: the new tokenizer alone; base special tokens it lacks are added, and its BOS/EOS/
  UNK/PAD take the base's rows.
- ``optimize``: shrink the base to the ``keep`` pieces most used on the corpus, then extend.

With ``model`` the input embeddings and LM head are resized and initialised (``init.py``) and a
standard HF model directory is written; otherwise only the tokenizer.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from langadapt.artifacts import check_output, output_dir, write_json_atomic
from langadapt.errors import UserError
from langadapt.vocab.edit import extend_bpe, pieces_from_new, require_bpe, shrink_bpe
from langadapt.vocab.init import (
    INIT_METHODS,
    adapt_model,
    check_model_matches,
    load_model,
    token_sources,
)
from langadapt.vocab.load import (
    BYTE_PIECE,
    bytes_to_model_text,
    family,
    load_tokenizer,
    notation,
    piece_bytes,
)
from langadapt.vocab.merges import merges_on_base
from langadapt.vocab.wordcounts import WORD_COUNTS_FILE, word_counts_of

MODES = ("extend", "replace", "optimize")
STRATEGIES = ("merges", "append")
STATS_FILE = "vocab_adaptation.json"
NEW_PIECES_ONLY_DEFAULT = False


def notice(message: str) -> None:
    """One line on stderr about a choice made for the user (not an error)."""
    print(f"langadapt: note: {message}", file=sys.stderr, flush=True)


def _pieces_in_notation(new_tok, base_tok) -> set[str]:
    """``new_tok``'s text pieces (no specials, no byte pieces) written in ``base_tok``'s notation."""
    kind, base_kind = notation(new_tok), notation(base_tok)
    specials = set(new_tok.all_special_tokens)
    pieces = set()
    for piece in new_tok.backend_tokenizer.get_vocab(with_added_tokens=False):
        if piece in specials or (kind == "metaspace" and BYTE_PIECE.match(piece)):
            continue
        if kind == base_kind:
            pieces.add(piece)
            continue
        parts = bytes_to_model_text(piece_bytes(piece, kind), base_kind)
        if len(parts) == 1 and isinstance(parts[0], str):  # partial UTF-8 has no metaspace spelling
            pieces.add(parts[0])
    return pieces


def _extend(tok, new_tok, source, strategy: str, new_tokens: int | None, new_pieces_only: bool):
    """(extended tokenizer, pieces added) by the chosen strategy; ``source``: corpus files or
    the new tokenizer's word counts (merges)."""
    if strategy == "merges":
        new_pieces = _pieces_in_notation(new_tok, tok) if new_tok is not None else None
        if new_tokens is None:
            if new_pieces is None:
                raise UserError("extend with --corpus needs --new-tokens N (or --new to size it)")
            new_tokens = len(new_pieces - set(tok.backend_tokenizer.get_vocab(with_added_tokens=False)))
            if new_tokens == 0:
                raise UserError("the --new tokenizer has no piece the base lacks: give --new-tokens N")
        only = new_pieces if new_pieces_only else None
        return extend_bpe(tok, merges_on_base(tok, source, new_tokens, only_pieces=only))
    merges, alphabet = pieces_from_new(new_tok, tok, new_tokens)
    return extend_bpe(tok, merges, alphabet)


def _replace(base_tok, new_tok):
    """The new tokenizer plus the base's special tokens it lacks; role tokens map by role."""
    from tokenizers import AddedToken

    missing = [t for t in base_tok.all_special_tokens if t not in new_tok.get_vocab()]
    if missing:
        new_tok.add_special_tokens({"additional_special_tokens": [
            AddedToken(t, special=True, normalized=False) for t in missing]},
            replace_extra_special_tokens=False)
    special_map = {}
    for role in ("bos", "eos", "unk", "pad"):
        new_id, old_id = getattr(new_tok, f"{role}_token_id"), getattr(base_tok, f"{role}_token_id")
        if new_id is not None and old_id is not None:
            special_map[new_id] = old_id
    return new_tok, special_map


def adapt_vocabulary(base: Path | str, new: Path | str | None, mode: str, out_dir: Path,
                     model: Path | str | None = None, init: str = "mean",
                     corpus: list[Path] | None = None, new_tokens: int | None = None,
                     keep: int | None = None, strategy: str | None = None,
                     seed: int = 0, new_pieces_only: bool | None = None,
                     overwrite: bool = False) -> dict[str, Any]:
    """Write the adapted tokenizer (and model) into ``out_dir``; return the statistics.

    ``out_dir`` follows the output policy (``artifacts.check_output``), checked before any work.

    ``new_tokens``: how many pieces extend adds (default: as many as ``new`` has beyond the base;
    for optimize: as many as the shrink removed). ``keep``: optimize's shrunk size.
    ``strategy`` (extend, optimize): ``merges`` (default with ``corpus``, or without it when
    ``new`` is a ``vocab train`` directory: merges are then learned on its saved word counts) or
    ``append`` (default otherwise, with a notice on stderr). ``new_pieces_only``: merges may only
    make pieces of ``new``'s vocabulary (default: see NEW_PIECES_ONLY_DEFAULT).
    """
    inputs = [base, new, model, *(corpus or [])]
    check_output(out_dir, inputs=inputs, overwrite=overwrite)
    if mode not in MODES:
        raise UserError(f"unknown mode {mode!r}: choose one of {', '.join(MODES)}")
    if init not in INIT_METHODS:
        raise UserError(f"unknown init {init!r}: choose one of {', '.join(INIT_METHODS)}")
    if mode == "optimize" and (not corpus or keep is None):
        raise UserError("mode optimize needs --corpus FILE and --keep N")
    if new_tokens is not None and new_tokens < 1:
        raise UserError(f"--new-tokens must be at least 1, got {new_tokens}")
    if new_pieces_only and new is None:
        raise UserError("--new-pieces-only needs --new TOKENIZER (whose pieces to accept)")
    # Without a corpus, merges are learned on the word counts `vocab train` saved with --new.
    saved_counts = None
    if mode == "extend" and new is not None and not corpus and strategy != "append":
        saved_counts = word_counts_of(new)
    fell_back = strategy is None and mode == "extend" and new is not None and not corpus and not saved_counts
    strategy = strategy or ("merges" if corpus or saved_counts else "append")
    if strategy not in STRATEGIES:
        raise UserError(f"unknown strategy {strategy!r}: choose one of {', '.join(STRATEGIES)}")
    if strategy == "merges" and not corpus and not saved_counts:
        raise UserError("strategy 'merges' needs --corpus FILE (target-language text) or a --new "
                        f"tokenizer directory with {WORD_COUNTS_FILE} (made by `langadapt vocab train`)")
    if (mode == "replace" or strategy == "append") and new is None:
        raise UserError(f"mode {mode} with strategy {strategy} needs --new TOKENIZER")
    if new_pieces_only is None:
        new_pieces_only = NEW_PIECES_ONLY_DEFAULT and new is not None
    source = corpus or saved_counts
    base_tok = load_tokenizer(base)
    new_tok = load_tokenizer(new) if new is not None else None
    stats: dict[str, Any] = {"mode": mode, "base": str(base), "new": None if new is None else str(new),
                             "base_family": family(base_tok), "base_vocab_size": len(base_tok)}
    model_obj = None
    if model is not None:  # fail on a mismatched model before minutes of merge learning
        model_obj = load_model(model)
        check_model_matches(model_obj, base_tok, model)
    special_map: dict[int, int] = {}
    if mode == "extend":
        require_bpe(base_tok, "extend")
        final, added = _extend(base_tok, new_tok, source, strategy, new_tokens, new_pieces_only)
        if fell_back:  # said once it worked, so an error stays the only line on stderr
            notice(f"{new} has no {WORD_COUNTS_FILE} (not made by `langadapt vocab train`): extended "
                   "with strategy append; give --corpus FILE to learn merges over the base segmentation")
        stats |= {"strategy": strategy, "tokens_added": len(added)}
    elif mode == "replace":
        final, special_map = _replace(base_tok, new_tok)
        stats |= {"tokens_added": len(set(final.get_vocab()) - set(base_tok.get_vocab()))}
    else:
        shrunk, old_ids = shrink_bpe(base_tok, corpus, keep)
        special_map = dict(enumerate(old_ids))
        final, added = _extend(shrunk, new_tok, corpus, strategy,
                               new_tokens or len(base_tok) - len(shrunk), new_pieces_only)
        stats |= {"strategy": strategy, "tokens_kept": len(shrunk),
                  "tokens_removed": len(base_tok) - len(shrunk), "tokens_added": len(added)}
    if mode != "replace" and strategy == "merges":
        stats |= {"merges_learned_on": "corpus" if corpus else f"{WORD_COUNTS_FILE} of --new",
                  "new_pieces_only": new_pieces_only}
    if mode != "replace" and not stats["tokens_added"]:
        what = (f"--new {new}" if strategy == "append" or not corpus
                else f"--corpus {' '.join(str(p) for p in corpus)}")
        raise UserError(f"{what}: adds no token to the base vocabulary (every piece exists already); "
                        "nothing to adapt")
    stats |= {"family": family(final), "vocab_size": len(final)}
    if new_tok is not None:
        stats["new_tokenizer_size"] = len(new_tok)
    if corpus:
        stats["corpus"] = [str(p) for p in corpus]
    with output_dir(out_dir, inputs=inputs, overwrite=overwrite) as tmp:
        final.save_pretrained(tmp)
        if model is not None:
            sources = token_sources(final, base_tok, special_map)
            stats["model"] = adapt_model(model_obj, final, sources, tmp, init=init,
                                         keep_padding=mode == "extend", seed=seed)
        write_json_atomic(Path(tmp) / STATS_FILE, stats)
    return stats
