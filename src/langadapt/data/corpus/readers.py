"""Readers of the corpus builder: datatrove reader blocks that never drop input silently.

datatrove's own JSONL reader logs and skips malformed lines and documents without text; a corpus
builder must instead fail with ``file:line`` or, under ``on_error: skip``, count every skipped
record and report where the first few were. So plain text and JSONL are read by a subclass of
``BaseDiskReader`` written here; Parquet and HF datasets reuse datatrove's readers with the same
per-record checks. Every document leaves with ``metadata = {lang, source, url?}``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from datatrove.data import Document
from datatrove.pipeline.readers import HuggingFaceDatasetReader, ParquetReader
from datatrove.pipeline.readers.base import BaseDiskReader

from langadapt.data.corpus.stage import CorpusSource
from langadapt.errors import UserError
from langadapt.text import clean_line

MAX_REPORTED = 5  # locations of skipped records kept per task
DEFAULT_GLOBS = {"lines": "**", "paragraphs": "**", "jsonl": "**/*.json*", "parquet": "**/*.parquet"}


class RecordChecks:
    """What every reader shares: turning a raw record into a Document under the on_error policy."""

    def _init_checks(self, source: CorpusSource, on_error: str, report_dir: str) -> None:
        self.source = source
        self.on_error = on_error
        self.report_dir = report_dir
        self.bad_records: list[str] = []

    def bad(self, where: str, message: str) -> None:
        if self.on_error == "fail":
            raise UserError(f"{where}: {message} (on_error: skip would skip and count it)")
        self.stat_update("bad_input")
        if len(self.bad_records) < MAX_REPORTED:
            self.bad_records.append(f"{where}: {message}")

    def make_document(self, row: object, where: str, default_id: str) -> Document | None:
        source = self.source
        if not isinstance(row, dict):
            self.bad(where, "record is not an object")
            return None
        text = row.get(source.text_field)
        if text is None:
            self.bad(where, f"no '{source.text_field}' field")
            return None
        if not isinstance(text, str):
            self.bad(where, f"'{source.text_field}' is not a string")
            return None
        if not text.strip():
            self.bad(where, "empty document")
            return None
        metadata = {"lang": source.lang, "source": source.label}
        url = row.get(source.url_field)
        if isinstance(url, str) and url:
            metadata["url"] = url
        doc_id = row.get(source.id_field)
        return Document(text=text, id=str(doc_id) if doc_id is not None else default_id,
                        metadata=metadata)

    def count_read(self, doc: Document) -> None:
        self.stat_update(f"read\t{doc.metadata['lang']}\t{doc.metadata['source']}")

    def run(self, data=None, rank: int = 0, world_size: int = 1):
        if data:  # documents of the readers chained before this one pass through uncounted
            yield from data
        for doc in super().run(None, rank, world_size):
            self.count_read(doc)
            yield doc
        self.write_report(rank)

    def write_report(self, rank: int) -> None:
        if self.bad_records:
            path = Path(self.report_dir) / f"{self.source.label}.{rank:05d}.json"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(self.bad_records, ensure_ascii=False), encoding="utf-8")


class TextAndJsonlReader(RecordChecks, BaseDiskReader):
    """One document per line, per blank-line-separated block, or per JSON line (.gz/.zst too)."""

    name = "corpus reader"

    def __init__(self, source: CorpusSource, on_error: str, report_dir: str):
        path = source.path
        folder, glob = (path, source.glob or DEFAULT_GLOBS[source.format]) if path.is_dir() else (
            path.parent, path.name)
        super().__init__(str(folder), glob_pattern=glob, add_file_path=False)
        self._init_checks(source, on_error, report_dir)

    def _lines(self, filepath: str) -> Iterator[tuple[int, str]]:
        where = self.data_folder.resolve_paths(filepath)
        # surrogateescape keeps undecodable bytes visible per line (zstd streams cannot be read
        # line by line in binary mode, so decoding cannot be done by hand)
        with self.data_folder.open(filepath, "rt", compression="infer", encoding="utf-8",
                                   errors="surrogateescape") as handle:
            for number, line in enumerate(handle, 1):
                try:
                    line.encode("utf-8")
                except UnicodeEncodeError as err:
                    self.bad(f"{where}:{number}", f"not valid UTF-8 (undecodable byte at character "
                                                  f"{err.start + 1})")
                    continue
                if "\x00" in line:
                    self.bad(f"{where}:{number}", "NUL byte in text (a binary file?)")
                    continue
                # the same line hygiene as every other text reader: no BOM, no \r
                yield number, clean_line(line, number == 1)

    def read_file(self, filepath: str) -> Iterator[Document]:
        where = self.data_folder.resolve_paths(filepath)
        fmt = self.source.format
        block: list[str] = []
        start = 0
        for number, line in self._lines(filepath):
            text = line.strip()
            if fmt == "lines":
                if text:
                    yield Document(text=text, id=f"{where}:{number}", metadata=self._meta())
            elif fmt == "paragraphs":
                if text:
                    start = start or number
                    block.append(text)
                elif block:
                    yield Document(text=" ".join(block), id=f"{where}:{start}", metadata=self._meta())
                    block, start = [], 0
            elif text:
                try:
                    row = json.loads(text)
                except json.JSONDecodeError as err:
                    self.bad(f"{where}:{number}", f"invalid JSON: {err.msg}")
                    continue
                doc = self.make_document(row, f"{where}:{number}", f"{where}:{number}")
                if doc is not None:
                    yield doc
        if block:
            yield Document(text=" ".join(block), id=f"{where}:{start}", metadata=self._meta())

    def _meta(self) -> dict:
        return {"lang": self.source.lang, "source": self.source.label}



class CheckedParquetReader(RecordChecks, ParquetReader):
    """datatrove's Parquet reader (batched, column-pruned) with the record checks above."""

    name = "corpus parquet reader"

    def __init__(self, source: CorpusSource, on_error: str, report_dir: str):
        path = source.path
        folder, glob = (path, source.glob or DEFAULT_GLOBS["parquet"]) if path.is_dir() else (
            path.parent, path.name)
        super().__init__(str(folder), glob_pattern=glob, text_key=source.text_field,
                         id_key=source.id_field)
        self._init_checks(source, on_error, report_dir)

    def get_document_from_dict(self, data: dict, source_file: str, id_in_file):
        where = f"{self.data_folder.resolve_paths(source_file)}: row {id_in_file}"
        return self.make_document(data, where, f"{source_file}/{id_in_file}")



class CheckedDatasetReader(RecordChecks, HuggingFaceDatasetReader):
    """A dataset saved with ``save_to_disk``, or a hub dataset id read in streaming mode."""

    name = "corpus dataset reader"

    def __init__(self, source: CorpusSource, on_error: str, report_dir: str):
        on_disk = source.format == "hf_disk"
        options = None if on_disk else {"split": source.split,
                                         **({"name": source.hub_config} if source.hub_config else {})}
        super().__init__(str(source.path) if on_disk else source.hub, dataset_options=options,
                         streaming=not on_disk, load_from_disk=on_disk,
                         text_key=source.text_field, id_key=source.id_field)
        self._init_checks(source, on_error, report_dir)

    def get_document_from_dict(self, data: dict, source_file: str, id_in_file):
        return self.make_document(data, f"{source_file}: row {id_in_file}", f"{source_file}/{id_in_file}")

    def run(self, data=None, rank: int = 0, world_size: int = 1):
        if data:
            yield from data
        docs = super().run(None, rank, world_size)  # RecordChecks.run: counts, then reports
        try:
            first = next(docs, None)  # opening the dataset is where a bad id or path fails
        except (FileNotFoundError, ConnectionError, OSError, ValueError) as err:
            raise UserError(f"{self.dataset}: cannot open dataset: {str(err).splitlines()[0]}") from None
        if first is not None:
            yield first
            yield from docs


def reader_for(source: CorpusSource, on_error: str, report_dir: str):
    if source.format in ("lines", "paragraphs", "jsonl"):
        return TextAndJsonlReader(source, on_error, report_dir)
    if source.format == "parquet":
        return CheckedParquetReader(source, on_error, report_dir)
    return CheckedDatasetReader(source, on_error, report_dir)
