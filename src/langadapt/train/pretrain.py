"""The ``pretrain`` stage: continued pretraining on a corpus stage's documents.

Each document is ``BOS + text + EOS``; documents are packed into fixed-length rows with positions
reset per document (see ``packing``), and trained with the shared engine. ``training.trainable``
chooses full training, embeddings only (LEP), the new vocabulary rows only, or LoRA.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from langadapt.stage import BASE, InputPath, RunContext, StageConfig
from langadapt.train.engine import TrainingConfig


class PretrainStage(StageConfig):
    type: Literal["pretrain"] = "pretrain"
    model: str = Field(BASE, description="model to continue training: base or a stage name")
    data: str = Field(description="corpus stage whose documents are the training text")
    validation: dict[str, InputPath] = Field(
        default_factory=dict, description="named validation sets (text lines or corpus JSONL)")
    training: TrainingConfig = Field(default_factory=lambda: TrainingConfig(lr=2e-5, lr_end=2e-6))
    runner = "langadapt.train.pretrain:run"
    produces_model = True

    def inputs(self) -> list[str]:
        return [self.model, self.data]


def document_tokens(tokenizer, texts: list[str]) -> list[list[int]]:
    """``BOS + text + EOS`` token ids per document."""
    bos = [tokenizer.bos_token_id] if tokenizer.bos_token_id is not None else []
    eos = [tokenizer.eos_token_id]
    encoded = tokenizer(texts, add_special_tokens=False)["input_ids"]
    return [bos + ids + eos for ids in encoded]


def train_pretrain(model_ref: str, texts: list[str], training: TrainingConfig, work_dir,
                   seed: int = 0, validation: dict[str, list[str]] | None = None,
                   resume: bool = True) -> dict:
    """Continue pretraining ``model_ref`` on ``texts``; writes ``work_dir/model``; returns metrics."""
    from langadapt.train.engine import train_on_rows
    from langadapt.train.trainable import load_for_training
    from langadapt.train.inputs import document_rows

    model, tokenizer = load_for_training(model_ref, training.trainable, training.lora)
    rows = document_rows(tokenizer, texts, training.block_size)
    eval_rows = {name: document_rows(tokenizer, docs, training.block_size)
                 for name, docs in (validation or {}).items()}
    metrics = train_on_rows(model, tokenizer, rows, training, work_dir, seed=seed,
                            eval_rows=eval_rows, model_dir=model_ref, resume=resume)
    return {"documents": len(texts), **metrics}


def run(cfg: PretrainStage, ctx: RunContext) -> dict:
    from langadapt.data.corpus import iter_corpus_texts

    texts = list(iter_corpus_texts(ctx.stage_dir(cfg.data)))
    from langadapt.train.inputs import read_texts

    validation = {name: read_texts(path) for name, path in cfg.validation.items()}
    return train_pretrain(ctx.model_path(cfg.model), texts, cfg.training, ctx.work_dir,
                          seed=ctx.seed, validation=validation)
