"""Language identification and writing scripts, shared by the corpus and bitext filters.

py3langid is the default detector (offline, fast, restricted to the languages in play); Lingua
(``lingua-language-detector``) is optional. ``BatchLangid`` scores a whole batch of texts at once.
``LANGUAGE_SCRIPTS`` names the Unicode scripts a language's letters are expected in.
"""

from __future__ import annotations

import copy
import functools
import math
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any

from langadapt.errors import UserError

# The scripts a language's letters are expected in (Unicode script names as the ``regex`` module
# spells them), the main one first; ``scripts_for`` defaults unlisted languages to Latin.
LANGUAGE_SCRIPTS: dict[str, list[str]] = {
    **dict.fromkeys("en et fi de fr es it pt nl sv da no nb nn is lv lt pl cs sk sl hr hu ro "
                    "tr eu ca ga cy mt sq vro se".split(), ["Latin"]),
    **dict.fromkeys("ru uk be bg mk kk ky mn".split(), ["Cyrillic"]),
    "sr": ["Cyrillic", "Latin"], "el": ["Greek"], "he": ["Hebrew"], "ar": ["Arabic"],
    "fa": ["Arabic"], "hi": ["Devanagari"], "ka": ["Georgian"], "hy": ["Armenian"], "th": ["Thai"],
    "zh": ["Han"], "ja": ["Han", "Hiragana", "Katakana"], "ko": ["Hangul", "Han"],
}


def scripts_for(lang: str) -> list[str]:
    """The expected scripts of ``lang`` (Latin for a language not listed)."""
    return LANGUAGE_SCRIPTS.get(lang, ["Latin"])


def lingua_detector(langs: list[str], low_accuracy: bool = False, who: str = "lingua") -> Any:
    """A Lingua detector restricted to ``langs`` (all languages when empty)."""
    try:
        from lingua import IsoCode639_1, LanguageDetectorBuilder
    except ImportError:
        raise UserError(f"{who} needs the lingua package: pip install lingua-language-detector") from None
    codes = []
    for code in langs:
        if not hasattr(IsoCode639_1, code.upper()):
            raise UserError(f"{who}: language {code!r} is not supported by lingua")
        codes.append(getattr(IsoCode639_1, code.upper()))
    builder = (LanguageDetectorBuilder.from_iso_codes_639_1(*codes) if codes
               else LanguageDetectorBuilder.from_all_languages())
    return (builder.with_low_accuracy_mode() if low_accuracy else builder).build()


def text_detector(backend: str, langs: list[str]) -> Callable[[str], tuple[str, float]]:
    """``detect(text) -> (language, confidence)`` for one text at a time, restricted to ``langs``."""
    if backend == "lingua":
        detector = lingua_detector(langs, who="language_id_backend lingua")

        def detect(text: str) -> tuple[str, float]:
            best = detector.compute_language_confidence_values(text)[0]
            return best.language.iso_code_639_1.name.lower(), float(best.value)

        return detect
    identifier = copy.copy(py3langid_model())
    identifier.set_languages(langs)

    def detect(text: str) -> tuple[str, float]:
        lang, prob = identifier.classify(text.replace("\n", " "))
        return lang, float(prob)

    return detect


@functools.cache
def py3langid_model() -> Any:
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
        self.identifier = copy.copy(py3langid_model())
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
