"""The evaluation suite: a TASKS.yaml of task configs, run on one model into ``results.json``.

Multi-prompt protocol (as in the Llammas paper): every task runs each of its prompt templates.
With a ``dev`` split, every prompt is scored on dev, the best one (by ``select_by``) is run on
test and its test scores are the task's ``metrics``. Without dev, all prompts run on test and
``metrics`` is their mean (choosing the best on test would overstate the model); ``best_prompt``
then names the best test prompt only for information. Every prompt's scores and the spread of the
selection metric (min / max / mean / std) are kept. Nothing is written until every task has run.
"""

from __future__ import annotations

import json
import os
import re
import statistics
from dataclasses import asdict
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from langadapt.artifacts import (
    library_versions,
    sha256_json,
    write_json_atomic,
    write_text_atomic,
)
from langadapt.errors import UserError
from langadapt.evaluate import perplexity
from langadapt.evaluate.generation import SamplingParams, load_backend
from langadapt.evaluate.judge import JudgeClient, judge_copa, judge_qa
from langadapt.evaluate.metrics.mt import check_bleu_tokenizer
from langadapt.evaluate.tasks import TASK_MODULES
from langadapt.evaluate.tasks.base import ModelRunner, resolve_templates, spread
from langadapt.evaluate.tasks.lm_eval_bridge import run_lm_eval
from langadapt.evaluate.tasks.mt import language_fields
from langadapt.modeling import load_model_and_tokenizer
from langadapt.stage import InputPath
from langadapt.text import read_text_lines
from langadapt.yamlconfig import first_error, format_error, read_yaml

TASK_TYPES = ("copa", "qa", "mt", "gec", "belebele", "perplexity", "lm_eval")
# (required, optional) file keys of each task type
FILE_KEYS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "copa": (("test",), ("dev",)),
    "qa": (("test",), ("dev",)),
    "belebele": (("test",), ("dev",)),
    "mt": (("source", "reference"), ("dev_source", "dev_reference")),
    "gec": (("m2",), ("source", "dev_m2", "dev_source")),
    "perplexity": (("text",), ()),
    "lm_eval": ((), ("include_path",)),
}
ALL_FILE_KEYS = ("test", "dev", "source", "reference", "dev_source", "dev_reference", "m2",
                 "dev_m2", "text", "include_path")
DEFAULT_MODE = {"copa": "loglik", "belebele": "loglik"}  # every other type: generate
DEFAULT_MAX_NEW_TOKENS = {"copa": 16, "qa": 48, "mt": 256, "gec": 192}
SELECTABLE = {  # metrics a prompt can be selected by (all: higher is better)
    "copa": ("accuracy", "accuracy_total", "accuracy_per_char"),
    "belebele": ("accuracy", "accuracy_total", "accuracy_per_char"),
    "qa": ("f1", "exact_match"), "mt": ("chrf++", "bleu"), "gec": ("f0.5", "precision", "recall"),
}
# settings that only some task types read; naming them elsewhere is an error, not a no-op
TYPE_ONLY = {"source_lang": ("mt",), "target_lang": ("mt",), "bleu_tokenize": ("mt",),
             "fix_csv_quotes": ("mt",), "tokenize_output": ("gec",), "block_size": ("perplexity",),
             "loglik_norm": ("copa", "belebele"), "lm_eval_tasks": ("lm_eval",),
             "num_fewshot": ("lm_eval",), "judge": ("copa", "qa")}


class JudgeConfig(BaseModel):
    """An OpenAI-compatible endpoint that grades what string matching cannot (copa, qa)."""

    model_config = ConfigDict(extra="forbid")

    base_url: str = Field(description="e.g. http://127.0.0.1:8000/v1 (`langadapt serve`)")
    model: str
    api_key_env: str | None = Field(None, description="environment variable holding the key")
    cache: str | None = Field(None, description="sqlite file caching every answer")


class TaskConfig(BaseModel):
    """One task of a TASKS.yaml. Paths are relative to that file and must exist."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(description="unique; also the stem of NAME.hyp.txt")
    type: Literal["copa", "qa", "mt", "gec", "belebele", "perplexity", "lm_eval"]
    mode: Literal["loglik", "generate"] | None = Field(
        None, description="copa: loglik (default) or generate; belebele: loglik; others: generate")
    test: InputPath | None = None
    dev: InputPath | None = None
    source: InputPath | None = None
    reference: InputPath | None = None
    dev_source: InputPath | None = None
    dev_reference: InputPath | None = None
    m2: InputPath | None = None
    dev_m2: InputPath | None = None
    text: InputPath | None = None
    include_path: InputPath | None = Field(None, description="lm_eval: folder of task YAMLs")
    lm_eval_tasks: list[str] | None = Field(None, description="lm_eval: harness task names")
    num_fewshot: int | None = Field(None, ge=0, description="lm_eval: few-shot examples")
    source_lang: str | None = None
    target_lang: str | None = None
    prompts: list[str | dict[str, str]] | None = Field(
        None, description="shipped template names and/or inline templates; default: all shipped")
    format: Literal["chat", "alpaca", "plain"] = "chat"
    system: str | None = Field(None, description="system message (chat) or preamble")
    select_by: str | None = None
    all_prompts_on_test: bool = False
    limit: int | None = Field(None, ge=1, description="first N examples of each split")
    loglik_norm: Literal["total", "per_char"] = "total"
    batch_size: int = Field(8, ge=1)
    max_new_tokens: int | None = Field(None, ge=1)
    num_beams: int = Field(1, ge=1)
    do_sample: bool = False
    temperature: float = Field(1.0, gt=0)
    top_p: float = Field(1.0, gt=0, le=1)
    top_k: int = Field(0, ge=0)
    repetition_penalty: float = Field(1.0, gt=0)
    seed: int | None = None
    stop: list[str] = Field(default_factory=list)
    bleu_tokenize: str | None = None
    fix_csv_quotes: bool = True
    tokenize_output: bool = True
    block_size: int = Field(512, ge=8)
    judge: JudgeConfig | None = Field(None, description="copa (generate) and qa: an LLM judge")

    @field_validator("name")
    @classmethod
    def _file_name(cls, value: str) -> str:
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.+-]*", value):
            raise ValueError(f"{value!r}: use letters, digits and _ . + - (it names output files)")
        return value

    @field_validator("prompts")
    @classmethod
    def _known_prompts(cls, value: list | None, info: ValidationInfo) -> list | None:
        task_type = info.data.get("type")
        if task_type in ("perplexity", "lm_eval") and value is not None:
            raise ValueError(f"{task_type} tasks take no prompts")
        if task_type in SELECTABLE:
            mode = info.data.get("mode") or DEFAULT_MODE.get(task_type, "generate")
            _templates(task_type, mode, value)
        return value

    @model_validator(mode="after")
    def _check_type_settings(self) -> TaskConfig:
        required, optional = FILE_KEYS[self.type]
        missing = [k for k in required if getattr(self, k) is None]
        if missing:
            raise ValueError(f"a {self.type} task needs {', '.join(missing)}")
        unused = [k for k in ALL_FILE_KEYS if getattr(self, k) is not None
                  and k not in required + optional]
        unused += [k for k, types in TYPE_ONLY.items()
                   if k in self.model_fields_set and self.type not in types]
        if unused:
            raise ValueError(f"{', '.join(unused)}: not used by {self.type} tasks")
        if self.type == "lm_eval" and not self.lm_eval_tasks:
            raise ValueError("an lm_eval task needs lm_eval_tasks (harness task names)")
        if (self.dev_source is None) != (self.dev_reference is None):
            raise ValueError("an mt dev split needs both dev_source and dev_reference")
        if self.dev_source is not None and self.type == "gec" and self.dev_m2 is None:
            raise ValueError("dev_source needs dev_m2")
        modes = _module(self.type).MODES if self.type in SELECTABLE else (None,)
        self.mode = self.mode or DEFAULT_MODE.get(self.type, modes[0])
        if self.mode not in modes:
            raise ValueError(f"mode {self.mode!r} is not available for {self.type} tasks")
        if self.type == "mt":
            if not (self.source_lang and self.target_lang):
                raise ValueError("an mt task needs source_lang and target_lang (codes: en, et, ...)")
            try:
                language_fields(self.source_lang, self.target_lang)
                check_bleu_tokenizer(self.bleu_tokenize, "bleu_tokenize:")
            except UserError as err:
                raise ValueError(str(err)) from None
        if self.mode == "generate":  # the rule chat, serve and every backend apply
            try:
                self.sampling().validate()
            except UserError as err:
                raise ValueError(str(err)) from None
        if self.select_by is not None and self.select_by not in SELECTABLE.get(self.type, ()):
            raise ValueError(f"select_by {self.select_by!r}: choose one of "
                             f"{', '.join(SELECTABLE.get(self.type, ())) or 'nothing'}")
        return self

    def templates(self) -> list:
        return _templates(self.type, self.mode, self.prompts)

    def sampling(self) -> Any:
        return SamplingParams(
            max_new_tokens=self.max_new_tokens or DEFAULT_MAX_NEW_TOKENS.get(self.type, 64),
            do_sample=self.do_sample, temperature=self.temperature, top_p=self.top_p,
            top_k=self.top_k, num_beams=self.num_beams, repetition_penalty=self.repetition_penalty,
            stop=tuple(self.stop), seed=self.seed)

    def decoding(self) -> dict[str, Any]:
        """The settings that shaped the scores, for results.json."""
        if self.type == "perplexity":
            return {"block_size": self.block_size, "batch_size": self.batch_size}
        if self.type == "lm_eval":
            return {"num_fewshot": self.num_fewshot, "batch_size": self.batch_size}
        settings: dict[str, Any] = {"mode": self.mode, "format": self.format,
                                    "system": self.system, "batch_size": self.batch_size}
        if self.mode == "loglik":
            return {**settings, "loglik_norm": self.loglik_norm}
        sampling = asdict(self.sampling())
        return {**settings, **sampling, "stop": list(sampling["stop"])}


def _module(task_type: str) -> Any:
    return TASK_MODULES[task_type]


def _templates(task_type: str, mode: str, prompts: list | None) -> list:
    module = _module(task_type)
    if mode not in module.SPECS:
        raise ValueError(f"mode {mode!r} is not available for {task_type} tasks")
    return resolve_templates(task_type, mode, module.SPECS[mode], prompts)


# --- loading -------------------------------------------------------------------------------


def load_tasks(path: str | Path, base_dir: str | Path | None = None) -> list[TaskConfig]:
    """Tasks of a TASKS.yaml: a list of tasks, or ``{defaults: {...}, tasks: [...]}``.

    Every problem becomes one ``UserError``: ``file:line: tasks.N.key: message``.
    """
    path = Path(path).resolve()
    data, lines = read_yaml(path, "tasks")
    if isinstance(data, list):
        data, lines = {"tasks": data}, {("tasks", *k): v for k, v in lines.items()}
    if not isinstance(data, dict) or not isinstance(data.get("tasks"), list) or not data["tasks"]:
        raise UserError(f"{path}: expected a list of tasks, or a mapping with 'tasks' (a list) "
                        f"and optional 'defaults'")
    unknown = sorted(set(data) - {"tasks", "defaults"})
    if unknown:
        where = lines.get((unknown[0],))
        raise UserError(f"{path}:{where}: {unknown[0]}: unknown key (expected tasks, defaults)")
    defaults = data.get("defaults") or {}
    if not isinstance(defaults, dict):
        raise UserError(f"{path}:{lines.get(('defaults',))}: defaults: expected a mapping")
    tasks, names = [], {}
    for index, raw in enumerate(data["tasks"]):
        if not isinstance(raw, dict):
            raise UserError(f"{path}:{lines.get(('tasks', index))}: tasks.{index}: expected a "
                            f"mapping with name, type and files")
        if raw.get("type") not in TASK_TYPES:
            where = lines.get(("tasks", index, "type")) or lines.get(("tasks", index))
            what = f"unknown task type {raw['type']!r}" if "type" in raw else "required key missing"
            raise UserError(f"{path}:{where}: tasks.{index}.type: {what} (one of "
                            f"{', '.join(TASK_TYPES)})")
        # defaults apply where they mean something (loglik_norm not to an mt task, ...)
        applied = {k: v for k, v in defaults.items()
                   if k not in raw and raw.get("type") in TYPE_ONLY.get(k, TASK_TYPES)}
        for key in applied:  # an error in a default points at the defaults line
            if ("defaults", key) in lines:
                lines[("tasks", index, key)] = lines[("defaults", key)]
        try:
            task = TaskConfig.model_validate({**applied, **raw}, context={"base_dir": path.parent})
        except ValidationError as err:
            first = first_error(err.errors())
            first = {**first, "loc": ("tasks", index, *first["loc"])}
            raise UserError(format_error(path, first, lines)) from None
        if task.name in names:
            raise UserError(f"{path}:{lines.get(('tasks', index, 'name'))}: tasks.{index}.name: "
                            f"{task.name!r} is already the name of tasks.{names[task.name]}")
        names[task.name] = index
        tasks.append(task)
    return tasks


# --- running -------------------------------------------------------------------------------


def _numeric(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _mean_metrics(all_metrics: list[dict[str, Any]]) -> dict[str, Any]:
    merged = dict(all_metrics[0])
    for key, value in all_metrics[0].items():
        if _numeric(value):
            merged[key] = statistics.fmean(m[key] for m in all_metrics)
    return merged


def run_task(runner: Any, cfg: TaskConfig) -> tuple[dict[str, Any], Any]:
    """One task's results entry and the ``SplitResult`` of the reported prompt on test."""
    module = _module(cfg.type)
    templates = cfg.templates()
    select = cfg.select_by or module.PRIMARY
    test, dev = module.load_split(cfg, "test"), module.load_split(cfg, "dev")
    prompts: dict[str, dict[str, Any]] = {t.name: {"template": t.as_dict()} for t in templates}
    spreads: dict[str, dict[str, float]] = {}
    if dev is not None:
        for t in templates:
            prompts[t.name]["dev"] = module.score(runner, cfg, t, dev).metrics
        spreads["dev"] = spread([prompts[t.name]["dev"][select] for t in templates])
        # max() keeps the first of equal scores: ties go to the earlier listed prompt
        best = max(templates, key=lambda t: prompts[t.name]["dev"][select])
        on_test = templates if cfg.all_prompts_on_test else [best]
    else:
        on_test = templates
    outputs = {}
    for t in on_test:
        outputs[t.name] = module.score(runner, cfg, t, test)
        prompts[t.name]["test"] = outputs[t.name].metrics
    if len(on_test) == len(templates):
        spreads["test"] = spread([prompts[t.name]["test"][select] for t in templates])
    if dev is None:
        best = max(templates, key=lambda t: prompts[t.name]["test"][select])
        metrics = _mean_metrics([prompts[t.name]["test"] for t in templates])
        selection = f"mean over {len(templates)} prompt(s) on test (no dev split)"
    else:
        metrics = dict(prompts[best.name]["test"])
        selection = f"best of {len(templates)} prompt(s) on dev by {select}"
    entry = {
        "type": cfg.type, "metrics": metrics, "selection": selection, "select_by": select,
        "best_prompt": best.name, "best_prompt_split": "dev" if dev is not None else "test",
        "prompts": prompts, "spread": spreads, "decoding": cfg.decoding(),
        "examples": {"test": len(test), **({"dev": len(dev)} if dev is not None else {})},
        "files": _files(cfg), "versions": _versions(sha256_json([t.as_dict() for t in templates])),
    }
    return entry, outputs[best.name]


def run_perplexity(runner: Any, cfg: TaskConfig) -> dict[str, Any]:
    lines = read_text_lines(cfg.text, cfg.limit)
    if not lines:
        raise UserError(f"{cfg.text}: no non-empty lines to score")
    metrics = perplexity.score_texts(runner.model, runner.tokenizer, lines, cfg.block_size,
                                     cfg.batch_size, desc=cfg.name)
    return {"type": cfg.type, "metrics": metrics, "selection": None, "select_by": None,
            "best_prompt": None, "prompts": {}, "spread": {}, "decoding": cfg.decoding(),
            "examples": {"test": len(lines)}, "files": _files(cfg), "versions": _versions(None)}


def run_judge(cfg: TaskConfig, records: list[dict]) -> dict[str, Any]:
    """Judge metrics of the reported prompt's outputs (generative COPA, QA)."""
    if cfg.type == "copa" and cfg.mode != "generate":
        raise UserError(f"task {cfg.name}: a judge grades generated answers; set mode: generate")
    judge = cfg.judge
    client = JudgeClient(judge.base_url, judge.model,
                         api_key=os.environ.get(judge.api_key_env) if judge.api_key_env else None,
                         cache_path=judge.cache)
    try:
        scores = judge_copa(records, client) if cfg.type == "copa" else judge_qa(records, client)
    finally:
        client.close()
    return {k: v for k, v in scores.items() if k not in ("examples", "accuracy")}


def run_harness(runner: Any, cfg: TaskConfig) -> dict[str, Any]:
    out = run_lm_eval(runner.model, runner.tokenizer, cfg.lm_eval_tasks,
                      include_path=str(cfg.include_path) if cfg.include_path else None,
                      num_fewshot=cfg.num_fewshot, limit=cfg.limit, batch_size=cfg.batch_size,
                      seed=cfg.seed or 0)
    return {"type": cfg.type, "metrics": out["metrics"], "selection": None, "select_by": None,
            "best_prompt": None, "prompts": {}, "spread": {}, "decoding": cfg.decoding(),
            "examples": out["n_samples"], "files": _files(cfg), "harness": out["configs"],
            "versions": {**_versions(None), "lm_eval": out["lm_eval_version"]}}


def _files(cfg: TaskConfig) -> dict[str, str]:
    return {k: str(getattr(cfg, k)) for k in ALL_FILE_KEYS if getattr(cfg, k) is not None}


def _versions(prompts_sha: str | None) -> dict[str, str]:
    keep = ("langadapt", "torch", "transformers", "tokenizers", "sacrebleu")
    versions = {k: v for k, v in library_versions().items() if k in keep}
    return {**versions, "prompts_sha256": prompts_sha} if prompts_sha else versions


def evaluate_model(model: str | Path | tuple[Any, Any], tasks: list[TaskConfig],
                   out_dir: str | Path, name: str | None = None, progress: bool = False,
                   runner: Any = None, backend: str = "hf") -> dict[str, Any]:
    """Run ``tasks`` on a model (path / hub id, or a loaded ``(model, tokenizer)``).

    Writes ``out_dir/results.json`` and, per task, ``NAME.predictions.jsonl`` (per-example
    outputs and scores of the reported prompt) and for generative tasks ``NAME.hyp.txt`` (one
    output a line), each atomically and only after every task has finished. ``runner`` replaces
    the model runner (tests, other backends). Returns the results dict.
    """
    if runner is None:
        if isinstance(model, (str, Path)):  # placed by devices.pick_device (--device)
            loaded, tokenizer = load_model_and_tokenizer(str(model))
        else:  # a model given loaded stays where the caller put it
            loaded, tokenizer = model
        generator = None
        if backend != "hf":  # generation elsewhere (vLLM); log-likelihoods stay on the HF model
            if backend == "vllm":
                import langadapt.evaluate.vllm_backend  # noqa: F401  (registers the backend)
            generator = load_backend(backend, str(model))
        runner = ModelRunner(loaded, tokenizer, progress=progress, generator=generator)
    if name is None:
        name = str(model) if isinstance(model, (str, Path)) else str(
            getattr(getattr(runner, "model", None), "name_or_path", "") or "model")
    results: dict[str, Any] = {"model": name, "tasks": {}}
    files: dict[str, str] = {}
    for cfg in tasks:
        if cfg.type == "perplexity":
            results["tasks"][cfg.name] = run_perplexity(runner, cfg)
            continue
        if cfg.type == "lm_eval":
            results["tasks"][cfg.name] = run_harness(runner, cfg)
            continue
        entry, reported = run_task(runner, cfg)
        if cfg.judge is not None:
            entry["metrics"].update(run_judge(cfg, reported.records))
        results["tasks"][cfg.name] = entry
        if reported.hypotheses is not None:
            files[f"{cfg.name}.hyp.txt"] = "".join(f"{h}\n" for h in reported.hypotheses)
        files[f"{cfg.name}.predictions.jsonl"] = "".join(
            json.dumps(r, ensure_ascii=False) + "\n" for r in reported.records)
    out_dir = Path(out_dir)
    for filename, content in files.items():
        write_text_atomic(out_dir / filename, content)
    write_json_atomic(out_dir / "results.json", results)  # last: its presence means complete
    return results
