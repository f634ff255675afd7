"""The stage registry is the one list of stage types: the recipe schema is built from it."""

from __future__ import annotations

import importlib

from langadapt.recipe import Recipe
from langadapt.registry import STAGE_CONFIGS, stage_types, type_names
from langadapt.stage import ARTEFACTS


def test_every_registered_stage_declares_its_contract():
    assert len(stage_types()) == len(STAGE_CONFIGS) == len(set(type_names()))
    for cls in stage_types():
        module, func = cls.runner.split(":")
        assert callable(getattr(importlib.import_module(module), func)), cls.runner
        assert cls.produces in ARTEFACTS, cls.__name__
        for field, kinds in cls.reads.items():
            assert field in cls.model_fields, f"{cls.__name__}.reads names unknown field {field}"
            assert set(kinds) <= set(ARTEFACTS), cls.__name__


def test_recipe_schema_accepts_exactly_the_registered_types():
    schema = Recipe.model_json_schema()
    stage_schemas = schema["properties"]["stages"]["additionalProperties"]
    mapping = stage_schemas["discriminator"]["mapping"]
    assert sorted(mapping) == sorted(type_names())
