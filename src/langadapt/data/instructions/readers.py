"""Instruction-data importers: each source format read as conversations in the data contract.

Formats: ``self_instruct`` seed tasks (instruction + instances), ``alpaca`` (instruction, input,
output; JSON array or JSONL), ``conversations`` (``messages`` with role/content, or ShareGPT's
``conversations`` with from/value, roles normalised), ``oasst`` (OASST1 message-tree exports, see
``oasst.py``) and ``flan`` (open-instruct FLAN v2 / CoT JSONL: ``messages``, or raw
``inputs``/``targets``). Every record problem is a UserError naming ``file:line``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from langadapt.conversations import checked_messages, record_messages
from langadapt.errors import located
from langadapt.jsonl import iter_jsonl

FORMATS = ("self_instruct", "alpaca", "conversations", "oasst", "flan")
# ShareGPT/Vicuna speaker names -> the contract's roles
ROLE_NAMES = {"human": "user", "user": "user", "prompter": "user", "gpt": "assistant",
              "assistant": "assistant", "chatgpt": "assistant", "bard": "assistant",
              "bing": "assistant", "model": "assistant", "system": "system"}


def iter_records(path: Path) -> Iterator[tuple[int, dict]]:
    """``(line, record)``: JSONL, or a JSON array (the original Alpaca release) whose elements
    are decoded one by one so each error names the line its record starts on."""
    try:
        with open(path, encoding="utf-8-sig") as handle:
            is_array = handle.read(4096).lstrip().startswith("[")
    except FileNotFoundError:
        raise located(path, "no such file") from None
    except UnicodeDecodeError as err:
        raise located(path, f"not valid UTF-8 ({err.reason})") from None
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
        if not isinstance(row, dict):
            raise located(path, "expected a JSON object", line)
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


def chat_messages(row: dict, path: Path, number: int) -> list[dict]:
    """OpenAI ``messages`` (role/content) or ShareGPT ``conversations`` (from/value)."""
    turns = row.get("messages", row.get("conversations"))
    if not isinstance(turns, list):
        raise located(path, "expected 'messages' (or ShareGPT 'conversations') as a list", number)
    normalised = []
    for turn in turns:
        if not isinstance(turn, dict):
            raise located(path, "each turn is an object with role/content or from/value", number)
        speaker = turn.get("role", turn.get("from"))
        role = ROLE_NAMES.get(str(speaker).lower()) if speaker is not None else None
        if role is None:
            raise located(path, f"unknown role {speaker!r} (expected user/assistant/system or "
                          "ShareGPT human/gpt/system)", number)
        normalised.append({"role": role, "content": turn.get("content", turn.get("value"))})
    return checked_messages(normalised, path, number)


def self_instruct_conversations(row: dict, path: Path, number: int) -> Iterator[list[dict]]:
    instances = row.get("instances")
    if not isinstance(row.get("instruction"), str) or not isinstance(instances, list):
        raise located(path, "a seed task needs 'instruction' and a list of 'instances'", number)
    for inst in instances:
        if not isinstance(inst, dict):
            raise located(path, "each instance is an object with 'output'", number)
        yield record_messages({"instruction": row["instruction"], **inst}, path, number)


def flan_messages(row: dict, path: Path, number: int) -> list[dict]:
    if "messages" in row:
        return chat_messages(row, path, number)
    inputs, targets = row.get("inputs"), row.get("targets")
    if not isinstance(inputs, str) or not isinstance(targets, str):
        raise located(path, "a FLAN/CoT record needs 'messages' or string 'inputs' and "
                      "'targets'", number)
    return [{"role": "user", "content": inputs}, {"role": "assistant", "content": targets}]
