"""SFT loss mask: exactly the assistant tokens and their EOS are trained."""

from __future__ import annotations

from langadapt.train.formats import ensure_chat_template, tokenize_conversation
from langadapt.train.packing import IGNORE_INDEX, pack_whole

CONVERSATION = [
    {"role": "user", "content": "Tõlgi inglise keelde: Tere!"},
    {"role": "assistant", "content": "Hello!"},
    {"role": "user", "content": "And 'head aega'?"},
    {"role": "assistant", "content": "Goodbye."},
]


def test_two_turn_mask_covers_exactly_assistant_text_and_eos(tiny_tokenizer):
    tok = tiny_tokenizer
    ensure_chat_template(tok)
    ids, mask = tokenize_conversation(tok, CONVERSATION)
    assert tok.decode(ids) == tok.apply_chat_template(CONVERSATION, tokenize=False)
    trained = [i for i, m in zip(ids, mask) if m]
    expected = (tok("Hello!", add_special_tokens=False)["input_ids"] + [tok.eos_token_id]
                + tok("Goodbye.", add_special_tokens=False)["input_ids"] + [tok.eos_token_id])
    assert trained == expected
    # The trained spans are contiguous and each ends with EOS.
    spans, current = [], []
    for token, m in zip(ids, mask):
        if m:
            current.append(token)
        elif current:
            spans.append(current)
            current = []
    assert len(spans) == 2 and all(span[-1] == tok.eos_token_id for span in spans)
    # Role headers are never trained.
    role_ids = set(tok.convert_tokens_to_ids(["<|user|>", "<|assistant|>"]))
    assert not role_ids & set(trained)


def test_packed_labels_follow_the_mask(tiny_tokenizer):
    ensure_chat_template(tiny_tokenizer)
    ids, mask = tokenize_conversation(tiny_tokenizer, CONVERSATION)
    rows = pack_whole([ids], block_size=len(ids) + 5, pad_id=tiny_tokenizer.pad_token_id,
                      label_mask=[mask])
    labels = rows.labels[0, : len(ids)].tolist()
    assert [lab for lab in labels if lab != IGNORE_INDEX] == [i for i, m in zip(ids, mask) if m]
    assert (rows.labels[0, len(ids):] == IGNORE_INDEX).all()


def test_generation_prompt_matches_training_prefix(tiny_tokenizer):
    ensure_chat_template(tiny_tokenizer)
    ids, _ = tokenize_conversation(tiny_tokenizer, CONVERSATION[:2])
    prompt = tiny_tokenizer.apply_chat_template(CONVERSATION[:1], add_generation_prompt=True,
                                                tokenize=True, return_dict=True)["input_ids"]
    assert ids[: len(prompt)] == list(prompt)
