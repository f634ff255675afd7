"""`langadapt vocab train | adapt | fertility`: a thin layer over ``langadapt.vocab``.

Choices (model type, mode, init, strategy) are checked by the library, not argparse, so a bad
value is one ``langadapt: error:`` line with exit code 2 like every other user error.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from langadapt.cli_options import add_overwrite_option


def _train(args: argparse.Namespace) -> int:
    from langadapt.vocab.train import train_tokenizer

    out = train_tokenizer([Path(f) for f in args.input], args.vocab_size, args.model_type, Path(args.out),
                          character_coverage=args.character_coverage, min_frequency=args.min_frequency,
                          seed=args.seed, overwrite=args.overwrite)
    print(f"wrote {out}")
    return 0


def _adapt(args: argparse.Namespace) -> int:
    from langadapt.vocab.adapt import adapt_vocabulary

    stats = adapt_vocabulary(
        args.base, args.new, args.mode, Path(args.out), model=args.model, init=args.init,
        corpus=[Path(f) for f in args.corpus] if args.corpus else None, new_tokens=args.new_tokens,
        keep=args.keep, strategy=args.strategy, seed=args.seed, new_pieces_only=args.new_pieces_only,
        overwrite=args.overwrite)
    print(json.dumps(stats, ensure_ascii=False, indent=2))
    return 0


def _fertility(args: argparse.Namespace) -> int:
    from langadapt.vocab.fertility import fertility, format_table

    records = fertility(args.tokenizer, [Path(f) for f in args.text])
    print(json.dumps(records, ensure_ascii=False, indent=2) if args.json else format_table(records))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add this group's commands to the top-level parser."""
    vocab = sub.add_parser("vocab", help="train, adapt and compare tokenizers",
                           description="Train target-language tokenizers, adapt a model's vocabulary "
                           "to them, and measure tokenizer fertility.")
    commands = vocab.add_subparsers(dest="vocab_command", metavar="COMMAND")
    commands.required = True

    train = commands.add_parser("train", help="train a tokenizer on text files",
                                description="Train a tokenizer and write an HF tokenizer directory "
                                "(SentencePiece types also write tokenizer.model), with the word counts "
                                "of the training text in word_counts.tsv.gz (COUNT<TAB>WORD lines) for "
                                "`vocab adapt --mode extend --new DIR`.")
    train.add_argument("--input", nargs="+", required=True, metavar="FILE",
                       help="UTF-8 text files, one sentence or paragraph a line")
    train.add_argument("--vocab-size", type=int, required=True, metavar="N",
                       help="vocabulary size including 256 byte pieces and special tokens (>= 295)")
    train.add_argument("--model-type", required=True, metavar="TYPE",
                       help="bpe or unigram (SentencePiece, byte fallback, split digits) or "
                       "bytelevel (HF byte-level BPE as in Llama 3/Qwen)")
    train.add_argument("--out", required=True, metavar="DIR", help="output tokenizer directory")
    train.add_argument("--character-coverage", type=float, default=0.9995, metavar="F",
                       help="SentencePiece: share of characters covered by pieces; the rest fall "
                       "back to bytes (default 0.9995)")
    train.add_argument("--min-frequency", type=int, default=2, metavar="N",
                       help="bytelevel: least count of a pair to be merged (default 2)")
    train.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    add_overwrite_option(train)
    train.set_defaults(func=_train)

    adapt = commands.add_parser(
        "adapt", help="extend, replace or optimize a vocabulary (and resize a model)",
        description="Adapt the base tokenizer to a target language. extend keeps every base id and "
        "appends pieces; replace uses the new tokenizer alone; optimize shrinks the base to its "
        "--keep most used pieces on --corpus, then extends. With --model, the input embeddings and "
        "LM head are resized and new rows initialised from their old-tokenizer decomposition.")
    adapt.add_argument("--base", required=True, metavar="PATH",
                       help="base tokenizer: HF tokenizer/model directory, SentencePiece .model, "
                       "tokenizer.json or hub id")
    adapt.add_argument("--new", metavar="PATH",
                       help="target-language tokenizer (same forms as --base); required by replace "
                       "and by extend without --corpus. extend without --corpus learns merges on the "
                       "word counts a `vocab train` directory carries (word_counts.tsv.gz), else "
                       "appends the tokenizer's pieces")
    adapt.add_argument("--mode", required=True, metavar="MODE", help="extend, replace or optimize")
    adapt.add_argument("--model", metavar="PATH",
                       help="HF causal LM directory (or hub id) of the base tokenizer; its "
                       "embeddings are resized and initialised and a full model directory is written")
    adapt.add_argument("--out", required=True, metavar="DIR", help="output directory")
    adapt.add_argument("--corpus", nargs="+", metavar="FILE",
                       help="target-language text: extend learns BPE merges on the base's "
                       "segmentation of it (recommended); optimize also ranks base pieces by use")
    adapt.add_argument("--new-tokens", type=int, metavar="N",
                       help="pieces to add (default: the new tokenizer's pieces missing from the "
                       "base; optimize: as many as the shrink removed)")
    adapt.add_argument("--keep", type=int, metavar="N", help="optimize: size of the shrunk base vocabulary")
    adapt.add_argument("--strategy", metavar="S",
                       help="extend/optimize: merges (learn on the base segmentation of --corpus, or "
                       "of the word counts saved with --new; the default when either is there) or "
                       "append (add the --new tokenizer's pieces the base lacks)")
    adapt.add_argument("--new-pieces-only", action=argparse.BooleanOptionalAction, default=None,
                       help="merges strategy with --new: accept only merges whose result is a piece "
                       "of the --new tokenizer (its pieces ordered as merges over the base "
                       "segmentation; fewer pieces reachable, smaller gain). Default: off")
    adapt.add_argument("--init", default="mean", metavar="METHOD",
                       help="new embedding rows: mean (default: mean of the old rows of the token's "
                       "old-tokenizer pieces) or random (baseline: normal with the old rows' mean/std)")
    adapt.add_argument("--seed", type=int, default=0, help="seed of --init random (default 0)")
    add_overwrite_option(adapt)
    adapt.set_defaults(func=_adapt)

    fert = commands.add_parser("fertility", help="tokens per word/character for tokenizers and files",
                               description="Count tokens of each --text file under each --tokenizer; "
                               "changes are relative to the first tokenizer.")
    fert.add_argument("--tokenizer", nargs="+", action="extend", required=True, metavar="PATH",
                      help="tokenizers to compare (directory, .model, tokenizer.json or hub id); "
                      "repeat the option or list several")
    fert.add_argument("--text", nargs="+", action="extend", required=True, metavar="FILE",
                      help="UTF-8 text files, one sentence or paragraph a line")
    fert.add_argument("--json", action="store_true",
                      help="print a JSON list of {tokenizer, file, tokens, words, chars, tokens_per_word, "
                      "chars_per_token, change_vs_first} records instead of a table")
    fert.set_defaults(func=_fertility)
