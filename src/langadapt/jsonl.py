"""Reading JSONL input: one JSON object a line, every problem located as ``file:line``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from langadapt.errors import located


def iter_jsonl(path: str | Path) -> Iterator[tuple[int, dict]]:
    """``(line number, object)`` for each non-blank line; bad JSON, a non-object or invalid
    UTF-8 raise a UserError naming the file and line."""
    number = 0
    try:
        with open(path, encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as err:
                    raise located(path, f"invalid JSON ({err.msg})", number) from None
                if not isinstance(record, dict):
                    raise located(path, "expected a JSON object", number)
                yield number, record
    except UnicodeDecodeError as err:
        raise located(path, f"not valid UTF-8 ({err.reason})", number + 1) from None
    except FileNotFoundError:
        raise located(path, "no such file") from None
