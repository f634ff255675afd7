"""`langadapt train pretrain | sft` end to end on shipped text, their errors, and DDP."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from train_helpers import seed_task_conversations, text_lines, write_jsonl

from langadapt.cli import main

FAST = ["--block-size", "64", "--batch-size", "4", "--lr", "1e-3", "--lr-end", "1e-4",
        "--logging-steps", "1"]


@pytest.fixture()
def corpus(tmp_path, shared_data):
    rows = [{"text": t, "lang": "et"} for t in text_lines(shared_data / "et" / "ud_ewt.dev.txt", 80)]
    return write_jsonl(tmp_path / "corpus.jsonl", rows)


def test_pretrain_command_writes_model_and_metrics(tiny_model_dir, corpus, tmp_path, shared_data,
                                                   capsys):
    from transformers import AutoModelForCausalLM

    val = tmp_path / "et_val.txt"
    val.write_text("\n".join(text_lines(shared_data / "et" / "ud_ewt.test.txt", 20)))
    out = tmp_path / "out"
    code = main(["train", "pretrain", "--model", str(tiny_model_dir), "--data", str(corpus),
                 "--out", str(out), *FAST, "--max-steps", "4", "--save-steps", "2",
                 "--validation", f"et={val}", "--scheduler", "cosine", "--warmup-ratio", "0.25"])
    assert code == 0
    printed = json.loads(capsys.readouterr().out)
    saved = json.loads((out / "train_metrics.json").read_text())
    assert saved["metrics"] == {k: v for k, v in printed.items() if k != "model"}
    metrics = saved["metrics"]
    assert metrics["steps"] == 4 and metrics["documents"] == 80
    assert metrics["utilization"] >= 0.99  # stream packing pads only the very last row
    assert [h["step"] for h in metrics["validation_history"]] == [2, 4]
    losses = {h["step"]: h["et"] for h in metrics["validation_history"]}
    best = min(losses, key=losses.get)
    assert metrics["best_checkpoint_step"] == best
    assert metrics["validation_loss"]["et"] == losses[best]
    assert saved["config"]["training"]["scheduler"] == "cosine"
    assert not (out / "checkpoints").exists()
    AutoModelForCausalLM.from_pretrained(out / "model")  # a plain HF directory


def test_pretrain_refuses_to_clobber_or_silently_restart(tiny_model_dir, corpus, tmp_path, capsys):
    out = tmp_path / "out"
    (out / "model").mkdir(parents=True)
    args = ["train", "pretrain", "--model", str(tiny_model_dir), "--data", str(corpus),
            "--out", str(out), *FAST, "--max-steps", "1"]
    assert main(args) == 2
    assert "--overwrite" in capsys.readouterr().err
    (out / "model").rmdir()
    (out / "checkpoints" / "checkpoint-3").mkdir(parents=True)
    assert main(args) == 2
    assert "--resume" in capsys.readouterr().err


def test_bad_data_line_is_a_user_error(tiny_model_dir, tmp_path, capsys):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "ok"}\n{"txt": "no text field"}\n')
    code = main(["train", "pretrain", "--model", str(tiny_model_dir), "--data", str(bad),
                 "--out", str(tmp_path / "out")])
    assert code == 2
    assert f"{bad}:2:" in capsys.readouterr().err
    assert not (tmp_path / "out" / "model").exists()


def test_bad_training_option_names_the_flag(tiny_model_dir, corpus, tmp_path, capsys):
    code = main(["train", "pretrain", "--model", str(tiny_model_dir), "--data", str(corpus),
                 "--out", str(tmp_path / "out"), "--lr", "1e-4", "--lr-end", "1e-3"])
    assert code == 2
    assert "lr_end" in capsys.readouterr().err


def test_sft_command_mixes_sources_by_weight(tiny_model_dir, tmp_path, shared_data):
    inst = shared_data / "instructions"
    et = write_jsonl(tmp_path / "et.jsonl", seed_task_conversations(
        inst / "alpaca_est_seed_tasks.jsonl", 12))
    alpaca = write_jsonl(tmp_path / "en.jsonl", [
        {"instruction": c["messages"][0]["content"], "input": "", "output": c["messages"][1]["content"]}
        for c in seed_task_conversations(inst / "alpaca_seed_tasks.en.jsonl", 10)])
    out = tmp_path / "out"
    code = main(["train", "sft", "--model", str(tiny_model_dir), "--data", str(et), str(alpaca),
                 "--out", str(out), *FAST, "--block-size", "256", "--max-steps", "2",
                 "--mixture", "et=2", "en=0.5", "--chat-template", "alpaca"])
    assert code == 0
    metrics = json.loads((out / "train_metrics.json").read_text())["metrics"]
    assert metrics["conversations_per_source"] == {"et": 12, "en": 10}
    assert metrics["conversations"] == 2 * 12 + 5
    assert 0 < metrics["trained_tokens_per_epoch"] < metrics["real_tokens_per_epoch"]
    from transformers import AutoTokenizer

    assert "### Response:" in AutoTokenizer.from_pretrained(out / "model").chat_template


def test_accelerate_launch_two_cpu_processes(tiny_model_dir, corpus, tmp_path):
    """DDP over gloo: two ranks, one model written, twice the rows per step of one process.

    Uses the shipped ``recipes/accelerate/ddp-cpu.yaml``. (``--cpu --num_processes 2`` would
    start a single process: accelerate's multi-CPU path needs mpirun.)
    """
    config = Path(__file__).resolve().parents[2] / "recipes" / "accelerate" / "ddp-cpu.yaml"
    out = tmp_path / "ddp"
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false",
           "OMP_NUM_THREADS": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "accelerate.commands.launch", "--config_file", str(config),
         "-m", "langadapt", "train", "pretrain", "--model", str(tiny_model_dir),
         "--data", str(corpus), "--out", str(out), "--block-size", "32", "--batch-size", "2",
         "--max-steps", "3", "--lr", "1e-3", "--lr-end", "1e-4"],
        capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    metrics = json.loads((out / "train_metrics.json").read_text())["metrics"]
    assert metrics["world_size"] == 2 and metrics["steps"] == 3
    rows_seen = 3 * 2 * 2
    assert metrics["tokens_seen"] == int(rows_seen * metrics["real_tokens_per_epoch"] / metrics["rows"])
    assert (out / "model" / "model.safetensors").is_file()


@pytest.mark.parametrize("name,kind", [("deepspeed-zero2", "DEEPSPEED"), ("deepspeed-zero3", "DEEPSPEED"),
                                       ("fsdp", "FSDP"), ("ddp-cpu", "MULTI_GPU")])
def test_shipped_accelerate_configs_load(name, kind):
    from accelerate.commands.config.config_args import load_config_from_file

    path = Path(__file__).resolve().parents[2] / "recipes" / "accelerate" / f"{name}.yaml"
    config = load_config_from_file(str(path))
    assert config.distributed_type.name == kind
    if kind == "DEEPSPEED":
        assert config.deepspeed_config["zero_stage"] == int(name[-1])
