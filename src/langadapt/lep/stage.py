"""The ``lep``, ``lep_merge`` and ``lep_calibrate`` stages: an instruct model speaking the
adapted vocabulary, and its self-calibration.

``base``, ``instruct`` and ``adapted`` name models: ``base`` (the recipe's base model), an earlier
model-producing stage, or (``instruct`` only, usually) a path or hub id of a released instruct
model; ``teacher`` likewise. The result is written to ``model/`` like every model-producing stage.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator

from langadapt.evaluate.suite import JudgeConfig
from langadapt.stage import BASE, InputPath, RunContext, StageConfig
from langadapt.train.engine import TrainingConfig


class LepStage(StageConfig):
    type: Literal["lep"] = "lep"
    base: str = Field(BASE, description="the base model B: base or a stage name")
    instruct: str = Field(..., description="instruct model I of the base: a stage name, path or hub id")
    adapted: str = Field(..., description="stage whose model is B after vocab adaptation and "
                         "embeddings-only pretraining")
    mode: Literal["conversion", "overlap", "swap", "sparse"] = "conversion"
    sparse_k: int = Field(32, ge=1, description="sparse: shared tokens per new token")
    dtype: Literal["auto", "float32", "bfloat16", "float16"] = "auto"
    runner = "langadapt.lep.stage:run_propagate"
    produces = "model"
    reads = {"base": ("model",), "instruct": ("model",), "adapted": ("model",)}

    def references(self) -> list[tuple[tuple, str, tuple[str, ...]]]:
        # A model given as a path or hub id (a released instruct model) is no stage reference.
        return [ref for ref in super().references() if _is_stage_name(ref[1])]


class LepMergeStage(LepStage):
    type: Literal["lep_merge"] = "lep_merge"
    alpha: float = Field(1.0, description="weight of the chat vector I − B")
    runner = "langadapt.lep.stage:run_merge"


def _is_stage_name(ref: str) -> bool:
    return ref == BASE or ("/" not in ref and "\\" not in ref and not ref.startswith("."))


def stage_model(ref: str, ctx: RunContext) -> str:
    """The model a field names: a stage's ``model/`` (or base), else the path or hub id itself."""
    return ctx.model_path(ref) if _is_stage_name(ref) else ref


def run_propagate(cfg: LepStage, ctx: RunContext) -> dict:
    from langadapt.lep.propagate import propagate_embeddings

    manifest = propagate_embeddings(stage_model(cfg.base, ctx), stage_model(cfg.instruct, ctx),
                                    stage_model(cfg.adapted, ctx), ctx.work_dir / "model", mode=cfg.mode,
                                    sparse_k=cfg.sparse_k, dtype=cfg.dtype,
                                    overwrite=True)  # the stage's own work folder
    return _metrics(manifest)


def run_merge(cfg: LepMergeStage, ctx: RunContext) -> dict:
    from langadapt.lep.merge import merge_chat_vector

    manifest = merge_chat_vector(stage_model(cfg.base, ctx), stage_model(cfg.instruct, ctx),
                                 stage_model(cfg.adapted, ctx), ctx.work_dir / "model", alpha=cfg.alpha,
                                 mode=cfg.mode, sparse_k=cfg.sparse_k, dtype=cfg.dtype,
                                 overwrite=True)
    return _metrics(manifest)


def _metrics(manifest: dict) -> dict:
    return {"mode": manifest["mode"], **{f"residual_{k}": v for k, v in manifest["residuals"].items()},
            **{f"tokens_{k}": v for k, v in manifest["tokens"].items()}}


# The LEP paper's settings. A recipe's ``training:`` / ``tuning:`` block is laid over these, so
# ``training: {max_steps: 100}`` keeps LoRA on the first and last layers. Rows of 1024 tokens fit a
# prompt and a full answer (max_new_tokens 512) without truncation.
CALIBRATION_DEFAULTS: dict[str, Any] = {
    "trainable": "lora", "lr": 2.5e-5, "lr_end": 0.0, "scheduler": "cosine", "weight_decay": 0.1,
    "epochs": 1.0, "save_steps": 500, "block_size": 1024,
    "lora": {"r": 8, "alpha": 1, "layers": [0, -1], "train_embeddings": "yes"}}
TUNING_DEFAULTS: dict[str, Any] = {
    "trainable": "lora", "lr": 5e-5, "lr_end": 0.0, "scheduler": "cosine", "epochs": 1.0,
    "save_steps": 500, "block_size": 1024, "lora": {"r": 32, "alpha": 16, "train_embeddings": "no"}}


def deep_merge(base: dict, extra: dict) -> dict:
    """``base`` with ``extra``'s keys laid over it, nested dicts merged key by key."""
    merged = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def calibration_training(**overrides: Any) -> TrainingConfig:
    """The paper's calibration: LoRA r 8, α 1 on the first and last layers, input embeddings and
    LM head trained in full, lr 2.5e-5, weight decay 0.1, one epoch."""
    return TrainingConfig(**deep_merge(CALIBRATION_DEFAULTS, overrides))


def tuning_training(**overrides: Any) -> TrainingConfig:
    """The paper's continued instruction tuning: LoRA r 32, α 16 on the attention and MLP
    projections of every layer, lr 5e-5, one epoch."""
    return TrainingConfig(**deep_merge(TUNING_DEFAULTS, overrides))


class CalibrationJudge(JudgeConfig):
    """The evaluation judge's endpoint settings, grading each teacher answer 1-5."""

    min_score: float = Field(4.0, ge=1, le=5, description="answers graded below are dropped")


class LepCalibrateStage(StageConfig):
    type: Literal["lep_calibrate"] = "lep_calibrate"
    model: str = Field(description="P, the model to calibrate: a stage name (usually a lep stage)")
    teacher: str = Field(description="the original instruct model I: a stage name, path or hub id "
                         "(with endpoint: the model name the endpoint serves)")
    prompts: InputPath = Field(description="prompts: text lines, or JSONL prompt / instruction / "
                               "messages")
    text: InputPath = Field(description="target-language text lines for copy examples")
    lang: str = Field("et", description="target language: answers in another are dropped")
    langid_languages: list[str] = Field(
        default_factory=lambda: ["en"], description="other languages language ID chooses among")
    min_chars: int = Field(10, ge=0, description="shorter answers (and copy lines) are dropped")
    max_chars: int = Field(4000, ge=1, description="longer answers (and copy lines) are dropped")
    copy_examples: int | None = Field(
        None, ge=0, description="copy-this-text examples (default: as many as answers kept)")
    copy_instruction: str | None = Field(
        None, description="instruction of copy examples (default: shipped for et and en)")
    max_new_tokens: int = Field(512, ge=1, description="teacher answer length, in tokens")
    batch_size: int = Field(8, ge=1, description="teacher prompts per generation batch")
    endpoint: str | None = Field(None, description="the teacher behind an OpenAI-compatible URL")
    api_key_env: str | None = Field(None, description="endpoint: environment variable of the key")
    judge: CalibrationJudge | None = None
    tune_data: InputPath | None = Field(
        None, description="conversations for continued instruction tuning after calibration")
    training: TrainingConfig = Field(default_factory=calibration_training,
                                     description="calibration (over the paper's defaults)")
    tuning: TrainingConfig = Field(default_factory=tuning_training,
                                   description="continued tuning (over the paper's defaults)")
    runner = "langadapt.lep.calibrate:run"
    produces = "model"
    reads = {"model": ("model",), "teacher": ("model",)}

    @field_validator("training", mode="before")
    @classmethod
    def _over_calibration_defaults(cls, value):
        return deep_merge(CALIBRATION_DEFAULTS, value) if isinstance(value, dict) else value

    @field_validator("tuning", mode="before")
    @classmethod
    def _over_tuning_defaults(cls, value):
        return deep_merge(TUNING_DEFAULTS, value) if isinstance(value, dict) else value

    def references(self) -> list[tuple[tuple, str, tuple[str, ...]]]:
        # A served teacher, or one given as a path or hub id, is no stage reference.
        return [ref for ref in super().references() if _is_stage_name(ref[1])
                and not (ref[0] == ("teacher",) and self.endpoint)]
