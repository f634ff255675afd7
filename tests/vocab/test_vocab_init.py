"""Embeddings after adaptation: mean of old sub-token rows, logits kept, tied stays tied."""

from __future__ import annotations

import json

import pytest
import sentencepiece as spm
import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

from langadapt.errors import UserError
from langadapt.vocab.adapt import adapt_vocabulary


def _load(path):
    return AutoModelForCausalLM.from_pretrained(path).eval(), AutoTokenizer.from_pretrained(path)


def _unchanged_logits(old_model, old_tok, new_model, new_tok, lines):
    """Max logit difference over lines whose token ids did not change; and how many such lines."""
    worst, same = 0.0, 0
    for line in lines:
        old_ids, new_ids = old_tok(line, return_tensors="pt").input_ids, new_tok(line, return_tensors="pt").input_ids
        if old_ids.shape != new_ids.shape or not torch.equal(old_ids, new_ids):
            continue
        same += 1
        with torch.no_grad():
            old_logits, new_logits = old_model(old_ids).logits, new_model(new_ids).logits
        assert new_logits.shape[-1] == len(new_tok)
        worst = max(worst, (old_logits - new_logits[..., : old_logits.shape[-1]]).abs().max().item())
    return worst, same


def test_sentencepiece_mean_init_untied(llama2_extended, llama2_model_dir, llama2_file, flores):
    out, stats = llama2_extended
    old_model, old_tok = _load(llama2_model_dir)
    new_model, new_tok = _load(out)
    assert stats["model"]["tied"] is False and new_model.config.tie_word_embeddings is False
    old_in, old_out = old_model.get_input_embeddings().weight, old_model.get_output_embeddings().weight
    new_in, new_out = new_model.get_input_embeddings().weight, new_model.get_output_embeddings().weight
    old_size = len(old_tok)
    assert new_in.shape[0] == new_out.shape[0] == len(new_tok) == old_size + 400
    assert torch.equal(new_in[:old_size], old_in) and torch.equal(new_out[:old_size], old_out)
    sp = spm.SentencePieceProcessor(model_file=str(llama2_file))
    checked = 0
    for token_id in range(old_size, len(new_tok)):
        piece = new_tok.convert_ids_to_tokens(token_id)
        if not piece.startswith("▁") or len(piece) < 3:
            continue
        # SentencePiece's own spelling of the word (its dummy prefix supplies the one "▁"),
        # not the spelling of " word" (which would start with an extra "▁" piece).
        parts = sp.encode(piece[1:])
        assert len(parts) >= 2 and parts != sp.encode(" " + piece[1:])
        assert torch.allclose(new_in[token_id], old_in[parts].mean(0), atol=1e-6)
        assert torch.allclose(new_out[token_id], old_out[parts].mean(0), atol=1e-6)
        checked += 1
    assert checked > 100
    worst, same = _unchanged_logits(old_model, old_tok, new_model, new_tok, flores["en"][:40])
    assert same >= 10 and worst < 1e-5


def test_bytelevel_mean_init_tied(bytelevel_extended, bytelevel_model_dir, flores):
    out, stats = bytelevel_extended
    old_model, old_tok = _load(bytelevel_model_dir)
    new_model, new_tok = _load(out)
    assert stats["model"]["tied"] is True and new_model.config.tie_word_embeddings is True
    new_in = new_model.get_input_embeddings().weight
    assert new_model.get_output_embeddings().weight.data_ptr() == new_in.data_ptr()
    old_in = old_model.get_input_embeddings().weight
    checked = 0
    for token_id in range(len(old_tok), len(new_tok)):
        text = new_tok.convert_tokens_to_string([new_tok.convert_ids_to_tokens(token_id)])
        if "\ufffd" in text:  # part of a multi-byte character: no text to re-encode
            continue
        parts = old_tok(text, add_special_tokens=False).input_ids
        assert torch.allclose(new_in[token_id], old_in[parts].mean(0), atol=1e-6)
        checked += 1
    assert checked > 200
    worst, same = _unchanged_logits(old_model, old_tok, new_model, new_tok, flores["en"][:60])
    assert same >= 5 and worst < 1e-5


def test_random_init_is_the_labelled_alternative(tmp_path, bytelevel_model_dir, et_corpus):
    stats = adapt_vocabulary(bytelevel_model_dir, None, "extend", tmp_path / "out", model=bytelevel_model_dir,
                             corpus=et_corpus, new_tokens=50, init="random")
    assert stats["model"]["init"] == "random"
    old_model, old_tok = _load(bytelevel_model_dir)
    new_model, new_tok = _load(tmp_path / "out")
    old_in, new_in = old_model.get_input_embeddings().weight, new_model.get_input_embeddings().weight
    assert torch.equal(new_in[: len(old_tok)], old_in)
    rows = new_in[len(old_tok):]
    parts = old_tok(new_tok.convert_tokens_to_string([new_tok.convert_ids_to_tokens(len(old_tok))]),
                    add_special_tokens=False).input_ids
    assert not torch.allclose(rows[0], old_in[parts].mean(0), atol=1e-3)
    assert rows.std(0).mean().item() == pytest.approx(old_in.std(0).mean().item(), rel=0.5)
    saved = json.loads((tmp_path / "out" / "vocab_adaptation.json").read_text())
    assert saved["model"]["rows_initialised"] == 50


def test_model_of_another_family_is_an_error(tmp_path, llama2_file, bytelevel_model_dir, et_corpus):
    with pytest.raises(UserError, match="another model family"):
        adapt_vocabulary(llama2_file, None, "extend", tmp_path / "out", model=bytelevel_model_dir,
                         corpus=et_corpus, new_tokens=10)
    assert not (tmp_path / "out").exists()
