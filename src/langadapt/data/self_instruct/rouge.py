"""ROUGE-L near-duplicate filter for generated instructions, fast enough for a 50k pool.

Alpaca drops a new instruction whose ROUGE-L F-measure against any instruction already in the pool
exceeds 0.7, computing one LCS per pool entry. F = 2·LCS / (m + n) for token lengths m, n, and
the LCS can never exceed the bag-of-words overlap (Σ_t min(count_a(t), count_b(t))). So an inverted
index over token ids gives, in one numpy pass, an upper bound for every pool entry; the exact LCS
(a bit-parallel DP on Python ints) runs only where the bound exceeds the threshold.

Tokens are lower-cased runs of Unicode letters and digits: rouge-score's default tokenizer keeps
only [a-z0-9], which would erase õ, ä, ö, ü and every non-Latin script.
"""

from __future__ import annotations

import re
from collections import Counter

import numpy as np

WORD = re.compile(r"[^\W_]+")


def tokenize(text: str) -> list[str]:
    """Lower-cased runs of Unicode letters/digits (underscore and punctuation separate words)."""
    return WORD.findall(text.lower())


def lcs_length(a: list[int], b: list[int]) -> int:
    """Length of the longest common subsequence, bit-parallel (Hyyrö 2004): the DP column over
    ``a`` lives in the bits of one integer, so each token of ``b`` costs a few big-int ops."""
    if len(a) < len(b):
        a, b = b, a
    masks: dict[int, int] = {}
    for i, token in enumerate(a):
        masks[token] = masks.get(token, 0) | (1 << i)
    full = (1 << len(a)) - 1
    column = full
    for token in b:
        matched = column & masks.get(token, 0)
        column = ((column + matched) | (column - matched)) & full
    return len(a) - column.bit_count()


def rouge_l(a: list[int], b: list[int]) -> float:
    """ROUGE-L F-measure (β = 1) of two token-id sequences, computed in rouge-score's float
    order (precision, recall, then 2PR/(P+R)) so a score at the 0.7 boundary rounds the same way
    and keep/drop decisions are identical to Alpaca's."""
    if not a or not b:
        return 0.0
    lcs = lcs_length(a, b)
    precision, recall = lcs / len(b), lcs / len(a)
    return 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0


# The bag-of-words bound is exact arithmetic; this margin keeps entries whose float F-measure
# could round to just above the threshold.
BOUND_MARGIN = 1e-9


class RougeIndex:
    """A growing pool of instructions; ``max_score`` finds the best ROUGE-L match against it."""

    def __init__(self) -> None:
        self.vocab: dict[str, int] = {}
        self.entries: list[list[int]] = []
        self.texts: list[str] = []
        self._lengths = np.zeros(1024, dtype=np.int32)
        # per token id: pool ids and the token's count in each, in growable arrays
        self._postings: list[list] = []  # [ids array, counts array, used]

    def __len__(self) -> int:
        return len(self.entries)

    def _ids(self, tokens: list[str], grow: bool) -> list[int]:
        ids = []
        for token in tokens:
            index = self.vocab.get(token)
            if index is None:
                if not grow:
                    index = -1 - len(ids)  # unseen: matches nothing in the pool
                else:
                    index = self.vocab[token] = len(self.vocab)
                    self._postings.append([np.zeros(4, np.int32), np.zeros(4, np.int16), 0])
            ids.append(index)
        return ids

    def add(self, text: str) -> None:
        ids = self._ids(tokenize(text), grow=True)
        number = len(self.entries)
        self.entries.append(ids)
        self.texts.append(text)
        if number >= len(self._lengths):
            self._lengths = np.resize(self._lengths, 2 * len(self._lengths))
        self._lengths[number] = len(ids)
        for token, count in Counter(ids).items():
            posting = self._postings[token]
            if posting[2] == len(posting[0]):
                posting[0] = np.resize(posting[0], 2 * len(posting[0]))
                posting[1] = np.resize(posting[1], 2 * len(posting[1]))
            posting[0][posting[2]] = number
            posting[1][posting[2]] = min(count, 32767)
            posting[2] += 1

    def max_score(self, text: str, threshold: float = 0.0) -> tuple[float, int]:
        """``(score, pool index)`` of the best match whose score exceeds ``threshold`` (the best
        overall when ``threshold`` is 0); ``(0.0, -1)`` when no entry can exceed it."""
        ids = self._ids(tokenize(text), grow=False)
        size = len(self.entries)
        if not ids or not size:
            return 0.0, -1
        arrays, weights = [], []
        for token, count in Counter(ids).items():
            if token < 0:
                continue
            pool_ids, counts, used = self._postings[token]
            arrays.append(pool_ids[:used])
            weights.append(np.minimum(counts[:used], count))
        if not arrays:
            return 0.0, -1
        overlap = np.bincount(np.concatenate(arrays), weights=np.concatenate(weights), minlength=size)
        bound = 2.0 * overlap / (len(ids) + self._lengths[:size])
        candidates = np.flatnonzero(bound > threshold - BOUND_MARGIN)
        if not len(candidates):
            return 0.0, -1
        best, best_index = 0.0, -1
        for index in candidates[np.argsort(-bound[candidates], kind="stable")]:
            if bound[index] + BOUND_MARGIN <= best:  # sorted by bound: nothing later can win
                break
            score = rouge_l(ids, self.entries[index])
            if score > best:
                best, best_index = score, int(index)
        return (best, best_index) if best > threshold or threshold == 0 else (0.0, -1)
