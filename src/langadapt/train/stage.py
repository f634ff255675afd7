"""Configs of the training stages: ``pretrain`` (continued pretraining on a corpus stage) and
``sft`` (instruction tuning on conversation stages). Runners: ``pretrain.py``, ``sft.py``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from langadapt.stage import BASE, InputPath, StageConfig
from langadapt.train.engine import TrainingConfig


class PretrainStage(StageConfig):
    type: Literal["pretrain"] = "pretrain"
    model: str = Field(BASE, description="model to continue training: base or a stage name")
    data: str = Field(description="corpus stage whose documents are the training text")
    validation: dict[str, InputPath] = Field(
        default_factory=dict, description="named validation sets (text lines or corpus JSONL)")
    training: TrainingConfig = Field(default_factory=lambda: TrainingConfig(lr=2e-5, lr_end=2e-6))
    runner = "langadapt.train.pretrain:run"
    produces = "model"
    reads = {"model": ("model",), "data": ("corpus",)}


class SftStage(StageConfig):
    type: Literal["sft"] = "sft"
    model: str = Field(description="model to tune: base or a stage name")
    data: list[str] = Field(min_length=1, description="stages whose conversations.jsonl to train on")
    mixture: dict[str, float] = Field(
        default_factory=dict, description="per data stage weight: 2.0 repeats it, 0.5 keeps half")
    chat_template: Literal["llammas", "alpaca", "model"] = Field(
        "llammas", description="llammas / alpaca: write that template; model: keep the model's own")
    validation: dict[str, InputPath] = Field(
        default_factory=dict, description="named validation sets (conversation JSONL files)")
    training: TrainingConfig = Field(default_factory=lambda: TrainingConfig(lr=2e-5, lr_end=2e-6))
    runner = "langadapt.train.sft:run"
    produces = "model"
    reads = {"model": ("model",), "data": ("conversations",)}
