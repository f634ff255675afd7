"""`propagate_embeddings` against synthetic families whose right answer is known exactly."""

from __future__ import annotations

import json

import pytest
import torch
from lep_helpers import CHAT_TEMPLATE, load_tensors
from transformers import AutoModelForCausalLM, AutoTokenizer

from langadapt.lep.propagate import propagate_embeddings

EMB, HEAD = "model.embed_tokens.weight", "lm_head.weight"


def rel(x, y) -> float:
    return ((x.double() - y.double()).norm() / y.double().norm()).item()


def ordinary_rows(model_dir) -> torch.Tensor:
    """A's ids that are neither special nor added tokens (those take I's rows)."""
    tok = AutoTokenizer.from_pretrained(model_dir)
    special = set(tok.all_special_ids) | set(tok.added_tokens_decoder)
    return torch.tensor([r for r in range(len(tok)) if r not in special])


def assert_body_is_instructs(p: dict, i: dict) -> None:
    body = [n for n in i if n not in (EMB, HEAD)]
    assert body and all(torch.equal(p[n], i[n]) for n in body)


@pytest.mark.parametrize("family", ["untied", "tied_family", "sp_family"])
def test_conversion_maps_adapted_rows_exactly(family, request, tmp_path):
    fam = request.getfixturevalue(family)
    manifest = propagate_embeddings(fam.base, fam.instruct, fam.adapted, tmp_path / "P")
    p, a, i = load_tensors(tmp_path / "P"), load_tensors(fam.adapted), load_tensors(fam.instruct)
    rows = ordinary_rows(fam.adapted)
    assert rel(p[EMB][rows], (a[EMB] @ fam.m1)[rows]) < 1e-4
    if fam.m2 is None:
        assert HEAD not in p and manifest["tied"] and list(manifest["residuals"]) == ["input_embeddings"]
    else:
        assert rel(p[HEAD][rows], (a[HEAD] @ fam.m2)[rows]) < 1e-4
    assert all(r < 1e-6 for r in manifest["residuals"].values())
    assert_body_is_instructs(p, i)
    tok_p, tok_a = AutoTokenizer.from_pretrained(tmp_path / "P"), AutoTokenizer.from_pretrained(fam.adapted)
    assert tok_p.get_vocab() == tok_a.get_vocab() and tok_p.chat_template == CHAT_TEMPLATE
    for sid in set(tok_p.all_special_ids):  # special tokens: I's rows
        assert torch.equal(p[EMB][sid], i[EMB][sid])
    config = json.loads((tmp_path / "P" / "config.json").read_text())
    assert config["vocab_size"] == p[EMB].shape[0] == len(tok_a)
    assert manifest["tokens"]["shared_with_base"] >= len(AutoTokenizer.from_pretrained(fam.base)) - 8
    assert manifest["tokens"]["decomposed"] == 120 and manifest["adapted_similarity_to_init"] > 0.9


def test_propagated_model_loads_and_runs(untied, tmp_path):
    propagate_embeddings(untied.base, untied.instruct, untied.adapted, tmp_path / "P")
    model = AutoModelForCausalLM.from_pretrained(tmp_path / "P")
    tok = AutoTokenizer.from_pretrained(tmp_path / "P")
    ids = tok("Tere hommikust, kuidas läheb?", return_tensors="pt").input_ids
    assert torch.isfinite(model(ids).logits).all()


def test_swap_keeps_adapted_rows(untied, tmp_path):
    manifest = propagate_embeddings(untied.base, untied.instruct, untied.adapted, tmp_path / "P", mode="swap")
    p, a = load_tensors(tmp_path / "P"), load_tensors(untied.adapted)
    rows = ordinary_rows(untied.adapted)
    assert torch.equal(p[EMB][rows], a[EMB][rows]) and torch.equal(p[HEAD][rows], a[HEAD][rows])
    assert manifest["residuals"]["input_embeddings"] > 0.1  # I's space is not B's


def test_overlap_recovers_the_map(sp_family, tmp_path):
    manifest = propagate_embeddings(sp_family.base, sp_family.instruct, sp_family.adapted, tmp_path / "P",
                                    mode="overlap")
    p, a = load_tensors(tmp_path / "P"), load_tensors(sp_family.adapted)
    rows = ordinary_rows(sp_family.adapted)
    assert rel(p[EMB][rows], (a[EMB] @ sp_family.m1)[rows]) < 1e-4
    assert rel(p[HEAD][rows], (a[HEAD] @ sp_family.m2)[rows]) < 1e-4
    assert manifest["residuals"]["lm_head"] < 1e-6


def test_adapted_equal_to_base_gives_the_instruct_model(untied, tmp_path):
    propagate_embeddings(untied.base, untied.instruct, untied.base, tmp_path / "P")
    p, i = load_tensors(tmp_path / "P"), load_tensors(untied.instruct)
    assert rel(p[EMB], i[EMB]) < 1e-5 and rel(p[HEAD], i[HEAD]) < 1e-5
    assert_body_is_instructs(p, i)


def test_instruct_chat_tokens_carried_over(chat_family, tmp_path):
    manifest = propagate_embeddings(chat_family.base, chat_family.instruct, chat_family.adapted, tmp_path / "P")
    p, i = load_tensors(tmp_path / "P"), load_tensors(chat_family.instruct)
    tok_p, tok_i = AutoTokenizer.from_pretrained(tmp_path / "P"), AutoTokenizer.from_pretrained(chat_family.instruct)
    tok_a = AutoTokenizer.from_pretrained(chat_family.adapted)
    assert manifest["tokens"]["instruct_extra_added"] == 2
    for offset, marker in enumerate(("<|im_start|>", "<|im_end|>")):
        p_id, i_id = tok_p.convert_tokens_to_ids(marker), tok_i.convert_tokens_to_ids(marker)
        assert p_id == len(tok_a) + offset
        assert torch.equal(p[EMB][p_id], i[EMB][i_id]) and torch.equal(p[HEAD][p_id], i[HEAD][i_id])
    end = tok_p.convert_tokens_to_ids("<|im_end|>")
    assert tok_p.eos_token == "<|im_end|>" and tok_p.eos_token_id == end
    assert json.loads((tmp_path / "P" / "config.json").read_text())["eos_token_id"] == end
    assert json.loads((tmp_path / "P" / "generation_config.json").read_text())["eos_token_id"] == end
    chat = [{"role": "user", "content": "Tere!"}, {"role": "assistant", "content": "Tere, kuidas saan aidata?"}]
    text = tok_p.apply_chat_template(chat, tokenize=False)
    assert text == tok_i.apply_chat_template(chat, tokenize=False)
    assert tok_p(text, add_special_tokens=False).input_ids[0] == tok_p.convert_tokens_to_ids("<|im_start|>")
    assert AutoModelForCausalLM.from_pretrained(tmp_path / "P").config.vocab_size == len(tok_p)


def test_sharded_input_and_output(untied, tmp_path):
    sharded = tmp_path / "I-sharded"
    AutoModelForCausalLM.from_pretrained(untied.instruct).save_pretrained(sharded, max_shard_size="200KB")
    AutoTokenizer.from_pretrained(untied.instruct).save_pretrained(sharded)
    assert (sharded / "model.safetensors.index.json").is_file()
    manifest = propagate_embeddings(untied.base, sharded, untied.adapted, tmp_path / "P",
                                    max_shard_bytes=300_000)
    propagate_embeddings(untied.base, untied.instruct, untied.adapted, tmp_path / "P1")
    index = json.loads((tmp_path / "P" / "model.safetensors.index.json").read_text())
    assert manifest["shards"] > 1 and len(set(index["weight_map"].values())) == manifest["shards"]
    one, many = load_tensors(tmp_path / "P1"), load_tensors(tmp_path / "P")
    assert one.keys() == many.keys()
    assert all(torch.equal(one[n], many[n]) for n in one if n not in (EMB, HEAD))
    for name in (EMB, HEAD):  # the fits see differently aligned copies: last-bit differences
        torch.testing.assert_close(one[name], many[name], rtol=1e-6, atol=1e-7)
    model = AutoModelForCausalLM.from_pretrained(tmp_path / "P")
    assert torch.equal(model.lm_head.weight, many[HEAD])


def test_dtype_bfloat16(tied_family, tmp_path):
    propagate_embeddings(tied_family.base, tied_family.instruct, tied_family.adapted, tmp_path / "P",
                         dtype="bfloat16")
    p = load_tensors(tmp_path / "P")
    assert {t.dtype for t in p.values()} == {torch.bfloat16}
    assert json.loads((tmp_path / "P" / "config.json").read_text())["dtype"] == "bfloat16"
