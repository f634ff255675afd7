"""The ``pretrain`` stage: continued pretraining on a corpus stage's documents.

Each document is ``BOS + text + EOS``; documents are packed into fixed-length rows with positions
reset per document (see ``packing``), and trained with the shared engine. ``training.trainable``
chooses full training, embeddings only (LEP), the new vocabulary rows only, or LoRA.
"""

from __future__ import annotations

from langadapt.data.corpus.documents import iter_corpus_texts
from langadapt.errors import UserError
from langadapt.stage import RunContext
from langadapt.train.engine import TrainingConfig
from langadapt.train.inputs import document_rows, read_texts
from langadapt.train.stage import PretrainStage


def train_pretrain(model_ref: str, texts: list[str], training: TrainingConfig, work_dir,
                   seed: int = 0, validation: dict[str, list[str]] | None = None,
                   resume: bool = True) -> dict:
    """Continue pretraining ``model_ref`` on ``texts``; writes ``work_dir/model``; returns metrics."""
    from langadapt.train.engine import train_on_rows
    from langadapt.train.trainable import load_for_training

    if not texts:
        raise UserError("no documents to train on (the corpus is empty)")
    model, tokenizer = load_for_training(model_ref, training.trainable, training.lora)
    rows = document_rows(tokenizer, texts, training.block_size)
    eval_rows = {name: document_rows(tokenizer, docs, training.block_size)
                 for name, docs in (validation or {}).items()}
    metrics = train_on_rows(model, tokenizer, rows, training, work_dir, seed=seed,
                            eval_rows=eval_rows, model_dir=model_ref, resume=resume)
    return {"documents": len(texts), **metrics}


def run(cfg: PretrainStage, ctx: RunContext) -> dict:
    texts = list(iter_corpus_texts(ctx.stage_dir(cfg.data)))
    validation = {name: read_texts(path) for name, path in cfg.validation.items()}
    return train_pretrain(ctx.model_path(cfg.model), texts, cfg.training, ctx.work_dir,
                          seed=ctx.seed, validation=validation)
