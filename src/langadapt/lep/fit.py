"""The numerics of LEP: the mean-decomposition T, the d x d least-squares fits, and sparse codes.

Row convention: an embedding matrix is ``[vocab, d]``; a map D acts on the right (``E · D``).

The fits solve the least-squares problem through its normal equations in float64, accumulated
over row chunks: ``G = Σ Xᵀ X``, ``C = Σ Xᵀ Y``, ``G D = C``. Compared with LAPACK on the whole
X (``torch.linalg.lstsq``, gelsy): the same solution to ~1e-14 on a 55k x 4096 problem, half the
time (the QR of X costs more than forming G), and X, Y are never whole in memory (a 7B-shaped
propagation peaks at 3.4 GB instead of ~8 GB). The normal equations square X's condition number;
in float64 that costs nothing for embedding matrices (cond ≲ 1e3 -> error ≲ 1e-10), and an
ill-conditioned or rank-deficient G falls back on an eigendecomposition pseudo-inverse (the
minimum-norm solution, as lstsq's gelsd would give).
"""

from __future__ import annotations

from langadapt.vocab.init import Source

CHUNK_ROWS = 4096  # rows of T·E formed at a time (4096 x 4096 float64: 128 MiB)
RESIDUAL_ROWS = 8192  # the residual is measured on at most this many evenly spaced rows
MAX_CONDITION = 1e10  # of G (Cholesky estimate); above it, solve by eigendecomposition
EIGEN_CUTOFF = 1e-12  # eigenvalues of G below this share of the largest are dropped


def has_source(src: Source) -> bool:
    return isinstance(src, int) or len(src) > 0


def apply_sources(old, sources: list[Source], rows: list[int]):
    """``(T · old)[rows]`` in float64: a copied row, or the mean of the decomposition's rows.

    A sparse product over only the old rows these tokens use, so neither T (vocab x old vocab)
    nor a float64 copy of ``old`` is ever made; rows without a source must not be passed.
    """
    import torch

    coords, weights, needed = [[], []], [], {}
    for position, row in enumerate(rows):
        src = sources[row]
        ids = (src,) if isinstance(src, int) else src
        coords[0] += [position] * len(ids)
        coords[1] += [needed.setdefault(i, len(needed)) for i in ids]
        weights += [1.0 / len(ids)] * len(ids)
    t = torch.sparse_coo_tensor(torch.tensor(coords, dtype=torch.long).reshape(2, -1),
                                torch.tensor(weights, dtype=torch.float64), (len(rows), len(needed)),
                                check_invariants=False)
    return torch.sparse.mm(t, old[list(needed)].to(torch.float64))


def fit_map(old_x, old_y, sources: list[Source], rows: list[int]) -> tuple:
    """D minimising ||(T·old_x)[rows] D − (T·old_y)[rows]|| in float64.

    Returns (D, relative residual ||X D − Y|| / ||Y|| on at most RESIDUAL_ROWS evenly spaced
    rows, solver used).
    """
    import torch

    d_in = old_x.shape[1]
    gram = torch.zeros(d_in, d_in, dtype=torch.float64)
    cross = torch.zeros(d_in, old_y.shape[1], dtype=torch.float64)
    for start in range(0, len(rows), CHUNK_ROWS):
        chunk = rows[start:start + CHUNK_ROWS]
        x = apply_sources(old_x, sources, chunk)
        gram.addmm_(x.T, x)
        cross.addmm_(x.T, apply_sources(old_y, sources, chunk))
    solution, solver = solve_normal_equations(gram, cross)
    sample = rows[:: max(1, -(-len(rows) // RESIDUAL_ROWS))]
    residual = relative_error(apply_sources(old_x, sources, sample) @ solution,
                              apply_sources(old_y, sources, sample))
    return solution, residual, solver


def solve_normal_equations(gram, cross) -> tuple:
    """Solve ``gram · D = cross`` (gram = XᵀX): Cholesky, or the eigendecomposition
    pseudo-inverse when gram is singular or too ill-conditioned for it."""
    import torch

    factor, info = torch.linalg.cholesky_ex(gram)
    if info.item() == 0:
        diagonal = factor.diagonal()
        if (diagonal.max() / diagonal.min()).item() ** 2 <= MAX_CONDITION:
            return torch.cholesky_solve(cross, factor), "cholesky"
    values, vectors = torch.linalg.eigh(gram)
    keep = values > values.max() * EIGEN_CUTOFF
    vectors = vectors[:, keep]
    return vectors @ ((vectors.T @ cross) / values[keep, None]), "eigh-pinv"


def relative_error(estimate, target) -> float:
    import torch

    return (torch.linalg.matrix_norm(estimate - target) / torch.linalg.matrix_norm(target)).item()


def omp(targets, atoms, k: int, batch: int = 256) -> tuple:
    """Orthogonal matching pursuit: k-sparse codes c with ``targets ≈ c · atoms``.

    Returns (indices [n, k], coefficients [n, k], relative residual). Greedy: each step adds the
    atom most correlated with the current residual (atoms normalised for the choice only), then
    re-solves the least squares over all chosen atoms, so earlier coefficients are corrected.
    Batched over targets; a step costs n_atoms x d per target.
    """
    import torch

    atoms = atoms.to(torch.float64)
    k = min(k, atoms.shape[0])
    unit = atoms / atoms.norm(dim=1, keepdim=True).clamp_min(1e-12)
    all_idx, all_coef, err2, norm2 = [], [], 0.0, 0.0
    for start in range(0, targets.shape[0], batch):
        y = targets[start:start + batch].to(torch.float64)
        idx = torch.empty(y.shape[0], 0, dtype=torch.long)
        residual, coef = y, torch.empty(y.shape[0], 0, dtype=torch.float64)
        for _ in range(k):
            score = (residual @ unit.T).abs()
            score.scatter_(1, idx, -1.0)  # never pick an atom twice
            idx = torch.cat([idx, score.argmax(1, keepdim=True)], 1)
            chosen = atoms[idx]  # [b, step, d]
            coef = torch.linalg.lstsq(chosen.transpose(1, 2), y.unsqueeze(2), driver="gelsd").solution.squeeze(2)
            residual = y - torch.einsum("bs,bsd->bd", coef, chosen)
        all_idx.append(idx)
        all_coef.append(coef)
        err2 += residual.pow(2).sum().item()
        norm2 += y.pow(2).sum().item()
    empty = torch.empty(0, k)
    return (torch.cat(all_idx) if all_idx else empty.long(), torch.cat(all_coef) if all_coef else empty.double(),
            (err2 / norm2) ** 0.5 if norm2 else 0.0)


def apply_codes(idx, coef, rows):
    """``sum_j coef[:, j] · rows[idx[:, j]]`` in float64."""
    import torch

    return torch.einsum("nk,nkd->nd", coef, rows.to(torch.float64)[idx])


def centered_cosine(a, b) -> float:
    """Median cosine of matching rows after removing each matrix's mean row.

    Centering removes the direction all rows of one model share, so rows of unrelated models
    (or of one model under the wrong ids) score near 0, and a matrix and its trained copy near 1.
    """
    import torch

    a = a.float() - a.float().mean(0)
    b = b.float() - b.float().mean(0)
    return torch.nn.functional.cosine_similarity(a, b, dim=1).median().item()
