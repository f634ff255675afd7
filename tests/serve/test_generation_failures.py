"""Streamed generation cannot hang: a failure in the generation thread reaches the consumer, an
abandoned stream stops its generation, and bad sampling settings are one line up front."""

from __future__ import annotations

import io
import threading

import pytest
from testlib import fail_forward_at_step

from langadapt.cli import main
from langadapt.errors import UserError
from langadapt.serve.chat import LocalReplier, SamplingOptions, chat_loop

TURN = [{"role": "user", "content": "Tere!"}]


@pytest.fixture()
def replier(model, tiny_tokenizer):
    return LocalReplier(model, tiny_tokenizer)


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


def test_an_exception_in_the_model_reaches_the_consumer(replier, model, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("CUDA out of memory (simulated)")

    monkeypatch.setattr(model, "forward", broken)
    options = SamplingOptions(temperature=0, max_new_tokens=4)
    _, error = consume(lambda: replier.stream(TURN, options))
    assert isinstance(error, RuntimeError) and "out of memory" in str(error)
    monkeypatch.undo()
    _, error = consume(lambda: replier.stream(TURN, options))  # the engine serves on
    assert error is None


def test_a_failure_inside_transformers_reaches_the_consumer(model, tiny_tokenizer):
    from langadapt.evaluate.generation import SamplingParams
    from langadapt.serve.engine import BatchEngine

    # a token id the embedding has no row for: the forward pass itself fails
    engine = BatchEngine(model, tiny_tokenizer)
    job = engine.submit([len(tiny_tokenizer) + 10], [SamplingParams(max_new_tokens=3)])
    _, error = consume(job.pieces)
    assert isinstance(error, IndexError)


def test_a_failure_mid_stream_ends_the_stream_with_the_error(replier, model, monkeypatch):
    calls = fail_forward_at_step(model, monkeypatch, 3)
    options = SamplingOptions(temperature=0, repetition_penalty=1.0, max_new_tokens=10)
    _, error = consume(lambda: replier.stream(TURN, options))
    assert isinstance(error, FloatingPointError) and calls["n"] == 3


def test_an_abandoned_stream_stops_its_generation(replier, model, monkeypatch):
    real, calls = model.forward, {"n": 0}
    monkeypatch.setattr(model, "forward", lambda *a, **k: calls.update(n=calls["n"] + 1)
                        or real(*a, **k))
    stream = replier.stream(TURN, SamplingOptions(temperature=0, max_new_tokens=400))
    next(stream)
    stream.close()  # a client that went away: its row is dropped at the next token
    _, error = consume(lambda: replier.stream(TURN, SamplingOptions(max_new_tokens=2)))
    assert error is None and calls["n"] < 50  # not 400 steps for the abandoned one


def test_sampling_settings_are_checked_when_the_stream_is_made(replier):
    with pytest.raises(UserError, match="repetition_penalty must be > 0"):
        replier.stream(TURN, SamplingOptions(repetition_penalty=0))


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


def test_chat_loop_reports_a_failure_and_chats_on(replier, model, monkeypatch):
    real = model.forward
    calls = {"n": 0}

    def fails_first(*args, **kwargs):
        calls["n"] += 1
        return 1 / 0 if calls["n"] == 1 else real(*args, **kwargs)

    monkeypatch.setattr(model, "forward", fails_first)
    options = SamplingOptions(temperature=0, max_new_tokens=4)
    out, err = io.StringIO(), io.StringIO()
    codes, error = consume(lambda: [chat_loop(replier, options, stdin=io.StringIO("Tere!\nVeel\n"),
                                              out=out, err=err)])
    assert error is None and codes == [0]
    assert err.getvalue() == "langadapt: generation failed: ZeroDivisionError: division by zero\n"
    assert calls["n"] > 1  # the second line was answered
