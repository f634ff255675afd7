"""Errors a user causes (bad file, bad config, missing model).

The CLI turns a ``UserError`` into one line on stderr and exit code 2; anything else is a bug
and keeps its traceback.
"""

from __future__ import annotations

from pathlib import Path


class UserError(Exception):
    """A problem with the user's input, reported as one line, exit code 2."""


def located(path: str | Path, message: str, line: int | None = None) -> UserError:
    """A UserError naming the file (and line) it is about: ``file:line: message``."""
    where = f"{path}:{line}" if line is not None else f"{path}"
    return UserError(f"{where}: {message}")
