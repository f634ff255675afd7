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
    with open(path, encoding="utf-8") as handle:
        is_array = handle.read(4096).lstrip().startswith("[")
    if not is_array:
        yield from iter_jsonl(path)
        return
    try:  # a JSON array (the original Alpaca release)
        rows = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise located(path, f"invalid JSON ({err.msg})", err.lineno) from None
    yield from enumerate(rows, 1)


def _turn(instruction: str, input_text: str) -> str:
    return f"{instruction}\n\n{input_text}" if input_text else instruction


def read_conversations(source: InstructionSource) -> Iterator[dict]:
    """Conversations of one source; a record missing its fields is a located UserError."""
    name = source.name or source.path.name
    for number, row in _records(source.path):
        if not isinstance(row, dict):
            raise located(source.path, "expected a JSON object", number)
        try:
            if source.format == "self_instruct":
                pairs = [(row["instruction"], inst.get("input", ""), inst["output"])
                         for inst in row["instances"]]
            elif source.format == "alpaca":
                pairs = [(row["instruction"], row.get("input", ""), row["output"])]
            else:
                messages = [{"role": m["role"], "content": m["content"]} for m in row["messages"]]
                pairs = None
        except (KeyError, TypeError) as err:
            raise located(source.path, f"missing field {err} for format {source.format}",
                          number) from None
        if pairs is not None:
            for instruction, input_text, output in pairs:
                yield {"messages": [{"role": "user", "content": _turn(instruction, input_text)},
                                    {"role": "assistant", "content": output}],
                       "source": name, "lang": source.lang}
        else:
            if not any(m["role"] == "assistant" for m in messages):
                raise located(source.path, "conversation has no assistant turn", number)
            yield {"messages": messages, "source": name, "lang": row.get("lang", source.lang)}


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
