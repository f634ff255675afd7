"""The lep CLI: a working run, and one-line exit-2 errors that leave no output behind."""

from __future__ import annotations

import json
import shutil

import pytest
from lep_helpers import make_tiny_llama
from transformers import AutoTokenizer


def test_propagate_command_prints_manifest(run_cli, tied_family, tmp_path):
    code, out, err = run_cli(["lep", "propagate", "--base", tied_family.base, "--instruct",
                              tied_family.instruct, "--adapted", tied_family.adapted, "--out", tmp_path / "P"])
    assert code == 0, err
    printed = json.loads(out)
    assert printed["mode"] == "conversion" and printed["residuals"]["input_embeddings"] < 1e-6
    assert json.loads((tmp_path / "P" / "manifest.json").read_text())["tokens"] == printed["tokens"]


def _model(path, tok_dir, **kwargs):
    tok = AutoTokenizer.from_pretrained(tok_dir)
    make_tiny_llama(tok, layers=2, tie_word_embeddings=False, **kwargs).save_pretrained(path)
    tok.save_pretrained(path)
    return path


@pytest.fixture(scope="module")
def bad_models(tmp_path_factory, untied):
    root = tmp_path_factory.mktemp("bad")
    tok_dir = untied.base
    pickle = root / "pickle"
    pickle.mkdir()
    shutil.copy(untied.base / "config.json", pickle)
    (pickle / "pytorch_model.bin").write_bytes(b"not really")
    no_tok = root / "no-tokenizer"
    no_tok.mkdir()
    for f in ("config.json", "model.safetensors"):
        shutil.copy(untied.adapted / f, no_tok)
    full = root / "full"
    full.mkdir()
    (full / "keep.txt").write_text("x")
    return {"wide": _model(root / "wide", tok_dir, hidden=48), "unrelated": _model(root / "other", tok_dir, seed=99),
            "pickle": pickle, "no_tok": no_tok, "full": full}


CASES = {
    "instruct hidden size": ("instruct", "wide", "shape"),
    "adapted hidden size": ("adapted", "wide", "hidden size 48"),
    "adapted not from base": ("adapted", "unrelated", "not an adaptation of this base"),
    "missing base": ("base", None, "no such model directory"),
    "adapted without tokenizer": ("adapted", "no_tok", "no tokenizer.json"),
    "pickle checkpoint": ("instruct", "pickle", "pickle checkpoint"),
    "non-empty out": ("out", "full", "not empty"),
    "bad mode": ("mode", "diagonal", "unknown mode"),
}


@pytest.mark.parametrize("case", CASES)
def test_bad_input_is_one_line_exit_2(case, run_cli, untied, bad_models, tmp_path):
    option, value, message = CASES[case]
    args = {"base": untied.base, "instruct": untied.instruct, "adapted": untied.adapted, "out": tmp_path / "P"}
    if option == "mode":
        args["mode"] = value
    else:
        args[option] = bad_models.get(value, tmp_path / "does-not-exist")
    code, out, err = run_cli(["lep", "merge" if case == "pickle checkpoint" else "propagate",
                              *[x for k, v in args.items() for x in (f"--{k}", v)]])
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and err.startswith("langadapt: error:") and message in err, err
    assert not (tmp_path / "P").exists()
    assert option != "out" or sorted(p.name for p in bad_models["full"].iterdir()) == ["keep.txt"]
