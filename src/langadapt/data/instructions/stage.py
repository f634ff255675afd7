"""The ``instructions`` stage: instruction data of several formats as conversations.

Reads self-instruct seed tasks (``instruction`` + ``instances``), Alpaca records (``instruction``,
``input``, ``output``) and ready conversations (``messages``), and writes one
``conversations.jsonl`` in the data contract, deduplicated, with exact evaluation overlap removed.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from langadapt.artifacts import write_json_atomic, write_jsonl_atomic
from langadapt.conversations import record_messages
from langadapt.errors import located
from langadapt.jsonl import iter_jsonl
from langadapt.stage import InputPath, RunContext, StageConfig
from langadapt.text import normalise


class InstructionSource(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: InputPath
    format: Literal["self_instruct", "alpaca", "conversations"]
    lang: str
    name: str | None = None
    limit: int | None = Field(None, ge=1, description="keep at most this many (sampled by seed)")


class InstructionsStage(StageConfig):
    type: Literal["instructions"] = "instructions"
    sources: list[InstructionSource] = Field(default_factory=list)
    exclude: list[InputPath] = Field(
        default_factory=list, description="evaluation texts: conversations quoting a line are dropped")
    runner = "langadapt.data.instructions.stage:run"
    produces = "conversations"


def _records(path: Path) -> Iterator[tuple[int, dict]]:
    """``(line, record)``: JSONL, or a JSON array (the original Alpaca release) whose elements
    are decoded one by one so each error names the line its record starts on."""
    with open(path, encoding="utf-8-sig") as handle:
        is_array = handle.read(4096).lstrip().startswith("[")
    if not is_array:
        yield from iter_jsonl(path)
        return
    text = path.read_text(encoding="utf-8-sig")
    decoder = json.JSONDecoder()
    position = text.index("[") + 1
    while True:
        position = _skip_space(text, position)
        if text.startswith("]", position):
            return
        line = text.count("\n", 0, position) + 1
        try:
            row, position = decoder.raw_decode(text, position)
        except json.JSONDecodeError as err:
            raise located(path, f"invalid JSON ({err.msg})", err.lineno) from None
        yield line, row
        position = _skip_space(text, position)
        if text.startswith(",", position):
            position += 1
        elif not text.startswith("]", position):
            raise located(path, "invalid JSON (expected ',' or ']' between records)",
                          text.count("\n", 0, position) + 1)


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position


def read_conversations(source: InstructionSource) -> Iterator[dict]:
    """Conversations of one source; a record missing its fields is a located UserError."""
    name = source.name or source.path.name
    for number, row in _records(source.path):
        if not isinstance(row, dict):
            raise located(source.path, "expected a JSON object", number)
        if source.format == "self_instruct":
            instances = row.get("instances")
            if not isinstance(row.get("instruction"), str) or not isinstance(instances, list):
                raise located(source.path, "a seed task needs 'instruction' and a list of "
                              "'instances'", number)
            for inst in instances:
                if not isinstance(inst, dict):
                    raise located(source.path, "each instance is an object with 'output'", number)
                conversation = record_messages({"instruction": row["instruction"], **inst},
                                               source.path, number)
                yield {"messages": conversation, "source": name, "lang": source.lang}
            continue
        if source.format == "alpaca" and "messages" in row:
            raise located(source.path, "format alpaca expects instruction/input/output, not "
                          "messages (use format: conversations)", number)
        if source.format == "conversations" and "messages" not in row:
            raise located(source.path, "format conversations expects 'messages'", number)
        yield {"messages": record_messages(row, source.path, number), "source": name,
               "lang": row.get("lang", source.lang) if source.format == "conversations" else source.lang}


def run(cfg: InstructionsStage, ctx: RunContext) -> dict:
    rng = random.Random(ctx.seed)
    banned = {normalise(line) for path in cfg.exclude
              for line in path.read_text(encoding="utf-8").splitlines() if line.strip()}
    seen: set[str] = set()
    kept: list[dict] = []
    drops: Counter = Counter()
    for source in cfg.sources:
        rows = list(read_conversations(source))
        if source.limit and len(rows) > source.limit:
            rows = rng.sample(rows, source.limit)
        for row in rows:
            key = "\x1e".join(normalise(m["content"]) for m in row["messages"])
            lines = {normalise(line) for m in row["messages"] for line in m["content"].splitlines()}
            if key in seen:
                drops["duplicate"] += 1
            elif not banned.isdisjoint(lines):
                drops["evaluation_overlap"] += 1
            else:
                seen.add(key)
                kept.append(row)
    rng.shuffle(kept)
    write_jsonl_atomic(ctx.work_dir / "conversations.jsonl", kept)
    stats = {
        "conversations": len(kept),
        "per_source": dict(Counter(r["source"] for r in kept)),
        "per_language": dict(Counter(r["lang"] for r in kept)),
        "dropped": dict(drops),
    }
    write_json_atomic(ctx.work_dir / "stats.json", stats)
    return stats
