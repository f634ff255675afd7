"""Safe loading: pickled checkpoints refused unless allowed, revisions parsed, vocab mismatch caught."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]
from langadapt.cli import main
from langadapt.errors import UserError
from langadapt.modeling import (
    LOADING,
    load_causal_lm,
    load_model_and_tokenizer,
    split_revision,
)

DEMO_MODEL = PROJECT_ROOT / "demo" / "base-model"


@pytest.fixture()
def pickled_model(tmp_path):
    import torch
    from transformers import AutoModelForCausalLM

    out = tmp_path / "pickled"
    model = AutoModelForCausalLM.from_pretrained(DEMO_MODEL)
    model.config.save_pretrained(out)
    torch.save(model.state_dict(), out / "pytorch_model.bin")  # an old-style pickled checkpoint
    for name in ("tokenizer.json", "tokenizer_config.json", "chat_template.jinja"):
        shutil.copy(DEMO_MODEL / name, out / name)
    assert (out / "pytorch_model.bin").is_file() and not (out / "model.safetensors").exists()
    return out


def test_pickled_checkpoint_is_refused_unless_allowed(pickled_model, monkeypatch):
    with pytest.raises(UserError, match="pickled .*--allow-pickle"):
        load_causal_lm(str(pickled_model))
    monkeypatch.setattr(LOADING, "allow_pickle", True)
    model = load_causal_lm(str(pickled_model))
    assert model.get_input_embeddings().weight.shape[0] == 4096


def test_allow_pickle_flag_works_anywhere_on_the_line(pickled_model, tmp_path, capsys):
    text = tmp_path / "et.txt"
    text.write_text("Tere hommikust, kuidas läheb?\n" * 8, encoding="utf-8")
    args = ["train", "pretrain", "--model", str(pickled_model), "--data", str(text), "--out",
            str(tmp_path / "out"), "--max-steps", "1", "--block-size", "16", "--batch-size", "2"]
    assert main(args) == 2
    assert "--allow-pickle" in capsys.readouterr().err
    assert main([*args, "--allow-pickle"]) == 0
    assert (tmp_path / "out" / "model" / "model.safetensors").is_file()  # written back safely
    assert LOADING.allow_pickle is True
    LOADING.allow_pickle = False


def test_revision_is_split_from_hub_ids_only(tmp_path):
    assert split_revision("meta-llama/Llama-2-7b-hf@01c7f73") == ("meta-llama/Llama-2-7b-hf", "01c7f73")
    assert split_revision("meta-llama/Llama-2-7b-hf") == ("meta-llama/Llama-2-7b-hf", None)
    local = tmp_path / "my@model"
    local.mkdir()
    assert split_revision(str(local)) == (str(local), None)


def test_tokenizer_larger_than_the_embeddings_is_refused(tmp_path):
    from transformers import AutoTokenizer

    model = tmp_path / "mismatch"
    shutil.copytree(DEMO_MODEL, model)
    tok = AutoTokenizer.from_pretrained(model)
    tok.add_tokens([f"uus{i}" for i in range(50)])
    tok.save_pretrained(model)
    with pytest.raises(UserError, match="embeddings have 4096 rows"):
        load_model_and_tokenizer(str(model))
