"""`langadapt train pretrain | sft`: standalone training runs, a thin layer over ``standalone``.

The training options are generated from ``TrainingConfig`` (the recipe's ``training:`` block),
so a flag and a recipe key always mean the same thing: ``--embedding-lr`` is ``embedding_lr``,
``--lora-r`` is ``lora.r``. Also runs as ``accelerate launch -m langadapt train ...``.
"""

from __future__ import annotations

import argparse
import json
import typing

from langadapt.cli_options import add_overwrite_option
from langadapt.errors import UserError
from langadapt.train.engine import TrainingConfig
from langadapt.train.trainable import LoraSettings

_HELP = {
    "epochs": "passes over the data (fractions allowed)",
    "lr": "peak learning rate",
    "scheduler": "learning-rate schedule: polynomial (linear decay to lr_end, Llammas), linear "
                 "(to 0), cosine (LEP), constant",
    "warmup_ratio": "share of steps spent warming up linearly",
    "weight_decay": "AdamW decoupled weight decay",
    "max_grad_norm": "gradient clipping norm",
    "logging_steps": "log loss and tokens/s every N steps",
    "gradient_checkpointing": "recompute activations to save memory",
}


def _field_options(parser, model: type, prefix: str = "") -> None:
    for name, field in model.model_fields.items():
        if isinstance(field.annotation, type) and issubclass(field.annotation, LoraSettings):
            continue
        flag = "--" + (prefix + name).replace("_", "-")
        help_text = field.description or _HELP.get(name, name.replace("_", " "))
        help_text = f"{help_text} (default: {field.default})"
        args = typing.get_args(field.annotation)
        if field.annotation is bool:
            parser.add_argument(flag, dest=prefix + name, type=_yes_no, metavar="yes|no",
                                help=help_text)
        elif typing.get_origin(field.annotation) is typing.Literal:
            parser.add_argument(flag, dest=prefix + name, choices=args, help=help_text)
        elif name == "target_modules":
            parser.add_argument(flag, dest=prefix + name, nargs="+", metavar="NAME", help=help_text)
        else:
            kind = next((a for a in (int, float, str) if a is field.annotation or a in args), str)
            parser.add_argument(flag, dest=prefix + name, type=kind, metavar="X", help=help_text)


def _yes_no(value: str) -> bool:
    if value.lower() not in ("yes", "no", "true", "false"):
        raise argparse.ArgumentTypeError("expected yes or no")
    return value.lower() in ("yes", "true")


def _named(items: list[str] | None, option: str, cast=str) -> dict:
    result = {}
    for item in items or []:
        name, sep, value = item.partition("=")
        if not sep or not name or not value:
            raise UserError(f"{option} {item!r}: expected NAME=VALUE")
        try:
            result[name] = cast(value)
        except ValueError:
            raise UserError(f"{option} {item!r}: {value!r} is not a number") from None
    return result


def training_config(args: argparse.Namespace) -> TrainingConfig:
    """The TrainingConfig the given flags describe (unset flags keep the defaults)."""
    from pydantic import ValidationError

    values = {n: getattr(args, n) for n in TrainingConfig.model_fields
              if getattr(args, n, None) is not None}
    lora = {n: getattr(args, "lora_" + n) for n in LoraSettings.model_fields
            if getattr(args, "lora_" + n, None) is not None}
    if lora:
        values["lora"] = lora
    try:
        return TrainingConfig(**values)
    except ValidationError as err:
        first = err.errors()[0]
        key = "--" + "-".join(str(p) for p in first["loc"]).replace("_", "-")
        raise UserError(f"{key}: {first['msg'].removeprefix('Value error, ')}") from None


def _print(metrics: dict, out: str) -> int:
    import os

    if int(os.environ.get("RANK", "0")) == 0:
        print(json.dumps({"model": f"{out}/model", **metrics}, indent=2, default=str))
    return 0


def _pretrain(args: argparse.Namespace) -> int:
    from langadapt.train.standalone import pretrain_to_dir

    metrics = pretrain_to_dir(
        args.model, args.data, args.out, training_config(args),
        validation=_named(args.validation, "--validation"), seed=args.seed, resume=args.resume,
        overwrite=args.overwrite, keep_checkpoints=args.keep_checkpoints)
    return _print(metrics, args.out)


def _sft(args: argparse.Namespace) -> int:
    from langadapt.train.standalone import sft_to_dir

    metrics = sft_to_dir(
        args.model, args.data, args.out, training_config(args), chat_template=args.chat_template,
        mixture=_named(args.mixture, "--mixture", float),
        validation=_named(args.validation, "--validation"), seed=args.seed, resume=args.resume,
        overwrite=args.overwrite, keep_checkpoints=args.keep_checkpoints)
    return _print(metrics, args.out)


def _common(parser: argparse.ArgumentParser, data_help: str) -> None:
    parser.add_argument("--model", required=True, metavar="M",
                        help="HF model directory or hub id to start from")
    parser.add_argument("--data", required=True, nargs="+", metavar="FILE", help=data_help)
    parser.add_argument("--out", required=True, metavar="DIR",
                        help="output folder: DIR/model (written when done), DIR/checkpoints "
                        "(while running), DIR/train_metrics.json")
    parser.add_argument("--validation", nargs="+", metavar="NAME=FILE",
                        help="named validation sets, evaluated at every checkpoint; the best "
                        "checkpoint by validation loss is kept (see --best-by, --keep-best)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    parser.add_argument("--resume", action="store_true",
                        help="continue from the last checkpoint in DIR/checkpoints (optimizer, "
                        "scheduler, RNG and data position restored)")
    add_overwrite_option(parser)
    parser.add_argument("--keep-checkpoints", action="store_true",
                        help="keep DIR/checkpoints after a successful run")
    _field_options(parser.add_argument_group("training options (the recipe's training: block)"),
                   TrainingConfig)
    _field_options(parser.add_argument_group("LoRA options (with --trainable lora)"),
                   LoraSettings, prefix="lora_")


def register(sub: argparse._SubParsersAction) -> None:
    """Add this group's commands to the top-level parser."""
    train = sub.add_parser("train", help="continued pretraining and instruction tuning",
                           description="Train a model outside a recipe, with the same engine as "
                           "the recipe stages. Works under `accelerate launch -m langadapt train`.")
    commands = train.add_subparsers(dest="train_command", metavar="COMMAND")
    commands.required = True
    pretrain = commands.add_parser(
        "pretrain", help="continued pretraining on documents",
        description="Continue pretraining on documents packed into fixed-length rows (positions "
        "reset per document, no token dropped).")
    _common(pretrain, "corpus files: JSONL with a 'text' field, or plain text (one document a line)")
    pretrain.set_defaults(func=_pretrain)
    sft = commands.add_parser(
        "sft", help="instruction tuning, loss on assistant tokens only",
        description="Instruction-tune on conversations (JSONL 'messages') or Alpaca records "
        "(JSONL 'instruction'/'input'/'output'); loss on every assistant turn and its EOS.")
    _common(sft, "conversation files (several files are mixed; see --mixture)")
    sft.add_argument("--chat-template", choices=["llammas", "alpaca", "model"], default="llammas",
                     help="prompt format written into the tokenizer: llammas (<|user|>/"
                     "<|assistant|>), alpaca (### Instruction/### Response), model (keep the "
                     "model's own; it needs {%% generation %%} marks) (default: llammas)")
    sft.add_argument("--mixture", nargs="+", metavar="STEM=WEIGHT",
                     help="per data file weight by file name without extension: 2 repeats the "
                     "file twice, 0.5 keeps a random half (default: 1 each)")
    sft.set_defaults(func=_sft)
