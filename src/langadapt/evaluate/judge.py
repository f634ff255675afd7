"""LLM-as-judge through an OpenAI-compatible chat endpoint, with an sqlite answer cache.

Used for what string matching cannot decide: a generative COPA answer that names neither choice
(or both) is *unclassified* in ``NAME.predictions.jsonl``; ``judge_copa_predictions`` asks a
judge model which choice the answer means and recomputes the accuracy. Answers are cached by
(endpoint, model, prompt), so re-running a report costs no requests. Requests go through
``endpoint.chat_completion``.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from pathlib import Path
from typing import Any

from langadapt.errors import located
from langadapt.evaluate.endpoint import chat_completion

COPA_JUDGE_PROMPT = (
    "A model was asked which of two alternatives is the more plausible {question} of a premise.\n"
    "Premise: {premise}\nAlternative 1: {choice1}\nAlternative 2: {choice2}\n"
    "The model answered:\n<<<\n{output}\n>>>\n"
    "Which alternative does the answer choose? Reply with exactly one character: 1, 2, or 0 if "
    "it chooses neither or both."
)


class JudgeClient:
    """Asks one judge model questions (temperature 0) and remembers the answers."""

    def __init__(self, base_url: str, model: str, api_key: str | None = None,
                 cache_path: str | Path | None = None, timeout: float = 60.0) -> None:
        self.base_url, self.model = base_url.rstrip("/"), model
        self.api_key, self.timeout = api_key, timeout
        self.requests = 0  # answers fetched from the endpoint (not from the cache)
        self._db = sqlite3.connect(str(cache_path) if cache_path else ":memory:")
        self._db.execute("CREATE TABLE IF NOT EXISTS answers (key TEXT PRIMARY KEY, answer TEXT)")

    def _key(self, prompt: str) -> str:
        return hashlib.sha256(json.dumps([self.base_url, self.model, prompt]).encode()).hexdigest()

    def ask(self, prompt: str, max_tokens: int = 8) -> str:
        key = self._key(prompt)
        row = self._db.execute("SELECT answer FROM answers WHERE key = ?", (key,)).fetchone()
        if row:
            return row[0]
        answer = chat_completion(self.base_url, self.model, [{"role": "user", "content": prompt}],
                                 api_key=self.api_key, timeout=self.timeout, temperature=0,
                                 max_tokens=max_tokens)
        self.requests += 1
        with self._db:
            self._db.execute("INSERT OR REPLACE INTO answers VALUES (?, ?)", (key, answer))
        return answer

    def close(self) -> None:
        self._db.close()


def _read_predictions(path: str | Path, keys: set[str], kind: str) -> list[dict]:
    rows = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            row = json.loads(line)
            if not keys <= set(row):
                raise located(path, f"not a {kind} predictions file", number)
            rows.append(row)
    if not rows:
        raise located(path, "no predictions")
    return rows


def judge_copa_predictions(path: str | Path, client: JudgeClient) -> dict[str, Any]:
    """``judge_copa`` over a ``NAME.predictions.jsonl`` of a ``mode: generate`` COPA task."""
    return judge_copa(_read_predictions(path, {"unclassified", "choice1"}, "generative COPA"),
                      client)


def judge_copa(records: list[dict], client: JudgeClient) -> dict[str, Any]:
    """Accuracy of a generative COPA run after a judge has classified its unclassified answers.

    Returns the string-match accuracy, the judged accuracy and how many answers the judge
    resolved.
    """
    correct = judged_correct = resolved = 0
    for row in records:
        pred = row["pred"]
        correct += pred == row["label"]
        if row["unclassified"]:
            reply = client.ask(COPA_JUDGE_PROMPT.format(**row))
            digit = re.search(r"[012]", reply)
            pred = {"1": 0, "2": 1}.get(digit.group(0)) if digit else None
            resolved += pred is not None
        judged_correct += pred == row["label"]
    n = len(records)
    return {"accuracy": correct / n, "accuracy_judged": judged_correct / n,
            "unclassified": sum(r["unclassified"] for r in records), "resolved_by_judge": resolved,
            "judge_model": client.model, "examples": n}


QA_JUDGE_PROMPT = (
    "You grade answers to reading-comprehension questions against reference answers.\n"
    "Question: {question}\nReference answer(s): {references}\nModel's answer:\n<<<\n{output}\n>>>\n"
    "Does the model's answer give the same information as a reference answer (wording may "
    "differ, it may be in another language)? Reply with one word: CORRECT or INCORRECT."
)
_VERDICT = re.compile(r"\b(INCORRECT|CORRECT|VALE|ÕIGE)\b", re.IGNORECASE)


def parse_verdict(reply: str) -> bool | None:
    """CORRECT -> True, INCORRECT -> False (Estonian ÕIGE / VALE too); None when unclear."""
    match = _VERDICT.search(reply)
    if not match:
        return None
    return match.group(1).upper() in ("CORRECT", "ÕIGE")


def judge_qa_predictions(path: str | Path, client: JudgeClient) -> dict[str, Any]:
    """``judge_qa`` over a ``NAME.predictions.jsonl`` of a qa task."""
    return judge_qa(_read_predictions(path, {"question", "answers", "prediction"}, "QA"), client)


def judge_qa(rows: list[dict], client: JudgeClient) -> dict[str, Any]:
    """Reference-guided judge accuracy of QA answers (``question``, ``answers``, ``prediction``)."""
    verdicts = [parse_verdict(client.ask(QA_JUDGE_PROMPT.format(
        question=row["question"], references=" | ".join(row["answers"]),
        output=row["prediction"]), max_tokens=4)) for row in rows]
    return {"judge_accuracy": sum(v is True for v in verdicts) / len(rows),
            "unparsed_verdicts": sum(v is None for v in verdicts),
            "judge_model": client.model, "examples": len(rows)}
