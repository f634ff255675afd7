"""Files saved on Windows (CRLF, a byte-order mark) read the same as clean ones, everywhere."""

from __future__ import annotations

import json

from testlib import DEMO_DATA, read_lines

from langadapt.cli import main

LINES = read_lines(DEMO_DATA / "et" / "ud_ewt.dev.txt", 400)


def _windows_file(path, lines):
    path.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(lines).encode("utf-8") + b"\r\n")
    return path


def test_tokenizer_trained_on_crlf_text_learns_no_carriage_returns(tmp_path):
    from transformers import AutoTokenizer

    text = _windows_file(tmp_path / "et.txt", LINES)
    assert main(["vocab", "train", "--input", str(text), "--vocab-size", "600", "--model-type", "bpe",
                 "--out", str(tmp_path / "tok")]) == 0
    vocab = AutoTokenizer.from_pretrained(tmp_path / "tok").get_vocab()
    assert not [piece for piece in vocab if "\r" in piece or "\ufeff" in piece]


def test_corpus_from_a_windows_file_keeps_no_bom_and_accepts_a_sentencepiece_tokenizer(tmp_path):
    text = _windows_file(tmp_path / "et.txt", LINES)
    assert main(["vocab", "train", "--input", str(text), "--vocab-size", "600", "--model-type", "bpe",
                 "--out", str(tmp_path / "tok")]) == 0
    # one language and no --mix: the whole corpus is that language; a .model file counts tokens
    assert main(["data", "corpus", "--source", f"{text}:et", "--tokenizer",
                 str(tmp_path / "tok" / "tokenizer.model"), "--out", str(tmp_path / "corpus"),
                 "--no-near-dedup"]) == 0
    from langadapt.data.corpus.documents import iter_corpus_documents

    docs = list(iter_corpus_documents(tmp_path / "corpus"))
    assert docs and not any(d["text"].startswith("\ufeff") or "\r" in d["text"] for d in docs)
    stats = json.loads((tmp_path / "corpus" / "stats.json").read_text())
    assert stats["target_mix"] == {"et": 1.0}

