"""Fixtures of the vocab tests: the real Llama 2 tokenizer, Estonian text, tiny models, and
adapted outputs built once per session (small vocabularies so the whole group runs fast)."""

from __future__ import annotations

from pathlib import Path

import pytest
from testlib import make_tiny_llama, require


def shipped_text_files(shared_data: Path) -> list[Path]:
    """Every shipped Estonian and English text file (monolingual and both bitext sides)."""
    return (sorted((shared_data / "et").glob("*.txt")) + sorted((shared_data / "en").glob("*.txt"))
            + sorted((shared_data / "bitext").glob("*.e[nt]")))


@pytest.fixture(scope="session")
def llama2_file(shared_data, tmp_path_factory) -> Path:
    """The real Llama 2 tokenizer (../shared/data only: its licence keeps it out of demo/), else a
    stand-in of the same kind: an English-only 8,000-piece SentencePiece BPE with byte fallback
    and split digits, trained on the shipped English text, so a bare clone runs the same tests."""
    real = shared_data / "tokenizers" / "llama2" / "tokenizer.model"
    if real.is_file():
        return real
    from langadapt.vocab.train import train_sentencepiece

    english = sorted((shared_data / "en").glob("*.txt"))
    return train_sentencepiece(english, 8000, "bpe", tmp_path_factory.mktemp("llama2-stand-in") / "tokenizer")


@pytest.fixture()
def real_llama2(shared_data) -> Path:
    """For claims measured on Llama 2 itself (sizes, specials, relative gains): skip on a stand-in."""
    return require(shared_data / "tokenizers" / "llama2" / "tokenizer.model")


@pytest.fixture(scope="session")
def llama2_tok(llama2_file):
    from langadapt.vocab.load import load_tokenizer

    return load_tokenizer(llama2_file)


@pytest.fixture(scope="session")
def et_corpus(shared_data) -> list[Path]:
    return [shared_data / "et" / "ud_ewt.dev.txt", shared_data / "et" / "ud_edt.dev.txt"]


@pytest.fixture(scope="session")
def sample_lines(shared_data) -> list[str]:
    """Every 20th non-empty line of every shipped Estonian and English text file."""
    from langadapt.text import nonblank_lines

    lines = []
    for path in shipped_text_files(shared_data):
        lines += list(nonblank_lines([path]))[::20]
    return lines


@pytest.fixture(scope="session")
def all_lines(shared_data) -> list[str]:
    """Every non-empty line of every shipped Estonian and English text file."""
    from langadapt.text import nonblank_lines

    return list(nonblank_lines(shipped_text_files(shared_data)))


@pytest.fixture(scope="session")
def flores(shared_data) -> dict[str, list[str]]:
    from langadapt.text import nonblank_lines

    return {lang: list(nonblank_lines([shared_data / "bitext" / f"flores200_dev.{lang}"])) for lang in ("et", "en")}


@pytest.fixture(scope="session")
def sp_et_dir(tmp_path_factory, et_corpus) -> Path:
    """An 800-piece Estonian SentencePiece BPE tokenizer."""
    from langadapt.vocab.train import train_tokenizer

    return train_tokenizer(et_corpus, 800, "bpe", tmp_path_factory.mktemp("sp") / "et-bpe")


@pytest.fixture(scope="session")
def llama2_model_dir(tmp_path_factory, llama2_tok) -> Path:
    """A tiny untied Llama with the real Llama 2 vocabulary (32,000 rows)."""
    out = tmp_path_factory.mktemp("llama2-tiny") / "model"
    make_tiny_llama(llama2_tok, hidden=16, layers=1, tie_word_embeddings=False).save_pretrained(out)
    llama2_tok.save_pretrained(out)
    return out


@pytest.fixture(scope="session")
def bytelevel_model_dir(tmp_path_factory, tiny_tokenizer) -> Path:
    """A tiny tied Llama with the project's 600-token byte-level tokenizer."""
    out = tmp_path_factory.mktemp("bytelevel-tiny") / "model"
    make_tiny_llama(tiny_tokenizer, tie_word_embeddings=True).save_pretrained(out)
    tiny_tokenizer.save_pretrained(out)
    return out


@pytest.fixture(scope="session")
def llama2_extended(tmp_path_factory, llama2_model_dir, et_corpus) -> tuple[Path, dict]:
    """Llama 2 + 400 merges learned on Estonian UD text, with the tiny model mean-initialised."""
    from langadapt.vocab.adapt import adapt_vocabulary

    out = tmp_path_factory.mktemp("extended") / "llama2-et"
    stats = adapt_vocabulary(llama2_model_dir, None, "extend", out, model=llama2_model_dir,
                             corpus=et_corpus, new_tokens=400)
    return out, stats


@pytest.fixture(scope="session")
def bytelevel_extended(tmp_path_factory, bytelevel_model_dir, et_corpus) -> tuple[Path, dict]:
    from langadapt.vocab.adapt import adapt_vocabulary

    out = tmp_path_factory.mktemp("extended") / "bytelevel-et"
    stats = adapt_vocabulary(bytelevel_model_dir, None, "extend", out, model=bytelevel_model_dir,
                             corpus=et_corpus, new_tokens=300)
    return out, stats


@pytest.fixture(scope="session")
def replaced(tmp_path_factory, llama2_model_dir, sp_et_dir):
    """Llama 2 (and the tiny model) replaced by the 800-piece Estonian tokenizer."""
    from langadapt.vocab.adapt import adapt_vocabulary

    out = tmp_path_factory.mktemp("replace") / "out"
    stats = adapt_vocabulary(llama2_model_dir, sp_et_dir, "replace", out, model=llama2_model_dir)
    return out, stats


@pytest.fixture(scope="session")
def optimized(tmp_path_factory, llama2_model_dir, et_corpus):
    """Llama 2 shrunk to its 3,000 pieces most used on Estonian, plus 300 merges."""
    from langadapt.vocab.adapt import adapt_vocabulary

    out = tmp_path_factory.mktemp("optimize") / "out"
    stats = adapt_vocabulary(llama2_model_dir, None, "optimize", out, model=llama2_model_dir,
                             corpus=et_corpus, keep=3000, new_tokens=300)
    return out, stats


@pytest.fixture(scope="session")
def appended(tmp_path_factory, llama2_file, sp_et_dir):
    """Llama 2 extended with the Estonian tokenizer's pieces (strategy append, no model)."""
    from langadapt.vocab.adapt import adapt_vocabulary

    out = tmp_path_factory.mktemp("append") / "out"
    return out, adapt_vocabulary(llama2_file, sp_et_dir, "extend", out, strategy="append")


@pytest.fixture()
def run_cli(capsys):
    """Run ``langadapt ARGV...`` in-process; returns (exit code, stdout, stderr)."""
    from langadapt.cli import main

    def run(argv: list[str]) -> tuple[int, str, str]:
        code = main([str(a) for a in argv])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run
