"""Edits of a BPE ``tokenizer.json``: append merges/pieces, shrink to the most used pieces.

Works on the JSON of HF BPE models, the one format shared by SentencePiece-derived (Llama 2,
Mistral: ``▁`` pieces, byte fallback) and byte-level (Llama 3, Qwen) tokenizers. Appended merges
rank after every old merge and appended pieces get ids after every old id, so old ids keep their
meaning and old text keeps its tokens unless a new merge applies to it.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from langadapt.errors import UserError
from langadapt.text import nonblank_lines
from langadapt.vocab.load import BYTE_PIECE, byte_to_char, notation, tokenizer_json
from langadapt.vocab.merges import pair_filter


def require_bpe(tok, what: str) -> dict:
    data = tokenizer_json(tok)
    if data["model"]["type"] != "BPE":
        raise UserError(f"{what} needs a BPE base tokenizer (SentencePiece BPE as in Llama 2/Mistral, "
                        f"or byte-level BPE as in Llama 3/Qwen); this one is {data['model']['type']}")
    return data


def rewrap(template, data: dict):
    """A fast tokenizer from edited JSON, with ``template``'s special tokens and chat template."""
    from tokenizers import Tokenizer
    from transformers import PreTrainedTokenizerFast

    roles = {f"{name}_token": getattr(template, f"{name}_token") for name in ("bos", "eos", "unk", "pad")}
    options = {k: v for k, v in roles.items() if v is not None}
    if getattr(template, "chat_template", None):
        options["chat_template"] = template.chat_template
    extra = [t for t in template.all_special_tokens if t not in roles.values()]
    return PreTrainedTokenizerFast(
        tokenizer_object=Tokenizer.from_str(json.dumps(data)), additional_special_tokens=extra,
        clean_up_tokenization_spaces=False, model_max_length=template.model_max_length, **options)


def _next_id(data: dict) -> int:
    ids = list(data["model"]["vocab"].values()) + [t["id"] for t in data.get("added_tokens", [])]
    return max(ids) + 1


def extend_bpe(tok, merges: Iterable[tuple[str, str]], alphabet: Iterable[str] = ()):
    """``tok`` with ``alphabet`` pieces and ``merges`` appended; returns (tokenizer, pieces added)."""
    data = require_bpe(tok, "extend")
    vocab, old_merges = data["model"]["vocab"], data["model"]["merges"]
    as_text = bool(old_merges) and isinstance(old_merges[0], str)  # older "a b" merge format
    next_id, added = _next_id(data), []
    for char in alphabet:
        if char not in vocab:
            vocab[char], next_id = next_id, next_id + 1
            added.append(char)
    for left, right in merges:
        merged = left + right
        if left not in vocab or right not in vocab:
            continue  # a component the tokenizer cannot produce: the merge would never fire
        if merged not in vocab:
            vocab[merged], next_id = next_id, next_id + 1
            added.append(merged)
        old_merges.append(f"{left} {right}" if as_text else [left, right])
    return rewrap(tok, data), added


def pieces_from_new(new_tok, base_tok, limit: int | None = None) -> tuple[list[tuple[str, str]], list[str]]:
    """Merges and single characters that add ``new_tok``'s pieces missing from ``base_tok``.

    Pieces come in the new tokenizer's id order (its score order for SentencePiece); each gets a
    merge for *every* split into two available pieces, as SentencePiece joins any adjacent pair
    whose concatenation is a piece: with a single split the piece would fire only when the base
    segmentation happens to produce exactly that split.
    """
    if notation(new_tok) != notation(base_tok):
        raise UserError(f"the new tokenizer is {notation(new_tok)} but the base is {notation(base_tok)}: "
                        "extend needs a tokenizer of the same family (use --mode replace, or --corpus "
                        "to learn merges on the base)")
    base_vocab = set(base_tok.backend_tokenizer.get_vocab(with_added_tokens=False))
    specials = set(new_tok.all_special_tokens)
    allowed = pair_filter(base_tok)
    by_id = sorted(new_tok.backend_tokenizer.get_vocab(with_added_tokens=False).items(), key=lambda kv: kv[1])
    pieces = [p for p, _ in by_id if p not in specials and not BYTE_PIECE.match(p) and p not in base_vocab]
    alphabet = [p for p in pieces if len(p) == 1]
    if notation(base_tok) == "bytelevel":
        alphabet = [p for p in alphabet if p not in set(byte_to_char().values())]
    known = base_vocab | set(alphabet)
    merges: list[tuple[str, str]] = []
    made = 0
    for piece in pieces:
        if piece in known:
            continue
        if limit is not None and made >= limit:
            break
        cuts = sorted(range(1, len(piece)), key=lambda cut: abs(2 * cut - len(piece)))
        splits = [(piece[:c], piece[c:]) for c in cuts
                  if piece[:c] in known and piece[c:] in known and allowed(piece[:c], piece[c:])]
        if splits:
            merges.extend(splits)
            known.add(piece)
            made += 1
    return merges, alphabet


def _remap_post_processor(node, old_to_new: dict[int, int]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "ids" and isinstance(value, list):
                node[key] = [old_to_new[i] for i in value]
            elif key in ("sep", "cls") and isinstance(value, list) and len(value) == 2:
                value[1] = old_to_new[value[1]]
            else:
                _remap_post_processor(value, old_to_new)
    elif isinstance(node, list):
        for value in node:
            _remap_post_processor(value, old_to_new)


def shrink_bpe(tok, files: Iterable[Path], keep: int):
    """``tok`` reduced to ``keep`` tokens: special and byte pieces, then the pieces most used on
    ``files`` with every piece their merges need. Returns (tokenizer, old id of each new id)."""
    data = require_bpe(tok, "optimize")
    vocab, merges = data["model"]["vocab"], data["model"]["merges"]
    pairs = [tuple(m.split(" ", 1)) if isinstance(m, str) else tuple(m) for m in merges]
    producer: dict[str, tuple[str, str]] = {}
    for left, right in pairs:
        producer.setdefault(left + right, (left, right))
    id_to_piece = {i: p for p, i in vocab.items()}
    added_ids = {t["id"] for t in data.get("added_tokens", [])}
    if notation(tok) == "bytelevel":
        required = {vocab[c] for c in byte_to_char().values() if c in vocab}
    else:
        required = {i for p, i in vocab.items() if BYTE_PIECE.match(p)}
    unk = data["model"].get("unk_token")
    required |= added_ids | ({vocab[unk]} if unk in vocab else set())
    if keep <= len(required) or keep >= len(tok):
        raise UserError(f"--keep {keep} must lie between {len(required) + 1} (special and byte pieces) "
                        f"and {len(tok) - 1} (the base vocabulary size minus one)")
    used: Counter[int] = Counter()
    lines = list(nonblank_lines(files))
    for encoding in tok.backend_tokenizer.encode_batch(lines, add_special_tokens=False):
        used.update(encoding.ids)
    kept = set(required)
    for token_id, _ in sorted(used.items(), key=lambda item: (-item[1], item[0])):
        needed, stack = set(), [token_id]
        while stack:  # the piece and, recursively, the two pieces its first merge joins
            current = stack.pop()
            if current in kept or current in needed or current not in id_to_piece:
                continue
            needed.add(current)
            stack.extend(vocab[p] for p in producer.get(id_to_piece[current], ()) if p in vocab)
        if len(kept) + len(needed) <= keep:
            kept |= needed
        if len(kept) >= keep:
            break
    old_ids = sorted(kept)
    old_to_new = {old: new for new, old in enumerate(old_ids)}
    data["model"]["vocab"] = {p: old_to_new[i] for p, i in vocab.items() if i in old_to_new}
    kept_pieces = data["model"]["vocab"]
    data["model"]["merges"] = [m for m, (l, r) in zip(merges, pairs)
                               if l in kept_pieces and r in kept_pieces and l + r in kept_pieces]
    for token in data.get("added_tokens", []):
        token["id"] = old_to_new[token["id"]]
    _remap_post_processor(data.get("post_processor"), old_to_new)
    return rewrap(tok, data), old_ids
