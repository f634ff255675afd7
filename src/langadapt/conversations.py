"""The conversation contract: ``{"messages": [{"role", "content"}], ...}``, checked in one place.

Every reader of conversations (training inputs, the instructions stage) turns a record into
messages here, so a file accepted by one is accepted by all, with the same ``file:line`` errors.
An Alpaca record (``instruction``, ``input``, ``output``) becomes a user turn (instruction, then
its input after a blank line) and an assistant turn.
"""

from __future__ import annotations

from pathlib import Path

from langadapt.errors import located

ROLES = ("system", "user", "assistant")


def alpaca_user_message(instruction: str, input_text: str = "") -> str:
    """The user turn of an Alpaca record: the instruction, then its input after a blank line."""
    return f"{instruction}\n\n{input_text}" if input_text else instruction


def alpaca_messages(instruction: str, input_text: str, output: str) -> list[dict]:
    return [{"role": "user", "content": alpaca_user_message(instruction, input_text)},
            {"role": "assistant", "content": output}]


def checked_messages(messages, path: str | Path, number: int) -> list[dict]:
    """``messages`` as plain ``{role, content}`` dicts, or a located UserError."""
    if not (isinstance(messages, list) and messages and all(
            isinstance(m, dict) and isinstance(m.get("content"), str) and m.get("role") in ROLES
            for m in messages)):
        raise located(path, "messages must be a list of {role, content} with roles "
                      "system/user/assistant", number)
    if not any(m["role"] == "assistant" for m in messages):
        raise located(path, "conversation has no assistant turn to learn from", number)
    return [{"role": m["role"], "content": m["content"]} for m in messages]


def record_messages(record: dict, path: str | Path, number: int) -> list[dict]:
    """The messages of a conversation record or of an Alpaca record."""
    if "messages" in record:
        return checked_messages(record["messages"], path, number)
    if isinstance(record.get("instruction"), str) and isinstance(record.get("output"), str):
        input_text = record.get("input") or ""
        if not isinstance(input_text, str):
            raise located(path, "Alpaca 'input' must be a string", number)
        return alpaca_messages(record["instruction"], input_text, record["output"])
    if "instruction" in record or "output" in record:
        missing = next(k for k in ("instruction", "output") if not isinstance(record.get(k), str))
        raise located(path, f"missing field '{missing}' (an Alpaca record needs string "
                      "'instruction' and 'output')", number)
    raise located(path, "expected 'messages' or Alpaca 'instruction'/'output'", number)
