"""Extractive question answering (SQuAD, EstQA): generate an answer, score SQuAD EM and F1.

Reads the official SQuAD JSON (``{"data": [{"paragraphs": [{"context", "qas": [...]}]}]}``) and
flat JSONL with ``context``, ``question`` and ``answers`` (SQuAD's list of ``{"text", ...}``, the
HF datasets ``{"text": [...]}`` column, or plain strings). Only the first non-empty line of the
model's answer is scored.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from langadapt.errors import located
from langadapt.evaluate.metrics.squad import squad_scores
from langadapt.evaluate.tasks.base import (
    ModelRunner,
    SplitResult,
    Template,
    TemplateSpec,
    first_line,
)
from langadapt.jsonl import iter_jsonl

TASK_TYPE = "qa"
MODES = ("generate",)
PRIMARY = "f1"
SPECS = {"generate": TemplateSpec(("text",), frozenset({"context", "question", "title"}))}


def _answer_texts(answers: Any) -> list[str]:
    if isinstance(answers, dict):  # HF datasets: {"text": [...], "answer_start": [...]}
        answers = answers.get("text", [])
    if not isinstance(answers, list):
        return []
    texts = [a.get("text") if isinstance(a, dict) else a for a in answers]
    return [t for t in texts if isinstance(t, str) and t.strip()]


def _example(row: Any, context: str | None, title: str) -> dict[str, Any] | None:
    if not isinstance(row, dict):
        return None
    context = row.get("context", context)
    golds = _answer_texts(row.get("answers"))
    if not isinstance(context, str) or not isinstance(row.get("question"), str) or not golds:
        return None
    return {"context": context, "question": row["question"], "answers": golds,
            "title": row.get("title", title) or "", "id": row.get("id")}


def read_qa(path: Path, limit: int | None = None) -> list[dict[str, Any]]:
    """QA examples with at least one gold answer (unanswerable SQuAD 2.0 questions are skipped)."""
    text = Path(path).read_text(encoding="utf-8")
    examples: list[dict[str, Any]] = []
    stripped = text.lstrip()
    if stripped.startswith("{") and '"data"' in stripped[:200]:
        try:
            data = json.loads(text)["data"]
        except (json.JSONDecodeError, KeyError, TypeError) as err:
            raise located(path, f"not SQuAD JSON: {err}") from None
        for article in data:
            for paragraph in article.get("paragraphs", []):
                for qa in paragraph.get("qas", []):
                    ex = _example(qa, paragraph.get("context"), article.get("title", ""))
                    if ex:
                        examples.append(ex)
    else:
        for number, row in iter_jsonl(path):
            ex = _example(row, None, "")
            if ex is None and not ("question" in row and "context" in row):
                raise located(path, "QA example needs context, question and answers", number)
            if ex:
                examples.append(ex)
    if not examples:
        raise located(path, "no answerable QA examples")
    return examples[:limit] if limit else examples


def load_split(cfg: Any, split: str) -> list[dict[str, Any]] | None:
    path = cfg.test if split == "test" else cfg.dev
    return read_qa(path, cfg.limit) if path else None


def score(runner: ModelRunner, cfg: Any, template: Template,
          examples: list[dict[str, Any]]) -> SplitResult:
    prompts = [runner.render(template.render("text", {
        "context": ex["context"], "question": ex["question"], "title": ex["title"]}),
        cfg.format, cfg.system) for ex in examples]
    outputs = runner.generate(prompts, cfg.format, cfg.sampling(), cfg.batch_size)
    predictions = [first_line(o) for o in outputs]
    metrics = squad_scores(predictions, [ex["answers"] for ex in examples])
    records = [{"id": ex["id"], "question": ex["question"], "answers": ex["answers"],
                "output": o, "prediction": p} for ex, o, p in zip(examples, outputs, predictions)]
    return SplitResult(metrics, predictions, records)
