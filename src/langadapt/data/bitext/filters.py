"""Sentence-pair filters with the semantics and defaults of OpusFilter 3.3.

Each filter takes the two sides of a batch of pairs and returns one keep/drop decision per pair.
The parameters, defaults and edge cases (empty segments, strict vs. inclusive thresholds, how a
"word" is counted: ``str.split()``) follow OpusFilter's documentation and behaviour, so a
configuration written for OpusFilter (``[{"LengthFilter": {...}}, ...]``) means the same here and
the decisions are identical (tests compare them with the ``opusfilter`` package pair by pair).

Written here rather than imported because OpusFilter pulls in scikit-learn, pandas, matplotlib and
a Moses tokenizer for these few string tests, pins ``py3langid<0.4``, and scores one pair at a
time in Python; the language-ID filter below walks py3langid's byte automaton for a whole batch at
once with numpy (``BatchLangid``), which is what makes the preset several times faster.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Sequence
from typing import Any

from langadapt.errors import UserError
from langadapt.langid import BatchLangid, lingua_detector

Decisions = list[bool]
UNITS = ("word", "char", "character")
def per_side(value: Any, name: str) -> tuple[Any, Any]:
    """OpusFilter's convention: a scalar applies to both sides, a two-item list to each side."""
    if isinstance(value, (list, tuple)):
        if len(value) != 2:
            raise UserError(f"filter option {name!r} must be one value or a list of two, got {value!r}")
        return value[0], value[1]
    return value, value


def _check_unit(unit: str) -> str:
    if unit not in UNITS:
        raise UserError(f"filter option 'unit' must be one of {', '.join(UNITS)}, got {unit!r}")
    return unit


def _lengths(texts: Sequence[str], unit: str) -> list[int]:
    """Words are ``str.split()`` pieces, as in OpusFilter; characters are code points."""
    return [len(t.split()) for t in texts] if unit == "word" else [len(t) for t in texts]


class LengthFilter:
    """Both sides between ``min_length`` and ``max_length`` (inclusive) words or characters."""

    def __init__(self, min_length: float = 1, max_length: float = 100, unit: str | list = "word",
                 pass_empty: bool = False) -> None:
        self.min, self.max = per_side(min_length, "min_length"), per_side(max_length, "max_length")
        self.units = tuple(_check_unit(u) for u in per_side(unit, "unit"))
        self.pass_empty = pass_empty

    def decisions(self, src: Sequence[str], tgt: Sequence[str]) -> Decisions:
        (lo_s, lo_t), (hi_s, hi_t) = self.min, self.max
        return [(self.pass_empty and a + b == 0) or (lo_s <= a <= hi_s and lo_t <= b <= hi_t)
                for a, b in zip(_lengths(src, self.units[0]), _lengths(tgt, self.units[1]))]


class LengthRatioFilter:
    """Longer side / shorter side below ``threshold`` (strict); one empty side counts as infinite."""

    def __init__(self, threshold: float = 3, unit: str | list = "word") -> None:
        self.threshold = threshold
        self.units = tuple(_check_unit(u) for u in per_side(unit, "unit"))

    def decisions(self, src: Sequence[str], tgt: Sequence[str]) -> Decisions:
        out = []
        for a, b in zip(_lengths(src, self.units[0]), _lengths(tgt, self.units[1])):
            short, long = (a, b) if a <= b else (b, a)
            ratio = (math.inf if long else 0) if short == 0 else long / short
            out.append(ratio < self.threshold)
        return out


class LongWordFilter:
    """Longest whitespace-separated token of each side shorter than ``threshold`` (strict)."""

    def __init__(self, threshold: int | list = 40) -> None:
        self.threshold = per_side(threshold, "threshold")
        # A run of `threshold` non-space characters is a token that long: one C-level search.
        # (re's \s and str.split() use the same Unicode whitespace definition.)
        self._long = [re.compile(rf"\S{{{max(0, math.ceil(t))}}}") for t in self.threshold]

    def decisions(self, src: Sequence[str], tgt: Sequence[str]) -> Decisions:
        long_s, long_t = self._long[0].search, self._long[1].search
        return [long_s(s) is None and long_t(t) is None for s, t in zip(src, tgt)]


class CharacterScoreFilter:
    """Share of alphabetic characters (Unicode ``Alphabetic``) that are in the side's script.

    A side without alphabetic characters scores 1.0; the default threshold 1 demands that every
    letter is in the script. Uses the ``regex`` module for the Unicode Script property, which the
    standard library does not expose.
    """

    def __init__(self, scripts: list[str] | None = None, thresholds: list[float] | None = None) -> None:
        import regex

        if not scripts or len(scripts) != 2:
            raise UserError("CharacterScoreFilter needs 'scripts': a list of two Unicode script names")
        self.thresholds = per_side(1 if thresholds is None else thresholds, "thresholds")
        self._alphabetic = regex.compile(r"\p{Alphabetic}")
        # ASCII letters are all Latin script, so ASCII text needs no scan against Latin.
        self._ascii_ok = [name.lower() in ("latin", "latn") for name in scripts]
        try:
            self._outside = [regex.compile(rf"[\p{{Alphabetic}}--\p{{Script={name}}}]", regex.V1)
                             for name in scripts]
        except regex.error as err:
            raise UserError(f"CharacterScoreFilter: unknown script in {scripts!r} ({err})") from None

    def _score(self, text: str, side: int) -> float:
        if self._ascii_ok[side] and text.isascii():
            return 1.0
        outside = self._outside[side]
        if outside.search(text) is None:  # no letter outside the script (or no letters): 1.0
            return 1.0
        letters = len(self._alphabetic.findall(text))
        return (letters - len(outside.findall(text))) / letters

    def decisions(self, src: Sequence[str], tgt: Sequence[str]) -> Decisions:
        th_s, th_t = self.thresholds
        return [self._score(s, 0) >= th_s and self._score(t, 1) >= th_t for s, t in zip(src, tgt)]


_TERMINAL = re.compile("[.?!\u2026]")  # the marks OpusFilter counts


class TerminalPunctuationFilter:
    """Penalty ``-log(1 + |n_s - n_t| + extra marks beyond one on each side) >= threshold``.

    ``n`` counts the characters . ? ! … of a side; with the default -2 a pair passes when the
    penalty count is at most 6.
    """

    def __init__(self, threshold: float = -2) -> None:
        self.threshold = threshold

    def decisions(self, src: Sequence[str], tgt: Sequence[str]) -> Decisions:
        out = []
        for s, t in zip(src, tgt):
            a = len(_TERMINAL.findall(s))
            b = len(_TERMINAL.findall(t))
            penalty = abs(a - b) + max(a - 1, 0) + max(b - 1, 0)
            out.append(-math.log(penalty + 1) >= self.threshold)
        return out


_NONZERO_DIGIT = re.compile(r"[1-9]")  # string.digits minus "0", ASCII only
_NOT_NONZERO_DIGITS = re.compile(r"[^1-9]+")


class NonZeroNumeralsFilter:
    """``difflib.SequenceMatcher`` ratio of the sides' ASCII digits 1-9, in order, ``>= threshold``.

    Two sides without such digits score 1.0. ``require_all`` only matters beyond two sides.
    """

    def __init__(self, threshold: float = 0.5, require_all: bool = True) -> None:
        self.threshold = threshold

    def decisions(self, src: Sequence[str], tgt: Sequence[str]) -> Decisions:
        out = []
        for s, t in zip(src, tgt):
            a = _NOT_NONZERO_DIGITS.sub("", s) if _NONZERO_DIGIT.search(s) else ""
            b = _NOT_NONZERO_DIGITS.sub("", t) if _NONZERO_DIGIT.search(t) else ""
            ratio = 1.0 if not (a or b) else difflib.SequenceMatcher(None, a, b).ratio()
            out.append(ratio >= self.threshold)
        return out


class LangidFilter:
    """py3langid confidence of each side's expected language, rounded to 2 digits, ``> threshold``.

    A side identified as another language scores 0; an empty side scores 1 (passes), as in
    OpusFilter. ``langid_languages`` restricts the classifier (the presets use the pair's two
    languages, which is both faster and more accurate on short segments).
    """

    def __init__(self, languages: list[str] | None = None, thresholds: list[float] | None = None,
                 langid_languages: list[str] | None = None) -> None:
        if not languages or len(languages) != 2:
            raise UserError("LangidFilter needs 'languages': the two sides' language codes")
        self.languages = list(languages)
        self.thresholds = per_side(0 if thresholds is None else thresholds, "thresholds")
        self.identifier = BatchLangid(langid_languages)

    def confidences(self, texts: Sequence[str], language: str) -> list[float]:
        labels, probs = self.identifier.classify(texts)
        return [1.0 if not text else (round(p, 2) if label == language else 0.0)
                for text, label, p in zip(texts, labels, probs)]

    def decisions(self, src: Sequence[str], tgt: Sequence[str]) -> Decisions:
        conf_s = self.confidences(src, self.languages[0])
        conf_t = self.confidences(tgt, self.languages[1])
        th_s, th_t = self.thresholds
        return [a > th_s and b > th_t for a, b in zip(conf_s, conf_t)]


class LinguaFilter(LangidFilter):
    """The same test with the Lingua detector (optional ``lingua-language-detector`` package)."""

    def __init__(self, languages: list[str] | None = None, thresholds: list[float] | None = None,
                 langid_languages: list[str] | None = None, lingua_mode: str = "low") -> None:
        if not languages or len(languages) != 2:
            raise UserError("LinguaFilter needs 'languages': the two sides' language codes")
        if lingua_mode not in ("low", "high"):
            raise UserError(f"LinguaFilter: lingua_mode must be 'low' or 'high', got {lingua_mode!r}")
        self.languages = list(languages)
        self.thresholds = per_side(0 if thresholds is None else thresholds, "thresholds")
        self.detector = lingua_detector(langid_languages or [], low_accuracy=lingua_mode == "low",
                                        who="LinguaFilter")

    def confidences(self, texts: Sequence[str], language: str) -> list[float]:
        ranked = self.detector.compute_language_confidence_values_in_parallel(list(texts))
        return [1.0 if not text else
                (best[0].value if best and best[0].language.iso_code_639_1.name.lower() == language else 0.0)
                for text, best in zip(texts, ranked)]


FILTERS: dict[str, type] = {cls.__name__: cls for cls in (
    LengthFilter, LengthRatioFilter, LongWordFilter, CharacterScoreFilter, TerminalPunctuationFilter,
    NonZeroNumeralsFilter, LangidFilter, LinguaFilter)}
FILTERS["LanguageIDFilter"] = LangidFilter  # OpusFilter's older name, langid method only


def build_filters(config: list[dict], src_lang: str, tgt_lang: str) -> list[tuple[str, Any]]:
    """``(label, filter)`` for each entry of an OpusFilter-style list ``[{Name: {options}}]``.

    Language-ID entries without ``languages`` get the pair's languages. Labels are the filter
    name plus its unit or an explicit ``name`` option, numbered when they would repeat.
    """
    built: list[tuple[str, Any]] = []
    for entry in config:
        if not isinstance(entry, dict) or len(entry) != 1:
            raise UserError(f"filter entry must be a one-key mapping {{FilterName: options}}, got {entry!r}")
        (name, options), = entry.items()
        if name not in FILTERS:
            raise UserError(f"unknown filter {name!r} (available: {', '.join(FILTERS)})")
        options = dict(options or {})
        unit = options.get("unit")
        label = options.pop("name", None) or (f"{name}:{unit}" if isinstance(unit, str) else name)
        if FILTERS[name] in (LangidFilter, LinguaFilter):
            options.setdefault("languages", [src_lang, tgt_lang])
        try:
            instance = FILTERS[name](**options)
        except TypeError as err:
            raise UserError(f"{name}: bad options {options!r} ({err})") from None
        labels = {existing for existing, _ in built}
        unique, number = label, 2
        while unique in labels:
            unique, number = f"{label}#{number}", number + 1
        built.append((unique, instance))
    return built
