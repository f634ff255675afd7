"""Training stages launched in worker processes: ``launch:`` runs 2 CPU ranks over gloo; the
coordinator alone writes the manifest; the whole CLI under a launcher is refused."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from train_helpers import save_tiny_model

from langadapt.recipe import load_recipe, run_recipe

TRAIN = {"block_size": 64, "batch_size": 2, "max_steps": 3, "lr": 5e-3, "lr_end": 5e-4,
         "save_steps": 2, "logging_steps": 1}


def _recipe(tmp_path: Path, shared_data: Path, tiny_tokenizer, pretrain: dict) -> Path:
    save_tiny_model(tiny_tokenizer, tmp_path / "base")
    recipe = {
        "name": "launch-test", "seed": 3, "base_model": "./base",
        "stages": {
            "corpus": {"type": "corpus", "sources": [
                {"path": str(shared_data / "et" / "ud_ewt.dev.txt"), "lang": "et"}],
                "mix": {"et": 1.0}, "token_budget": 4000, "language_id": False},
            "tokens": {"type": "tokenize", "data": "corpus"},
            "pretrain": {"type": "pretrain", "model": "base", "data": "tokens",
                         "training": TRAIN, **pretrain},
        },
    }
    path = tmp_path / "recipe.yaml"
    path.write_text(yaml.safe_dump(recipe, sort_keys=False))
    return path


def _weights(model_dir: Path) -> dict:
    from safetensors.torch import load_file

    return load_file(str(model_dir / "model.safetensors"))


ACCELERATE_CONFIGS = Path(__file__).resolve().parents[2] / "recipes" / "accelerate"


# two torchrun ranks starting torch + transformers each: about 30 s each on 2 cores.
# DDP (no config: --multi_gpu) and the shipped FSDP2 config, both over gloo on the CPU.
@pytest.mark.parametrize("config", [None, "fsdp.yaml"])
def test_two_process_launch_trains_on_token_shards(tmp_path, shared_data, tiny_tokenizer, config):
    from transformers import AutoModelForCausalLM

    launch = {"num_processes": 2, "main_process_port": 29517 if config is None else 29518}
    if config is not None:
        launch["config"] = str(ACCELERATE_CONFIGS / config)
    path = _recipe(tmp_path, shared_data, tiny_tokenizer, {"launch": launch})
    manifests = run_recipe(load_recipe(path), tmp_path / "run")
    tokens = manifests["tokens"]["metrics"]
    assert tokens["documents"] > 0 and tokens["tokens_by_lang"]["et"] == tokens["tokens"]
    metrics = manifests["pretrain"]["metrics"]
    assert metrics["world_size"] == 2 and metrics["steps"] == 3 and metrics["streamed"] is True
    assert metrics["attn_implementation"] == "sdpa"  # no flash-attn on a CPU
    assert metrics["documents"] == tokens["documents"]
    model_dir = tmp_path / "run" / "pretrain" / "model"
    AutoModelForCausalLM.from_pretrained(model_dir)  # a plain HF directory
    base, trained = _weights(tmp_path / "base"), _weights(model_dir)
    assert any(not (base[k] == trained[k]).all() for k in base)
    stage_dir = tmp_path / "run" / "pretrain"
    assert (stage_dir / "manifest.json").is_file() and not (stage_dir / "checkpoints").exists()
    log = (stage_dir / ".launch" / "workers.log").read_text()
    assert log  # the ranks' output is kept beside the model, not lost


def test_recipe_level_launch_is_the_default_and_set_overrides(tmp_path, shared_data,
                                                              tiny_tokenizer):
    path = _recipe(tmp_path, shared_data, tiny_tokenizer, {})
    data = yaml.safe_load(path.read_text())
    data["launch"] = {"num_processes": 4}
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    recipe = load_recipe(path, ["stages.pretrain.launch={num_processes: 1}"])
    assert recipe.launch.num_processes == 4
    assert recipe.stages["pretrain"].launch.num_processes == 1
    assert not recipe.stages["pretrain"].launch.in_workers  # 1 process, no config: in process


def test_in_process_pretrain_streams_the_shards(tmp_path, shared_data, tiny_tokenizer):
    path = _recipe(tmp_path, shared_data, tiny_tokenizer, {})
    manifests = run_recipe(load_recipe(path), tmp_path / "run")
    metrics = manifests["pretrain"]["metrics"]
    assert metrics["world_size"] == 1 and metrics["streamed"] is True and metrics["steps"] == 3
    assert not (tmp_path / "run" / "pretrain" / ".launch").exists()


def test_run_under_a_launcher_is_refused(tmp_path, shared_data, tiny_tokenizer):
    path = _recipe(tmp_path, shared_data, tiny_tokenizer, {})
    env = {**os.environ, "WORLD_SIZE": "2", "RANK": "1"}
    done = subprocess.run([sys.executable, "-m", "langadapt", "run", str(path), "--out",
                           str(tmp_path / "run")], capture_output=True, text=True, env=env)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "launch:" in done.stderr
    assert not (tmp_path / "run").exists()


@pytest.mark.parametrize("bad", [{"num_processes": 0}, {"config": "missing.yaml"},
                                 {"nprocs": 2}])
def test_bad_launch_block_names_the_key(tmp_path, shared_data, tiny_tokenizer, bad):
    from langadapt.errors import UserError

    path = _recipe(tmp_path, shared_data, tiny_tokenizer, {"launch": bad})
    with pytest.raises(UserError, match=r"recipe.yaml:\d+: stages.pretrain.launch"):
        load_recipe(path)


def test_worker_job_file_is_plain_json(tmp_path):
    from langadapt.train.launch import LaunchConfig, launch_command

    command = launch_command(LaunchConfig(num_processes=2), tmp_path / "job.json")
    assert command[1:3] == ["-m", "accelerate.commands.launch"] and "--multi_gpu" in command
    assert command[-3:] == ["-m", "langadapt.train.worker", str(tmp_path / "job.json")]
    assert json.dumps(command)
