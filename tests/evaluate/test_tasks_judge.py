"""The LLM judge resolves unclassified COPA answers through a local OpenAI-compatible server."""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler

import pytest
from testlib import local_api

from langadapt.errors import UserError
from langadapt.evaluate.judge import JudgeClient, judge_copa_predictions


class FakeJudge(BaseHTTPRequestHandler):
    """Says "2" when the answer mentions the water, "0" otherwise; records what it was asked."""

    asked: list[dict] = []

    def do_POST(self):  # noqa: N802 (http.server's name)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeJudge.asked.append({"auth": self.headers.get("Authorization"), **body})
        prompt = body["messages"][0]["content"]
        answer = "2" if "vett" in prompt.split("<<<")[1] else "0"
        payload = json.dumps({"choices": [{"message": {"role": "assistant", "content": answer}}]})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(payload.encode())

    def log_message(self, *args):
        pass


@pytest.fixture()
def endpoint():
    FakeJudge.asked = []
    with local_api(FakeJudge) as url:
        yield url


def test_judge_resolves_unclassified_answers_and_caches(endpoint, tmp_path):
    example = {"premise": "Mees keeras kraani lahti.", "choice1": "Tualett täitus veega.",
               "choice2": "Tilast voolas vett.", "question": "effect", "label": 1}
    rows = [
        {**example, "output": "2", "pred": 1, "unclassified": False},
        {**example, "output": "vesi, mis voolas", "pred": None, "unclassified": True},
        {**example, "output": "kraanist tuli vett", "pred": None, "unclassified": True},
        {**example, "output": "ei tea", "pred": None, "unclassified": True},
    ]
    path = tmp_path / "copa.predictions.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    cache = tmp_path / "judge.sqlite"
    client = JudgeClient(endpoint, "judge-model", api_key="k", cache_path=cache)
    result = judge_copa_predictions(path, client)
    assert result["accuracy"] == 0.25 and result["accuracy_judged"] == 0.5
    assert result["unclassified"] == 3 and result["resolved_by_judge"] == 1
    assert client.requests == 3 and FakeJudge.asked[0]["auth"] == "Bearer k"
    assert FakeJudge.asked[0]["temperature"] == 0 and FakeJudge.asked[0]["model"] == "judge-model"
    client.close()
    again = JudgeClient(endpoint, "judge-model", cache_path=cache)  # a new process, same cache
    assert judge_copa_predictions(path, again) == result and again.requests == 0


def test_unreachable_judge_is_a_user_error(tmp_path):
    client = JudgeClient("http://127.0.0.1:9/v1", "m", timeout=2)
    with pytest.raises(UserError, match="endpoint http://127.0.0.1:9/v1"):
        client.ask("hello")
