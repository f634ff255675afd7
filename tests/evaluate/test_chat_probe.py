"""The chat probe counts answers that end their turn with EOS, in the model's chat format."""

from __future__ import annotations

from pathlib import Path

import torch

from langadapt.evaluate.chat_probe import ChatProbe, turn_endings
from langadapt.modeling import load_model_and_tokenizer

DEMO = Path(__file__).resolve().parents[2] / "demo"


def test_eos_rate_follows_what_generate_returns(tmp_path, monkeypatch):
    text = tmp_path / "prompts.et.txt"
    text.write_text("\ufeffTere!\r\nKuidas läheb?\n\nMis kell on?\nHead aega\n", encoding="utf-8")
    probe = ChatProbe.model_validate({"text": text, "template": "Vasta: {text}", "limit": 3,
                                      "max_new_tokens": 5})
    assert probe.prompts() == ["Vasta: Tere!", "Vasta: Kuidas läheb?", "Vasta: Mis kell on?"]
    model, tokenizer = load_model_and_tokenizer(str(DEMO / "base-model"))
    eos = tokenizer.eos_token_id
    seen = []

    def fake_generate(input_ids, attention_mask, **kwargs):
        seen.append(tokenizer.decode(input_ids[0][attention_mask[0].bool()]))
        width = input_ids.shape[1]
        tails = [[5, 6, eos, 0, 0], [7, 8, 9, 10, 11], [eos, 0, 0, 0, 0]][:len(input_ids)]
        return torch.cat([input_ids, torch.tensor(tails)], dim=1)[:, : width + 5]

    monkeypatch.setattr(model, "generate", fake_generate)
    result = turn_endings(model, tokenizer, probe, batch_size=8)
    assert result["prompts"] == 3
    # rows are generated longest prompt first; two of the three canned answers end with EOS
    assert result["eos_rate"] == round(2 / 3, 4)
    assert "<|user|>" in seen[0] and seen[0].count(tokenizer.bos_token or "<s>") <= 1
