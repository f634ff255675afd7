"""The shipped paper recipes: they validate, their tiny twins validate, and `run --tiny` completes.

The full recipes name data a team fetches (CulturaX on the hub, Alpaca-est, OASST1, evaluation
sets under data/): `plan` lists those files instead of failing, and once files exist at those
paths the recipe loads with every check on.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from langadapt.cli import main
from langadapt.planning.plan import load_for_plan
from langadapt.planning.tiny import tiny_recipe
from langadapt.recipe import load_recipe

ROOT = Path(__file__).resolve().parents[2]
PAPER_RECIPES = ["llammas", "llammas-mt", "lep-mistral-7b", "lep-llama3-8b"]


def _shipped(name: str) -> Path:
    return ROOT / "recipes" / f"{name}.yaml"


@pytest.mark.parametrize("name", PAPER_RECIPES)
def test_recipe_validates_with_only_data_files_absent(name):
    recipe, missing = load_for_plan(_shipped(name))
    assert recipe.name == name
    # every absent file is a data/evaluation file a team fetches, named with its recipe line
    assert missing and all("/data/" in m["path"] for m in missing)
    assert all(m["where"].startswith(f"{_shipped(name)}:") for m in missing)


@pytest.mark.parametrize("name", PAPER_RECIPES)
def test_recipe_loads_strictly_once_its_files_exist(name, tmp_path):
    recipes = tmp_path / "recipes"
    shutil.copytree(ROOT / "recipes" / "accelerate", recipes / "accelerate")
    copy = recipes / f"{name}.yaml"
    shutil.copy(_shipped(name), copy)
    _, missing = load_for_plan(copy)
    for item in missing:
        path = Path(item["path"])
        assert tmp_path in path.parents  # all relative to the recipe: the layout travels with it
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()
    recipe = load_recipe(copy)
    assert next(iter(recipe.stages)) == "corpus"


def test_paper_settings_are_the_stage_defaults_or_stated():
    recipe = load_recipe_lenient("llammas")
    pretrain, sft = recipe.stages["pretrain"], recipe.stages["sft"]
    assert (pretrain.training.block_size, pretrain.training.lr, pretrain.training.lr_end) == (
        1024, 2e-5, 2e-6)
    assert pretrain.training.scheduler == "polynomial"
    assert recipe.launch.num_processes * pretrain.training.batch_size * \
        pretrain.training.grad_accum == 256
    assert recipe.launch.num_processes * sft.training.batch_size * sft.training.grad_accum == 128
    assert sft.training.epochs == 3 and sft.training.keep_best
    assert recipe.stages["corpus"].mix == {"et": 0.75, "en": 0.25}
    assert recipe.stages["hqtrtask"].en_to_target_ratio == 0.75
    assert recipe.stages["hqtrtask"].max_doc_tokens == 900
    for name, lr in (("lep-mistral-7b", 1e-4), ("lep-llama3-8b", 2e-4)):
        training = load_recipe_lenient(name).stages["vocab_pretrain"].training
        assert (training.trainable, training.lr, training.scheduler, training.weight_decay) == (
            "embeddings", lr, "cosine", 0.1)


def load_recipe_lenient(name: str):
    return load_for_plan(_shipped(name))[0]


@pytest.mark.parametrize("name", [*PAPER_RECIPES, "demo"])
def test_tiny_twin_validates_with_the_same_stages(name, tmp_path):
    path, _ = tiny_recipe(_shipped(name), tmp_path / "inputs")
    tiny, full = load_recipe(path), load_for_plan(_shipped(name))[0]
    assert list(tiny.stages) == list(full.stages)
    assert [s.type for s in tiny.stages.values()] == [s.type for s in full.stages.values()]
    assert [s.inputs() for s in tiny.stages.values()] == [s.inputs() for s in full.stages.values()]
    assert tiny.launch is None and Path(tiny.base_model).name == "base-model"
    for stage in tiny.stages.values():
        if stage.type in ("pretrain", "sft"):
            assert stage.training.max_steps == 3


@pytest.mark.slow
@pytest.mark.parametrize("name", PAPER_RECIPES)
def test_run_tiny_completes(name, tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["run", str(_shipped(name)), "--tiny", "--out", str(out)]) == 0
    run = json.loads((out / "run.json").read_text())
    assert run["recipe"] == f"{name}-tiny" and run["stages"] == list(load_recipe_lenient(name).stages)
    for stage in run["stages"]:
        assert (out / stage / "manifest.json").is_file()
    results = json.loads((out / "evaluate" / "results.json").read_text())
    assert set(results["models"]) == set(load_recipe_lenient(name).stages["evaluate"].models)
    assert (out.parent / "run.inputs" / "recipe.yaml").is_file()


def test_stage_defaults_are_the_llammas_settings():
    from langadapt.data.bitext.stage import TranslationTasksStage
    from langadapt.data.corpus.stage import CorpusStage
    from langadapt.train.stage import PretrainStage

    training = PretrainStage(data="corpus").training
    assert (training.block_size, training.lr, training.lr_end, training.scheduler) == (
        1024, 2e-5, 2e-6, "polynomial")
    corpus = CorpusStage(sources=[{"hub": "uonlp/CulturaX", "lang": "et"},
                                  {"hub": "uonlp/CulturaX", "lang": "en"}])
    assert corpus.mix == {"et": 0.75, "en": 0.25} and corpus.mix_by == "tokens"
    assert corpus.url_suffixes == {"et": [".ee", ".org", ".net"]}
    assert TranslationTasksStage(data="bitext").en_to_target_ratio == 0.75


def test_hub_corpus_takes_a_local_path_override(shared_data):
    local = shared_data / "et" / "ud_ewt.dev.txt"
    recipe, _ = load_for_plan(_shipped("llammas"), [
        "stages.corpus.sources.0.hub=null", f"stages.corpus.sources.0.path={local}"])
    source = recipe.stages["corpus"].sources[0]
    assert source.hub is None and source.path == local.resolve() and source.lang == "et"


def test_tiny_refuses_a_language_without_demo_text(tmp_path):
    from langadapt.errors import UserError

    recipe = tmp_path / "fi.yaml"
    recipe.write_text(_shipped("llammas").read_text().replace("hub_config: et, lang: et",
                                                              "hub_config: fi, lang: fi"))
    with pytest.raises(UserError, match=r"--tiny: stages\.corpus\.sources\.0: no demo text in "
                                        r"language 'fi'"):
        tiny_recipe(recipe, tmp_path / "inputs")


def test_tiny_never_replaces_a_recipe_it_did_not_write(tmp_path):
    from langadapt.errors import UserError

    inputs = tmp_path / "inputs"
    inputs.mkdir()
    (inputs / "recipe.yaml").write_text("name: mine\n")
    with pytest.raises(UserError, match="was not written by --tiny"):
        tiny_recipe(_shipped("llammas"), inputs)
    assert (inputs / "recipe.yaml").read_text() == "name: mine\n"
    (inputs / "recipe.yaml").unlink()
    path, _ = tiny_recipe(_shipped("llammas"), inputs)
    tiny_recipe(_shipped("llammas"), inputs)  # its own file: regenerated
    assert path.read_text().startswith("# The tiny twin of ")
