"""The ``instructions`` stage config: instruction sources of several formats mixed into one
``conversations.jsonl`` (+ ``validation.jsonl``). Runner: ``build.py``; importers: ``readers.py``,
``oasst.py``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from langadapt.stage import InputPath, StageConfig


class InstructionSource(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: InputPath
    format: Literal["self_instruct", "alpaca", "conversations", "oasst", "flan"]
    lang: str
    name: str | None = None
    limit: int | None = Field(None, ge=1, description="keep exactly this many (seeded sample)")
    weight: float | None = Field(None, gt=0, description="2.0 repeats every record, 0.5 keeps half")
    languages: list[str] | None = Field(
        None, description="oasst: root-prompt languages kept (default: [lang])")

    @model_validator(mode="after")
    def _limit_or_weight(self) -> InstructionSource:
        if self.limit is not None and self.weight is not None:
            raise ValueError("give limit (an exact count) or weight, not both")
        return self

    @property
    def label(self) -> str:
        return self.name or self.path.name


class InstructionsStage(StageConfig):
    type: Literal["instructions"] = "instructions"
    sources: list[InstructionSource] = Field(default_factory=list)
    exclude: list[InputPath] = Field(
        default_factory=list, description="evaluation texts: conversations quoting a line are dropped")
    validation: float = Field(0.0, ge=0, lt=1, description="share held out per source (seeded)")
    dedup: bool = Field(True, description="drop conversations repeating an earlier one")
    runner = "langadapt.data.instructions.build:run"
    produces = "conversations"
