"""Token shards on disk, and reading them back without loading them.

A folder ``tokens/`` of shards, one per datatrove task: ``NNNNN.ds`` holds the token ids of its
documents back to back (``BOS text EOS`` each) as little-endian uint16, or uint32 when the
vocabulary has more than 65,536 entries; ``NNNNN.ds.index`` holds the uint64 end offset of each
document. This is the layout datatrove's ``DocumentTokenizer`` writes (and nanotron reads), so
those tools read our shards and the other way round. ``stats.json`` beside the folder records
documents, tokens per language, the token width and the tokenizer's fingerprint: shards are only
ever read with the tokenizer that made them.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from langadapt.errors import UserError

SHARDS_DIR = "tokens"
STATS_FILE = "stats.json"


def token_dtype(vocab_size: int) -> np.dtype:
    return np.dtype("<u2") if vocab_size <= 2**16 else np.dtype("<u4")


def tokenizer_fingerprint(tokenizer) -> str:
    """SHA-256 of the tokenizer as saved (vocabulary, merges, normaliser, special tokens): equal
    for the same tokenizer loaded twice, different as soon as one token or rule differs."""
    digest = hashlib.sha256()
    with tempfile.TemporaryDirectory() as tmp:
        tokenizer.save_pretrained(tmp)
        for path in sorted(Path(tmp).iterdir()):
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


@dataclass
class Shard:
    tokens: np.ndarray  # memory-mapped token ids
    ends: np.ndarray  # memory-mapped document end offsets (uint64)


class TokenShards:
    """Every shard of a tokens folder as one stream of documents, memory-mapped (nothing read
    until used; the page cache holds what is)."""

    def __init__(self, folder: str | Path):
        folder = Path(folder)
        stats_path = folder / STATS_FILE
        if not stats_path.is_file():
            raise UserError(f"{folder}: no {STATS_FILE}, so this is not a finished tokens folder")
        self.stats = json.loads(stats_path.read_text(encoding="utf-8"))
        dtype = np.dtype(self.stats["dtype"])
        self.shards: list[Shard] = []
        for path in sorted((folder / SHARDS_DIR).glob("*.ds")):
            if path.stat().st_size == 0:
                continue  # a task that got no document
            tokens = np.memmap(path, dtype=dtype, mode="r")
            ends = np.memmap(path.with_name(path.name + ".index"), dtype="<u8", mode="r")
            if len(ends) == 0 or int(ends[-1]) != len(tokens):
                raise UserError(f"{path}: its index does not match its tokens (a damaged shard; "
                                "rerun the tokenize stage)")
            self.shards.append(Shard(tokens, ends))
        self.offsets = np.cumsum([0] + [len(s.tokens) for s in self.shards])
        if self.total_tokens == 0:
            raise UserError(f"{folder}: no tokens (the corpus was empty)")

    @property
    def total_tokens(self) -> int:
        return int(self.offsets[-1])

    @property
    def fingerprint(self) -> str:
        return self.stats["tokenizer_sha256"]

    def span(self, start: int, stop: int) -> tuple[np.ndarray, np.ndarray]:
        """Tokens ``[start, stop)`` of the stream (int64) and a flag per token: True where a
        document begins."""
        tokens = np.empty(stop - start, dtype=np.int64)
        starts = np.zeros(stop - start, dtype=bool)
        first = int(np.searchsorted(self.offsets, start, side="right")) - 1
        at = start
        for index in range(first, len(self.shards)):
            if at >= stop:
                break
            shard, base = self.shards[index], int(self.offsets[index])
            lo, hi = at - base, min(stop, int(self.offsets[index + 1])) - base
            tokens[at - start:at - start + hi - lo] = shard.tokens[lo:hi]
            # documents begin at 0 and at every end but the last
            begins = shard.ends[np.searchsorted(shard.ends, lo):np.searchsorted(shard.ends, hi)]
            begins = begins.astype(np.int64)
            starts[begins - lo + (at - start)] = True
            if lo == 0:
                starts[at - start] = True
            at = base + hi
        return tokens, starts


def check_shards_match(shards: TokenShards, tokenizer, where: str) -> None:
    """Refuse shards made by another tokenizer than the model's (ids would mean other tokens)."""
    if shards.fingerprint != tokenizer_fingerprint(tokenizer):
        raise UserError(f"{where}: the token shards were made with another tokenizer than this "
                        "model's; point the tokenize stage's `tokenizer:` at this model (or give "
                        "pretrain the corpus stage, which tokenizes with the model's tokenizer)")
