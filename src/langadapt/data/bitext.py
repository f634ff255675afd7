"""Bitext: read parallel data, remove duplicates and evaluation overlap, filter, write pairs.

Readers turn two line-aligned files, a TSV file, a TMX file or an OPUS Moses download (the
``xx-yy.txt.zip`` archive or its unpacked ``Corpus.xx-yy`` prefix) into pairs in the bitext
contract ``{"src", "tgt", "src_lang", "tgt_lang", "source"}``. ``filter_bitext`` runs exact
duplicate removal, decontamination and the filters of a preset (``PRESETS``: OpusFilter-style
filter lists, built by ``bitext_filters``) chunk by chunk; ``run_bitext`` streams the kept pairs,
in input order, into ``PAIRS.jsonl`` and writes ``PAIRS.stats.json`` beside it, both atomically.
Each dropped pair is counted once, at the first step that rejects it, in pipeline order.
"""

from __future__ import annotations

import gzip
import json
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import IO, Any
from xml.etree import ElementTree

from langadapt.artifacts import atomic_file, write_json_atomic
from langadapt.data.bitext_filters import build_filters
from langadapt.data.decontaminate import Decontaminator
from langadapt.errors import UserError, located

FORMATS = ("auto", "lines", "tsv", "tmx", "moses")
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# TMX inline elements holding native markup codes rather than text.
_TMX_CODE_TAGS = {"bpt", "ept", "ph", "it", "ut", "sub"}


def _open_binary(path: Path) -> IO[bytes]:
    if not path.is_file():
        raise located(path, "no such file")
    return gzip.open(path, "rb") if path.suffix == ".gz" else open(path, "rb")


def iter_text_lines(path: str | Path, stream: IO[bytes] | None = None) -> Iterator[tuple[int, str]]:
    """``(line_number, text)`` for each line, split on ``\\n`` only, without the line ending.

    Invalid UTF-8 raises a UserError naming ``file:line``. ``stream`` reads an already open
    binary stream (a zip member) reported under ``path``.
    """
    path = Path(path)
    handle = stream if stream is not None else _open_binary(path)
    try:
        for number, raw in enumerate(handle, 1):
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as err:
                raise located(path, f"invalid UTF-8 (byte {err.start + 1} of the line)", number) from None
            if number == 1:
                text = text.removeprefix("\ufeff")
            yield number, text.rstrip("\n").removesuffix("\r")
    except (OSError, EOFError, zipfile.BadZipFile) as err:
        raise located(path, f"cannot read ({err})") from None
    finally:
        if stream is None:
            handle.close()


def _pair(src: str, tgt: str, src_lang: str, tgt_lang: str, source: str) -> dict[str, str]:
    # Trailing whitespace goes, as when OpusFilter reads its files.
    return {"src": src.rstrip(), "tgt": tgt.rstrip(), "src_lang": src_lang, "tgt_lang": tgt_lang, "source": source}


def _aligned(src_lines: Iterator[tuple[int, str]], tgt_lines: Iterator[tuple[int, str]],
             src_name: str, tgt_name: str) -> Iterator[tuple[str, str]]:
    count = 0
    for _, s in src_lines:
        t = next(tgt_lines, None)
        if t is None:
            rest = sum(1 for _ in src_lines)
            raise UserError(f"line counts differ: {src_name} has {count + 1 + rest} lines, {tgt_name} has {count}")
        count += 1
        yield s, t[1]
    extra = sum(1 for _ in tgt_lines)
    if extra:
        raise UserError(f"line counts differ: {src_name} has {count} lines, {tgt_name} has {count + extra}")


def read_line_pairs(src: Path, tgt: Path, src_lang: str, tgt_lang: str, source: str) -> Iterator[dict]:
    """Two line-aligned files; a clear error (with both counts) when their line counts differ."""
    _open_binary(tgt).close()  # a missing target is reported before reading the source
    for s, t in _aligned(iter_text_lines(src), iter_text_lines(tgt), str(src), str(tgt)):
        yield _pair(s, t, src_lang, tgt_lang, source)


def read_tsv(path: Path, src_lang: str, tgt_lang: str, source: str) -> Iterator[dict]:
    """Source in the first tab-separated column, target in the second (further columns ignored)."""
    for number, line in iter_text_lines(path):
        fields = line.split("\t")
        if len(fields) < 2:
            raise located(path, "expected at least 2 tab-separated columns, found 1", number)
        yield _pair(fields[0], fields[1], src_lang, tgt_lang, source)


def _tmx_text(element: ElementTree.Element) -> str:
    parts = [element.text or ""]
    for child in element:
        if child.tag.rsplit("}", 1)[-1] not in _TMX_CODE_TAGS:
            parts.append(_tmx_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def read_tmx(path: Path, src_lang: str, tgt_lang: str, source: str, skipped: dict | None = None) -> Iterator[dict]:
    """Translation units with a segment in both languages (matched on the primary subtag:
    ``en-GB`` counts as ``en``); units missing one are skipped and counted in ``skipped``."""
    wanted = (src_lang.lower().split("-")[0], tgt_lang.lower().split("-")[0])
    with _open_binary(path) as handle:
        try:
            for _, element in ElementTree.iterparse(handle, events=("end",)):
                if element.tag.rsplit("}", 1)[-1] != "tu":
                    continue
                segments: dict[str, str] = {}
                for tuv in element:
                    lang = (tuv.get(_XML_LANG) or tuv.get("lang") or "").lower().replace("_", "-").split("-")[0]
                    seg = next((c for c in tuv if c.tag.rsplit("}", 1)[-1] == "seg"), None)
                    if seg is not None and lang not in segments:
                        segments[lang] = " ".join(_tmx_text(seg).split())
                element.clear()
                if wanted[0] in segments and wanted[1] in segments:
                    yield _pair(segments[wanted[0]], segments[wanted[1]], src_lang, tgt_lang, source)
                elif skipped is not None:
                    skipped["tmx_units_without_both_languages"] = skipped.get("tmx_units_without_both_languages", 0) + 1
        except ElementTree.ParseError as err:
            message = str(err).split(": line")[0]
            raise located(path, f"invalid TMX/XML: {message}", err.position[0]) from None


def read_moses(path: Path, src_lang: str, tgt_lang: str, source: str | None) -> Iterator[dict]:
    """An OPUS Moses download: the ``.zip`` archive, or the prefix ``Corpus.xx-yy`` of its files."""
    if path.suffix != ".zip":
        src, tgt = Path(f"{path}.{src_lang}"), Path(f"{path}.{tgt_lang}")
        yield from read_line_pairs(src, tgt, src_lang, tgt_lang, source or path.name.split(".")[0])
        return
    if not path.is_file():
        raise located(path, "no such file")
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise located(path, "not a zip archive") from None
    with archive:
        names = [n for n in archive.namelist() if not n.endswith("/")]
        members = []
        for lang in (src_lang, tgt_lang):
            found = [n for n in names if n.endswith(f".{lang}")]
            if len(found) != 1:
                raise located(path, f"expected one member ending in .{lang}, found {len(found)} "
                                    f"(members: {', '.join(names[:10])})")
            members.append(found[0])
        source = source or Path(members[0]).name.split(".")[0]
        with archive.open(members[0]) as a, archive.open(members[1]) as b:
            lines = _aligned(iter_text_lines(f"{path}:{members[0]}", a), iter_text_lines(f"{path}:{members[1]}", b),
                             f"{path}:{members[0]}", f"{path}:{members[1]}")
            for s, t in lines:
                yield _pair(s, t, src_lang, tgt_lang, source)


def detect_format(src: Path, tgt: Path | None, src_lang: str) -> str:
    if tgt is not None:
        return "lines"
    suffixes = [s for s in src.suffixes if s != ".gz"]
    last = suffixes[-1] if suffixes else ""
    if last in (".tsv", ".tmx", ".zip"):
        return {".tsv": "tsv", ".tmx": "tmx", ".zip": "moses"}[last]
    if Path(f"{src}.{src_lang}").is_file():
        return "moses"
    raise UserError(f"{src}: cannot tell the input format: give a target file, or a .tsv, .tmx or "
                    f".zip file, or an OPUS Moses prefix (with {src}.{src_lang} beside it)")


def read_bitext(src: str | Path, tgt: str | Path | None = None, *, src_lang: str = "en", tgt_lang: str = "et",
                input_format: str = "auto", source: str | None = None, skipped: dict | None = None) -> Iterator[dict]:
    """Pairs from any supported input, lazily, in file order."""
    src, tgt = Path(src), (Path(tgt) if tgt is not None else None)
    if input_format not in FORMATS:
        raise UserError(f"unknown input format {input_format!r} (choose {', '.join(FORMATS)})")
    fmt = detect_format(src, tgt, src_lang) if input_format == "auto" else input_format
    if fmt == "lines" and tgt is None:
        raise UserError("line-aligned input needs both a source and a target file")
    if fmt != "lines" and tgt is not None:
        raise UserError(f"{fmt} input is one file; do not give a target file")
    name = source or src.name.split(".")[0]
    if fmt == "lines":
        return read_line_pairs(src, tgt, src_lang, tgt_lang, name)
    if fmt == "tsv":
        return read_tsv(src, src_lang, tgt_lang, name)
    if fmt == "tmx":
        return read_tmx(src, src_lang, tgt_lang, name, skipped)
    return read_moses(src, src_lang, tgt_lang, source)


# Scripts of the languages a preset can name without an explicit `scripts` list.
LANGUAGE_SCRIPTS = {
    **dict.fromkeys("en et fi de fr es it pt nl sv da no nb nn is lv lt pl cs sk sl hr hu ro "
                    "tr eu ca ga cy mt sq vro se".split(), "Latin"),
    **dict.fromkeys("ru uk be bg mk sr kk ky mn".split(), "Cyrillic"),
    "el": "Greek", "he": "Hebrew", "ar": "Arabic", "fa": "Arabic", "hi": "Devanagari",
    "ka": "Georgian", "hy": "Armenian", "th": "Thai", "ko": "Hangul",
}



def llammas_config(src_lang: str, tgt_lang: str, langid: str = "py3langid") -> list[dict]:
    """The Llammas translation-data filters as an OpusFilter configuration list."""
    scripts = []
    for lang in (src_lang, tgt_lang):
        if lang not in LANGUAGE_SCRIPTS:
            raise UserError(f"no script known for language {lang!r}: pass a filters config with "
                            "CharacterScoreFilter scripts")
        scripts.append(LANGUAGE_SCRIPTS[lang])
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
               source: str | None = None, chunk_size: int = 50_000, **options: Any) -> dict[str, Any]:
    """Filter one input into ``out`` (JSONL, input order) and ``out``'s ``.stats.json``; the stats."""
    out = Path(out)
    if out.is_dir():
        raise located(out, "output is a folder; give a file name such as PAIRS.jsonl")
    skipped: dict[str, int] = {}
    pipeline = BitextFilter(src_lang, tgt_lang, preset, decontaminate, **options)
    pairs = read_bitext(src, tgt, src_lang=src_lang, tgt_lang=tgt_lang, input_format=input_format,
                        source=source, skipped=skipped)
    with atomic_file(out) as handle:
        for pair in pipeline.stream(pairs, chunk_size):
            handle.write(json.dumps(pair, ensure_ascii=False) + "\n")
    stats = {**pipeline.stats(), **skipped, "inputs": [str(p) for p in (src, tgt) if p is not None],
             "output": str(out)}
    write_json_atomic(stats_path_for(out), stats)
    return stats
