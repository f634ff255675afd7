"""The pretrain and sft recipe stages: new fields, sequential and combined SFT, manifests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from train_helpers import (
    save_tiny_model,
    seed_task_conversations,
    text_lines,
    write_jsonl,
)

from langadapt.recipe import load_recipe, run_recipe


def _recipe(tmp_path: Path, shared_data: Path, tiny_tokenizer, stages: dict) -> Path:
    save_tiny_model(tiny_tokenizer, tmp_path / "base")
    inst = shared_data / "instructions"
    write_jsonl(tmp_path / "mt.jsonl", seed_task_conversations(inst / "alpaca_est_seed_tasks.jsonl", 8))
    write_jsonl(tmp_path / "general.jsonl",
                seed_task_conversations(inst / "alpaca_seed_tasks.en.jsonl", 6))
    (tmp_path / "et_val.txt").write_text("\n".join(
        text_lines(shared_data / "et" / "ud_ewt.test.txt", 16)))
    recipe = {
        "name": "stages-test", "seed": 5, "base_model": "./base",
        "stages": {
            "corpus": {"type": "corpus", "sources": [
                {"path": str(shared_data / "et" / "ud_ewt.dev.txt"), "lang": "et"}],
                "mix": {"et": 1.0}, "token_budget": 3000, "language_id": False},
            "mt": {"type": "instructions", "sources": [
                {"path": "mt.jsonl", "format": "conversations", "lang": "et"}]},
            "general": {"type": "instructions", "sources": [
                {"path": "general.jsonl", "format": "conversations", "lang": "en"}]},
            **stages,
        },
    }
    path = tmp_path / "recipe.yaml"
    path.write_text(yaml.safe_dump(recipe, sort_keys=False))
    return path


TRAIN = {"block_size": 128, "batch_size": 2, "max_steps": 2, "lr": 1e-3, "lr_end": 1e-4,
         "save_steps": 1, "logging_steps": 1}


def test_embedding_pretrain_then_sequential_and_combined_sft(tmp_path, shared_data,
                                                             tiny_tokenizer):
    path = _recipe(tmp_path, shared_data, tiny_tokenizer, {
        "pretrain": {"type": "pretrain", "model": "base", "data": "corpus",
                     "validation": {"et": "et_val.txt"},
                     "training": {**TRAIN, "trainable": "embeddings", "embedding_lr": 2e-3}},
        "sft_mt": {"type": "sft", "model": "pretrain", "data": ["mt"], "training": TRAIN},
        "sft_general": {"type": "sft", "model": "sft_mt", "data": ["general"], "training": TRAIN},
        "sft_mix": {"type": "sft", "model": "pretrain", "data": ["mt", "general"],
                    "mixture": {"general": 2.0}, "chat_template": "alpaca", "training": TRAIN},
    })
    manifests = run_recipe(load_recipe(path), tmp_path / "run")
    pre = manifests["pretrain"]["metrics"]
    assert pre["trainable"] == "embeddings" and pre["trainable_parameters"] < pre["total_parameters"]
    assert set(pre["validation_loss"]) == {"et"} and len(pre["validation_history"]) == 2
    assert pre["best_checkpoint_step"] in (1, 2)
    assert pre["tokens_seen"] > 0 and pre["utilization"] > 0.9 and pre["train_wall_s"] > 0
    assert manifests["sft_general"]["inputs"]["sft_mt"]  # chained: reads the first SFT's model
    mix = manifests["sft_mix"]["metrics"]
    assert mix["conversations_per_source"] == {"mt": 8, "general": 6}
    assert mix["conversations"] == 8 + 2 * 6
    for name in ("pretrain", "sft_mt", "sft_general", "sft_mix"):
        stage_dir = tmp_path / "run" / name
        assert (stage_dir / "model" / "model.safetensors").is_file()
        assert not (stage_dir / "checkpoints").exists()
    config = json.loads((tmp_path / "run" / "sft_mix" / "model" / "tokenizer_config.json").read_text())
    assert "### Instruction" in (config.get("chat_template") or
                                 (tmp_path / "run" / "sft_mix" / "model" / "chat_template.jinja")
                                 .read_text())


def test_mixture_must_name_a_data_stage(tmp_path, shared_data, tiny_tokenizer):
    import pytest

    from langadapt.errors import UserError

    path = _recipe(tmp_path, shared_data, tiny_tokenizer, {
        "sft": {"type": "sft", "model": "base", "data": ["mt"], "mixture": {"genral": 2.0},
                "training": TRAIN}})
    with pytest.raises(UserError, match="genral"):
        run_recipe(load_recipe(path), tmp_path / "run")


def test_sft_validates_on_what_its_data_stages_held_out(tmp_path, shared_data, tiny_tokenizer):
    path = _recipe(tmp_path, shared_data, tiny_tokenizer, {
        "sft": {"type": "sft", "model": "base", "data": ["mt", "general"], "training": TRAIN},
    })
    data = yaml.safe_load(path.read_text())
    data["stages"]["mt"]["validation"] = 0.25  # 2 of the 8 conversations held out
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    manifests = run_recipe(load_recipe(path), tmp_path / "run")
    metrics = manifests["sft"]["metrics"]
    assert set(metrics["validation_loss"]) == {"mt"}  # general held nothing out
    assert metrics["conversations_per_source"] == {"mt": 6, "general": 6}
    assert len(metrics["validation_history"]) == 2  # evaluated at both checkpoints


def test_warmup_in_steps(tmp_path, shared_data, tiny_tokenizer):
    """LEP warms up for 100 steps, not a share of them: warmup_steps is honoured exactly."""
    from transformers import TrainerCallback

    from langadapt.modeling import load_model_and_tokenizer
    from langadapt.train.engine import TrainingConfig, train_on_rows
    from langadapt.train.inputs import document_rows

    rates = []

    class Rates(TrainerCallback):
        def on_log(self, args, state, control, logs=None, **kwargs):
            if logs and "learning_rate" in logs:
                rates.append(logs["learning_rate"])

    model, tok = load_model_and_tokenizer(str(save_tiny_model(tiny_tokenizer, tmp_path / "m")))
    rows = document_rows(tok, text_lines(shared_data / "et" / "ud_ewt.dev.txt", 40), 64)
    cfg = TrainingConfig(block_size=64, batch_size=2, max_steps=4, lr=1e-3, scheduler="constant",
                         warmup_steps=2, warmup_ratio=0.25, save_steps=100, logging_steps=1)
    train_on_rows(model, tok, rows, cfg, tmp_path / "work", callbacks=[Rates()])
    # the rate each step used: 2 warmup steps (0, then half), not the ratio's one
    assert rates == pytest.approx([0.0, 5e-4, 1e-3, 1e-3])
