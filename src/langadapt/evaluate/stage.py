"""The ``evaluate`` stage: score the base model and every produced model, write the report.

``results.json`` = ``{"models": {NAME: {"path": ..., "perplexity": {LANG: x}, "bits_per_char",
"tokens_per_word", "chat": {LANG: {prompts, eos_rate, mean_new_tokens}}, "tasks": {TASK: {...}}}}}`` with NAME ``base`` or the producing stage's name;
later evaluations add keys, never rename these. ``report.md`` and ``report.html`` render it.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from langadapt.artifacts import write_json_atomic, write_text_atomic
from langadapt.evaluate.chat_probe import ChatProbe, turn_endings
from langadapt.evaluate.perplexity import score_texts
from langadapt.evaluate.report import render_html, render_markdown
from langadapt.evaluate.suite import TaskConfig, evaluate_model
from langadapt.modeling import load_model_and_tokenizer
from langadapt.stage import BASE, InputPath, RunContext, StageConfig
from langadapt.text import read_text_lines


class EvaluateStage(StageConfig):
    type: Literal["evaluate"] = "evaluate"
    models: list[str] = Field(default_factory=lambda: [BASE], description="base and/or stage names")
    perplexity: dict[str, InputPath] = Field(
        default_factory=dict, description="language code -> held-out text file, one document a line")
    max_lines: int | None = Field(None, ge=1, description="score at most this many lines per file")
    block_size: int = Field(512, ge=8)
    batch_size: int = Field(8, ge=1)
    tasks: list[TaskConfig] = Field(default_factory=list,
                                    description="benchmark tasks, as in `langadapt eval --tasks`")
    chat: dict[str, ChatProbe] = Field(
        default_factory=dict, description="language code -> prompts from held-out text: the share "
        "of greedy chat-format answers that end their turn with EOS")
    runner = "langadapt.evaluate.stage:run"
    produces = "report"
    reads = {"models": ("model",)}


def run(cfg: EvaluateStage, ctx: RunContext) -> dict:
    texts = {lang: read_text_lines(path, cfg.max_lines) for lang, path in cfg.perplexity.items()}
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
        if cfg.chat:
            entry["chat"] = {lang: turn_endings(model, tokenizer, probe, cfg.batch_size)
                             for lang, probe in cfg.chat.items()}
        if cfg.tasks:
            entry["tasks"] = evaluate_model((model, tokenizer), cfg.tasks,
                                            ctx.work_dir / "tasks" / name, name=name)["tasks"]
        results["models"][name] = entry
        del model
    results["files"] = {lang: str(path) for lang, path in cfg.perplexity.items()}
    write_json_atomic(ctx.work_dir / "results.json", results)
    write_text_atomic(ctx.work_dir / "report.md", render_markdown(results))
    write_text_atomic(ctx.work_dir / "report.html", render_html(results))
    return {name: {"perplexity": m["perplexity"],
                   **({"chat_eos_rate": {k: v["eos_rate"] for k, v in m["chat"].items()}}
                      if "chat" in m else {}),
                   **({"tasks": {t: v.get("metrics", {}) for t, v in m["tasks"].items()}}
                      if "tasks" in m else {})}
            for name, m in results["models"].items()}
