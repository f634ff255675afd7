"""Helpers of the training tests: tiny saved models and real shipped text, built in seconds."""

from __future__ import annotations

import json
from pathlib import Path

from testlib import make_tiny_llama


def text_lines(path: Path, limit: int | None = None, skip: int = 0) -> list[str]:
    lines = [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
    return lines[skip:skip + limit] if limit else lines[skip:]


def save_tiny_model(tokenizer, out: Path, **overrides) -> Path:
    model = make_tiny_llama(tokenizer, **overrides)
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    return out


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def seed_task_conversations(path: Path, limit: int) -> list[dict]:
    """Self-instruct seed tasks (shipped) as conversation records."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines()[:limit]:
        task = json.loads(line)
        instance = task["instances"][0]
        user = task["instruction"] + (f"\n\n{instance['input']}" if instance["input"] else "")
        rows.append({"messages": [{"role": "user", "content": user},
                                  {"role": "assistant", "content": instance["output"]}]})
    return rows


def state(model) -> dict:
    return {k: v.detach().clone() for k, v in model.state_dict().items()}
