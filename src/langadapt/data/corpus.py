"""The ``corpus`` stage: a filtered, deduplicated, ratio-mixed, token-budgeted pretraining corpus.

Mixing follows Llammas (75% target / 25% English by default): documents are drawn language by
language, always from the language furthest below its target share, until the token budget
(counted with the tokenizer of the model being adapted) is reached or a language runs out. The
work is done by datatrove pipelines (``corpus_pipeline.py``), so the same config runs on one
machine or on a cluster and memory does not grow with the corpus.

Python API: ``build_corpus(cfg, out_dir, tokenizer, seed)`` builds a corpus folder;
``iter_corpus_documents(dir)`` / ``iter_corpus_texts(dir)`` read one back, whatever its shards.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path

from langadapt.data.corpus_config import CorpusSource, CorpusStage, ExecutorConfig
from langadapt.data.corpus_filters import normalise
from langadapt.errors import UserError
from langadapt.stage import RunContext

__all__ = ["CorpusSource", "CorpusStage", "ExecutorConfig", "build_corpus", "iter_corpus_documents",
           "iter_corpus_texts", "normalise", "run"]


def build_corpus(cfg: CorpusStage, out_dir: str | Path, tokenizer: str, seed: int = 0, **options) -> dict:
    """Build ``cfg``'s corpus into ``out_dir`` (shards in ``corpus/``, ``stats.json``).

    ``tokenizer`` is a tokenizer folder or hub id; ``options``: show_progress, verbose, keep_work.
    """
    from langadapt.data.corpus_pipeline import build_corpus as build
    from langadapt.modeling import load_tokenizer

    load_tokenizer(tokenizer)  # fail now, with one clear line, not inside the last pipeline step
    return build(cfg, out_dir, tokenizer, seed, **options)


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


def iter_corpus_documents(stage_dir: str | Path) -> Iterator[dict]:
    """Documents ``{text, lang, source, url?, id?}`` of a corpus folder, streamed shard by shard."""
    for path in corpus_files(stage_dir):
        if path.name.endswith(".parquet"):
            import pyarrow.parquet as pq

            for batch in pq.ParquetFile(path).iter_batches(batch_size=1024):
                yield from batch.to_pylist()
            continue
        opener = gzip.open if path.name.endswith(".gz") else open
        with opener(path, "rt", encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    yield json.loads(line)


def iter_corpus_texts(stage_dir: str | Path) -> Iterator[str]:
    """Just the texts: what continued pretraining reads."""
    for doc in iter_corpus_documents(stage_dir):
        yield doc["text"]


def run(cfg: CorpusStage, ctx: RunContext) -> dict:
    from langadapt.data.corpus_stats import summary

    if cfg.executor.type == "slurm":  # the runner renames the stage folder before the jobs run
        raise UserError("corpus stage: executor slurm submits jobs and returns; in a recipe use "
                        "local or ray, or build with `langadapt data corpus` and point to it")
    stats = build_corpus(cfg, ctx.work_dir, ctx.model_path(cfg.tokenizer), ctx.seed)
    print(summary(stats))
    return stats
