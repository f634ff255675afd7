"""Packed pretraining rows read straight from token shards: memory flat in corpus size.

Row ``i`` is window ``[i*block, (i+1)*block)`` of the shards' token stream, with exactly the
semantics of ``packing.pack_stream`` on the same documents: a document cut by a row boundary
continues in the next row, positions restart at each document and at each row, the first token
of every segment is unlabelled, and the last row is padded. Only the rows asked for are read
(``np.memmap``), so a 5B-token corpus costs page cache, not process memory.

It is a map-style dataset on purpose: HF ``Trainer`` then shuffles it with a seeded permutation of
row indices (``data_seed``), gives each rank a disjoint part (accelerate's distributed sampler),
and on resume skips exactly the batches already seen — the data position is restored with the
optimiser, not approximated.
"""

from __future__ import annotations

import numpy as np

from langadapt.data.tokens.shards import TokenShards
from langadapt.train.packing import IGNORE_INDEX, segment_positions


class TokenWindows:
    """Fixed-length rows over ``TokenShards``, built on demand."""

    truncated = 0  # nothing is cut away: continuations carry over

    def __init__(self, shards: TokenShards, block_size: int, pad_id: int):
        self.shards, self.block_size, self.pad_id = shards, block_size, pad_id
        self.real_tokens = shards.total_tokens

    def __len__(self) -> int:
        return -(-self.real_tokens // self.block_size)

    @property
    def utilization(self) -> float:
        return self.real_tokens / max(1, len(self) * self.block_size)

    def row(self, i: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``input_ids``, ``labels``, ``position_ids`` of row ``i`` (int64 arrays)."""
        if not 0 <= i < len(self):
            raise IndexError(i)
        block = self.block_size
        start = i * block
        stop = min(start + block, self.real_tokens)
        tokens, starts = self.shards.span(start, stop)
        real = stop - start
        ids = np.full(block, self.pad_id, dtype=np.int64)
        ids[:real] = tokens
        flags = np.zeros(block, dtype=bool)
        flags[:real] = starts
        flags[0] = True  # a continuation restarts its positions in the new row
        if real < block:
            flags[real] = True  # the padding is a segment of its own
        labels = ids.copy()
        labels[real:] = IGNORE_INDEX
        labels[flags] = IGNORE_INDEX
        return ids, labels, segment_positions(flags)

    def __getitem__(self, i: int) -> dict:
        import torch

        ids, labels, positions = self.row(int(i))
        return {"input_ids": torch.from_numpy(ids), "labels": torch.from_numpy(labels),
                "position_ids": torch.from_numpy(positions)}
