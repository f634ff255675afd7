"""Our ROUGE-L against the reference implementation (rouge-score, the package Alpaca uses)."""

from __future__ import annotations

import random

import pytest
from testlib import DEMO_DATA, read_lines

from langadapt.data.self_instruct.filters import InstructionFilter
from langadapt.data.self_instruct.rouge import RougeIndex, lcs_length, rouge_l, tokenize

rouge_scorer = pytest.importorskip("rouge_score.rouge_scorer")


class UnicodeTokenizer:
    """rouge-score with our tokenisation (its default keeps only [a-z0-9], erasing õäöü)."""

    def tokenize(self, text):
        return tokenize(text)


def estonian_pairs(n: int = 200) -> list[tuple[str, str]]:
    """Pairs from near-copies (words dropped, swapped, replaced) to unrelated sentences."""
    lines = [s for s in read_lines(DEMO_DATA / "et" / "ud_edt.dev.txt") if len(s.split()) >= 5]
    rng = random.Random(7)
    pairs = []
    for i in range(n):
        a = rng.choice(lines)
        words = a.split()
        kind = i % 4
        if kind == 0:
            b = rng.choice(lines)
        elif kind == 1:
            b = " ".join(w for w in words if rng.random() > 0.25)
        elif kind == 2:
            k = rng.randrange(len(words) - 1)
            words[k], words[k + 1] = words[k + 1], words[k]
            b = " ".join(words + rng.choice(lines).split()[:3])
        else:
            b = " ".join(rng.choice(lines).split()[0] if rng.random() < 0.3 else w for w in words)
        pairs.append((a, b))
    return pairs


def test_tokenize_keeps_estonian_letters():
    assert tokenize("Õunapuu ÄÄRES, öösel; über_cool 2024!") == ["õunapuu", "ääres", "öösel",
                                                                   "über", "cool", "2024"]


def test_rouge_l_equals_rouge_score_on_200_estonian_pairs():
    scorer = rouge_scorer.RougeScorer(["rougeL"], tokenizer=UnicodeTokenizer())
    vocab: dict[str, int] = {}
    ours, theirs = [], []
    for a, b in estonian_pairs():
        ids_a = [vocab.setdefault(t, len(vocab)) for t in tokenize(a)]
        ids_b = [vocab.setdefault(t, len(vocab)) for t in tokenize(b)]
        ours.append(rouge_l(ids_b, ids_a))
        theirs.append(scorer.score(a, b)["rougeL"].fmeasure)
    assert ours == pytest.approx(theirs, abs=1e-12)
    assert sum(s > 0.7 for s in theirs) >= 40 and sum(s < 0.3 for s in theirs) >= 40  # both sides


def test_lcs_matches_the_textbook_dp():
    rng = random.Random(0)
    for _ in range(2000):
        a = [rng.randrange(6) for _ in range(rng.randrange(25))]
        b = [rng.randrange(6) for _ in range(rng.randrange(25))]
        table = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
        for i, x in enumerate(a):
            for j, y in enumerate(b):
                table[i + 1][j + 1] = table[i][j] + 1 if x == y else max(table[i][j + 1], table[i + 1][j])
        assert lcs_length(a, b) == table[-1][-1]


def test_index_decisions_equal_brute_force_rouge_score():
    scorer = rouge_scorer.RougeScorer(["rougeL"], tokenizer=UnicodeTokenizer())
    pairs = estonian_pairs(300)
    pool = [a for a, _ in pairs[:150]]
    index = RougeIndex()
    for text in pool:
        index.add(text)
    for _, candidate in pairs:
        best = max(scorer.score(p, candidate)["rougeL"].fmeasure for p in pool)
        score, where = index.max_score(candidate, 0.7)
        assert (score > 0.7) == (best > 0.7)
        if best > 0.7:
            assert score == pytest.approx(best, abs=1e-12)
            assert scorer.score(pool[where], candidate)["rougeL"].fmeasure == pytest.approx(best)


def test_filter_adds_kept_instructions_to_the_pool():
    checker = InstructionFilter(["Kirjuta luuletus kevadest ja lilledest."], language="et")
    item = {"instruction": "Kirjuta lühike jutt sõbrast, kes elab kaugel.", "input": "", "output": "x"}
    assert checker.reason(item) is None
    assert checker.reason(dict(item)) == "similar"  # now in the pool
    assert checker.reason({**item, "instruction": "Kirjuta luuletus kevadest ja lilledest!"}) == "similar"
