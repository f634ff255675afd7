"""`langadapt lep propagate | merge | calibrate`: a thin layer over ``langadapt.lep``.

Mode and dtype are checked by the library, not argparse, so a bad value is one
``langadapt: error:`` line with exit code 2 like every other user error.
"""

from __future__ import annotations

import argparse
import json

from langadapt.cli_options import add_overwrite_option


def _propagate(args: argparse.Namespace) -> int:
    from langadapt.lep.propagate import propagate_embeddings

    manifest = propagate_embeddings(args.base, args.instruct, args.adapted, args.out, mode=args.mode,
                                    sparse_k=args.sparse_k, dtype=args.dtype, overwrite=args.overwrite)
    print(json.dumps({k: v for k, v in manifest.items() if k != "versions"}, indent=2, ensure_ascii=False))
    return 0


def _merge(args: argparse.Namespace) -> int:
    from langadapt.lep.merge import merge_chat_vector

    manifest = merge_chat_vector(args.base, args.instruct, args.adapted, args.out, alpha=args.alpha,
                                 mode=args.mode, sparse_k=args.sparse_k, dtype=args.dtype,
                                 overwrite=args.overwrite)
    print(json.dumps({k: v for k, v in manifest.items() if k != "versions"}, indent=2, ensure_ascii=False))
    return 0


def _calibrate(args: argparse.Namespace) -> int:
    import os

    from langadapt.errors import UserError
    from langadapt.lep.calibrate import calibrate, judge_scorer
    from langadapt.lep.stage import calibration_training, tuning_training

    if not args.teacher and not args.endpoint:
        raise UserError("lep calibrate: give the teacher, --teacher MODEL or --endpoint URL")
    if args.endpoint and not (args.endpoint_model or args.teacher):
        raise UserError("--endpoint: name the served teacher with --endpoint-model")
    if args.judge_endpoint and not args.judge_model:
        raise UserError("--judge-endpoint: name the judge with --judge-model")
    common = {k: v for k, v in (("max_steps", args.max_steps), ("block_size", args.block_size),
                                ("batch_size", args.train_batch_size)) if v is not None}
    training = _training(calibration_training, common, args.lr, "--lr")
    tuning = _training(tuning_training, common, args.tune_lr, "--tune-lr")
    judge = None
    if args.judge_endpoint:
        judge = judge_scorer(args.judge_endpoint, args.judge_model, args.lang,
                             api_key=os.environ.get(args.judge_api_key_env) if args.judge_api_key_env
                             else None, cache_path=args.judge_cache)
    try:
        manifest = calibrate(
            args.model, None if args.endpoint else args.teacher, args.prompts, args.text, args.out,
            overwrite=args.overwrite, lang=args.lang, endpoint=args.endpoint,
            endpoint_model=args.endpoint_model or args.teacher,
            api_key=os.environ.get(args.api_key_env) if args.api_key_env else None,
            concurrency=args.concurrency, min_chars=args.min_chars, max_chars=args.max_chars,
            langid_languages=args.langid_languages, judge=judge,
            min_judge_score=args.min_judge_score, copy_count=args.copy_examples,
            copy_instruction=args.copy_instruction, tune_data=args.tune_data, training=training,
            tuning=tuning, max_new_tokens=args.max_new_tokens, batch_size=args.batch_size,
            seed=args.seed)
    finally:
        if judge is not None:
            judge.client.close()
    print(json.dumps({k: v for k, v in manifest.items() if k not in ("versions", "training")},
                     indent=2, ensure_ascii=False, default=str))
    return 0


def _training(make, common: dict, lr: float | None, option: str):
    from pydantic import ValidationError

    from langadapt.errors import UserError

    try:
        return make(**common, **({"lr": lr} if lr is not None else {}))
    except ValidationError as err:
        first = err.errors()[0]
        key = {"lr": option, "batch_size": "--train-batch-size"}.get(
            str(first["loc"][0]), "--" + str(first["loc"][0]).replace("_", "-"))
        raise UserError(f"{key}: {first['msg'].removeprefix('Value error, ')}") from None


def _calibrate_options(cal: argparse.ArgumentParser) -> None:
    cal.add_argument("--model", required=True, metavar="MODEL",
                     help="P: the model to calibrate (usually `lep propagate`'s output)")
    cal.add_argument("--teacher", metavar="MODEL",
                     help="I: the original instruct model that answers the prompts (directory or "
                     "hub id; with --endpoint, the served model's name)")
    cal.add_argument("--prompts", required=True, metavar="FILE",
                     help="prompts: one a line, or JSONL with prompt, instruction (+ input) or "
                     "messages")
    cal.add_argument("--text", required=True, metavar="FILE",
                     help="target-language text, one passage a line, for copy-this-text examples")
    cal.add_argument("--out", required=True, metavar="DIR",
                     help="output folder: DIR/model, DIR/manifest.json, DIR/teacher_answers.jsonl, "
                     "DIR/calibration.jsonl")
    cal.add_argument("--lang", default="et", help="target language (default: et)")
    cal.add_argument("--langid-languages", nargs="+", default=["en"], metavar="LANG",
                     help="the other languages language ID chooses among (default: en)")
    cal.add_argument("--min-chars", type=int, default=10, metavar="N",
                     help="drop shorter answers and copy lines (default: 10)")
    cal.add_argument("--max-chars", type=int, default=4000, metavar="N",
                     help="drop longer answers and copy lines (default: 4000)")
    cal.add_argument("--copy-examples", type=int, metavar="N",
                     help="copy-this-text examples (default: as many as answers kept)")
    cal.add_argument("--copy-instruction", metavar="TEXT",
                     help="their instruction (default: shipped for et and en, e.g. 'Kopeeri see "
                     "tekst:')")
    cal.add_argument("--tune-data", metavar="FILE",
                     help="conversations JSONL for continued instruction tuning after calibration "
                     "(LoRA r 32, alpha 16 on every layer, lr 5e-5)")
    cal.add_argument("--max-new-tokens", type=int, default=512, metavar="N",
                     help="longest teacher answer in tokens (default: 512)")
    cal.add_argument("--batch-size", type=int, default=8, metavar="N",
                     help="teacher prompts per generation batch (default: 8)")
    served = cal.add_argument_group("a served teacher")
    served.add_argument("--endpoint", metavar="URL",
                        help="OpenAI-compatible base URL of the teacher (e.g. http://host:8000/v1)")
    served.add_argument("--endpoint-model", metavar="NAME",
                        help="the model name it serves (default: --teacher)")
    served.add_argument("--api-key-env", metavar="VAR", help="environment variable of its key")
    served.add_argument("--concurrency", type=int, default=8, metavar="N",
                        help="requests in flight (default: 8)")
    judge = cal.add_argument_group("an LLM judge (optional)")
    judge.add_argument("--judge-endpoint", metavar="URL", help="OpenAI-compatible base URL")
    judge.add_argument("--judge-model", metavar="NAME", help="the judge model's name")
    judge.add_argument("--judge-api-key-env", metavar="VAR", help="environment variable of its key")
    judge.add_argument("--judge-cache", metavar="FILE", help="sqlite file caching the grades")
    judge.add_argument("--min-judge-score", type=float, default=4.0, metavar="S",
                       help="drop answers the judge grades below S on 1-5 (default: 4)")
    train = cal.add_argument_group("training (paper defaults: LoRA r 8, alpha 1 on the first and "
                                   "last layers + embeddings + LM head, lr 2.5e-5, wd 0.1, 1 epoch)")
    train.add_argument("--lr", type=float, metavar="X", help="calibration learning rate")
    train.add_argument("--tune-lr", type=float, metavar="X", help="tuning learning rate")
    train.add_argument("--max-steps", type=int, metavar="N",
                       help="stop each training step after N optimiser steps (default: 1 epoch)")
    train.add_argument("--block-size", type=int, metavar="N", help="tokens per packed row")
    train.add_argument("--train-batch-size", type=int, metavar="N", help="rows per step")
    train.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    add_overwrite_option(cal)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--base", required=True, metavar="MODEL",
                        help="the base model B (directory or hub id, safetensors)")
    parser.add_argument("--instruct", required=True, metavar="MODEL",
                        help="an instruct model I of the same base (same tokenizer, maybe more tokens)")
    parser.add_argument("--adapted", required=True, metavar="MODEL",
                        help="A: the base after `langadapt vocab adapt` and embeddings-only pretraining")
    parser.add_argument("--out", required=True, metavar="DIR", help="output model directory")
    parser.add_argument("--mode", default="conversion", metavar="MODE",
                        help="embeddings: conversion (default: d x d maps fit over the whole new "
                        "vocabulary through its mean-decomposition), overlap (fit over shared tokens), "
                        "swap (A's rows unchanged) or sparse (per-token k-sparse codes over shared tokens)")
    parser.add_argument("--sparse-k", type=int, default=32, metavar="K",
                        help="sparse: shared tokens per new token (default 32)")
    parser.add_argument("--dtype", default="auto", metavar="DTYPE",
                        help="auto (each tensor keeps the instruct model's dtype), float32, bfloat16 "
                        "or float16")
    add_overwrite_option(parser)


def register(sub: argparse._SubParsersAction) -> None:
    """Add this group's commands to the top-level parser."""
    lep = sub.add_parser("lep", help="propagate adapted embeddings into an instruct model",
                         description="Learned Embedding Propagation: give an instruct model the "
                         "vocabulary and embeddings a base model learned for a new language, without "
                         "instruction tuning. Models are safetensors directories or hub ids.")
    commands = lep.add_subparsers(dest="lep_command", metavar="COMMAND")
    commands.required = True

    prop = commands.add_parser(
        "propagate", help="instruct body + adapted vocabulary, embeddings mapped by d x d fits",
        description="Write P: the instruct model's body, chat template and chat tokens, the adapted "
        "model's tokenizer, and input embeddings E_A·D and LM head O_A·U, with D, U fit in float64 "
        "(see docs/lep.md). manifest.json records each fit's relative residual.")
    _common(prop)
    prop.set_defaults(func=_propagate)

    merge = commands.add_parser(
        "merge", help="chat-vector merge A + alpha(I - B), embeddings propagated",
        description="Write P with body A + alpha·(I − B) tensor by tensor and embeddings propagated "
        "as `lep propagate --mode MODE` does. With embeddings-only pretraining (A's body = B's) and "
        "alpha 1, the body is I's and --mode swap equals `propagate --mode swap`.")
    _common(merge)
    merge.add_argument("--alpha", type=float, default=1.0, metavar="A",
                       help="weight of the chat vector I − B (default 1.0)")
    merge.set_defaults(func=_merge)

    cal = commands.add_parser(
        "calibrate", help="self-calibration: LoRA on the first and last layers from the teacher's "
        "filtered answers",
        description="The original instruct model answers the prompts (greedy); answers in --lang "
        "of --min-chars..--max-chars characters (and, with --judge-endpoint, graded >= "
        "--min-judge-score) are kept, copy-this-text examples from --text are added, and the model "
        "is trained on them with LoRA on its first and last layers plus its embeddings and LM "
        "head, loss on the answers only; adapters merged. See docs/lep.md.")
    _calibrate_options(cal)
    cal.set_defaults(func=_calibrate)
