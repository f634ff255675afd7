"""The ``sft`` stage: instruction tuning on conversations, loss on assistant tokens only.

Conversations are rendered with a chat template (Llammas, Alpaca, or the model's own); the
template's ``{% generation %}`` marks give the loss mask, so every assistant turn and its EOS are
trained and nothing else. Whole conversations are packed into rows by best-fit, so no answer is
separated from its prompt.

Staging: *sequential* tuning (Llammas-MT: translation tasks first, then general instructions) is
two ``sft`` stages, the second's ``model`` naming the first; a *combined* mix is one stage with
several ``data`` stages and optional per-source ``mixture`` weights.
"""

from __future__ import annotations

from langadapt.errors import UserError
from langadapt.modeling import LOADING
from langadapt.stage import RunContext
from langadapt.train.engine import TrainingConfig
from langadapt.train.inputs import conversation_rows, mix_sources, read_conversations
from langadapt.train.stage import SftStage


def prepare_tokenizer(tokenizer, chat_template: str, where: str) -> None:
    """Install the chosen chat template; a model's own must mark its assistant turns."""
    from langadapt.train.formats import TEMPLATES, ensure_chat_template

    if chat_template in TEMPLATES:
        ensure_chat_template(tokenizer, TEMPLATES[chat_template], override=True)
    elif "{% generation %}" not in (getattr(tokenizer, "chat_template", None) or ""):
        raise UserError(f"{where}: the model's chat template has no {{% generation %}} marks, so "
                        "assistant tokens cannot be found; use chat_template: llammas or alpaca")


def train_sft(model_ref: str, sources: dict[str, list[list[dict]]], training: TrainingConfig,
              work_dir, seed: int = 0, chat_template: str = "llammas",
              mixture: dict[str, float] | None = None, validation: dict[str, list] | None = None,
              resume: bool = True, where: str = "sft") -> dict:
    """Tune ``model_ref`` on the mixed ``sources``; writes ``work_dir/model``; returns metrics."""
    from langadapt.train.engine import train_on_rows
    from langadapt.train.trainable import load_for_training

    model, tokenizer = load_for_training(model_ref, training.trainable, training.lora)
    prepare_tokenizer(tokenizer, chat_template, where)
    conversations = mix_sources(sources, mixture, seed)
    rows = conversation_rows(tokenizer, conversations, training.block_size)
    eval_rows = {name: conversation_rows(tokenizer, convs, training.block_size)
                 for name, convs in (validation or {}).items()}
    metrics = train_on_rows(model, tokenizer, rows, training, work_dir, seed=seed,
                            eval_rows=eval_rows, model_dir=model_ref, resume=resume)
    return {"conversations": len(conversations),
            "conversations_per_source": {n: len(c) for n, c in sources.items()},
            "truncated": rows.truncated,
            "trained_tokens_per_epoch": int((rows.labels != -100).sum()), **metrics}


def held_out_files(cfg: SftStage, ctx: RunContext) -> dict:
    """The validation sets by default: the ``validation.jsonl`` each data stage held out (an
    ``instructions`` stage with ``validation:``), named after the stage."""
    found = {name: ctx.stage_dir(name) / "validation.jsonl" for name in cfg.data}
    return {name: path for name, path in found.items() if path.is_file() and path.stat().st_size}


def run(cfg: SftStage, ctx: RunContext) -> dict:
    unknown = set(cfg.mixture) - set(cfg.data)
    if unknown:
        raise UserError(f"stage '{ctx.stage_name}': mixture names {', '.join(sorted(unknown))}, "
                        f"which is not in data")
    files = {name: ctx.stage_dir(name) / "conversations.jsonl" for name in cfg.data}
    validation_files = dict(cfg.validation) or held_out_files(cfg, ctx)
    where = f"stage '{ctx.stage_name}'"
    launch = cfg.launch or ctx.launch
    if launch is not None and launch.in_workers:
        from langadapt.train.launch import run_in_workers

        return run_in_workers(launch, {
            "kind": "sft", "model": ctx.model_path(cfg.model),
            "sources": {n: str(p) for n, p in files.items()},
            "training": cfg.training.model_dump(mode="json"), "work_dir": str(ctx.work_dir),
            "seed": ctx.seed, "validation": {n: str(p) for n, p in validation_files.items()},
            "chat_template": cfg.chat_template, "mixture": cfg.mixture, "where": where,
            "loading": [LOADING.allow_pickle, LOADING.trust_remote_code],
        }, ctx.work_dir)
    sources = {name: read_conversations(path) for name, path in files.items()}
    validation = {name: read_conversations(path) for name, path in validation_files.items()}
    return train_sft(ctx.model_path(cfg.model), sources, cfg.training, ctx.work_dir, seed=ctx.seed,
                     chat_template=cfg.chat_template, mixture=cfg.mixture, validation=validation,
                     where=where)
