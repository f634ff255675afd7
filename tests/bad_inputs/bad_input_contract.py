"""The CLI's error contract for user errors, and the machinery the bad-input catalogue runs on.

A user error (bad file, bad config, bad option, missing or broken model, full disk) must end
with exit code 2 and exactly one stderr line ``langadapt: error: ...`` that names the file (and
line) or the key / option and says what is wrong or what to do; no traceback; and no output: the
folder the command ran in holds exactly the entries it held before, each file byte-identical
(so no half-written ``--out``, no ``.*.tmp`` beside it, no empty output folder).

Cases run in-process (``langadapt.cli.main``, fast: torch is imported once) with stderr captured
at the file-descriptor level, so C libraries (SentencePiece), tqdm bars and log handlers count
as they would in a terminal; a few also run as real ``python -m langadapt`` processes.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import shutil
import subprocess
import sys
import traceback
import warnings
from collections.abc import Callable
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
DEMO_DATA = PROJECT / "demo" / "data"
BASE_MODEL = PROJECT / "demo" / "base-model"

PREFIX = "langadapt: error:"
# Internals that must never reach a user: Python/pydantic/C++ machinery instead of a sentence.
FORBIDDEN = ("Traceback", "Value error,", "function-after", ".str", "<class ", "[type=",
             "For further information visit", "trainer_interface.cc")

# A name the message must contain; a tuple means any one of its members.
Name = str | tuple[str, ...]


@dataclasses.dataclass
class Expect:
    """What one case runs and what its error line must name."""

    argv: list[str]
    names: tuple[Name, ...] = ()
    out: str | None = None  # the output path (relative to the case folder), for the report
    absent: tuple[Path, ...] = ()  # paths outside the case folder that must not appear
    stdin: str = ""
    starts_with: str | None = None  # text the message must begin with (after the prefix)
    forbid: tuple[str, ...] = ()  # text the message must not contain (besides FORBIDDEN)
    injected: Callable[[], int] | None = None  # faults fired (disk-full cases); must be > 0


@dataclasses.dataclass
class Case:
    id: str
    build: Callable[[Workspace], Expect]
    subprocess: bool = False  # run only as a real process (chat/serve: they may block)
    also_subprocess: bool = False  # run in-process and once more as a real process


CASES: list[Case] = []


def case(case_id: str, *, subprocess: bool = False, also_subprocess: bool = False):
    def register(build: Callable[[Workspace], Expect]) -> Callable[[Workspace], Expect]:
        CASES.append(Case(case_id, build, subprocess, also_subprocess))
        return build
    return register


class Workspace:
    """The case's own folder (the process's cwd), with builders for bad inputs."""

    def __init__(self, root: Path, monkeypatch):
        self.root = root
        self.monkeypatch = monkeypatch
        self.keep: list = []  # objects that must live until the case ran (sockets)

    def path(self, name: str) -> Path:
        return self.root / name

    def write(self, name: str, content: str | bytes) -> str:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return name

    def demo(self, rel: str, name: str, lines: int | None = None) -> str:
        """A copy of a shipped demo data file (its first ``lines`` lines)."""
        data = (DEMO_DATA / rel).read_bytes()
        if lines is not None:
            data = b"".join(data.splitlines(keepends=True)[:lines])
        return self.write(name, data)

    def mkdir(self, name: str, files: dict[str, str | bytes] | None = None) -> str:
        (self.root / name).mkdir(parents=True, exist_ok=True)
        for sub, content in (files or {}).items():
            self.write(f"{name}/{sub}", content)
        return name

    def model(self, name: str) -> str:
        """A copy of the tiny demo base model, to break."""
        shutil.copytree(BASE_MODEL, self.root / name)
        return name


# ----------------------------------------------------------------------------------------------
# Running a command


def _show_warning(message, category, filename, lineno, file=None, line=None):
    sys.stderr.write(warnings.formatwarning(message, category, filename, lineno, line))


def run_in_process(argv: list[str]) -> tuple[int | str, str]:
    """``main(argv)`` as the console script runs it; returns (exit code, traceback or '').

    pytest's log and warning capture are lifted for the call, so log records and warnings reach
    stderr as in a terminal.
    """
    from langadapt.cli import main

    root = logging.getLogger()
    saved = root.handlers[:], root.level
    root.handlers = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("default")
            warnings.showwarning = _show_warning
            try:
                return main(argv), ""
            except SystemExit as exc:  # argparse
                code = exc.code
                return (code if isinstance(code, int) else (0 if code is None else 1)), ""
            except Exception:  # noqa: BLE001 - the console script would print this and exit 1
                tb = traceback.format_exc()
                sys.stderr.write(tb)
                return 1, tb
    finally:
        for handler in root.handlers:
            if handler not in saved[0]:
                handler.close()
        root.handlers, root.level = saved[0], saved[1]


def run_subprocess(argv: list[str], cwd: Path, stdin: str, timeout: float = 120) -> tuple[int | str, str]:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
           "HF_DATASETS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    env.pop("LANGADAPT_LOG", None)
    try:
        proc = subprocess.run([sys.executable, "-m", "langadapt", *argv], check=False, cwd=cwd,
                              input=stdin, capture_output=True, text=True, timeout=timeout,
                              env=env)
    except subprocess.TimeoutExpired as exc:
        err = exc.stderr.decode(errors="replace") if isinstance(exc.stderr, bytes) else (exc.stderr or "")
        return f"hung (killed after {timeout:.0f} s)", err
    return proc.returncode, proc.stderr


# ----------------------------------------------------------------------------------------------
# Checking the contract


def snapshot(root: Path) -> dict[str, str]:
    """Every entry under ``root``: files by content hash, folders and links by kind."""
    tree: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            rel = path.relative_to(root).as_posix()
            if path.is_symlink():
                tree[rel] = "link:" + os.readlink(path)
            elif path.is_dir():
                tree[rel] = "dir"
            else:
                tree[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return tree


def stderr_lines(err: str) -> list[str]:
    """The non-blank lines a terminal would show: a bar redrawn with '\\r' is one line (its
    last drawing)."""
    shown = (line.rstrip("\r").rsplit("\r", 1)[-1] for line in err.split("\n"))
    return [line for line in shown if line.strip()]


def contract_problems(expect: Expect, rc, err: str, before: dict[str, str],
                      after: dict[str, str], absent_before: dict[Path, bool]) -> list[str]:
    problems = []
    if rc != 2:
        problems.append(f"exit code {rc}, expected 2")
    lines = stderr_lines(err)
    if "Traceback (most recent call last)" in err:
        problems.append("a traceback reached stderr")
    if len(lines) != 1:
        problems.append(f"{len(lines)} stderr lines, expected exactly one")
    errors = [line for line in lines if line.startswith(PREFIX)]
    message = errors[-1] if errors else ""
    if not errors:
        problems.append(f"no stderr line starts with {PREFIX!r}")
    else:
        body = message[len(PREFIX):].strip()
        if expect.starts_with is not None and not body.startswith(expect.starts_with):
            problems.append(f"message does not start with {expect.starts_with!r}")
        for name in expect.names:
            options = name if isinstance(name, tuple) else (name,)
            if not any(option in message for option in options):
                problems.append("message does not name " + " or ".join(map(repr, options)))
        leaked = [frag for frag in FORBIDDEN + expect.forbid if frag in message]
        if leaked:
            problems.append(f"message leaks internals: {leaked}")
    changed = sorted(rel for rel in before if rel in after and before[rel] != after[rel])
    removed = sorted(rel for rel in before if rel not in after)
    added = sorted(rel for rel in after if rel not in before)
    if changed:
        problems.append(f"pre-existing files changed: {changed}")
    if removed:
        problems.append(f"pre-existing entries removed: {removed}")
    if added:
        problems.append(f"left behind: {added}")
    for path, was_absent in absent_before.items():
        if was_absent and os.path.lexists(path):
            problems.append(f"created outside its folder: {path}")
    if expect.injected is not None and expect.injected() == 0:
        problems.append("the simulated disk-full fault never fired (the write path changed?)")
    return problems


def record(case_id: str, mode: str, expect: Expect, rc, err: str, problems: list[str]) -> None:
    """With BAD_INPUTS_REPORT=FILE, append one JSON line per case (for the to-do list)."""
    target = os.environ.get("BAD_INPUTS_REPORT")
    if not target:
        return
    row = {"id": case_id, "mode": mode, "argv": expect.argv, "rc": rc,
           "stderr": stderr_lines(err)[-8:], "problems": problems, "passed": not problems}
    with open(target, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(row, ensure_ascii=False) + "\n")
