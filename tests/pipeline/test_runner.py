"""Runner: caching, --force, --only, and crash safety."""

from __future__ import annotations

import json

import pytest

from langadapt.errors import UserError
from langadapt.recipe import load_recipe, plan_recipe, run_recipe

RECIPE = """\
name: t
seed: 3
base_model: {model}
stages:
  corpus:
    type: corpus
    sources:
      - {{path: {et}, lang: et}}
      - {{path: {en}, lang: en}}
    mix: {{et: 0.75, en: 0.25}}
    token_budget: 3000
  instructions:
    type: instructions
    sources:
      - {{path: {seed}, format: self_instruct, lang: et}}
"""


@pytest.fixture()
def recipe_path(tmp_path, tiny_model_dir, shared_data):
    path = tmp_path / "r.yaml"
    path.write_text(RECIPE.format(
        model=tiny_model_dir, et=shared_data / "et/ud_ewt.dev.txt",
        en=shared_data / "en/ud_ewt.dev.txt",
        seed=shared_data / "instructions/alpaca_est_seed_tasks.jsonl"))
    return path


def _finished_at(out, stage):
    return json.loads((out / stage / "manifest.json").read_text())["finished_at"]


def test_rerun_skips_unchanged_stages_and_force_reruns_downstream(recipe_path, tmp_path, capsys):
    out = tmp_path / "run"
    recipe = load_recipe(recipe_path)
    first = run_recipe(recipe, out)
    assert first["corpus"]["metrics"]["tokens"] >= 3000
    assert (out / "corpus" / "corpus.jsonl").is_file()
    capsys.readouterr()
    run_recipe(recipe, out)
    assert capsys.readouterr().err.count("up to date, skipped") == 2
    assert [r["status"] for r in plan_recipe(recipe, out)] == ["up to date", "up to date"]

    second = run_recipe(recipe, out, force=["corpus"])
    assert second["corpus"]["cache_key"] == first["corpus"]["cache_key"]
    log = capsys.readouterr().err
    assert "corpus (corpus): running" in log and "instructions (instructions): running" in log
    assert "skipped" not in log


def test_config_change_reruns_only_what_changed(recipe_path, tmp_path, capsys):
    out = tmp_path / "run"
    run_recipe(load_recipe(recipe_path), out)
    capsys.readouterr()
    changed = load_recipe(recipe_path, ["stages.corpus.token_budget=2000"])
    manifests = run_recipe(changed, out)
    log = capsys.readouterr().err
    assert "corpus (corpus): running" in log and "instructions (instructions): up to date" in log
    assert manifests["corpus"]["config"]["token_budget"] == 2000


def test_stage_that_crashes_leaves_nothing_that_looks_done(recipe_path, tmp_path, monkeypatch):
    import langadapt.data.corpus as corpus

    out = tmp_path / "run"
    real_run = corpus.run

    def crashing(cfg, ctx):
        (ctx.work_dir / "corpus.jsonl").write_text("half a file")
        raise RuntimeError("killed half-way")

    monkeypatch.setattr(corpus, "run", crashing)
    with pytest.raises(RuntimeError):
        run_recipe(load_recipe(recipe_path), out)
    assert not (out / "corpus").exists()
    assert not list(out.glob("*/manifest.json"))
    monkeypatch.setattr(corpus, "run", real_run)
    manifests = run_recipe(load_recipe(recipe_path), out)
    assert manifests["corpus"]["metrics"]["documents"] > 0
    assert not list(out.glob(".*partial"))


def test_only_needs_its_inputs_and_names_are_checked(recipe_path, tmp_path):
    out = tmp_path / "run"
    recipe = load_recipe(recipe_path)
    with pytest.raises(UserError, match="no stage named nope"):
        run_recipe(recipe, out, only=["nope"])
    manifests = run_recipe(recipe, out, only=["instructions"])
    assert not (out / "corpus").exists() and manifests["instructions"]["metrics"]["conversations"]


def test_manifest_records_versions_config_and_inputs(recipe_path, tmp_path):
    out = tmp_path / "run"
    run_recipe(load_recipe(recipe_path), out)
    manifest = json.loads((out / "corpus" / "manifest.json").read_text())
    assert set(manifest) >= {"config", "cache_key", "inputs", "versions", "metrics", "wall_time_s"}
    assert manifest["versions"]["torch"] and manifest["inputs"]["base"]
