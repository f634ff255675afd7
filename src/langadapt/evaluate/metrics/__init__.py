"""Evaluation metrics that need no model: MT (BLEU, chrF++, COMET), GEC (M2), QA (SQuAD EM/F1).

Import the submodules directly (``from langadapt.evaluate.metrics.m2 import score_m2_files``);
this package imports nothing heavy so the CLI stays fast.
"""

from langadapt.evaluate.metrics.m2 import M2Score, parse_m2, score_m2, score_m2_files
from langadapt.evaluate.metrics.squad import (
    exact_match,
    normalize_answer,
    squad_scores,
    token_f1,
)

__all__ = [
    "M2Score",
    "exact_match",
    "normalize_answer",
    "parse_m2",
    "score_m2",
    "score_m2_files",
    "squad_scores",
    "token_f1",
]
