"""The self-instruct loop: prompts from seed + generated examples, cached requests, filters.

Requests go out in rounds of ``batch``. Every prompt of a round is built from the pool as it
stood after the previous round and from one seeded ``random.Random``, and results are applied in
request order, so the sequence of payloads depends only on the config and on earlier responses.
A rerun after a crash (or kill -9) therefore rebuilds the same payloads, finds each answered one
in the sqlite cache and sends only what was never answered; the output file, appended one round at
a time with fsync, is checked against the replay and continued. Budgets count every response,
replayed or new, so a resumed run stops where an uninterrupted one would.
"""

from __future__ import annotations

import json
import math
import os
import random
from collections import Counter
from pathlib import Path
from typing import Any

from langadapt.artifacts import sha256_json, write_json_atomic, write_jsonl_atomic
from langadapt.conversations import alpaca_messages
from langadapt.data.self_instruct.cache import ResponseCache, payload_key
from langadapt.data.self_instruct.filters import InstructionFilter
from langadapt.data.self_instruct.generators import (
    EndpointGenerator,
    Generator,
    LocalGenerator,
)
from langadapt.data.self_instruct.prompt import (
    PromptSpec,
    load_prompt,
    parse_response,
    render_prompt,
)
from langadapt.data.self_instruct.stage import SelfInstructStage
from langadapt.errors import UserError, located
from langadapt.jsonl import iter_jsonl
from langadapt.stage import RunContext


def read_seed_tasks(path: str | Path) -> list[dict]:
    """Seed tasks as ``{instruction, input, output}``: self-instruct records (first instance)
    or Alpaca records."""
    seeds = []
    for number, row in iter_jsonl(path):
        instances = row.get("instances")
        if isinstance(instances, list) and instances:
            first = instances[0]
            if not isinstance(first, dict):
                raise located(path, "each instance is an object with 'input' and 'output'", number)
            row = {"instruction": row.get("instruction"), **first}
        if not (isinstance(row.get("instruction"), str) and isinstance(row.get("output"), str)
                and isinstance(row.get("input", ""), str)):
            raise located(path, "a seed task needs string 'instruction' and 'output' (and "
                          "'input'), or 'instances' holding them", number)
        seeds.append({"instruction": row["instruction"], "input": row.get("input") or "",
                      "output": row["output"]})
    if not seeds:
        raise located(path, "no seed tasks")
    return seeds


def make_generator(cfg: SelfInstructStage, model_path: str | None) -> Generator:
    sampling = {"temperature": cfg.temperature, "top_p": cfg.top_p, "max_tokens": cfg.max_tokens}
    if cfg.endpoint is not None:
        return EndpointGenerator(cfg.endpoint.url, cfg.endpoint.model,
                                 api_key_env=cfg.endpoint.api_key_env, concurrency=cfg.concurrency,
                                 max_retries=cfg.max_retries, retry_wait=cfg.retry_wait, **sampling)
    return LocalGenerator(str(model_path), batch_size=cfg.batch, **sampling)


class Budget:
    """Usage totals and the limits they are checked against."""

    def __init__(self, cfg: SelfInstructStage) -> None:
        self.cfg = cfg
        self.prompt_tokens = self.completion_tokens = 0

    def add(self, response: dict) -> None:
        self.prompt_tokens += int(response.get("prompt_tokens") or 0)
        self.completion_tokens += int(response.get("completion_tokens") or 0)

    @property
    def cost(self) -> float | None:
        if self.cfg.price_prompt is None or self.cfg.price_completion is None:
            return None
        return (self.prompt_tokens * self.cfg.price_prompt
                + self.completion_tokens * self.cfg.price_completion) / 1e6

    def exhausted(self) -> str | None:
        total = self.prompt_tokens + self.completion_tokens
        if self.cfg.max_tokens_total is not None and total >= self.cfg.max_tokens_total:
            return "max_tokens_total"
        if self.cfg.max_cost is not None and (self.cost or 0.0) >= self.cfg.max_cost:
            return "max_cost"
        return None

    def totals(self) -> dict[str, Any]:
        cost = self.cost
        return {"prompt_tokens": self.prompt_tokens, "completion_tokens": self.completion_tokens,
                "total_tokens": self.prompt_tokens + self.completion_tokens,
                "cost": round(cost, 6) if cost is not None else None}


def fingerprint(cfg: SelfInstructStage, seed: int, spec: PromptSpec, seeds: list[dict]) -> str:
    """What decides the sequence of kept records (budgets and concurrency do not)."""
    keep = cfg.model_dump(mode="json", exclude={
        "max_requests", "max_cost", "max_tokens_total", "price_prompt", "price_completion",
        "concurrency", "max_retries", "retry_wait", "count", "seed_tasks", "prompt"})
    if keep.get("endpoint"):  # the same model behind another address or key gives the same run
        keep["endpoint"] = keep["endpoint"]["model"]
    return sha256_json({"config": keep, "seed": seed, "prompt": spec.template,
                        "labels": spec.labels, "seeds": seeds})


def _resume_output(out: Path) -> list[str]:
    """Instructions already in ``out``, after cutting a line a kill left half-written."""
    if not out.exists():
        return []
    data = out.read_bytes()
    end = data.rfind(b"\n") + 1
    if end != len(data):
        with open(out, "r+b") as handle:
            handle.truncate(end)
    return [json.loads(line)["instruction"] for line in data[:end].decode("utf-8").splitlines()
            if line.strip()]


def _append(out: Path, rows: list[dict], replace: bool = False) -> None:
    if not rows:
        return
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    with open(out, "w" if replace else "a", encoding="utf-8") as handle:
        handle.write(text)  # one write per round: a kill leaves whole lines or one torn tail
        handle.flush()
        os.fsync(handle.fileno())


def _language_detector(cfg: SelfInstructStage):
    if not cfg.language_id:
        return None
    from langadapt.langid import text_detector

    languages = cfg.langid_languages or sorted({cfg.lang, "en"})
    return text_detector("py3langid", languages) if len(set(languages)) > 1 else None


def self_instruct(cfg: SelfInstructStage, out: str | Path, cache_path: str | Path, *, seed: int = 0,
                  model_path: str | None = None, overwrite: bool = False, progress: bool = True,
                  generator: Generator | None = None) -> dict[str, Any]:
    """Generate until ``cfg.count`` instructions are kept (or a budget or ``max_requests`` stops
    it); kept records are appended to ``out`` as Alpaca JSONL. Returns the stats."""
    out = Path(out)
    spec = load_prompt(cfg.lang, cfg.prompt)
    seeds = read_seed_tasks(cfg.seed_tasks)
    cache_existed = Path(cache_path).exists()
    if out.exists() and not overwrite and not cache_existed:
        raise _foreign_output(out)
    cache = ResponseCache(cache_path)
    try:
        return _generate(cfg, out, cache, spec, seeds, seed=seed, model_path=model_path,
                         overwrite=overwrite, progress=progress, generator=generator)
    except BaseException:
        if not cache_existed and len(cache) == 0:  # nothing paid for: leave nothing behind
            cache.close()
            for suffix in ("", "-wal", "-shm"):
                Path(f"{cache_path}{suffix}").unlink(missing_ok=True)
        raise
    finally:
        cache.close()


def _foreign_output(out: Path) -> UserError:
    return UserError(f"{out}: exists and was not written by this self-instruct run (same seed, "
                     "prompt and settings); choose another --out or pass --overwrite")


def _generate(cfg: SelfInstructStage, out: Path, cache: ResponseCache, spec: PromptSpec,
              seeds: list[dict], *, seed: int, model_path: str | None, overwrite: bool,
              progress: bool, generator: Generator | None) -> dict[str, Any]:
    mark = f"output:{out.resolve()}"
    print_key = fingerprint(cfg, seed, spec, seeds)
    ours = cache.meta(mark) == print_key
    if out.exists() and not ours and not overwrite:
        raise _foreign_output(out)
    # a replaced file is truncated at the first append, so a run failing before keeping anything
    # leaves it as it was
    replace = out.exists() and not ours
    written = [] if replace else _resume_output(out)
    cache.set_meta(mark, print_key)
    generator = generator or make_generator(cfg, model_path)
    checker = InstructionFilter([s["instruction"] for s in seeds], spec.blacklist,
                                min_words=cfg.min_words, max_words=cfg.max_words,
                                rouge_threshold=cfg.rouge_threshold, language=cfg.lang,
                                detect=_language_detector(cfg))
    new_items = max(1, cfg.per_request - cfg.seed_examples - cfg.max_generated_examples)
    max_requests = cfg.max_requests or 10 * math.ceil(cfg.count / new_items)
    rng = random.Random(seed)
    budget = Budget(cfg)
    kept: list[dict] = []
    dropped: Counter = Counter()
    requests = {"total": 0, "cached": 0, "sent": 0}
    candidates = shortened = 0
    stopped = None
    bar = _progress_bar(cfg.count, progress)
    try:
        while True:
            stopped = ("count" if len(kept) >= cfg.count else budget.exhausted()
                       or ("max_requests" if requests["total"] >= max_requests else None))
            if stopped:
                break
            size = min(cfg.batch, max_requests - requests["total"])
            payloads = []
            for _ in range(size):
                examples = rng.sample(seeds, min(cfg.seed_examples, len(seeds)))
                extra = rng.randint(0, min(cfg.max_generated_examples, len(kept)))
                examples += rng.sample(kept, extra)
                prompt = render_prompt(spec, examples, cfg.per_request, cfg.language_name or "")
                fits = getattr(generator, "fits", None)  # local models know their context
                while fits is not None and len(examples) > 1 and not fits(prompt):
                    examples.remove(max(examples, key=lambda e: sum(map(len, e.values()))))
                    prompt = render_prompt(spec, examples, cfg.per_request, cfg.language_name or "")
                    shortened += 1
                payload = generator.payload(prompt)
                payloads.append({**payload, "request": requests["total"] + len(payloads)})
            responses = _answer(generator, cache, payloads, requests)
            round_kept = []
            for response in responses:
                budget.add(response)
                parsed = parse_response(spec, response["text"], response["finish_reason"] == "length")
                if parsed.malformed:
                    dropped["malformed"] += parsed.malformed
                if response["finish_reason"] == "length":
                    dropped["truncated"] += 1
                candidates += len(parsed.items) + parsed.malformed + (response["finish_reason"] == "length")
                for item in parsed.items:
                    if len(kept) >= cfg.count:
                        dropped["over_count"] += 1
                        continue
                    reason = checker.reason(item)
                    if reason:
                        dropped[reason] += 1
                    else:
                        kept.append(item)
                        round_kept.append(item)
            first_new = len(kept) - len(round_kept)
            fresh = []
            for number, item in enumerate(round_kept, first_new):
                if number < len(written):
                    if written[number] != item["instruction"]:
                        raise UserError(f"{out}: line {number + 1} differs from the cached run's; "
                                        "pass --overwrite to start the file again")
                else:
                    fresh.append(item)
            _append(out, fresh, replace)
            replace = replace and not fresh
            if bar is not None:
                bar.n = len(kept)
                bar.set_postfix(requests=requests["total"], **dict(dropped.most_common(4)), refresh=True)
    finally:
        if bar is not None:
            bar.close()
    return {"kept": len(kept), "requested_count": cfg.count, "stopped": stopped,
            "candidates": candidates, "dropped": dict(dropped.most_common()),
            "requests": {**requests, "retries": getattr(generator, "retries", 0)},
            "usage": budget.totals(), "lang": cfg.lang, "seed_tasks": len(seeds),
            "examples_removed_to_fit_context": shortened}


def _answer(generator: Generator, cache: ResponseCache, payloads: list[dict],
            requests: dict) -> list[dict]:
    """Responses in payload order: cached ones replayed, the rest sent and cached on arrival."""
    keys = [payload_key(p) for p in payloads]
    responses: list[dict | None] = [cache.get(k) for k in keys]
    missing = [i for i, r in enumerate(responses) if r is None]

    def store(position: int, response: dict) -> None:
        index = missing[position]
        cache.put(keys[index], payloads[index], response)
        responses[index] = response

    generator.complete([payloads[i] for i in missing], store)
    requests["total"] += len(payloads)
    requests["cached"] += len(payloads) - len(missing)
    requests["sent"] += len(missing)
    return [r for r in responses if r is not None]


def _progress_bar(total: int, enabled: bool):
    if not enabled:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, desc="self-instruct kept", unit="instr", dynamic_ncols=True)


def seed_conversations(path: str | Path, lang: str) -> list[dict]:
    """Every instance of every seed task as a conversation (the seed file was checked already)."""
    rows = []
    for _, row in iter_jsonl(path):
        instances = row.get("instances") or [row]
        for inst in instances:
            rows.append({"messages": alpaca_messages(row["instruction"], inst.get("input") or "",
                                                     inst["output"]),
                         "source": "self_instruct/seed", "lang": lang})
    return rows


def run_stage(cfg: SelfInstructStage, ctx: RunContext) -> dict:
    """Stage runner: ``generated.jsonl`` (Alpaca records), ``conversations.jsonl`` (generated,
    plus the seed tasks with ``include_seed_tasks``), ``stats.json``.

    An endpoint's answers cost money, so their cache lives outside the stage's partial folder
    (``RUN/.cache/NAME.self_instruct.sqlite``): it survives a kill, a failed run (whose partial
    folder the runner removes) and a config change — a request already answered is never paid
    for twice. A local model's answers are cached in the partial folder: a retrained model at the
    same path must not be answered from the old one's cache."""
    model_path = ctx.model_path(cfg.model) if cfg.model is not None else None
    generated = ctx.work_dir / "generated.jsonl"
    if model_path is None:
        cache = ctx.run_dir / ".cache" / f"{ctx.stage_name}.self_instruct.sqlite"
        cache.parent.mkdir(parents=True, exist_ok=True)
    else:
        cache = ctx.work_dir / "cache.sqlite"
    stats = self_instruct(cfg, generated, cache, seed=ctx.seed,
                          model_path=model_path, progress=False)
    rows = [{"messages": alpaca_messages(r["instruction"], r["input"], r["output"]),
             "source": "self_instruct", "lang": cfg.lang}
            for _, r in iter_jsonl(generated)] if generated.exists() else []
    seeds = seed_conversations(cfg.seed_tasks, cfg.lang) if cfg.include_seed_tasks else []
    write_jsonl_atomic(ctx.work_dir / "conversations.jsonl", seeds + rows)
    stats["conversations"] = len(seeds) + len(rows)
    stats["seed_conversations"] = len(seeds)
    write_json_atomic(ctx.work_dir / "stats.json", stats)
    return stats
