"""Instruction importers (OASST trees, ShareGPT, FLAN/CoT) and the mix: counts, seeds, splits."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from testlib import DEMO_DATA

from langadapt.data.instructions.build import build_instructions, read_source
from langadapt.data.instructions.stage import InstructionSource, InstructionsStage
from langadapt.errors import UserError

ET_SEEDS = DEMO_DATA / "instructions" / "alpaca_est_seed_tasks.jsonl"
EN_SEEDS = DEMO_DATA / "instructions" / "alpaca_seed_tasks.en.jsonl"


def write_jsonl(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def msg(mid, parent, role, text, rank=None, lang="en", **extra):
    return {"message_id": mid, "parent_id": parent, "role": role, "text": text, "rank": rank,
            "lang": lang, **extra}


OASST = [
    msg("r1", None, "prompter", "What is a fjord?"),
    msg("a1", "r1", "assistant", "A long narrow inlet.", rank=1),
    msg("a2", "r1", "assistant", "A fjord is a narrow inlet carved by a glacier.", rank=0),
    msg("p2", "a2", "prompter", "Where are they found?"),
    msg("p3", "a2", "prompter", "Thanks!"),  # sibling prompts: unranked, file order decides
    msg("a3", "p2", "assistant", "Norway, Chile, New Zealand.", rank=None, deleted=True),
    msg("a4", "p2", "assistant", "Mostly in Norway.", rank=1),
    msg("a5", "p2", "assistant", "Norway, generated.", rank=0, synthetic=True),
    msg("p4", "a4", "prompter", "And in Estonia?"),  # a prompt with no reply: cut off
    msg("r2", None, "prompter", "Mis on fjord?", lang="et"),
    msg("b1", "r2", "assistant", "Kitsas laht.", rank=0, lang="et"),
    msg("r3", None, "prompter", "Unanswered question?"),
    msg("r4", None, "prompter", "Deleted branch only?"),
    msg("c1", "r4", "assistant", "gone", rank=0, deleted=True),
]


def test_oasst_follows_ranks_skips_deleted_and_synthetic(tmp_path):
    path = write_jsonl(tmp_path / "oasst.jsonl", OASST)
    rows = list(read_source(InstructionSource(path=path, format="oasst", lang="en")))
    assert len(rows) == 1  # r2 is Estonian, r3 and r4 have no (kept) reply
    assert [(m["role"], m["content"]) for m in rows[0]["messages"]] == [
        ("user", "What is a fjord?"),
        ("assistant", "A fjord is a narrow inlet carved by a glacier."),
        ("user", "Where are they found?"),
        ("assistant", "Mostly in Norway.")]
    both = list(read_source(InstructionSource(path=path, format="oasst", lang="en",
                                              languages=["en", "et"])))
    assert [r["lang"] for r in both] == ["en", "et"]


def test_oasst_bad_message_is_located(tmp_path):
    path = write_jsonl(tmp_path / "o.jsonl", OASST[:2] + [{"message_id": "x", "role": "gpt", "text": "t"}])
    with pytest.raises(UserError, match=r"o.jsonl:3: role must be prompter or assistant"):
        list(read_source(InstructionSource(path=path, format="oasst", lang="en")))


def test_sharegpt_roles_are_normalised(tmp_path):
    path = write_jsonl(tmp_path / "s.jsonl", [
        {"conversations": [{"from": "system", "value": "Be brief."}, {"from": "human", "value": "Hi"},
                           {"from": "gpt", "value": "Hello"}]},
        {"messages": [{"role": "user", "content": "Tere"}, {"role": "assistant", "content": "Tere!"}],
         "lang": "et"}])
    rows = list(read_source(InstructionSource(path=path, format="conversations", lang="en")))
    assert [m["role"] for m in rows[0]["messages"]] == ["system", "user", "assistant"]
    assert [r["lang"] for r in rows] == ["en", "et"]
    bad = write_jsonl(tmp_path / "b.jsonl", [{"conversations": [{"from": "alien", "value": "x"}]}])
    with pytest.raises(UserError, match=r"b.jsonl:1: unknown role 'alien'"):
        list(read_source(InstructionSource(path=bad, format="conversations", lang="en")))


def test_flan_raw_and_open_instruct_messages(tmp_path):
    path = write_jsonl(tmp_path / "flan.jsonl", [
        {"inputs": "Q: 2+2? A:", "targets": "4", "task": "math"},
        {"dataset": "cot", "id": "cot_1", "messages": [{"role": "user", "content": "Why?"},
                                                        {"role": "assistant", "content": "Because."}]},
        {"inputs": "no target"}])
    source = InstructionSource(path=path, format="flan", lang="en")
    with pytest.raises(UserError, match=r"flan.jsonl:3: a FLAN/CoT record needs"):
        list(read_source(source))
    write_jsonl(path, json.loads("[" + ",".join(path.read_text().splitlines()[:2]) + "]"))
    assert [r["messages"][1]["content"] for r in read_source(source)] == ["4", "Because."]


def mix(tmp_path, seed=0, **overrides):
    data = {"sources": [{"path": str(ET_SEEDS), "format": "self_instruct", "lang": "et", "limit": 40},
                        {"path": str(EN_SEEDS), "format": "self_instruct", "lang": "en", "weight": 0.5}],
            **overrides}
    out = tmp_path / f"out{seed}-{len(list(tmp_path.iterdir()))}"
    out.mkdir()
    return build_instructions(InstructionsStage.model_validate(data), out, seed), out


def read(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_exact_counts_seeded_and_reproducible(tmp_path):
    stats, out = mix(tmp_path, seed=5)
    rows = read(out / "conversations.jsonl")
    assert stats["per_source"]["alpaca_est_seed_tasks.jsonl"]["train"] == 40
    assert stats["per_source"]["alpaca_seed_tasks.en.jsonl"]["train"] == 88  # round(0.5 * 175)
    assert len(rows) == 128 and stats["per_language"] == {"et": 40, "en": 88}
    assert not (out / "validation.jsonl").exists()
    _, out2 = mix(tmp_path, seed=5)
    assert read(out2 / "conversations.jsonl") == rows
    _, out3 = mix(tmp_path, seed=6)
    assert read(out3 / "conversations.jsonl") != rows


def test_weight_above_one_repeats_and_validation_is_disjoint(tmp_path):
    stats, out = mix(tmp_path, validation=0.1, sources=[
        {"path": str(ET_SEEDS), "format": "self_instruct", "lang": "et", "weight": 2.0},
        {"path": str(EN_SEEDS), "format": "self_instruct", "lang": "en", "limit": 100}])
    train, held = read(out / "conversations.jsonl"), read(out / "validation.jsonl")
    assert len(held) == 11 + 10 and stats["validation"] == 21  # round(0.1 * 107), 0.1 * 100
    assert len(train) == 2 * 96 + 90
    def key(row):
        return json.dumps(row["messages"], ensure_ascii=False)

    assert not {key(r) for r in held} & {key(r) for r in train}


def test_duplicates_and_evaluation_overlap_are_dropped(tmp_path):
    seed_rows = [json.loads(line) for line in ET_SEEDS.read_text(encoding="utf-8").splitlines()]
    copy = write_jsonl(tmp_path / "copy.jsonl", seed_rows[:10])
    banned = tmp_path / "eval.txt"
    banned.write_text(seed_rows[20]["instances"][0]["output"].splitlines()[0] + "\n", encoding="utf-8")
    stats, _ = mix(tmp_path, exclude=[str(banned)], sources=[
        {"path": str(ET_SEEDS), "format": "self_instruct", "lang": "et"},
        {"path": str(copy), "format": "self_instruct", "lang": "et", "name": "copy"}])
    assert stats["per_source"]["copy"]["duplicates"] == 10 and stats["per_source"]["copy"]["train"] == 0
    assert stats["dropped"] == {"duplicates": 10, "evaluation_overlap": 1}


def test_limit_and_weight_together_are_refused():
    with pytest.raises(ValueError, match="limit .* or weight, not both"):
        InstructionSource.model_validate({"path": str(ET_SEEDS), "format": "alpaca", "lang": "et",
                                          "limit": 3, "weight": 1.0})


def test_cli_bad_record_is_one_line_exit_2_no_output(tmp_path):
    bad = tmp_path / "a.jsonl"
    bad.write_text('{"instruction": "x", "output": "y"}\n{"instruction": "z"}\n')
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "langadapt", "data", "instructions", "--source",
                           f"{bad}:alpaca:et", "--out", str(out)], capture_output=True, text=True, check=False)
    assert done.returncode == 2 and done.stderr.strip().endswith("a.jsonl:2: missing field 'output' "
                                                                 "(an Alpaca record needs string "
                                                                 "'instruction' and 'output')")
    assert done.stderr.count("\n") == 1 and not out.exists()
    ok = subprocess.run([sys.executable, "-m", "langadapt", "data", "instructions", "--source",
                         f"{ET_SEEDS}:self_instruct:et:limit=30", "--validation", "0.1",
                         "--out", str(out)], capture_output=True, text=True, check=False)
    assert ok.returncode == 0, ok.stderr
    assert len(read(out / "conversations.jsonl")) == 27 and len(read(out / "validation.jsonl")) == 3
