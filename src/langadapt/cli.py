"""The one entry point: ``langadapt COMMAND ...``.

Each command group lives next to the stage it drives (``langadapt/<stage>/cli.py``) and exposes
``register(subparsers)``; this module only assembles them and owns error handling. Group modules
import heavy libraries (torch, transformers) inside their handlers so ``--help`` stays instant.
"""

from __future__ import annotations

import argparse
import errno
import importlib
import logging
import os
import sys

from langadapt import __version__
from langadapt.devices import DEVICE
from langadapt.errors import UserError
from langadapt.modeling import LOADING

# OS errors that come from the machine, not from a bug: disk full, quota, read-only, permission.
ENVIRONMENT_ERRORS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM}

# Opt-ins to unsafe model loading (modeling.LOADING), valid with every command.
LOADING_FLAGS = {
    "--allow-pickle": "allow pickled (.bin) checkpoints, which can run code when loaded",
    "--trust-remote-code": "run a checkpoint's own Python code (transformers trust_remote_code)",
}

# Command groups, in the order ``--help`` lists them.
COMMAND_GROUPS = [
    "langadapt.pipeline_cli",  # demo, run, plan
    "langadapt.data.cli",  # data ...
    "langadapt.vocab.cli",  # vocab ...
    "langadapt.train.cli",  # train ...
    "langadapt.lep.cli",  # lep ...
    "langadapt.evaluate.cli",  # eval, score, report
    "langadapt.serve.cli",  # chat, serve
]


class OneLineParser(argparse.ArgumentParser):
    """argparse, with a usage mistake reported like every other user error: one line, exit 2
    (``--help`` still shows the usage)."""

    def error(self, message: str):
        self.exit(2, f"langadapt: error: {self.prog.removeprefix('langadapt ')}: {message} "
                     f"(see `{self.prog} --help`)\n")


def quiet_progress_bars() -> None:
    """Progress bars only on a terminal: a log file or a pipe gets the messages, not thousands of
    redrawn bars, and stderr keeps to errors. ``LANGADAPT_PROGRESS=1`` keeps them anyway."""
    if sys.stderr.isatty() or os.environ.get("LANGADAPT_PROGRESS") == "1":
        return
    import functools

    import tqdm

    if not isinstance(tqdm.tqdm.__init__, functools.partialmethod):
        tqdm.tqdm.__init__ = functools.partialmethod(tqdm.tqdm.__init__, disable=True)
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")


def take_device_option(argv: list[str]) -> tuple[list[str], str | None]:
    """``--device X`` / ``--device=X`` anywhere on the line, removed (a global option, like the
    loading flags, so every command that loads a model honours it)."""
    rest, device, i = [], None, 0
    while i < len(argv):
        if argv[i] == "--device" and i + 1 < len(argv):
            device, i = argv[i + 1], i + 2
            continue
        if argv[i].startswith("--device="):
            device = argv[i].split("=", 1)[1]
        else:
            rest.append(argv[i])
        i += 1
    return rest, device


def refuse_launcher(command: str) -> None:
    """``langadapt run`` under ``accelerate launch`` would make every rank run every stage and
    rename the same folders: training stages launch their own workers instead."""
    if command in ("run", "demo") and int(os.environ.get("WORLD_SIZE", "1")) > 1:
        raise UserError(f"`langadapt {command}` must not run under accelerate launch / torchrun "
                        "(each rank would run every stage); run it as one process and give the "
                        "training stages `launch: {num_processes: N, config: FILE}` (or a "
                        "recipe-level launch:)")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="langadapt",
        description=(
            "Adapt an English-centric causal LM to a new language. `langadapt demo` runs the whole "
            "pipeline on a tiny shipped model; `langadapt run RECIPE.yaml` runs your own recipe."
        ),
    )
    parser.add_argument("--version", action="version", version=f"langadapt {__version__}")
    for flag, what in LOADING_FLAGS.items():  # accepted anywhere on the line (see main)
        parser.add_argument(flag, action="store_true", help=what)
    parser.add_argument("--device", metavar="DEVICE",
                        help="where models run for inference: cpu, cuda, cuda:N, mps (default: "
                             "CUDA when present, else CPU; also LANGADAPT_DEVICE); any command")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in COMMAND_GROUPS:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=os.environ.get("LANGADAPT_LOG", "WARNING"), format="%(message)s")
    quiet_progress_bars()
    argv = list(sys.argv[1:] if argv is None else argv)
    LOADING.allow_pickle = "--allow-pickle" in argv
    LOADING.trust_remote_code = "--trust-remote-code" in argv
    argv = [a for a in argv if a not in LOADING_FLAGS]
    argv, DEVICE.requested = take_device_option(argv)
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        refuse_launcher(args.command)
        result = args.func(args)
    except UserError as err:
        print(f"langadapt: error: {err}", file=sys.stderr)
        return 2
    except OSError as err:
        if err.errno not in ENVIRONMENT_ERRORS:
            raise  # anything else is a bug: keep its traceback
        where = f"{err.filename}: " if err.filename else ""
        print(f"langadapt: error: {where}{err.strerror or err} (nothing was left half-written; "
              "free space or fix permissions and rerun)", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("langadapt: interrupted", file=sys.stderr)
        return 130
    return int(result or 0)
