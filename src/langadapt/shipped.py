"""Files shipped with the project (the demo, its data, the recipes): in an installed package
they live in ``langadapt/_bundled`` (pyproject's force-include), in a source checkout at the
repository root."""

from __future__ import annotations

from pathlib import Path

from langadapt.errors import UserError

_PACKAGE = Path(__file__).resolve().parent


def find_shipped(relative: str) -> Path | None:
    for root in (_PACKAGE / "_bundled", _PACKAGE.parents[1]):
        if (root / relative).exists():
            return root / relative
    return None


def shipped(relative: str) -> Path:
    """The shipped file or folder ``relative`` (e.g. ``demo/base-model``), or a user error."""
    found = find_shipped(relative)
    if found is None:
        raise UserError(f"shipped file {relative} not found (is the installation complete?)")
    return found
