"""Running the tokenization: datatrove's local executor over ``TokenShardWriter`` tasks, then one
``stats.json`` for the whole folder."""

from __future__ import annotations

import contextlib
import io
import json
from collections import Counter
from pathlib import Path

from langadapt.artifacts import write_json_atomic
from langadapt.data.corpus.documents import corpus_files
from langadapt.data.tokens.shards import (
    SHARDS_DIR,
    STATS_FILE,
    token_dtype,
    tokenizer_fingerprint,
)
from langadapt.data.tokens.stage import TokenizeStage
from langadapt.errors import UserError
from langadapt.stage import RunContext

MAX_DEFAULT_TASKS = 64


def tokenize_corpus(corpus_dir: str | Path, tokenizer_ref: str, out_dir: str | Path,
                    tasks: int | None = None, workers: int = 1) -> dict:
    """Tokenize the corpus folder ``corpus_dir`` into ``out_dir/tokens`` + ``out_dir/stats.json``
    (an earlier interrupted call into the same folder is resumed task by task); returns the stats."""
    from datatrove.executor import LocalPipelineExecutor

    from langadapt.data.tokens.writer import TokenShardWriter, shard_name
    from langadapt.modeling import LOADING, load_tokenizer

    out_dir = Path(out_dir)
    tokenizer = load_tokenizer(tokenizer_ref)  # a bad reference fails here, in one line
    tasks = tasks or max(1, min(MAX_DEFAULT_TASKS, len(corpus_files(corpus_dir))))
    (out_dir / SHARDS_DIR).mkdir(parents=True, exist_ok=True)
    writer = TokenShardWriter(str(corpus_dir), str(out_dir), tokenizer_ref,
                              LOADING.allow_pickle, LOADING.trust_remote_code)
    executor = LocalPipelineExecutor([writer], tasks=tasks, workers=min(workers, tasks),
                                     logging_dir=str(out_dir / ".logs"), skip_completed=True)
    with contextlib.redirect_stderr(io.StringIO()):  # datatrove's per-task logs stay in .logs/
        executor.run()
    totals: Counter = Counter()
    tokens_by_lang: Counter = Counter()
    documents_by_lang: Counter = Counter()
    for rank in range(tasks):
        stats_path = out_dir / SHARDS_DIR / (shard_name(rank) + ".stats.json")
        if not stats_path.is_file():
            raise UserError(f"tokenize: task {rank} did not finish (see {out_dir / '.logs'})")
        part = json.loads(stats_path.read_text(encoding="utf-8"))
        totals.update({"documents": part["documents"], "tokens": part["tokens"]})
        tokens_by_lang.update(part["tokens_by_lang"])
        documents_by_lang.update(part["documents_by_lang"])
    if not totals["tokens"]:
        raise UserError(f"{corpus_dir}: the corpus has no document to tokenize")
    stats = {
        "documents": totals["documents"], "tokens": totals["tokens"],
        "tokens_by_lang": dict(sorted(tokens_by_lang.items())),
        "documents_by_lang": dict(sorted(documents_by_lang.items())),
        "shards": tasks, "dtype": token_dtype(len(tokenizer)).str,
        "vocab_size": len(tokenizer), "tokenizer": tokenizer_ref,
        "tokenizer_sha256": tokenizer_fingerprint(tokenizer),
    }
    write_json_atomic(out_dir / STATS_FILE, stats)
    return stats


def run(cfg: TokenizeStage, ctx: RunContext) -> dict:
    stats = tokenize_corpus(ctx.stage_dir(cfg.data), ctx.model_path(cfg.tokenizer), ctx.work_dir,
                            tasks=cfg.tasks, workers=cfg.workers)
    return {k: stats[k] for k in ("documents", "tokens", "tokens_by_lang", "shards", "dtype")}
