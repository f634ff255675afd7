"""The instructions stage: formats read as conversations, bad records located, overlap removed."""

from __future__ import annotations

import json

import pytest

from langadapt.data.instructions.build import read_source as read_conversations
from langadapt.data.instructions.stage import InstructionSource
from langadapt.errors import UserError


def _source(path, fmt, lang="et"):
    return InstructionSource.model_validate({"path": path, "format": fmt, "lang": lang})


def test_self_instruct_seed_tasks_become_two_turn_conversations(shared_data):
    path = shared_data / "instructions/alpaca_est_seed_tasks.jsonl"
    rows = list(read_conversations(_source(path, "self_instruct")))
    tasks = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    assert len(rows) == sum(len(t["instances"]) for t in tasks)
    first = tasks[0]
    assert rows[0]["messages"][1]["content"] == first["instances"][0]["output"]
    assert rows[0]["messages"][0]["content"].startswith(first["instruction"])
    assert {r["lang"] for r in rows} == {"et"}


def test_alpaca_input_field_is_appended_to_the_instruction(tmp_path):
    path = tmp_path / "a.json"
    path.write_text(json.dumps([{"instruction": "Tõlgi.", "input": "Hello", "output": "Tere"}]))
    (row,) = read_conversations(_source(path, "alpaca"))
    assert row["messages"][0]["content"] == "Tõlgi.\n\nHello"


@pytest.mark.parametrize("body, message", [
    ('{"instruction": "x"}\n', "a.jsonl:1: missing field 'output'"),
    ('{"instruction": "x", "output": "y"}\nnot json\n', "a.jsonl:2: invalid JSON"),
])
def test_bad_records_name_file_and_line(tmp_path, body, message):
    path = tmp_path / "a.jsonl"
    path.write_text(body)
    with pytest.raises(UserError, match=message):
        list(read_conversations(_source(path, "alpaca")))


def test_conversation_without_assistant_turn_is_rejected(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps({"messages": [{"role": "user", "content": "hi"}]}) + "\n")
    with pytest.raises(UserError, match="c.jsonl:1: conversation has no assistant turn"):
        list(read_conversations(_source(path, "conversations")))
