"""SIGKILL at a random point of every stage type, then rerun: the run completes, its artefacts
equal an uninterrupted run's, and no stage folder ever looks done without all its files.

One small recipe holds one stage of each type. A reference run goes uninterrupted (in process);
a second run folder is attacked: `langadapt run` is started in a subprocess, killed with SIGKILL
a random (seeded) moment after each stage's partial folder appears, and restarted, stage after
stage. Deterministic artefacts must be byte-identical to the reference; trained weights equal
within float tolerance (a training stage resumes from its last checkpoint).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

DEMO = Path(__file__).resolve().parents[2] / "demo"
RECIPE = f"""\
name: crash
seed: 7
base_model: {DEMO / "base-model"}
stages:
  corpus:
    type: corpus
    sources:
      - {{path: {DEMO / "data/et/ud_ewt.dev.txt"}, lang: et}}
      - {{path: {DEMO / "data/en/ud_ewt.dev.txt"}, lang: en}}
    token_budget: 20000
  vocab:
    type: vocab
    corpus: corpus
    new_tokens: 60
  bitext:
    type: bitext
    sources: [{{src: {DEMO / "data/bitext/tatoeba.en"}, tgt: {DEMO / "data/bitext/tatoeba.et"}}}]
  translation_tasks:
    type: translation_tasks
    data: bitext
    n: 80
  instructions:
    type: instructions
    sources:
      - {{path: {DEMO / "data/instructions/alpaca_est_seed_tasks.jsonl"}, format: self_instruct, lang: et}}
  pretrain:
    type: pretrain
    model: vocab
    data: corpus
    training: {{block_size: 64, batch_size: 4, max_steps: 12, save_steps: 3, lr: 1.0e-3, lr_end: 1.0e-4}}
  sft:
    type: sft
    model: pretrain
    data: [instructions, translation_tasks]
    training: {{block_size: 128, batch_size: 4, max_steps: 8, save_steps: 2, lr: 1.0e-3, lr_end: 1.0e-4}}
  evaluate:
    type: evaluate
    models: [base, sft]
    perplexity: {{et: {DEMO / "data/et/ud_ewt.test.txt"}}}
    max_lines: 30
"""
STAGES = ["corpus", "vocab", "bitext", "translation_tasks", "instructions", "pretrain", "sft", "evaluate"]
# What a finished stage folder must hold (besides manifest.json).
EXPECTED = {
    "corpus": ["stats.json"], "vocab": ["model/model.safetensors", "model/tokenizer.json"],
    "bitext": ["pairs.jsonl", "pairs.stats.json"], "translation_tasks": ["conversations.jsonl"],
    "instructions": ["conversations.jsonl"], "pretrain": ["model/model.safetensors"],
    "sft": ["model/model.safetensors"], "evaluate": ["results.json", "report.md"],
}


def _without_volatile(value, run: Path):
    """A stats value minus what legitimately differs between two runs: timings and own paths."""
    if isinstance(value, dict):
        return {k: _without_volatile(v, run) for k, v in value.items()
                if k not in ("seconds", "pairs_per_s", "docs_per_s")}
    if isinstance(value, list):
        return [_without_volatile(v, run) for v in value]
    return value.replace(str(run), "RUN") if isinstance(value, str) else value


def _content_digest(path: Path, run: Path) -> str:
    if path.suffix == ".json":
        data = json.dumps(_without_volatile(json.loads(path.read_text(encoding="utf-8")), run),
                          sort_keys=True).encode()
    else:
        data = gzip.open(path).read() if path.suffix == ".gz" else path.read_bytes()
    return hashlib.sha256(data).hexdigest()


def _deterministic_files(run: Path) -> dict[str, str]:
    """Every data artefact (not weights, not logs, not timings) by content."""
    found = {}
    for stage in STAGES[:5]:
        for path in sorted((run / stage).rglob("*")):
            if path.is_file() and path.name != "manifest.json" and "safetensors" not in path.name:
                found[str(path.relative_to(run))] = _content_digest(path, run)
    return found


def _check_nothing_half_done(run: Path) -> None:
    for folder in run.iterdir():
        if folder.is_dir() and not folder.name.startswith("."):
            assert (folder / "manifest.json").is_file(), f"{folder.name} has no manifest"
            for name in EXPECTED[folder.name]:
                assert (folder / name).is_file(), f"{folder.name} is marked done without {name}"


def _launch(recipe: Path, out: Path) -> subprocess.Popen:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    return subprocess.Popen([sys.executable, "-m", "langadapt", "run", str(recipe), "--out", str(out)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)


def _kill_during(stage: str, recipe: Path, out: Path, rng: random.Random) -> bool:
    """Start a run, SIGKILL it a random moment after ``stage`` starts; False if it finished first."""
    proc = _launch(recipe, out)
    deadline = time.monotonic() + 300
    while not (out / f".{stage}.partial").exists() and not (out / stage).exists():
        if proc.poll() is not None:
            raise AssertionError(f"run ended before {stage} started: {proc.stderr.read()[-2000:]}")
        assert time.monotonic() < deadline, f"{stage} never started"
        time.sleep(0.02)
    time.sleep(rng.uniform(0.0, 1.5))
    if proc.poll() is not None:
        assert proc.returncode == 0, proc.stderr.read()[-2000:]
        return False
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    return True


def _weights(model_dir: Path) -> dict:
    from safetensors.torch import load_file

    return load_file(str(model_dir / "model.safetensors"))


def test_sigkill_in_every_stage_type_then_rerun_equals_uninterrupted(tmp_path):
    import torch

    from langadapt.recipe import load_recipe, run_recipe

    recipe = tmp_path / "crash.yaml"
    recipe.write_text(RECIPE, encoding="utf-8")
    run_recipe(load_recipe(recipe), tmp_path / "reference")

    attacked = tmp_path / "attacked"
    rng = random.Random(20261201)
    killed = []
    for stage in STAGES:
        if (attacked / stage / "manifest.json").is_file():
            continue  # finished in an earlier attempt before its kill landed
        if _kill_during(stage, recipe, attacked, rng):
            killed.append(stage)
        _check_nothing_half_done(attacked)
    final = _launch(recipe, attacked)
    _, err = final.communicate(timeout=600)
    assert final.returncode == 0, err[-2000:]
    assert len(killed) >= 4, f"too few kills landed inside a stage: {killed}"

    _check_nothing_half_done(attacked)
    assert not [p.name for p in attacked.iterdir() if p.name.endswith(".partial")]
    reference, result = _deterministic_files(tmp_path / "reference"), _deterministic_files(attacked)
    assert result == reference
    for stage in ("vocab", "pretrain", "sft"):
        ref, got = _weights(tmp_path / "reference" / stage / "model"), _weights(attacked / stage / "model")
        assert ref.keys() == got.keys()
        for name in ref:
            assert torch.allclose(ref[name], got[name], atol=1e-5), f"{stage}: {name} differs"
    ref_eval = json.loads((tmp_path / "reference" / "evaluate" / "results.json").read_text())
    got_eval = json.loads((attacked / "evaluate" / "results.json").read_text())
    for model in ("base", "sft"):
        assert got_eval["models"][model]["perplexity"]["et"] == pytest.approx(
            ref_eval["models"][model]["perplexity"]["et"], rel=1e-4)
