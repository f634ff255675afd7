"""SQuAD exact match / token F1 on hand-checked cases and the shipped EstQA examples."""

from __future__ import annotations

from testlib import require

import json

import pytest

from langadapt.errors import UserError
from langadapt.evaluate.metrics.squad import (
    exact_match,
    normalize_answer,
    squad_scores,
    token_f1,
)


def test_normalisation_articles_punctuation_case_and_unicode_quotes():
    assert normalize_answer("The  Cat!") == "cat"
    assert normalize_answer("an apple, a pear.") == "apple pear"
    assert normalize_answer("„Kalevipoeg“ – eepos") == "kalevipoeg eepos"
    assert normalize_answer("theatre") == "theatre"  # articles only as whole words


def test_exact_match_and_f1_hand_checked():
    assert exact_match("Tallinnas.", "tallinnas") == 1.0
    assert exact_match("Tallinnas", "Tartus") == 0.0
    # pred {big, red, cat} vs gold {big, cat}: P = 2/3, R = 1, F1 = 0.8
    assert token_f1("the big red cat", "a big cat") == pytest.approx(0.8)
    # repeated tokens count once per occurrence: pred {x, x}, gold {x}: P = 1/2, R = 1
    assert token_f1("x x", "x") == pytest.approx(2 / 3)
    assert token_f1("", "") == 1.0 and token_f1("", "x") == 0.0  # SQuAD 2.0 no-answer rule


def test_max_over_golds_and_corpus_mean():
    scores = squad_scores(["Tartu ülikool", "19. sajand"],
                          [["Tartu linn", "ülikool"], ["19. sajandil", "19. sajand"]])
    # example 1: EM 0; F1 max(1/2 * ... = 0.5, 2*(1/2*1)/(3/2) = 2/3); example 2: EM 1, F1 1
    assert scores["exact_match"] == pytest.approx(50.0)
    assert scores["f1"] == pytest.approx(100 * (2 / 3 + 1) / 2)
    with pytest.raises(UserError):
        squad_scores(["a"], [])


def test_shipped_estqa_answers(shared_data):
    rows = [json.loads(line) for line in
            require(shared_data / "qa" / "estqa_fewshot_5.jsonl").read_text(encoding="utf-8").splitlines()]
    golds = [[a["text"] for a in row["answers"]] for row in rows]
    # the gold text with extra punctuation and case is still an exact match
    predictions = [f"„{g[0].upper()}“." for g in golds]
    assert squad_scores(predictions, golds) == {"exact_match": 100.0, "f1": 100.0,
                                                "examples": len(rows)}
    # answering every question with the first example's answer: hand-check the overlap
    first = golds[0][0]
    wrong = squad_scores([first] * len(rows), golds)
    expected_f1 = sum(max(token_f1(first, g) for g in gs) for gs in golds) / len(rows) * 100
    assert wrong["exact_match"] == pytest.approx(100 / len(rows))
    assert wrong["f1"] == pytest.approx(expected_f1)
