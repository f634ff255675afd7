"""What every evaluation task shares: prompt templates, prompt formats, the model runner.

A task (``copa``, ``qa``, ``mt``, ``gec``, ``belebele``) is a module with ``load_split`` (its
native file format read into examples) and ``score`` (one prompt template on one split, returning
a ``SplitResult``). Templates are package data (``prompts/<task>.yaml``), written for langadapt in
English and Estonian; a task config may name them or give its own inline. All model calls go
through ``ModelRunner`` so tests (and other backends) can replace it. The model-level numerics
live below this module: ``evaluate.generation`` (completions) and ``tasks.loglik``
(log-likelihoods); neither imports a task, so the tasks' shared code here can use both.
"""

from __future__ import annotations

import re
import statistics
import string
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from langadapt.errors import UserError
from langadapt.evaluate.generation import TransformersBackend
from langadapt.evaluate.tasks.loglik import choose, continuation_logliks
from langadapt.train.formats import LLAMMAS_CHAT_TEMPLATE, alpaca_prompt

PROMPTS_DIR = Path(__file__).parent / "prompts"
FORMATS = ("chat", "alpaca", "plain")


@dataclass(frozen=True)
class Template:
    """One prompt: named ``parts`` (``text``, or ``cause``/``effect``; ``answer`` for loglik)."""

    name: str
    lang: str
    parts: dict[str, str]
    builtin: bool = True

    def render(self, part: str, fields: dict[str, Any]) -> str:
        return self.parts[part].format(**fields)

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "lang": self.lang, **self.parts}


@dataclass(frozen=True)
class TemplateSpec:
    """What a task type accepts in templates of one mode (``generate`` or ``loglik``)."""

    parts: tuple[str, ...]  # required parts besides ``answer``
    fields: frozenset[str]  # placeholders a prompt part may use
    answer_fields: frozenset[str] = frozenset()  # placeholders of the ``answer`` part (loglik)
    default_answer: str | None = None  # ``answer`` of an inline loglik template without one


@dataclass
class SplitResult:
    """One template scored on one split: metrics, one output line per example, per-example rows."""

    metrics: dict[str, Any]
    hypotheses: list[str] | None = None
    records: list[dict[str, Any]] = field(default_factory=list)


def _fields_of(text: str) -> set[str]:
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError as err:  # an unmatched brace
        raise ValueError(f"bad template {text!r}: {err}") from None


def _check_template(template: Template, spec: TemplateSpec) -> Template:
    missing = [p for p in spec.parts if p not in template.parts]
    if spec.answer_fields and "answer" not in template.parts:
        missing.append("answer")
    if missing:
        raise ValueError(f"prompt {template.name!r} lacks part(s) {', '.join(missing)}")
    for part, text in template.parts.items():
        allowed = spec.answer_fields if part == "answer" else spec.fields
        if part not in spec.parts and part != "answer":
            raise ValueError(f"prompt {template.name!r}: unknown part {part!r} "
                             f"(expected {', '.join(spec.parts)})")
        unknown = _fields_of(text) - allowed
        if unknown or any(not f or f.isdigit() for f in _fields_of(text)):
            raise ValueError(f"prompt {template.name!r}: unknown placeholder(s) "
                             f"{{{', '.join(sorted(unknown)) or '?'}}}; allowed: "
                             f"{', '.join('{' + f + '}' for f in sorted(allowed))}")
    return template


@cache
def builtin_templates(task_type: str, mode: str) -> dict[str, Template]:
    """The shipped templates of one task type and mode, by name."""
    path = PROMPTS_DIR / f"{task_type}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else {}
    templates = {}
    for entry in (data or {}).get(mode) or []:
        entry = dict(entry)
        name, lang = entry.pop("name"), entry.pop("lang")
        templates[name] = Template(name, lang, entry)
    return templates


def resolve_templates(task_type: str, mode: str, spec: TemplateSpec,
                      prompts: Sequence[str | dict[str, Any]] | None) -> list[Template]:
    """Templates a task config asks for: all shipped ones by default, else names or inline ones.

    An inline prompt is a string with placeholders (used for every part) or a mapping of parts
    with an optional ``name``. Raises ValueError (the config validator turns it into file:line).
    """
    shipped = builtin_templates(task_type, mode)
    if prompts is None:
        if not shipped:
            raise ValueError(f"no shipped {mode} prompts for {task_type}; list some in 'prompts'")
        return [_check_template(t, spec) for t in shipped.values()]
    if not prompts:
        raise ValueError("'prompts' is empty; leave it out to use every shipped prompt")
    chosen: list[Template] = []
    for index, item in enumerate(prompts):
        if isinstance(item, str) and item in shipped:
            chosen.append(shipped[item])
            continue
        if isinstance(item, str):
            if "{" not in item:
                raise ValueError(f"unknown prompt {item!r} for {task_type} ({mode}); shipped: "
                                 f"{', '.join(shipped) or 'none'}")
            parts = {p: item for p in spec.parts}
            name = f"inline-{index + 1}"
        else:
            parts = {k: v for k, v in item.items() if k not in ("name", "lang")}
            name = str(item.get("name") or f"inline-{index + 1}")
            if not all(isinstance(v, str) for v in parts.values()):
                raise ValueError(f"prompt {name!r}: every part must be a string")
        if spec.answer_fields and "answer" not in parts and spec.default_answer is not None:
            parts["answer"] = spec.default_answer
        lang = str(item.get("lang", "inline")) if isinstance(item, dict) else "inline"
        chosen.append(_check_template(Template(name, lang, parts, builtin=False), spec))
    names = [t.name for t in chosen]
    if len(set(names)) != len(names):
        raise ValueError(f"prompt names repeat: {', '.join(names)}")
    return chosen


def wrap_prompt(tokenizer: Any, text: str, fmt: str, system: str | None = None) -> str:
    """``text`` as the model sees it: in its chat template (Llammas' if it has none), Alpaca, plain.

    The tokenizer is not modified: a template-less tokenizer is rendered with the Llammas
    template passed explicitly, so evaluating a model never changes the object the caller holds.
    """
    if fmt == "plain":
        return f"{system}\n\n{text}" if system else text
    if fmt == "alpaca":
        return alpaca_prompt(f"{system}\n\n{text}" if system else text)
    if fmt != "chat":
        raise UserError(f"unknown prompt format {fmt!r}; expected one of {', '.join(FORMATS)}")
    messages = ([{"role": "system", "content": system}] if system else []) + [
        {"role": "user", "content": text}]
    template = getattr(tokenizer, "chat_template", None) or LLAMMAS_CHAT_TEMPLATE
    return tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True,
                                         chat_template=template)


class ModelRunner:
    """Renders prompts in a format and runs them through a loaded HF model."""

    def __init__(self, model: Any, tokenizer: Any, progress: bool = False,
                 generator: Any = None) -> None:
        self.model, self.tokenizer, self.progress = model, tokenizer, progress
        self.generator = generator  # a GenerationBackend (e.g. vLLM) replacing HF generation

    def render(self, text: str, fmt: str, system: str | None = None) -> str:
        return wrap_prompt(self.tokenizer, text, fmt, system)

    @staticmethod
    def add_special_tokens(fmt: str) -> bool:
        # Chat templates write their own BOS; tokenising with special tokens would double it.
        return fmt != "chat"

    def generate(self, prompts: Sequence[str], fmt: str, params: Any, batch_size: int) -> list[str]:
        """Completions of already rendered ``prompts`` under ``SamplingParams``."""
        if self.generator is not None and params.num_beams == 1:
            return self.generator.generate(list(prompts), params,
                                           add_special_tokens=self.add_special_tokens(fmt))
        backend = TransformersBackend(self.model, self.tokenizer, batch_size=batch_size,
                                      add_special_tokens=self.add_special_tokens(fmt),
                                      progress=self.progress)
        return backend.generate(list(prompts), params)

    def logliks(self, contexts: Sequence[str], continuations: Sequence[str], fmt: str,
                batch_size: int) -> list[float]:
        """Sum of log-probabilities of each continuation given its rendered context."""
        return continuation_logliks(self.model, self.tokenizer, contexts, continuations,
                                    batch_size=batch_size,
                                    add_special_tokens=self.add_special_tokens(fmt),
                                    progress=self.progress)


def score_choices(runner: Any, cfg: Any, contexts: Sequence[str], answers: Sequence[str],
                  labels: Sequence[int], n_choices: int) -> SplitResult:
    """Accuracy of picking the most likely of ``n_choices`` answers per example (COPA, Belebele).

    ``contexts``/``answers`` hold ``n_choices`` consecutive pairs per example; ``cfg.loglik_norm``
    (``total`` or ``per_char``) says which choice rule gives ``accuracy``; both are reported.
    """
    scores = runner.logliks(contexts, answers, cfg.format, cfg.batch_size)
    correct = {"total": 0, "per_char": 0}
    records = []
    for k, label in enumerate(labels):
        span = slice(n_choices * k, n_choices * (k + 1))
        picked = choose(scores[span], answers[span])
        for norm in correct:
            correct[norm] += picked[norm] == label
        pred = picked[cfg.loglik_norm]
        records.append({"label": label, "loglik": scores[span], "pred": pred,
                        "correct": pred == label})
    n = len(labels)
    metrics = {"accuracy": correct[cfg.loglik_norm] / n, "accuracy_total": correct["total"] / n,
               "accuracy_per_char": correct["per_char"] / n,
               "scoring": f"loglik, {cfg.loglik_norm}", "examples": n}
    return SplitResult(metrics, None, records)


def spread(values: Sequence[float]) -> dict[str, float]:
    """min / max / mean / population std of one metric over prompts."""
    values = [float(v) for v in values]
    return {"min": min(values), "max": max(values), "mean": statistics.fmean(values),
            "std": statistics.pstdev(values), "prompts": len(values)}


_ANSWER_LABEL = re.compile(r"^\s*(answer|vastus|translation|tõlge|correction|parandus)\s*:\s*",
                           re.IGNORECASE)


def first_line(text: str) -> str:
    """The first non-empty line of a completion, without an ``Answer:``-style label.

    Line-based tasks (QA, MT, GEC) need one line per example; chat models often open with a
    blank line or a label, which is not part of the answer.
    """
    for line in text.splitlines():
        if line.strip():
            return _ANSWER_LABEL.sub("", line).strip()
    return ""
