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


def test_reference_to_itself_is_rejected_with_its_line(write_recipe):
    path = write_recipe(GOOD.replace("data: corpus", "data: pretrain"))
    assert _error(path) == f"{path}:11: stages.pretrain.data: 'pretrain' is this stage itself; name an earlier stage"


LATER = GOOD + """\
  sft:
    type: sft
    model: pretrain
    data: [{data}]
"""


@pytest.mark.parametrize("data, message", [
    ("missing", "stages.sft.data.0: no stage named 'missing' (stages: corpus, pretrain, sft)"),
    ("corpus", "stages.sft.data.0: 'corpus' is a corpus stage, which writes corpus/ shards of "
               "documents {{text, lang, source}}; this key needs a conversations stage"),
    ("base", "stages.sft.data.0: 'base' is the base model, but this key needs a conversations stage"),
])
def test_reference_of_the_wrong_kind_is_rejected_at_load(write_recipe, data, message):
    path = write_recipe(LATER, data=data)
    assert _error(path) == f"{path}:16: " + message.replace("{{", "{").replace("}}", "}")


def test_forward_reference_and_model_naming_a_corpus(write_recipe):
    path = write_recipe(GOOD.replace("    data: corpus\n", "    data: corpus\n    model: corpus\n"))
    assert _error(path) == (f"{path}:12: stages.pretrain.model: 'corpus' is a corpus stage, which "
                            "writes corpus/ shards of documents {text, lang, source}; this key needs "
                            "a model stage")
    swapped = "name: t\nbase_model: {model}\nstages:\n  pretrain:\n    type: pretrain\n    data: corpus\n" \
              "  corpus:\n    type: corpus\n    sources: [{{path: {text}, lang: en}}]\n    mix: {{en: 1.0}}\n"
    path = write_recipe(swapped)
    assert _error(path) == (f"{path}:6: stages.pretrain.data: 'corpus' comes later in the recipe; "
                            "a stage reads only earlier stages")


def test_no_stages_and_unsafe_name_are_rejected(write_recipe):
    path = write_recipe("name: t\nbase_model: {model}\nstages: {{}}\n")
    assert _error(path) == f"{path}:3: stages: a recipe needs at least one stage"
    path = write_recipe(GOOD.replace("name: t", "name: ../../etc"))
    assert _error(path).startswith(f"{path}:1: name: use letters, digits")


def test_override_error_names_the_option(write_recipe):
    path = write_recipe()
    message = _error(path, "stages.pretrain.training.max_steps=many")
    assert message.startswith("--set stages.pretrain.training.max_steps=many: "
                              "stages.pretrain.training.max_steps:"), message


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
