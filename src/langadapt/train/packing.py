"""Pack token sequences into fixed-length rows without cross-sequence attention.

Every row carries ``position_ids`` that restart at 0 where a new sequence (or a continuation of
one cut at a row boundary) begins. With no attention mask, transformers derives a block-diagonal
causal mask from those resets (sdpa/eager), and flash-attention varlen derives ``cu_seqlens`` from
them, so no token attends across a boundary. The first token of each segment gets label -100:
it would otherwise be "predicted" from the previous document's last token.

Two packers, because the two data kinds need different things:
- ``pack_stream`` (pretraining): documents are concatenated and cut into rows; a document that
  does not fit continues in the next row, so no token is dropped.
- ``pack_whole`` (instruction tuning): whole conversations placed by best-fit-decreasing, so an
  answer never loses its prompt; sequences longer than a row are truncated and counted.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

IGNORE_INDEX = -100


@dataclass
class PackedRows:
    input_ids: np.ndarray  # (rows, block) int64
    labels: np.ndarray  # (rows, block) int64, IGNORE_INDEX where no loss
    position_ids: np.ndarray  # (rows, block) int64, restarting at 0 per segment
    real_tokens: int  # tokens that came from the data (not padding)
    truncated: int = 0  # sequences cut to fit a row (pack_whole only)

    @property
    def utilization(self) -> float:
        """Share of row slots holding real tokens rather than padding."""
        return self.real_tokens / max(1, self.input_ids.size)

    def __len__(self) -> int:
        return self.input_ids.shape[0]


def segment_positions(starts: np.ndarray) -> np.ndarray:
    """Positions counting up from each True in ``starts`` (``starts[0]`` must be True)."""
    idx = np.arange(len(starts))
    last_start = np.maximum.accumulate(np.where(starts, idx, 0))
    return idx - last_start


def _flatten(seqs: list[np.ndarray], masks: list[np.ndarray] | None):
    """Concatenated tokens, labels (loss mask applied, segment starts ignored) and start flags."""
    tokens = np.concatenate(seqs)
    labels = tokens.copy()
    if masks is not None:
        labels[~np.concatenate(masks)] = IGNORE_INDEX
    starts = np.zeros(len(tokens), dtype=bool)
    starts[np.cumsum([0] + [len(s) for s in seqs[:-1]])] = True
    return tokens, labels, starts


def _as_arrays(sequences, label_mask):
    seqs = [np.asarray(s, dtype=np.int64) for s in sequences]
    masks = None if label_mask is None else [np.asarray(m, dtype=bool) for m in label_mask]
    keep = [i for i, s in enumerate(seqs) if len(s)]
    if not keep:
        raise ValueError("nothing to pack: every sequence is empty")
    if masks is not None and any(len(masks[i]) != len(seqs[i]) for i in keep):
        raise ValueError("label_mask lengths differ from the sequences'")
    return [seqs[i] for i in keep], None if masks is None else [masks[i] for i in keep]


def pack_stream(
    sequences: Iterable[Sequence[int]],
    block_size: int,
    pad_id: int,
    label_mask: Iterable[Sequence[bool]] | None = None,
) -> PackedRows:
    """Concatenate ``sequences`` and cut into rows of ``block_size``; the last row is padded.

    ``label_mask`` (optional, one boolean sequence per input sequence) marks tokens that get loss.
    """
    seqs, masks = _as_arrays(list(sequences), None if label_mask is None else list(label_mask))
    tokens, labels, starts = _flatten(seqs, masks)
    real = len(tokens)
    pad = (-real) % block_size
    tokens = np.concatenate([tokens, np.full(pad, pad_id, dtype=np.int64)])
    labels = np.concatenate([labels, np.full(pad, IGNORE_INDEX, dtype=np.int64)])
    starts = np.concatenate([starts, np.zeros(pad, dtype=bool)])
    if pad:
        starts[real] = True  # the padding is a segment of its own
    starts[::block_size] = True  # a continuation restarts its positions in the new row
    labels[starts] = IGNORE_INDEX
    shape = (-1, block_size)
    return PackedRows(
        tokens.reshape(shape), labels.reshape(shape), segment_positions(starts).reshape(shape), real
    )


def _best_fit_decreasing(lengths: list[int], capacity: int) -> list[list[int]]:
    """Indices per bin: each item goes to the fullest bin it still fits in."""
    bins: list[list[int]] = []
    free: list[tuple[int, int]] = []  # sorted (free space, bin index)
    for i in sorted(range(len(lengths)), key=lambda i: -lengths[i]):
        at = bisect.bisect_left(free, (lengths[i], -1))
        if at < len(free):
            space, b = free.pop(at)
        else:
            space, b = capacity, len(bins)
            bins.append([])
        bins[b].append(i)
        if space > lengths[i]:
            bisect.insort(free, (space - lengths[i], b))
    return bins


def pack_whole(
    sequences: Sequence[Sequence[int]],
    block_size: int,
    pad_id: int,
    label_mask: Sequence[Sequence[bool]] | None = None,
) -> PackedRows:
    """Best-fit-decreasing packing of whole sequences; each row is padded to ``block_size``."""
    seqs, masks = _as_arrays(sequences, label_mask)
    truncated = sum(len(s) > block_size for s in seqs)
    seqs = [s[:block_size] for s in seqs]
    masks = None if masks is None else [m[:block_size] for m in masks]
    bins = _best_fit_decreasing([len(s) for s in seqs], block_size)
    n = len(bins)
    ids = np.full((n, block_size), pad_id, dtype=np.int64)
    labels = np.full((n, block_size), IGNORE_INDEX, dtype=np.int64)
    positions = np.zeros((n, block_size), dtype=np.int64)
    real = 0
    for r, members in enumerate(bins):
        row_tokens, row_labels, starts = _flatten(
            [seqs[i] for i in members], None if masks is None else [masks[i] for i in members]
        )
        row_labels[starts] = IGNORE_INDEX
        length = len(row_tokens)
        ids[r, :length], labels[r, :length] = row_tokens, row_labels
        positions[r, :length] = segment_positions(starts)
        positions[r, length:] = np.arange(block_size - length)  # padding: its own segment
        real += length
    return PackedRows(ids, labels, positions, real, truncated)


class PackedDataset:
    """A map-style dataset over ``PackedRows`` yielding the tensors the model's forward takes."""

    def __init__(self, rows: PackedRows):
        self.rows = rows

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, i: int) -> dict:
        import torch

        return {
            "input_ids": torch.from_numpy(self.rows.input_ids[i]),
            "labels": torch.from_numpy(self.rows.labels[i]),
            "position_ids": torch.from_numpy(self.rows.position_ids[i]),
        }
