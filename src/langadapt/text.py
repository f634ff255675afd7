"""Plain-text inputs, read the same way everywhere.

Every text reader of the project goes through ``iter_text_lines``: lines split on ``\\n`` only,
a UTF-8 byte-order mark at the start and a ``\\r`` before each line end removed (files saved on
Windows), invalid UTF-8 reported as ``file:line``, ``.gz`` read transparently.
"""

from __future__ import annotations

import gzip
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from langadapt.errors import located


def open_binary(path: Path) -> IO[bytes]:
    """A text file opened for bytes (``.gz`` decompressed); a missing file → ``file: no such file``."""
    if not path.is_file():
        raise located(path, "no such file")
    return gzip.open(path, "rb") if path.suffix == ".gz" else open(path, "rb")


def clean_line(text: str, first: bool) -> str:
    """One decoded line without its line ending, and without a BOM when it is the first line."""
    if first:
        text = text.removeprefix("\ufeff")
    return text.rstrip("\n").removesuffix("\r")


def iter_text_lines(path: str | Path, stream: IO[bytes] | None = None) -> Iterator[tuple[int, str]]:
    """``(line_number, text)`` for each line, without the line ending (see the module doc).

    ``stream`` reads an already open binary stream (a zip member) reported under ``path``.
    """
    path = Path(path)
    handle = stream if stream is not None else open_binary(path)
    try:
        for number, raw in enumerate(handle, 1):
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as err:
                raise located(path, f"invalid UTF-8 (byte {err.start + 1} of the line)", number) from None
            if "\x00" in text:
                raise located(path, "NUL byte in text (a binary file?)", number)
            yield number, clean_line(text, number == 1)
    except (OSError, EOFError, zipfile.BadZipFile) as err:
        raise located(path, f"cannot read ({err})") from None
    finally:
        if stream is None:
            handle.close()


def read_text_lines(path: str | Path, max_lines: int | None = None) -> list[str]:
    """The non-empty lines of a text file, stripped (the first ``max_lines`` when given)."""
    lines = []
    for _, text in iter_text_lines(path):
        text = text.strip()
        if text:
            lines.append(text)
            if max_lines and len(lines) >= max_lines:
                break
    return lines


def unquote_csv(line: str) -> str:
    """``"a ""b"" c"`` -> ``a "b" c`` when the whole line is one CSV-quoted field, else ``line``.

    Only a line that is a valid quoted field (every inner quote doubled) is changed: a sentence
    that merely starts and ends with a quotation is left alone.
    """
    if len(line) >= 2 and line[0] == line[-1] == '"':
        inner = line[1:-1]
        if '""' in inner and '"' not in inner.replace('""', ""):
            return inner.replace('""', '"')
    return line


def normalise(text: str) -> str:
    """The form under which two texts count as the same (case, spacing, Unicode form)."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip().casefold()


def nonblank_lines(files: Iterable[str | Path]) -> Iterator[str]:
    """The lines of several text files that hold more than whitespace, as written (no line end)."""
    for path in files:
        for _, text in iter_text_lines(path):
            if text.strip():
                yield text
