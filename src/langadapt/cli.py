"""The one entry point: ``langadapt COMMAND ...``.

Each command group lives next to the stage it drives (``langadapt/<stage>/cli.py``) and exposes
``register(subparsers)``; this module only assembles them and owns error handling. Group modules
import heavy libraries (torch, transformers) inside their handlers so ``--help`` stays instant.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys

from langadapt import __version__
from langadapt.errors import UserError

# Command groups, in the order ``--help`` lists them.
COMMAND_GROUPS = [
    "langadapt.pipeline_cli",  # demo, run, plan
    "langadapt.data.cli",  # data ...
    "langadapt.vocab.cli",  # vocab ...
    "langadapt.train.cli",  # train ...
    "langadapt.evaluate.cli",  # eval, score, report
    "langadapt.serve.cli",  # chat, serve
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="langadapt",
        description=(
            "Adapt an English-centric causal LM to a new language. `langadapt demo` runs the whole "
            "pipeline on a tiny shipped model; `langadapt run RECIPE.yaml` runs your own recipe."
        ),
    )
    parser.add_argument("--version", action="version", version=f"langadapt {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in COMMAND_GROUPS:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=os.environ.get("LANGADAPT_LOG", "WARNING"), format="%(message)s")
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        result = args.func(args)
    except UserError as err:
        print(f"langadapt: error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("langadapt: interrupted", file=sys.stderr)
        return 130
    return int(result or 0)
