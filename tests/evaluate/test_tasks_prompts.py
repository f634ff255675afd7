"""Shipped prompt templates, answer classification, output tokenisation and task file readers."""

from __future__ import annotations

from testlib import require

import csv
import json

import pytest

from langadapt.errors import UserError
from langadapt.evaluate.tasks import TASK_MODULES, belebele, copa, gec, mt, qa
from langadapt.evaluate.tasks.base import (
    builtin_templates,
    first_line,
    resolve_templates,
)
from langadapt.text import unquote_csv


def test_shipped_templates_cover_both_languages_and_validate():
    counts = {}
    for task_type, module in TASK_MODULES.items():
        for mode, spec in module.SPECS.items():
            templates = resolve_templates(task_type, mode, spec, None)
            counts[(task_type, mode)] = {t.lang for t in templates}, len(templates)
    assert counts[("copa", "generate")] == ({"en", "et"}, 8)
    assert counts[("qa", "generate")] == ({"en", "et"}, 8)
    assert counts[("mt", "generate")][0] == {"en", "et"} and counts[("mt", "generate")][1] >= 3
    assert counts[("gec", "generate")][0] == {"en", "et"}
    assert counts[("copa", "loglik")][1] >= 2 and counts[("belebele", "loglik")][1] >= 2


def test_every_template_renders_real_examples(shared_data):
    cfg = type("Cfg", (), {"limit": 2, "test": shared_data / "copa" / "xcopa_et.val.jsonl"})
    ex = copa.load_split(cfg, "test")[0]
    for template in builtin_templates("copa", "generate").values():
        text = template.render(ex["question"], copa._fields(ex))
        assert ex["choice1"] in text and ex["choice2"] in text and "{" not in text
    languages = mt.language_fields("en", "et")
    rendered = {t.name: t.render("text", {**languages, "text": "Hello."})
                for t in builtin_templates("mt", "generate").values()}
    assert "inglise keelest eesti keelde" in rendered["et-tõlgi"]
    assert "from English into Estonian" in rendered["en-translate"]


def test_inline_prompts_and_bad_placeholders():
    spec = copa.SPECS["loglik"]
    [inline] = resolve_templates("copa", "loglik", spec, ["{premise_stem} and then"])
    assert inline.parts == {"cause": "{premise_stem} and then", "effect": "{premise_stem} and then",
                            "answer": " {choice}"}
    with pytest.raises(ValueError, match="unknown placeholder"):
        resolve_templates("copa", "generate", copa.SPECS["generate"], ["{premise} {context}"])
    with pytest.raises(ValueError, match="unknown prompt 'en-nope'"):
        resolve_templates("qa", "generate", qa.SPECS["generate"], ["en-nope"])
    with pytest.raises(ValueError, match="lacks part"):
        resolve_templates("copa", "generate", copa.SPECS["generate"],
                          [{"name": "x", "cause": "{premise}"}])


@pytest.mark.parametrize(("output", "expected"), [
    ("2", 1), ("Vastus: 1.", 0), ("(2) is more likely", 1), ("Answer: option 1", 0),
    ("Tilast voolas vett.", 1), ("ta kallas piima kaussi", 0),
    ("1 or 2", None), ("1,5", None), ("12", None), ("I do not know.", None), ("", None),
])
def test_copa_answers_are_classified_by_number_or_choice_text(output, expected):
    assert copa.classify(output, "Ta kallas piima kaussi.", "Tilast voolas vett.") == expected


def test_first_line_drops_blank_lines_and_labels():
    assert first_line("\n\n  Vastus: 19. sajandil\nmore") == "19. sajandil"
    assert first_line("Translation: Tere!") == "Tere!"
    assert first_line("   \n") == ""


def test_gec_output_is_tokenised_like_the_m2_source(shared_data):
    detok = (shared_data / "gec" / "estgec_l2.dev.src.txt").read_text(encoding="utf-8")
    tok = (shared_data / "gec" / "estgec_l2.dev.src.tok.txt").read_text(encoding="utf-8")
    pairs = list(zip(detok.splitlines(), tok.splitlines()))
    same = sum(gec.tokenize_like_source(d, t) == t for d, t in pairs)
    assert same / len(pairs) > 0.9  # a model answering in plain text lines up with the M2 tokens
    assert all(gec.tokenize_like_source(t, t) == t for _, t in pairs)  # copying changes nothing
    source = "Auto asub Tartus , Pargi tn. --- ."
    assert gec.tokenize_like_source("Auto asub Tartus, Pargi tn. ---.", source) == (
        "Auto asub Tartus , Pargi tn. --- .")


def test_mt_unquotes_csv_style_lines(shared_data):
    lines = mt.read_segments(shared_data / "bitext" / "flores200_dev.et", None, True)
    raw = mt.read_segments(shared_data / "bitext" / "flores200_dev.et", None, False)
    changed = [(r, c) for r, c in zip(raw, lines) if r != c]
    assert len(changed) == 19  # the data README's count of CSV-quoted lines
    assert all('""' not in c and c.count('"') == r[1:-1].count('""') for r, c in changed)
    # a sentence that only starts and ends with a quotation is not a CSV field
    assert unquote_csv('"Tere," ütles ta. "Head aega."') == '"Tere," ütles ta. "Head aega."'


def test_qa_reads_squad_json_and_jsonl_alike(shared_data, tmp_path):
    jsonl = require(shared_data / "qa" / "estqa_fewshot_5.jsonl")
    rows = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
    squad = {"version": "1.1", "data": [{"title": r["title"], "paragraphs": [
        {"context": r["context"], "qas": [{"id": r["id"], "question": r["question"],
                                           "answers": r["answers"]}]}]} for r in rows]}
    (tmp_path / "squad.json").write_text(json.dumps(squad, ensure_ascii=False), encoding="utf-8")
    assert qa.read_qa(tmp_path / "squad.json") == qa.read_qa(jsonl)
    assert qa.read_qa(jsonl)[0]["answers"] == ["19. sajandil"]
    bad = tmp_path / "bad.jsonl"
    # an unanswerable question (no answers) is skipped; a row without a context is an error
    bad.write_text('{"context": "x", "question": "y", "answers": []}\n{"question": "y"}\n')
    with pytest.raises(UserError, match=r"bad.jsonl:2: QA example needs"):
        qa.read_qa(bad)
    bad.write_text('{"context": "x", "question": "y", "answers": ["x"]}\n\n{oops\n')
    with pytest.raises(UserError, match=r"bad.jsonl:3: invalid JSON"):
        qa.read_qa(bad)


def test_belebele_reader_checks_answer_numbers(shared_data, tmp_path):
    path = require(shared_data / "belebele" / "belebele-est_Latn-test.csv")
    examples = belebele.read_belebele(path)
    assert len(examples) == 122 and {ex["label"] for ex in examples} == {0, 1, 2, 3}
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    rows[1]["correct_answer_num"] = "7"
    bad = tmp_path / "bad.csv"
    with open(bad, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows[:3])
    with pytest.raises(UserError, match="bad.csv:3: correct_answer_num must be 1-4, got '7'"):
        belebele.read_belebele(bad)
