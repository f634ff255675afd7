"""The ``lep`` and ``lep_merge`` stages: an instruct model speaking the adapted vocabulary.

``base``, ``instruct`` and ``adapted`` name models: ``base`` (the recipe's base model), an earlier
model-producing stage, or (``instruct`` only, usually) a path or hub id of a released instruct
model. The result is written to ``model/`` like every model-producing stage.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from langadapt.stage import BASE, RunContext, StageConfig


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


def _model(ref: str, ctx: RunContext) -> str:
    return ctx.model_path(ref) if _is_stage_name(ref) else ref


def run_propagate(cfg: LepStage, ctx: RunContext) -> dict:
    from langadapt.lep.propagate import propagate_embeddings

    manifest = propagate_embeddings(_model(cfg.base, ctx), _model(cfg.instruct, ctx),
                                    _model(cfg.adapted, ctx), ctx.work_dir / "model", mode=cfg.mode,
                                    sparse_k=cfg.sparse_k, dtype=cfg.dtype,
                                    overwrite=True)  # the stage's own work folder
    return _metrics(manifest)


def run_merge(cfg: LepMergeStage, ctx: RunContext) -> dict:
    from langadapt.lep.merge import merge_chat_vector

    manifest = merge_chat_vector(_model(cfg.base, ctx), _model(cfg.instruct, ctx),
                                 _model(cfg.adapted, ctx), ctx.work_dir / "model", alpha=cfg.alpha,
                                 mode=cfg.mode, sparse_k=cfg.sparse_k, dtype=cfg.dtype,
                                 overwrite=True)
    return _metrics(manifest)


def _metrics(manifest: dict) -> dict:
    return {"mode": manifest["mode"], **{f"residual_{k}": v for k, v in manifest["residuals"].items()},
            **{f"tokens_{k}": v for k, v in manifest["tokens"].items()}}
