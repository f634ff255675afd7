"""`langadapt demo`, `langadapt run`, `langadapt plan`: run recipes."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from langadapt.shipped import shipped


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
    if args.tiny:
        from langadapt.planning.tiny import run_tiny

        return run_tiny(Path(args.recipe), args, _run)
    return _run(Path(args.recipe), args)


def cmd_demo(args: argparse.Namespace) -> int:
    return _run(shipped("recipes/demo.yaml"), args)


def cmd_plan(args: argparse.Namespace) -> int:
    from langadapt.planning.plan import plan, render

    result = plan(args.recipe, args.out, args.overrides, gpu=args.gpu, mfu=args.mfu)
    if args.json:
        import json

        print(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        print(render(result))
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
    run.add_argument("--tiny", action="store_true",
                     help="the same recipe shape on a laptop: the demo base model, demo data of "
                     "the same kind (a few hundred items per source), a few steps per training "
                     "stage; output in runs/<name>-tiny (checks the wiring before a cluster run)")
    run.set_defaults(func=cmd_run)

    plan = sub.add_parser("plan", help="validate a recipe and predict its sizes, steps and compute",
                          description="Validate RECIPE.yaml without loading weights or data and "
                          "list per stage what it reads, expected sizes, tokens, optimiser steps, "
                          "trainable parameters, training FLOPs, GPU-hours at --gpu's bf16 peak "
                          "and --mfu, disk written, and whether `langadapt run` would run or skip "
                          "it. Absent data files are listed, not fatal.")
    plan.add_argument("recipe", metavar="RECIPE.yaml")
    plan.add_argument("--out", metavar="DIR", help="run folder (default: runs/<recipe name>)")
    plan.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                      help="override a recipe value (as for run)")
    plan.add_argument("--gpu", default="h100", choices=sorted(_gpus()),
                      help="GPU whose dense bf16 peak converts FLOPs to hours (default: h100; "
                      "mi250x = one MI250X module, 2 GCDs)")
    plan.add_argument("--mfu", type=float, default=0.4,
                      help="model FLOPs utilisation assumed (default: 0.4; the Llammas paper's "
                      "1,184 MI250X-hours correspond to 0.124)")
    plan.add_argument("--json", action="store_true", help="print the plan as JSON")
    plan.set_defaults(func=cmd_plan)


def _gpus() -> list[str]:
    from langadapt.planning.compute import GPU_PEAK_TFLOPS

    return list(GPU_PEAK_TFLOPS)
