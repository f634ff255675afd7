"""The ``pretrain`` stage: continued pretraining on a corpus stage's documents.

Each document is ``BOS + text + EOS``; documents are packed into fixed-length rows with positions
reset per document (see ``packing``), and trained with the shared engine.
"""

from __future__ import annotations

import json
from typing import Literal

from pydantic import Field

from langadapt.stage import BASE, RunContext, StageConfig
from langadapt.train.engine import TrainingConfig


class PretrainStage(StageConfig):
    type: Literal["pretrain"] = "pretrain"
    model: str = Field(BASE, description="model to continue training: base or a stage name")
    data: str = Field(description="corpus stage whose corpus.jsonl is the training text")
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


def read_texts(path) -> list[str]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line)["text"] for line in handle if line.strip()]


def run(cfg: PretrainStage, ctx: RunContext) -> dict:
    from langadapt.modeling import load_model_and_tokenizer
    from langadapt.train.engine import train_on_rows
    from langadapt.train.packing import pack_stream

    model, tokenizer = load_model_and_tokenizer(ctx.model_path(cfg.model))
    texts = read_texts(ctx.stage_dir(cfg.data) / "corpus.jsonl")
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    rows = pack_stream(document_tokens(tokenizer, texts), cfg.training.block_size, pad)
    metrics = train_on_rows(model, tokenizer, rows, cfg.training, ctx.work_dir, seed=ctx.seed)
    return {"documents": len(texts), **metrics}
