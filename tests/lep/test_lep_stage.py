"""The lep / lep_merge recipe stages: inputs, and a run through a RunContext."""

from __future__ import annotations

import json
import shutil

from langadapt.lep.stage import LepMergeStage, LepStage
from langadapt.stage import RunContext


def test_inputs_are_stage_names_only(untied):
    cfg = LepStage(instruct=str(untied.instruct), adapted="embed_cpt")
    assert cfg.inputs() == ["base", "embed_cpt"] and cfg.mode == "conversion"
    assert LepMergeStage(instruct="sft", adapted="embed_cpt", alpha=0.5).inputs() == ["base", "sft", "embed_cpt"]


def test_stage_writes_model(untied, tmp_path):
    run_dir = tmp_path / "run"
    shutil.copytree(untied.adapted, run_dir / "embed_cpt" / "model")
    (run_dir / "embed_cpt" / "manifest.json").write_text("{}")
    ctx = RunContext(run_dir=run_dir, work_dir=tmp_path / "work", base_model=str(untied.base), seed=0)
    ctx.work_dir.mkdir()
    metrics = LepStage(instruct=str(untied.instruct), adapted="embed_cpt", mode="swap").run(ctx)
    assert metrics["mode"] == "swap" and metrics["tokens_instruct_extra_added"] == 0
    assert json.loads((ctx.work_dir / "model" / "manifest.json").read_text())["mode"] == "swap"
    merged = LepMergeStage(instruct=str(untied.instruct), adapted="embed_cpt")
    ctx.work_dir = tmp_path / "work2"
    assert merged.run(ctx)["residual_lm_head"] < 1e-6
