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

import copy
import difflib
import functools
import math
import re
import unicodedata
from collections.abc import Sequence
from typing import Any

from langadapt.errors import UserError

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
        try:
            from lingua import IsoCode639_1, LanguageDetectorBuilder
        except ImportError:
            raise UserError("LinguaFilter needs the lingua package: pip install lingua-language-detector") from None
        if not languages or len(languages) != 2:
            raise UserError("LinguaFilter needs 'languages': the two sides' language codes")
        self.languages = list(languages)
        self.thresholds = per_side(0 if thresholds is None else thresholds, "thresholds")
        codes = []
        for code in langid_languages or []:
            if not hasattr(IsoCode639_1, code.upper()):
                raise UserError(f"LinguaFilter: language {code!r} is not supported by lingua")
            codes.append(getattr(IsoCode639_1, code.upper()))
        builder = (LanguageDetectorBuilder.from_iso_codes_639_1(*codes) if codes
                   else LanguageDetectorBuilder.from_all_languages())
        if lingua_mode not in ("low", "high"):
            raise UserError(f"LinguaFilter: lingua_mode must be 'low' or 'high', got {lingua_mode!r}")
        builder = builder.with_low_accuracy_mode() if lingua_mode == "low" else builder.with_preloaded_language_models()
        self.detector = builder.build()

    def confidences(self, texts: Sequence[str], language: str) -> list[float]:
        ranked = self.detector.compute_language_confidence_values_in_parallel(list(texts))
        return [1.0 if not text else
                (best[0].value if best and best[0].language.iso_code_639_1.name.lower() == language else 0.0)
                for text, best in zip(texts, ranked)]


@functools.cache
def _py3langid_model() -> Any:
    """py3langid's bundled model with probabilities on, decompressed once per process."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    load = getattr(LanguageIdentifier, "from_model_file", None) or LanguageIdentifier.from_pickled_model
    return load(MODEL_FILE, norm_probs=True)


class BatchLangid:
    """py3langid's naive Bayes classifier applied to a whole batch of texts at once.

    py3langid walks its byte-n-gram automaton one byte at a time in Python. Here the texts of a
    batch are sorted by length and walked in lockstep, one numpy step per byte position over all
    still-running texts; the features found are counted and scored with the same model tables,
    the same sublinear counts, length-scaled softmax and alias folding as py3langid 0.4. The
    result is checked against py3langid's own ``classify`` on reference texts when loading; any
    other model layout or a mismatch falls back to calling ``classify`` text by text.
    """

    BATCH_BYTES = 1 << 22  # bytes of padded text walked per lockstep batch (~16 MiB of features)

    def __init__(self, languages: list[str] | None = None) -> None:
        # A shallow copy of the once-loaded model: set_languages rebinds (never edits) its tables.
        self.identifier = copy.copy(_py3langid_model())
        if languages:
            try:
                self.identifier.set_languages(list(languages))
            except ValueError as err:
                raise UserError(f"py3langid: {err}") from None
        self.vectorised = self._load_tables()
        self.vectorised = self.vectorised and self._matches_reference()

    def _load_tables(self) -> bool:
        import numpy as np

        ident = self.identifier
        if not hasattr(ident, "tk_row") or not isinstance(getattr(ident, "tk_output", None), list):
            return False  # not the py3langid 0.4 layout
        self._np = np
        self._nextmove = np.frombuffer(ident.tk_nextmove, dtype=f"u{ident.tk_nextmove.itemsize}")
        self._rowbase = np.asarray(ident.tk_row, dtype=np.int64) << 8
        self._output = np.asarray(ident.tk_output, dtype=np.int32)
        self._table = np.asarray(ident.nb_ptc)
        self._prior = np.asarray(ident.nb_pc, dtype=np.float32)
        self._classes = list(ident.nb_classes)
        # Labels listed twice (script variants such as srl/sr): fold into the first column.
        first: dict[str, int] = {}
        self._aliases = []
        for i, label in enumerate(self._classes):
            if label in first:
                self._aliases.append((first[label], i))
            first.setdefault(label, i)
        return True

    @staticmethod
    def _encode(text: str) -> bytes:
        # py3langid's input normalisation: all-caps text lowered, NFC, UTF-8.
        if text.isupper():
            text = text.lower()
        return unicodedata.normalize("NFC", text).encode("utf8", errors="surrogatepass")

    def _matches_reference(self) -> bool:
        samples = ["The cat sat on the mat.", "Kass istus matil.", "TERE HOMMIKUST", "", "!!!", "12:30",
                   "Tõlgi see lause inglise keelde, palun.", "Öö on pime ja külm", "Wie geht es dir?",
                   "Open the file menu", "Ava faili menüü", "%s files", "ÕUNAD JA PIRNID"]
        reference = [self.identifier.classify(text) for text in samples]
        labels, probs = self.classify(samples)
        return all(label == ref[0] and abs(prob - ref[1]) <= 1e-4 for label, prob, ref in zip(labels, probs, reference))

    def classify(self, texts: Sequence[str]) -> tuple[list[str], list[float]]:
        """The best label and its probability for each text."""
        if not self.vectorised:
            results = [self.identifier.classify(text) for text in texts]
            return [r[0] for r in results], [float(r[1]) for r in results]
        np = self._np
        encoded = [self._encode(text) for text in texts]
        order = sorted(range(len(encoded)), key=lambda i: -len(encoded[i]))
        probs = np.zeros((len(encoded), len(self._classes)), dtype=np.float32)
        start = 0
        while start < len(order):
            size = max(1, min(len(order) - start, self.BATCH_BYTES // max(1, len(encoded[order[start]]))))
            rows = order[start:start + size]
            probs[rows] = self._batch_probs([encoded[i] for i in rows])
            start += size
        best = probs.argmax(axis=1)
        return [self._classes[i] for i in best], probs[np.arange(len(best)), best].tolist()

    def _batch_probs(self, batch: list[bytes]) -> Any:
        """Class probabilities of texts sorted longest first."""
        np = self._np
        count, width = len(batch), len(batch[0])
        lengths = np.fromiter(map(len, batch), dtype=np.int64, count=count)
        scores = np.zeros((count, len(self._classes)), dtype=np.float32)
        if width:
            grid = np.frombuffer(b"".join(b.ljust(width, b"\0") for b in batch), dtype=np.uint8).reshape(count, width)
            running = count - np.searchsorted(lengths[::-1], np.arange(width), side="right")
            state = np.zeros(count, dtype=np.int64)
            features = np.full((count, width), -1, dtype=np.int32)
            for pos in range(width):
                k = running[pos]
                state[:k] = self._nextmove[self._rowbase[state[:k]] + grid[:k, pos]]
                features[:k, pos] = self._output[state[:k]]
            text_idx, pos_idx = np.nonzero(features >= 0)
            n_features = self._table.shape[0]
            keys, counts = np.unique(text_idx * n_features + features[text_idx, pos_idx], return_counts=True)
            owner, feature = np.divmod(keys, n_features)
            weight = np.log1p(counts.astype(np.float32))
            # Featureless texts keep all-zero scores: a uniform distribution, as in py3langid.
            present, starts = np.unique(owner, return_index=True)
            if len(present) and len(self._classes) <= 16:
                weighted = self._table[feature].astype(np.float32) * weight[:, None]
                scores[present] = np.add.reduceat(weighted, starts, axis=0) + self._prior
            elif len(present):  # many classes: a (features x classes) block per text stays small
                ends = np.append(starts[1:], len(keys)).tolist()
                for row, a, b in zip(present.tolist(), starts.tolist(), ends):
                    scores[row] = weight[a:b] @ self._table[feature[a:b]] + self._prior
        scale = np.array([1.0 / math.sqrt(n or 1) for n in lengths.tolist()], dtype=np.float32)
        scores *= scale[:, None]
        scores = np.exp(scores - scores.max(axis=1, keepdims=True))
        scores /= scores.sum(axis=1, keepdims=True)
        for keep, alias in self._aliases:
            scores[:, keep] += scores[:, alias]
            scores[:, alias] = 0.0
        return scores


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
