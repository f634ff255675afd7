"""Configs of the training stages: ``pretrain`` (continued pretraining on token shards) and
``sft`` (instruction tuning on conversation stages). Runners: ``pretrain.py``, ``sft.py``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from langadapt.stage import BASE, InputPath, StageConfig
from langadapt.train.engine import TrainingConfig
from langadapt.train.launch import LaunchConfig

LAUNCH_HELP = ("run the training in accelerate launch worker processes (num_processes, config); "
               "default: the recipe's launch:, else in this process")


class PretrainStage(StageConfig):
    type: Literal["pretrain"] = "pretrain"
    model: str = Field(BASE, description="model to continue training: base or a stage name")
    data: str = Field(description="tokenize stage (token shards) or corpus stage (tokenized "
                                  "first, with this model's tokenizer) to train on")
    validation: dict[str, InputPath] = Field(
        default_factory=dict, description="named validation sets (text lines or corpus JSONL)")
    training: TrainingConfig = Field(default_factory=lambda: TrainingConfig(lr=2e-5, lr_end=2e-6))
    launch: LaunchConfig | None = Field(None, description=LAUNCH_HELP)
    runner = "langadapt.train.pretrain:run"
    produces = "model"
    reads = {"model": ("model",), "data": ("tokens", "corpus")}


class SftStage(StageConfig):
    type: Literal["sft"] = "sft"
    model: str = Field(description="model to tune: base or a stage name")
    data: list[str] = Field(min_length=1, description="stages whose conversations.jsonl to train on")
    mixture: dict[str, float] = Field(
        default_factory=dict, description="per data stage weight: 2.0 repeats it, 0.5 keeps half")
    chat_template: Literal["llammas", "alpaca", "model"] = Field(
        "llammas", description="llammas / alpaca: write that template; model: keep the model's own")
    validation: dict[str, InputPath] = Field(
        default_factory=dict, description="named validation sets (conversation JSONL files); "
        "default: the validation.jsonl each data stage held out (instructions `validation:`)")
    training: TrainingConfig = Field(default_factory=lambda: TrainingConfig(lr=2e-5, lr_end=2e-6))
    launch: LaunchConfig | None = Field(None, description=LAUNCH_HELP)
    runner = "langadapt.train.sft:run"
    produces = "model"
    reads = {"model": ("model",), "data": ("conversations",)}
