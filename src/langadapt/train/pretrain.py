"""The ``pretrain`` stage: continued pretraining on token shards (or a corpus, tokenized first).

Each document is ``BOS + text + EOS``; the token stream is cut into fixed-length rows with
positions reset per document (``streaming.TokenWindows``, read from memory-mapped shards, so the
corpus never sits in RAM), and trained with the shared engine. ``data:`` names a ``tokenize``
stage (shards made once, reusable) or a corpus stage (tokenized into ``.tokens/`` in this stage's
work folder, resumed after a kill, removed when training is done). ``training.trainable`` chooses
full training, embeddings only (LEP), the new vocabulary rows only, or LoRA. With ``launch:``
the training runs in ``accelerate launch`` worker processes (``launch``).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from langadapt.data.tokens.shards import SHARDS_DIR
from langadapt.errors import UserError
from langadapt.modeling import LOADING
from langadapt.stage import RunContext
from langadapt.train.engine import TrainingConfig
from langadapt.train.inputs import document_rows, read_texts
from langadapt.train.stage import PretrainStage

INTERMEDIATE_TOKENS = ".tokens"


def train_pretrain(model_ref: str, data: list[str] | Path, training: TrainingConfig, work_dir,
                   seed: int = 0, validation: dict[str, list[str]] | None = None,
                   resume: bool = True) -> dict:
    """Continue pretraining ``model_ref`` on ``data`` — a tokens folder (streamed) or a list of
    document texts (packed in memory: small inputs); writes ``work_dir/model``; returns metrics."""
    from langadapt.train.engine import train_on_rows
    from langadapt.train.trainable import load_for_training

    model, tokenizer = load_for_training(model_ref, training.trainable, training.lora)
    rows, documents = pretraining_rows(tokenizer, data, training.block_size)
    eval_rows = {name: document_rows(tokenizer, docs, training.block_size)
                 for name, docs in (validation or {}).items()}
    metrics = train_on_rows(model, tokenizer, rows, training, work_dir, seed=seed,
                            eval_rows=eval_rows, model_dir=model_ref, resume=resume)
    return {"documents": documents, **metrics}


def pretraining_rows(tokenizer, data: list[str] | Path, block_size: int):
    """Rows to train on and the number of documents behind them."""
    from langadapt.data.tokens.shards import TokenShards, check_shards_match
    from langadapt.train.inputs import pad_id
    from langadapt.train.streaming import TokenWindows

    if isinstance(data, (str, Path)):
        shards = TokenShards(data)
        check_shards_match(shards, tokenizer, str(data))
        return TokenWindows(shards, block_size, pad_id(tokenizer)), shards.stats["documents"]
    if not data:
        raise UserError("no documents to train on (the corpus is empty)")
    return document_rows(tokenizer, data, block_size), len(data)


def is_tokens_dir(path: Path) -> bool:
    return (path / SHARDS_DIR).is_dir()


def run(cfg: PretrainStage, ctx: RunContext) -> dict:
    from langadapt.data.tokens.pipeline import tokenize_corpus

    model_ref = ctx.model_path(cfg.model)
    data_dir = ctx.stage_dir(cfg.data)
    intermediate = None
    if not is_tokens_dir(data_dir):  # a corpus stage: tokenize with this model's tokenizer
        intermediate = ctx.work_dir / INTERMEDIATE_TOKENS
        tokenize_corpus(data_dir, model_ref, intermediate)
    tokens = intermediate or data_dir
    launch = cfg.launch or ctx.launch
    if launch is not None and launch.in_workers:
        from langadapt.train.launch import run_in_workers

        metrics = run_in_workers(launch, {
            "kind": "pretrain", "model": model_ref, "tokens": str(tokens),
            "training": cfg.training.model_dump(mode="json"), "work_dir": str(ctx.work_dir),
            "seed": ctx.seed, "validation": {n: str(p) for n, p in cfg.validation.items()},
            "loading": [LOADING.allow_pickle, LOADING.trust_remote_code],
        }, ctx.work_dir)
    else:
        validation = {name: read_texts(path) for name, path in cfg.validation.items()}
        metrics = train_pretrain(model_ref, tokens, cfg.training, ctx.work_dir, seed=ctx.seed,
                                 validation=validation)
    if intermediate is not None:
        shutil.rmtree(intermediate)  # the model is what this stage keeps; a tokenize stage keeps shards
    return metrics
