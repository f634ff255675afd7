"""Remove training pairs that overlap evaluation sets (FLORES, WMT test sets, ...).

A pair is contaminated when its source or its target equals an evaluation sentence after
normalisation, or (optionally) when the share of its word n-grams found in the evaluation
sentences exceeds a threshold. Normalisation is deliberately aggressive, because a leaked test
sentence often differs only in quoting, spacing or case: CSV-style quoting is undone (FLORES'
Estonian dev file has lines like ``\"\"\"Meil on …,\"\" lisas ta.\"``), text is NFKC-normalised
and case-folded, and only its letter/digit runs are kept, joined by single spaces.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from langadapt.errors import UserError, located
from langadapt.text import read_text_lines, unquote_csv

_WORD_RUNS = re.compile(r"[^\W_]+")


def normalise_for_match(text: str) -> str:
    text = unicodedata.normalize("NFKC", unquote_csv(text.strip())).casefold()
    return " ".join(_WORD_RUNS.findall(text))


def _ngrams(words: list[str], n: int) -> set[str]:
    return {" ".join(words[i:i + n]) for i in range(len(words) - n + 1)}


class Decontaminator:
    """Index of evaluation sentences; ``match(src, tgt)`` names the set a pair leaks, or None.

    ``ngram`` = 0 disables the n-gram test; otherwise a side with at least ``ngram`` words is
    contaminated when more than ``max_overlap`` of its distinct n-grams occur in one set.
    """

    def __init__(self, eval_sets: dict[str, list[str]], ngram: int = 0, max_overlap: float = 0.5) -> None:
        if ngram < 0:
            raise UserError(f"decontamination n-gram size must be >= 0, got {ngram}")
        if not 0 <= max_overlap < 1:
            raise UserError(f"decontamination overlap threshold must be in [0, 1), got {max_overlap}")
        self.ngram, self.max_overlap = ngram, max_overlap
        self.names = list(eval_sets)
        self.exact: dict[str, int] = {}
        self.grams: list[set[str]] = []
        self.sizes: list[int] = []
        for index, lines in enumerate(eval_sets.values()):
            normalised = [normalise_for_match(line) for line in lines]
            for key in normalised:
                if key:
                    self.exact.setdefault(key, index)
            self.sizes.append(len(lines))
            self.grams.append(set().union(*(_ngrams(k.split(), ngram) for k in normalised)) if ngram else set())
        self.removed = Counter()
        self.removed_by_rule = Counter()

    @classmethod
    def from_files(cls, paths: Iterable[str | Path], ngram: int = 0, max_overlap: float = 0.5) -> Decontaminator:
        sets: dict[str, list[str]] = {}
        for path in map(Path, paths):
            if not path.is_file():
                raise located(path, "no such evaluation file")
            name = path.name if path.name not in sets else str(path)
            sets[name] = read_text_lines(path)
        return cls(sets, ngram=ngram, max_overlap=max_overlap)

    def _ngram_match(self, key: str) -> int | None:
        words = key.split()
        if len(words) < self.ngram:
            return None
        grams = _ngrams(words, self.ngram)
        for index, index_grams in enumerate(self.grams):
            if len(grams & index_grams) > self.max_overlap * len(grams):
                return index
        return None

    def match(self, src: str, tgt: str) -> str | None:
        """The name of the evaluation set the pair overlaps (and count it), or None."""
        keys = (normalise_for_match(src), normalise_for_match(tgt))
        found, rule = None, "exact"
        for key in keys:
            if key in self.exact:
                found = self.exact[key]
                break
        if found is None and self.ngram:
            rule = "ngram"
            for key in keys:
                found = self._ngram_match(key)
                if found is not None:
                    break
        if found is None:
            return None
        self.removed[self.names[found]] += 1
        self.removed_by_rule[rule] += 1
        return self.names[found]

    def stats(self) -> dict[str, Any]:
        return {
            "removed": sum(self.removed.values()),
            "removed_exact": self.removed_by_rule["exact"],
            "removed_ngram": self.removed_by_rule["ngram"],
            "ngram": self.ngram,
            "max_overlap": self.max_overlap if self.ngram else None,
            "sets": {name: {"sentences": size, "removed": self.removed[name]}
                     for name, size in zip(self.names, self.sizes)},
        }
