"""Bitext: remove duplicates and evaluation overlap from parallel data, filter, write pairs.

Pairs come from ``readers.py``. ``filter_bitext`` runs exact
duplicate removal, decontamination and the filters of a preset (``PRESETS``: OpusFilter-style
filter lists, built by ``filters.py``) chunk by chunk; ``run_bitext`` streams the kept pairs,
in input order, into ``PAIRS.jsonl`` and writes ``PAIRS.stats.json`` beside it, both atomically.
Each dropped pair is counted once, at the first step that rejects it, in pipeline order.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from langadapt.artifacts import atomic_file, check_output_file, write_json_atomic
from langadapt.data.bitext.decontaminate import Decontaminator
from langadapt.data.bitext.filters import build_filters
from langadapt.data.bitext.readers import read_bitext
from langadapt.errors import UserError, located
from langadapt.langid import LANGUAGE_SCRIPTS


def llammas_config(src_lang: str, tgt_lang: str, langid: str = "py3langid") -> list[dict]:
    """The Llammas translation-data filters as an OpusFilter configuration list."""
    scripts = []
    for lang in (src_lang, tgt_lang):
        if lang not in LANGUAGE_SCRIPTS:
            raise UserError(f"language code {lang!r} (src_lang/tgt_lang, --src-lang/--tgt-lang) has no "
                            "known script: use an ISO 639-1 code such as en or et, or pass a "
                            "filters config with CharacterScoreFilter scripts")
        scripts.append(LANGUAGE_SCRIPTS[lang][0])
    config: list[dict] = [
        {"LengthFilter": {"unit": "char", "min_length": 10, "max_length": 1000}},
        {"LengthFilter": {"unit": "word", "min_length": 2, "max_length": 100}},
        {"LengthRatioFilter": {"unit": "word", "threshold": 3}},
        {"LongWordFilter": {}},
        {"CharacterScoreFilter": {"scripts": scripts}},
        {"TerminalPunctuationFilter": {}},
        {"NonZeroNumeralsFilter": {}},
    ]
    languages = {"languages": [src_lang, tgt_lang], "langid_languages": [src_lang, tgt_lang]}
    if langid == "py3langid":
        config.append({"LangidFilter": languages})
    elif langid == "lingua":
        config.append({"LinguaFilter": languages})
    elif langid != "none":
        raise UserError(f"unknown language-ID backend {langid!r} (choose py3langid, lingua or none)")
    return config


PRESETS: dict[str, Callable[..., list[dict]]] = {
    "llammas": llammas_config,
    "none": lambda src_lang, tgt_lang, langid="py3langid": [],
}


def preset_config(name: str, src_lang: str, tgt_lang: str, langid: str = "py3langid") -> list[dict]:
    if name not in PRESETS:
        raise UserError(f"unknown preset {name!r} (choose {', '.join(PRESETS)})")
    return PRESETS[name](src_lang, tgt_lang, langid=langid)


def load_filters_config(path: str | Path) -> list[dict]:
    """An OpusFilter-style filter list from YAML/JSON: ``[{Name: {...}}, ...]`` or ``{filters: [...]}``."""
    import yaml

    path = Path(path)
    if not path.is_file():
        raise located(path, "no such filters config")
    try:
        config = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        raise located(path, f"not valid YAML/JSON ({str(err).splitlines()[0]})") from None
    if isinstance(config, dict) and "filters" in config:
        config = config["filters"]
    if not isinstance(config, list):
        raise located(path, "expected a list of filters [{FilterName: {options}}, ...]")
    return config


class BitextFilter:
    """Exact duplicate removal, decontamination and filters, applied chunk by chunk."""

    def __init__(self, src_lang: str = "en", tgt_lang: str = "et", preset: str = "llammas",
                 decontaminate: Iterable[str | Path] = (), *, filters: list[dict] | str | Path | None = None,
                 dedup: bool = True, langid: str = "py3langid", decontaminate_ngram: int = 0,
                 decontaminate_overlap: float = 0.5) -> None:
        if isinstance(filters, (str, Path)):
            filters = load_filters_config(filters)
        self.config = filters if filters is not None else preset_config(preset, src_lang, tgt_lang, langid)
        self.preset = preset if filters is None else "custom"
        self.src_lang, self.tgt_lang, self.dedup = src_lang, tgt_lang, dedup
        self.filters = build_filters(self.config, src_lang, tgt_lang)
        paths = list(decontaminate)
        self.decontaminator = (Decontaminator.from_files(paths, decontaminate_ngram, decontaminate_overlap)
                               if paths else None)
        self._seen: set[int] = set()
        self.input_pairs = 0
        self.dropped = {"duplicate": 0, "decontaminated": 0, **{label: 0 for label, _ in self.filters}}
        self._started = time.perf_counter()

    def process(self, pairs: list[dict]) -> list[dict]:
        """The kept pairs of one chunk, in order."""
        self.input_pairs += len(pairs)
        if self.dedup:
            fresh = []
            for pair in pairs:
                key = hash((pair["src"], pair["tgt"]))
                if key not in self._seen:
                    self._seen.add(key)
                    fresh.append(pair)
            self.dropped["duplicate"] += len(pairs) - len(fresh)
            pairs = fresh
        if self.decontaminator is not None:
            clean = [p for p in pairs if self.decontaminator.match(p["src"], p["tgt"]) is None]
            self.dropped["decontaminated"] += len(pairs) - len(clean)
            pairs = clean
        for label, flt in self.filters:
            if not pairs:
                break
            keep = flt.decisions([p["src"] for p in pairs], [p["tgt"] for p in pairs])
            kept = [p for p, ok in zip(pairs, keep) if ok]
            self.dropped[label] += len(pairs) - len(kept)
            pairs = kept
        return pairs

    def stream(self, pairs: Iterable[dict], chunk_size: int = 50_000) -> Iterator[dict]:
        """The kept pairs of ``pairs``, in order, processed ``chunk_size`` at a time."""
        for chunk in _chunks(pairs, chunk_size):
            yield from self.process(chunk)

    def check_not_empty(self, where: str | Path) -> None:
        """An input that held no pair at all is a mistake (wrong file, wrong format): say so."""
        if self.input_pairs == 0:
            raise located(where, "no sentence pairs in the input (empty file, or wrong format?)")

    def stats(self) -> dict[str, Any]:
        seconds = time.perf_counter() - self._started
        dropped_total = sum(self.dropped.values())
        langid = [f for _, f in self.filters if hasattr(f, "identifier")]
        return {
            "input_pairs": self.input_pairs,
            "kept_pairs": self.input_pairs - dropped_total,
            "dropped_total": dropped_total,
            "dropped": dict(self.dropped),
            "src_lang": self.src_lang,
            "tgt_lang": self.tgt_lang,
            "preset": self.preset,
            "filters": self.config,
            "dedup": self.dedup,
            "decontamination": self.decontaminator.stats() if self.decontaminator else None,
            "langid_vectorised": getattr(langid[0].identifier, "vectorised", None) if langid else None,
            "seconds": round(seconds, 3),
            "pairs_per_s": round(self.input_pairs / seconds, 1) if seconds > 0 else None,
        }


def _chunks(items: Iterable[dict], size: int) -> Iterator[list[dict]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _as_pairs(pairs_or_paths: Any, src_lang: str, tgt_lang: str, source: str | None) -> Iterable[dict]:
    if isinstance(pairs_or_paths, (str, Path)):
        return read_bitext(pairs_or_paths, src_lang=src_lang, tgt_lang=tgt_lang, source=source)
    if (isinstance(pairs_or_paths, tuple) and len(pairs_or_paths) == 2
            and all(isinstance(p, (str, Path)) for p in pairs_or_paths)):
        return read_bitext(*pairs_or_paths, src_lang=src_lang, tgt_lang=tgt_lang, source=source)
    return ({"src": p[0], "tgt": p[1], "src_lang": src_lang, "tgt_lang": tgt_lang, "source": source or "bitext"}
            if isinstance(p, (tuple, list)) else p for p in pairs_or_paths)


def filter_bitext(pairs_or_paths: Any, src_lang: str = "en", tgt_lang: str = "et", preset: str = "llammas",
                  decontaminate: Iterable[str | Path] = (), *, source: str | None = None,
                  chunk_size: int = 50_000, **options: Any) -> tuple[list[dict], dict[str, Any]]:
    """Kept pairs (a list, input order) and stats.

    ``pairs_or_paths``: pair dicts, ``(src, tgt)`` string tuples, a ``(src_file, tgt_file)`` tuple
    or one TSV/TMX/Moses path. ``options`` go to ``BitextFilter`` (filters, dedup, langid, ...).
    """
    pipeline = BitextFilter(src_lang, tgt_lang, preset, decontaminate, **options)
    kept = list(pipeline.stream(_as_pairs(pairs_or_paths, src_lang, tgt_lang, source), chunk_size))
    return kept, pipeline.stats()


def stats_path_for(out: str | Path) -> Path:
    """``PAIRS.jsonl`` -> ``PAIRS.stats.json``."""
    out = Path(out)
    return out.with_name(out.name.removesuffix(".jsonl") + ".stats.json")


def run_bitext(src: str | Path, tgt: str | Path | None, src_lang: str, tgt_lang: str, out: str | Path,
               preset: str = "llammas", decontaminate: Iterable[str | Path] = (), *, input_format: str = "auto",
               source: str | None = None, chunk_size: int = 50_000, overwrite: bool = False,
               **options: Any) -> dict[str, Any]:
    """Filter one input into ``out`` (JSONL, input order) and ``out``'s ``.stats.json``; the stats.

    An existing ``out`` (or its stats file) is replaced only with ``overwrite``.
    """
    out = check_output_file(out, inputs=[src, tgt, *decontaminate], overwrite=overwrite)
    check_output_file(stats_path_for(out), overwrite=overwrite)
    skipped: dict[str, int] = {}
    pipeline = BitextFilter(src_lang, tgt_lang, preset, decontaminate, **options)
    pairs = read_bitext(src, tgt, src_lang=src_lang, tgt_lang=tgt_lang, input_format=input_format,
                        source=source, skipped=skipped)
    with atomic_file(out) as handle:
        for pair in pipeline.stream(pairs, chunk_size):
            handle.write(json.dumps(pair, ensure_ascii=False) + "\n")
        pipeline.check_not_empty(src)
        stats = {**pipeline.stats(), **skipped, "inputs": [str(p) for p in (src, tgt) if p is not None],
                 "output": str(out)}
        # inside the pairs file's transaction: a failure here leaves neither file
        write_json_atomic(stats_path_for(out), stats)
    return stats
