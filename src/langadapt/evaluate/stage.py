"""The ``evaluate`` stage: score the base model and every produced model, write the report.

``results.json`` = ``{"models": {NAME: {"path": ..., "perplexity": {LANG: x}, ...}}}`` with NAME
``base`` or the producing stage's name; later evaluations add keys, never rename these.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from langadapt.artifacts import write_json_atomic, write_text_atomic
from langadapt.stage import BASE, InputPath, RunContext, StageConfig


class EvaluateStage(StageConfig):
    type: Literal["evaluate"] = "evaluate"
    models: list[str] = Field(default_factory=lambda: [BASE], description="base and/or stage names")
    perplexity: dict[str, InputPath] = Field(
        default_factory=dict, description="language code -> held-out text file, one document a line")
    max_lines: int | None = Field(None, ge=1, description="score at most this many lines per file")
    block_size: int = Field(512, ge=8)
    batch_size: int = Field(8, ge=1)
    runner = "langadapt.evaluate.stage:run"

    def inputs(self) -> list[str]:
        return list(self.models)


def run(cfg: EvaluateStage, ctx: RunContext) -> dict:
    from langadapt.evaluate.perplexity import read_eval_lines, score_texts
    from langadapt.evaluate.report import render_markdown
    from langadapt.modeling import load_model_and_tokenizer

    texts = {lang: read_eval_lines(path, cfg.max_lines) for lang, path in cfg.perplexity.items()}
    results: dict = {"models": {}}
    for name in cfg.models:
        path = ctx.model_path(name)
        model, tokenizer = load_model_and_tokenizer(path)
        entry: dict = {"path": path, "perplexity": {}, "bits_per_char": {}, "tokens_per_word": {}}
        for lang, lines in texts.items():
            scores = score_texts(model, tokenizer, lines, cfg.block_size, cfg.batch_size,
                                 desc=f"{name} {lang}")
            entry["perplexity"][lang] = round(scores["perplexity"], 4)
            entry["bits_per_char"][lang] = round(scores["bits_per_char"], 4)
            entry["tokens_per_word"][lang] = round(scores["tokens_per_word"], 4)
        results["models"][name] = entry
        del model
    results["files"] = {lang: str(path) for lang, path in cfg.perplexity.items()}
    write_json_atomic(ctx.work_dir / "results.json", results)
    write_text_atomic(ctx.work_dir / "report.md", render_markdown(results))
    return {name: {"perplexity": m["perplexity"]} for name, m in results["models"].items()}
