"""`langadapt serve` over real HTTP on 127.0.0.1, read by the official `openai` client: every
response type parses, streaming and batching change nothing a client sees, bad payloads are 4xx
in OpenAI's error shape, and a failed generation is a 500 after which the server serves on."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request

import pytest
from testlib import fail_forward_at_step

from langadapt.serve.server import create_app

openai = pytest.importorskip("openai")

PROMPTS = ["Tere!", "Kuidas läheb?", "Mis on Eesti pealinn?", "Tell me a story.",
           "Tartu on", "Hello", "Kas sa räägid eesti keelt?", "Aitäh!"]


def greedy(max_tokens: int = 8) -> dict:
    return {"temperature": 0, "max_tokens": max_tokens, "extra_body": {"repetition_penalty": 1.0}}


@pytest.fixture(scope="module")
def apps(model, tiny_tokenizer, run_app):
    """A batching server (with a key and limits) and a one-at-a-time server, same model."""
    batched = create_app(model, tiny_tokenizer, "tiny", api_key="secret", max_batch=8,
                         max_prompt_tokens=64, max_new_tokens=32)
    single = create_app(model, tiny_tokenizer, "tiny", max_batch=1)
    return {"batched": (run_app(batched), batched), "single": (run_app(single), single)}


@pytest.fixture(scope="module")
def client(apps):
    return openai.OpenAI(base_url=apps["batched"][0] + "/v1", api_key="secret", max_retries=0,
                         timeout=30)


@pytest.fixture(scope="module")
def open_client(apps):
    return openai.OpenAI(base_url=apps["single"][0] + "/v1", api_key="unused", max_retries=0,
                         timeout=30)


def ask(client, prompt: str, **options):
    return client.chat.completions.create(model="tiny", messages=[{"role": "user",
                                                                  "content": prompt}],
                                          **{**greedy(), **options})


def test_models_and_chat_completion_parse(client):
    assert [m.id for m in client.models.list().data] == ["tiny"]
    answer = ask(client, "Tere!")
    assert answer.object == "chat.completion" and answer.model == "tiny"
    choice = answer.choices[0]
    assert choice.message.role == "assistant" and choice.finish_reason in ("stop", "length")
    assert answer.usage.total_tokens == answer.usage.prompt_tokens + answer.usage.completion_tokens
    assert 0 < answer.usage.completion_tokens <= 8
    if choice.finish_reason == "length":
        assert answer.usage.completion_tokens == 8


def test_streamed_chat_assembles_into_the_plain_answer(client):
    plain = ask(client, "Mis on Eesti pealinn?", max_tokens=12)
    chunks = list(ask(client, "Mis on Eesti pealinn?", max_tokens=12, stream=True,
                      stream_options={"include_usage": True}))
    assert all(c.object == "chat.completion.chunk" for c in chunks)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == plain.choices[0].message.content and len(text) > 0
    finishes = [c.choices[0].finish_reason for c in chunks if c.choices and
                c.choices[0].finish_reason]
    assert finishes == [plain.choices[0].finish_reason]
    assert chunks[-1].choices == [] and chunks[-1].usage.completion_tokens == \
        plain.usage.completion_tokens
    assert sum(1 for c in chunks if c.choices and c.choices[0].delta.content) > 1  # streamed


def test_completions_plain_and_streamed(client):
    plain = client.completions.create(model="tiny", prompt="Tallinn on Eesti", **greedy(10))
    assert plain.object == "text_completion" and plain.choices[0].text
    chunks = list(client.completions.create(model="tiny", prompt="Tallinn on Eesti", stream=True,
                                            **greedy(10)))
    assert "".join(c.choices[0].text for c in chunks if c.choices) == plain.choices[0].text
    assert chunks[-1].usage.completion_tokens == plain.usage.completion_tokens


def test_stop_strings_and_n_choices(client):
    full = ask(client, "Tell me a story.", max_tokens=16).choices[0].message.content
    stop = full[3:5]
    cut = ask(client, "Tell me a story.", max_tokens=16, stop=[stop])
    assert cut.choices[0].message.content == full[:full.find(stop)]
    assert cut.choices[0].finish_reason == "stop"
    many = ask(client, "Tere!", temperature=1.0, seed=5, n=3, max_tokens=8)
    assert [c.index for c in many.choices] == [0, 1, 2]
    again = ask(client, "Tere!", temperature=1.0, seed=5, n=3, max_tokens=8)
    assert [c.message.content for c in again.choices] == [c.message.content for c in many.choices]
    streamed = list(ask(client, "Tere!", temperature=1.0, seed=5, n=3, max_tokens=8, stream=True))
    texts = ["", "", ""]
    for c in streamed:
        for choice in c.choices:
            texts[choice.index] += choice.delta.content or ""
    assert texts == [c.message.content for c in many.choices]


def test_batched_answers_equal_one_by_one_answers(apps, client, open_client):
    """16 concurrent greedy and seeded requests: batched, each gets what it gets alone."""
    requests = [(p, {}) for p in PROMPTS] + [(p, {"temperature": 0.9, "seed": i, "top_p": 0.8})
                                             for i, p in enumerate(PROMPTS)]
    alone = [ask(open_client, p, **o).choices[0].message.content for p, o in requests]
    engine = apps["batched"][1].state.engine
    before = len(engine.batch_sizes)
    together: list = [None] * len(requests)

    def one(i):
        together[i] = ask(client, requests[i][0], **requests[i][1]).choices[0].message.content

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(requests))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert together == alone
    assert max(engine.batch_sizes[before:]) > 1, "the concurrent requests were not batched"


def test_auth(apps, client):
    url = apps["batched"][0]
    anonymous = openai.OpenAI(base_url=url + "/v1", api_key="wrong", max_retries=0)
    with pytest.raises(openai.AuthenticationError):
        anonymous.models.list()
    with pytest.raises(openai.AuthenticationError):
        ask(anonymous, "Tere!")
    # the health check and the page need no key; the open server needs none at all
    assert get(url + "/health")[0] == 200 and get(url + "/")[0] == 200
    assert get(apps["single"][0] + "/v1/models")[0] == 200


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def post(url: str, body: bytes | dict, key: str | None = "secret") -> tuple[int, dict]:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = {"Content-Type": "application/json"}
    if key:
        headers["Authorization"] = f"Bearer {key}"
    request = urllib.request.Request(url, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


MESSAGES = [{"role": "user", "content": "Tere!"}]


@pytest.mark.parametrize(("path", "body", "needle"), [
    ("chat/completions", b'{"messages": [', "JSON"),
    ("chat/completions", {"messages": "Tere"}, "messages"),
    ("chat/completions", {"messages": MESSAGES, "temperature": "hot"}, "temperature"),
    ("chat/completions", {"messages": MESSAGES, "max_tokens": 2.5}, "max_tokens"),
    ("chat/completions", {"messages": MESSAGES, "stream": "yes"}, "stream"),
    ("chat/completions", {"messages": []}, "messages"),
    ("chat/completions", {"messages": [{"role": "wizard", "content": "x"}]}, "role"),
    ("chat/completions", {"messages": [{"role": "user"}]}, "content"),
    ("chat/completions", {"messages": [{"role": "user", "content": "sõna " * 200}]},
     "--max-prompt-tokens"),
    ("chat/completions", {"messages": MESSAGES, "max_tokens": 33}, "--max-new-tokens"),
    ("chat/completions", {"messages": MESSAGES, "model": "gpt-9"}, "gpt-9"),
    ("chat/completions", {"messages": MESSAGES, "n": 0}, "n"),
    ("chat/completions", {"messages": MESSAGES, "top_p": 0}, "top_p"),
    ("chat/completions", {"messages": MESSAGES, "stream": True, "max_tokens": 99},
     "--max-new-tokens"),
    ("completions", {"prompt": 3}, "prompt"),
    ("completions", {}, "prompt"),
    ("completions", {"prompt": "x " * 100}, "--max-prompt-tokens"),
])
def test_bad_payloads_are_4xx_in_openai_shape(apps, path, body, needle):
    url = apps["batched"][0]
    status, answer = post(f"{url}/v1/{path}", body)
    assert status in (400, 422), answer
    error = answer["error"]
    assert error["type"] == "invalid_request_error" and needle in error["message"], error
    assert get(url + "/health")[0] == 200


def test_unauthorised_bad_payload_is_401_first(apps):
    status, answer = post(apps["batched"][0] + "/v1/chat/completions", {"messages": []}, None)
    assert status == 401 and answer["error"]["type"] == "authentication_error"


@pytest.mark.parametrize("stream", [False, True])
def test_a_failed_generation_is_500_then_the_next_request_succeeds(client, model, monkeypatch,
                                                                   stream):
    fail_forward_at_step(model, monkeypatch, 1)
    with pytest.raises(openai.InternalServerError, match="NaN logits"):
        result = ask(client, "Tere!", stream=stream)
        if stream:
            list(result)
    monkeypatch.undo()
    start = time.monotonic()
    answer = ask(client, "Tere!")
    assert answer.choices[0].message.role == "assistant" and time.monotonic() - start < 5


def test_a_failure_mid_stream_ends_that_stream_with_an_error_event(apps, model, monkeypatch):
    fail_forward_at_step(model, monkeypatch, 3)
    request = urllib.request.Request(
        apps["batched"][0] + "/v1/chat/completions",
        data=json.dumps({"messages": MESSAGES, "stream": True, "temperature": 0,
                         "max_tokens": 10}).encode(),
        headers={"Authorization": "Bearer secret", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=20) as response:
        events = [line.decode().removeprefix("data: ").strip() for line in response
                  if line.strip()]
    assert events[-1] == "[DONE]" and "NaN logits" in json.loads(events[-2])["error"]["message"]
    monkeypatch.undo()
    assert get(apps["batched"][0] + "/health")[0] == 200
