"""Chat-vector merge: P = A + α·(I − B) on the body, embeddings propagated as in ``propagate``.

The chat vector I − B is what instruction tuning added to the base; adding it to A transfers
it onto whatever A's continued pretraining changed in the body. The embeddings cannot be merged
that way (A's vocabulary is not B's), so they go through the same propagation modes; with
``--mode swap`` they are A's own rows. With embeddings-only training A's body equals B's and
the merge reduces to I's body, so merge with swap equals ``propagate --mode swap``.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from langadapt.errors import UserError
from langadapt.lep.checkpoint import MAX_SHARD_BYTES
from langadapt.lep.propagate import Inputs, check_same_architecture, run_lep


def _chat_vector_body(alpha: float):
    def make(inp: Inputs):
        skip = {n for key in ("a", "b", "i") for n in inp.names[key] if n}
        check_same_architecture(inp.b, inp.a, skip, what="--adapted")

        def fetch(name: str):
            import torch

            i, a, b = inp.i.get(name), inp.a.get(name), inp.b.get(name)
            if not i.is_floating_point():
                return i
            # Computed as I + (A − B) + (α − 1)(I − B), which equals A + α(I − B) but is exactly
            # I when A = B and α = 1 (an untouched body), bit for bit in any dtype.
            work = torch.float64 if i.dtype == torch.float64 else torch.float32
            i, a, b = i.to(work), a.to(work), b.to(work)
            merged = i + (a - b)
            if alpha != 1.0:
                merged = merged + (alpha - 1.0) * (i - b)
            return merged

        return fetch

    return make


def merge_chat_vector(base: str | Path, instruct: str | Path, adapted: str | Path, out: str | Path,
                      alpha: float = 1.0, mode: str = "conversion", sparse_k: int = 32,
                      dtype: str = "auto", overwrite: bool = False,
                      max_shard_bytes: int = MAX_SHARD_BYTES) -> dict[str, Any]:
    """Write A + α(I − B) (body) with propagated embeddings into ``out``; return the manifest."""
    if not isinstance(alpha, (int, float)) or not math.isfinite(alpha):
        raise UserError(f"--alpha must be a finite number, got {alpha!r}")
    return run_lep(base, instruct, adapted, out, mode=mode, sparse_k=sparse_k, dtype=dtype,
                   overwrite=overwrite, max_shard_bytes=max_shard_bytes,
                   body=_chat_vector_body(float(alpha)), extra={"kind": "lep_merge", "alpha": alpha})
