"""Every stage type a recipe can name: one line per stage config class, ``"module:Class"``.

Adding a stage type = a new package with its ``stage.py`` (config class with ``type``,
``runner``, ``produces``, ``reads``) + one line here. The recipe schema is assembled from this
list, so nothing else needs to know the new type.
"""

from __future__ import annotations

import importlib
from functools import cache

STAGE_CONFIGS = (
    "langadapt.data.corpus.stage:CorpusStage",
    "langadapt.data.bitext.stage:BitextStage",
    "langadapt.data.bitext.stage:TranslationTasksStage",
    "langadapt.data.instructions.stage:InstructionsStage",
    "langadapt.data.self_instruct.stage:SelfInstructStage",
    "langadapt.data.tokens.stage:TokenizeStage",
    "langadapt.vocab.stage:VocabStage",
    "langadapt.train.stage:PretrainStage",
    "langadapt.train.stage:SftStage",
    "langadapt.lep.stage:LepStage",
    "langadapt.lep.stage:LepMergeStage",
    "langadapt.lep.stage:LepCalibrateStage",
    "langadapt.evaluate.stage:EvaluateStage",
)


@cache
def stage_types() -> tuple[type, ...]:
    """The config classes named in ``STAGE_CONFIGS``, imported."""
    classes = []
    for entry in STAGE_CONFIGS:
        module, name = entry.split(":")
        classes.append(getattr(importlib.import_module(module), name))
    return tuple(classes)


def type_names() -> list[str]:
    """The ``type:`` values a recipe stage can have."""
    return [cls.model_fields["type"].default for cls in stage_types()]
