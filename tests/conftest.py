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

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("LANGADAPT_SHARED_DATA", PROJECT_ROOT.parent / "shared" / "data"))
DEMO_DATA = PROJECT_ROOT / "demo" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data`` beside the project, else ``demo/data`` (same layout, fewer files)."""
    return SHARED_DATA if SHARED_DATA.is_dir() else DEMO_DATA


def require(path: Path) -> Path:
    """``path``, or skip the test: a larger file only ../shared/data has."""
    if not path.exists():
        name = next((path.relative_to(root) for root in (SHARED_DATA, DEMO_DATA)
                     if root in path.parents), path)
        pytest.skip(f"needs {name} from ../shared/data (not shipped in demo/data)")
    return path


def read_lines(path: Path, limit: int | None = None) -> list[str]:
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return lines[:limit] if limit else lines


@pytest.fixture(scope="session")
def tiny_tokenizer(shared_data):
    """A 600-token byte-level BPE trained on shipped English + Estonian text (about a second)."""
    from langadapt.vocab.train import train_bytelevel_bpe

    texts = read_lines(shared_data / "en" / "ud_ewt.dev.txt") + read_lines(
        shared_data / "et" / "ud_ewt.dev.txt"
    )
    return train_bytelevel_bpe(texts, vocab_size=600)


def make_tiny_llama(tokenizer, hidden: int = 32, layers: int = 2, seed: int = 0, **overrides):
    """A randomly initialised LlamaForCausalLM for ``tokenizer``, built in milliseconds."""
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.manual_seed(seed)
    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=hidden,
        intermediate_size=hidden * 2,
        num_hidden_layers=layers,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=512,
        tie_word_embeddings=overrides.pop("tie_word_embeddings", True),
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        **overrides,
    )
    return LlamaForCausalLM(config).eval()


@pytest.fixture()
def tiny_model_dir(tmp_path, tiny_tokenizer):
    """A saved HF model directory (tiny Llama + the tiny tokenizer)."""
    model = make_tiny_llama(tiny_tokenizer)
    out = tmp_path / "tiny-model"
    model.save_pretrained(out)
    tiny_tokenizer.save_pretrained(out)
    return out
