"""The shipped demo recipe end to end: reduced sizes in the default suite, full size as slow."""

from __future__ import annotations

import json

import pytest

from langadapt.cli import main
from langadapt.shipped import shipped

REDUCED = [
    "stages.corpus.token_budget=6000",
    "stages.pretrain.training.max_steps=3",
    "stages.pretrain.training.block_size=128",
    "stages.pretrain.training.batch_size=4",
    "stages.vocab.new_tokens=50",
    "stages.vocab_pretrain.training.max_steps=2",
    "stages.vocab_pretrain.training.block_size=128",
    "stages.vocab_pretrain.training.batch_size=4",
    "stages.translation_tasks.n=20",
    "stages.instructions.sources.0.limit=20",
    "stages.sft.training.max_steps=2",
    "stages.sft.training.batch_size=2",
    "stages.instructions_en.sources.0.limit=10",
    "stages.instruct.training.max_steps=2",
    "stages.instruct.training.batch_size=2",
    "stages.lep_calibrate.copy_examples=8",
    "stages.lep_calibrate.max_new_tokens=8",
    "stages.lep_calibrate.training.max_steps=2",
    "stages.evaluate.max_lines=40",
    "stages.evaluate.chat.et.limit=3",
    "stages.evaluate.chat.et.max_new_tokens=6",
    "stages.evaluate.tasks.0.limit=6",
    *[f"stages.evaluate.tasks.{i}.{key}" for i in (1, 2, 3) for key in ("limit=3",
                                                                       "max_new_tokens=6")],
]


def _overrides(items):
    return [arg for item in items for arg in ("--set", item)]


def test_demo_recipe_runs_end_to_end_reduced(tmp_path, capsys):
    out = tmp_path / "demo"
    assert main(["demo", "--out", str(out), *_overrides(REDUCED)]) == 0
    results = json.loads((out / "evaluate" / "results.json").read_text())
    models = results["models"]
    assert set(models) == {"base", "pretrain", "sft", "vocab", "vocab_pretrain", "instruct", "lep",
                           "lep_calibrate"}
    for entry in models.values():
        assert set(entry["perplexity"]) == {"et", "en"}
        assert all(v > 1 for v in entry["perplexity"].values())
    # Even three steps on Estonian move the Estonian perplexity; the base model never saw any.
    assert models["pretrain"]["perplexity"]["et"] != models["base"]["perplexity"]["et"]
    assert "| base |" in capsys.readouterr().out
    # The extended vocabulary needs fewer tokens per Estonian word than the base's.
    assert models["vocab"]["tokens_per_word"]["et"] < models["base"]["tokens_per_word"]["et"]
    # LEP: the propagated instruct model reads Estonian with the extended vocabulary
    assert models["lep"]["tokens_per_word"]["et"] == models["vocab"]["tokens_per_word"]["et"]
    assert models["lep"]["tokens_per_word"]["et"] < models["instruct"]["tokens_per_word"]["et"]
    assert all(m["chat"]["et"]["prompts"] == 3 and 0 <= m["chat"]["et"]["eos_rate"] <= 1
               for m in models.values())
    lep = json.loads((out / "lep" / "manifest.json").read_text())["metrics"]
    assert lep["mode"] == "conversion" and 0 <= lep["residual_input_embeddings"] < 1
    sft_data = json.loads((out / "sft" / "manifest.json").read_text())["metrics"]
    self_instruct = json.loads((out / "self_instruct" / "stats.json").read_text())
    assert sft_data["conversations"] == 20 + 20 + self_instruct["conversations"]
    from transformers import AutoTokenizer

    sft_tokenizer = AutoTokenizer.from_pretrained(out / "sft" / "model")
    assert "<|assistant|>" in sft_tokenizer.chat_template
    report = (out / "evaluate" / "report.md").read_text()
    assert report.count("| sft |") == 3  # the task, perplexity and chat-turn tables
    assert "data:image/png;base64," in (out / "evaluate" / "report.html").read_text()


@pytest.mark.slow
def test_full_demo_lowers_estonian_perplexity_more_than_english_rises(tmp_path):
    out = tmp_path / "demo"
    assert main(["run", str(shipped("recipes/demo.yaml")), "--out", str(out)]) == 0
    models = json.loads((out / "evaluate" / "results.json").read_text())["models"]
    base, cpt = models["base"]["perplexity"], models["pretrain"]["perplexity"]
    assert cpt["et"] < 0.8 * base["et"]
    assert cpt["en"] / base["en"] < base["et"] / cpt["et"]
    # LEP: the extended vocabulary needs fewer tokens per Estonian word, and training only its
    # embeddings lowers Estonian bits per character below the mean-initialised start.
    ext, lep = models["vocab"], models["vocab_pretrain"]
    assert ext["tokens_per_word"]["et"] < 0.8 * models["base"]["tokens_per_word"]["et"]
    assert lep["bits_per_char"]["et"] < ext["bits_per_char"]["et"]
