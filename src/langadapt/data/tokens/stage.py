"""Config of the ``tokenize`` stage (runner: ``pipeline.run``).

Its own stage rather than a step hidden in ``pretrain`` because tokenizing 5B tokens is hours of
CPU that do not depend on any training setting: changing the learning rate must not redo it, and
several training stages (or nodes) read the same shards. ``pretrain`` given a corpus stage still
works; it tokenizes into a cached folder of its own with the same code.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from langadapt.stage import BASE, StageConfig


class TokenizeStage(StageConfig):
    type: Literal["tokenize"] = "tokenize"
    data: str = Field(description="corpus stage whose documents to tokenize")
    tokenizer: str = Field(BASE, description="model whose tokenizer to use: base or a model stage "
                                             "(the model the shards will train)")
    tasks: int | None = Field(None, ge=1, description="datatrove tasks (output shards); default: "
                                                      "one per corpus shard, at most 64")
    workers: int = Field(1, ge=1, description="tasks tokenized at the same time (processes)")
    runner = "langadapt.data.tokens.pipeline:run"
    produces = "tokens"
    reads = {"data": ("corpus",), "tokenizer": ("model",)}
