"""Chat-vector merge (equal to swap with an untouched body) and the sparse per-token mode."""

from __future__ import annotations

import torch
from lep_helpers import load_tensors

from langadapt.lep.merge import merge_chat_vector
from langadapt.lep.propagate import propagate_embeddings

EMB, HEAD = "model.embed_tokens.weight", "lm_head.weight"


def test_merge_with_embeddings_only_adapted_equals_swap(untied, tmp_path):
    merged = merge_chat_vector(untied.base, untied.instruct, untied.adapted, tmp_path / "M", mode="swap")
    propagate_embeddings(untied.base, untied.instruct, untied.adapted, tmp_path / "S", mode="swap")
    m, s = load_tensors(tmp_path / "M"), load_tensors(tmp_path / "S")
    assert m.keys() == s.keys() and all(m[n].dtype == torch.float32 for n in m)
    assert all(torch.equal(m[n], s[n]) for n in m)  # bit for bit
    assert merged["kind"] == "lep_merge" and merged["alpha"] == 1.0


def test_merge_alpha_scales_the_chat_vector(untied, tmp_path):
    merge_chat_vector(untied.base, untied.instruct, untied.adapted, tmp_path / "M", alpha=0.5)
    m, i, b = load_tensors(tmp_path / "M"), load_tensors(untied.instruct), load_tensors(untied.base)
    name = "model.layers.0.mlp.up_proj.weight"
    torch.testing.assert_close(m[name], b[name] + 0.5 * (i[name] - b[name]))


def test_sparse_keeps_shared_rows_and_codes_new_ones(untied, tmp_path):
    p_dir = tmp_path / "P"
    manifest = propagate_embeddings(untied.base, untied.instruct, untied.adapted, p_dir, mode="sparse",
                                    sparse_k=4)
    p, i, a = load_tensors(p_dir), load_tensors(untied.instruct), load_tensors(untied.adapted)
    base_rows = i[EMB].shape[0]
    assert torch.equal(p[EMB][:base_rows], i[EMB]) and torch.equal(p[HEAD][:base_rows], i[HEAD])
    new = p[EMB][base_rows:]
    assert torch.isfinite(new).all() and new.abs().sum() > 0
    assert 0 < manifest["residuals"]["input_embeddings"] < 1 and manifest["sparse_k"] == 4
    # with k = d the codes reconstruct A's rows exactly; mapped onto I's shared rows they give
    # conversion's answer up to the 1% noise A's own shared rows carry
    propagate_embeddings(untied.base, untied.instruct, untied.adapted, tmp_path / "K", mode="sparse",
                         sparse_k=32)
    k = load_tensors(tmp_path / "K")
    expected = (a[EMB] @ untied.m1)[base_rows:]
    assert ((k[EMB][base_rows:] - expected).norm() / expected.norm()) < 0.05
