"""YAML configuration files (recipes, TASKS.yaml): parse with line numbers, word errors for people.

Every problem becomes one ``file:line: key.path: message``. pydantic's own locations name
validator internals (union members such as ``str``, discriminator tags, ``function-after``), and
its messages carry prefixes like ``Value error,``; both are removed so a message speaks of the
keys the user wrote.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from langadapt.errors import UserError

# Parts of a pydantic error location that are not keys of the document.
_INTERNAL_LOC = {"str", "int", "float", "bool", "list", "dict", "none", "function-after",
                 "function-before", "function-wrap", "function-plain", "tagged-union", "union",
                 "list[str]", "dict[str,any]"}
_MESSAGE_PREFIXES = ("Value error, ", "Assertion failed, ")


def read_yaml(path: Path, what: str) -> tuple[Any, dict[tuple, int]]:
    """The parsed document and its key-path → line index; a missing file or bad YAML → UserError."""
    if not path.is_file():
        raise UserError(f"{path}: {what} file not found")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as err:
        raise UserError(f"{path}: not UTF-8 text (byte {err.start + 1})") from None
    try:
        node = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        # at the end of the stream the mark sits on the line after the last one
        where = f"{path}:{min(mark.line + 1, max(1, text.count(chr(10)) + (not text.endswith(chr(10)))))}" \
            if mark else str(path)
        raise UserError(f"{where}: invalid YAML: {getattr(err, 'problem', err)}") from None
    return data, (line_index(node) if node is not None else {})


def line_index(node: yaml.Node, path: tuple = (), index: dict | None = None) -> dict:
    """Map each key path of a YAML document to its line number (1-based)."""
    index = {} if index is None else index
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            sub = (*path, key.value)
            index[sub] = key.start_mark.line + 1
            line_index(value, sub, index)
    elif isinstance(node, yaml.SequenceNode):
        for i, value in enumerate(node.value):
            index[(*path, i)] = value.start_mark.line + 1
            line_index(value, (*path, i), index)
    return index


def user_location(loc: tuple, tags: set[str] = frozenset()) -> list:
    """A pydantic error location without validator internals and union ``tags``."""
    kept = []
    for part in loc:
        if isinstance(part, str) and (part in _INTERNAL_LOC or part.startswith(("function-", "literal["))):
            continue
        if tags and len(kept) == 2 and kept[0] == "stages" and part in tags:
            continue  # the discriminated union's tag, not a key the user wrote
        kept.append(part)
    return kept


def first_error(errors: list[dict]) -> dict:
    """The error to report: a misspelt key also shows up as a missing one, so name it first."""
    return sorted(errors, key=lambda e: e["type"] != "extra_forbidden")[0]


def format_error(path: Path, err: dict, lines: dict, tags: set[str] = frozenset(),
                 source: str | None = None) -> str:
    """``file:line: key: message`` for one pydantic error; ``source`` overrides the place."""
    loc = user_location(tuple(err["loc"]), tags)
    key = ".".join(str(p) for p in loc) or "(top level)"
    msg = err["msg"]
    for prefix in _MESSAGE_PREFIXES:
        msg = msg.removeprefix(prefix)
    if err["type"] == "extra_forbidden":
        msg = "unknown key"
    elif err["type"] == "path_type":
        msg = "expected a path (one string)"
    elif err["type"] == "missing":
        msg = "required key missing"
    if source is not None:
        return f"{source}: {key}: {msg}"
    line = None
    for n in range(len(loc), 0, -1):
        line = lines.get(tuple(loc[:n]))
        if line:
            break
    where = f"{path}:{line}" if line else str(path)
    return f"{where}: {key}: {msg}"
