"""Load any tokenizer the vocab commands accept, and describe how its pieces spell text.

Accepted: an HF tokenizer or model directory (``tokenizer.json``, else ``tokenizer.model``), a
SentencePiece ``.model`` file, a ``tokenizer.json`` file, or a hub id. Every tokenizer becomes an
HF fast tokenizer, so one code path serves SentencePiece (Llama 2, Mistral) and byte-level BPE
(Llama 3, Qwen) families. The *notation* says how a piece string maps to bytes: ``metaspace``
(``▁`` for space, ``<0xAB>`` byte-fallback pieces) or ``bytelevel`` (GPT-2 byte-to-char map).
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from langadapt.errors import UserError, located

BYTE_PIECE = re.compile(r"^<0x([0-9A-Fa-f]{2})>$")


def load_tokenizer(source: str | Path):
    """An HF fast tokenizer from a path or hub id; any failure the user caused is a UserError."""
    from langadapt.vocab.spm import sentencepiece_to_hf

    path = Path(source)
    if path.is_dir():
        if (path / "tokenizer.json").is_file():
            return _auto_tokenizer(path)
        if (path / "tokenizer.model").is_file():
            return sentencepiece_to_hf(path / "tokenizer.model")
        raise located(path, "no tokenizer.json or tokenizer.model in this directory")
    if path.is_file():
        if path.name.endswith(".json"):
            return _from_tokenizer_json(path)
        return sentencepiece_to_hf(path)
    text = str(source)
    if re.fullmatch(r"[\w.-]+/[\w.-]+", text) and not text.startswith("."):
        return _auto_tokenizer(text)  # hub id (needs the hub or its cache)
    raise located(path, "no such file or directory")


def _auto_tokenizer(source: str | Path):
    from transformers import AutoTokenizer

    try:
        tok = AutoTokenizer.from_pretrained(str(source))
    except Exception as err:  # transformers raises many kinds for a bad/absent tokenizer
        raise located(source, f"cannot load tokenizer ({type(err).__name__}: {str(err)[:200]})") from err
    if not getattr(tok, "is_fast", False):
        raise located(source, "only fast (tokenizer.json) tokenizers are supported")
    return tok


def _from_tokenizer_json(path: Path):
    from tokenizers import Tokenizer
    from transformers import PreTrainedTokenizerFast

    try:
        backend = Tokenizer.from_file(str(path))
    except Exception as err:  # tokenizers raises a bare Exception on bad JSON
        raise located(path, f"not a tokenizer.json file ({str(err)[:200]})") from err
    return PreTrainedTokenizerFast(tokenizer_object=backend, clean_up_tokenization_spaces=False)


def tokenizer_json(tok) -> dict[str, Any]:
    """The backend ``tokenizer.json`` of a fast tokenizer as a dict."""
    return json.loads(tok.backend_tokenizer.to_str())


def _component_types(node: Any) -> set[str]:
    """Every ``type`` named in a tokenizer.json component (sequences included)."""
    found: set[str] = set()
    if isinstance(node, dict):
        if isinstance(node.get("type"), str):
            found.add(node["type"])
        for value in node.values():
            found |= _component_types(value)
    elif isinstance(node, list):
        for value in node:
            found |= _component_types(value)
    return found


def _component(tok, name: str) -> Any:
    """One backend component (``pre_tokenizer``, ``decoder``) as JSON, without serialising the
    whole tokenizer (a 32k vocabulary takes a third of a second to dump)."""
    part = getattr(tok.backend_tokenizer, name)
    return None if part is None else json.loads(part.__getstate__())


def notation(tok) -> str:
    """``metaspace``, ``bytelevel``; other tokenizer kinds (WordPiece, ...) are a UserError."""
    pre_tokenizer, decoder = _component(tok, "pre_tokenizer"), _component(tok, "decoder")
    kinds = _component_types(pre_tokenizer) | _component_types(decoder)
    if "ByteLevel" in kinds:
        return "bytelevel"
    if "Metaspace" in kinds or "▁" in json.dumps(decoder, ensure_ascii=False):
        return "metaspace"
    raise UserError(f"unsupported tokenizer kind (pre-tokenizer/decoder {sorted(kinds)}): only "
                    "SentencePiece-style (▁) and byte-level tokenizers are supported")


def family(tok) -> str:
    """Notation and model type, e.g. ``metaspace-bpe`` (Llama 2) or ``bytelevel-bpe`` (Llama 3)."""
    return f"{notation(tok)}-{type(tok.backend_tokenizer.model).__name__.lower()}"


@lru_cache(maxsize=1)
def byte_to_char() -> dict[int, str]:
    """The GPT-2 byte-level alphabet (byte value -> printable char) as HF tokenizers uses it."""
    from tokenizers import pre_tokenizers

    # ByteLevel.alphabet() is unordered; rebuild the map the way the GPT-2 scheme defines it.
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(
        range(ord("®"), ord("ÿ") + 1))
    mapping, extra = {}, 0
    for value in range(256):
        if value in printable:
            mapping[value] = chr(value)
        else:
            mapping[value] = chr(256 + extra)
            extra += 1
    assert set(mapping.values()) == set(pre_tokenizers.ByteLevel.alphabet())
    return mapping


def piece_bytes(piece: str, kind: str) -> bytes:
    """The bytes a model piece stands for under ``kind`` notation."""
    if kind == "bytelevel":
        inverse = {c: b for b, c in byte_to_char().items()}
        if all(c in inverse for c in piece):
            return bytes(inverse[c] for c in piece)
        return piece.encode("utf-8")
    match = BYTE_PIECE.match(piece)
    if match:
        return bytes([int(match.group(1), 16)])
    return piece.replace("▁", " ").encode("utf-8")


def bytes_to_model_text(data: bytes, kind: str) -> list[str | int]:
    """``data`` in ``kind`` notation: strings for the model, ints for bytes that are no text."""
    if kind == "bytelevel":
        chars = byte_to_char()
        return ["".join(chars[b] for b in data)]
    parts: list[str | int] = []
    while data:
        try:
            parts.append(data.decode("utf-8").replace(" ", "▁"))
            break
        except UnicodeDecodeError as err:
            if err.start:
                parts.append(data[: err.start].decode("utf-8").replace(" ", "▁"))
            parts.extend(data[err.start : err.end])
            data = data[err.end :]
    return parts
