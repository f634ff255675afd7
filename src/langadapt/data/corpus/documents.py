"""Reading a finished corpus folder back, whatever its shards (JSONL.gz, Parquet, corpus.jsonl).

The corpus is built by ``pipeline.build_corpus``. Mixing follows Llammas (75% target / 25%
English by default): documents are drawn language by language, always from the language furthest
below its target share, until the token budget (counted with the tokenizer of the model being
adapted) is reached or a language runs out.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path

from langadapt.errors import UserError


def corpus_files(stage_dir: str | Path) -> list[Path]:
    """The files holding a corpus folder's documents, in order."""
    stage_dir = Path(stage_dir)
    shards = sorted(p for p in (stage_dir / "corpus").glob("*") if p.is_file()
                    and (p.name.endswith(".jsonl.gz") or p.name.endswith(".parquet")))
    if shards:
        return shards
    if (stage_dir / "corpus.jsonl").is_file():
        return [stage_dir / "corpus.jsonl"]
    raise UserError(f"{stage_dir}: no corpus shards (corpus/*.jsonl.gz, corpus/*.parquet) "
                    "or corpus.jsonl")


def iter_file_documents(path: Path) -> Iterator[dict]:
    """Documents of one corpus file (``.parquet``, ``.jsonl.gz`` or ``.jsonl``), streamed."""
    if path.name.endswith(".parquet"):
        import pyarrow.parquet as pq

        for batch in pq.ParquetFile(path).iter_batches(batch_size=1024):
            yield from batch.to_pylist()
        return
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def iter_corpus_documents(stage_dir: str | Path) -> Iterator[dict]:
    """Documents ``{text, lang, source, url?, id?}`` of a corpus folder, streamed shard by shard."""
    for path in corpus_files(stage_dir):
        yield from iter_file_documents(path)


def iter_corpus_texts(stage_dir: str | Path) -> Iterator[str]:
    """Just the texts: what continued pretraining reads."""
    for doc in iter_corpus_documents(stage_dir):
        yield doc["text"]
