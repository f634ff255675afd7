"""Bad-input catalogue: every user error ends with exit 2, one named error line, no output.

Each case builds its bad input in its own folder (the command's cwd) from the shipped demo data
and model, runs one command, and checks the contract of ``bad_input_contract``. Set
``BAD_INPUTS_REPORT=FILE`` to collect every case's exit code, stderr and problems as JSONL.
"""

from __future__ import annotations

import errno
import json
import os
import socket
from pathlib import Path

import pytest
from bad_input_contract import (
    BASE_MODEL,
    CASES,
    DEMO_DATA,
    Expect,
    Workspace,
    case,
    contract_problems,
    record,
    run_in_process,
    run_subprocess,
    snapshot,
    stderr_lines,
)

M = str(BASE_MODEL)

# ----------------------------------------------------------------------------------------------
# Inputs shared by several cases


def bitext_files(w: Workspace, lines: int = 40) -> tuple[str, str]:
    return (w.demo("bitext/tatoeba.en", "a.en", lines), w.demo("bitext/tatoeba.et", "a.et", lines))


def et_text(w: Workspace, name: str = "et.txt", lines: int = 60) -> str:
    return w.demo("et/ud_ewt.dev.txt", name, lines)


def pairs_file(w: Workspace, name: str = "pairs.jsonl", lines: int = 20) -> str:
    """PAIRS.jsonl in the bitext contract, from the shipped Tatoeba pairs."""
    src = (DEMO_DATA / "bitext/tatoeba.en").read_text(encoding="utf-8").splitlines()
    tgt = (DEMO_DATA / "bitext/tatoeba.et").read_text(encoding="utf-8").splitlines()
    rows = [{"src": s, "tgt": t, "src_lang": "en", "tgt_lang": "et", "source": "tatoeba"}
            for s, t in list(zip(src, tgt))[:lines]]
    return w.write(name, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))


# Line numbers matter: cases below point at lines 1, 8, 9, 12 and 13.
RECIPE = """\
name: tiny
seed: 1
base_model: {model}
stages:
  bitext:
    type: bitext
    sources:
      - {{src: a.en, tgt: a.et}}
    preset: none
  tasks:
    type: translation_tasks
    data: bitext
    n: 10
"""


def recipe(w: Workspace, name: str = "r.yaml") -> str:
    """The tiny recipe (bitext -> 10 translation tasks, a second to run) and its inputs."""
    bitext_files(w)
    return w.write(name, RECIPE.format(model=M))


def recipe_edit(w: Workspace, old: str, new: str, name: str = "r.yaml") -> str:
    bitext_files(w)
    text = RECIPE.format(model=M)
    assert old in text, old
    return w.write(name, text.replace(old, new, 1))


def corpus_args(source: str, out: str, *extra: str) -> list[str]:
    return ["data", "corpus", "--source", source, "--tokenizer", M, "--out", out, *extra]


def vocab_train_args(text: str, out: str, *extra: str) -> list[str]:
    return ["vocab", "train", "--input", text, "--vocab-size", "400", "--model-type", "bpe",
            "--out", out, *extra]


def vocab_adapt_args(corpus: str, out: str, *extra: str) -> list[str]:
    return ["vocab", "adapt", "--base", M, "--mode", "extend", "--corpus", corpus,
            "--new-tokens", "20", "--out", out, *extra]


def pretrain_args(model: str, data: str, out: str, *extra: str) -> list[str]:
    return ["train", "pretrain", "--model", model, "--data", data, "--out", out,
            "--max-steps", "1", "--block-size", "64", "--batch-size", "2", *extra]


def perplexity_tasks(w: Workspace) -> str:
    w.demo("et/ud_ewt.test.txt", "held.txt", 5)
    return w.write("tasks.yaml", "- name: ppl-et\n  type: perplexity\n  text: held.txt\n")


# A disk-full message names what the user asked for, not a temporary file that no longer exists.
NO_TEMP_NAMES = (".tmp",)


def enospc(w: Workspace, target: str, when):
    """Make ``target`` ('replace' or 'fsync') fail with ENOSPC when ``when(path)``; returns a
    counter of the faults fired."""
    fired = []
    if target == "replace":
        real = os.replace

        def fake_replace(src, dst, *args, **kwargs):
            if when(Path(os.path.abspath(os.fsdecode(dst)))):
                fired.append(dst)
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), os.fsdecode(src), None,
                              os.fsdecode(dst))
            return real(src, dst, *args, **kwargs)

        w.monkeypatch.setattr(os, "replace", fake_replace)
    else:
        real = os.fsync

        def fake_fsync(fd):
            try:
                path = Path(os.readlink(f"/proc/self/fd/{fd if isinstance(fd, int) else fd.fileno()}"))
            except OSError:
                path = Path("?")
            if when(path):
                fired.append(path)
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))  # fsync names no file
            return real(fd)

        w.monkeypatch.setattr(os, "fsync", fake_fsync)
    return lambda: len(fired)


# ----------------------------------------------------------------------------------------------
# Output policy: never destroy or mix into what is already there


@case("corpus-out-nonempty")
def _(w):
    et_text(w)
    w.mkdir("out", {"keep.txt": "mine\n"})
    return Expect(corpus_args("et.txt:et", "out"), names=("--out", "out"), out="out")


@case("corpus-out-holds-input-even-with-overwrite")
def _(w):
    et_text(w, "out/et.txt")
    return Expect(corpus_args("out/et.txt:et", "out", "--overwrite"), names=("--out", "et.txt"),
                  out="out")


@case("corpus-out-dot-holds-input")
def _(w):
    et_text(w)
    return Expect(corpus_args("et.txt:et", ".", "--overwrite"), names=("--out", "et.txt"))


@case("corpus-out-proc")
def _(w):
    et_text(w)
    return Expect(corpus_args("et.txt:et", "/proc/x"), names=("--out", "/proc"))


@case("corpus-out-under-file")
def _(w):
    et_text(w)
    return Expect(corpus_args("et.txt:et", "et.txt/x"), names=("--out", "et.txt"))


@case("vocab-train-out-nonempty")
def _(w):
    et_text(w)
    w.mkdir("tok", {"keep.txt": "mine\n"})
    return Expect(vocab_train_args("et.txt", "tok"), names=("--out", "tok"), out="tok")


@case("vocab-train-out-holds-input-even-with-overwrite")
def _(w):
    et_text(w, "tok/et.txt")
    return Expect(vocab_train_args("tok/et.txt", "tok", "--overwrite"), names=("--out", "et.txt"))


@case("vocab-train-out-dot-holds-input")
def _(w):
    et_text(w)
    return Expect(vocab_train_args("et.txt", ".", "--overwrite"), names=("--out", "et.txt"))


@case("vocab-train-out-proc")
def _(w):
    et_text(w)
    return Expect(vocab_train_args("et.txt", "/proc/x"), names=("--out", "/proc"))


@case("vocab-train-out-under-file")
def _(w):
    et_text(w)
    return Expect(vocab_train_args("et.txt", "et.txt/x"), names=("--out", "et.txt"))


@case("vocab-adapt-out-nonempty")
def _(w):
    et_text(w)
    w.mkdir("va", {"keep.txt": "mine\n"})
    return Expect(vocab_adapt_args("et.txt", "va"), names=("--out", "va"), out="va")


@case("vocab-adapt-out-holds-input-even-with-overwrite")
def _(w):
    et_text(w, "va/et.txt")
    return Expect(vocab_adapt_args("va/et.txt", "va", "--overwrite"), names=("--out", "et.txt"))


@case("vocab-adapt-out-dot-holds-input")
def _(w):
    et_text(w)
    return Expect(vocab_adapt_args("et.txt", ".", "--overwrite"), names=("--out", "et.txt"))


@case("vocab-adapt-out-proc")
def _(w):
    et_text(w)
    return Expect(vocab_adapt_args("et.txt", "/proc/x"), names=("--out", "/proc"))


@case("vocab-adapt-out-under-file")
def _(w):
    et_text(w)
    return Expect(vocab_adapt_args("et.txt", "et.txt/x"), names=("--out", "et.txt"))


@case("pretrain-out-holds-input-even-with-overwrite")
def _(w):
    et_text(w, "cpt/et.txt")
    w.write("cpt/notes.txt", "mine\n")
    return Expect(pretrain_args(M, "cpt/et.txt", "cpt", "--overwrite"), names=("--out", "et.txt"))


@case("bitext-out-exists")
def _(w):
    src, tgt = bitext_files(w)
    w.write("pairs.jsonl", "old pairs\n")
    return Expect(["data", "bitext", "--src", src, "--tgt", tgt, "--out", "pairs.jsonl"],
                  names=("--out", "pairs.jsonl"))


@case("bitext-out-is-input-even-with-overwrite")
def _(w):
    src, tgt = bitext_files(w)
    return Expect(["data", "bitext", "--src", src, "--tgt", tgt, "--out", tgt, "--overwrite"],
                  names=("--out", "a.et"))


@case("bitext-out-is-folder")
def _(w):
    src, tgt = bitext_files(w)
    w.mkdir("pairs")
    return Expect(["data", "bitext", "--src", src, "--tgt", tgt, "--out", "pairs"],
                  names=("--out", "pairs"))


@case("bitext-out-dot", also_subprocess=True)
def _(w):
    src, tgt = bitext_files(w)
    return Expect(["data", "bitext", "--src", src, "--tgt", tgt, "--out", "."], names=("--out",))


@case("translation-tasks-out-exists")
def _(w):
    pairs = pairs_file(w)
    w.write("tasks.jsonl", "old tasks\n")
    return Expect(["data", "translation-tasks", "--pairs", pairs, "--out", "tasks.jsonl"],
                  names=("--out", "tasks.jsonl"))


@case("translation-tasks-out-is-input-even-with-overwrite")
def _(w):
    pairs = pairs_file(w)
    return Expect(["data", "translation-tasks", "--pairs", pairs, "--out", pairs, "--overwrite"],
                  names=("--out", "pairs.jsonl"))


@case("run-out-nonempty-unrelated")
def _(w):
    r = recipe(w)
    w.mkdir("results", {"notes.txt": "mine\n", "plot.png": b"\x89PNG..."})
    return Expect(["run", r, "--out", "results"], names=("--out", "results"))


@case("run-out-holds-recipe-even-with-overwrite")
def _(w):
    w.demo("bitext/tatoeba.en", "proj/a.en", 40)
    w.demo("bitext/tatoeba.et", "proj/a.et", 40)
    w.write("proj/r.yaml", RECIPE.format(model=M))
    return Expect(["run", "proj/r.yaml", "--out", "proj", "--overwrite"],
                  names=("--out", "r.yaml"))


# ----------------------------------------------------------------------------------------------
# Empty and degenerate inputs


@case("pretrain-empty-text")
def _(w):
    w.write("empty.txt", "")
    return Expect(pretrain_args(M, "empty.txt", "cpt"), names=("empty.txt",), out="cpt")


@case("bitext-empty-files")
def _(w):
    w.write("e.en", "")
    w.write("e.et", "")
    return Expect(["data", "bitext", "--src", "e.en", "--tgt", "e.et", "--out", "pairs.jsonl"],
                  names=(("e.en", "e.et"),), out="pairs.jsonl")


@case("translation-tasks-empty-pairs")
def _(w):
    w.write("pairs.jsonl", "")
    return Expect(["data", "translation-tasks", "--pairs", "pairs.jsonl", "--out", "tasks.jsonl"],
                  names=("pairs.jsonl",), out="tasks.jsonl")


@case("vocab-train-empty-file")
def _(w):
    w.write("empty.txt", "")
    return Expect(vocab_train_args("empty.txt", "tok"), names=("empty.txt",), out="tok")


@case("vocab-adapt-extend-corpus-adds-nothing")
def _(w):
    w.write("common.txt", "the the the of of and and\n")
    return Expect(vocab_adapt_args("common.txt", "va"), names=(("common.txt", "--corpus"),),
                  out="va")


@case("vocab-adapt-extend-empty-corpus")
def _(w):
    w.write("empty.txt", "")
    return Expect(vocab_adapt_args("empty.txt", "va"), names=("empty.txt",), out="va")


@case("corpus-empty-file")
def _(w):
    w.write("empty.txt", "")
    return Expect(corpus_args("empty.txt:et", "out"), names=("empty.txt",), out="out")


@case("recipe-no-stages")
def _(w):
    r = w.write("r.yaml", f"name: tiny\nseed: 1\nbase_model: {M}\nstages: {{}}\n")
    return Expect(["run", r, "--out", "run"], names=("r.yaml:4", "stages"), out="run")


@case("recipe-name-escapes-runs")
def _(w):
    r = recipe_edit(w, "name: tiny", "name: ../../x")
    escaped = (w.root / "runs" / "../../x").resolve()
    return Expect(["run", r], names=("r.yaml:1", "name"), absent=(escaped,))


# ----------------------------------------------------------------------------------------------
# Text readers: NUL bytes, invalid UTF-8, bad JSONL lines, bad records

ET_LINES = ("Tallinna vanalinn on üks paremini säilinud keskaegseid linnasüdameid Euroopas.\n"
            "Eesti keel kuulub soome-ugri keelte hulka ning seda räägib umbes miljon inimest.\n")


@case("vocab-train-nul-byte")
def _(w):
    w.write("nul.txt", ET_LINES.encode() + b"Selles reas on \x00 NUL-bait keset lauset, mis on pikk.\n")
    return Expect(vocab_train_args("nul.txt", "tok"), names=("nul.txt:3",), out="tok")


@case("bitext-nul-byte")
def _(w):
    src, tgt = bitext_files(w, 10)
    w.write(src, w.path(src).read_bytes().replace(b"\n", b"\x00\n", 1))
    return Expect(["data", "bitext", "--src", src, "--tgt", tgt, "--out", "pairs.jsonl"],
                  names=("a.en:1",), out="pairs.jsonl")


@case("corpus-lines-nul-byte")
def _(w):
    w.write("nul.txt", ET_LINES.encode() + b"Selles reas on \x00 NUL-bait keset lauset, mis on pikk.\n")
    return Expect(corpus_args("nul.txt:et", "out"), names=("nul.txt:3",), out="out")


@case("corpus-lines-invalid-utf8")
def _(w):
    w.write("bad.txt", ET_LINES.encode() + b"Vigane bait \xff\xfe keset lauset, mis on piisavalt pikk.\n")
    return Expect(corpus_args("bad.txt:et", "out"), names=("bad.txt:3",), out="out")


@case("bitext-invalid-utf8")
def _(w):
    src, tgt = bitext_files(w, 10)
    data = w.path(tgt).read_bytes().splitlines(keepends=True)
    data[4] = b"Vigane \xff\xfe rida.\n"
    w.write(tgt, b"".join(data))
    return Expect(["data", "bitext", "--src", src, "--tgt", tgt, "--out", "pairs.jsonl"],
                  names=("a.et:5",), out="pairs.jsonl")


@case("vocab-train-invalid-utf8")
def _(w):
    w.write("bad.txt", ET_LINES.encode() + b"Vigane bait \xc3\x28 keset lauset.\n")
    return Expect(vocab_train_args("bad.txt", "tok"), names=("bad.txt:3",), out="tok")


@case("pretrain-invalid-utf8")
def _(w):
    w.write("bad.txt", ET_LINES.encode() + b"Vigane bait \xff keset lauset.\n")
    return Expect(pretrain_args(M, "bad.txt", "cpt"), names=("bad.txt:3",), out="cpt")


@case("sft-conversations-bad-json-line")
def _(w):
    good = {"messages": [{"role": "user", "content": "Tere!"},
                         {"role": "assistant", "content": "Tere! Kuidas saan aidata?"}],
            "source": "t", "lang": "et"}
    w.write("conv.jsonl", json.dumps(good) + "\n" + json.dumps(good) + "\n"
            + '{"messages": [{"role": "user", "content": "katki\n')
    return Expect(["train", "sft", "--model", M, "--data", "conv.jsonl", "--out", "sft",
                   "--max-steps", "1"], names=("conv.jsonl:3",), out="sft")


@case("sft-conversation-unknown-role")
def _(w):
    rows = [{"messages": [{"role": "user", "content": "Tere!"},
                          {"role": "assistant", "content": "Tere!"}], "source": "t", "lang": "et"},
            {"messages": [{"role": "user", "content": "Tere!"},
                          {"role": "wizard", "content": "Abrakadabra."}], "source": "t", "lang": "et"}]
    w.write("conv.jsonl", "".join(json.dumps(r) + "\n" for r in rows))
    return Expect(["train", "sft", "--model", M, "--data", "conv.jsonl", "--out", "sft",
                   "--max-steps", "1"], names=("conv.jsonl:2", ("wizard", "role")), out="sft")


@case("translation-tasks-bad-json-line")
def _(w):
    pairs = pairs_file(w, lines=3)
    w.write(pairs, w.path(pairs).read_text() + '{"src": "x", oops}\n')
    return Expect(["data", "translation-tasks", "--pairs", pairs, "--out", "tasks.jsonl"],
                  names=("pairs.jsonl:4",), out="tasks.jsonl")


@case("instructions-alpaca-record-missing-output")
def _(w):
    w.write("alpaca.json", '[\n  {"instruction": "Say hi", "input": "", "output": "hi"},\n'
                           '  {"instruction": "Say bye", "input": ""}\n]\n')
    r = w.write("r.yaml", f"name: tiny\nbase_model: {M}\nstages:\n  ins:\n    type: instructions\n"
                          "    sources: [{path: alpaca.json, format: alpaca, lang: en}]\n")
    # The record without 'output' starts on line 3 of the file (it is the 2nd record).
    return Expect(["run", r, "--out", "run"],
                  names=(("alpaca.json:3", "alpaca.json: record 2"), "output"), out="run")


# ----------------------------------------------------------------------------------------------
# Recipes


@case("recipe-unknown-key", also_subprocess=True)
def _(w):
    r = recipe_edit(w, "    preset: none\n", "    preset: none\n    colour: red\n")
    return Expect(["run", r, "--out", "run"], names=("r.yaml:10", "stages.bitext.colour"), out="run")


@case("recipe-wrong-type")
def _(w):
    r = recipe_edit(w, "n: 10", "n: ten")
    return Expect(["run", r, "--out", "run"], names=("r.yaml:13", "stages.tasks.n"), out="run")


@case("recipe-missing-file")
def _(w):
    r = recipe_edit(w, "src: a.en", "src: missing.en")
    return Expect(["run", r, "--out", "run"], names=("r.yaml:8", "missing.en"), out="run")


@case("recipe-model-names-corpus-stage")
def _(w):
    et_text(w)
    r = w.write("r.yaml", f"name: tiny\nbase_model: {M}\nstages:\n"
                          "  corpus:\n    type: corpus\n    sources: [{path: et.txt, lang: et}]\n"
                          "  pretrain:\n    type: pretrain\n    model: corpus\n    data: corpus\n")
    return Expect(["run", r, "--out", "run"], names=("r.yaml:9", "stages.pretrain.model"), out="run")


@case("recipe-reads-later-stage")
def _(w):
    bitext_files(w)
    r = w.write("r.yaml", f"name: tiny\nbase_model: {M}\nstages:\n"
                          "  tasks:\n    type: translation_tasks\n    data: bitext\n"
                          "  bitext:\n    type: bitext\n    sources: [{src: a.en, tgt: a.et}]\n")
    return Expect(["run", r, "--out", "run"], names=("r.yaml:6", "stages.tasks.data"), out="run")


@case("recipe-reads-missing-stage")
def _(w):
    r = recipe_edit(w, "data: bitext", "data: nothing")
    return Expect(["run", r, "--out", "run"], names=("r.yaml:12", "nothing"), out="run")


@case("recipe-set-bad-value")
def _(w):
    r = recipe(w)
    return Expect(["run", r, "--out", "run", "--set", "stages.tasks.n=abc"],
                  names=("stages.tasks.n",), starts_with="--set", out="run")


@case("recipe-invalid-yaml")
def _(w):
    r = recipe_edit(w, "    n: 10\n", "    n: [10\n")
    return Expect(["run", r, "--out", "run"], names=("r.yaml",), out="run")


@case("recipe-not-found")
def _(w):
    return Expect(["run", "nope.yaml", "--out", "run"], names=("nope.yaml",), out="run")


@case("recipe-only-stage-whose-input-was-deleted")
def _(w):
    r = recipe(w)
    assert run_in_process(["run", r, "--out", "run"])[0] == 0  # a finished run ...
    for entry in (w.root / "run" / "bitext").rglob("*"):
        if entry.is_file():
            entry.unlink()
    for entry in sorted((w.root / "run" / "bitext").rglob("*"), reverse=True):
        entry.rmdir()
    (w.root / "run" / "bitext").rmdir()  # ... whose bitext folder was deleted by hand
    return Expect(["run", r, "--out", "run", "--only", "tasks"], names=("bitext",))


@case("recipe-pydantic-wording-path-given-a-list")
def _(w):
    r = recipe_edit(w, "src: a.en", "src: [a.en]")
    return Expect(["plan", r], names=("r.yaml:8", "stages.bitext.sources.0.src"))


@case("recipe-pydantic-wording-model-validator")
def _(w):
    r = w.write("r.yaml", f"name: tiny\nbase_model: {M}\nstages:\n"
                          "  vocab:\n    type: vocab\n    model: base\n    mode: extend\n")
    return Expect(["plan", r], names=("r.yaml", "stages.vocab"))


# ----------------------------------------------------------------------------------------------
# Models


@case("eval-model-without-config")
def _(w):
    w.model("noconf")
    (w.root / "noconf" / "config.json").unlink()
    return Expect(["eval", "--model", "noconf", "--tasks", perplexity_tasks(w), "--out", "ev"],
                  names=("noconf", "config.json"), out="ev")


def truncated_model(w: Workspace) -> str:
    w.model("trunc")
    weights = w.root / "trunc" / "model.safetensors"
    os.truncate(weights, weights.stat().st_size // 2)
    return "trunc"


@case("eval-truncated-safetensors", also_subprocess=True)
def _(w):
    model = truncated_model(w)
    return Expect(["eval", "--model", model, "--tasks", perplexity_tasks(w), "--out", "ev"],
                  names=("trunc",), out="ev")


@case("pretrain-truncated-safetensors")
def _(w):
    model = truncated_model(w)
    return Expect(pretrain_args(model, et_text(w), "cpt"), names=("trunc",), out="cpt")


def mismatched_model(w: Workspace) -> str:
    """The demo model with a tokenizer that has 40 more tokens than it has embedding rows."""
    from transformers import AutoTokenizer

    w.model("mism")
    tok = AutoTokenizer.from_pretrained(BASE_MODEL)
    tok.add_tokens([f"uus{i}" for i in range(40)])
    tok.save_pretrained(w.root / "mism")
    return "mism"


@case("eval-tokenizer-does-not-match-model")
def _(w):
    model = mismatched_model(w)
    return Expect(["eval", "--model", model, "--tasks", perplexity_tasks(w), "--out", "ev"],
                  names=("mism",), out="ev")


@case("pretrain-tokenizer-does-not-match-model")
def _(w):
    model = mismatched_model(w)
    return Expect(pretrain_args(model, et_text(w), "cpt"), names=("mism",), out="cpt")


def pickled_model(w: Workspace) -> str:
    import torch
    from safetensors.torch import load_file

    w.model("pkl")
    weights = w.root / "pkl" / "model.safetensors"
    torch.save(load_file(weights), w.root / "pkl" / "pytorch_model.bin")
    weights.unlink()
    return "pkl"


@case("eval-pickle-checkpoint-refused")
def _(w):
    model = pickled_model(w)
    return Expect(["eval", "--model", model, "--tasks", perplexity_tasks(w), "--out", "ev"],
                  names=("pkl", "pytorch_model.bin"), out="ev")


@case("pretrain-pickle-checkpoint-refused")
def _(w):
    model = pickled_model(w)
    return Expect(pretrain_args(model, et_text(w), "cpt"), names=("pkl", "pytorch_model.bin"),
                  out="cpt")


@case("pretrain-model-not-found")
def _(w):
    return Expect(pretrain_args("no-such-model", et_text(w), "cpt"), names=("no-such-model",),
                  out="cpt")


# ----------------------------------------------------------------------------------------------
# Disk full


@case("disk-full-translation-tasks")
def _(w):
    pairs = pairs_file(w)
    fired = enospc(w, "replace", lambda p: w.root in p.parents)
    return Expect(["data", "translation-tasks", "--pairs", pairs, "--out", "tasks.jsonl"],
                  names=(("tasks.jsonl", "--out"), "No space left on device"), out="tasks.jsonl",
                  injected=fired, forbid=NO_TEMP_NAMES)


@case("disk-full-bitext-while-writing-pairs")
def _(w):
    src, tgt = bitext_files(w)
    fired = enospc(w, "fsync", lambda p: w.root in p.parents)
    return Expect(["data", "bitext", "--src", src, "--tgt", tgt, "--out", "pairs.jsonl"],
                  names=(("pairs.jsonl", "--out"), "No space left on device"), out="pairs.jsonl",
                  injected=fired, forbid=NO_TEMP_NAMES)


@case("disk-full-bitext-at-stats-after-pairs")
def _(w):
    src, tgt = bitext_files(w)
    fired = enospc(w, "replace", lambda p: p.name.endswith(".stats.json"))
    return Expect(["data", "bitext", "--src", src, "--tgt", tgt, "--out", "pairs.jsonl"],
                  names=(("pairs", "--out"), "No space left on device"), out="pairs.jsonl",
                  injected=fired, forbid=NO_TEMP_NAMES)


@case("disk-full-vocab-train")
def _(w):
    et_text(w)
    fired = enospc(w, "replace", lambda p: w.root in p.parents or p == w.root)
    return Expect(vocab_train_args("et.txt", "tok"), names=(("tok", "--out"),
                                                            "No space left on device"),
                  out="tok", injected=fired, forbid=NO_TEMP_NAMES)


# ----------------------------------------------------------------------------------------------
# Metrics


@case("score-gec-edit-outside-sentence")
def _(w):
    w.write("gold.m2", "S Mulle vaja appi .\nA 0 1|||R:NOM:FORM|||Mul|||REQUIRED|||-NONE-|||0\n"
                       "A 7 9|||M:LEX|||on|||REQUIRED|||-NONE-|||0\n\n")
    w.write("hyp.txt", "Mul on vaja abi .\n")
    return Expect(["score", "gec", "--m2", "gold.m2", "--hyp", "hyp.txt", "--out", "s.json"],
                  names=("gold.m2:3",), out="s.json")


@case("score-gec-edit-reversed")
def _(w):
    w.write("gold.m2", "S Mulle vaja appi .\nA 3 1|||M:LEX|||on|||REQUIRED|||-NONE-|||0\n\n")
    w.write("hyp.txt", "Mul on vaja abi .\n")
    return Expect(["score", "gec", "--m2", "gold.m2", "--hyp", "hyp.txt", "--out", "s.json"],
                  names=("gold.m2:2",), out="s.json")


@case("score-mt-line-counts-differ")
def _(w):
    w.demo("bitext/flores200_dev.et", "ref.txt", 10)
    w.demo("bitext/flores200_dev.et", "hyp.txt", 9)
    return Expect(["score", "mt", "--ref", "ref.txt", "--hyp", "hyp.txt", "--out", "s.json"],
                  names=("ref.txt", "hyp.txt"), out="s.json")


@case("score-mt-unknown-tokenizer")
def _(w):
    w.demo("bitext/flores200_dev.et", "ref.txt", 10)
    return Expect(["score", "mt", "--ref", "ref.txt", "--hyp", "ref.txt", "--tokenize", "bogus"],
                  names=("--tokenize", "bogus"))


# ----------------------------------------------------------------------------------------------
# Serving and chat (real processes with a timeout: a bug here hangs instead of failing)


@case("serve-port-out-of-range", subprocess=True)
def _(w):
    return Expect(["serve", M, "--port", "99999"], names=("--port",))


@case("serve-port-in-use", subprocess=True)
def _(w):
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    w.keep.append(sock)
    port = sock.getsockname()[1]
    return Expect(["serve", M, "--port", str(port)], names=(str(port),))


@case("chat-repetition-penalty-zero", subprocess=True)
def _(w):
    return Expect(["chat", M, "--repetition-penalty", "0"], names=("--repetition-penalty",),
                  stdin="hi\n")


@case("chat-max-new-tokens-zero", subprocess=True)
def _(w):
    return Expect(["chat", M, "--max-new-tokens", "0"], names=("--max-new-tokens",), stdin="")


# ----------------------------------------------------------------------------------------------
# Found while exploring: options validated without naming the option, argparse's own errors


@case("bitext-unknown-language-code")
def _(w):
    src, tgt = bitext_files(w)
    return Expect(["data", "bitext", "--src", src, "--tgt", tgt, "--src-lang", "english",
                   "--out", "pairs.jsonl"], names=("--src-lang", "english"), out="pairs.jsonl")


@case("bitext-line-counts-differ")
def _(w):
    src, _tgt = bitext_files(w)
    w.demo("bitext/tatoeba.et", "short.et", 30)
    return Expect(["data", "bitext", "--src", src, "--tgt", "short.et", "--out", "pairs.jsonl"],
                  names=("a.en", "short.et"), out="pairs.jsonl")


@case("translation-tasks-negative-n")
def _(w):
    pairs = pairs_file(w)
    return Expect(["data", "translation-tasks", "--pairs", pairs, "--out", "tasks.jsonl",
                   "--n", "-3"], names=("--n",), out="tasks.jsonl")


@case("translation-tasks-pair-missing-fields")
def _(w):
    w.write("pairs.jsonl", '{"src": "A cab is waiting."}\n')
    return Expect(["data", "translation-tasks", "--pairs", "pairs.jsonl", "--out", "tasks.jsonl"],
                  names=("pairs.jsonl:1", "tgt"), out="tasks.jsonl")


@case("vocab-train-vocab-size-too-small")
def _(w):
    et_text(w)
    args = vocab_train_args("et.txt", "tok")
    args[args.index("--vocab-size") + 1] = "10"
    return Expect(args, names=("--vocab-size",), out="tok")


@case("vocab-train-character-coverage-out-of-range")
def _(w):
    et_text(w)
    return Expect(vocab_train_args("et.txt", "tok", "--character-coverage", "2"),
                  names=("--character-coverage",), out="tok")


@case("pretrain-negative-lr")
def _(w):
    return Expect(pretrain_args(M, et_text(w), "cpt", "--lr", "-1"), names=("--lr",), out="cpt")


@case("eval-tasks-file-unknown-key")
def _(w):
    perplexity_tasks(w)
    w.write("tasks.yaml", w.path("tasks.yaml").read_text() + "  colour: red\n")
    return Expect(["eval", "--model", M, "--tasks", "tasks.yaml", "--out", "ev"],
                  names=("tasks.yaml:4", "colour"), out="ev")


@case("run-only-unknown-stage")
def _(w):
    r = recipe(w)
    return Expect(["run", r, "--out", "run", "--only", "nosuch"], names=("--only", "nosuch"),
                  out="run")


@case("report-folder-without-results")
def _(w):
    w.mkdir("runs", {"notes.txt": "mine\n"})
    return Expect(["report", "runs"], names=("runs",))


@case("lep-propagate-adapted-without-config")
def _(w):
    w.mkdir("adapted", {"notes.txt": "not a model\n"})
    return Expect(["lep", "propagate", "--base", M, "--instruct", M, "--adapted", "adapted",
                   "--out", "prop"], names=("--adapted", "config.json"), out="prop")


@case("argparse-invalid-int")
def _(w):
    return Expect(["chat", M, "--max-new-tokens", "abc"], names=("--max-new-tokens", "abc"))


# ----------------------------------------------------------------------------------------------
# Instruction data: malformed records, foreign outputs


@case("instructions-alpaca-missing-output")
def _(w):
    w.write("a.jsonl", '{"instruction": "x", "output": "y"}\n{"instruction": "z"}\n')
    return Expect(["data", "instructions", "--source", "a.jsonl:alpaca:et", "--out", "out"],
                  names=("a.jsonl:2", "output"), out="out")


@case("instructions-oasst-bad-role")
def _(w):
    w.write("o.jsonl", '{"message_id": "1", "parent_id": null, "role": "prompter", "text": "Hi"}\n'
                       '{"message_id": "2", "parent_id": "1", "role": "bot", "text": "Hello"}\n')
    return Expect(["data", "instructions", "--source", "o.jsonl:oasst:en", "--out", "out"],
                  names=("o.jsonl:2", "role"), out="out")


@case("instructions-sharegpt-unknown-speaker")
def _(w):
    w.write("s.jsonl", '{"conversations": [{"from": "human", "value": "Hi"}, '
                       '{"from": "robot", "value": "Hello"}]}\n')
    return Expect(["data", "instructions", "--source", "s.jsonl:conversations:en", "--out", "out"],
                  names=("s.jsonl:1", "robot"), out="out")


@case("self-instruct-bad-seed-task")
def _(w):
    w.write("seeds.jsonl", '{"instruction": "Nimeta linn.", "instances": [{"output": "Tartu"}]}\n'
                           '{"instruction": 3}\n')
    return Expect(["data", "self-instruct", "--seed-tasks", "seeds.jsonl", "--count", "2",
                   "--endpoint", "http://127.0.0.1:9/v1", "--model", "m", "--out", "gen.jsonl"],
                  names=("seeds.jsonl:2",), out="gen.jsonl")


@case("self-instruct-out-foreign-file")
def _(w):
    seeds = w.demo("instructions/alpaca_est_seed_tasks.jsonl", "seeds.jsonl", 5)
    w.write("gen.jsonl", "my own notes\n")
    return Expect(["data", "self-instruct", "--seed-tasks", seeds, "--count", "2",
                   "--endpoint", "http://127.0.0.1:9/v1", "--model", "m", "--out", "gen.jsonl"],
                  names=("gen.jsonl",))


# ----------------------------------------------------------------------------------------------
# The test


def _params():
    for c in CASES:
        if c.subprocess:
            yield pytest.param(c, "subprocess", id=c.id)
        else:
            yield pytest.param(c, "in-process", id=c.id)
            if c.also_subprocess:
                yield pytest.param(c, "subprocess", id=f"{c.id}[subprocess]")


@pytest.mark.parametrize(("bad", "mode"), list(_params()))
def test_user_error_contract(bad, mode, tmp_path, monkeypatch, capfd):
    root = (tmp_path / "case").resolve()
    root.mkdir()
    monkeypatch.chdir(root)
    w = Workspace(root, monkeypatch)
    try:
        expect = bad.build(w)
        capfd.readouterr()  # whatever preparing the case printed
        before = snapshot(root)
        absent_before = {p: not os.path.lexists(p) for p in expect.absent}
        if mode == "in-process":
            rc, _tb = run_in_process(expect.argv)
            err = capfd.readouterr().err
        else:
            rc, err = run_subprocess(expect.argv, root, expect.stdin,
                                     timeout=60 if expect.argv[0] in ("chat", "serve") else 120)
        after = snapshot(root)
    finally:
        for obj in w.keep:
            obj.close()
    problems = contract_problems(expect, rc, err, before, after, absent_before)
    record(bad.id, mode, expect, rc, err, problems)
    assert not problems, (
        f"langadapt {' '.join(expect.argv)}\n  rc={rc}\n  stderr:\n    "
        + "\n    ".join(stderr_lines(err)[-12:]) + "\n  problems:\n    - " + "\n    - ".join(problems))


def test_catalogue_is_complete():
    assert len(list(_params())) >= 45
    assert len({c.id for c in CASES}) == len(CASES)
