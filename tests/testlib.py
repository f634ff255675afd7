"""Helpers every test folder shares: where the data is, tiny models, reading shipped text.

Imported as ``from testlib import ...`` (``tests/`` is on pytest's python path), so no test module
needs ``from conftest import``, which is ambiguous once several folders have a conftest.py.
``LANGADAPT_SHARED_DATA`` points the suite at another data folder (a missing one runs it as a
bare clone would).
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("LANGADAPT_SHARED_DATA", PROJECT_ROOT.parent / "shared" / "data"))
DEMO_DATA = PROJECT_ROOT / "demo" / "data"


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


@contextlib.contextmanager
def local_api(handler) -> Iterator[str]:
    """A stand-in HTTP API on 127.0.0.1 (``handler``: a ``BaseHTTPRequestHandler`` class) in a
    background thread; yields its ``/v1`` base URL and shuts it down afterwards."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()


def fail_forward_at_step(model, monkeypatch, step: int = 3) -> dict:
    """Make ``model.forward`` raise (NaN logits, simulated) on its ``step``-th call, as a GPU
    failure mid-generation would; returns the call counter."""
    real, calls = model.forward, {"n": 0}

    def forward(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == step:
            raise FloatingPointError("NaN logits (simulated)")
        return real(*args, **kwargs)

    monkeypatch.setattr(model, "forward", forward)
    return calls
