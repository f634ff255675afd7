"""Terminal chat: streamed replies, history, commands, Ctrl-C, local or against an endpoint."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest

from langadapt.serve import chat
from langadapt.serve.chat import (
    EndpointReplier,
    LocalReplier,
    SamplingOptions,
    chat_loop,
)


class Scripted:
    """A replier that records what it was asked and answers from a script."""

    def __init__(self, answers=None, interrupt_at: int | None = None):
        self.seen: list[list[dict]] = []
        self.options: list[SamplingOptions] = []
        self.answers, self.interrupt_at = answers, interrupt_at

    def stream(self, messages, options):
        self.seen.append([dict(m) for m in messages])
        self.options.append(options)
        for i, piece in enumerate(["Tere", " tulemast", "!"]):
            if self.interrupt_at is not None and len(self.seen) == 1 and i == self.interrupt_at:
                raise KeyboardInterrupt
            yield piece


def run(lines: str, replier, options=None, system=None):
    out, err = io.StringIO(), io.StringIO()
    code = chat_loop(replier, options or SamplingOptions(), system=system,
                     stdin=io.StringIO(lines), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_history_reset_and_system(tmp_path):
    replier = Scripted()
    code, out, _ = run("Tere!\n\nKuidas läheb?\n/reset\n/system Ole lühike.\nVeel\n", replier,
                       system="Ole abivalmis.")
    assert code == 0
    assert [[m["role"] for m in seen] for seen in replier.seen] == [
        ["system", "user"], ["system", "user", "assistant", "user"], ["system", "user"]]
    assert replier.seen[-1][0]["content"] == "Ole lühike."
    assert replier.seen[1][2]["content"] == "Tere tulemast!"
    assert out.count("Tere tulemast!\n") == 3


def test_params_change_the_next_answer_and_bad_ones_are_one_line():
    replier = Scripted()
    code, out, err = run("/params temperature=0 max_tokens=7 seed=3\n/params top_p=2\n"
                         "/params nonsense=1\nTere\n", replier)
    assert code == 0
    used = replier.options[0]
    assert (used.temperature, used.max_new_tokens, used.seed) == (0.0, 7, 3)
    lines = err.splitlines()
    assert lines[0] == "langadapt: top_p must be in (0, 1], got 2.0"
    assert lines[1].startswith("langadapt: nonsense=1: expected NAME=VALUE")
    assert "temperature=0.0" in out


def test_save_appends_the_conversation_as_messages_jsonl(tmp_path):
    from langadapt.conversations import record_messages

    target = tmp_path / "chat.jsonl"
    _, out, _ = run(f"Tere!\n/save {target}\nVeel\n/save {target}\n", Scripted(), system="S")
    records = [json.loads(line) for line in target.read_text().splitlines()]
    assert [len(r["messages"]) for r in records] == [3, 5]
    # the project's conversation contract reads it back as it is
    assert record_messages(records[1], target, 2)[-1] == {"role": "assistant",
                                                         "content": "Tere tulemast!"}
    assert "appended this conversation (3 messages)" in out


def test_ctrl_c_stops_the_answer_not_the_chat():
    replier = Scripted(interrupt_at=2)
    code, out, _ = run("Tere!\nVeel\n", replier)
    assert code == 0 and "Tere tulemast [stopped]\n" in out
    # the partial answer stays in the history; the next line is answered
    assert replier.seen[1][1] == {"role": "assistant", "content": "Tere tulemast"}
    assert out.endswith("Tere tulemast!\n")


def test_ctrl_c_cancels_a_local_generation(model, tiny_tokenizer, monkeypatch):
    """Ctrl-C while a local model writes: its engine row is cancelled, the chat goes on."""
    replier = LocalReplier(model, tiny_tokenizer)
    real, calls = model.forward, {"n": 0}
    monkeypatch.setattr(model, "forward", lambda *a, **k: calls.update(n=calls["n"] + 1)
                        or real(*a, **k))
    real_stream, first = replier.stream, {"done": False}

    def interrupting(messages, options):
        stream = real_stream(messages, options)
        if first["done"]:
            return stream
        first["done"] = True

        def pressed_ctrl_c():  # the signal arrives while the chat waits on the engine
            yield next(stream)
            stream.throw(KeyboardInterrupt)
        return pressed_ctrl_c()

    monkeypatch.setattr(replier, "stream", interrupting)
    options = SamplingOptions(temperature=0, max_new_tokens=300)
    code, out, err = run("Tere!\n/params max_tokens=3\nVeel\n", replier, options)
    assert code == 0 and "[stopped]" in out and err == ""
    assert replier.engine.batch_sizes == [1, 1]
    assert calls["n"] < 50  # the first answer was cancelled, not written to the end


def test_local_model_answers_like_the_server_engine(model, tiny_tokenizer):
    from langadapt.serve.engine import BatchEngine

    options = SamplingOptions(temperature=0, max_new_tokens=6)
    messages = [{"role": "user", "content": "Tere!"}]
    local = "".join(LocalReplier(model, tiny_tokenizer).stream(messages, options))
    ids = chat.chat_prompt_ids(tiny_tokenizer, messages)
    engine = BatchEngine(model, tiny_tokenizer)
    assert "".join(engine.submit(ids, [options.params()]).pieces()) == local


def test_sampling_defaults_follow_llammas():
    kwargs = SamplingOptions().generate_kwargs()
    assert kwargs["temperature"] == 0.6 and kwargs["top_p"] == 0.9
    assert kwargs["repetition_penalty"] == 1.2 and kwargs["do_sample"]
    assert not SamplingOptions(temperature=0).generate_kwargs()["do_sample"]


def test_cli_answers_from_a_pipe(tiny_model_dir):
    proc = subprocess.run(
        [sys.executable, "-m", "langadapt", "chat", str(tiny_model_dir), "--max-new-tokens", "4",
         "--seed", "1"], input="Tere!\n", capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.endswith("\n") and "Traceback" not in proc.stderr


def test_cli_missing_model_is_a_user_error(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "langadapt", "chat", str(tmp_path / "none")],
                          input="", capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr


@pytest.mark.parametrize("argv", [["chat"], ["chat", "m", "--endpoint", "http://127.0.0.1:9/v1"]])
def test_cli_needs_exactly_one_of_model_and_endpoint(argv, capsys):
    from langadapt.cli import main

    assert main(argv) == 2
    assert capsys.readouterr().err == (
        "langadapt: error: chat: give either MODEL or --endpoint URL (one of them)\n")


def test_cli_unreachable_endpoint_is_one_line(capsys):
    from langadapt.cli import main
    from langadapt.serve.cli import is_loopback  # noqa: F401 (the module loads without torch)

    assert main(["chat", "--endpoint", "http://127.0.0.1:9/v1"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("langadapt: error: --endpoint http://127.0.0.1:9/v1: ")
    assert err.count("\n") == 1


def test_chat_against_a_running_server(model, tiny_tokenizer, run_app):
    """`langadapt chat --endpoint`: the same answer as the local chat, streamed over HTTP."""
    from langadapt.serve.server import create_app

    url = run_app(create_app(model, tiny_tokenizer, "tiny", api_key="k")) + "/v1"
    options = SamplingOptions(temperature=0, max_new_tokens=6)
    messages = [{"role": "user", "content": "Tere!"}]
    remote = EndpointReplier(url, api_key="k")
    assert remote.model == "tiny"
    local = "".join(LocalReplier(model, tiny_tokenizer).stream(messages, options))
    assert "".join(remote.stream(messages, options)) == local
    with pytest.raises(Exception, match="HTTP 401"):
        EndpointReplier(url)
