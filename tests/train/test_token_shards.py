"""Token shards: the tokenize step writes what in-memory packing would build, in parallel tasks,
resumable per task, tied to its tokenizer; pretraining streams rows from them."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest
from testlib import read_lines

from langadapt.data.tokens.pipeline import tokenize_corpus
from langadapt.data.tokens.shards import TokenShards, check_shards_match, token_dtype
from langadapt.errors import UserError
from langadapt.train.inputs import document_tokens
from langadapt.train.packing import pack_stream
from langadapt.train.streaming import TokenWindows


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, shared_data):
    """A corpus folder of 300 Estonian + 100 English documents (real shipped text)."""
    texts = read_lines(shared_data / "et" / "ud_ewt.dev.txt")[:300] + read_lines(
        shared_data / "en" / "ud_ewt.dev.txt")[:100]
    folder = tmp_path_factory.mktemp("corpus")
    (folder / "corpus.jsonl").write_text("".join(
        json.dumps({"text": t, "lang": "et" if i < 300 else "en"}, ensure_ascii=False) + "\n"
        for i, t in enumerate(texts)), encoding="utf-8")
    return folder, texts


@pytest.fixture(scope="module")
def tokenizer_dir(tmp_path_factory, tiny_tokenizer):
    out = tmp_path_factory.mktemp("tok")
    tiny_tokenizer.save_pretrained(out)
    return out


def _assert_same_rows(windows: TokenWindows, expected) -> None:
    assert len(windows) == len(expected)
    for i in range(len(expected)):
        ids, labels, positions = windows.row(i)
        assert np.array_equal(ids, expected.input_ids[i]), i
        assert np.array_equal(labels, expected.labels[i]), i
        assert np.array_equal(positions, expected.position_ids[i]), i


def test_streamed_rows_equal_in_memory_packing(corpus, tokenizer_dir, tiny_tokenizer, tmp_path):
    folder, texts = corpus
    stats = tokenize_corpus(folder, str(tokenizer_dir), tmp_path / "tokens")
    docs = document_tokens(tiny_tokenizer, texts)
    assert stats["documents"] == 400 and stats["documents_by_lang"] == {"en": 100, "et": 300}
    assert stats["tokens"] == sum(map(len, docs))
    assert stats["tokens_by_lang"]["et"] == sum(map(len, docs[:300]))
    assert stats["dtype"] == "<u2"  # 600 tokens fit 16 bits
    shards = TokenShards(tmp_path / "tokens")
    assert shards.total_tokens == stats["tokens"]
    windows = TokenWindows(shards, 64, tiny_tokenizer.pad_token_id or 0)
    expected = pack_stream(docs, 64, tiny_tokenizer.pad_token_id or 0)
    _assert_same_rows(windows, expected)
    assert windows.real_tokens == expected.real_tokens
    assert windows.utilization == pytest.approx(expected.utilization)
    sample = windows[3]
    assert set(sample) == {"input_ids", "labels", "position_ids"} and sample["input_ids"].shape == (64,)


def test_parallel_tasks_split_the_documents_and_resume_only_unfinished_ones(
        corpus, tokenizer_dir, tiny_tokenizer, tmp_path):
    folder, texts = corpus
    out = tmp_path / "tokens"
    stats = tokenize_corpus(folder, str(tokenizer_dir), out, tasks=3, workers=2)
    assert stats["shards"] == 3 and stats["documents"] == 400
    # one corpus file, three tasks: task r took every third document starting at r
    order = [texts[i] for r in range(3) for i in range(r, len(texts), 3)]
    pad = tiny_tokenizer.pad_token_id or 0
    _assert_same_rows(TokenWindows(TokenShards(out), 50, pad),
                      pack_stream(document_tokens(tiny_tokenizer, order), 50, pad))

    shard = out / "tokens"
    before = {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in shard.glob("*.ds")}
    # task 1 "killed": no stats file, no completion marker, a half-written partial
    (shard / "00001.ds.stats.json").unlink()
    (out / ".logs" / "completions" / "00001").unlink()
    (shard / "00001.ds").unlink()
    (shard / ".00001.ds.partial").write_bytes(b"\x01\x02")
    again = tokenize_corpus(folder, str(tokenizer_dir), out, tasks=3, workers=1)
    assert again == stats
    after = {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in shard.glob("*.ds")}
    assert after["00000.ds"] == before["00000.ds"] and after["00002.ds"] == before["00002.ds"]
    assert after["00001.ds"][1] == before["00001.ds"][1]  # redone, same tokens
    assert not list(shard.glob(".*partial"))


def test_shards_refuse_another_tokenizer(corpus, tokenizer_dir, tmp_path, shared_data):
    from langadapt.vocab.train import train_bytelevel_bpe

    folder, _ = corpus
    tokenize_corpus(folder, str(tokenizer_dir), tmp_path / "tokens")
    shards = TokenShards(tmp_path / "tokens")
    from langadapt.modeling import load_tokenizer

    check_shards_match(shards, load_tokenizer(str(tokenizer_dir)), "same")  # same files: fine
    other = train_bytelevel_bpe(read_lines(shared_data / "et" / "ud_ewt.dev.txt"), vocab_size=500)
    with pytest.raises(UserError, match="another tokenizer"):
        check_shards_match(shards, other, "pretrain")


def test_token_width_follows_the_vocabulary():
    assert token_dtype(32_000) == np.dtype("<u2") and token_dtype(65_536) == np.dtype("<u2")
    assert token_dtype(128_256) == np.dtype("<u4")  # Llama 3


def test_damaged_shard_is_named(corpus, tokenizer_dir, tmp_path):
    folder, _ = corpus
    tokenize_corpus(folder, str(tokenizer_dir), tmp_path / "tokens")
    path = tmp_path / "tokens" / "tokens" / "00000.ds"
    with open(path, "r+b") as handle:
        handle.truncate(os.path.getsize(path) - 2)
    with pytest.raises(UserError, match="00000.ds: its index does not match"):
        TokenShards(tmp_path / "tokens")


def test_empty_corpus_is_a_user_error(tokenizer_dir, tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "corpus.jsonl").write_text(json.dumps({"text": "", "lang": "et"}) + "\n")
    with pytest.raises(UserError, match="no document"):
        tokenize_corpus(folder, str(tokenizer_dir), tmp_path / "tokens")
    assert Path(tmp_path / "tokens" / "stats.json").exists() is False
