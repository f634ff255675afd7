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
  bitext:
    type: bitext
    sources:
      - {{src: {en}, tgt: {et}}}
  tasks:
    type: translation_tasks
    data: bitext
    n: 50
"""


@pytest.fixture()
def recipe_path(tmp_path, tiny_model_dir, shared_data):
    path = tmp_path / "r.yaml"
    for lang in ("en", "et"):  # copies, so a test can edit an input
        (tmp_path / f"pairs.{lang}").write_bytes((shared_data / f"bitext/tatoeba.{lang}").read_bytes())
    path.write_text(RECIPE.format(model=tiny_model_dir, en=tmp_path / "pairs.en",
                                  et=tmp_path / "pairs.et"))
    return path


def _finished_at(out, stage):
    return json.loads((out / stage / "manifest.json").read_text())["finished_at"]


def test_rerun_skips_unchanged_stages_and_force_reruns_downstream(recipe_path, tmp_path, capsys):
    out = tmp_path / "run"
    recipe = load_recipe(recipe_path)
    first = run_recipe(recipe, out)
    assert first["bitext"]["metrics"]["kept_pairs"] > 1000
    assert len((out / "tasks" / "conversations.jsonl").read_text().splitlines()) == 50
    capsys.readouterr()
    run_recipe(recipe, out)
    assert capsys.readouterr().out.count("up to date, skipped") == 2
    assert [r["status"] for r in plan_recipe(recipe, out)] == ["up to date", "up to date"]

    second = run_recipe(recipe, out, force=["bitext"])
    assert second["bitext"]["cache_key"] == first["bitext"]["cache_key"]
    log = capsys.readouterr().out
    assert "bitext (bitext): running" in log and "tasks (translation_tasks): running" in log
    assert "skipped" not in log


def test_config_change_reruns_only_what_changed(recipe_path, tmp_path, capsys):
    out = tmp_path / "run"
    run_recipe(load_recipe(recipe_path), out)
    capsys.readouterr()
    changed = load_recipe(recipe_path, ["stages.tasks.n=20"])
    manifests = run_recipe(changed, out)
    log = capsys.readouterr().out
    assert "bitext (bitext): up to date" in log and "tasks (translation_tasks): running" in log
    assert manifests["tasks"]["metrics"]["tasks"] == 20
    assert [r["status"] for r in plan_recipe(changed, out)] == ["up to date", "up to date"]
    # An edited input file changes the key of the stage that reads it, and so of what follows.
    for lang in ("en", "et"):
        path = recipe_path.parent / f"pairs.{lang}"
        path.write_text(path.read_text() + "Extra sentence here.\n")
    assert [r["status"] for r in plan_recipe(changed, out)] == ["will run", "will run"]


def test_stage_that_crashes_leaves_nothing_that_looks_done(recipe_path, tmp_path, monkeypatch):
    import langadapt.data.bitext.stage as stages

    out = tmp_path / "run"
    real_run = stages.run_bitext_stage

    def crashing(cfg, ctx):
        (ctx.work_dir / "pairs.jsonl").write_text("half a file")
        raise RuntimeError("killed half-way")

    monkeypatch.setattr(stages, "run_bitext_stage", crashing)
    with pytest.raises(RuntimeError):
        run_recipe(load_recipe(recipe_path), out)
    assert not (out / "bitext").exists()
    assert not list(out.glob("*/manifest.json"))
    monkeypatch.setattr(stages, "run_bitext_stage", real_run)
    manifests = run_recipe(load_recipe(recipe_path), out)
    assert manifests["bitext"]["metrics"]["kept_pairs"] > 0
    assert not list(out.glob(".*partial"))


def test_only_needs_its_inputs_and_names_are_checked(recipe_path, tmp_path):
    out = tmp_path / "run"
    recipe = load_recipe(recipe_path)
    with pytest.raises(UserError, match="no stage named nope"):
        run_recipe(recipe, out, only=["nope"])
    with pytest.raises(UserError, match="needs 'bitext', which has not completed"):
        run_recipe(recipe, out, only=["tasks"])
    manifests = run_recipe(recipe, out, only=["bitext"])
    assert not (out / "tasks").exists() and manifests["bitext"]["metrics"]["kept_pairs"]


def test_manifest_records_versions_config_and_inputs(recipe_path, tmp_path):
    out = tmp_path / "run"
    run_recipe(load_recipe(recipe_path), out)
    manifest = json.loads((out / "tasks" / "manifest.json").read_text())
    assert set(manifest) >= {"config", "cache_key", "inputs", "versions", "metrics", "wall_time_s"}
    bitext_manifest = (out / "bitext" / "manifest.json").read_bytes()
    from langadapt.artifacts import sha256_bytes

    assert manifest["versions"]["torch"] and manifest["inputs"]["bitext"] == sha256_bytes(
        bitext_manifest)
