"""The OpenAI-compatible server, and the judge client talking to it over real HTTP."""

from __future__ import annotations

import json
import socket
import threading
import time

import pytest
from testlib import fail_forward_at_step, require

from langadapt.evaluate.judge import JudgeClient, judge_qa_predictions, parse_verdict
from langadapt.serve.server import create_app

pytest.importorskip("fastapi")


@pytest.fixture(scope="module")
def app(model, tiny_tokenizer):
    return create_app(model, tiny_tokenizer, "tiny", api_key="secret")


@pytest.fixture(scope="module")
def client(app):
    from fastapi.testclient import TestClient

    return TestClient(app, headers={"Authorization": "Bearer secret"})


GREEDY = {"messages": [{"role": "user", "content": "Tere!"}], "temperature": 0, "max_tokens": 8}


def test_api_key_is_required(app):
    from fastapi.testclient import TestClient

    assert TestClient(app).get("/v1/models").status_code == 401
    wrong = TestClient(app, headers={"Authorization": "Bearer nope"})
    assert wrong.post("/v1/chat/completions", json=GREEDY).status_code == 401


def test_models_and_completion_shape(client):
    assert client.get("/v1/models").json()["data"][0]["id"] == "tiny"
    body = client.post("/v1/chat/completions", json=GREEDY).json()
    assert body["object"] == "chat.completion"
    assert body["choices"][0]["message"]["role"] == "assistant"
    assert 0 < body["usage"]["completion_tokens"] <= 8


def test_streamed_pieces_add_up_to_the_plain_answer(client):
    plain = client.post("/v1/chat/completions", json=GREEDY).json()["choices"][0]["message"]
    with client.stream("POST", "/v1/chat/completions", json={**GREEDY, "stream": True}) as resp:
        events = [line.removeprefix("data: ") for line in resp.iter_lines() if line]
    assert events[-1] == "[DONE]"
    chunks = [json.loads(e) for e in events[:-1]]
    assert chunks[0]["choices"][0]["delta"] == {"role": "assistant", "content": ""}
    assert chunks[-2]["choices"][0]["finish_reason"] in ("stop", "length")
    assert chunks[-1]["choices"] == [] and chunks[-1]["usage"]["completion_tokens"] <= 8
    text = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks[:-1])
    assert text == plain["content"]


def within(seconds: float, call):
    """``call()``'s result; fails the test (instead of hanging it) when it takes too long."""
    result: dict = {}
    thread = threading.Thread(target=lambda: result.update(value=call()), daemon=True)
    thread.start()
    thread.join(seconds)
    assert "value" in result, f"no answer within {seconds} s: the server hangs"
    return result["value"]


def openai_error(response, status: int) -> dict:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert set(error) >= {"message", "type", "code"} and error["message"]
    return error


def test_bad_request_is_rejected(client):
    error = openai_error(client.post("/v1/chat/completions", json={"messages": []}), 400)
    assert error["type"] == "invalid_request_error" and "messages" in error["message"]
    assert openai_error(client.get("/v1/nothing"), 404)["type"] == "invalid_request_error"


@pytest.mark.parametrize(("field", "value", "message"), [
    ("repetition_penalty", 0, "repetition_penalty must be > 0"),
    ("temperature", -1, "temperature must be >= 0"),
    ("top_p", 1.5, "top_p must be in (0, 1]"),
    ("top_k", -3, "top_k must be >= 0"),
    ("max_tokens", 0, "max_tokens must be at least 1"),
])
@pytest.mark.parametrize("stream", [False, True])
def test_invalid_sampling_values_are_400_in_openai_shape(client, field, value, message, stream):
    response = client.post("/v1/chat/completions", json={**GREEDY, field: value, "stream": stream})
    error = openai_error(response, 400)
    assert error["message"].startswith(message) and error["type"] == "invalid_request_error"


@pytest.mark.parametrize("stream", [False, True])
def test_a_failed_generation_is_500_and_the_next_request_is_served(client, model, monkeypatch,
                                                                   stream):
    real = model.forward
    calls = {"n": 0}

    def fails_once(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("CUDA out of memory (simulated)")
        return real(*args, **kwargs)

    monkeypatch.setattr(model, "forward", fails_once)
    request = {**GREEDY, "stream": stream}
    first = within(10, lambda: client.post("/v1/chat/completions", json=request))
    error = openai_error(first, 500)
    assert error["type"] == "server_error" and "out of memory" in error["message"]
    # the lock was released: the next request is answered (a wedged server would block here)
    second = within(10, lambda: client.post("/v1/chat/completions", json=request))
    assert second.status_code == 200 and calls["n"] >= 2
    if stream:
        assert second.text.rstrip().endswith("data: [DONE]")
    else:
        assert second.json()["choices"][0]["message"]["role"] == "assistant"


def test_a_failure_mid_stream_ends_the_stream_with_an_error_event(client, model, monkeypatch):
    fail_forward_at_step(model, monkeypatch, 3)
    request = {**GREEDY, "repetition_penalty": 1.0, "max_tokens": 8, "stream": True}

    def read_stream():
        with client.stream("POST", "/v1/chat/completions", json=request) as resp:
            return resp.status_code, [line.removeprefix("data: ")
                                      for line in resp.iter_lines() if line]

    status, events = within(10, read_stream)
    assert status == 200 and events[-1] == "[DONE]"
    assert "NaN logits" in json.loads(events[-2])["error"]["message"]
    monkeypatch.undo()
    assert client.post("/v1/chat/completions", json=GREEDY).status_code == 200


def test_completions_give_the_local_plain_continuation(client, model, tiny_tokenizer):
    """/v1/completions: the raw prompt (with BOS, no template), as a local `format: plain` run."""
    from langadapt.evaluate.generation import generate

    prompt = "Tallinn on Eesti"
    local = generate(model, tiny_tokenizer, [prompt], max_new_tokens=6, progress=False)[0]
    body = client.post("/v1/completions", json={"prompt": prompt, "temperature": 0,
                                                "repetition_penalty": 1.0, "max_tokens": 6}).json()
    assert body["object"] == "text_completion" and body["choices"][0]["text"] == local
    assert body["usage"]["completion_tokens"] <= 6
    with client.stream("POST", "/v1/completions", json={"prompt": prompt, "temperature": 0,
                                                        "repetition_penalty": 1.0,
                                                        "max_tokens": 6, "stream": True}) as resp:
        events = [line.removeprefix("data: ") for line in resp.iter_lines() if line]
    chunks = [json.loads(e) for e in events[:-1]]
    assert "".join(c["choices"][0]["text"] for c in chunks if c["choices"]) == local


def test_parse_verdict():
    assert parse_verdict("CORRECT.") is True
    assert parse_verdict("The answer is incorrect") is False
    assert parse_verdict("Õige") is True and parse_verdict("hmm") is None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server_url(app, run_app):
    return run_app(app) + "/v1"


@pytest.fixture(scope="module")
def neutral_server_url(model, tiny_tokenizer, run_app):
    """`langadapt serve --repetition-penalty 1`: requests that leave it out get no penalty."""
    from langadapt.serve.chat import SamplingOptions

    return run_app(create_app(model, tiny_tokenizer, "tiny",
                              defaults=SamplingOptions(repetition_penalty=1.0))) + "/v1"


def test_judge_against_a_running_server_with_cache(server_url, tmp_path):
    preds = tmp_path / "qa.predictions.jsonl"
    preds.write_text("".join(json.dumps({"question": f"Küsimus {i}?", "answers": ["Tallinn"],
                                         "prediction": "Tallinn"}) + "\n" for i in range(3)))
    cache = tmp_path / "judge.sqlite"
    judge = JudgeClient(server_url, "tiny", api_key="secret", cache_path=cache)
    first = judge_qa_predictions(preds, judge)
    assert judge.requests == 3 and first["examples"] == 3
    assert first["judge_accuracy"] + first["unparsed_verdicts"] / 3 <= 1
    judge.close()
    again = JudgeClient(server_url, "tiny", api_key="secret", cache_path=cache)
    assert judge_qa_predictions(preds, again) == first and again.requests == 0


def test_eval_task_with_a_judge_adds_judge_metrics(server_url, tmp_path, tiny_model_dir,
                                                  shared_data, monkeypatch):
    from langadapt.evaluate.suite import evaluate_model, load_tasks

    monkeypatch.setenv("JUDGE_KEY", "secret")
    tasks = tmp_path / "tasks.yaml"
    tasks.write_text(
        f"- name: estqa\n  type: qa\n  test: {require(shared_data / 'qa/estqa_fewshot_5.jsonl')}\n"
        f"  prompts: [en-context-question]\n  max_new_tokens: 4\n"
        f"  judge: {{base_url: '{server_url}', model: tiny, api_key_env: JUDGE_KEY}}\n")
    results = evaluate_model(tiny_model_dir, load_tasks(tasks), tmp_path / "out")
    metrics = results["tasks"]["estqa"]["metrics"]
    assert 0 <= metrics["judge_accuracy"] <= 1 and metrics["judge_model"] == "tiny"
    assert "f1" in metrics


def test_eval_scores_a_model_behind_an_endpoint(server_url, tmp_path, tiny_model_dir,
                                                shared_data, monkeypatch, capsys):
    """Generative tasks run through the API; log-likelihood tasks are refused with exit 2."""
    from langadapt.cli import main

    monkeypatch.setenv("KEY", "secret")
    tasks = tmp_path / "tasks.yaml"
    tasks.write_text(
        f"- {{name: mt, type: mt, source: {shared_data / 'bitext/flores200_dev.en'}, "
        f"reference: {shared_data / 'bitext/flores200_dev.et'}, source_lang: en, "
        f"target_lang: et, prompts: [en-translate], limit: 3, max_new_tokens: 6}}\n"
        f"- {{name: copa, type: copa, test: {shared_data / 'copa/xcopa_et.val.jsonl'}, "
        f"limit: 2}}\n")
    assert main(["eval", "--endpoint", server_url, "--model", "tiny", "--api-key-env", "KEY",
                 "--tasks", str(tasks), "--out", str(tmp_path / "api")]) == 2
    assert "needs token probabilities" in capsys.readouterr().err
    tasks.write_text(tasks.read_text().split("- {name: copa")[0])
    assert main(["eval", "--endpoint", server_url, "--model", "tiny", "--api-key-env", "KEY",
                 "--tasks", str(tasks), "--out", str(tmp_path / "api")]) == 0
    hyps = (tmp_path / "api" / "mt.hyp.txt").read_text().splitlines()
    assert len(hyps) == 3


def test_the_judge_gets_the_servers_error_message(server_url, model, monkeypatch):
    from langadapt.errors import UserError

    monkeypatch.setattr(model, "forward", lambda *args, **kwargs: 1 / 0)
    judge = JudgeClient(server_url, "tiny", api_key="secret")
    with pytest.raises(UserError, match="HTTP 500: generation failed: ZeroDivisionError"):
        judge.ask("Kas see on õige?")
    monkeypatch.undo()
    assert isinstance(judge.ask("Kas see on õige?"), str)  # the server serves on
    judge.close()


@pytest.mark.parametrize("port", ["0", "99999", "-1"])
def test_serve_rejects_a_bad_port_before_loading(tmp_path, capsys, port):
    from langadapt.cli import main

    assert main(["serve", str(tmp_path / "no-model"), "--port", port]) == 2
    err = capsys.readouterr().err
    assert err == f"langadapt: error: --port {port}: a TCP port is a number from 1 to 65535\n"


def test_serve_checks_sampling_defaults_before_loading(tmp_path, capsys):
    from langadapt.cli import main

    assert main(["serve", str(tmp_path / "no-model"), "--top-p", "2"]) == 2
    assert capsys.readouterr().err.startswith("langadapt: error: --top-p must be in (0, 1]")


@pytest.mark.parametrize(("host", "key", "warned"), [
    ("0.0.0.0", None, True), ("0.0.0.0", "k", False), ("127.0.0.1", None, False),
    ("localhost", None, False),
])
def test_serve_warns_about_an_open_address_without_a_key(monkeypatch, capsys, host, key, warned):
    from langadapt.cli import main
    from langadapt.serve import server

    started = {}
    monkeypatch.setattr(server, "serve", lambda model, **options: started.update(options))
    argv = ["serve", "some-model", "--host", host, "--port", str(_free_port()),
            "--repetition-penalty", "1"]
    assert main(argv + (["--api-key", key] if key else [])) == 0
    err = capsys.readouterr().err
    assert ("warning" in err) == warned and err.count("\n") == int(warned)
    assert started["host"] == host and started["defaults"].repetition_penalty == 1.0


def test_server_defaults_fill_what_a_request_leaves_out(model, tiny_tokenizer, monkeypatch):
    """`serve --repetition-penalty 1` gives what a local greedy run gives; requests override."""
    from fastapi.testclient import TestClient

    from langadapt.evaluate.generation import generate
    from langadapt.serve.chat import SamplingOptions

    prompt = "Tartu on linn"
    local = generate(model, tiny_tokenizer, [prompt], max_new_tokens=10, progress=False)[0]
    request = {"prompt": prompt, "temperature": 0, "max_tokens": 10}
    neutral = TestClient(create_app(model, tiny_tokenizer, "tiny",
                                    defaults=SamplingOptions(repetition_penalty=1.0)))
    assert neutral.post("/v1/completions", json=request).json()["choices"][0]["text"] == local
    seen = []
    strict_app = create_app(model, tiny_tokenizer, "tiny",
                            defaults=SamplingOptions(repetition_penalty=1.3, top_k=7))
    engine = strict_app.state.engine
    real = engine.submit
    monkeypatch.setattr(engine, "submit", lambda ids, params, **kw: seen.extend(params) or
                        real(ids, params, **kw))
    strict = TestClient(strict_app)
    strict.post("/v1/completions", json=request)
    strict.post("/v1/completions", json={**request, "temperature": 0.5, "repetition_penalty": 1.1})
    assert [(p.repetition_penalty, p.top_k, p.do_sample) for p in seen] == [
        (1.3, 7, False), (1.1, 7, True)]


@pytest.mark.parametrize("fmt", ["plain", "alpaca"])
def test_eval_through_the_server_equals_a_local_eval(neutral_server_url, model, tiny_tokenizer,
                                                     shared_data, tmp_path, fmt):
    """A raw-text format goes through /v1/completions: the same tokens as a local run."""
    from langadapt.evaluate.endpoint import EndpointRunner
    from langadapt.evaluate.suite import evaluate_model, load_tasks

    tasks_file = tmp_path / "tasks.yaml"
    tasks_file.write_text(
        f"- {{name: mt, type: mt, source: {shared_data / 'bitext/flores200_dev.en'}, "
        f"reference: {shared_data / 'bitext/flores200_dev.et'}, source_lang: en, "
        f"target_lang: et, prompts: [en-translate], limit: 3, max_new_tokens: 6, "
        f"format: {fmt}}}\n")
    tasks = load_tasks(tasks_file)
    local = evaluate_model((model, tiny_tokenizer), tasks, tmp_path / "local", name="tiny")
    remote = evaluate_model("tiny", tasks, tmp_path / "remote",
                            runner=EndpointRunner(neutral_server_url, "tiny"))
    assert (tmp_path / "remote" / "mt.hyp.txt").read_text() == (
        tmp_path / "local" / "mt.hyp.txt").read_text()
    assert remote["tasks"]["mt"]["metrics"] == local["tasks"]["mt"]["metrics"]


def test_serve_refuses_a_port_in_use_before_loading(tmp_path, capsys):
    from langadapt.cli import main

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["serve", str(tmp_path / "no-model"), "--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"langadapt: error: --port {port}: cannot listen on 127.0.0.1:{port}")
    assert err.count("\n") == 1


def test_serve_refuses_an_unknown_host_before_loading(tmp_path, capsys):
    from langadapt.cli import main

    assert main(["serve", str(tmp_path / "no-model"), "--host", "no-such-host.invalid"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("langadapt: error: --host no-such-host.invalid: ")
    assert err.count("\n") == 1


def test_loopback_addresses():
    from langadapt.serve.cli import is_loopback

    assert all(map(is_loopback, ["127.0.0.1", "127.0.0.2", "::1", "localhost"]))
    assert not any(map(is_loopback, ["0.0.0.0", "::", "10.0.0.1", "example.org"]))


@pytest.mark.parametrize(("option", "value"), [("--max-batch", "0"), ("--max-prompt-tokens", "-5")])
def test_serve_rejects_bad_limits_before_loading(tmp_path, capsys, option, value):
    from langadapt.cli import main

    assert main(["serve", str(tmp_path / "no-model"), option, value]) == 2
    assert capsys.readouterr().err == f"langadapt: error: {option} must be at least 1, got {value}\n"


def test_serve_passes_the_limits_on(monkeypatch):
    from langadapt.cli import main
    from langadapt.serve import server

    started = {}
    monkeypatch.setattr(server, "serve", lambda model, **options: started.update(options))
    assert main(["serve", "m", "--port", str(_free_port()), "--max-batch", "4",
                 "--max-prompt-tokens", "100", "--max-new-tokens", "50"]) == 0
    assert (started["max_batch"], started["max_prompt_tokens"], started["max_new_tokens"]) == (
        4, 100, 50)


def test_a_client_that_disconnects_cancels_its_generation(model, tiny_tokenizer, run_app,
                                                          monkeypatch):
    import http.client

    app = create_app(model, tiny_tokenizer, "tiny", max_new_tokens=400)
    host, port = run_app(app).removeprefix("http://").split(":")
    real, calls = model.forward, {"n": 0}

    def slow(*args, **kwargs):
        calls["n"] += 1
        time.sleep(0.01)
        return real(*args, **kwargs)

    monkeypatch.setattr(model, "forward", slow)
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    connection.request("POST", "/v1/chat/completions", json.dumps(
        {**GREEDY, "max_tokens": 400, "stream": True, "ignore_eos": True}),
        {"Content-Type": "application/json"})
    response = connection.getresponse()
    assert response.status == 200 and response.readline().startswith(b"data: ")
    connection.close()  # the client goes away after the first event
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and app.state.engine.waiting.qsize() == 0:
        before = calls["n"]
        time.sleep(0.5)
        if calls["n"] == before:
            break
    assert calls["n"] < 300, f"the abandoned generation ran on to max_tokens ({calls})"
