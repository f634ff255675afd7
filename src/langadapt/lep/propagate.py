"""Learned Embedding Propagation: carry an adapted vocabulary into an instruct model.

B: base model; I: instruct model of B; A: B after vocabulary adaptation and embeddings-only
continued pretraining. P gets I's body, A's tokenizer (plus I's chat tokens) and
``E_P = E_A · D``, ``O_P = O_A · U`` (see docs/lep.md):

- ``conversion`` (default): D = argmin ||T·E_B D − T·E_I|| over the whole new vocabulary, T the
  mean-decomposition of A's tokens into B's (copied tokens are rows of the identity);
- ``overlap``: the same fit over the tokens A shares with B only;
- ``swap``: D = identity (A's rows as they are);
- ``sparse``: per token, a k-sparse code of a new token over the shared tokens in A's space
  (orthogonal matching pursuit), applied to I's rows of those tokens; shared tokens take I's rows.

U likewise with LM heads. A tied I gives a tied P with one fit.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from langadapt.artifacts import (
    check_output,
    library_versions,
    output_dir,
    write_json_atomic,
)
from langadapt.errors import UserError
from langadapt.lep import fit
from langadapt.lep.checkpoint import (
    MAX_SHARD_BYTES,
    Checkpoint,
    embedding_names,
    tied,
    torch_dtype,
    write_checkpoint,
)
from langadapt.lep.tokens import (
    adapted_sources,
    build_tokenizer,
    check_instruct_tokenizer,
    id_mapper,
    remap_token_ids,
)

MODES = ("conversion", "overlap", "swap", "sparse")
DTYPES = ("auto", "float32", "bfloat16", "float16")
MIN_SOURCED = 0.5  # share of A's tokens B's pieces must spell (copy or decomposition)
MIN_SIMILARITY = 0.2  # median centred cosine of A's rows to their B init (unrelated models: ~0)


def validate_options(mode: str, dtype: str, sparse_k: int) -> None:
    if mode not in MODES:
        raise UserError(f"unknown mode {mode!r}: choose one of {', '.join(MODES)}")
    if dtype not in DTYPES:
        raise UserError(f"unknown dtype {dtype!r}: choose one of {', '.join(DTYPES)}")
    if sparse_k < 1:
        raise UserError(f"--sparse-k must be at least 1, got {sparse_k}")


def check_same_architecture(b: Checkpoint, i: Checkpoint, skip: set[str], what: str = "--instruct") -> None:
    """B and I must be one architecture: same model type and body tensors of the same shapes."""
    if b.config.get("model_type") != i.config.get("model_type"):
        raise UserError(f"{what} {i.path}: model type {i.config.get('model_type')!r} differs from "
                        f"the base's {b.config.get('model_type')!r}")
    body_b = {n: s for n, (_, s) in b.meta.items() if n not in skip}
    body_i = {n: s for n, (_, s) in i.meta.items() if n not in skip}
    for name in sorted(set(body_b) ^ set(body_i)):
        raise UserError(f"{what} {i.path}: tensor {name} is in only one of it and the base: "
                        "not the same architecture")
    for name, shape in body_b.items():
        if body_i[name] != shape:
            raise UserError(f"{what} {i.path}: tensor {name} has shape {body_i[name]}, the "
                            f"base's {shape}: not the same architecture (hidden size?)")


class Inputs:
    """The three checkpoints, their embedding tensor names and tokenizers, checked to fit."""

    def __init__(self, base, instruct, adapted):
        from langadapt.vocab.load import load_tokenizer

        self.b, self.i, self.a = (Checkpoint(base, "--base"), Checkpoint(instruct, "--instruct"),
                                  Checkpoint(adapted, "--adapted"))
        self.names = {key: embedding_names(c) for key, c in (("b", self.b), ("i", self.i), ("a", self.a))}
        check_same_architecture(self.b, self.i, {n for n in self.names["b"] + self.names["i"] if n})
        self.rows_b, d = self.b.shape(self.names["b"][0])
        rows_i = self.i.shape(self.names["i"][0])[0]
        self.rows_a, d_a = self.a.shape(self.names["a"][0])
        if rows_i < self.rows_b:
            raise UserError(f"--instruct {self.i.path}: {rows_i} embedding rows, fewer than the "
                            f"base's {self.rows_b}: not an instruct model of this base")
        if d_a != d:
            raise UserError(f"--adapted {self.a.path}: hidden size {d_a}, the base's is {d}: not an "
                            "adaptation of this base")
        self.d, self.similarity, self.solver = d, None, None
        self.b_tok, self.i_tok, self.a_tok = (load_tokenizer(c.path) for c in (self.b, self.i, self.a))
        check_instruct_tokenizer(self.b_tok, self.i_tok, self.i.path)
        if self.rows_a < len(self.a_tok):
            raise UserError(f"--adapted {self.a.path}: {self.rows_a} embedding rows for a tokenizer "
                            f"of {len(self.a_tok)} tokens")
        self.sources = adapted_sources(self.a_tok, self.b_tok, self.rows_a)
        unk = self.b_tok.unk_token_id
        spelled = [fit.has_source(s) and (isinstance(s, int) or unk not in s) for s in self.sources]
        if sum(spelled) < MIN_SOURCED * len(self.a_tok):
            raise UserError(f"--adapted {self.a.path}: only {sum(spelled)} of its {len(self.a_tok)} "
                            "tokens are spelled by the base's pieces: not an adaptation of this base")

    def matrix(self, key: str, head: bool):
        """A model's input embeddings or (effective: tied means the same) LM head."""
        ckpt = {"b": self.b, "i": self.i, "a": self.a}[key]
        name_in, name_out = self.names[key]
        return ckpt.get(name_out if head and name_out else name_in)


def _propagate_matrix(inp: Inputs, head: bool, mode: str, sparse_k: int, out) -> float:
    """Write P's rows for A's ids into ``out[:rows_a]``; return the fit's relative residual.

    The fits run in float64; applying the d x d map runs in float32 (relative error ~1e-7, far
    below any checkpoint dtype's; float64 costs half a minute per 55k x 4096 matrix), in row
    chunks written straight into ``out`` so no full-size float32 copy is ever held.
    """
    import torch

    e_a, e_b = inp.matrix("a", head), inp.matrix("b", head)
    e_i = inp.matrix("i", head)[: inp.rows_b]
    rows = [r for r, s in enumerate(inp.sources) if fit.has_source(s)]
    shared = [r for r, s in enumerate(inp.sources) if isinstance(s, int)]
    if not head:  # once per run: are A's rows related to B's at all?
        sample = rows[:: max(1, len(rows) // 8192)]
        similarity = fit.centered_cosine(e_a[sample], fit.apply_sources(e_b, inp.sources, sample))
        inp.similarity = round(similarity, 4)
        if similarity < MIN_SIMILARITY:
            raise UserError(f"--adapted {inp.a.path}: its embeddings are unrelated to the base's "
                            f"(median centred cosine {similarity:.2f} to their mean-decomposition "
                            "init; near 1 after embeddings-only training): not an adaptation of this base")
    if mode in ("overlap", "sparse") and len(shared) < (inp.d if mode == "overlap" else 1):
        raise UserError(f"mode {mode} needs tokens A shares with the base ({len(shared)} shared, "
                        f"hidden size {inp.d}); use --mode conversion")
    src = torch.tensor([inp.sources[r] for r in shared], dtype=torch.long)
    if mode == "swap":
        out[: inp.rows_a] = e_a
        sample = src[:: max(1, -(-len(src) // fit.RESIDUAL_ROWS))]
        return fit.relative_error(e_b[sample].double(), e_i[sample].double())
    if mode == "sparse":
        out[shared] = e_i[src].to(out.dtype)
        new = [r for r in range(inp.rows_a) if not isinstance(inp.sources[r], int)]
        idx, coef, residual = fit.omp(e_a[new], e_a[shared], sparse_k)
        if new:
            out[new] = fit.apply_codes(idx, coef, e_i[src]).to(out.dtype)
        return residual
    d_map, residual, inp.solver = fit.fit_map(e_b, e_i, inp.sources, shared if mode == "overlap" else rows)
    del e_b, e_i
    work = torch.float64 if torch.float64 in (e_a.dtype, out.dtype) else torch.float32
    d_map = d_map.to(work)
    for start in range(0, inp.rows_a, fit.CHUNK_ROWS):
        stop = min(start + fit.CHUNK_ROWS, inp.rows_a)
        out[start:stop] = e_a[start:stop].to(work) @ d_map
    return residual


def run_lep(base, instruct, adapted, out, *, mode: str = "conversion", sparse_k: int = 32,
            dtype: str = "auto", overwrite: bool = False, max_shard_bytes: int = MAX_SHARD_BYTES,
            body: Callable[[Inputs], Callable[[str], Any]] | None = None,
            extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """Build P into ``out``; ``body(inputs)`` returns the fetch of each non-embedding tensor
    (default: I's, copied). Returns the manifest."""
    import time

    import torch

    started = time.perf_counter()
    validate_options(mode, dtype, sparse_k)
    check_output(out, inputs=[base, instruct, adapted], overwrite=overwrite)
    inp = Inputs(base, instruct, adapted)
    untied_p = not tied(inp.i)
    p_tok, pairs, added = build_tokenizer(inp.a_tok, inp.b_tok, inp.i_tok)
    rows_p = max(inp.rows_a, len(p_tok))
    out_dtype = None if dtype == "auto" else getattr(torch, dtype)
    i_in_name, i_out_name = inp.names["i"]
    residuals, matrices = {}, {}
    for key, head in (("input_embeddings", False), ("lm_head", True)):
        if head and not untied_p:
            continue
        own = torch_dtype(inp.i.meta[i_out_name if head else i_in_name][0])
        full = torch.zeros(rows_p, inp.d, dtype=out_dtype or own)
        residuals[key] = _propagate_matrix(inp, head, mode, sparse_k, full)
        if pairs:  # chat/special tokens: I's own rows
            p_ids, i_ids = zip(*pairs)
            full[list(p_ids)] = inp.matrix("i", head)[list(i_ids)].to(full.dtype)
        matrices[key] = full
    names = {i_in_name: "input_embeddings", i_out_name: "lm_head" if untied_p else "input_embeddings"}
    matrices = {name: matrices[key] for name, key in names.items() if name is not None}
    fetch = body(inp) if body is not None else inp.i.get
    entries = []
    for name, (code, shape) in inp.i.meta.items():
        own = torch_dtype(code)
        target = out_dtype if out_dtype is not None and own.is_floating_point else own
        if name in matrices:
            entries.append((name, target, [rows_p, inp.d], lambda n=name: matrices[n]))
        else:
            entries.append((name, target, shape, lambda n=name: fetch(n)))
    remap = id_mapper(inp.i_tok, p_tok)
    config = remap_token_ids(inp.i.config, remap)
    config["vocab_size"] = rows_p
    if isinstance(config.get("text_config"), dict):
        config["text_config"]["vocab_size"] = rows_p
    if out_dtype is not None:
        config["dtype"] = dtype
        config.pop("torch_dtype", None)
    shared = sum(isinstance(s, int) for s in inp.sources)
    sourced = sum(fit.has_source(s) for s in inp.sources)
    manifest = {
        "kind": "lep", "mode": mode, **({"sparse_k": sparse_k} if mode == "sparse" else {}), **(extra or {}),
        "base": str(base), "instruct": str(instruct), "adapted": str(adapted),
        "tied": not untied_p, "fit_solver": inp.solver,
        "residuals": residuals,
        "adapted_similarity_to_init": inp.similarity,
        "tokens": {"vocab_size": len(p_tok), "embedding_rows": rows_p, "base_vocab_size": len(inp.b_tok),
                   "adapted_vocab_size": len(inp.a_tok), "shared_with_base": shared,
                   "decomposed": sourced - shared, "without_source": inp.rows_a - sourced,
                   "instruct_extra_added": added, "rows_from_instruct": len(pairs)},
        "dtype": dtype, "versions": library_versions(),
    }
    embedded = time.perf_counter()
    with output_dir(out, inputs=[base, instruct, adapted], overwrite=overwrite) as tmp:
        manifest["shards"] = write_checkpoint(tmp, entries, max_shard_bytes)
        matrices.clear()
        manifest["seconds"] = {"embeddings": round(embedded - started, 2),
                               "write": round(time.perf_counter() - embedded, 2)}
        write_json_atomic(tmp / "config.json", config)
        generation = inp.i.path / "generation_config.json"
        if generation.is_file():
            write_json_atomic(tmp / "generation_config.json",
                              remap_token_ids(json.loads(generation.read_text(encoding="utf-8")), remap))
        p_tok.save_pretrained(tmp)
        write_json_atomic(tmp / "manifest.json", manifest)
    return manifest


def propagate_embeddings(base: str | Path, instruct: str | Path, adapted: str | Path, out: str | Path,
                         mode: str = "conversion", sparse_k: int = 32, dtype: str = "auto",
                         overwrite: bool = False, max_shard_bytes: int = MAX_SHARD_BYTES) -> dict[str, Any]:
    """Write P (I's body, A's vocabulary, propagated embeddings) into ``out``; return the manifest."""
    return run_lep(base, instruct, adapted, out, mode=mode, sparse_k=sparse_k, dtype=dtype,
                   overwrite=overwrite, max_shard_bytes=max_shard_bytes)
