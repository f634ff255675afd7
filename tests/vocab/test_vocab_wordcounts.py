"""Word counts saved by `vocab train`, and `vocab adapt --mode extend --new DIR` learning merges
on them over the base segmentation (falling back to append, with a notice, without them)."""

from __future__ import annotations

import gzip
import json
import re
import shutil

import pytest

from langadapt.errors import UserError
from langadapt.text import nonblank_lines
from langadapt.vocab.adapt import adapt_vocabulary
from langadapt.vocab.fertility import count_tokens
from langadapt.vocab.load import BYTE_PIECE, load_tokenizer
from langadapt.vocab.merges import count_words, merges_on_base
from langadapt.vocab.wordcounts import WORD_COUNTS_FILE, read_word_counts


def _new_pieces(new_dir, base_tok) -> set[str]:
    new = load_tokenizer(new_dir)
    pieces = set(new.backend_tokenizer.get_vocab(with_added_tokens=False)) - set(new.all_special_tokens)
    return {p for p in pieces if not BYTE_PIECE.match(p)} - set(base_tok.get_vocab())


@pytest.fixture(scope="session")
def from_new(tmp_path_factory, llama2_file, sp_et_dir):
    """Llama 2 extended with only `--new` (the 800-piece Estonian tokenizer and its word counts)."""
    out = tmp_path_factory.mktemp("from-new") / "out"
    return out, adapt_vocabulary(llama2_file, sp_et_dir, "extend", out)


def test_train_saves_word_counts_of_its_text(sp_et_dir, et_corpus):
    counts = read_word_counts(sp_et_dir / WORD_COUNTS_FILE)
    lines = list(nonblank_lines(et_corpus))
    # Words are the text itself cut at spaces (SentencePiece adds one space before each line).
    assert sum(len(w) * c for w, c in counts.items()) == sum(len(x) + (not x.startswith(" ")) for x in lines)
    assert all(w.startswith(" ") and " " not in w.lstrip(" ") for w in counts)
    expected_ja = sum(len(re.findall(r"(?:^|(?<=[^ ]) )ja(?= |$)", line)) for line in lines)
    assert counts[" ja"] == expected_ja > 100
    with gzip.open(sp_et_dir / WORD_COUNTS_FILE, "rt", encoding="utf-8") as handle:
        first = [int(line.split("\t", 1)[0]) for _, line in zip(range(50), handle)]
    assert first == sorted(first, reverse=True)  # most frequent first


def test_bytelevel_train_saves_word_counts(tmp_path, et_corpus, llama2_tok):
    from langadapt.vocab.train import train_tokenizer

    out = train_tokenizer(et_corpus[:1], 400, "bytelevel", tmp_path / "bl")
    counts = read_word_counts(out / WORD_COUNTS_FILE)
    lines = list(nonblank_lines(et_corpus[:1]))
    assert sum(len(w) * c for w, c in counts.items()) == sum(len(x) for x in lines)
    assert counts[" ja"] > 100 and "Ġja" not in counts  # plain text, not the byte-level alphabet
    # Re-split by Llama 2 (another family), the words still spell the text: no `▁` is prefixed
    # to a word that continues one (`:` after `ütles`).
    llama_words = count_words(llama2_tok, counts.items(), parts_of_lines=True)
    assert sum(len(w) * c for w, c in llama_words.items()) == sum(len(x) for x in lines)
    assert llama_words["▁ja"] == counts[" ja"] and llama_words[":"] == counts[":"] > 10


def test_merges_from_word_counts_equal_merges_from_the_corpus(llama2_tok, sp_et_dir, et_corpus):
    saved = read_word_counts(sp_et_dir / WORD_COUNTS_FILE)
    from_counts = merges_on_base(llama2_tok, saved, 150)
    assert from_counts == merges_on_base(llama2_tok, et_corpus, 150)
    assert len({left + right for left, right in from_counts} - set(llama2_tok.get_vocab())) == 150


def test_extend_with_new_learns_merges_keeps_ids_and_english(real_llama2, from_new, appended, llama2_tok, llama2_file,
                                                            sp_et_dir, flores):
    out, stats = from_new
    ext = load_tokenizer(out)
    assert stats["strategy"] == "merges" and stats["merges_learned_on"] == f"{WORD_COUNTS_FILE} of --new"
    assert stats["new_pieces_only"] is False
    assert stats["tokens_added"] == len(_new_pieces(sp_et_dir, llama2_tok)) == len(ext) - len(llama2_tok)
    assert ext.convert_ids_to_tokens(list(range(len(llama2_tok)))) == llama2_tok.convert_ids_to_tokens(list(range(len(llama2_tok))))
    base_merges = json.loads(llama2_tok.backend_tokenizer.to_str())["model"]["merges"]
    ext_merges = json.loads((out / "tokenizer.json").read_text(encoding="utf-8"))["model"]["merges"]
    assert ext_merges[: len(base_merges)] == base_merges
    en_before, en_after = count_tokens(llama2_tok, flores["en"]), count_tokens(ext, flores["en"])
    assert en_after <= 1.005 * en_before
    # The same new tokenizer appended instead shortens Estonian less.
    appended_et = count_tokens(load_tokenizer(appended[0]), flores["et"])
    assert count_tokens(ext, flores["et"]) < appended_et < count_tokens(llama2_tok, flores["et"])


def test_new_pieces_only_adds_only_pieces_of_new(run_cli, tmp_path, llama2_file, llama2_tok, sp_et_dir, flores):
    code, out, err = run_cli(["vocab", "adapt", "--base", llama2_file, "--new", sp_et_dir, "--mode", "extend",
                              "--new-pieces-only", "--out", tmp_path / "out"])
    stats = json.loads(out)
    assert code == 0 and err == ""
    ext = load_tokenizer(tmp_path / "out")
    added = set(ext.convert_ids_to_tokens(list(range(len(llama2_tok), len(ext)))))
    assert stats["new_pieces_only"] is True and len(added) == stats["tokens_added"] > 50
    assert added <= _new_pieces(sp_et_dir, llama2_tok)
    assert count_tokens(ext, flores["et"]) < count_tokens(llama2_tok, flores["et"])
    assert count_tokens(ext, flores["en"]) <= 1.005 * count_tokens(llama2_tok, flores["en"])


def test_without_word_counts_extend_appends_with_a_notice(run_cli, tmp_path, llama2_file, sp_et_dir, appended):
    bare = tmp_path / "bare"
    shutil.copytree(sp_et_dir, bare, ignore=shutil.ignore_patterns(WORD_COUNTS_FILE))
    code, out, err = run_cli(["vocab", "adapt", "--base", llama2_file, "--new", bare, "--mode", "extend",
                              "--out", tmp_path / "ext"])
    assert code == 0 and json.loads(out)["strategy"] == "append"
    assert len(err.strip().splitlines()) == 1 and err.startswith("langadapt: note: ") and "append" in err
    assert (tmp_path / "ext" / "tokenizer.json").read_bytes() == (appended[0] / "tokenizer.json").read_bytes()


def test_bytelevel_base_learns_from_sentencepiece_word_counts(tmp_path, bytelevel_model_dir, tiny_tokenizer,
                                                              sp_et_dir, flores):
    # Saved words are plain text, so a base of another family re-splits them its own way.
    stats = adapt_vocabulary(bytelevel_model_dir, sp_et_dir, "extend", tmp_path / "out", new_tokens=100)
    ext = load_tokenizer(tmp_path / "out")
    old = len(tiny_tokenizer)
    assert stats["strategy"] == "merges" and stats["tokens_added"] == 100 and len(ext) == old + 100
    assert ext.convert_ids_to_tokens(list(range(old))) == tiny_tokenizer.convert_ids_to_tokens(list(range(old)))
    assert count_tokens(ext, flores["et"]) < count_tokens(tiny_tokenizer, flores["et"])


def test_word_count_errors(tmp_path, llama2_file, sp_et_dir):
    bare = tmp_path / "bare"
    shutil.copytree(sp_et_dir, bare, ignore=shutil.ignore_patterns(WORD_COUNTS_FILE))
    with pytest.raises(UserError, match=WORD_COUNTS_FILE):
        adapt_vocabulary(llama2_file, bare, "extend", tmp_path / "a", strategy="merges")
    with pytest.raises(UserError, match="needs --new"):
        adapt_vocabulary(llama2_file, None, "extend", tmp_path / "b", corpus=[llama2_file], new_tokens=5,
                         new_pieces_only=True)
    broken = tmp_path / "broken"
    shutil.copytree(bare, broken)
    with gzip.open(broken / WORD_COUNTS_FILE, "wt", encoding="utf-8") as handle:
        handle.write("12\t ja\nmany\t on\n")
    with pytest.raises(UserError, match=rf"{WORD_COUNTS_FILE}:2: "):
        adapt_vocabulary(llama2_file, broken, "extend", tmp_path / "c")
    (broken / WORD_COUNTS_FILE).write_text("not gzip", encoding="utf-8")
    with pytest.raises(UserError, match="unreadable word counts"):
        adapt_vocabulary(llama2_file, broken, "extend", tmp_path / "d")
    assert not [p for p in tmp_path.iterdir() if p.name not in ("bare", "broken")]
