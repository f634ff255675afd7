"""decode(encode(x)) == x for every adaptation mode, on shipped Estonian and English text."""

from __future__ import annotations

import pytest

from langadapt.vocab.load import load_tokenizer

OUTPUTS = ["llama2_extended", "appended", "bytelevel_extended", "replaced", "optimized"]


def _roundtrip_failures(tokenizer_dir, lines: list[str]) -> list[str]:
    backend = load_tokenizer(tokenizer_dir).backend_tokenizer
    encoded = backend.encode_batch(lines, add_special_tokens=False)
    decoded = backend.decode_batch([e.ids for e in encoded], skip_special_tokens=False)
    return [line for line, back in zip(lines, decoded) if line != back]


@pytest.mark.parametrize("output", OUTPUTS)
def test_roundtrip_on_sample(request, output, sample_lines):
    out, _ = request.getfixturevalue(output)
    assert len(sample_lines) > 1000  # every 20th line of every shipped text file
    assert _roundtrip_failures(out, sample_lines) == []


@pytest.mark.slow
@pytest.mark.parametrize("output", OUTPUTS)
def test_roundtrip_on_all_shipped_text(request, output, all_lines):
    out, _ = request.getfixturevalue(output)
    assert _roundtrip_failures(out, all_lines) == []
