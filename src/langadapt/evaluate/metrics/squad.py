"""SQuAD-style exact match and token F1 for extractive / short-answer QA.

The normalisation is the official SQuAD v1.1 script's (lower-case, drop punctuation, drop English
articles, collapse whitespace) with one widening, as MLQA does: punctuation is every Unicode
punctuation character, not only ASCII, so Estonian quotes („ “) and dashes are removed too.
A prediction is scored against each gold answer and the best score is kept. Scores are
percentages (0-100), as the official script prints them. An empty gold answer (SQuAD 2.0
"no answer") only matches an empty prediction.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections import Counter
from collections.abc import Sequence

from langadapt.errors import UserError

_ARTICLES = re.compile(r"\b(a|an|the)\b", re.UNICODE)


_ASCII_PUNCTUATION = frozenset(string.punctuation)


def _is_punctuation(ch: str) -> bool:
    return ch in _ASCII_PUNCTUATION or unicodedata.category(ch).startswith("P")


def normalize_answer(text: str) -> str:
    """Lower-case, strip punctuation and articles, collapse whitespace."""
    text = "".join(ch for ch in text.lower() if not _is_punctuation(ch))
    text = _ARTICLES.sub(" ", text)
    return " ".join(text.split())


def exact_match(prediction: str, gold: str) -> float:
    return float(normalize_answer(prediction) == normalize_answer(gold))


def token_f1(prediction: str, gold: str) -> float:
    predicted, expected = normalize_answer(prediction).split(), normalize_answer(gold).split()
    if not predicted or not expected:
        return float(predicted == expected)
    common = sum((Counter(predicted) & Counter(expected)).values())
    if common == 0:
        return 0.0
    precision, recall = common / len(predicted), common / len(expected)
    return 2 * precision * recall / (precision + recall)


def best_over_golds(metric, prediction: str, golds: Sequence[str]) -> float:
    if isinstance(golds, str):
        golds = [golds]
    if not golds:
        raise UserError("a QA example has no gold answers")
    return max(metric(prediction, gold) for gold in golds)


def squad_scores(predictions: Sequence[str], golds: Sequence[Sequence[str]]) -> dict[str, float]:
    """Mean exact match and F1 (percent) over examples; ``golds[i]`` lists example i's answers."""
    if len(predictions) != len(golds):
        raise UserError(f"{len(predictions)} predictions but {len(golds)} gold answer lists")
    if not predictions:
        raise UserError("no QA examples to score")
    em = sum(best_over_golds(exact_match, p, g) for p, g in zip(predictions, golds))
    f1 = sum(best_over_golds(token_f1, p, g) for p, g in zip(predictions, golds))
    n = len(predictions)
    return {"exact_match": 100.0 * em / n, "f1": 100.0 * f1 / n, "examples": n}
