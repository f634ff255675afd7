"""Multi-turn loss masks, token by token, for the Llammas and Alpaca formats.

The expected mask is derived independently of the template's ``{% generation %}`` marks: the
rendered text is tokenised with character offsets, and a token is trained exactly when it lies
inside an assistant turn's ``content + EOS`` span of that text.
"""

from __future__ import annotations

import pytest

from langadapt.train.formats import (
    ALPACA_CHAT_TEMPLATE,
    LLAMMAS_CHAT_TEMPLATE,
    ensure_chat_template,
    tokenize_conversation,
)
from langadapt.train.inputs import conversation_rows
from langadapt.train.packing import IGNORE_INDEX

CONVERSATION = [
    {"role": "system", "content": "Sa oled abivalmis assistent."},
    {"role": "user", "content": "Tõlgi inglise keelde: Tere hommikust!"},
    {"role": "assistant", "content": "Good morning!"},
    {"role": "user", "content": "Ja 'head ööd'?"},
    {"role": "assistant", "content": "Good night."},
    {"role": "user", "content": "Aitäh."},
    {"role": "assistant", "content": "Palun! Küsi julgelt veel."},
]


def _expected_mask(tok, messages) -> tuple[list[int], list[bool]]:
    text = tok.apply_chat_template(messages, tokenize=False)
    spans, cursor = [], 0
    for message in messages:
        if message["role"] == "assistant":
            piece = message["content"] + tok.eos_token
            start = text.index(piece, cursor)
            spans.append((start, start + len(piece)))
            cursor = start + len(piece)
    encoded = tok(text, add_special_tokens=False, return_offsets_mapping=True)
    mask = [any(s <= a and b <= e for s, e in spans) for a, b in encoded["offset_mapping"]]
    return encoded["input_ids"], mask


@pytest.mark.parametrize("template", [LLAMMAS_CHAT_TEMPLATE, ALPACA_CHAT_TEMPLATE],
                         ids=["llammas", "alpaca"])
@pytest.mark.parametrize("with_system", [True, False])
def test_every_assistant_turn_and_only_it_is_trained(tiny_tokenizer, template, with_system):
    tok = tiny_tokenizer
    ensure_chat_template(tok, template, override=True)
    messages = CONVERSATION if with_system else CONVERSATION[1:]
    ids, mask = tokenize_conversation(tok, messages)
    expected_ids, expected_mask = _expected_mask(tok, messages)
    assert ids == expected_ids
    for position, (token, got, want) in enumerate(zip(ids, mask, expected_mask)):
        assert got == want, f"token {position} {tok.decode([token])!r}: trained={got}"
    # three assistant turns, each ending in a trained EOS; nothing after the last one trained
    eos_trained = [i for i, (t, m) in enumerate(zip(ids, mask)) if t == tok.eos_token_id and m]
    assert len(eos_trained) == 3
    assert not any(mask[eos_trained[-1] + 1:])
    # the system and user text never carries loss
    trained_text = tok.decode([t for t, m in zip(ids, mask) if m])
    assert "Tere hommikust" not in trained_text and "abivalmis" not in trained_text


def test_packed_rows_keep_the_masks_of_every_conversation(tiny_tokenizer):
    tok = tiny_tokenizer
    ensure_chat_template(tok, LLAMMAS_CHAT_TEMPLATE, override=True)
    conversations = [CONVERSATION[1:3], CONVERSATION, CONVERSATION[3:5]]
    rows = conversation_rows(tok, conversations, block_size=256)
    assert len(rows) == 1
    trained = rows.labels[rows.labels != IGNORE_INDEX].tolist()
    expected = []
    for ids, mask in sorted((tokenize_conversation(tok, c) for c in conversations),
                            key=lambda pair: -len(pair[0])):  # best-fit-decreasing order
        expected += [t for t, m in zip(ids, mask) if m]
    assert sorted(trained) == sorted(expected)
    assert trained.count(tok.eos_token_id) == 1 + 3 + 1
