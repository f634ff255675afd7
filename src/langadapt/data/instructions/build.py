"""Building the instruction mix: read every source, drop duplicates and evaluation overlap,
select per source (``limit``: exact seeded sample; ``weight``: repeat or subsample), hold out a
seeded validation share per source, write ``conversations.jsonl``, ``validation.jsonl`` and
``stats.json``.

Order matters for the guarantees: dedup and overlap removal come first, so ``limit`` yields
exactly that many distinct conversations when the source has them; validation is carved out
before weights repeat records, so no validation conversation also appears in training.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from langadapt.artifacts import write_json_atomic, write_jsonl_atomic
from langadapt.conversations import record_messages
from langadapt.data.instructions.oasst import oasst_conversations
from langadapt.data.instructions.readers import (
    chat_messages,
    flan_messages,
    iter_records,
    self_instruct_conversations,
)
from langadapt.data.instructions.stage import InstructionSource, InstructionsStage
from langadapt.errors import located
from langadapt.stage import RunContext
from langadapt.text import normalise


def read_source(source: InstructionSource) -> Iterator[dict]:
    """Conversations ``{messages, source, lang}`` of one source."""
    path, fmt, name = source.path, source.format, source.label
    if fmt == "oasst":
        yield from oasst_conversations(path, source.languages or [source.lang], name)
        return
    for number, row in iter_records(path):
        if fmt == "self_instruct":
            for messages in self_instruct_conversations(row, path, number):
                yield {"messages": messages, "source": name, "lang": source.lang}
            continue
        if fmt == "alpaca":
            if "messages" in row or "conversations" in row:
                raise located(path, "format alpaca expects instruction/input/output, not "
                              "messages (use format: conversations)", number)
            messages = record_messages(row, path, number)
        elif fmt == "conversations":
            messages = chat_messages(row, path, number)
        else:
            messages = flan_messages(row, path, number)
        row_lang = row.get("lang") if fmt == "conversations" else None
        yield {"messages": messages, "source": name,
               "lang": row_lang if isinstance(row_lang, str) and row_lang else source.lang}




def _weighted(rows: list[dict], weight: float, rng: random.Random) -> list[dict]:
    whole, fraction = int(weight), weight - int(weight)
    return rows * whole + rng.sample(rows, round(fraction * len(rows)))


def build_instructions(cfg: InstructionsStage, out_dir: str | Path, seed: int = 0) -> dict:
    """Write the mix into ``out_dir``; returns the stats (also ``out_dir/stats.json``)."""
    out_dir = Path(out_dir)
    rng = random.Random(seed)
    banned = {normalise(line) for path in cfg.exclude
              for line in path.read_text(encoding="utf-8").splitlines() if line.strip()}
    seen: set[str] = set()
    train: list[dict] = []
    validation: list[dict] = []
    per_source: dict[str, dict] = {}
    for source in cfg.sources:
        counts: Counter = Counter()
        rows = []
        for row in read_source(source):
            counts["read"] += 1
            key = "\x1e".join(normalise(m["content"]) for m in row["messages"])
            lines = {normalise(line) for m in row["messages"] for line in m["content"].splitlines()}
            if cfg.dedup and key in seen:
                counts["duplicates"] += 1
            elif banned and not banned.isdisjoint(lines):
                counts["evaluation_overlap"] += 1
            else:
                seen.add(key)
                rows.append(row)
        if source.limit is not None and len(rows) > source.limit:
            rows = rng.sample(rows, source.limit)
        held = round(cfg.validation * len(rows))
        rng.shuffle(rows)
        source_validation, rows = rows[:held], rows[held:]
        if source.weight is not None:
            rows = _weighted(rows, source.weight, rng)
        counts.update(selected=len(rows) + held, train=len(rows), validation=held)
        per_source[source.label] = {**counts, "languages": dict(Counter(r["lang"] for r in rows))}
        train += rows
        validation += source_validation
    rng.shuffle(train)
    write_jsonl_atomic(out_dir / "conversations.jsonl", train)
    if cfg.validation > 0:
        write_jsonl_atomic(out_dir / "validation.jsonl", validation)
    stats = {
        "conversations": len(train),
        "validation": len(validation),
        "per_source": per_source,
        "per_language": dict(Counter(r["lang"] for r in train)),
        "validation_per_language": dict(Counter(r["lang"] for r in validation)),
        "dropped": {k: sum(s.get(k, 0) for s in per_source.values())
                    for k in ("duplicates", "evaluation_overlap")},
    }
    write_json_atomic(out_dir / "stats.json", stats)
    return stats


def run(cfg: InstructionsStage, ctx: RunContext) -> dict:
    return build_instructions(cfg, ctx.work_dir, ctx.seed)
