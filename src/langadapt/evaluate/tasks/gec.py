"""Grammatical error correction: correct each source sentence, score MaxMatch (M2) P/R/F0.5.

The model sees the ``source`` lines (default: the M2 file's own ``S`` lines). M2 compares
space-separated tokens, so the output is tokenised like the M2 source before scoring: a
whitespace token the source sentence also has is kept as is (so "10." or "---" copied from the
source stay one token), any other is split into words, numbers and punctuation runs. Without this
a correct but detokenised answer ("katki." for "katki .") would count as an edit.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from langadapt.errors import UserError, located
from langadapt.evaluate.metrics.m2 import M2Sentence, parse_m2, score_m2
from langadapt.evaluate.metrics.mt import read_lines
from langadapt.evaluate.tasks.base import (
    ModelRunner,
    SplitResult,
    Template,
    TemplateSpec,
    first_line,
)

TASK_TYPE = "gec"
MODES = ("generate",)
PRIMARY = "f0.5"
SPECS = {"generate": TemplateSpec(("text",), frozenset({"text"}))}

# numbers with inner separators (9.00, 25,000, 9-17), words with inner hyphens or apostrophes,
# runs of one punctuation character (..., ---, ?!)
_TOKEN = re.compile(r"\d+(?:[.,:\-–]\d+)*|\w+(?:[-'’]\w+)*|([^\w\s])\1*")


def tokenize_like_source(text: str, source: str) -> str:
    """``text`` as space-separated tokens, keeping tokens that the source sentence has."""
    known = set(source.split())
    tokens: list[str] = []
    for piece in text.split():
        if piece in known:
            tokens.append(piece)
        else:
            tokens.extend(match.group(0) for match in _TOKEN.finditer(piece))
    return " ".join(tokens)


def read_m2(path: Path) -> list[M2Sentence]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise located(path, f"not UTF-8 text ({err.reason} at byte {err.start})") from None
    sentences = parse_m2(text, path)
    if not sentences:
        raise located(path, "no sentences ('S ' lines) found")
    return sentences


def load_split(cfg: Any, split: str) -> list[dict[str, Any]] | None:
    m2, source = (cfg.m2, cfg.source) if split == "test" else (cfg.dev_m2, cfg.dev_source)
    if m2 is None:
        return None
    sentences = read_m2(m2)
    inputs = read_lines(source) if source else [s.source for s in sentences]
    if len(inputs) != len(sentences):
        raise UserError(f"{source}: has {len(inputs)} lines but {m2} has {len(sentences)} "
                        f"sentences")
    rows = [{"input": text, "gold": sentence} for text, sentence in zip(inputs, sentences)]
    return rows[:cfg.limit] if cfg.limit else rows


def score(runner: ModelRunner, cfg: Any, template: Template,
          examples: list[dict[str, Any]]) -> SplitResult:
    prompts = [runner.render(template.render("text", {"text": ex["input"]}), cfg.format,
                             cfg.system) for ex in examples]
    outputs = runner.generate(prompts, cfg.format, cfg.sampling(), cfg.batch_size)
    hypotheses = []
    for ex, output in zip(examples, outputs):
        line = first_line(output)
        source = ex["gold"].source
        hypotheses.append(tokenize_like_source(line, source) if cfg.tokenize_output
                          else " ".join(line.split()))
    result = score_m2([ex["gold"] for ex in examples], hypotheses).as_dict()
    metrics = {**result, "sentences": len(examples)}
    records = [{"input": ex["input"], "output": o, "hyp": h}
               for ex, o, h in zip(examples, outputs, hypotheses)]
    return SplitResult(metrics, hypotheses, records)
