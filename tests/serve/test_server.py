"""The OpenAI-compatible server, and the judge client talking to it over real HTTP."""

from __future__ import annotations

import json
import socket
import threading
import time

import pytest

from conftest import make_tiny_llama
from langadapt.evaluate.judge import JudgeClient, judge_qa_predictions, parse_verdict
from langadapt.serve.server import create_app
from langadapt.train.formats import ensure_chat_template

pytest.importorskip("fastapi")


@pytest.fixture(scope="module")
def app(tiny_tokenizer):
    ensure_chat_template(tiny_tokenizer)
    return create_app(make_tiny_llama(tiny_tokenizer, initializer_range=0.3), tiny_tokenizer,
                      "tiny", api_key="secret")


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
    assert chunks[0]["choices"][0]["delta"] == {"role": "assistant"}
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop"
    text = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks)
    assert text.strip() == plain["content"]


def test_bad_request_is_rejected(client):
    assert client.post("/v1/chat/completions", json={"messages": []}).status_code == 422


def test_parse_verdict():
    assert parse_verdict("CORRECT.") is True
    assert parse_verdict("The answer is incorrect") is False
    assert parse_verdict("Õige") is True and parse_verdict("hmm") is None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server_url(app):
    import uvicorn

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}/v1"
    server.should_exit = True
    thread.join(timeout=10)


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
        f"- name: estqa\n  type: qa\n  test: {shared_data / 'qa/estqa_fewshot_5.jsonl'}\n"
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
