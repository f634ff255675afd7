"""`langadapt demo`, `langadapt run`, `langadapt plan`: run recipes."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from langadapt.errors import UserError


def bundled(relative: str) -> Path:
    """A file shipped with the project: in the installed package, else in the source checkout."""
    package = Path(__file__).resolve().parent
    for root in (package / "_bundled", package.parents[1]):
        if (root / relative).exists():
            return root / relative
    raise UserError(f"shipped file {relative} not found (is the installation complete?)")


def _add_run_options(parser: argparse.ArgumentParser, default_out: str | None) -> None:
    parser.add_argument("--out", default=default_out, metavar="DIR",
                        help="run folder, one subfolder per stage" +
                        (f" (default: {default_out})" if default_out else
                         " (default: runs/<recipe name>)"))
    parser.add_argument("--only", nargs="+", default=[], metavar="STAGE",
                        help="run only these stages (their inputs must have run already)")
    parser.add_argument("--force", nargs="+", default=[], metavar="STAGE",
                        help="rerun these stages and every stage after them, even if up to date")
    parser.add_argument("--set", dest="overrides", action="append", default=[],
                        metavar="KEY=VALUE",
                        help="override a recipe value, e.g. stages.pretrain.training.max_steps=10 "
                             "(VALUE is read as YAML; repeatable)")
    parser.add_argument("--overwrite", action="store_true",
                        help="allow a --out folder that holds files other than an earlier run's "
                        "(they are kept; stage folders are replaced as stages run)")


def _run(recipe_path: Path, args: argparse.Namespace) -> int:
    from langadapt.evaluate.report import perplexity_table
    from langadapt.recipe import load_recipe, run_recipe

    recipe = load_recipe(recipe_path, args.overrides)
    out = Path(args.out or Path("runs") / recipe.name)
    manifests = run_recipe(recipe, out, only=args.only, force=args.force, overwrite=args.overwrite,
                           recipe_path=recipe_path)
    for name, manifest in manifests.items():
        ran = not args.only or name in args.only
        if manifest and manifest["type"] == "evaluate" and ran:
            import json

            results = json.loads((out / name / "results.json").read_text(encoding="utf-8"))
            print(f"\n{perplexity_table(results)}\n\nreport: {out / name / 'report.md'}")
    print(f"run folder: {out.resolve()}", file=sys.stderr)
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    return _run(Path(args.recipe), args)


def cmd_demo(args: argparse.Namespace) -> int:
    return _run(bundled("recipes/demo.yaml"), args)


def cmd_plan(args: argparse.Namespace) -> int:
    from langadapt.recipe import load_recipe, plan_recipe

    recipe = load_recipe(args.recipe, args.overrides)
    rows = plan_recipe(recipe, args.out or Path("runs") / recipe.name)
    table = [(r["stage"], r["type"], ", ".join(r["inputs"]) or "-", r["status"]) for r in rows]
    table.insert(0, ("stage", "type", "reads", "status"))
    widths = [max(len(row[i]) for row in table) for i in range(3)]
    for row in table:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)) + "  " + row[3])
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    demo = sub.add_parser(
        "demo", help="run the embedded demo: a tiny English model adapted to Estonian",
        description="Run the shipped demo recipe (recipes/demo.yaml): corpus -> continued "
        "pretraining -> instruction tuning -> evaluation, on a tiny English base model and real "
        "Estonian data shipped with the project. About 10 minutes on 2 CPU cores.")
    _add_run_options(demo, "runs/demo")
    demo.set_defaults(func=cmd_demo)

    run = sub.add_parser("run", help="run a recipe (cached and resumable)",
                         description="Run RECIPE.yaml's stages in order. Finished stages whose "
                         "config and inputs are unchanged are skipped; an interrupted stage "
                         "resumes from its last checkpoint.")
    run.add_argument("recipe", metavar="RECIPE.yaml")
    _add_run_options(run, None)
    run.set_defaults(func=cmd_run)

    plan = sub.add_parser("plan", help="show a recipe's stages and which would run",
                          description="Validate RECIPE.yaml and list its stages, what each reads "
                          "and whether `langadapt run` would run or skip it.")
    plan.add_argument("recipe", metavar="RECIPE.yaml")
    plan.add_argument("--out", metavar="DIR", help="run folder (default: runs/<recipe name>)")
    plan.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                      help="override a recipe value (as for run)")
    plan.set_defaults(func=cmd_plan)
