"""Recipes: the YAML schema and the runner that executes its stages in order.

The runner owns ordering, caching and atomic completion. A stage's cache key hashes its config,
the content of every file it names, the manifests of the stages it reads and the package version;
a finished stage is skipped when its key is unchanged. A stage runs in ``OUT/.<name>.partial``
(checkpoints live there, so a crashed run resumes) and is renamed to ``OUT/<name>`` only after its
``manifest.json`` is written, so a folder without a manifest never looks done.
"""

from __future__ import annotations

import shutil
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated, Any, Union

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from langadapt import __version__
from langadapt.artifacts import (
    MANIFEST,
    file_fingerprint,
    library_versions,
    read_manifest,
    replace_dir,
    sha256_bytes,
    sha256_json,
    write_json_atomic,
)
from langadapt.data.bitext_stages import BitextStage, TranslationTasksStage
from langadapt.data.corpus import CorpusStage
from langadapt.data.instructions import InstructionsStage
from langadapt.errors import UserError
from langadapt.evaluate.stage import EvaluateStage
from langadapt.stage import BASE, RunContext, StageConfig
from langadapt.train.pretrain import PretrainStage
from langadapt.train.sft import SftStage
from langadapt.vocab.stage import VocabStage

STAGE_TYPES = (CorpusStage, BitextStage, TranslationTasksStage, InstructionsStage, VocabStage,
               PretrainStage, SftStage, EvaluateStage)
AnyStage = Annotated[Union[STAGE_TYPES], Field(discriminator="type")]  # noqa: UP007


class Recipe(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    seed: int = 0
    base_model: str = Field(description="HF model directory (relative to the recipe) or hub id")
    stages: dict[str, AnyStage]

    @model_validator(mode="after")
    def _check_references(self) -> Recipe:
        seen: dict[str, StageConfig] = {}
        for name, stage in self.stages.items():
            if name == BASE:
                raise ValueError(f"'{BASE}' is reserved for the base model; rename the stage")
            for ref in stage.inputs():
                if ref != BASE and ref not in seen:
                    raise ValueError(f"stage '{name}' reads '{ref}', which is not an earlier stage")
            seen[name] = stage
        return self


# --- loading -------------------------------------------------------------------------------


def _line_index(node: yaml.Node, path: tuple = (), index: dict | None = None) -> dict:
    """Map each key path of a YAML document to its line number (1-based)."""
    index = {} if index is None else index
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            sub = (*path, key.value)
            index[sub] = key.start_mark.line + 1
            _line_index(value, sub, index)
    elif isinstance(node, yaml.SequenceNode):
        for i, value in enumerate(node.value):
            index[(*path, i)] = value.start_mark.line + 1
            _line_index(value, (*path, i), index)
    return index


def _apply_override(data: dict, assignment: str) -> None:
    """Apply ``a.b.0.c=value`` (value parsed as YAML; numbers index lists) to the raw recipe."""
    key, sep, raw = assignment.partition("=")
    if not sep or not key:
        raise UserError(f"--set {assignment!r}: expected KEY.PATH=VALUE")
    node: Any = data
    *parents, last = key.split(".")
    for part in parents:
        if isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        elif isinstance(node, dict) and isinstance(node.get(part), (dict, list)):
            node = node[part]
        else:
            raise UserError(f"--set {assignment!r}: '{part}' is not a section of the recipe")
    if isinstance(node, list):
        if not (last.isdigit() and int(last) < len(node)):
            raise UserError(f"--set {assignment!r}: '{last}' is not an index of that list")
        node[int(last)] = yaml.safe_load(raw)
    else:
        node[last] = yaml.safe_load(raw)


def _format_error(path: Path, err: dict, lines: dict) -> str:
    loc = list(err["loc"])
    if len(loc) >= 3 and loc[0] == "stages" and loc[2] in _TYPE_TAGS:
        del loc[2]  # the discriminated union's tag, not a key the user wrote
    key = ".".join(str(p) for p in loc) or "(top level)"
    line = None
    for n in range(len(loc), 0, -1):
        line = lines.get(tuple(loc[:n]))
        if line:
            break
    msg = err["msg"].removeprefix("Value error, ")
    if err["type"] == "extra_forbidden":
        msg = "unknown key"
    elif err["type"] == "missing":
        msg = "required key missing"
    where = f"{path}:{line}" if line else str(path)
    return f"{where}: {key}: {msg}"


_TYPE_TAGS = {cls.model_fields["type"].default for cls in STAGE_TYPES}


def load_recipe(path: str | Path, overrides: list[str] = ()) -> Recipe:
    """Read and validate a recipe; every problem becomes one ``file:line: key: message``."""
    path = Path(path).resolve()
    if not path.is_file():
        raise UserError(f"{path}: recipe file not found")
    text = path.read_text(encoding="utf-8")
    try:
        node = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise UserError(f"{where}: invalid YAML: {getattr(err, 'problem', err)}") from None
    if not isinstance(data, dict):
        raise UserError(f"{path}: a recipe is a YAML mapping with 'name', 'base_model', 'stages'")
    for assignment in overrides:
        _apply_override(data, assignment)
    base = data.get("base_model")
    if isinstance(base, str) and (base.startswith((".", "/", "~")) or (path.parent / base).exists()):
        resolved = (path.parent / Path(base).expanduser()).resolve()
        if not resolved.exists():
            raise UserError(f"{path}: base_model: model directory not found: {resolved}")
        data["base_model"] = str(resolved)
    try:
        return Recipe.model_validate(data, context={"base_dir": path.parent})
    except ValidationError as err:
        # A misspelt key also shows up as a missing one: name the misspelling first.
        first = sorted(err.errors(), key=lambda e: e["type"] != "extra_forbidden")[0]
        raise UserError(_format_error(path, first, _line_index(node))) from None


# --- running -------------------------------------------------------------------------------


def _paths_in(value: Any) -> list[Path]:
    if isinstance(value, Path):
        return [value]
    if isinstance(value, dict):
        return [p for v in value.values() for p in _paths_in(v)]
    if isinstance(value, (list, tuple)):
        return [p for v in value for p in _paths_in(v)]
    return []


def cache_key(recipe: Recipe, name: str, run_dir: Path) -> str:
    stage = recipe.stages[name]
    inputs = {}
    for ref in stage.inputs():
        if ref == BASE:
            local = Path(recipe.base_model)
            inputs[BASE] = file_fingerprint(local) if local.exists() else recipe.base_model
            continue
        manifest = run_dir / ref / MANIFEST
        if not manifest.is_file():
            raise UserError(f"stage '{name}' needs '{ref}', which has not completed in {run_dir}")
        inputs[ref] = sha256_bytes(manifest.read_bytes())
    files = {str(p): file_fingerprint(p) for p in _paths_in(stage.model_dump())}
    return sha256_json({
        "config": stage.model_dump(mode="json"), "files": files, "inputs": inputs,
        "seed": recipe.seed, "version": __version__,
    })


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run_stage(recipe: Recipe, name: str, run_dir: Path, key: str) -> dict:
    """Run one stage into its partial folder and move it into place with its manifest."""
    stage = recipe.stages[name]
    partial = run_dir / f".{name}.partial"
    key_file = partial / ".cache_key"
    if partial.exists() and (not key_file.is_file() or key_file.read_text() != key):
        shutil.rmtree(partial)  # left by a run with another config: nothing to resume
    partial.mkdir(parents=True, exist_ok=True)
    key_file.write_text(key)
    ctx = RunContext(run_dir=run_dir, work_dir=partial, base_model=recipe.base_model,
                     seed=recipe.seed, stage_name=name)
    started = time.perf_counter()
    try:
        metrics = stage.run(ctx) or {}
    except UserError:
        shutil.rmtree(partial, ignore_errors=True)  # nothing worth resuming
        raise
    wall = time.perf_counter() - started
    shutil.rmtree(partial / "checkpoints", ignore_errors=True)
    manifest = {
        "stage": name,
        "type": stage.type,
        "cache_key": key,
        "config": stage.model_dump(mode="json"),
        "inputs": {ref: (sha256_bytes((run_dir / ref / MANIFEST).read_bytes()) if ref != BASE
                         else recipe.base_model) for ref in stage.inputs()},
        "seed": recipe.seed,
        "versions": library_versions(),
        "metrics": metrics,
        "wall_time_s": round(wall, 2),
        "finished_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    key_file.unlink()
    write_json_atomic(partial / MANIFEST, manifest)
    replace_dir(partial, run_dir / name)
    return manifest


def run_recipe(recipe: Recipe, run_dir: str | Path, only: list[str] = (), force: list[str] = ()
               ) -> dict[str, dict]:
    """Run the recipe's stages in order into ``run_dir``; returns each stage's manifest."""
    run_dir = Path(run_dir).resolve()
    names = list(recipe.stages)
    for option, chosen in (("--only", only), ("--force", force)):
        unknown = [s for s in chosen if s not in recipe.stages]
        if unknown:
            raise UserError(f"{option}: no stage named {', '.join(unknown)} "
                            f"(stages: {', '.join(names)})")
    force_from = min((names.index(s) for s in force), default=len(names))
    run_dir.mkdir(parents=True, exist_ok=True)
    manifests = {}
    for i, name in enumerate(names):
        label = f"[{i + 1}/{len(names)}] {name} ({recipe.stages[name].type})"
        if only and name not in only:
            manifests[name] = read_manifest(run_dir / name)
            continue
        key = cache_key(recipe, name, run_dir)
        done = read_manifest(run_dir / name)
        if i < force_from and done and done.get("cache_key") == key:
            _say(f"{label}: up to date, skipped")
            manifests[name] = done
            continue
        _say(f"{label}: running")
        manifests[name] = run_stage(recipe, name, run_dir, key)
        _say(f"{label}: done in {manifests[name]['wall_time_s']:.1f} s")
    write_json_atomic(run_dir / "run.json", {
        "recipe": recipe.name, "stages": names,
        "finished_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    })
    return manifests


def plan_recipe(recipe: Recipe, run_dir: str | Path) -> list[dict]:
    """Each stage's type, inputs and whether a run would execute or skip it."""
    run_dir = Path(run_dir).resolve()
    rows, dirty = [], False
    for name, stage in recipe.stages.items():
        done = read_manifest(run_dir / name)
        try:
            fresh = not dirty and done is not None and done.get("cache_key") == cache_key(
                recipe, name, run_dir)
        except UserError:
            fresh = False
        dirty = dirty or not fresh
        rows.append({"stage": name, "type": stage.type, "inputs": stage.inputs(),
                     "status": "up to date" if fresh else "will run"})
    return rows
