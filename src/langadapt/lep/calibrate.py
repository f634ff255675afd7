"""Self-calibration of a propagated model (the LEP paper's step after propagation).

The *original* instruct model I (the teacher) answers a set of prompts; answers in the target
language, of sensible length and (optionally) graded well by an LLM judge are kept. With
"copy this text" examples made from target-language text they form a small SFT set on which
P — I's body with the adapted vocabulary — is trained with LoRA on its first and last
transformer layers only, its input embeddings and LM head trained in full. This re-aligns the
layers that read and write the new embeddings to the body, without touching the middle layers
that hold I's skills. An optional continued instruction tuning (LoRA on every layer) follows.
Both adapters are merged, so the result is a plain HF model with P's tokenizer and chat template.

Loss is on the assistant turns only: from the chat template's ``{% generation %}`` marks when it
has them, else from the token prefixes the template renders for the turns before each answer
(templates of released instruct models rarely carry the marks).
"""

from __future__ import annotations

import gc
import json
import os
import random
import re
import shutil
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from langadapt.errors import UserError, located
from langadapt.lep.stage import (
    LepCalibrateStage,
    calibration_training,
    stage_model,
    tuning_training,
)
from langadapt.stage import RunContext
from langadapt.train.engine import TrainingConfig

# The instruction of a "copy this text" example, per target language; the text follows after a
# blank line and the answer is the text itself.
COPY_INSTRUCTIONS = {"et": "Kopeeri see tekst:", "en": "Copy this text:"}
LANGUAGE_NAMES = {"et": "Estonian", "en": "English", "fi": "Finnish", "ru": "Russian",
                  "lv": "Latvian", "lt": "Lithuanian", "de": "German"}
JUDGE_PROMPT = (
    "Rate the answer an AI assistant gave to the request below, on a scale of 1 to 5: 5 = "
    "correct, helpful and in fluent, natural {language}; 3 = acceptable with flaws; 1 = wrong, "
    "unhelpful, or not in {language}.\n"
    "Request:\n<<<\n{prompt}\n>>>\nAnswer:\n<<<\n{answer}\n>>>\n"
    "Reply with the number only."
)
DROP_REASONS = ("empty", "too_short", "too_long", "wrong_language", "judge_low_score",
                "judge_unparsed")


# ---------------------------------------------------------------------------------------------
# inputs


def read_prompts(path: str | Path) -> list[list[dict]]:
    """Prompts as chat messages ending in a user turn.

    A text file: one prompt a line. JSONL: ``prompt``; or ``instruction`` with an optional
    ``input`` (or the first of self-instruct seed tasks' ``instances``); or ``messages``, whose
    trailing assistant turns (a reference answer) are dropped so the teacher answers instead.
    """
    from langadapt.conversations import alpaca_user_message
    from langadapt.jsonl import iter_jsonl
    from langadapt.text import read_text_lines

    path = Path(path)
    if not path.is_file():
        raise UserError(f"{path}: prompts file not found")
    prompts: list[list[dict]] = []
    if path.suffix != ".jsonl":
        prompts = [[{"role": "user", "content": line}] for line in read_text_lines(path)]
    else:
        for number, record in iter_jsonl(path):
            prompts.append(_record_prompt(record, path, number, alpaca_user_message))
    if not prompts:
        raise located(path, "no prompts (the file is empty)")
    return prompts


def _record_prompt(record: dict, path: Path, number: int, user_message) -> list[dict]:
    from langadapt.conversations import ROLES

    if "messages" in record:
        messages = record["messages"]
        if not (isinstance(messages, list) and all(
                isinstance(m, dict) and m.get("role") in ROLES and isinstance(m.get("content"), str)
                for m in messages)):
            raise located(path, "messages must be a list of {role, content} with roles "
                          "system/user/assistant", number)
        messages = [{"role": m["role"], "content": m["content"]} for m in messages]
        while messages and messages[-1]["role"] == "assistant":
            messages.pop()
        if not messages or messages[-1]["role"] != "user":
            raise located(path, "messages must end in a user turn for the teacher to answer", number)
        return messages
    text = record.get("prompt", record.get("instruction"))
    if not isinstance(text, str) or not text.strip():
        raise located(path, "expected a string 'prompt' or 'instruction', or 'messages'", number)
    input_text = record.get("input")
    instances = record.get("instances")
    if input_text is None and isinstance(instances, list) and instances and isinstance(instances[0], dict):
        input_text = instances[0].get("input")
    if input_text is not None and not isinstance(input_text, str):
        raise located(path, "'input' must be a string", number)
    return [{"role": "user", "content": user_message(text.strip(), (input_text or "").strip())}]


def copy_examples(lines: Sequence[str], count: int, instruction: str, seed: int) -> list[list[dict]]:
    """``count`` "copy this text" conversations from a seeded sample of ``lines``."""
    chosen = random.Random(seed).sample(list(lines), min(count, len(lines)))
    return [[{"role": "user", "content": f"{instruction}\n\n{text}"},
             {"role": "assistant", "content": text}] for text in chosen]


# ---------------------------------------------------------------------------------------------
# the teacher


def _render(tokenizer, messages: list[dict]) -> str:
    from langadapt.train.formats import LLAMMAS_CHAT_TEMPLATE

    template = getattr(tokenizer, "chat_template", None) or LLAMMAS_CHAT_TEMPLATE
    return tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True,
                                         chat_template=template)


def generate_answers(teacher: str, prompts: list[list[dict]], max_new_tokens: int = 512,
                     batch_size: int = 8) -> list[str]:
    """Greedy answers of a local teacher model, in its chat template, batched."""
    from langadapt.evaluate.generation import SamplingParams, TransformersBackend

    # The chat template writes the BOS itself; tokenising with special tokens would double it.
    backend = TransformersBackend.from_pretrained(teacher, batch_size=batch_size,
                                                  add_special_tokens=False)
    try:
        rendered = [_render(backend.tokenizer, messages) for messages in prompts]
        return backend.generate(rendered, SamplingParams(max_new_tokens=max_new_tokens))
    finally:
        del backend
        _free_memory()


def endpoint_answers(base_url: str, model: str, prompts: list[list[dict]],
                     max_new_tokens: int = 512, api_key: str | None = None,
                     concurrency: int = 8) -> list[str]:
    """Greedy answers of a served teacher (OpenAI-compatible ``/chat/completions``)."""
    from langadapt.evaluate.endpoint import chat_completion, request_options
    from langadapt.evaluate.generation import SamplingParams

    options = request_options(SamplingParams(max_new_tokens=max_new_tokens))

    def ask(messages: list[dict]) -> str:
        return chat_completion(base_url, model, messages, api_key=api_key, **options)

    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        return list(pool.map(ask, prompts))


def _free_memory() -> None:
    gc.collect()
    try:
        import torch

        if torch.cuda.is_available():
            torch.cuda.empty_cache()
    except ImportError:  # pragma: no cover
        pass


# ---------------------------------------------------------------------------------------------
# filtering


def judge_scorer(base_url: str, model: str, lang: str, api_key: str | None = None,
                 cache_path: str | Path | None = None) -> Callable[[str, str], float | None]:
    """``score(prompt, answer)``: a judge model's 1–5 grade of an answer (None if unreadable)."""
    from langadapt.evaluate.judge import JudgeClient

    client = JudgeClient(base_url, model, api_key=api_key, cache_path=cache_path)
    language = LANGUAGE_NAMES.get(lang, lang)

    def score(prompt: str, answer: str) -> float | None:
        reply = client.ask(JUDGE_PROMPT.format(language=language, prompt=prompt, answer=answer),
                           max_tokens=4)
        match = re.search(r"[1-5]", reply)
        return float(match.group(0)) if match else None

    score.client = client  # type: ignore[attr-defined]  (the caller closes it)
    return score


def filter_answers(prompts: list[list[dict]], answers: list[str], lang: str,
                   min_chars: int = 10, max_chars: int = 4000,
                   langid_languages: Sequence[str] | None = None,
                   judge: Callable[[str, str], float | None] | None = None,
                   min_judge_score: float = 4.0) -> tuple[list[str | None], Counter]:
    """Per answer: ``None`` when kept, else the reason it was dropped; and the counts by reason.

    Checks run cheapest first (length, language ID, then the judge), so the judge is asked only
    about answers that passed everything else.
    """
    from langadapt.langid import BatchLangid

    reasons: list[str | None] = []
    for answer in answers:
        text = answer.strip()
        if not text:
            reasons.append("empty")
        elif len(text) < min_chars:
            reasons.append("too_short")
        elif len(text) > max_chars:
            reasons.append("too_long")
        else:
            reasons.append(None)
    languages = list(dict.fromkeys([lang, *(langid_languages or ["en"])]))
    pending = [i for i, r in enumerate(reasons) if r is None]
    labels = BatchLangid(languages).classify([answers[i] for i in pending])[0] if pending else []
    for i, label in zip(pending, labels):
        if label != lang:
            reasons[i] = "wrong_language"
    if judge is not None:
        for i, reason in enumerate(reasons):
            if reason is None:
                score = judge(prompts[i][-1]["content"], answers[i].strip())
                if score is None:
                    reasons[i] = "judge_unparsed"
                elif score < min_judge_score:
                    reasons[i] = "judge_low_score"
    return reasons, Counter(r for r in reasons if r is not None)


# ---------------------------------------------------------------------------------------------
# training rows


def train_conversations(model_ref: str, conversations: list[list[dict]],
                        training: TrainingConfig, work_dir: Path, seed: int,
                        resume: bool) -> dict:
    """LoRA (or any mode) training of ``model_ref`` on ``conversations``; ``work_dir/model``."""
    from langadapt.train.engine import train_on_rows
    from langadapt.train.formats import ensure_chat_template
    from langadapt.train.inputs import conversation_rows
    from langadapt.train.trainable import load_for_training

    model, tokenizer = load_for_training(model_ref, training.trainable, training.lora)
    ensure_chat_template(tokenizer)  # a model without one gets (and keeps) the Llammas template
    try:  # released templates without {% generation %} marks are read by prefixes (formats.py)
        rows = conversation_rows(tokenizer, conversations, training.block_size)
    except ValueError as err:
        raise UserError(f"{model_ref}: {err}") from None
    try:
        metrics = train_on_rows(model, tokenizer, rows, training, work_dir, seed=seed,
                                model_dir=model_ref, resume=resume)
    finally:
        del model
        _free_memory()
    return {"conversations": len(conversations), "truncated": rows.truncated,
            "trained_tokens_per_epoch": int((rows.labels != -100).sum()), **metrics}


# ---------------------------------------------------------------------------------------------
# the whole step


def run_calibration(work: Path, model: str, teacher: str | None, prompts_file: str | Path,
                    text_file: str | Path, *, lang: str = "et",
                    endpoint: str | None = None, endpoint_model: str | None = None,
                    api_key: str | None = None, concurrency: int = 8,
                    min_chars: int = 10, max_chars: int = 4000,
                    langid_languages: Sequence[str] | None = None,
                    judge: Callable[[str, str], float | None] | None = None,
                    min_judge_score: float = 4.0, copy_count: int | None = None,
                    copy_instruction: str | None = None, tune_data: str | Path | None = None,
                    training: TrainingConfig | None = None, tuning: TrainingConfig | None = None,
                    max_new_tokens: int = 512, batch_size: int = 8, seed: int = 0,
                    resume: bool = False,
                    answer: Callable[[list[list[dict]]], list[str]] | None = None) -> dict:
    """Calibrate ``model`` (P) into ``work``: ``work/model`` and the files beside it; returns the
    statistics. ``work`` is the caller's folder (a recipe stage's work folder, or the temporary
    folder of ``calibrate``). ``answer``: replaces the teacher (a function from prompts to
    answers)."""
    from langadapt.artifacts import write_json_atomic, write_jsonl_atomic
    from langadapt.text import read_text_lines
    from langadapt.train.inputs import read_conversations

    instruction = copy_instruction or COPY_INSTRUCTIONS.get(lang)
    if instruction is None:
        raise UserError(f"no shipped copy instruction for language {lang!r} (have: "
                        f"{', '.join(COPY_INSTRUCTIONS)}); pass --copy-instruction")
    if not 0 <= min_chars <= max_chars:
        raise UserError(f"--min-chars {min_chars} / --max-chars {max_chars}: need "
                        "0 <= min <= max")
    if copy_count is not None and copy_count < 0:
        raise UserError(f"--copy-examples must be >= 0, got {copy_count}")
    if endpoint is None and teacher is None and answer is None:
        raise UserError("give the teacher: --teacher MODEL or --endpoint URL")
    # Read every input before the slow work, so a bad file fails at once.
    prompts = read_prompts(prompts_file)
    if not Path(text_file).is_file():
        raise UserError(f"{text_file}: text file not found")
    lines = [t for t in read_text_lines(text_file) if min_chars <= len(t) <= max_chars]
    if not lines and copy_count != 0:
        raise located(text_file, f"no line of {min_chars}-{max_chars} characters to copy")
    tune_conversations = read_conversations(tune_data) if tune_data is not None else None
    training = training or calibration_training()

    answers = _cached_answers(work / "teacher_answers.jsonl", prompts) if resume else None
    if answers is None:
        if answer is not None:
            answers = list(answer(prompts))
        elif endpoint is not None:
            answers = endpoint_answers(endpoint, endpoint_model or teacher or "", prompts,
                                       max_new_tokens, api_key, concurrency)
        else:
            answers = generate_answers(teacher, prompts, max_new_tokens, batch_size)
        if len(answers) != len(prompts):
            raise RuntimeError(f"{len(answers)} answers for {len(prompts)} prompts")
    reasons, drops = filter_answers(prompts, answers, lang, min_chars, max_chars,
                                    langid_languages, judge, min_judge_score)
    write_jsonl_atomic(work / "teacher_answers.jsonl", (
        {"messages": p, "answer": a, "kept": r is None, "dropped": r}
        for p, a, r in zip(prompts, answers, reasons)))
    kept = [p + [{"role": "assistant", "content": a.strip()}]
            for p, a, r in zip(prompts, answers, reasons) if r is None]
    copies = copy_examples(lines, len(kept) if copy_count is None else copy_count,
                           instruction, seed)
    examples = [("teacher", c) for c in kept] + [("copy", c) for c in copies]
    if not examples:
        raise UserError(f"no training examples: all {len(prompts)} teacher answers were dropped "
                        f"({_reasons_text(drops)}) and --copy-examples is 0")
    random.Random(seed).shuffle(examples)
    write_jsonl_atomic(work / "calibration.jsonl", (
        {"messages": c, "source": source, "lang": lang} for source, c in examples))
    conversations = [c for _, c in examples]

    stats: dict[str, Any] = {
        "kind": "lep_calibrate", "lang": lang, "prompts": len(prompts),
        "answers_kept": len(kept), "answers_dropped": sum(drops.values()),
        "dropped": {reason: drops.get(reason, 0) for reason in DROP_REASONS},
        "copy_examples": len(copies), "copy_instruction": instruction,
        "text_lines_available": len(lines),
        "teacher": endpoint_model if endpoint else teacher, "endpoint": endpoint,
        "judge": judge is not None, "min_judge_score": min_judge_score if judge else None,
        "min_chars": min_chars, "max_chars": max_chars,
    }
    stats["calibration"] = train_conversations(model, conversations, training, work / "calibrate",
                                               seed, resume)
    final = work / "calibrate" / "model"
    if tune_conversations is not None:
        stats["tuning"] = train_conversations(str(final), tune_conversations,
                                              tuning or tuning_training(), work / "tune", seed,
                                              resume)
        final = work / "tune" / "model"
    shutil.rmtree(work / "model", ignore_errors=True)
    final.rename(work / "model")
    for step in ("calibrate", "tune"):
        shutil.rmtree(work / step, ignore_errors=True)  # checkpoints and adapters
    stats["training"] = {"calibration": training.model_dump(mode="json"),
                         "tuning": (tuning or tuning_training()).model_dump(mode="json")
                         if tune_conversations is not None else None}
    write_json_atomic(work / "calibration_stats.json", stats)
    return stats


def _reasons_text(drops: Counter) -> str:
    return ", ".join(f"{reason} {count}" for reason, count in drops.most_common()) or "none"


def _cached_answers(path: Path, prompts: list[list[dict]]) -> list[str] | None:
    """The teacher answers a previous, interrupted run wrote for these very prompts."""
    if not path.is_file():
        return None
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    if [r.get("messages") for r in rows] != prompts:
        return None
    return [r["answer"] for r in rows]


def calibrate(model: str, teacher: str | None, prompts_file: str | Path, text_file: str | Path,
              out: str | Path, *, overwrite: bool = False, **options: Any) -> dict:
    """``langadapt lep calibrate``: ``run_calibration`` into ``out`` under the output policy
    (``out/model``, ``out/manifest.json``, ``out/teacher_answers.jsonl``,
    ``out/calibration.jsonl``). Returns the manifest."""
    from langadapt.artifacts import library_versions, output_dir, write_json_atomic

    inputs = [model, teacher, prompts_file, text_file, options.get("tune_data")]
    with output_dir(out, inputs=[i for i in inputs if i is not None], overwrite=overwrite) as tmp:
        stats = run_calibration(tmp, model, teacher, prompts_file, text_file, **options)
        (tmp / "calibration_stats.json").unlink()
        manifest = {**stats, "model": str(model), "prompts_file": str(prompts_file),
                    "text_file": str(text_file), "versions": library_versions()}
        write_json_atomic(tmp / "manifest.json", manifest)
    return manifest


def run(cfg: LepCalibrateStage, ctx: RunContext) -> dict:
    """The ``lep_calibrate`` recipe stage: ``run_calibration`` into the stage's work folder."""
    judge = None
    if cfg.judge is not None:
        judge = judge_scorer(cfg.judge.base_url, cfg.judge.model, cfg.lang,
                             api_key=_env(cfg.judge.api_key_env), cache_path=cfg.judge.cache)
    try:
        stats = run_calibration(
            ctx.work_dir, ctx.model_path(cfg.model),
            None if cfg.endpoint else stage_model(cfg.teacher, ctx), cfg.prompts, cfg.text,
            lang=cfg.lang, endpoint=cfg.endpoint, endpoint_model=cfg.teacher if cfg.endpoint else None,
            api_key=_env(cfg.api_key_env), min_chars=cfg.min_chars, max_chars=cfg.max_chars,
            langid_languages=cfg.langid_languages, judge=judge,
            min_judge_score=cfg.judge.min_score if cfg.judge else 4.0,
            copy_count=cfg.copy_examples, copy_instruction=cfg.copy_instruction,
            tune_data=cfg.tune_data, training=cfg.training,
            tuning=cfg.tuning if cfg.tune_data else None, max_new_tokens=cfg.max_new_tokens,
            batch_size=cfg.batch_size, seed=ctx.seed,
            resume=True)  # the stage's own work folder: an interrupted run continues
    finally:
        if judge is not None:
            judge.client.close()
    return {k: v for k, v in stats.items() if k != "training"}


def _env(name: str | None) -> str | None:
    return os.environ.get(name) if name else None
