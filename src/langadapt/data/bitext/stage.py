"""Recipe stages over parallel data: ``bitext`` (filter) and ``translation_tasks`` (instructions).

Thin wrappers around ``data.bitext`` and ``data.translation_tasks``: one ``BitextFilter`` runs over
every source so duplicates are removed across sources too.
"""

from __future__ import annotations

import json
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from langadapt.artifacts import atomic_file, write_json_atomic
from langadapt.data.bitext.translation_tasks import DEFAULTS as TASK_DEFAULTS
from langadapt.stage import BASE, InputPath, RunContext, StageConfig


class BitextSource(BaseModel):
    model_config = ConfigDict(extra="forbid")

    src: InputPath
    tgt: InputPath | None = Field(None, description="line-aligned target file (else TSV/TMX/Moses)")
    name: str | None = Field(None, description="source label (default: the file name)")


class BitextStage(StageConfig):
    type: Literal["bitext"] = "bitext"
    sources: list[BitextSource] = Field(min_length=1)
    src_lang: str = "en"
    tgt_lang: str = "et"
    preset: str = Field("llammas", description="filter preset: llammas or none")
    decontaminate: list[InputPath] = Field(
        default_factory=list, description="evaluation files whose sentences must not appear")
    runner = "langadapt.data.bitext.stage:run_bitext_stage"
    produces = "bitext"


class TranslationTasksStage(StageConfig):
    type: Literal["translation_tasks"] = "translation_tasks"
    data: str = Field(description="bitext stage whose pairs.jsonl to turn into instructions")
    n: int | None = Field(None, ge=0, description="number of tasks (default: one per pair)")
    en_to_target_ratio: float = Field(TASK_DEFAULTS["en_to_target_ratio"], ge=0, le=1,
                                      description="share of en->target tasks (Llammas: 0.75)")
    p_target_lang_instruction: float = Field(TASK_DEFAULTS["p_target_lang_instruction"], ge=0, le=1)
    p_separate_input: float = Field(
        TASK_DEFAULTS["p_separate_input"], ge=0, le=1,
        description="share with the sentence as a separate input, not inline (Llammas: 0.85)")
    level: Literal["sentence", "document"] = "sentence"
    max_doc_tokens: int = Field(900, ge=1)
    tokenizer: str = Field(BASE, description="model whose tokenizer measures document length")
    runner = "langadapt.data.bitext.stage:run_translation_tasks_stage"
    produces = "conversations"
    reads = {"data": ("bitext",), "tokenizer": ("model",)}

    def references(self) -> list[tuple[tuple, str, tuple[str, ...]]]:
        # only document-level tasks measure length with a tokenizer
        refs = super().references()
        return refs if self.level == "document" else [r for r in refs if r[0] != ("tokenizer",)]


def run_bitext_stage(cfg: BitextStage, ctx: RunContext) -> dict:
    from langadapt.data.bitext.pipeline import BitextFilter
    from langadapt.data.bitext.readers import read_bitext

    pipeline = BitextFilter(cfg.src_lang, cfg.tgt_lang, cfg.preset, cfg.decontaminate)
    with atomic_file(ctx.work_dir / "pairs.jsonl") as handle:
        for source in cfg.sources:
            pairs = read_bitext(source.src, source.tgt, src_lang=cfg.src_lang,
                                tgt_lang=cfg.tgt_lang, source=source.name or source.src.stem)
            for pair in pipeline.stream(pairs):
                handle.write(json.dumps(pair, ensure_ascii=False) + "\n")
        pipeline.check_not_empty(", ".join(str(source.src) for source in cfg.sources))
    stats = pipeline.stats()
    write_json_atomic(ctx.work_dir / "pairs.stats.json", stats)
    return {k: stats[k] for k in ("input_pairs", "kept_pairs", "dropped", "decontamination")}


def run_translation_tasks_stage(cfg: TranslationTasksStage, ctx: RunContext) -> dict:
    from langadapt.data.bitext.translation_tasks import (
        build_translation_tasks,
        read_pairs_jsonl,
        task_stats,
        write_translation_tasks,
    )

    count_tokens = None
    if cfg.level == "document":
        from langadapt.modeling import load_tokenizer

        tokenizer = load_tokenizer(ctx.model_path(cfg.tokenizer))
        count_tokens = lambda text: len(tokenizer(text, add_special_tokens=False)["input_ids"])  # noqa: E731
    tasks = build_translation_tasks(
        read_pairs_jsonl(ctx.stage_dir(cfg.data) / "pairs.jsonl"), cfg.n, ctx.seed,
        p_target_lang_instruction=cfg.p_target_lang_instruction,
        p_separate_input=cfg.p_separate_input, en_to_target_ratio=cfg.en_to_target_ratio,
        level=cfg.level, max_doc_tokens=cfg.max_doc_tokens, count_tokens=count_tokens)
    write_translation_tasks(tasks, ctx.work_dir / "conversations.jsonl")
    stats = task_stats(tasks)
    write_json_atomic(ctx.work_dir / "stats.json", stats)
    return stats
