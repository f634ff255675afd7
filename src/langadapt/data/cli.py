"""`langadapt data ...` commands: a thin layer over the data modules' Python functions.

Each command has an ``add_*`` function that adds its subparser; ``DATA_COMMANDS`` lists them in
``--help`` order, so a new command is one function plus one entry. Modules doing the work are
imported inside the handlers, so ``langadapt --help`` stays instant.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from langadapt.cli_options import add_overwrite_option
from langadapt.errors import UserError
from langadapt.yamlconfig import first_error, format_error, read_yaml


def add_bitext_command(data_sub: argparse._SubParsersAction) -> None:
    p = data_sub.add_parser(
        "bitext",
        help="filter parallel data (OpusFilter-equivalent filters, dedup, decontamination)",
        description=(
            "Read parallel data, remove exact duplicate pairs and pairs overlapping evaluation "
            "sets, apply the filters of a preset (OpusFilter 3.3 semantics), and write the kept "
            "pairs in input order as JSONL {src, tgt, src_lang, tgt_lang, source}, with per-step "
            "drop counts in OUT's .stats.json (PAIRS.jsonl -> PAIRS.stats.json)."
        ),
    )
    p.add_argument("--src", required=True, type=Path, metavar="FILE",
                   help="source-language file; with --tgt the two are line-aligned. Without --tgt: "
                        "a .tsv (src<TAB>tgt), a .tmx, an OPUS Moses .zip or the Moses prefix "
                        "Corpus.xx-yy (files Corpus.xx-yy.SRC_LANG / .TGT_LANG). .gz is read as gzip")
    p.add_argument("--tgt", type=Path, metavar="FILE", help="target-language file, line-aligned with --src")
    p.add_argument("--src-lang", default="en", metavar="CODE", help="source language code (ISO 639-1, default en)")
    p.add_argument("--tgt-lang", default="et", metavar="CODE", help="target language code (ISO 639-1, default et)")
    p.add_argument("--format", default="auto", dest="input_format", metavar="FORMAT",
                   help="input format: auto (default: from --tgt or the file suffix), lines, tsv, tmx, moses")
    p.add_argument("--preset", default="llammas", metavar="NAME",
                   help="filter preset: llammas (default; characters 10-1000, words 2-100, word "
                        "ratio < 3, long word < 40, script, terminal punctuation, numerals, "
                        "language ID) or none (only dedup/decontamination)")
    p.add_argument("--filters-config", type=Path, metavar="FILE",
                   help="YAML/JSON list of OpusFilter-style filters [{LengthFilter: {...}}, ...] "
                        "used instead of --preset")
    p.add_argument("--langid", default="py3langid", metavar="BACKEND",
                   help="language-ID backend of the preset: py3langid (default, restricted to the "
                        "two languages), lingua (needs lingua-language-detector) or none")
    p.add_argument("--no-dedup", action="store_true", help="keep exact duplicate pairs")
    p.add_argument("--decontaminate", nargs="+", type=Path, default=[], metavar="FILE",
                   help="evaluation files (one sentence a line, e.g. FLORES dev/devtest, WMT test "
                        "sets): drop pairs whose source or target matches a line after "
                        "normalisation (case, quoting, punctuation and spacing ignored)")
    p.add_argument("--decontaminate-ngram", type=int, default=0, metavar="N",
                   help="also drop pairs sharing word N-grams with one evaluation file (0 = off, default)")
    p.add_argument("--decontaminate-overlap", type=float, default=0.5, metavar="F",
                   help="with --decontaminate-ngram: drop when more than this share of a side's "
                        "N-grams occur in an evaluation file (default 0.5)")
    p.add_argument("--source", metavar="NAME",
                   help="value of the pairs' source field (default: the input file's name stem)")
    p.add_argument("--out", required=True, type=Path, metavar="PAIRS.jsonl",
                   help="output PAIRS.jsonl (stats go to PAIRS.stats.json)")
    add_overwrite_option(p)
    p.set_defaults(func=_run_bitext)


def _run_bitext(args: argparse.Namespace) -> int:
    from langadapt.data.bitext.pipeline import run_bitext, stats_path_for

    stats = run_bitext(
        args.src, args.tgt, args.src_lang, args.tgt_lang, args.out, preset=args.preset,
        decontaminate=args.decontaminate, input_format=args.input_format, source=args.source,
        filters=args.filters_config, dedup=not args.no_dedup, langid=args.langid,
        decontaminate_ngram=args.decontaminate_ngram, decontaminate_overlap=args.decontaminate_overlap,
        overwrite=args.overwrite,
    )
    print(f"kept {stats['kept_pairs']} of {stats['input_pairs']} pairs -> {args.out} "
          f"(stats: {stats_path_for(args.out)})", file=sys.stderr)
    return 0


def add_translation_tasks_command(data_sub: argparse._SubParsersAction) -> None:
    from langadapt.data.bitext.translation_tasks import DEFAULTS

    p = data_sub.add_parser(
        "translation-tasks",
        help="turn filtered pairs into translation instructions (conversations)",
        description=(
            "Build translation-task conversations from PAIRS.jsonl: each is one user turn (an "
            "instruction from the project's English or target-language templates, with the text "
            "inline or as a separate input block) and one assistant turn (the translation). "
            "Deterministic under --seed. Writes JSONL {messages, source, lang, meta} and OUT's .stats.json."
        ),
    )
    p.add_argument("--pairs", required=True, type=Path, metavar="PAIRS.jsonl",
                   help="input PAIRS.jsonl in the bitext contract")
    p.add_argument("--out", required=True, type=Path, metavar="TASKS.jsonl", help="output TASKS.jsonl")
    p.add_argument("--n", type=int, default=None,
                   help="number of tasks to sample (default: one per sentence pair or document chunk; "
                        "more than available repeats pairs with fresh templates)")
    p.add_argument("--seed", type=int, default=DEFAULTS["seed"], metavar="S",
                   help=f"random seed (default {DEFAULTS['seed']})")
    p.add_argument("--p-target-lang-instruction", type=float, metavar="P",
                   default=DEFAULTS["p_target_lang_instruction"],
                   help="share of instructions written in the target language, e.g. Estonian "
                        f"(default {DEFAULTS['p_target_lang_instruction']})")
    p.add_argument("--p-separate-input", type=float, default=DEFAULTS["p_separate_input"], metavar="P",
                   help="share of tasks whose text follows the instruction as a separate input "
                        f"block instead of inside the instruction (default {DEFAULTS['p_separate_input']})")
    p.add_argument("--en-to-target-ratio", type=float, default=DEFAULTS["en_to_target_ratio"], metavar="R",
                   help="share of tasks translating from English into the other language "
                        f"(default {DEFAULTS['en_to_target_ratio']}, i.e. 75%% en->et, 25%% et->en)")
    p.add_argument("--level", default="sentence", metavar="LEVEL",
                   help="sentence (default: one pair per task) or document (consecutive pairs sharing "
                        "a doc_id joined into one task, split above --max-doc-tokens)")
    p.add_argument("--max-doc-tokens", type=int, default=DEFAULTS["max_doc_tokens"], metavar="N",
                   help=f"document level: split documents longer than this (default {DEFAULTS['max_doc_tokens']})")
    p.add_argument("--tokenizer", metavar="NAME_OR_DIR",
                   help="HF tokenizer (hub id or folder) counting tokens for --max-doc-tokens "
                        "(default: whitespace-separated words)")
    add_overwrite_option(p)
    p.set_defaults(func=_run_translation_tasks)


def _run_translation_tasks(args: argparse.Namespace) -> int:
    from langadapt.data.bitext.translation_tasks import run_translation_tasks

    stats = run_translation_tasks(
        args.pairs, args.out, n=args.n, seed=args.seed,
        p_target_lang_instruction=args.p_target_lang_instruction, p_separate_input=args.p_separate_input,
        en_to_target_ratio=args.en_to_target_ratio, level=args.level, max_doc_tokens=args.max_doc_tokens,
        tokenizer=args.tokenizer, overwrite=args.overwrite,
    )
    print(json.dumps({k: stats[k] for k in ("tasks", "directions", "instruction_langs")}), file=sys.stderr)
    return 0


def add_corpus_command(data_sub: argparse._SubParsersAction) -> None:
    p = data_sub.add_parser(
        "corpus",
        help="build a pretraining corpus: filter, dedup, mix languages by ratio to a token budget",
        description=(
            "Read documents (text lines/paragraphs, JSONL[.gz|.zst], Parquet, saved HF datasets, "
            "hub datasets in streaming mode), drop those failing the length, exclusion, URL-suffix, "
            "script and language-ID filters, remove exact and MinHash near-duplicates, and mix the "
            "languages by target shares up to a token budget counted with --tokenizer. Runs as "
            "datatrove pipelines (local by default; Slurm/Ray via the config's executor). Writes "
            "OUT/corpus/part-*.jsonl.gz (or .parquet) with {text, lang, source, url?, id}, "
            "and OUT/stats.json (OUT/corpus.jsonl too with corpus_jsonl: true). Options given here "
            "override the --config file."
        ),
    )
    p.add_argument("--config", type=Path, metavar="FILE",
                   help="YAML/JSON with the keys of the recipe's corpus stage (sources, mix, "
                        "token_budget, filters, executor, ...); paths are relative to this file")
    p.add_argument("--source", action="append", default=[], metavar="PATH:LANG[:FORMAT]",
                   help="an input (repeatable): file or folder, its language code and optionally "
                        "its format (lines, paragraphs, jsonl, parquet, hf_disk); hub:DATASET_ID:LANG"
                        " streams a hub dataset")
    p.add_argument("--mix", metavar="LANG=SHARE,...",
                   help="target shares, e.g. et=0.75,en=0.25 (default: the config's, else that)")
    p.add_argument("--mix-by", choices=["tokens", "documents"],
                   help="unit the shares are measured in (default tokens)")
    p.add_argument("--token-budget", type=int, metavar="N", help="stop once N tokens are in")
    p.add_argument("--tokenizer", required=True, metavar="NAME_OR_DIR",
                   help="tokenizer (folder or hub id) of the model being adapted; counts tokens")
    p.add_argument("--seed", type=int, default=0, metavar="S", help="seed of the mix (default 0)")
    p.add_argument("--on-error", choices=["fail", "skip"],
                   help="bad input records: fail naming file:line (default) or skip, count and report")
    p.add_argument("--no-dedup", action="store_true", help="keep exact and near duplicates")
    p.add_argument("--no-near-dedup", action="store_true", help="exact dedup only, no MinHash")
    p.add_argument("--no-language-id", action="store_true", help="do not check languages")
    p.add_argument("--output-format", choices=["jsonl.gz", "parquet"],
                   help="format of the corpus shards (default jsonl.gz)")
    p.add_argument("--executor", choices=["local", "slurm", "ray"],
                   help="datatrove executor (slurm/ray need the config's executor options)")
    p.add_argument("--tasks", type=int, metavar="N", help="parallel tasks (default: one per input file)")
    p.add_argument("--workers", type=int, metavar="N", help="local executor: tasks run at once (default 1)")
    p.add_argument("--verbose", action="store_true", help="show datatrove's per-task logs")
    p.add_argument("--keep-work", action="store_true", help="keep OUT/.work (intermediate shards, logs)")
    p.add_argument("--out", required=True, type=Path, metavar="DIR",
                   help="output folder: new or empty (see --overwrite)")
    add_overwrite_option(p)
    p.set_defaults(func=_run_corpus)


def _parse_source(spec: str) -> dict:
    if spec.startswith("hub:"):
        parts = spec[4:].rsplit(":", 1)
        if len(parts) != 2:
            raise UserError(f"--source {spec}: expected hub:DATASET_ID:LANG")
        return {"hub": parts[0], "lang": parts[1]}
    parts = spec.split(":")
    if len(parts) not in (2, 3):
        raise UserError(f"--source {spec}: expected PATH:LANG or PATH:LANG:FORMAT")
    source = {"path": parts[0], "lang": parts[1]}
    if len(parts) == 3:
        source["format"] = parts[2]
    return source


def _corpus_config(args: argparse.Namespace):
    import yaml
    from pydantic import ValidationError

    from langadapt.data.corpus.stage import CorpusStage

    data: dict = {}
    base_dir = Path.cwd()
    if args.config:
        try:
            data = yaml.safe_load(args.config.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as err:
            raise UserError(f"{args.config}: cannot read config: {err}") from None
        if not isinstance(data, dict):
            raise UserError(f"{args.config}: a corpus config is a mapping (sources, mix, ...)")
        base_dir = args.config.resolve().parent
    if args.source:
        data["sources"] = [_parse_source(s) for s in args.source]
    if args.mix:
        try:
            data["mix"] = {k.strip(): float(v) for k, v in (i.split("=") for i in args.mix.split(","))}
        except ValueError:
            raise UserError(f"--mix {args.mix}: expected LANG=SHARE,LANG=SHARE") from None
    for key, value in (("mix_by", args.mix_by), ("token_budget", args.token_budget),
                       ("on_error", args.on_error), ("output_format", args.output_format)):
        if value is not None:
            data[key] = value
    for key, flag in (("dedup", args.no_dedup), ("near_dedup", args.no_near_dedup),
                      ("language_id", args.no_language_id)):
        if flag:
            data[key] = False
    executor = dict(data.get("executor") or {})
    for key, value in (("type", args.executor), ("tasks", args.tasks), ("workers", args.workers)):
        if value is not None:
            executor[key] = value
    data["executor"] = executor
    data.pop("type", None)
    if not data.get("sources"):
        raise UserError("give at least one --source PATH:LANG (or sources: in --config)")
    try:
        return CorpusStage.model_validate(data, context={"base_dir": base_dir})
    except ValidationError as err:
        first = first_error(err.errors())
        if args.config:
            lines = read_yaml(args.config.resolve(), "corpus config")[1]
            raise UserError(format_error(args.config, first, lines)) from None
        raise UserError(format_error(Path(), first, {}, source="corpus options")) from None


def _run_corpus(args: argparse.Namespace) -> int:
    from langadapt.artifacts import check_output, output_dir
    from langadapt.data.corpus.pipeline import build_corpus
    from langadapt.data.corpus.stats import summary

    cfg = _corpus_config(args)
    inputs = [s.path for s in cfg.sources] + list(cfg.exclude)
    if cfg.executor.type == "slurm":  # jobs run after this returns: they need the final folder
        check_output(args.out, inputs=inputs, overwrite=args.overwrite)
        args.out.mkdir(parents=True, exist_ok=True)
        print(summary(build_corpus(cfg, args.out, args.tokenizer, args.seed, verbose=args.verbose)),
              file=sys.stderr)
        return 0
    with output_dir(args.out, inputs=inputs, overwrite=args.overwrite) as tmp:
        stats = build_corpus(cfg, tmp, args.tokenizer, args.seed, verbose=args.verbose,
                             keep_work=args.keep_work)
    print(summary(stats), file=sys.stderr)
    print(f"corpus -> {args.out} (stats: {args.out / 'stats.json'})", file=sys.stderr)
    return 0


def add_instructions_command(data_sub: argparse._SubParsersAction) -> None:
    p = data_sub.add_parser(
        "instructions",
        help="mix instruction data (Alpaca, chat/ShareGPT, OASST1 trees, FLAN/CoT, seed tasks)",
        description=(
            "Read instruction sources, convert them to conversations {messages, source, lang}, "
            "drop duplicates and conversations quoting an --exclude line, select per source "
            "(limit: exact seeded sample; weight: repeat/subsample), hold out a seeded "
            "--validation share, and write OUT/conversations.jsonl, OUT/validation.jsonl and "
            "OUT/stats.json. Sources come from --source or a --config file (the recipe stage's keys)."
        ),
    )
    p.add_argument("--config", type=Path, metavar="FILE",
                   help="YAML with the instructions stage's keys (sources, exclude, validation)")
    p.add_argument("--source", action="append", default=[], metavar="PATH:FORMAT:LANG[:limit=N|weight=W]",
                   help="a source (repeatable); FORMAT: self_instruct, alpaca, conversations "
                        "(OpenAI or ShareGPT roles), oasst, flan")
    p.add_argument("--exclude", action="append", type=Path, default=[], metavar="FILE",
                   help="evaluation text: conversations quoting one of its lines are dropped")
    p.add_argument("--validation", type=float, metavar="SHARE", help="held-out share per source")
    p.add_argument("--seed", type=int, default=0, metavar="S", help="random seed (default 0)")
    p.add_argument("--out", required=True, type=Path, metavar="DIR", help="output folder")
    add_overwrite_option(p)
    p.set_defaults(func=_run_instructions)


def _instruction_source(spec: str) -> dict:
    parts = spec.split(":")
    if len(parts) < 3:
        raise UserError(f"--source {spec}: expected PATH:FORMAT:LANG[:limit=N|weight=W]")
    source: dict = {"path": parts[0], "format": parts[1], "lang": parts[2]}
    for option in parts[3:]:
        key, _, value = option.partition("=")
        if key not in ("limit", "weight", "name") or not value:
            raise UserError(f"--source {spec}: unknown option {option!r} (limit=N, weight=W, name=S)")
        source[key] = value
    return source


def _run_instructions(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from langadapt.artifacts import output_dir
    from langadapt.data.instructions.build import build_instructions
    from langadapt.data.instructions.stage import InstructionsStage

    data: dict = {}
    base_dir = Path.cwd()
    if args.config:
        data, lines = read_yaml(args.config.resolve(), "instructions config")
        if not isinstance(data, dict):
            raise UserError(f"{args.config}: an instructions config is a mapping (sources, ...)")
        data = dict(data)
        base_dir = args.config.resolve().parent
        data.pop("type", None)
    if args.source:
        data["sources"] = [_instruction_source(s) for s in args.source]
    if args.exclude:
        data["exclude"] = [str(Path(p).resolve()) for p in args.exclude]
    if args.validation is not None:
        data["validation"] = args.validation
    if not data.get("sources"):
        raise UserError("give at least one --source PATH:FORMAT:LANG (or sources: in --config)")
    try:
        cfg = InstructionsStage.model_validate(data, context={"base_dir": base_dir})
    except ValidationError as err:
        first = first_error(err.errors())
        if args.config:
            raise UserError(format_error(args.config, first, lines)) from None
        raise UserError(format_error(Path(), first, {}, source="instructions options")) from None
    inputs = [s.path for s in cfg.sources] + list(cfg.exclude)
    with output_dir(args.out, inputs=inputs, overwrite=args.overwrite) as tmp:
        stats = build_instructions(cfg, tmp, args.seed)
    print(json.dumps({k: stats[k] for k in ("conversations", "validation", "per_language", "dropped")}),
          file=sys.stderr)
    return 0


def _stage_options(cls, data: dict, where: str):
    """A stage config from command-line values (paths relative to the working directory)."""
    from pydantic import ValidationError

    try:
        return cls.model_validate(data, context={"base_dir": Path.cwd()})
    except ValidationError as err:
        raise UserError(format_error(Path(), first_error(err.errors()), {}, source=where)) from None


def add_self_instruct_command(data_sub: argparse._SubParsersAction) -> None:
    p = data_sub.add_parser(
        "self-instruct",
        help="generate Alpaca-style instructions in a target language (Alpaca-est for any language)",
        description=(
            "Alpaca recipe in the target language: each request shows 3 seed tasks and 0-2 "
            "generated ones and asks for a numbered list of new tasks (prompt written in the "
            "target language; shipped for et and en, --prompt for others). Items are parsed and "
            "dropped when too short/long, blacklisted, starting with a non-letter, in the wrong "
            "language or ROUGE-L > 0.7 against the pool. Every request/response is cached in "
            "sqlite (--cache): a rerun after a crash resumes and repeats no answered request. "
            "Writes Alpaca JSONL {instruction, input, output} and OUT's .stats.json."
        ),
    )
    p.add_argument("--seed-tasks", required=True, type=Path, metavar="FILE",
                   help="seed tasks: self-instruct JSONL (instruction + instances) or Alpaca JSONL")
    p.add_argument("--lang", default="et", metavar="CODE", help="language to generate in (default et)")
    p.add_argument("--count", required=True, type=int, metavar="N", help="stop once N are kept")
    p.add_argument("--endpoint", metavar="URL", help="OpenAI-compatible base URL, e.g. https://api.openai.com/v1")
    p.add_argument("--model", metavar="NAME", help="model name at --endpoint, e.g. gpt-3.5-turbo")
    p.add_argument("--api-key-env", default="OPENAI_API_KEY", metavar="VAR",
                   help="environment variable holding the API key (default OPENAI_API_KEY)")
    p.add_argument("--hf-model", metavar="NAME_OR_DIR",
                   help="generate with a local HF model instead of an endpoint (offline use)")
    p.add_argument("--prompt", type=Path, metavar="FILE",
                   help="prompt YAML written in the target language (default: shipped for et, en)")
    p.add_argument("--language-name", metavar="NAME", help="{language} in the prompt")
    p.add_argument("--out", required=True, type=Path, metavar="OUT.jsonl",
                   help="output Alpaca JSONL; an existing one from the same settings is resumed")
    p.add_argument("--cache", type=Path, metavar="FILE",
                   help="sqlite response cache (default OUT.cache.sqlite)")
    p.add_argument("--seed", type=int, default=0, metavar="S", help="random seed (default 0)")
    p.add_argument("--concurrency", type=int, default=5, metavar="N", help="requests in flight (default 5)")
    p.add_argument("--batch", type=int, default=5, metavar="N",
                   help="requests per round, built from the same pool (default 5, as Alpaca)")
    p.add_argument("--per-request", type=int, default=20, metavar="N",
                   help="tasks the prompt asks for, examples included (default 20)")
    p.add_argument("--temperature", type=float, default=1.0, metavar="T", help="default 1.0")
    p.add_argument("--top-p", type=float, default=1.0, metavar="P", help="default 1.0")
    p.add_argument("--max-tokens", type=int, default=3072, metavar="N", help="per response (default 3072)")
    p.add_argument("--max-requests", type=int, metavar="N", help="stop after N requests")
    p.add_argument("--max-cost", type=float, metavar="USD", help="stop once this is spent")
    p.add_argument("--price-prompt", type=float, metavar="USD", help="price per 1M prompt tokens")
    p.add_argument("--price-completion", type=float, metavar="USD", help="price per 1M completion tokens")
    p.add_argument("--max-tokens-total", type=int, metavar="N", help="stop after N tokens (prompt + completion)")
    p.add_argument("--rouge-threshold", type=float, default=0.7, metavar="F", help="default 0.7")
    p.add_argument("--no-language-id", action="store_true", help="do not check the language")
    p.add_argument("--retry-wait", type=float, default=1.0, metavar="S",
                   help="first backoff wait on 429/5xx, doubling (default 1)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    add_overwrite_option(p)
    p.set_defaults(func=_run_self_instruct)


def _run_self_instruct(args: argparse.Namespace) -> int:
    from langadapt.artifacts import check_output_file, write_json_atomic
    from langadapt.data.self_instruct.generate import self_instruct
    from langadapt.data.self_instruct.stage import SelfInstructStage

    if bool(args.endpoint) == bool(args.hf_model):
        raise UserError("give --endpoint URL with --model NAME, or --hf-model PATH")
    if args.endpoint and not args.model:
        raise UserError("--endpoint needs --model (the model name at the endpoint)")
    data = {"seed_tasks": str(args.seed_tasks), "lang": args.lang, "count": args.count,
            "prompt": str(args.prompt) if args.prompt else None, "language_name": args.language_name,
            "per_request": args.per_request, "temperature": args.temperature, "top_p": args.top_p,
            "max_tokens": args.max_tokens, "batch": args.batch, "concurrency": args.concurrency,
            "max_requests": args.max_requests, "max_cost": args.max_cost,
            "price_prompt": args.price_prompt, "price_completion": args.price_completion,
            "max_tokens_total": args.max_tokens_total, "rouge_threshold": args.rouge_threshold,
            "language_id": not args.no_language_id, "retry_wait": args.retry_wait}
    if args.endpoint:
        data["endpoint"] = {"url": args.endpoint, "model": args.model, "api_key_env": args.api_key_env}
    else:
        data["model"] = args.hf_model
    cfg = _stage_options(SelfInstructStage, data, "self-instruct options")
    out = args.out
    stats_path = out.with_name(out.name.removesuffix(".jsonl") + ".stats.json")
    cache = args.cache or out.with_name(out.name.removesuffix(".jsonl") + ".cache.sqlite")
    # existence is decided by self_instruct (resume vs refuse); here: not an input, writable
    check_output_file(out, inputs=[args.seed_tasks, args.prompt], overwrite=True)
    stats = self_instruct(cfg, out, cache, seed=args.seed, model_path=args.hf_model,
                          overwrite=args.overwrite, progress=not args.quiet)
    write_json_atomic(stats_path, stats)
    print(json.dumps({k: stats[k] for k in ("kept", "stopped", "dropped", "requests", "usage")}),
          file=sys.stderr)
    return 0


# `langadapt data` subcommands in --help order; add a command by appending its add_* function.
DATA_COMMANDS = [add_bitext_command, add_translation_tasks_command]
DATA_COMMANDS.append(add_corpus_command)
DATA_COMMANDS += [add_instructions_command, add_self_instruct_command]


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `data` group and its commands to the top-level parser."""
    data = sub.add_parser("data", help="prepare data: bitext filtering, translation tasks, ...",
                          description="Prepare training data.")
    data_sub = data.add_subparsers(dest="data_command", metavar="DATA_COMMAND")
    data_sub.required = True
    for add_command in DATA_COMMANDS:
        add_command(data_sub)
