"""OASST1 message trees -> one conversation per tree: the top-ranked path, as Llammas used it.

Input is the flat export (one message a line: ``message_id``, ``parent_id`` (null for the
root prompt), ``text``, ``role`` prompter/assistant, ``lang``, ``rank`` (0 best among siblings,
null when unranked), optionally ``deleted``/``synthetic``/``review_result``). From each root we
follow, at every turn, the best-ranked reply (ranked before unranked, then file order) down to a
leaf, and cut the path after its deepest assistant reply. Deleted, synthetic and review-rejected
messages are skipped with everything under them. A tree is kept when its root prompt's language
is one of ``languages``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

from langadapt.data.instructions.readers import iter_records
from langadapt.errors import located

ROLES = {"prompter": "user", "assistant": "assistant"}


def _checked(row: dict, path: Path, number: int) -> dict:
    for key in ("message_id", "text", "role"):
        if not isinstance(row.get(key), str):
            raise located(path, f"an OASST message needs a string '{key}'", number)
    if row["role"] not in ROLES:
        raise located(path, f"role must be prompter or assistant, got {row['role']!r}", number)
    parent, rank = row.get("parent_id"), row.get("rank")
    if parent is not None and not isinstance(parent, str):
        raise located(path, "'parent_id' must be a string or null", number)
    if rank is not None and (isinstance(rank, bool) or not isinstance(rank, (int, float))):
        raise located(path, "'rank' must be a number or null", number)
    return row


def _skipped(row: dict) -> bool:
    return bool(row.get("deleted")) or bool(row.get("synthetic")) or row.get("review_result") is False


def top_path(root: dict, children: dict[str, list[dict]]) -> list[dict]:
    """Messages from ``root`` along the best-ranked replies, ending at an assistant turn."""
    path = [root]
    while True:
        replies = [c for c in children.get(path[-1]["message_id"], ())
                   if c["role"] != path[-1]["role"]]
        if not replies:
            break
        # min() returns the first of equal keys: ties keep file order
        path.append(min(replies, key=lambda c: (c.get("rank") is None, c.get("rank") or 0)))
    while path and path[-1]["role"] != "assistant":
        path.pop()
    return path


def oasst_conversations(path: Path, languages: list[str], name: str) -> Iterator[dict]:
    roots: list[dict] = []
    children: dict[str, list[dict]] = defaultdict(list)
    for number, row in iter_records(path):
        message = _checked(row, path, number)
        if _skipped(message):
            continue  # its replies hang off an id no kept message has, so they drop too
        if message.get("parent_id") is None:
            roots.append(message)
        else:
            children[message["parent_id"]].append(message)
    for root in roots:
        if root["role"] != "prompter" or root.get("lang") not in languages:
            continue
        messages = top_path(root, children)
        if messages:
            yield {"messages": [{"role": ROLES[m["role"]], "content": m["text"]} for m in messages],
                   "source": name, "lang": root["lang"]}
