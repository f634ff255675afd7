"""Translation-task instructions: proportions, template coverage, determinism, documents, CLI."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from langadapt.cli import main
from langadapt.data.bitext.translation_tasks import (
    build_translation_tasks,
    load_templates,
)


@pytest.fixture(scope="module")
def pairs(shared_data: Path) -> list[dict]:
    src = (shared_data / "bitext" / "wmt18_newsdev.en").read_text(encoding="utf-8").splitlines()
    tgt = (shared_data / "bitext" / "wmt18_newsdev.et").read_text(encoding="utf-8").splitlines()
    return [{"src": s, "tgt": t, "src_lang": "en", "tgt_lang": "et", "source": "wmt18_newsdev"}
            for s, t in zip(src, tgt) if s.strip() and t.strip()]


@pytest.fixture(scope="module")
def tasks_10k(pairs) -> list[dict]:
    return build_translation_tasks(pairs, n=10_000, seed=11, p_target_lang_instruction=0.3, p_separate_input=0.4)


def test_there_are_enough_phrasings_in_both_languages_and_modes():
    templates = load_templates()
    for lang, minimum in (("en", 30), ("et", 12)):
        for separate in (True, False):
            texts = [t.text for t in templates[lang][separate]]
            assert len(set(texts)) == len(texts) >= minimum


def test_shares_of_direction_instruction_language_and_separate_input_on_10k(tasks_10k):
    meta = [t["meta"] for t in tasks_10k]
    assert len(tasks_10k) == 10_000
    directions = Counter(m["direction"] for m in meta)
    assert set(directions) == {"en-et", "et-en"}
    assert abs(directions["en-et"] / 10_000 - 0.75) <= 0.01
    assert abs(sum(m["instruction_lang"] == "et" for m in meta) / 10_000 - 0.3) <= 0.01
    assert abs(sum(m["separate_input"] for m in meta) / 10_000 - 0.4) <= 0.01
    for task in tasks_10k:
        assert [m["role"] for m in task["messages"]] == ["user", "assistant"]
        assert task["lang"] == task["meta"]["direction"].split("-")[1]
        assert task["source"] == "translation/wmt18_newsdev"


def test_every_template_is_used_about_equally_often(tasks_10k):
    templates = load_templates()
    used = Counter(t["meta"]["template"] for t in tasks_10k)
    for lang in ("en", "et"):
        for separate in (True, False):
            group = [t.id for t in templates[lang][separate]]
            total = sum(used[i] for i in group)
            expected = total / len(group)
            assert total > 0
            assert all(0.5 * expected <= used[i] <= 1.5 * expected for i in group), (lang, separate)


def test_prompts_carry_the_text_and_localised_language_names(tasks_10k, pairs):
    by_text = {}
    for pair in pairs:
        by_text.setdefault(pair["src"], set()).add(pair["tgt"])
        by_text.setdefault(pair["tgt"], set()).add(pair["src"])
    for task in tasks_10k:
        prompt, answer = (m["content"] for m in task["messages"])
        meta = task["meta"]
        text = next(t for t in by_text[answer] if t in prompt)
        if meta["separate_input"]:
            assert prompt.endswith("\n\n" + text) and text not in prompt[: -len(text) - 2]
        target_name = {"en": {"et": "Estonian", "en": "English"},
                       "et": {"et": "eesti", "en": "inglise"}}[meta["instruction_lang"]][task["lang"]]
        instruction = prompt.replace(text, "")
        assert target_name in instruction.replace("ingliskeel", "inglise ").replace("eestikeel", "eesti ")
        if meta["instruction_lang"] == "et":
            assert "English" not in instruction and "Estonian" not in instruction


def test_same_seed_same_tasks_other_seed_other_tasks(pairs):
    first = build_translation_tasks(pairs[:300], n=200, seed=5)
    assert first == build_translation_tasks(pairs[:300], n=200, seed=5)
    assert first != build_translation_tasks(pairs[:300], n=200, seed=6)


def test_sampling_to_a_target_count(pairs):
    few = build_translation_tasks(pairs[:500], n=120, seed=1)
    answers = [t["messages"][1]["content"] for t in few]
    assert len(few) == 120 and len(set(answers)) == 120
    many = build_translation_tasks(pairs[:50], n=130, seed=1)
    assert len(many) == 130
    assert len(build_translation_tasks(pairs[:50], seed=1)) == 50


def test_document_level_joins_documents_and_splits_above_the_token_limit(pairs):
    docs = []
    for doc in range(6):
        docs += [{**pair, "doc_id": f"d{doc}"} for pair in pairs[doc * 20:(doc + 1) * 20]]
    limit = 120
    tasks = build_translation_tasks(docs, seed=2, level="document", max_doc_tokens=limit, en_to_target_ratio=1.0)
    answers = [t["messages"][1]["content"] for t in tasks]
    assert " ".join(answers) == " ".join(p["tgt"] for p in docs)  # every sentence once, in order
    for answer in answers:
        assert len(answer.split()) <= limit
    sizes = [len(a.split()) for a in answers]
    assert len(tasks) > 6 and max(sizes) > 60  # documents were split, not cut into sentences
    whole = build_translation_tasks(docs, seed=2, level="document", max_doc_tokens=10_000)
    assert len(whole) == 6


def test_cli_writes_tasks_and_rejects_bad_pairs_files(tmp_path, capsys, pairs):
    good = tmp_path / "pairs.jsonl"
    good.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in pairs[:100]), encoding="utf-8")
    out = tmp_path / "tasks.jsonl"
    assert main(["data", "translation-tasks", "--pairs", str(good), "--out", str(out), "--n", "80", "--seed", "3"]) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 80 and rows == build_translation_tasks(pairs[:100], n=80, seed=3)
    bad = tmp_path / "bad.jsonl"
    bad.write_text(good.read_text(encoding="utf-8").splitlines()[0] + "\n{not json\n", encoding="utf-8")
    missing_key = tmp_path / "missing.jsonl"
    missing_key.write_text('{"src": "Hello there"}\n', encoding="utf-8")
    capsys.readouterr()
    for path, message in ((bad, f"{bad}:2: invalid JSON"), (missing_key, f"{missing_key}:1: not a bitext pair"),
                          (tmp_path / "none.jsonl", "no such file")):
        target = tmp_path / "never.jsonl"
        assert main(["data", "translation-tasks", "--pairs", str(path), "--out", str(target)]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and message in err
        assert not target.exists()
    assert main(["data", "translation-tasks", "--pairs", str(good), "--out", str(tmp_path / "x.jsonl"),
                 "--p-separate-input", "1.5"]) == 2
    assert "between 0 and 1" in capsys.readouterr().err
