"""Fixtures of the LEP tests: the synthetic families of ``lep_helpers``, built once a session."""

from __future__ import annotations

from pathlib import Path

import pytest
from lep_helpers import PROJECT, Family, build_family


@pytest.fixture(scope="session")
def bytelevel_tok_dir() -> Path:
    return PROJECT / "demo" / "base-model"


@pytest.fixture(scope="session")
def sp_tok_dir(tmp_path_factory) -> Path:
    """A 1,000-piece SentencePiece BPE (byte fallback) trained on shipped English text."""
    from langadapt.vocab.train import train_tokenizer

    return train_tokenizer([PROJECT / "demo" / "data" / "en" / "ud_ewt.dev.txt"], 1000, "bpe",
                           tmp_path_factory.mktemp("sp") / "tok")


@pytest.fixture(scope="session")
def untied(tmp_path_factory, bytelevel_tok_dir) -> Family:
    return build_family(tmp_path_factory.mktemp("untied"), bytelevel_tok_dir, tied=False)


@pytest.fixture(scope="session")
def tied_family(tmp_path_factory, bytelevel_tok_dir) -> Family:
    return build_family(tmp_path_factory.mktemp("tied"), bytelevel_tok_dir, tied=True, seed=3)


@pytest.fixture(scope="session")
def sp_family(tmp_path_factory, sp_tok_dir) -> Family:
    return build_family(tmp_path_factory.mktemp("sp-family"), sp_tok_dir, tied=False, seed=5)


@pytest.fixture(scope="session")
def chat_family(tmp_path_factory, bytelevel_tok_dir) -> Family:
    return build_family(tmp_path_factory.mktemp("chat"), bytelevel_tok_dir, tied=False,
                        extra_tokens=True, seed=7)


@pytest.fixture()
def run_cli(capsys):
    """Run ``langadapt ARGV...`` in-process; returns (exit code, stdout, stderr)."""
    from langadapt.cli import main

    def run(argv: list) -> tuple[int, str, str]:
        code = main([str(a) for a in argv])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run
