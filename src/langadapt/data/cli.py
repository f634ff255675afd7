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
    p.set_defaults(func=_run_bitext)


def _run_bitext(args: argparse.Namespace) -> int:
    from langadapt.data.bitext import run_bitext, stats_path_for

    stats = run_bitext(
        args.src, args.tgt, args.src_lang, args.tgt_lang, args.out, preset=args.preset,
        decontaminate=args.decontaminate, input_format=args.input_format, source=args.source,
        filters=args.filters_config, dedup=not args.no_dedup, langid=args.langid,
        decontaminate_ngram=args.decontaminate_ngram, decontaminate_overlap=args.decontaminate_overlap,
    )
    print(f"kept {stats['kept_pairs']} of {stats['input_pairs']} pairs -> {args.out} "
          f"(stats: {stats_path_for(args.out)})", file=sys.stderr)
    return 0


def add_translation_tasks_command(data_sub: argparse._SubParsersAction) -> None:
    from langadapt.data.translation_tasks import DEFAULTS

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
    p.set_defaults(func=_run_translation_tasks)


def _run_translation_tasks(args: argparse.Namespace) -> int:
    from langadapt.data.translation_tasks import run_translation_tasks

    stats = run_translation_tasks(
        args.pairs, args.out, n=args.n, seed=args.seed,
        p_target_lang_instruction=args.p_target_lang_instruction, p_separate_input=args.p_separate_input,
        en_to_target_ratio=args.en_to_target_ratio, level=args.level, max_doc_tokens=args.max_doc_tokens,
        tokenizer=args.tokenizer,
    )
    print(json.dumps({k: stats[k] for k in ("tasks", "directions", "instruction_langs")}), file=sys.stderr)
    return 0


# `langadapt data` subcommands in --help order; add a command by appending its add_* function.
DATA_COMMANDS = [add_bitext_command, add_translation_tasks_command]


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `data` group and its commands to the top-level parser."""
    data = sub.add_parser("data", help="prepare data: bitext filtering, translation tasks, ...",
                          description="Prepare training data.")
    data_sub = data.add_subparsers(dest="data_command", metavar="DATA_COMMAND")
    data_sub.required = True
    for add_command in DATA_COMMANDS:
        add_command(data_sub)
