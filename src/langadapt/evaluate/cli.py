"""`langadapt` commands of the evaluate group: ``eval``, ``score mt``, ``score gec``, ``report``.

Each command is added by one ``_add_<command>`` function called from ``register``; handlers import
the suite, the metric modules (and through them pydantic, sacrebleu, torch) only when they run,
so ``--help`` stays instant. Every output path is checked before any work starts.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from langadapt.artifacts import (
    check_output,
    check_output_file,
    output_dir,
    write_json_atomic,
    write_text_atomic,
)
from langadapt.cli_options import add_overwrite_option
from langadapt.errors import UserError


def register(sub: argparse._SubParsersAction) -> None:
    """Add this group's commands to the top-level parser."""
    _add_eval(sub)
    _add_score(sub)
    _add_report(sub)


def _check_out_file(args: argparse.Namespace, inputs: Iterable[str | None]) -> None:
    """The JSON ``--out FILE`` of a ``score`` command, checked before anything is scored."""
    if args.out:
        check_output_file(args.out, inputs=[i for i in inputs if i], overwrite=args.overwrite)


def _emit(result: dict[str, Any], as_json: bool, out: str | None, lines: list[str]) -> None:
    if out:
        write_json_atomic(out, result)
    if as_json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print("\n".join(lines))


def _add_output_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true",
                        help="print the result as one JSON object instead of text lines")
    parser.add_argument("--out", metavar="FILE",
                        help="also write the JSON result to FILE (atomically; its folder is "
                             "created if needed)")
    parser.add_argument("--overwrite", action="store_true",
                        help="replace FILE if it exists (without it an existing FILE is refused)")


def _add_score(sub: argparse._SubParsersAction) -> None:
    score = sub.add_parser(
        "score", help="score existing system outputs (MT, GEC) without a model",
        description="Score system outputs that already exist as files; no model is loaded.")
    score_sub = score.add_subparsers(dest="score_command", metavar="KIND")
    score_sub.required = True

    mt = score_sub.add_parser(
        "mt", help="BLEU and chrF++ (sacrebleu), optionally COMET",
        description="Corpus BLEU and chrF++ computed by sacrebleu with its default settings "
                    "(equal to the sacrebleu CLI on the same files), with metric signatures.")
    mt.add_argument("--ref", required=True, nargs="+", metavar="REF",
                    help="reference file(s), one segment per line; several files = several "
                         "references per segment")
    mt.add_argument("--hyp", required=True, metavar="HYP",
                    help="system output, one segment per line, aligned with REF")
    mt.add_argument("--tokenize", default=None, metavar="NAME",
                    help="sacrebleu BLEU tokenizer (13a, intl, zh, char, flores200, ...); "
                         "default 13a like the sacrebleu CLI")
    mt.add_argument("--lowercase", action="store_true",
                    help="case-insensitive BLEU and chrF++ (changes the signatures)")
    mt.add_argument("--comet", action="store_true",
                    help="also compute COMET (needs the optional package unbabel-comet and --src)")
    mt.add_argument("--comet-model", default=None, metavar="MODEL",
                    help="COMET checkpoint (hub id or local .ckpt); default Unbabel/wmt22-comet-da")
    mt.add_argument("--src", metavar="SRC", help="source segments, needed by COMET only")
    _add_output_options(mt)
    mt.set_defaults(func=_score_mt)

    gec = score_sub.add_parser(
        "gec", help="MaxMatch (M2) precision / recall / F0.5",
        description="MaxMatch (M2) scores against a gold M2 file with one or more annotators, "
                    "per-sentence best annotator as the NUS scorer, R:WO edits as the Estonian "
                    "EstGEC scorer. Reproduces TartuNLP/estgec M2_scorer_est.")
    gec.add_argument("--m2", required=True, metavar="GOLD",
                     help="gold file in M2 format (S/A lines, blank line between sentences; "
                          "CRLF or LF)")
    gec.add_argument("--hyp", required=True, metavar="HYP",
                     help="system output, one sentence per line, tokenised like the M2 S lines")
    gec.add_argument("--beta", type=float, default=0.5,
                     help="F-beta weight of recall (default 0.5: precision counts twice)")
    gec.add_argument("--max-unchanged-words", type=int, default=15, metavar="N",
                     help="longest run of unchanged tokens one system edit may span (default 15, "
                          "the Estonian scorer's; the NUS scorer uses 2)")
    _add_output_options(gec)
    gec.set_defaults(func=_score_gec)


def _score_mt(args: argparse.Namespace) -> int:
    from langadapt.evaluate.metrics.mt import (
        DEFAULT_COMET_MODEL,
        check_bleu_tokenizer,
        score_mt_files,
    )

    check_bleu_tokenizer(args.tokenize)
    _check_out_file(args, [*args.ref, args.hyp, args.src])

    comet_model = (args.comet_model or DEFAULT_COMET_MODEL) if args.comet else None
    result = score_mt_files(args.ref, args.hyp, tokenize=args.tokenize, lowercase=args.lowercase,
                            src_path=args.src, comet_model=comet_model)
    lines = [f"BLEU    {result['bleu']:.2f}  {result['signatures']['bleu']}",
             f"chrF++  {result['chrf++']:.2f}  {result['signatures']['chrf++']}"]
    if "comet" in result:
        lines.append(f"COMET   {result['comet']:.4f}  {result['signatures']['comet']}")
    _emit(result, args.json, args.out, lines)
    return 0


def _score_gec(args: argparse.Namespace) -> int:
    from langadapt.evaluate.metrics.m2 import score_m2_files

    if args.beta <= 0 or args.max_unchanged_words < 0:
        raise UserError("--beta must be > 0 and --max-unchanged-words >= 0")
    _check_out_file(args, [args.m2, args.hyp])
    score = score_m2_files(args.m2, args.hyp, beta=args.beta,
                           max_unchanged_words=args.max_unchanged_words)
    result = score.as_dict()
    f_key = f"f{args.beta:g}"
    lines = [f"Precision   : {score.precision:.4f}", f"Recall      : {score.recall:.4f}",
             f"F_{args.beta:g}       : {score.f:.4f}",
             f"(correct {score.correct}, proposed {score.proposed}, gold {score.gold})"]
    _emit({k: result[k] for k in ("precision", "recall", f_key, "correct", "proposed", "gold")},
          args.json, args.out, lines)
    sys.stdout.flush()
    return 0


def _add_eval(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "eval", help="run an evaluation suite (COPA, QA, MT, GEC, Belebele, perplexity) on a model",
        description="Evaluate one model on the tasks of a TASKS.yaml (see docs/evaluation.md): "
                    "every prompt template of every task is scored; with a dev split the best "
                    "prompt on dev is reported on test. Writes DIR/results.json, and per task "
                    "NAME.predictions.jsonl and (generative tasks) NAME.hyp.txt.")
    parser.add_argument("--model", required=True, metavar="M",
                        help="Hugging Face model directory or hub id (with --endpoint: the "
                             "model name the endpoint serves)")
    parser.add_argument("--endpoint", metavar="URL",
                        help="score a model behind an OpenAI-compatible API instead, e.g. "
                             "http://127.0.0.1:8000/v1 (generative tasks only)")
    parser.add_argument("--backend", choices=["hf", "vllm"], default="hf",
                        help="generation backend for a local model: hf (transformers, default) "
                             "or vllm (GPU; beam search and log-likelihoods stay on hf)")
    parser.add_argument("--api-key-env", metavar="VAR",
                        help="with --endpoint: environment variable holding the API key")
    parser.add_argument("--tasks", required=True, metavar="TASKS.yaml",
                        help="task configs: a YAML list of tasks, or {defaults: ..., tasks: [...]}; "
                             "file paths in it are relative to the file")
    parser.add_argument("--out", required=True, metavar="DIR",
                        help="output folder: created, and filled in one step when every task "
                             "has run (checked before anything runs)")
    add_overwrite_option(parser)
    parser.add_argument("--limit", type=int, metavar="N",
                        help="use only the first N examples of every split (overrides 'limit')")
    parser.add_argument("--name", metavar="NAME",
                        help="model name recorded in results.json (default: the --model value)")
    parser.add_argument("--json", action="store_true",
                        help="print results.json instead of the summary table")
    parser.add_argument("--progress", action="store_true", help="show progress bars on stderr")
    parser.set_defaults(func=_eval)


def _summary_rows(results: dict[str, Any]) -> list[str]:
    rows = [("task", "type", "metric", "score", "prompt", "spread over prompts")]
    for name, entry in results["tasks"].items():
        metrics = entry["metrics"]
        if entry["type"] == "perplexity":
            rows.append((name, "perplexity", "bits/char", f"{metrics['bits_per_char']:.4f}",
                         f"ppl {metrics['perplexity']:.2f}", "-"))
            continue
        if entry["type"] == "lm_eval":
            rows += [(name, "lm_eval", metric, f"{value:.4f}", "(harness)", "-")
                     for metric, value in metrics.items()]
            continue
        key = entry["select_by"]
        split = entry["best_prompt_split"]
        best = entry["best_prompt"] + (" (best on dev)" if split == "dev" else " (best on test)")
        spread_split = split if split in entry["spread"] else "test"
        spread = entry["spread"].get(spread_split)
        span = (f"{spread_split} {spread['min']:.4f}-{spread['max']:.4f} ({spread['prompts']})"
                if spread else "-")
        value = metrics[key]
        label = key if split == "dev" else f"{key} (mean)"
        rows.append((name, entry["type"], label, f"{value:.4f}", best, span))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]


def _eval(args: argparse.Namespace) -> int:
    from langadapt.evaluate.suite import ALL_FILE_KEYS, evaluate_model, load_tasks

    if args.limit is not None and args.limit < 1:
        raise UserError("--limit must be at least 1")
    tasks = load_tasks(args.tasks)  # every config error surfaces before a model is loaded
    if args.limit is not None:
        tasks = [t.model_copy(update={"limit": args.limit}) for t in tasks]
    inputs = [args.tasks, *(getattr(t, key) for t in tasks for key in ALL_FILE_KEYS)]
    if not args.endpoint and Path(args.model).expanduser().exists():
        inputs.append(args.model)
    runner = None
    if args.endpoint:
        from langadapt.evaluate.endpoint import EndpointRunner

        key = os.environ.get(args.api_key_env) if args.api_key_env else None
        runner = EndpointRunner(args.endpoint, args.model, api_key=key, progress=args.progress)
    # --out is checked here, before the model loads; nothing appears there until every task has
    # run, and a failure leaves it as it was
    with output_dir(args.out, inputs=inputs, overwrite=args.overwrite) as tmp:
        results = evaluate_model(args.model, tasks, tmp, name=args.name, progress=args.progress,
                                 runner=runner, backend=args.backend)
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
    else:
        print("\n".join(_summary_rows(results)))
        print(f"results: {Path(args.out) / 'results.json'}")
    return 0


def _add_report(sub: argparse._SubParsersAction) -> None:
    report = sub.add_parser(
        "report", help="tables and plots across models and runs (Markdown + static HTML)",
        description="Collect evaluation results from run folders (their evaluate stage), "
        "evaluate-stage folders or `langadapt eval` outputs, and render one Markdown report and "
        "one self-contained HTML page (tables per task and perplexity; a bar chart per task "
        "across models; a box plot of per-prompt scores). Models of several runs are named "
        "RUN/MODEL.")
    report.add_argument("runs", nargs="+", metavar="RUN_DIR",
                        help="run folder, evaluate-stage folder, eval output folder or "
                             "results.json")
    report.add_argument("--out", metavar="DIR",
                        help="where to write report.md and report.html, replacing earlier ones "
                             "(default: FIRST_RUN/report)")
    report.add_argument("--title", default="langadapt evaluation report", help="page title")
    report.set_defaults(func=_report)


def _report(args: argparse.Namespace) -> int:
    from langadapt.evaluate.report import collect_results, render_html, render_markdown

    out = Path(args.out) if args.out else Path(args.runs[0]) / "report"
    # the report is regenerated in place (its two files only), so an existing folder is fine
    check_output(out, overwrite=True)
    results = collect_results(args.runs)
    markdown = render_markdown(results)
    write_text_atomic(out / "report.md", markdown)
    write_text_atomic(out / "report.html", render_html(results, title=args.title))
    print(markdown)
    print(f"wrote {out / 'report.md'} and {out / 'report.html'}", file=sys.stderr)
    return 0
