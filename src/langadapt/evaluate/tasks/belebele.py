"""Belebele multiple-choice reading comprehension: the most likely of four answers; accuracy.

Reads the official CSV/TSV export (``flores_passage``, ``question``, ``mc_answer1..4``,
``correct_answer_num``) or the JSONL one with the same keys.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from langadapt.errors import located
from langadapt.evaluate.tasks.base import (
    ModelRunner,
    SplitResult,
    Template,
    TemplateSpec,
    score_choices,
)

TASK_TYPE = "belebele"
MODES = ("loglik",)
PRIMARY = "accuracy"
_ANSWERS = ("mc_answer1", "mc_answer2", "mc_answer3", "mc_answer4")
_REQUIRED = ("flores_passage", "question", *_ANSWERS, "correct_answer_num")
SPECS = {"loglik": TemplateSpec(
    ("text",), frozenset({"passage", "question", "answer1", "answer2", "answer3", "answer4"}),
    frozenset({"answer", "letter", "number"}), default_answer=" {answer}")}


def _rows(path: Path) -> list[tuple[int, dict[str, Any]]]:
    text = Path(path).read_text(encoding="utf-8-sig")
    if path.suffix == ".jsonl":
        rows = []
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                try:
                    rows.append((number, json.loads(line)))
                except json.JSONDecodeError as err:
                    raise located(path, f"not JSON: {err.msg}", number) from None
        return rows
    delimiter = "\t" if path.suffix == ".tsv" else ","
    reader = csv.DictReader(text.splitlines(keepends=True), delimiter=delimiter)
    missing = [k for k in _REQUIRED if k not in (reader.fieldnames or [])]
    if missing:
        raise located(path, f"Belebele file lacks column(s) {', '.join(missing)}", 1)
    rows = []
    for row in reader:
        rows.append((reader.line_num, row))
    return rows


def read_belebele(path: Path, limit: int | None = None) -> list[dict[str, Any]]:
    examples = []
    for number, row in _rows(Path(path)):
        missing = [k for k in _REQUIRED if row.get(k) in (None, "")]
        if missing:
            raise located(path, f"Belebele example lacks {', '.join(missing)}", number)
        try:
            label = int(row["correct_answer_num"]) - 1
        except ValueError:
            label = -1
        if label not in range(4):
            raise located(path, f"correct_answer_num must be 1-4, got "
                          f"{row['correct_answer_num']!r}", number)
        examples.append({"passage": row["flores_passage"], "question": row["question"],
                         "answers": [row[k] for k in _ANSWERS], "label": label})
        if limit and len(examples) == limit:
            break
    if not examples:
        raise located(path, "no Belebele examples")
    return examples


def load_split(cfg: Any, split: str) -> list[dict[str, Any]] | None:
    path = cfg.test if split == "test" else cfg.dev
    return read_belebele(path, cfg.limit) if path else None


def score(runner: ModelRunner, cfg: Any, template: Template,
          examples: list[dict[str, Any]]) -> SplitResult:
    contexts, answers = [], []
    for ex in examples:
        fields = {"passage": ex["passage"], "question": ex["question"],
                  **{f"answer{i + 1}": a for i, a in enumerate(ex["answers"])}}
        prompt = runner.render(template.render("text", fields), cfg.format, cfg.system)
        for i, answer in enumerate(ex["answers"]):
            contexts.append(prompt)
            answers.append(template.render("answer", {"answer": answer, "letter": "ABCD"[i],
                                                      "number": str(i + 1)}))
    return score_choices(runner, cfg, contexts, answers, [ex["label"] for ex in examples], 4)
