"""Recipes: the YAML schema and the runner that executes its stages in order.

The runner owns ordering, caching and atomic completion. A stage's cache key hashes its config,
the content of every file it names, the manifests of the stages it reads and the package version;
a finished stage is skipped when its key is unchanged. A stage runs in ``OUT/.<name>.partial``
(checkpoints live there, so a crashed run resumes) and is renamed to ``OUT/<name>`` only after its
``manifest.json`` is written, so a folder without a manifest never looks done.
"""

from __future__ import annotations

import re
import shutil
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated, Any, Union

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from langadapt import __version__
from langadapt.artifacts import (
    MANIFEST,
    check_output,
    file_fingerprint,
    library_versions,
    read_manifest,
    replace_dir,
    sha256_bytes,
    sha256_json,
    write_json_atomic,
)
from langadapt.errors import UserError
from langadapt.modeling import LOADING
from langadapt.registry import stage_types
from langadapt.stage import ARTEFACTS, BASE, RunContext, StageConfig
from langadapt.train.launch import LaunchConfig
from langadapt.yamlconfig import first_error, format_error, read_yaml, user_location

STAGE_TYPES = stage_types()
AnyStage = Annotated[Union[STAGE_TYPES], Field(discriminator="type")]  # noqa: UP007
_TYPE_TAGS = {cls.model_fields["type"].default for cls in STAGE_TYPES}
# A recipe name becomes the default output folder runs/NAME: one plain folder name.
_NAME = re.compile(r"^(?!\.{1,2}$)[A-Za-z0-9._-]+$")


def reference_errors(stages: dict[str, StageConfig]) -> list[tuple[tuple, str]]:
    """``(key path, message)`` for every stage reference that cannot work, in recipe order."""
    errors: list[tuple[tuple, str]] = []
    names = list(stages)
    for position, (name, stage) in enumerate(stages.items()):
        if name == BASE:
            errors.append((("stages", name), f"'{BASE}' is reserved for the base model; rename the stage"))
        for key, ref, kinds in stage.references():
            loc = ("stages", name, *key)
            wanted = " or ".join(kinds)
            if ref == BASE:
                if "model" not in kinds:
                    errors.append((loc, f"'{BASE}' is the base model, but this key needs a {wanted} stage"))
            elif ref == name:
                errors.append((loc, f"'{ref}' is this stage itself; name an earlier stage"))
            elif ref not in stages:
                errors.append((loc, f"no stage named '{ref}' (stages: {', '.join(names)})"))
            elif names.index(ref) > position:
                errors.append((loc, f"'{ref}' comes later in the recipe; a stage reads only earlier stages"))
            elif stages[ref].produces not in kinds:
                errors.append((loc, f"'{ref}' is a {stages[ref].type} stage, which writes "
                                    f"{ARTEFACTS[stages[ref].produces]}; this key needs a {wanted} stage"))
    return errors


class Recipe(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    seed: int = 0
    base_model: str = Field(description="HF model directory (relative to the recipe) or hub id; "
                            "a hub id may pin a revision: org/name@revision")
    allow_pickle: bool = Field(False, description="allow pickled (.bin) checkpoints")
    trust_remote_code: bool = Field(False, description="run checkpoints' own Python code")
    launch: LaunchConfig | None = Field(
        None, description="default worker launch of training stages (a stage's launch: overrides)")
    stages: dict[str, AnyStage]

    @field_validator("name")
    @classmethod
    def _plain_name(cls, value: str) -> str:
        if not _NAME.match(value):
            raise ValueError("use letters, digits, '.', '-' and '_' only (it names the folder runs/NAME)")
        return value

    @field_validator("stages")
    @classmethod
    def _some_stages(cls, value: dict) -> dict:
        if not value:
            raise ValueError("a recipe needs at least one stage")
        return value

    @model_validator(mode="after")
    def _check_references(self, info: ValidationInfo) -> Recipe:
        if (info.context or {}).get("defer_references"):
            return self  # load_recipe reports them with their line numbers
        errors = reference_errors(self.stages)
        if errors:
            loc, message = errors[0]
            raise ValueError(f"{'.'.join(map(str, loc))}: {message}")
        return self


# --- loading -------------------------------------------------------------------------------


def _apply_override(data: dict, assignment: str) -> tuple:
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
    return tuple(int(p) if isinstance(n, list) and p.isdigit() else p
                 for p, n in zip(key.split("."), _containers(data, key.split("."))))


def _containers(data: Any, parts: list[str]) -> list:
    """The container each part of a key path indexes (to tell list indices from keys)."""
    found, node = [], data
    for part in parts:
        found.append(node)
        if isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        elif isinstance(node, dict):
            node = node.get(part)
    return found


def load_recipe(path: str | Path, overrides: list[str] = ()) -> Recipe:
    """Read and validate a recipe; every problem becomes one ``file:line: key: message``.

    A problem in a value set with ``--set`` names that option instead of a recipe line.
    """
    path = Path(path).resolve()
    data, lines = read_yaml(path, "recipe")
    if not isinstance(data, dict):
        raise UserError(f"{path}: a recipe is a YAML mapping with 'name', 'base_model', 'stages'")
    overridden: dict[tuple, str] = {}
    for assignment in overrides:
        overridden[_apply_override(data, assignment)] = assignment
    base = data.get("base_model")
    if isinstance(base, str) and (base.startswith((".", "/", "~")) or (path.parent / base).exists()):
        resolved = (path.parent / Path(base).expanduser()).resolve()
        if not resolved.exists():
            where = f"--set {overridden[('base_model',)]}" if ("base_model",) in overridden else (
                f"{path}:{lines.get(('base_model',))}")
            raise UserError(f"{where}: base_model: model directory not found: {resolved}")
        data["base_model"] = str(resolved)

    def fail(loc: tuple, message: str, err: dict | None = None) -> UserError:
        err = err or {"loc": loc, "msg": message, "type": "value_error"}
        shown = tuple(user_location(tuple(err["loc"]), _TYPE_TAGS))
        source = next((f"--set {assignment}" for key, assignment in overridden.items()
                       if shown[:len(key)] == key), None)
        return UserError(format_error(path, err, lines, _TYPE_TAGS, source=source))

    try:
        recipe = Recipe.model_validate(data, context={"base_dir": path.parent, "defer_references": True})
    except ValidationError as err:
        raise fail((), "", first_error(err.errors())) from None
    errors = reference_errors(recipe.stages)
    if errors:
        raise fail(*errors[0])
    return recipe


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
    # progress is the run's narrative (stdout); stderr is kept for the one line of an error
    print(message, flush=True)


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
                     seed=recipe.seed, stage_name=name, launch=recipe.launch)
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


def _is_run_dir(path: Path) -> bool:
    """A folder a run wrote: its run.json, or a stage folder with a manifest, or a partial stage."""
    return (path / "run.json").is_file() or any(
        (child / MANIFEST).is_file() or (child.name.startswith(".") and child.name.endswith(".partial"))
        for child in path.iterdir() if child.is_dir())


def check_run_dir(recipe: Recipe, run_dir: str | Path, overwrite: bool = False,
                  recipe_path: str | Path | None = None) -> Path:
    """The output policy for a run folder: new, empty or an earlier run's (resumed); a folder of
    other files needs ``overwrite``, and a folder holding any input of the recipe is refused."""
    run_dir = Path(run_dir).resolve()
    inputs = [recipe_path, recipe.base_model,
              *(p for stage in recipe.stages.values() for p in _paths_in(stage.model_dump()))]
    ours = run_dir.is_dir() and _is_run_dir(run_dir)
    check_output(run_dir, inputs=inputs, overwrite=overwrite or ours)
    return run_dir


def run_recipe(recipe: Recipe, run_dir: str | Path, only: list[str] = (), force: list[str] = (),
               overwrite: bool = False, recipe_path: str | Path | None = None) -> dict[str, dict]:
    """Run the recipe's stages in order into ``run_dir``; returns each stage's manifest."""
    run_dir = check_run_dir(recipe, run_dir, overwrite, recipe_path)
    created = not run_dir.exists()
    saved = (LOADING.allow_pickle, LOADING.trust_remote_code)
    LOADING.allow_pickle = LOADING.allow_pickle or recipe.allow_pickle
    LOADING.trust_remote_code = LOADING.trust_remote_code or recipe.trust_remote_code
    try:
        return _run_stages(recipe, run_dir, only, force)
    except UserError:
        if created and run_dir.is_dir() and not any(run_dir.iterdir()):
            run_dir.rmdir()  # a bad input leaves no empty run folder behind
        raise
    finally:
        LOADING.allow_pickle, LOADING.trust_remote_code = saved


def _run_stages(recipe: Recipe, run_dir: Path, only: list[str], force: list[str]) -> dict[str, dict]:
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
    """Each stage's type, inputs and whether a run would execute or skip it.

    A stage is up to date when its manifest's cache key matches and every stage it reads is up
    to date too: a rerun input writes a new manifest, which changes this stage's key. A stale
    stage does not make an independent later stage stale.
    """
    run_dir = Path(run_dir).resolve()
    rows, fresh = [], {BASE: True}
    for name, stage in recipe.stages.items():
        done = read_manifest(run_dir / name)
        try:
            fresh[name] = (done is not None and all(fresh.get(ref, False) for ref in stage.inputs())
                           and done.get("cache_key") == cache_key(recipe, name, run_dir))
        except UserError:
            fresh[name] = False
        rows.append({"stage": name, "type": stage.type, "inputs": stage.inputs(),
                     "status": "up to date" if fresh[name] else "will run"})
    return rows
