"""Streamed generation cannot hang: a failure in the generation thread reaches the consumer, an
abandoned stream stops its generation, and bad sampling settings are one line up front."""

from __future__ import annotations

import io
import threading

import pytest
from testlib import fail_forward_at_step, make_tiny_llama

from langadapt.cli import main
from langadapt.errors import UserError
from langadapt.evaluate.generation import SamplingParams, stream_generate
from langadapt.serve.chat import SamplingOptions, chat_loop, generate_stream
from langadapt.train.formats import ensure_chat_template

TURN = [{"role": "user", "content": "Tere!"}]


@pytest.fixture()
def model(tiny_tokenizer):
    ensure_chat_template(tiny_tokenizer)
    return make_tiny_llama(tiny_tokenizer, initializer_range=0.3)


def consume(stream_factory, timeout: float = 10.0) -> tuple[list[str], BaseException | None]:
    """Iterate a stream in a thread; fail the test (instead of hanging it) after ``timeout``."""
    pieces: list[str] = []
    outcome: dict = {}

    def run() -> None:
        try:
            pieces.extend(stream_factory())
        except BaseException as err:  # noqa: BLE001 (what the test looks at)
            outcome["error"] = err

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(timeout)
    assert not thread.is_alive(), f"the stream still waits after {timeout} s: generation hangs"
    return pieces, outcome.get("error")


def no_generation_thread_left() -> bool:
    return not any(t.name == "langadapt-generate" and t.is_alive() for t in threading.enumerate())


def test_an_exception_in_generate_reaches_the_consumer(model, tiny_tokenizer, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("CUDA out of memory (simulated)")

    monkeypatch.setattr(model, "generate", broken)
    options = SamplingOptions(temperature=0, max_new_tokens=4)
    _, error = consume(lambda: generate_stream(model, tiny_tokenizer, TURN, options))
    assert isinstance(error, RuntimeError) and "out of memory" in str(error)
    assert no_generation_thread_left()


def test_a_failure_inside_transformers_reaches_the_consumer(model, tiny_tokenizer):
    import torch

    # a token id the embedding has no row for: generate fails inside the model's forward pass
    inputs = {"input_ids": torch.tensor([[len(tiny_tokenizer) + 10]])}
    _, error = consume(lambda: stream_generate(model, tiny_tokenizer, inputs,
                                               SamplingParams(max_new_tokens=3)))
    assert isinstance(error, IndexError)


def test_a_failure_mid_stream_ends_the_stream_with_the_error(model, tiny_tokenizer, monkeypatch):
    calls = fail_forward_at_step(model, monkeypatch, 3)
    options = SamplingOptions(temperature=0, repetition_penalty=1.0, max_new_tokens=10)
    _, error = consume(lambda: generate_stream(model, tiny_tokenizer, TURN, options))
    assert isinstance(error, FloatingPointError) and calls["n"] == 3


def test_an_abandoned_stream_stops_its_generation(model, tiny_tokenizer):
    options = SamplingOptions(temperature=0, max_new_tokens=400)
    usage: dict = {}
    stream = generate_stream(model, tiny_tokenizer, TURN, options, usage)
    next(stream)
    stream.close()  # a client that went away: the worker is stopped and joined, not left running
    assert no_generation_thread_left() and usage == {}


def test_a_normal_stream_reports_usage(model, tiny_tokenizer):
    usage: dict = {}
    options = SamplingOptions(temperature=0, max_new_tokens=5)
    pieces, error = consume(lambda: generate_stream(model, tiny_tokenizer, TURN, options, usage))
    assert error is None and usage["completion_tokens"] <= 5 and usage["prompt_tokens"] > 0


@pytest.mark.parametrize(("option", "value", "message"), [
    ("--repetition-penalty", "0", "--repetition-penalty must be > 0"),
    ("--temperature", "-0.5", "--temperature must be >= 0"),
    ("--temperature", "nan", "--temperature must be a finite number"),
    ("--top-p", "0", "--top-p must be in (0, 1]"),
    ("--top-p", "1.5", "--top-p must be in (0, 1]"),
    ("--top-k", "-1", "--top-k must be >= 0"),
    ("--max-new-tokens", "0", "--max-new-tokens must be at least 1"),
])
def test_chat_rejects_bad_settings_in_one_line_before_loading(tiny_model_dir, monkeypatch,
                                                              capsys, option, value, message):
    monkeypatch.setattr("sys.stdin", io.StringIO("Tere!\n"))
    assert main(["chat", str(tiny_model_dir), option, value]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith(f"langadapt: error: {message}")
    assert captured.err.count("\n") == 1 and "Traceback" not in captured.err
    assert captured.out == ""  # no reply was attempted


def test_chat_checks_settings_before_the_model(tmp_path, capsys):
    assert main(["chat", str(tmp_path / "no-model"), "--repetition-penalty", "0"]) == 2
    assert "--repetition-penalty" in capsys.readouterr().err  # not the missing model


def test_sampling_settings_are_checked_when_the_stream_is_made(model, tiny_tokenizer):
    with pytest.raises(UserError, match="repetition_penalty must be > 0"):
        generate_stream(model, tiny_tokenizer, TURN, SamplingOptions(repetition_penalty=0))


def test_chat_loop_surfaces_a_failure_instead_of_hanging(model, tiny_tokenizer, monkeypatch):
    monkeypatch.setattr(model, "generate", lambda **kwargs: 1 / 0)
    options = SamplingOptions(temperature=0, max_new_tokens=4)
    _, error = consume(lambda: [chat_loop(model, tiny_tokenizer, options,
                                          stdin=io.StringIO("Tere!\n"), out=io.StringIO())])
    assert isinstance(error, ZeroDivisionError)
