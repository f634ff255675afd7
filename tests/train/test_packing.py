"""Packing: row layout at document boundaries and isolation of packed documents."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from testlib import make_tiny_llama

from langadapt.train.packing import IGNORE_INDEX, pack_stream, pack_whole


def test_stream_packing_resets_positions_and_masks_boundaries():
    rows = pack_stream([[11, 12, 13], [21, 22, 23, 24, 25], [31]], block_size=4, pad_id=0)
    assert rows.input_ids.tolist() == [[11, 12, 13, 21], [22, 23, 24, 25], [31, 0, 0, 0]]
    assert rows.position_ids.tolist() == [[0, 1, 2, 0], [0, 1, 2, 3], [0, 0, 1, 2]]
    # A segment's first token is never a target of the previous segment's last token.
    assert rows.labels.tolist() == [[IGNORE_INDEX, 12, 13, IGNORE_INDEX],
                                    [IGNORE_INDEX, 23, 24, 25],
                                    [IGNORE_INDEX] * 4]
    assert rows.real_tokens == 9 and rows.utilization == pytest.approx(9 / 12)


def test_stream_packing_loses_no_token():
    rng = np.random.default_rng(0)
    docs = [list(rng.integers(5, 100, size=rng.integers(1, 40))) for _ in range(200)]
    rows = pack_stream(docs, block_size=64, pad_id=0)
    flat = rows.input_ids.reshape(-1)[: rows.real_tokens]
    assert flat.tolist() == [t for d in docs for t in d]
    assert rows.input_ids.size - rows.real_tokens < 64


def test_whole_packing_keeps_sequences_intact_and_applies_mask():
    seqs = [[1, 2, 3], [4, 5, 6, 7, 8], [9], [10, 11]]
    masks = [[0, 1, 1], [1] * 5, [1], [0, 1]]
    rows = pack_whole(seqs, block_size=4, pad_id=0, label_mask=masks)
    assert rows.truncated == 1  # [4..8] is longer than a row
    found = []
    for ids, pos in zip(rows.input_ids.tolist(), rows.position_ids.tolist()):
        segment = []
        for token, p in zip(ids, pos):
            if p == 0 and segment:
                found.append(segment)
                segment = []
            segment.append(token)
        found.append(segment)
    real = [s for s in found if any(s)]
    assert sorted(real) == sorted([[1, 2, 3], [4, 5, 6, 7], [9], [10, 11]])
    labelled = set(rows.labels[rows.labels != IGNORE_INDEX].tolist())
    assert labelled == {2, 3, 5, 6, 7, 11}  # masked tokens and segment starts carry no label


def _tiny_qwen2(vocab: int):
    from transformers import Qwen2Config, Qwen2ForCausalLM

    torch.manual_seed(0)
    return Qwen2ForCausalLM(Qwen2Config(
        vocab_size=vocab, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=256)).eval()


@pytest.mark.parametrize("family", ["llama", "qwen2"])
def test_packed_logits_equal_unpacked(tiny_tokenizer, family):
    model = make_tiny_llama(tiny_tokenizer) if family == "llama" else _tiny_qwen2(len(tiny_tokenizer))
    texts = ["Tere hommikust, kallis sõber!", "The cat sat on the mat.", "Üks kaks kolm neli viis."]
    docs = [tiny_tokenizer(t)["input_ids"] for t in texts]
    rows = pack_stream(docs, block_size=sum(len(d) for d in docs), pad_id=0)
    with torch.no_grad():
        packed = model(input_ids=torch.from_numpy(rows.input_ids),
                       position_ids=torch.from_numpy(rows.position_ids), use_cache=False).logits[0]
        offset = 0
        for doc in docs:
            alone = model(input_ids=torch.tensor([doc]), use_cache=False).logits[0]
            torch.testing.assert_close(packed[offset:offset + len(doc)], alone, atol=1e-5, rtol=0)
            offset += len(doc)
