"""vocab adapt --mode extend: old ids and merges kept, Estonian shorter, English unchanged."""

from __future__ import annotations

import json

import pytest

from langadapt.errors import UserError
from langadapt.vocab.adapt import adapt_vocabulary
from langadapt.vocab.fertility import count_tokens
from langadapt.vocab.load import load_tokenizer


def _merges(path):
    return json.loads((path / "tokenizer.json").read_text(encoding="utf-8"))["model"]["merges"]


def test_merges_extend_keeps_old_ids_and_merges(llama2_extended, llama2_tok, llama2_model_dir):
    out, stats = llama2_extended
    ext = load_tokenizer(out)
    assert stats["tokens_added"] == 400 and len(ext) == len(llama2_tok) + 400
    assert ext.convert_ids_to_tokens(list(range(len(llama2_tok)))) == llama2_tok.convert_ids_to_tokens(list(range(len(llama2_tok))))
    old_merges = _merges(llama2_model_dir)
    assert _merges(out)[: len(old_merges)] == old_merges
    new_pieces = ext.convert_ids_to_tokens(list(range(len(llama2_tok), len(ext))))
    old_vocab = llama2_tok.get_vocab()
    assert not any(p in old_vocab for p in new_pieces)
    assert not any(p[:-1].isdigit() and len(p) > 1 for p in new_pieces)  # Llama 2 splits digits


def test_merges_extend_shortens_estonian_not_english(llama2_extended, llama2_tok, flores):
    ext = load_tokenizer(llama2_extended[0])
    et_before, et_after = count_tokens(llama2_tok, flores["et"]), count_tokens(ext, flores["et"])
    en_before, en_after = count_tokens(llama2_tok, flores["en"]), count_tokens(ext, flores["en"])
    assert et_after < 0.95 * et_before
    assert en_after <= 1.005 * en_before


def test_bytelevel_extend(bytelevel_extended, tiny_tokenizer, flores):
    out, stats = bytelevel_extended
    ext = load_tokenizer(out)
    assert stats["family"] == "bytelevel-bpe" and len(ext) == len(tiny_tokenizer) + 300
    assert ext.convert_ids_to_tokens(list(range(len(tiny_tokenizer)))) == tiny_tokenizer.convert_ids_to_tokens(
        list(range(len(tiny_tokenizer))))
    assert count_tokens(ext, flores["et"]) < 0.95 * count_tokens(tiny_tokenizer, flores["et"])
    assert count_tokens(ext, flores["en"]) <= 1.005 * count_tokens(tiny_tokenizer, flores["en"])
    assert ext.all_special_tokens == tiny_tokenizer.all_special_tokens


def test_append_extend_from_trained_tokenizer(appended, llama2_tok, sp_et_dir, flores):
    out, stats = appended
    ext = load_tokenizer(out)
    new_pieces = set(load_tokenizer(sp_et_dir).backend_tokenizer.get_vocab(with_added_tokens=False))
    added = ext.convert_ids_to_tokens(list(range(len(llama2_tok), len(ext))))
    assert stats["strategy"] == "append" and stats["tokens_added"] == len(added) > 100
    assert set(added) <= new_pieces - set(llama2_tok.get_vocab())
    assert ext.convert_ids_to_tokens(list(range(len(llama2_tok)))) == llama2_tok.convert_ids_to_tokens(list(range(len(llama2_tok))))
    assert count_tokens(ext, flores["et"]) < count_tokens(llama2_tok, flores["et"])
    assert count_tokens(ext, flores["en"]) <= 1.005 * count_tokens(llama2_tok, flores["en"])


def test_extend_with_other_family_is_an_error(tmp_path, llama2_file, bytelevel_model_dir):
    with pytest.raises(UserError, match="same family"):
        adapt_vocabulary(llama2_file, bytelevel_model_dir, "extend", tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_extend_needs_a_source(tmp_path, llama2_file):
    with pytest.raises(UserError, match="needs --new"):
        adapt_vocabulary(llama2_file, None, "extend", tmp_path / "out")
