"""The fits against LAPACK's least squares, and OMP on a known sparse code."""

from __future__ import annotations

import torch

from langadapt.lep import fit


def _problem(rows=600, d=24, seed=0):
    gen = torch.Generator().manual_seed(seed)
    old_x = torch.randn(rows, d, generator=gen)
    old_y = old_x @ torch.randn(d, d, generator=gen) + 0.1 * torch.randn(rows, d, generator=gen)
    sources = list(range(rows)) + [tuple(torch.randint(0, rows, (3,), generator=gen).tolist()) for _ in range(300)]
    return old_x, old_y, sources


def test_fit_matches_lapack_least_squares():
    old_x, old_y, sources = _problem()
    rows = list(range(len(sources)))
    solution, residual, solver = fit.fit_map(old_x, old_y, sources, rows)
    x, y = fit.apply_sources(old_x, sources, rows), fit.apply_sources(old_y, sources, rows)
    expected = torch.linalg.lstsq(x, y, driver="gelsd").solution
    assert solver == "cholesky" and torch.allclose(solution, expected, rtol=0, atol=1e-10)
    assert abs(residual - fit.relative_error(x @ expected, y)) < 0.01


def test_rank_deficient_fit_gives_the_minimum_norm_solution():
    old_x, old_y, sources = _problem()
    old_x[:, -1] = old_x[:, 0]  # two equal columns: G is singular
    rows = list(range(len(sources)))
    solution, _, solver = fit.fit_map(old_x, old_y, sources, rows)
    x, y = fit.apply_sources(old_x, sources, rows), fit.apply_sources(old_y, sources, rows)
    expected = torch.linalg.lstsq(x, y, driver="gelsd").solution
    assert solver == "eigh-pinv" and torch.allclose(solution, expected, rtol=0, atol=1e-6)


def test_apply_sources_copies_and_averages():
    old = torch.arange(12.0).reshape(4, 3)
    out = fit.apply_sources(old, [2, (0, 1), (3,)], [0, 1, 2])
    assert torch.equal(out, torch.stack([old[2], (old[0] + old[1]) / 2, old[3]]).double())


def test_omp_recovers_a_sparse_code():
    gen = torch.Generator().manual_seed(1)
    atoms = torch.randn(200, 40, generator=gen)
    target = 2.0 * atoms[7] - 0.5 * atoms[150] + 1.5 * atoms[33]
    idx, coef, residual = fit.omp(target[None], atoms, k=3)
    assert sorted(idx[0].tolist()) == [7, 33, 150] and residual < 1e-6
    assert torch.allclose(fit.apply_codes(idx, coef, atoms), target[None].double(), atol=1e-5)
