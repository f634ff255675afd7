"""One choice of inference device and dtype: CPU here, a forced device that is missing refused in
one line, ``--device`` accepted anywhere on the command line."""

from __future__ import annotations

import subprocess
import sys

import pytest
import torch

from langadapt.cli import take_device_option
from langadapt.devices import DEVICE, inference_dtype, pick_device, training_attention
from langadapt.errors import UserError


def test_best_available_here_is_the_cpu_in_float32():
    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU; scripts/gpu_check.sh covers that path")
    device = pick_device()
    assert device.type == "cpu" and inference_dtype(device) == torch.float32
    assert training_attention() == "sdpa"


def test_forced_devices(monkeypatch):
    assert pick_device("cpu").type == "cpu"
    if not torch.cuda.is_available():
        with pytest.raises(UserError, match="--device cuda: this machine has no CUDA GPU"):
            pick_device("cuda")
    with pytest.raises(UserError, match="not a device name"):
        pick_device("gpu0")
    monkeypatch.setattr(DEVICE, "requested", "cpu")
    assert pick_device().type == "cpu"
    monkeypatch.setattr(DEVICE, "requested", None)
    monkeypatch.setenv("LANGADAPT_DEVICE", "cpu")
    assert pick_device().type == "cpu"


def test_device_option_is_taken_from_anywhere_on_the_line():
    assert take_device_option(["eval", "M", "--device", "cpu", "--tasks", "T"]) == (
        ["eval", "M", "--tasks", "T"], "cpu")
    assert take_device_option(["--device=cuda:1", "chat", "M"]) == (["chat", "M"], "cuda:1")
    assert take_device_option(["serve", "M"]) == (["serve", "M"], None)


def test_loaded_model_is_on_the_chosen_device(tiny_model_dir):
    from langadapt.devices import model_device
    from langadapt.modeling import load_model_and_tokenizer

    model, _ = load_model_and_tokenizer(str(tiny_model_dir), device="cpu")
    assert model_device(model).type == "cpu" and model.dtype == torch.float32


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")
def test_missing_device_on_the_command_line_is_one_line(tiny_model_dir, tmp_path):
    (tmp_path / "et.txt").write_text("Tere hommikust.\n")
    tasks = tmp_path / "tasks.yaml"
    tasks.write_text("- {name: ppl, type: perplexity, text: et.txt}\n")
    done = subprocess.run([sys.executable, "-m", "langadapt", "eval", "--model",
                           str(tiny_model_dir), "--tasks", str(tasks), "--out",
                           str(tmp_path / "out"), "--device", "cuda"],
                          capture_output=True, text=True)
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().count("\n") == 0 and "no CUDA GPU" in done.stderr
    assert not (tmp_path / "out").exists()
