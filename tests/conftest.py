"""Shared fixtures: real data (../shared/data, else the copies in demo/data) and offline settings.

A bare clone has no ../shared: ``shared_data`` then points at ``demo/data``, which ships the same
files the default suite reads. Tests of a file only ../shared/data has wrap it in ``require``,
which skips them with the reason. ``LANGADAPT_SHARED_DATA`` points elsewhere (set it to a missing
folder to run the suite as a bare clone would).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from testlib import DEMO_DATA, SHARED_DATA, make_tiny_llama, read_lines

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data`` beside the project, else ``demo/data`` (same layout, fewer files)."""
    return SHARED_DATA if SHARED_DATA.is_dir() else DEMO_DATA


@pytest.fixture(scope="session")
def tiny_tokenizer(shared_data):
    """A 600-token byte-level BPE trained on shipped English + Estonian text (about a second)."""
    from langadapt.vocab.train import train_bytelevel_bpe

    texts = read_lines(shared_data / "en" / "ud_ewt.dev.txt") + read_lines(
        shared_data / "et" / "ud_ewt.dev.txt"
    )
    return train_bytelevel_bpe(texts, vocab_size=600)


@pytest.fixture()
def tiny_model_dir(tmp_path, tiny_tokenizer):
    """A saved HF model directory (tiny Llama + the tiny tokenizer)."""
    model = make_tiny_llama(tiny_tokenizer)
    out = tmp_path / "tiny-model"
    model.save_pretrained(out)
    tiny_tokenizer.save_pretrained(out)
    return out
