"""The Alpaca filters on generated instructions, generalised from English to any language.

Checked in order, the first failing one names the drop reason: too short or too long (word
count of the instruction, Alpaca's > 3 and <= 150), a blacklisted word (per language; text-only
models cannot handle images, files ...), a start with punctuation or another non-letter (Alpaca
drops instructions not starting with an ASCII letter, which would drop every Estonian "Õ..."),
the wrong language (offline language ID on instruction + input + output) and ROUGE-L > 0.7
against every instruction already in the pool (seed tasks included).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence

from langadapt.data.self_instruct.rouge import RougeIndex


def blacklist_pattern(words: Sequence[str]) -> re.Pattern | None:
    """One regex for the blacklist: ``word`` matches the whole word, ``stem*`` any ending."""
    if not words:
        return None
    parts = [re.escape(w[:-1]) + r"\w*" if w.endswith("*") else re.escape(w) for w in words]
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)", re.IGNORECASE)


class InstructionFilter:
    """Decides keep/drop for one generated item at a time; kept instructions join the pool."""

    def __init__(self, pool: Sequence[str], blacklist: Sequence[str] = (), *, min_words: int = 4,
                 max_words: int = 150, rouge_threshold: float = 0.7,
                 language: str | None = None,
                 detect: Callable[[str], tuple[str, float]] | None = None) -> None:
        self.index = RougeIndex()
        for text in pool:
            self.index.add(text)
        self.blacklist = blacklist_pattern(blacklist)
        self.min_words, self.max_words = min_words, max_words
        self.rouge_threshold = rouge_threshold
        self.language, self.detect = language, detect

    def reason(self, item: dict) -> str | None:
        """Why ``item`` is dropped, or None to keep it (it is then added to the pool)."""
        instruction = item["instruction"].strip()
        words = len(instruction.split())
        if words < self.min_words:
            return "too_short"
        if words > self.max_words:
            return "too_long"
        if self.blacklist is not None and self.blacklist.search(instruction):
            return "blacklisted"
        first = instruction[0]
        if unicodedata.category(first).startswith("P"):
            return "starts_with_punctuation"
        if not first.isalpha():
            return "starts_with_non_letter"
        if self.detect is not None:
            text = " ".join(item[k] for k in ("instruction", "input", "output") if item.get(k))
            if self.detect(text)[0] != self.language:
                return "wrong_language"
        score, _ = self.index.max_score(instruction, self.rouge_threshold)
        if score > self.rouge_threshold:
            return "similar"
        self.index.add(instruction)
        return None
