"""Evaluation tasks on their native file formats: COPA, QA, MT, GEC, Belebele.

Each module has ``TASK_TYPE``, ``MODES`` (``generate`` and/or ``loglik``), ``SPECS`` (what its
prompt templates may contain), ``PRIMARY`` (the metric prompts are selected by),
``load_split(cfg, split)`` and ``score(runner, cfg, template, examples) -> SplitResult``.
``langadapt.evaluate.suite`` runs them; perplexity tasks go to ``evaluate.perplexity``.
"""

from __future__ import annotations

from types import ModuleType

from langadapt.evaluate.tasks import belebele, copa, gec, mt, qa

TASK_MODULES: dict[str, ModuleType] = {m.TASK_TYPE: m for m in (copa, qa, mt, gec, belebele)}

__all__ = ["TASK_MODULES"]
