"""`eval --endpoint`: every decoding setting and prompt format of a task does what it says."""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler

import pytest
from testlib import local_api

from langadapt.cli import main
from langadapt.errors import UserError
from langadapt.evaluate.endpoint import EndpointRunner
from langadapt.evaluate.generation import SamplingParams
from langadapt.train.formats import alpaca_prompt


class FakeAPI(BaseHTTPRequestHandler):
    """An OpenAI-style API that records each request; chat and text completions answer "Tere"."""

    seen: list[tuple[str, dict]] = []
    completions = True  # False: like a chat-only hosted API, /completions is a 404

    def do_POST(self):  # noqa: N802 (http.server's name)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeAPI.seen.append((self.path, body))
        if self.path == "/v1/chat/completions":
            answer = {"choices": [{"message": {"role": "assistant", "content": "Tere\nrest"}}]}
        elif self.path == "/v1/completions" and FakeAPI.completions:
            answer = {"choices": [{"text": " Tere\nrest"}]}
        else:
            answer = {"error": {"message": f"no route {self.path}", "type": "invalid_request_error",
                                "code": None}}
        self.send_response(200 if "choices" in answer else 404)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(json.dumps(answer).encode())

    def log_message(self, *args):
        pass


@pytest.fixture()
def endpoint():
    FakeAPI.seen, FakeAPI.completions = [], True
    with local_api(FakeAPI) as url:
        yield url


def run(endpoint: str, fmt: str, params: SamplingParams, system: str | None = None) -> list[str]:
    runner = EndpointRunner(endpoint, "m")
    return runner.generate([runner.render("Tõlgi: Hello", fmt, system)], fmt, params, 1)


def test_chat_format_sends_messages_and_plain_sends_the_raw_prompt(endpoint):
    assert run(endpoint, "chat", SamplingParams(max_new_tokens=5), system="Ole lühike.") == [
        "Tere\nrest"]
    path, body = FakeAPI.seen[-1]
    assert path == "/v1/chat/completions" and body["messages"] == [
        {"role": "system", "content": "Ole lühike."}, {"role": "user", "content": "Tõlgi: Hello"}]
    assert run(endpoint, "plain", SamplingParams(max_new_tokens=5), system="Ole lühike.") == [
        " Tere\nrest"]
    path, body = FakeAPI.seen[-1]
    # the text a local `format: plain` run tokenises: preamble, blank line, prompt; no template
    assert path == "/v1/completions" and body["prompt"] == "Ole lühike.\n\nTõlgi: Hello"
    assert "messages" not in body
    run(endpoint, "alpaca", SamplingParams(max_new_tokens=5))
    assert FakeAPI.seen[-1] == ("/v1/completions", {**FakeAPI.seen[-1][1],
                                                    "prompt": alpaca_prompt("Tõlgi: Hello")})


def test_top_k_and_repetition_penalty_are_sent(endpoint):
    run(endpoint, "chat", SamplingParams(max_new_tokens=7, do_sample=True, temperature=0.7,
                                         top_p=0.9, top_k=20, repetition_penalty=1.2, seed=3))
    body = FakeAPI.seen[-1][1]
    assert {k: body[k] for k in ("max_tokens", "temperature", "top_p", "top_k",
                                 "repetition_penalty", "seed")} == {
        "max_tokens": 7, "temperature": 0.7, "top_p": 0.9, "top_k": 20,
        "repetition_penalty": 1.2, "seed": 3}
    run(endpoint, "plain", SamplingParams(max_new_tokens=7, repetition_penalty=1.3))
    body = FakeAPI.seen[-1][1]
    assert body["repetition_penalty"] == 1.3 and body["temperature"] == 0  # greedy
    # neutral values are left out, so an API without these extensions (OpenAI's) still answers
    run(endpoint, "chat", SamplingParams(max_new_tokens=7))
    assert set(FakeAPI.seen[-1][1]) == {"model", "messages", "max_tokens", "temperature"}


def test_an_endpoint_without_text_completions_says_what_to_do(endpoint):
    FakeAPI.completions = False
    with pytest.raises(UserError, match=r"HTTP 404: no route /v1/completions.*use format: chat"):
        run(endpoint, "plain", SamplingParams(max_new_tokens=5))


def test_beam_search_and_bad_settings_are_refused_before_any_request(endpoint):
    with pytest.raises(UserError, match="beam search"):
        run(endpoint, "chat", SamplingParams(num_beams=2))
    with pytest.raises(UserError, match="repetition_penalty must be > 0"):
        run(endpoint, "chat", SamplingParams(repetition_penalty=0))
    assert FakeAPI.seen == []


def test_eval_task_settings_reach_the_endpoint(endpoint, tmp_path, shared_data, capsys):
    tasks = tmp_path / "tasks.yaml"
    tasks.write_text(
        f"- {{name: mt, type: mt, source: {shared_data / 'bitext/flores200_dev.en'}, "
        f"reference: {shared_data / 'bitext/flores200_dev.et'}, source_lang: en, "
        f"target_lang: et, prompts: [en-translate], limit: 2, max_new_tokens: 6, format: plain, "
        f"do_sample: true, temperature: 0.8, top_k: 40, repetition_penalty: 1.15, seed: 1}}\n")
    assert main(["eval", "--endpoint", endpoint, "--model", "m", "--tasks", str(tasks),
                 "--out", str(tmp_path / "out")]) == 0
    assert len(FakeAPI.seen) == 2 and all(path == "/v1/completions" for path, _ in FakeAPI.seen)
    body = FakeAPI.seen[0][1]
    assert (body["top_k"], body["repetition_penalty"], body["temperature"]) == (40, 1.15, 0.8)
    assert (tmp_path / "out" / "mt.hyp.txt").read_text() == "Tere\nTere\n"
