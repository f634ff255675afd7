"""A run killed with SIGKILL and resumed ends with the weights of an uninterrupted run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from train_helpers import save_tiny_model

from langadapt.data.tokens.pipeline import tokenize_corpus

# Trains 10 steps (about 1.7 epochs, so the resume crosses an epoch boundary) with dropout on,
# so RNG state matters; optionally SIGKILLs itself in the middle of step 7, after checkpoint 4.
SCRIPT = """
import json, os, signal, sys
from pathlib import Path
from transformers import TrainerCallback
from langadapt.modeling import load_model_and_tokenizer
from langadapt.train.engine import TrainingConfig, train_on_rows
from langadapt.data.tokens.shards import TokenShards
from langadapt.train.inputs import document_rows, pad_id, read_texts
from langadapt.train.streaming import TokenWindows

model_dir, data, work, kill_at = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4])

class KillAt(TrainerCallback):
    def on_step_begin(self, args, state, control, **kwargs):
        if state.global_step == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)

model, tok = load_model_and_tokenizer(model_dir)
rows = (TokenWindows(TokenShards(data), 32, pad_id(tok)) if data.is_dir()  # streamed from shards
        else document_rows(tok, read_texts(data), 32))
cfg = TrainingConfig(block_size=32, batch_size=4, grad_accum=2, max_steps=10, lr=5e-3,
                     lr_end=5e-4, warmup_ratio=0.1, weight_decay=0.01, save_steps=4,
                     logging_steps=1)
metrics = train_on_rows(model, tok, rows, cfg, work, seed=11,
                        callbacks=[KillAt()] if kill_at >= 0 else [])
print(json.dumps({"rows": len(rows), "resumed_from": metrics["resumed_from"],
                  "steps": metrics["steps"]}))
"""


def _launch(script: Path, model: Path, text: Path, work: Path, kill_at: int) -> subprocess.Popen:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    return subprocess.Popen([sys.executable, str(script), str(model), str(text), str(work),
                             str(kill_at)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env)


def _weights(model_dir: Path) -> dict:
    from safetensors.torch import load_file

    return load_file(str(model_dir / "model.safetensors"))


# three interpreter start-ups with torch + transformers: about a minute each. The streamed path
# (pretraining's: rows read from token shards) runs in the default suite; the in-memory one (SFT
# rows, small pretraining files) resumes through the same Trainer machinery and runs as slow.
@pytest.mark.parametrize("path", ["streamed", pytest.param("in_memory", marks=pytest.mark.slow)])
def test_sigkill_then_resume_matches_uninterrupted_run(tiny_tokenizer, tmp_path, shared_data,
                                                       path):
    model = save_tiny_model(tiny_tokenizer, tmp_path / "tiny", attention_dropout=0.2)
    script = tmp_path / "train.py"
    script.write_text(SCRIPT)
    lines = (shared_data / "et" / "ud_ewt.dev.txt").read_text(encoding="utf-8").splitlines()[:30]
    text = tmp_path / "et.txt"
    text.write_text("\n".join(lines), encoding="utf-8")
    if path == "streamed":
        corpus = tmp_path / "corpus"
        corpus.mkdir()
        (corpus / "corpus.jsonl").write_text("".join(
            json.dumps({"text": line, "lang": "et"}) + "\n" for line in lines), encoding="utf-8")
        tokenize_corpus(corpus, str(model), tmp_path / "tokens")
        text = tmp_path / "tokens"
    reference = _launch(script, model, text, tmp_path / "reference", kill_at=-1)
    killed = _launch(script, model, text, tmp_path / "run", kill_at=6)
    ref_out, ref_err = reference.communicate(timeout=300)
    killed.communicate(timeout=300)
    assert reference.returncode == 0, ref_err[-2000:]
    ref = json.loads(ref_out.strip().splitlines()[-1])
    assert ref["rows"] < 10 * 8 < 2 * ref["rows"]  # 10 steps of 8 rows: between 1 and 2 epochs
    assert killed.returncode == -signal.SIGKILL
    assert not (tmp_path / "run" / "model").exists()
    assert sorted(p.name for p in (tmp_path / "run" / "checkpoints").iterdir()) == ["checkpoint-4"]

    resumed = _launch(script, model, text, tmp_path / "run", kill_at=-1)
    out, err = resumed.communicate(timeout=300)
    assert resumed.returncode == 0, err[-2000:]
    summary = json.loads(out.strip().splitlines()[-1])
    assert summary == {"rows": ref["rows"], "resumed_from": "checkpoint-4", "steps": 10}

    expected, got = _weights(tmp_path / "reference" / "model"), _weights(tmp_path / "run" / "model")
    assert expected.keys() == got.keys()
    start = _weights(model)
    for key in expected:
        assert not torch.equal(expected[key], start[key])  # training did move the weights
        torch.testing.assert_close(got[key], expected[key], atol=1e-6, rtol=1e-5)
