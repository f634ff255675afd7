"""vocab adapt --mode replace | optimize, with the model's embeddings rebuilt."""

from __future__ import annotations

import json

import pytest
import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

from langadapt.errors import UserError
from langadapt.vocab.adapt import adapt_vocabulary
from langadapt.vocab.load import load_tokenizer


def test_replace_uses_new_tokenizer_and_maps_specials(real_llama2, replaced, llama2_model_dir, sp_et_dir, sample_lines):
    out, stats = replaced
    new, final = load_tokenizer(sp_et_dir), AutoTokenizer.from_pretrained(out)
    assert len(final) == len(new) == stats["vocab_size"] == 800
    assert [final(x).input_ids for x in sample_lines[:300]] == [new(x).input_ids for x in sample_lines[:300]]
    old_model = AutoModelForCausalLM.from_pretrained(llama2_model_dir)
    model = AutoModelForCausalLM.from_pretrained(out)
    old_in, new_in = old_model.get_input_embeddings().weight, model.get_input_embeddings().weight
    old_out, new_out = old_model.get_output_embeddings().weight, model.get_output_embeddings().weight
    assert new_in.shape[0] == new_out.shape[0] == 800
    assert model.config.bos_token_id == final.bos_token_id == 1 and model.config.eos_token_id == 2
    base = load_tokenizer(llama2_model_dir)
    for role in ("bos", "eos", "unk"):
        new_id, old_id = getattr(final, f"{role}_token_id"), getattr(base, f"{role}_token_id")
        assert torch.equal(new_in[new_id], old_in[old_id]) and torch.equal(new_out[new_id], old_out[old_id])
    # A piece both vocabularies hold keeps its row; one Llama 2 lacks is the mean of its spelling.
    shared = "▁ja"
    assert torch.equal(new_in[final.convert_tokens_to_ids(shared)], old_in[base.convert_tokens_to_ids(shared)])
    role = final.convert_tokens_to_ids("<|user|>")
    spelled = base.convert_tokens_to_ids(["<", "|", "user", "|", ">"])
    assert torch.allclose(new_in[role], old_in[spelled].mean(0), atol=1e-6)


def test_replace_across_families_spells_with_old_pieces(tmp_path, llama2_model_dir, tiny_tokenizer):
    """A byte-level tokenizer replacing Llama 2's: 'Ġthe' takes the row of '▁the'."""
    tiny_dir = tmp_path / "tiny-tok"
    tiny_tokenizer.save_pretrained(tiny_dir)
    adapt_vocabulary(llama2_model_dir, tiny_dir, "replace", tmp_path / "out", model=llama2_model_dir)
    old = AutoModelForCausalLM.from_pretrained(llama2_model_dir).get_input_embeddings().weight
    new = AutoModelForCausalLM.from_pretrained(tmp_path / "out").get_input_embeddings().weight
    base = load_tokenizer(llama2_model_dir)
    assert new.shape[0] == len(tiny_tokenizer)
    assert torch.equal(new[tiny_tokenizer.convert_tokens_to_ids("Ġthe")], old[base.convert_tokens_to_ids("▁the")])


def test_optimize_shrinks_then_extends(real_llama2, optimized, llama2_model_dir):
    out, stats = optimized
    final = AutoTokenizer.from_pretrained(out)
    base = load_tokenizer(llama2_model_dir)
    assert stats["tokens_kept"] == 3000 and stats["tokens_added"] == 300 and len(final) == 3300
    vocab = final.backend_tokenizer.get_vocab(with_added_tokens=False)
    assert all(f"<0x{b:02X}>" in vocab for b in range(256))
    data = json.loads((out / "tokenizer.json").read_text(encoding="utf-8"))
    assert all(left in vocab and right in vocab and left + right in vocab for left, right in data["model"]["merges"])
    old_in = AutoModelForCausalLM.from_pretrained(llama2_model_dir).get_input_embeddings().weight
    new_in = AutoModelForCausalLM.from_pretrained(out).get_input_embeddings().weight
    base_vocab = base.get_vocab()
    kept = [(i, p) for p, i in vocab.items() if i < 3000]
    assert all(p in base_vocab for _, p in kept)
    rows = torch.tensor([i for i, _ in kept])
    assert torch.equal(new_in[rows], old_in[torch.tensor([base_vocab[p] for _, p in kept])])


def test_optimize_errors(tmp_path, llama2_file, et_corpus):
    with pytest.raises(UserError, match="--keep 100 must lie between"):
        adapt_vocabulary(llama2_file, None, "optimize", tmp_path / "out", corpus=et_corpus, keep=100)
    with pytest.raises(UserError, match="needs --corpus"):
        adapt_vocabulary(llama2_file, None, "optimize", tmp_path / "out", keep=3000)
    assert not (tmp_path / "out").exists()
