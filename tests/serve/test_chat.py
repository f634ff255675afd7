"""Terminal chat: streamed replies, multi-turn history, scriptable from a pipe."""

from __future__ import annotations

import io
import subprocess
import sys

from testlib import make_tiny_llama

from langadapt.serve import chat
from langadapt.serve.chat import SamplingOptions, chat_loop
from langadapt.train.formats import ensure_chat_template


def test_each_line_gets_a_reply_with_the_history(tiny_tokenizer, monkeypatch):
    ensure_chat_template(tiny_tokenizer)
    model = make_tiny_llama(tiny_tokenizer)
    seen = []
    real = chat.stream_reply

    def spy(model, tokenizer, messages, options, out):
        seen.append([m["role"] for m in messages])
        return real(model, tokenizer, messages, options, out)

    monkeypatch.setattr(chat, "stream_reply", spy)
    out = io.StringIO()
    options = SamplingOptions(temperature=0, max_new_tokens=5)
    assert chat_loop(model, tiny_tokenizer, options, system="Ole abivalmis.",
                     stdin=io.StringIO("Tere!\n\nKuidas läheb?\n/reset\nVeel\n"), out=out) == 0
    assert seen == [["system", "user"], ["system", "user", "assistant", "user"],
                    ["system", "user"]]
    assert out.getvalue().count("\n") >= 3  # every reply ends with a line break


def test_sampling_defaults_follow_llammas():
    kwargs = SamplingOptions().generate_kwargs()
    assert kwargs["temperature"] == 0.6 and kwargs["top_p"] == 0.9
    assert kwargs["repetition_penalty"] == 1.2 and kwargs["do_sample"]
    assert not SamplingOptions(temperature=0).generate_kwargs()["do_sample"]


def test_cli_answers_from_a_pipe(tiny_model_dir):
    proc = subprocess.run(
        [sys.executable, "-m", "langadapt", "chat", str(tiny_model_dir), "--max-new-tokens", "4",
         "--seed", "1"], input="Tere!\n", capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.endswith("\n") and "Traceback" not in proc.stderr


def test_cli_missing_model_is_a_user_error(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "langadapt", "chat", str(tmp_path / "none")],
                          input="", capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
