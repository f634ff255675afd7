"""`langadapt plan`: compute estimates from configs alone, absent data tolerated, caching column."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from langadapt.cli import main
from langadapt.errors import UserError
from langadapt.planning.compute import load_shape, shape_from_config, training_flops
from langadapt.planning.plan import plan, render
from langadapt.recipe import load_recipe, plan_recipe, run_recipe

ROOT = Path(__file__).resolve().parents[2]
LLAMMAS = ROOT / "recipes" / "llammas.yaml"
DEMO_BASE = ROOT / "demo" / "base-model"
PAPER_GPU_HOURS = 1184  # Llammas: continued pretraining on 4 MI250x


def _stage(result: dict, name: str) -> dict:
    return next(row for row in result["stages"] if row["stage"] == name)


def test_llammas_plan_json_gives_the_papers_steps_tokens_and_gpu_hours(capsys):
    assert main(["plan", str(LLAMMAS), "--json", "--gpu", "mi250x", "--mfu", "0.124"]) == 0
    result = json.loads(capsys.readouterr().out)
    pretrain = _stage(result, "pretrain")
    assert pretrain["steps"] == 19080
    assert pretrain["global_batch"] == 256 and pretrain["block_size"] == 1024
    assert pretrain["tokens"] == pytest.approx(5.0e9, rel=0.01)
    assert pretrain["total_parameters"] == 6_738_415_616  # Llama-2-7B from its config alone
    assert pretrain["trainable_parameters"] == 6_738_415_616
    assert pretrain["gpu_hours"] == pytest.approx(PAPER_GPU_HOURS, rel=0.30)
    assert result["total_gpu_hours"] >= pretrain["gpu_hours"]
    assert _stage(result, "corpus")["tokens"] == 5_000_000_000
    # the data files a team still has to fetch are listed with the line naming them
    assert any(m["key"] == "stages.alpacas.sources.1.path" and m["where"].endswith(".yaml:71")
               for m in result["missing_inputs"])


def test_gpu_hours_scale_with_peak_and_mfu():
    slow = _stage(plan(LLAMMAS, gpu="a100", mfu=0.2), "pretrain")
    fast = _stage(plan(LLAMMAS, gpu="h100", mfu=0.4), "pretrain")
    flops = 6 * 6_738_415_616 * 19080 * 256 * 1024
    assert slow["flops"] == flops == fast["flops"]
    assert slow["gpu_hours"] == pytest.approx(flops / (312e12 * 0.2) / 3600, abs=0.1)
    assert fast["gpu_hours"] == pytest.approx(flops / (989e12 * 0.4) / 3600, abs=0.1)


def test_text_plan_has_a_summary_line(capsys):
    assert main(["plan", str(LLAMMAS), "--gpu", "mi250x", "--mfu", "0.124"]) == 0
    out = capsys.readouterr().out
    assert "19,080" in out
    assert out.strip().splitlines()[-1].startswith("total: ")
    assert "GPU-hours on mi250x" in out


def test_bad_gpu_and_mfu_are_one_line_errors(capsys):
    with pytest.raises(UserError, match="--mfu 2"):
        plan(LLAMMAS, mfu=2)
    with pytest.raises(SystemExit) as err:
        main(["plan", str(LLAMMAS), "--gpu", "tpu"])
    assert err.value.code == 2


def test_a_real_recipe_error_is_still_reported(tmp_path):
    bad = tmp_path / "r.yaml"
    bad.write_text(LLAMMAS.read_text().replace("    mix_by: tokens", "    mix_by: tokens\n    budget: 3"))
    with pytest.raises(UserError, match=r"r\.yaml:\d+: stages\.corpus\.budget: unknown key"):
        plan(bad)


def test_parameter_counts_from_config_match_the_real_models():
    import torch
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(DEMO_BASE, dtype=torch.float32)
    assert load_shape(str(DEMO_BASE)).total == sum(p.numel() for p in model.parameters())
    # published sizes of the recipes' hub models, from the shipped configs (offline)
    assert load_shape("mistralai/Mistral-7B-v0.1").total == 7_241_732_096
    assert load_shape("meta-llama/Meta-Llama-3-8B").total == 8_030_261_248


def test_untied_gqa_model_count_matches_transformers():
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    config = {"vocab_size": 300, "hidden_size": 64, "intermediate_size": 96,
              "num_hidden_layers": 3, "num_attention_heads": 8, "num_key_value_heads": 2,
              "tie_word_embeddings": False}
    model = LlamaForCausalLM(LlamaConfig(**config)).to(torch.float32)
    shape = shape_from_config({"model_type": "llama", **config}, "test")
    assert shape.total == sum(p.numel() for p in model.parameters())
    assert shape.embedding + shape.head == 2 * 300 * 64


def test_embedding_only_flops_are_below_full_training():
    shape = load_shape("mistralai/Mistral-7B-v0.1")
    tokens = 1e9
    full = training_flops(shape, shape.total, tokens, full=True)
    emb = training_flops(shape, shape.embedding + shape.head, tokens, full=False)
    assert full == 6 * shape.total * tokens
    assert emb == (4 * shape.total + 2 * (shape.embedding + shape.head)) * tokens
    assert 0.66 < emb / full < 0.7


def test_unknown_hub_model_offline_is_a_clear_message(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(UserError, match="no config.json offline"):
        load_shape("nobody/no-such-model")


# --- the caching column ------------------------------------------------------------------

RECIPE = """\
name: cache-test
base_model: {base}
stages:
  bitext:
    type: bitext
    sources: [{{src: {src}, tgt: {tgt}}}]
    preset: none
  tasks:
    type: translation_tasks
    data: bitext
    n: 20
  seeds:
    type: instructions
    sources: [{{path: {seeds}, format: self_instruct, lang: et}}]
"""


@pytest.fixture()
def cached_run(tmp_path, shared_data):
    src, tgt, seeds = tmp_path / "a.en", tmp_path / "a.et", tmp_path / "seeds.jsonl"
    src.write_text((shared_data / "bitext/tatoeba.en").read_text(encoding="utf-8"))
    tgt.write_text((shared_data / "bitext/tatoeba.et").read_text(encoding="utf-8"))
    seeds.write_text((shared_data / "instructions/alpaca_est_seed_tasks.jsonl").read_text(
        encoding="utf-8"))
    path = tmp_path / "recipe.yaml"
    path.write_text(RECIPE.format(base=DEMO_BASE, src=src, tgt=tgt, seeds=seeds))
    run_dir = tmp_path / "run"
    run_recipe(load_recipe(path), run_dir)
    return path, run_dir, {"src": src, "seeds": seeds}


def _status(path: Path, run_dir: Path) -> dict:
    return {r["stage"]: r["status"] for r in plan_recipe(load_recipe(path), run_dir)}


def test_only_an_independent_later_stage_changed(cached_run):
    path, run_dir, files = cached_run
    assert _status(path, run_dir) == dict.fromkeys(("bitext", "tasks", "seeds"), "up to date")
    lines = files["seeds"].read_text(encoding="utf-8").splitlines()
    files["seeds"].write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")
    assert _status(path, run_dir) == {"bitext": "up to date", "tasks": "up to date",
                                      "seeds": "will run"}
    text = render(plan(path, run_dir))
    assert "seeds" in text and "1 stage(s) that would run" in text


def test_a_changed_input_reruns_its_readers_but_not_independent_stages(cached_run):
    path, run_dir, files = cached_run
    with open(files["src"], "a", encoding="utf-8") as handle:
        handle.write("One more line.\n")
    assert _status(path, run_dir) == {"bitext": "will run", "tasks": "will run",
                                      "seeds": "up to date"}


def test_sizes_are_counted_from_local_files(cached_run, shared_data):
    path, run_dir, _ = cached_run
    result = plan(path, run_dir)
    pairs = sum(1 for line in (shared_data / "bitext/tatoeba.en").read_text(
        encoding="utf-8").splitlines() if line.strip())
    assert _stage(result, "bitext")["pairs"] == pairs
    assert _stage(result, "tasks")["conversations"] == 20
    assert _stage(result, "seeds")["conversations"] == 107
    assert result["missing_inputs"] == []
    assert math.isclose(result["gpu_hours_to_run"], 0)
