"""Batched, left-padded generation equals one-by-one generation and returns only new text."""

from __future__ import annotations

import pytest
from testlib import make_tiny_llama, read_lines

from langadapt.errors import UserError
from langadapt.evaluate.generation import (
    SamplingParams,
    TransformersBackend,
    cut_at_stop,
    generate,
    load_backend,
    register_backend,
)


@pytest.fixture(scope="module")
def prompts(shared_data):
    # Real sentences of different lengths, so batches need real left padding.
    lines = read_lines(shared_data / "et" / "ud_edt.dev.txt", 40)
    return [" ".join(line.split()[: 3 + (i * 5) % 17]) for i, line in enumerate(lines[:10])]


@pytest.fixture(scope="module")
def model(tiny_tokenizer):
    # A larger init spread than the default makes a random model's greedy output varied
    # (with 0.02 it repeats one token, and every decoding scheme would look "equal").
    return make_tiny_llama(tiny_tokenizer, initializer_range=0.3)


def test_batched_greedy_equals_one_by_one(model, tiny_tokenizer, prompts):
    assert tiny_tokenizer.pad_token_id not in (tiny_tokenizer.eos_token_id, None)
    lengths = {len(tiny_tokenizer(p)["input_ids"]) for p in prompts}
    assert len(lengths) > 3  # the batch really mixes prompt lengths
    batched = generate(model, tiny_tokenizer, prompts, batch_size=4, max_new_tokens=12,
                       progress=False)
    single = [generate(model, tiny_tokenizer, [p], batch_size=1, max_new_tokens=12,
                       progress=False)[0] for p in prompts]
    assert batched == single
    assert len(set(batched)) == len(prompts)  # varied outputs, not one repeated string
    # control: the same batch right-padded without care gives different continuations
    import torch

    enc = tiny_tokenizer(prompts, return_tensors="pt", padding=True)  # pads on the right
    with torch.inference_mode():
        out = model.generate(**enc, max_new_tokens=12, do_sample=False,
                             pad_token_id=tiny_tokenizer.pad_token_id)
    naive = [tiny_tokenizer.decode(row[enc["input_ids"].shape[1]:], skip_special_tokens=True)
             for row in out]
    assert naive != single


def test_returns_only_new_text(model, tiny_tokenizer, prompts):
    import torch

    prompt = prompts[3]
    ids = tiny_tokenizer(prompt, return_tensors="pt")["input_ids"]
    with torch.inference_mode():
        out = model.generate(ids, max_new_tokens=10, do_sample=False,
                             pad_token_id=tiny_tokenizer.pad_token_id)
    expected = tiny_tokenizer.decode(out[0, ids.shape[1]:], skip_special_tokens=True)
    ours = generate(model, tiny_tokenizer, [prompt], max_new_tokens=10, progress=False)
    assert ours == [expected]
    assert not expected.startswith(prompt)


def test_stops_at_eos(model, tiny_tokenizer, prompts):
    import torch

    ids = tiny_tokenizer(prompts[0], return_tensors="pt")["input_ids"]
    with torch.inference_mode():
        out = model.generate(ids, max_new_tokens=12, do_sample=False,
                             pad_token_id=tiny_tokenizer.pad_token_id)
    new_ids = out[0, ids.shape[1]:].tolist()
    # declare the 4th generated token an end-of-sequence token: output must end before it
    stop_id = new_ids[3]
    first = new_ids.index(stop_id)
    model.generation_config.eos_token_id = [tiny_tokenizer.eos_token_id, stop_id]
    try:
        stopped = TransformersBackend(model, tiny_tokenizer, progress=False).generate(
            prompts[:1], SamplingParams(max_new_tokens=12))[0]
    finally:
        model.generation_config.eos_token_id = tiny_tokenizer.eos_token_id
    assert stopped == tiny_tokenizer.decode(new_ids[:first], skip_special_tokens=True)
    assert len(stopped) < len(tiny_tokenizer.decode(new_ids, skip_special_tokens=True))


def test_beam_and_sampling(model, tiny_tokenizer, prompts):
    beam = generate(model, tiny_tokenizer, prompts[:4], batch_size=2, max_new_tokens=8,
                    num_beams=3, progress=False)
    beam_single = [generate(model, tiny_tokenizer, [p], max_new_tokens=8, num_beams=3,
                            progress=False)[0] for p in prompts[:4]]
    assert beam == beam_single
    kwargs = dict(max_new_tokens=8, do_sample=True, temperature=0.9, top_p=0.95, progress=False)
    one = generate(model, tiny_tokenizer, prompts[:4], seed=3, **kwargs)
    assert one == generate(model, tiny_tokenizer, prompts[:4], seed=3, **kwargs)
    assert one != generate(model, tiny_tokenizer, prompts[:4], seed=4, **kwargs)


def test_stop_strings_and_bad_params(model, tiny_tokenizer):
    assert cut_at_stop("answer\nQuestion: next", ["\nQuestion:", "###"]) == "answer"
    assert cut_at_stop("no stop here", ["###"]) == "no stop here"
    with pytest.raises(UserError, match="temperature"):
        generate(model, tiny_tokenizer, ["x"], do_sample=True, temperature=0.0, progress=False)
    with pytest.raises(UserError, match="batch_size"):
        generate(model, tiny_tokenizer, ["x"], batch_size=0, progress=False)


def test_backend_registry(model, tiny_tokenizer, tiny_model_dir):
    class Echo:
        name = "echo"

        def __init__(self, model_name: str) -> None:
            self.model_name = model_name

        def generate(self, prompts, params):
            return [p.upper() for p in prompts]

    register_backend("echo-test", Echo)
    assert load_backend("echo-test", "any").generate(["ab"], SamplingParams()) == ["AB"]
    with pytest.raises(UserError, match="unknown generation backend"):
        load_backend("nope", "any")
    hf = load_backend("hf", str(tiny_model_dir), device="cpu", progress=False)
    assert len(hf.generate(["Tere"], SamplingParams(max_new_tokens=3))) == 1
    with pytest.raises(UserError, match="not a Hugging Face model directory"):
        load_backend("hf", str(tiny_model_dir / "missing"))  # the safe loader's one-line error
