"""Machine translation on line-aligned source / reference files: BLEU and chrF++ (sacrebleu).

Prompts name the languages: English names and the Estonian case forms of
``langadapt/data/bitext/prompts/languages.yaml`` (the same names the training-data templates use).
Lines that were saved CSV-style (a whole line in quotes, inner quotes doubled, as in some FLORES
exports) are unquoted (``langadapt.text.unquote_csv``) when ``fix_csv_quotes`` is on, so a
reference does not carry quoting the model cannot know about.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from langadapt.data.bitext.translation_tasks import load_language_names, placeholders
from langadapt.errors import UserError
from langadapt.evaluate.metrics.mt import bleu_chrf, read_lines
from langadapt.evaluate.tasks.base import (
    ModelRunner,
    SplitResult,
    Template,
    TemplateSpec,
    first_line,
)
from langadapt.text import unquote_csv

TASK_TYPE = "mt"
MODES = ("generate",)
PRIMARY = "chrf++"
_FORMS = ("language", "genitive", "elative", "illative", "inessive", "adjective",
          "adjective_genitive")
SPECS = {"generate": TemplateSpec(("text",), frozenset(
    {"text"} | {f"{role}_{form}" for role in ("source", "target") for form in _FORMS}))}


def read_segments(path: Path, limit: int | None, fix_csv_quotes: bool) -> list[str]:
    lines = read_lines(path)
    if fix_csv_quotes:
        lines = [unquote_csv(line) for line in lines]
    return lines[:limit] if limit else lines


def load_split(cfg: Any, split: str) -> list[dict[str, str]] | None:
    source, reference = ((cfg.source, cfg.reference) if split == "test"
                         else (cfg.dev_source, cfg.dev_reference))
    if source is None:
        return None
    sources = read_segments(source, cfg.limit, cfg.fix_csv_quotes)
    references = read_segments(reference, cfg.limit, cfg.fix_csv_quotes)
    if len(sources) != len(references):
        raise UserError(f"line count mismatch: {source} has {len(sources)} lines, {reference} "
                        f"has {len(references)}")
    if not sources:
        raise UserError(f"{source}: no lines to translate")
    return [{"src": s, "ref": r} for s, r in zip(sources, references)]


def language_fields(source_lang: str, target_lang: str) -> dict[str, str]:
    names = load_language_names()
    return {**placeholders(source_lang, "source", names),
            **placeholders(target_lang, "target", names)}


def score(runner: ModelRunner, cfg: Any, template: Template,
          examples: list[dict[str, str]]) -> SplitResult:
    languages = language_fields(cfg.source_lang, cfg.target_lang)
    prompts = [runner.render(template.render("text", {**languages, "text": ex["src"]}),
                             cfg.format, cfg.system) for ex in examples]
    outputs = runner.generate(prompts, cfg.format, cfg.sampling(), cfg.batch_size)
    hypotheses = [first_line(o) for o in outputs]
    metrics = bleu_chrf(hypotheses, [[ex["ref"] for ex in examples]], tokenize=cfg.bleu_tokenize)
    records = [{"src": ex["src"], "ref": ex["ref"], "output": o, "hyp": h}
               for ex, o, h in zip(examples, outputs, hypotheses)]
    return SplitResult(metrics, hypotheses, records)
