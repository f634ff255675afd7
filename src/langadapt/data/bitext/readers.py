"""Bitext readers: parallel data in the bitext contract ``{src, tgt, src_lang, tgt_lang, source}``.

Two line-aligned files, a TSV file, a TMX file or an OPUS Moses download (the ``xx-yy.txt.zip``
archive or its unpacked ``Corpus.xx-yy`` prefix), read lazily in file order.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree

from langadapt.errors import UserError, located
from langadapt.text import iter_text_lines, open_binary

FORMATS = ("auto", "lines", "tsv", "tmx", "moses")
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# TMX inline elements holding native markup codes rather than text.
_TMX_CODE_TAGS = {"bpt", "ept", "ph", "it", "ut", "sub"}


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
    open_binary(tgt).close()  # a missing target is reported before reading the source
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
    with open_binary(path) as handle:
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
