"""Recipe errors: one line naming the file, line and key; exit code 2; no traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from langadapt.cli import main
from langadapt.errors import UserError
from langadapt.recipe import load_recipe

GOOD = """\
name: t
base_model: {model}
stages:
  corpus:
    type: corpus
    sources:
      - {{path: {text}, lang: en}}
    mix: {{en: 1.0}}
  pretrain:
    type: pretrain
    data: corpus
    training: {{block_size: 64, max_steps: 2}}
"""


@pytest.fixture()
def write_recipe(tmp_path, tiny_model_dir, shared_data):
    def write(text: str | None = None, **fmt) -> Path:
        path = tmp_path / "recipe.yaml"
        body = (text or GOOD).format(model=tiny_model_dir, text=shared_data / "en/ud_ewt.dev.txt",
                                     **fmt)
        path.write_text(body)
        return path
    return write


def _error(path: Path, *overrides: str) -> str:
    with pytest.raises(UserError) as err:
        load_recipe(path, overrides)
    return str(err.value)


def test_good_recipe_loads_with_paths_resolved(write_recipe, shared_data):
    recipe = load_recipe(write_recipe())
    assert recipe.stages["corpus"].sources[0].path == (shared_data / "en/ud_ewt.dev.txt").resolve()
    assert recipe.stages["pretrain"].training.block_size == 64


def test_unknown_key_names_file_line_and_key(write_recipe):
    path = write_recipe(GOOD.replace("    data: corpus\n", "    data: corpus\n    lr_rate: 3\n"))
    message = _error(path)
    assert message == f"{path}:12: stages.pretrain.lr_rate: unknown key"


def test_wrong_type_names_the_key(write_recipe):
    path = write_recipe(GOOD.replace("block_size: 64", "block_size: lots"))
    message = _error(path)
    assert message.startswith(f"{path}:12: stages.pretrain.training.block_size: ")
    assert "integer" in message


def test_missing_file_is_reported(write_recipe, tmp_path):
    path = write_recipe()
    path.write_text(path.read_text().replace("ud_ewt.dev.txt", "nope.txt"))
    message = _error(path)
    assert message.startswith(f"{path}:7: stages.corpus.sources.0.path: file not found")


def test_reference_to_a_later_stage_is_rejected(write_recipe):
    path = write_recipe(GOOD.replace("data: corpus", "data: pretrain"))
    assert "reads 'pretrain', which is not an earlier stage" in _error(path)


def test_unknown_stage_type_and_bad_override(write_recipe):
    path = write_recipe(GOOD.replace("type: corpus", "type: korpus"))
    assert "stages.corpus" in _error(path)
    assert "expected KEY.PATH=VALUE" in _error(write_recipe(), "stages.pretrain")


def test_override_changes_a_value(write_recipe):
    recipe = load_recipe(write_recipe(), ["stages.pretrain.training.max_steps=7"])
    assert recipe.stages["pretrain"].training.max_steps == 7


def test_cli_exit_code_two_and_one_line(write_recipe, tmp_path, capsys):
    path = write_recipe(GOOD.replace("stages:", "stagez:"))
    assert main(["run", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "stagez: unknown key" in err[0]
    assert not (tmp_path / "out").exists()


def test_cli_subprocess_has_no_traceback(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nstagez: {}\n")
    proc = subprocess.run([sys.executable, "-m", "langadapt", "run", str(bad)],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and str(bad) in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
