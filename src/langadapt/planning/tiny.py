"""`langadapt run RECIPE --tiny`: the same recipe shape on a laptop.

Every stage and every reference stays; what changes is scale. The base model (and any released
instruct model) becomes the shipped demo base, every data source becomes shipped demo data of the
same kind and language, capped at a few hundred items, every training stage stops after a few
steps in one process, and evaluation scores a handful of examples per task. So a run checks the
wiring of a cluster recipe (every stage, data contract, evaluation and report) in minutes.

The tiny recipe is written beside the run folder (``OUT.inputs/recipe.yaml``) with the few files
derived for it, so the user can read exactly what ran.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from langadapt.artifacts import write_text_atomic
from langadapt.errors import UserError
from langadapt.shipped import shipped
from langadapt.yamlconfig import read_yaml

STEPS = 3  # optimiser steps per training stage
ITEMS = 100  # instructions kept per source
TASK_EXAMPLES = 5  # evaluation examples per task and split
TRAINING = {"max_steps": STEPS, "block_size": 256, "batch_size": 4, "grad_accum": 1,
            "save_strategy": "steps", "save_steps": 2, "logging_steps": 1, "precision": "auto",
            "gradient_checkpointing": False}
# demo data by kind, relative to the project's demo/ folder
TEXT = {"et": ["data/et/ud_edt.dev.txt", "data/et/ud_edt.test.txt", "data/bitext/wmt18_newsdev.et"],
        "en": ["data/en/python_docs.txt", "data/en/ud_ewt.dev.txt"]}
VALIDATION_TEXT = {"et": "data/et/ud_ewt.dev.txt", "en": "data/en/ud_ewt.dev.txt"}
HELDOUT = {"et": "data/et/ud_ewt.test.txt", "en": "data/en/ud_ewt.test.txt"}
BITEXT = {"en": "data/bitext/tatoeba.en", "et": "data/bitext/tatoeba.et"}
FLORES = {"en": "data/bitext/flores200_dev.en", "et": "data/bitext/flores200_dev.et"}
SEEDS = {"et": "data/instructions/alpaca_est_seed_tasks.jsonl",
         "en": "data/instructions/alpaca_seed_tasks.en.jsonl"}
COPA = "data/copa/xcopa_et.val.jsonl"
GEC = "data/gec/estgec_l2.dev300.m2"


def demo(relative: str) -> str:
    """A shipped demo file (``demo/RELATIVE``)."""
    return str(shipped(f"demo/{relative}"))


class Tiny:
    """Turns a raw recipe mapping into its tiny twin, collecting what it changed."""

    def __init__(self, inputs: Path):
        self.inputs = inputs
        self.notes: list[str] = []
        self.used: dict[str, int] = {}

    def text(self, lang: str, where: str) -> str:
        if lang not in TEXT:
            raise UserError(f"--tiny: {where}: no demo text in language '{lang}' (demo: et, en)")
        files = TEXT[lang]
        self.used[lang] = self.used.get(lang, -1) + 1
        return demo(files[self.used[lang] % len(files)])

    def recipe(self, data: dict) -> dict:
        if not isinstance(data, dict) or not isinstance(data.get("stages"), dict):
            raise UserError("--tiny: a recipe is a mapping with 'name', 'base_model' and 'stages'")
        tiny = {**data, "name": f"{data.get('name', 'recipe')}-tiny",
                "base_model": demo("base-model")}
        if tiny.pop("launch", None) is not None:
            self.notes.append("launch: removed (one process)")
        tiny["stages"] = {}
        for name, stage in data["stages"].items():
            if not isinstance(stage, dict):
                raise UserError(f"--tiny: stages.{name}: a stage is a mapping")
            stage = dict(stage)
            stage.pop("launch", None)
            handler = getattr(self, f"_{stage.get('type')}", None)
            tiny["stages"][name] = handler(name, stage) if handler else stage
        return tiny

    # --- data stages ----------------------------------------------------------------------
    def _corpus(self, name: str, s: dict) -> dict:
        s["sources"] = [{"path": self.text(src.get("lang"), f"stages.{name}.sources.{i}"),
                         "lang": src.get("lang"), "name": src.get("name") or f"demo-{i}"}
                        for i, src in enumerate(s.get("sources") or [])]
        s.update(token_budget=20000, url_missing="keep", exclude=list(flores_paths()),
                 executor={"type": "local", "workers": 1})
        return s

    def _tokenize(self, name: str, s: dict) -> dict:
        return {**s, "workers": 1, "tasks": 1}

    def _bitext(self, name: str, s: dict) -> dict:
        src, tgt = s.get("src_lang", "en"), s.get("tgt_lang", "et")
        if {src, tgt} != {"en", "et"}:
            raise UserError(f"--tiny: stages.{name}: demo bitext is en-et only")
        return {**s, "sources": [{"src": demo(BITEXT[src]), "tgt": demo(BITEXT[tgt]),
                                  "name": "tatoeba"}], "decontaminate": list(flores_paths())}

    def _translation_tasks(self, name: str, s: dict) -> dict:
        return {**s, "n": min(s.get("n") or 200, 200)}

    def _instructions(self, name: str, s: dict) -> dict:
        sources = []
        for i, src in enumerate(s.get("sources") or []):
            lang = src.get("lang", "en")
            sources.append({"path": demo(SEEDS.get(lang, SEEDS["en"])), "format": "self_instruct",
                            "lang": lang, "name": src.get("name") or f"source-{i}",
                            "limit": min(src.get("limit") or ITEMS, ITEMS)})
        return {**s, "sources": sources, "exclude": list(flores_paths())}

    def _self_instruct(self, name: str, s: dict) -> dict:
        s = {**s, "seed_tasks": demo(SEEDS.get(s.get("lang", "et"), SEEDS["en"])),
             "count": min(s.get("count") or 10, 10), "max_requests": min(s.get("max_requests") or 4, 4),
             "max_tokens": min(s.get("max_tokens") or 160, 160)}
        if s.pop("endpoint", None) is not None:  # no API from a laptop check: a local generator
            s["model"] = "base"
            self.notes.append(f"stages.{name}: endpoint replaced by the demo base as generator")
        return s

    def _vocab(self, name: str, s: dict) -> dict:
        s = {**s, "files": [self.text(s.get("lang", "et"), f"stages.{name}.files")
                            for _ in s.get("files") or []]}
        for key, cap in (("new_tokens", 300), ("keep", 3500), ("tokenizer_vocab_size", 1000)):
            if s.get(key):
                s[key] = min(s[key], cap)
        return s

    # --- training and models ----------------------------------------------------------------
    def training(self, block: dict | None) -> dict:
        return {**(block or {}), **TRAINING}

    def _pretrain(self, name: str, s: dict) -> dict:
        validation = {k: demo(VALIDATION_TEXT["et"]) for k in s.get("validation") or {}}
        return {**s, "training": self.training(s.get("training")), "validation": validation}

    def _sft(self, name: str, s: dict) -> dict:
        validation = {k: self.conversations() for k in s.get("validation") or {}}
        return {**s, "training": self.training(s.get("training")), "validation": validation}

    def model(self, ref: Any) -> Any:
        """A released model (path or hub id, not a stage) becomes the demo base."""
        if isinstance(ref, str) and ("/" in ref or "\\" in ref or ref.startswith(".")):
            self.notes.append(f"{ref}: replaced by the demo base model")
            return demo("base-model")
        return ref

    def _lep(self, name: str, s: dict) -> dict:
        return {**s, **{k: self.model(s[k]) for k in ("base", "instruct", "adapted") if k in s}}

    _lep_merge = _lep

    def _lep_calibrate(self, name: str, s: dict) -> dict:
        s = {**s, "model": self.model(s.get("model")), "teacher": self.model(s.get("teacher")),
             "prompts": demo(SEEDS["et"]), "text": demo(VALIDATION_TEXT["et"]),
             "copy_examples": min(s.get("copy_examples") or 20, 20), "max_new_tokens": 16,
             "batch_size": 4, "training": self.training(s.get("training"))}
        s.pop("endpoint", None)
        s.pop("judge", None)
        if s.get("tune_data"):
            s["tune_data"] = self.conversations()
            s["tuning"] = self.training(s.get("tuning"))
        return s

    def _evaluate(self, name: str, s: dict) -> dict:
        s = {**s, "perplexity": {lang: demo(HELDOUT.get(lang, HELDOUT["en"]))
                                 for lang in s.get("perplexity") or {}}, "max_lines": 40}
        if s.get("chat"):
            s["chat"] = {lang: {**probe, "text": demo(HELDOUT.get(lang, HELDOUT["en"])),
                                "limit": TASK_EXAMPLES}
                         for lang, probe in s["chat"].items()}
        tasks = []
        for task in s.get("tasks") or []:
            small = self.task(dict(task))
            if small is None:
                self.notes.append(f"stages.{name}: task {task.get('name')} ({task.get('type')}) "
                                  "left out: no demo data of its kind")
            else:
                tasks.append(small)
        s["tasks"] = tasks
        return s

    def task(self, t: dict) -> dict | None:
        t.pop("judge", None)
        t.update(limit=TASK_EXAMPLES, max_new_tokens=min(t.get("max_new_tokens") or 24, 24))
        if t.get("type") == "copa":
            t.update({k: demo(COPA) for k in ("test", "dev") if t.get(k)})
        elif t.get("type") == "gec":
            t.update({k: demo(GEC) for k in ("m2", "dev_m2") if t.get(k)})
        elif t.get("type") == "mt":
            src, tgt = t.get("source_lang", "en"), t.get("target_lang", "et")
            if {src, tgt} != {"en", "et"}:
                return None
            t.update(source=demo(FLORES[src]), reference=demo(FLORES[tgt]))
            if t.get("dev_source"):
                t.update(dev_source=demo(FLORES[src]), dev_reference=demo(FLORES[tgt]))
        else:
            return None  # qa, belebele, lm_eval: the demo ships no data of these kinds
        return t

    def conversations(self) -> str:
        """A small conversation JSONL (held-out-style SFT validation) from the demo seed tasks."""
        path = self.inputs / "validation.conversations.jsonl"
        if not path.exists():
            rows = []
            for lang in ("et", "en"):
                with open(demo(SEEDS[lang]), encoding="utf-8") as handle:
                    for line in list(handle)[-10:]:  # the seed files' last tasks
                        task = json.loads(line)
                        first = task["instances"][0]
                        prompt = "\n\n".join(p for p in (task["instruction"], first.get("input")) if p)
                        rows.append({"messages": [{"role": "user", "content": prompt},
                                                  {"role": "assistant", "content": first["output"]}],
                                     "source": "demo-seeds", "lang": lang})
            write_text_atomic(path, "".join(json.dumps(r, ensure_ascii=False) + "\n"
                                            for r in rows))
        return str(path)


def flores_paths() -> tuple[str, str]:
    return demo(FLORES["en"]), demo(FLORES["et"])


TINY_HEADER = "# The tiny twin of "


def tiny_recipe(recipe_path: Path, inputs: Path, data: Any = None) -> tuple[Path, list[str]]:
    """Write the tiny twin of ``recipe_path`` (its YAML ``data``, read when not given) to
    ``inputs/recipe.yaml``; returns it and notes. A ``recipe.yaml`` there that an earlier --tiny
    run did not write is the user's, and is refused rather than replaced."""
    if data is None:
        data, _ = read_yaml(recipe_path.resolve(), "recipe")
    path = inputs / "recipe.yaml"
    if path.is_file() and not path.read_text(encoding="utf-8").startswith(TINY_HEADER):
        raise UserError(f"{path}: exists and was not written by --tiny; choose another --out")
    inputs.mkdir(parents=True, exist_ok=True)
    maker = Tiny(inputs)
    tiny = maker.recipe(data)
    header = (f"{TINY_HEADER}{recipe_path.resolve()} (langadapt run --tiny): same stages and "
              "references,\n# demo model and data, a few steps each. Regenerated by every --tiny run.\n")
    write_text_atomic(path, header + yaml.safe_dump(tiny, sort_keys=False, allow_unicode=True))
    return path, maker.notes


def run_tiny(recipe_path: Path, args: argparse.Namespace,
             run: Callable[[Path, argparse.Namespace], int]) -> int:
    """``langadapt run RECIPE --tiny``: write the tiny twin beside the run folder and run it."""
    data, _ = read_yaml(recipe_path.resolve(), "recipe")
    name = f"{data.get('name', 'recipe') if isinstance(data, dict) else 'recipe'}-tiny"
    out = Path(args.out or Path("runs") / name)
    path, notes = tiny_recipe(recipe_path, out.parent / f"{out.name}.inputs", data)
    for note in dict.fromkeys(notes):
        print(f"langadapt: tiny: {note}", file=sys.stderr)
    print(f"tiny recipe: {path}", flush=True)
    args.out = str(out)
    return run(path, args)
