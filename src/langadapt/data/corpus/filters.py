"""Filter blocks of the corpus builder, each a datatrove ``BaseFilter`` with a named drop reason.

Every drop is counted by datatrove as ``dropped_<reason>`` in the step's stats, which the builder
sums into ``stats.json``; nothing leaves the pipeline uncounted. The filters are written here
because datatrove's own URL and language filters are built around fastText and blocklists, while
the papers this project follows need a domain-suffix *allow* list applied to one language only
and a detector restricted to the corpus' own languages.
"""

from __future__ import annotations

import functools
import hashlib
from urllib.parse import urlsplit

import regex
from datatrove.data import Document
from datatrove.pipeline.base import PipelineStep
from datatrove.pipeline.filters.base_filter import BaseFilter

from langadapt.langid import text_detector
from langadapt.text import normalise


def digest(text: str) -> bytes:
    return hashlib.blake2b(normalise(text).encode(), digest_size=16).digest()


def normalised_content(doc: Document) -> str:
    """Content getter of datatrove's exact dedup: duplicates up to case, spacing, Unicode form."""
    return normalise(doc.text)


normalised_content.__annotations__["return"] = str  # datatrove picks its hash by this annotation


class Tally(PipelineStep):
    """Pass-through counter of documents per language and source at one point of the pipeline."""

    type = "📊 - TALLY"

    def __init__(self, point: str):
        self.name = f"tally {point}"
        super().__init__()
        self.point = point

    def run(self, data, rank: int = 0, world_size: int = 1):
        for doc in data:
            self.stat_update(f"{self.point}\t{doc.metadata['lang']}\t{doc.metadata['source']}")
            if doc.metadata.pop("duplicate_count", 0):  # set by datatrove's exact dedup filter
                self.stat_update("exact_clusters")
            yield doc


class LengthFilter(BaseFilter):
    name = "length"

    def __init__(self, min_chars: int, max_chars: int | None):
        super().__init__()
        self.min_chars, self.max_chars = min_chars, max_chars

    def filter(self, doc: Document):
        size = len(doc.text.strip())
        if size < self.min_chars:
            return False, "too_short"
        if self.max_chars is not None and size > self.max_chars:
            return False, "too_long"
        return True


class ExcludeFilter(BaseFilter):
    """Drops documents equal (after normalisation) to a held-out text, e.g. an evaluation set line."""

    name = "exclude"

    def __init__(self, digests: set[bytes]):
        super().__init__()
        self.digests = digests

    def filter(self, doc: Document):
        return (False, "excluded") if digest(doc.text) in self.digests else True


def url_host(url: str) -> str:
    try:
        return (urlsplit(url if "//" in url else f"//{url}").hostname or "").rstrip(".").lower()
    except ValueError:
        return ""


class UrlSuffixFilter(BaseFilter):
    """Keeps a language's documents only from hosts ending in an allowed suffix (Llammas: .ee/.org/.net)."""

    name = "url suffix"

    def __init__(self, suffixes: dict[str, list[str]], url_missing: str):
        super().__init__()
        self.suffixes = {lang: tuple(s.lower() if s.startswith(".") else f".{s.lower()}" for s in v)
                         for lang, v in suffixes.items()}
        self.url_missing = url_missing

    def filter(self, doc: Document):
        allowed = self.suffixes.get(doc.metadata["lang"])
        if not allowed:
            return True
        url = doc.metadata.get("url")
        if not url:
            if self.url_missing == "drop":
                return False, "url_missing"
            self.stat_update("kept_without_url")
            return True
        host = url_host(url)
        return True if any(host.endswith(s) or host == s[1:] for s in allowed) else (False, "url_domain")


class ScriptFilter(BaseFilter):
    """Drops documents whose letters are mostly outside the language's expected scripts."""

    name = "script"

    def __init__(self, scripts: dict[str, list[str]], min_share: float):
        super().__init__()
        self.scripts, self.min_share = scripts, min_share
        self._patterns: dict[str, regex.Pattern] = {}

    def _pattern(self, lang: str) -> regex.Pattern:
        if lang not in self._patterns:
            wanted = "".join(rf"\p{{Script={name}}}" for name in self.scripts[lang])
            self._patterns[lang] = regex.compile(rf"[{wanted}]")
        return self._patterns[lang]

    _letter = regex.compile(r"\p{L}")
    _ascii_letters = {c: None for c in range(128) if chr(c).isalpha()}
    _ascii = dict.fromkeys(range(128))

    def filter(self, doc: Document):
        # ASCII letters are counted with str.translate (C speed); regex only sees the rest
        text = doc.text
        ascii_letters = len(text) - len(text.translate(self._ascii_letters))
        others = text.translate(self._ascii)
        letters = ascii_letters + len(self._letter.findall(others))
        if letters == 0:
            return False, "no_letters"
        lang = doc.metadata["lang"]
        in_script = (ascii_letters if "Latin" in self.scripts[lang] else 0) + len(
            self._pattern(lang).findall(others))
        return True if in_script / letters >= self.min_share else (False, "wrong_script")


class LanguageIdFilter(BaseFilter):
    """Offline language ID restricted to the corpus' languages (py3langid or lingua)."""

    name = "language id"

    def __init__(self, candidates: list[str], min_chars: int, min_confidence: float, backend: str,
                 sample_chars: int = 2000):
        super().__init__()
        self.candidates, self.min_chars, self.sample_chars = candidates, min_chars, sample_chars
        self.min_confidence, self.backend = min_confidence, backend
        self._detect = None

    def _detector(self):
        if self._detect is None:
            self._detect = cached_detector(self.backend, tuple(self.candidates))
        return self._detect

    def filter(self, doc: Document):
        if len(doc.text) < self.min_chars:
            self.stat_update("too_short_to_check")
            return True
        # detection time grows with length; the first couple of thousand characters decide it
        lang, confidence = self._detector()(doc.text[: self.sample_chars])
        if lang != doc.metadata["lang"]:
            return False, "wrong_language"
        return True if confidence >= self.min_confidence else (False, "low_confidence")


@functools.lru_cache(maxsize=4)
def cached_detector(backend: str, langs: tuple[str, ...]):
    """One detector per process: loading py3langid's model takes about a second, once per task
    otherwise (the local executor runs tasks one after another in the same process)."""
    return text_detector(backend, list(langs))
