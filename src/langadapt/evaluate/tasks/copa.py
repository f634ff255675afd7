"""COPA (Choice of Plausible Alternatives), e.g. XCOPA / EstCOPA: accuracy two ways.

``loglik``: the choice with the higher log-likelihood after the prompt wins (by total and by
per-character log-likelihood; ``loglik_norm`` says which one ``accuracy`` is). ``generate``: the
model answers in words, and the answer is classified as choice 1 or 2 by a standalone number or
by containing one choice's text; anything else is *unclassified*, counted, and marked in the
per-example records so an LLM judge can look at it later.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from langadapt.errors import located
from langadapt.evaluate.metrics.squad import normalize_answer
from langadapt.evaluate.tasks.base import (
    ModelRunner,
    SplitResult,
    Template,
    TemplateSpec,
    score_choices,
)
from langadapt.jsonl import iter_jsonl

TASK_TYPE = "copa"
MODES = ("loglik", "generate")
PRIMARY = "accuracy"
_FIELDS = frozenset({"premise", "premise_stem", "choice1", "choice2", "question"})
SPECS = {
    "generate": TemplateSpec(("cause", "effect"), _FIELDS),
    "loglik": TemplateSpec(("cause", "effect"), _FIELDS, frozenset({"choice", "choice_lc"}),
                           default_answer=" {choice}"),
}
_REQUIRED = ("premise", "choice1", "choice2", "question", "label")


def read_copa(path: Path, limit: int | None = None) -> list[dict[str, Any]]:
    """COPA JSONL: ``premise``, ``choice1``, ``choice2``, ``question`` (cause|effect), ``label``."""
    examples = []
    for number, row in iter_jsonl(path):
        missing = [k for k in _REQUIRED if k not in row]
        if missing:
            raise located(path, f"COPA example lacks {', '.join(missing)}", number)
        if row["question"] not in ("cause", "effect") or row["label"] not in (0, 1):
            raise located(path, "question must be cause|effect and label 0|1", number)
        examples.append(row)
        if limit and len(examples) == limit:
            break
    if not examples:
        raise located(path, "no COPA examples")
    return examples


def load_split(cfg: Any, split: str) -> list[dict[str, Any]] | None:
    path = cfg.test if split == "test" else cfg.dev
    return read_copa(path, cfg.limit) if path else None


def _fields(example: dict[str, Any]) -> dict[str, str]:
    premise = example["premise"].strip()
    return {"premise": premise, "premise_stem": premise.removesuffix("."),
            "choice1": example["choice1"], "choice2": example["choice2"],
            "question": example["question"]}


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


_NUMBER = re.compile(r"(?<![\w.,])([12])(?![\w,]|\.\d)")


def classify(output: str, choice1: str, choice2: str) -> int | None:
    """0 or 1 when the answer names exactly one choice (by number or by its text), else None."""
    found = {int(n) - 1 for n in _NUMBER.findall(output)}
    said = normalize_answer(output)
    for index, choice in enumerate((choice1, choice2)):
        text = normalize_answer(choice)
        if text and re.search(rf"(?<!\w){re.escape(text)}(?!\w)", said):
            found.add(index)
    return found.pop() if len(found) == 1 else None


def score(runner: ModelRunner, cfg: Any, template: Template,
          examples: list[dict[str, Any]]) -> SplitResult:
    prompts = [runner.render(template.render(ex["question"], _fields(ex)), cfg.format, cfg.system)
               for ex in examples]
    if cfg.mode == "loglik":
        return _score_loglik(runner, cfg, template, examples, prompts)
    return _score_generate(runner, cfg, examples, prompts)


def _score_loglik(runner: ModelRunner, cfg: Any, template: Template,
                  examples: list[dict[str, Any]], prompts: list[str]) -> SplitResult:
    answers = [template.render("answer", {"choice": ex[key], "choice_lc": _lower_first(ex[key])})
               for ex in examples for key in ("choice1", "choice2")]
    contexts = [p for p in prompts for _ in range(2)]
    return score_choices(runner, cfg, contexts, answers, [ex["label"] for ex in examples], 2)


def _score_generate(runner: ModelRunner, cfg: Any, examples: list[dict[str, Any]],
                    prompts: list[str]) -> SplitResult:
    outputs = runner.generate(prompts, cfg.format, cfg.sampling(), cfg.batch_size)
    records, correct, unclassified = [], 0, 0
    for ex, output in zip(examples, outputs):
        pred = classify(output, ex["choice1"], ex["choice2"])
        correct += pred == ex["label"]
        unclassified += pred is None
        records.append({**{k: ex[k] for k in _REQUIRED}, "output": output, "pred": pred,
                        "correct": pred == ex["label"], "unclassified": pred is None})
    n = len(examples)
    metrics = {"accuracy": correct / n, "unclassified": unclassified,
               "unclassified_rate": unclassified / n, "scoring": "generate, string match",
               "examples": n}
    hypotheses = [" ".join(o.split()) for o in outputs]
    return SplitResult(metrics, hypotheses, records)
