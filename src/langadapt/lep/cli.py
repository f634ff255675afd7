"""`langadapt lep propagate | merge`: a thin layer over ``langadapt.lep``.

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
