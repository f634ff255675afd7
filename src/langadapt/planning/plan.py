"""`langadapt plan`: what a recipe will read, train and cost, before anything runs.

Per stage: inputs, expected sizes (counted from local files, else taken from the recipe's budget
or estimated), tokens, optimiser steps, trainable parameters (from the model's config alone),
training FLOPs, GPU-hours at a peak and MFU, disk written, and whether a run would skip it.
Data files a recipe names but that are not there yet are listed, not fatal: a plan is how a team
checks a recipe before fetching terabytes. Estimation rules per stage live in ``plan_stages``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from langadapt.errors import UserError
from langadapt.planning.compute import (
    DEFAULT_GPU,
    DEFAULT_MFU,
    GPU_PEAK_TFLOPS,
    gpu_hours,
)
from langadapt.planning.estimates import Estimator, human_bytes

# load_recipe's message for a missing file: "FILE:LINE: KEY: file not found: PATH"
_MISSING = re.compile(r"^(?P<where>.*?): (?P<key>[^\s:]+): file not found: (?P<path>.+)$")
_MAX_MISSING = 500  # a recipe naming more absent files than this is surely mistyped


def load_for_plan(path: str | Path, overrides: list[str] = ()) -> tuple[Any, list[dict]]:
    """The recipe, validated in full except that absent data files are allowed.

    Each absent file is recorded (where the recipe names it) and stood in for by the recipe file
    itself while validating, so every other check (keys, types, stage references) still runs.
    Any other problem is the usual one-line error.
    """
    from langadapt.recipe import load_recipe

    path = Path(path).resolve()
    stand_ins: list[str] = []
    missing: list[dict] = []
    while True:
        try:
            return load_recipe(path, [*overrides, *stand_ins]), missing
        except UserError as err:
            found = _MISSING.match(str(err))
            if not found or len(missing) >= _MAX_MISSING or found["where"].startswith("--set"):
                raise
            missing.append({"where": found["where"], "key": found["key"], "path": found["path"]})
            stand_ins.append(f"{found['key']}={path}")


def plan(recipe_path: str | Path, run_dir: str | Path | None = None, overrides: list[str] = (),
         gpu: str = DEFAULT_GPU, mfu: float = DEFAULT_MFU) -> dict:
    """The whole plan as one JSON-ready dict (``langadapt plan --json`` prints it)."""
    from langadapt.recipe import plan_recipe

    if gpu not in GPU_PEAK_TFLOPS:
        raise UserError(f"--gpu {gpu}: unknown GPU (known: {', '.join(GPU_PEAK_TFLOPS)})")
    if not 0 < mfu <= 1:
        raise UserError(f"--mfu {mfu}: a utilisation between 0 and 1, e.g. 0.4")
    recipe_path = Path(recipe_path).resolve()
    recipe, missing = load_for_plan(recipe_path, overrides)
    run_dir = Path(run_dir or Path("runs") / recipe.name)
    status = {row["stage"]: row["status"] for row in plan_recipe(recipe, run_dir)}
    estimator = Estimator(recipe, recipe_path, {m["path"] for m in missing})
    stages = []
    for name, stage in recipe.stages.items():
        row = {"stage": name, "type": stage.type, "reads": stage.inputs(), "status": status[name],
               **estimator.estimate(name, stage)}
        if row.get("flops"):
            row["gpu_hours"] = round(gpu_hours(row["flops"], gpu, mfu), 1)
        stages.append(row)
    return {
        "recipe": recipe.name, "file": str(recipe_path), "run_dir": str(run_dir.resolve()),
        "gpu": gpu, "peak_tflops": GPU_PEAK_TFLOPS[gpu], "mfu": mfu,
        "stages": stages, "missing_inputs": missing,
        "total_gpu_hours": round(sum(r.get("gpu_hours", 0) for r in stages), 1),
        "gpu_hours_to_run": round(sum(r.get("gpu_hours", 0) for r in stages
                                      if r["status"] != "up to date"), 1),
        "disk_bytes": sum(r.get("disk_bytes", 0) for r in stages),
        "notes": estimator.notes,
    }


def _num(value: float | None, unit: str = "") -> str:
    if value is None:
        return "-"
    for size, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            return f"{value / size:.{1 if value / size < 100 else 0}f}{suffix}{unit}"
    return f"{value:g}{unit}"


def _size(row: dict) -> str:
    parts = []
    for key, unit in (("documents", "docs"), ("pairs", "pairs"), ("conversations", "conv"),
                      ("examples", "examples")):
        if row.get(key) is not None:
            parts.append(f"{'~' if row.get('estimated') else ''}{_num(row[key])} {unit}")
    return ", ".join(parts) or "-"


def render(result: dict) -> str:
    """The plan as a table, its notes and a summary line."""
    header = ("stage", "type", "reads", "size", "tokens", "steps", "trainable", "FLOPs",
              "GPU-h", "disk", "status")
    rows = [header]
    for r in result["stages"]:
        tokens = _num(r.get("tokens"))
        rows.append((r["stage"], r["type"], ", ".join(r["reads"]) or "-", _size(r),
                     ("~" if r.get("estimated") and r.get("tokens") else "") + tokens,
                     f"{r['steps']:,}" if r.get("steps") else "-",
                     _num(r.get("trainable_parameters")),
                     f"{r['flops']:.2e}" if r.get("flops") else "-",
                     f"{r['gpu_hours']:,.1f}" if r.get("gpu_hours") is not None else "-",
                     human_bytes(r.get("disk_bytes")), r["status"]))
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    for r in result["stages"]:
        lines.extend(f"  {r['stage']}: {note}" for note in r.get("notes", []))
    if result["missing_inputs"]:
        lines.append(f"not there yet ({len(result['missing_inputs'])} files; sizes estimated):")
        lines.extend(f"  {m['where']}: {m['key']}: {m['path']}" for m in result["missing_inputs"])
    lines.extend(result["notes"])
    waiting = sum(r["status"] != "up to date" for r in result["stages"])
    lines.append(
        f"total: {result['total_gpu_hours']:,.1f} GPU-hours on {result['gpu']} "
        f"({result['peak_tflops']:g} TFLOPS bf16 peak) at MFU {result['mfu']:g}; "
        f"{result['gpu_hours_to_run']:,.1f} for the {waiting} stage(s) that would run; "
        f"about {human_bytes(result['disk_bytes'])} written")
    return "\n".join(lines)
