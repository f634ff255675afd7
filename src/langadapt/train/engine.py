"""The training engine shared by continued pretraining and instruction tuning.

A thin layer over HF ``Trainer``: it feeds pre-packed rows (see ``packing``), turns the recipe's
``training:`` block into ``TrainingArguments``, chooses the trainable parameters (``trainable``),
evaluates named validation sets and keeps the best checkpoint, resumes from the last checkpoint
in the work folder, and reports real-token throughput. No training loop of our own: distributed
training (``accelerate launch``, DeepSpeed, FSDP), mixed precision and checkpointing with
optimiser/scheduler/RNG/data-position state stay the Trainer's job.
"""

from __future__ import annotations

import contextlib
import importlib.util
import logging
import math
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from langadapt.train.packing import PackedDataset, PackedRows
from langadapt.train.streaming import TokenWindows
from langadapt.train.trainable import VOCAB_STATS_FILE, LoraSettings, TrainableMode

log = logging.getLogger(__name__)


class TrainingConfig(BaseModel):
    """Optimisation settings common to every training stage (the recipe's ``training:`` block)."""

    model_config = ConfigDict(extra="forbid")

    block_size: int = Field(1024, ge=8, description="tokens per packed row (Llammas: 1024)")
    batch_size: int = Field(8, ge=1, description="rows per device per step")
    grad_accum: int = Field(1, ge=1, description="gradient accumulation steps")
    epochs: float = Field(1.0, gt=0)
    max_steps: int = Field(-1, description="stop after this many optimiser steps (-1: use epochs)")
    lr: float = Field(2e-5, gt=0)
    lr_end: float = Field(2e-6, ge=0, description="final learning rate (polynomial schedule)")
    scheduler: Literal["polynomial", "linear", "cosine", "constant"] = "polynomial"
    warmup_ratio: float = Field(0.0, ge=0, lt=1, description="warmup as a share of all steps")
    warmup_steps: int | None = Field(
        None, ge=0, description="warmup in optimiser steps (LEP: 100); replaces warmup_ratio")
    weight_decay: float = Field(0.0, ge=0)
    max_grad_norm: float = Field(1.0, gt=0)
    save_steps: int = Field(200, ge=1, description="checkpoint every N steps (resume point)")
    save_strategy: Literal["steps", "epoch"] = Field(
        "steps", description="checkpoint (and evaluate) every save_steps steps or every epoch")
    logging_steps: int = Field(10, ge=1)
    trainable: TrainableMode = Field(
        "full", description="full | embeddings (input + LM head) | new_rows | lora")
    embedding_lr: float | None = Field(
        None, gt=0, description="learning rate of the embeddings and LM head (default: lr)")
    new_rows_start: int | None = Field(
        None, ge=1, description="new_rows: first new row (default: read vocab_adaptation.json)")
    lora: LoraSettings = Field(default_factory=LoraSettings)
    keep_best: bool = Field(True, description="with validation sets: end on the checkpoint of "
                                              "lowest validation loss")
    best_by: str | None = Field(None, description="validation set that picks the best checkpoint "
                                                  "(default: the first)")
    precision: Literal["auto", "bf16", "fp32"] = Field(
        "auto", description="auto: bf16 where the GPU supports it, else fp32")
    gradient_checkpointing: bool = False

    @model_validator(mode="after")
    def _check_schedule(self) -> TrainingConfig:
        if self.scheduler == "polynomial" and self.lr_end >= self.lr:
            raise ValueError(f"lr_end ({self.lr_end}) must be below lr ({self.lr})")
        return self


def _use_bf16(cfg: TrainingConfig) -> bool:
    import torch

    supported = torch.cuda.is_available() and torch.cuda.is_bf16_supported()
    if cfg.precision == "bf16" and not supported:
        from langadapt.errors import UserError

        raise UserError("precision: bf16 needs a GPU with bfloat16 support")
    return supported and cfg.precision != "fp32"


def _training_arguments(cfg: TrainingConfig, out_dir: Path, seed: int, eval_names: list[str]):
    import torch
    from transformers import TrainingArguments

    scheduler_kwargs = {}
    if cfg.scheduler == "polynomial":
        scheduler_kwargs = {"lr_end": cfg.lr_end, "power": 1.0}
    evaluate = bool(eval_names)
    best = cfg.best_by or (eval_names[0] if eval_names else None)
    tensorboard = any(importlib.util.find_spec(m) for m in ("tensorboard", "tensorboardX"))
    return TrainingArguments(
        output_dir=str(out_dir),
        per_device_train_batch_size=cfg.batch_size,
        per_device_eval_batch_size=cfg.batch_size,
        gradient_accumulation_steps=cfg.grad_accum,
        num_train_epochs=cfg.epochs,
        max_steps=cfg.max_steps,
        learning_rate=cfg.lr,
        # HF's "constant" ignores warmup; "constant_with_warmup" is the same without any
        lr_scheduler_type="constant_with_warmup" if cfg.scheduler == "constant" else cfg.scheduler,
        lr_scheduler_kwargs=scheduler_kwargs,
        # a float < 1 is read as a ratio of total steps, an int as steps
        warmup_steps=cfg.warmup_steps if cfg.warmup_steps is not None else cfg.warmup_ratio,
        weight_decay=cfg.weight_decay,
        max_grad_norm=cfg.max_grad_norm,
        logging_steps=cfg.logging_steps,
        save_strategy=cfg.save_strategy,
        save_steps=cfg.save_steps,
        eval_strategy=cfg.save_strategy if evaluate else "no",
        eval_steps=cfg.save_steps if evaluate else None,
        load_best_model_at_end=evaluate and cfg.keep_best,
        metric_for_best_model=f"eval_{best}_loss" if evaluate else None,
        greater_is_better=False,
        save_total_limit=1,  # plus the best one, which Trainer always keeps
        seed=seed,
        data_seed=seed,
        bf16=_use_bf16(cfg),
        activation_checkpointing=cfg.gradient_checkpointing,
        report_to=["tensorboard"] if tensorboard else "none",
        dataloader_pin_memory=torch.cuda.is_available(),
        remove_unused_columns=False,
        ddp_find_unused_parameters=False,  # frozen parameters are not DDP's (requires_grad off)
        disable_tqdm=False,
        # Without an accelerator, tell accelerate so: `accelerate launch --multi_gpu
        # --num_processes N` then runs N CPU ranks over gloo instead of N separate runs.
        use_cpu=not (torch.cuda.is_available() or torch.backends.mps.is_available()),
    )


def last_checkpoint(checkpoint_dir: Path) -> str | None:
    from transformers.trainer_utils import get_last_checkpoint

    if not checkpoint_dir.is_dir():
        return None
    return get_last_checkpoint(str(checkpoint_dir))


def _throughput_callback(real_tokens_per_row: float, rows_per_step: int):
    """Adds real tokens/s (and tokens seen) to every log line the progress bar prints."""
    from transformers import TrainerCallback

    class Throughput(TrainerCallback):
        def on_train_begin(self, args, state, control, **kwargs):
            self.start, self.start_step = time.perf_counter(), state.global_step

        def on_log(self, args, state, control, logs=None, **kwargs):
            if logs is None or "loss" not in logs:
                return
            elapsed = time.perf_counter() - self.start
            done = (state.global_step - self.start_step) * rows_per_step * real_tokens_per_row
            logs["tokens_seen"] = int(state.global_step * rows_per_step * real_tokens_per_row)
            logs["tokens_per_s"] = round(done / elapsed, 1) if elapsed > 0 else 0.0

    return Throughput()


def _save_final_model(trainer, model, tokenizer, work_dir: Path, lora: bool,
                      model_dir: str | Path | None) -> None:
    """Write ``work_dir/model`` (a plain HF directory) atomically; LoRA also ``work_dir/adapter``."""
    main = trainer.is_world_process_zero()
    staging = work_dir / ".model.partial"
    if main:
        shutil.rmtree(staging, ignore_errors=True)
    if not lora:
        # Every rank calls this: under ZeRO-3 / FSDP gathering the weights is collective.
        trainer.save_model(str(staging))
    if not main:
        return
    if lora:
        adapter_staging = work_dir / ".adapter.partial"
        shutil.rmtree(adapter_staging, ignore_errors=True)
        from langadapt.train.trainable import merged_lora_model

        model.save_pretrained(str(adapter_staging))
        # Later stages load a plain model, not an adapter.
        merged = merged_lora_model(model, None if model_dir is None else str(model_dir),
                                   adapter_staging)
        merged.save_pretrained(str(staging))
        shutil.rmtree(work_dir / "adapter", ignore_errors=True)
        adapter_staging.rename(work_dir / "adapter")
    # The pickled TrainingArguments are run state, not part of a model others should load.
    (staging / "training_args.bin").unlink(missing_ok=True)
    tokenizer.save_pretrained(str(staging))
    # The rows keep their meaning (which are new), so later new_rows / LoRA stages can read it.
    stats = None if model_dir is None else Path(model_dir) / VOCAB_STATS_FILE
    if stats is not None and stats.is_file():
        shutil.copyfile(stats, staging / VOCAB_STATS_FILE)
    shutil.rmtree(work_dir / "model", ignore_errors=True)
    staging.rename(work_dir / "model")


def train_on_rows(model, tokenizer, rows: PackedRows | TokenWindows, cfg: TrainingConfig,
                  work_dir: Path, seed: int = 0, eval_rows: dict[str, PackedRows] | None = None,
                  model_dir: str | Path | None = None, resume: bool = True,
                  callbacks: list | None = None) -> dict:
    """Train ``model`` on ``rows`` (packed in memory, or streamed from token shards); save it to
    ``work_dir/model``; return metrics.

    Checkpoints go to ``work_dir/checkpoints``; with ``resume`` and a checkpoint there, the run
    continues with the optimiser, scheduler, RNG and data position it had. ``eval_rows``: named
    validation sets, evaluated at every checkpoint (``eval_NAME_loss``); the best checkpoint by
    ``cfg.best_by`` is the one saved when ``cfg.keep_best``. ``model_dir``: where ``model`` was
    loaded from (``new_rows`` and LoRA read its ``vocab_adaptation.json``).
    """
    from transformers import ProgressCallback, Trainer, default_data_collator

    from langadapt.train.trainable import (
        GroupedAdamW,
        apply_trainable_mode,
        embedding_names,
        parameter_counts,
    )

    checkpoints = work_dir / "checkpoints"
    # TensorBoard events (when installed) beside the model, not inside the deleted checkpoints.
    os.environ["TENSORBOARD_LOGGING_DIR"] = str(work_dir / "tensorboard")
    # Packed rows stay isolated only without a KV cache (the mask is derived from position_ids).
    model.config.use_cache = False
    model = apply_trainable_mode(model, cfg.trainable, cfg.lora, model_dir, cfg.new_rows_start)
    counts = parameter_counts(model)
    eval_rows = eval_rows or {}
    if cfg.best_by is not None and cfg.best_by not in eval_rows:
        from langadapt.errors import UserError

        raise UserError(f"best_by: no validation set named {cfg.best_by!r} "
                        f"(have: {', '.join(eval_rows) or 'none'})")
    args = _training_arguments(cfg, checkpoints, seed, list(eval_rows))
    optimizer = (GroupedAdamW, {
        "lr": cfg.lr, "weight_decay": cfg.weight_decay, "embedding_lr": cfg.embedding_lr,
        "embedding_names": embedding_names(model), "decay_embeddings": cfg.trainable != "new_rows",
        "betas": (args.adam_beta1, args.adam_beta2), "eps": args.adam_epsilon,
    })
    trainer = Trainer(
        model=model,
        args=args,
        train_dataset=PackedDataset(rows) if isinstance(rows, PackedRows) else rows,
        eval_dataset={name: PackedDataset(r) for name, r in eval_rows.items()} or None,
        data_collator=default_data_collator,
        processing_class=tokenizer,
        optimizer_cls_and_kwargs=optimizer,
    )
    rows_per_step = cfg.batch_size * cfg.grad_accum * args.world_size
    # Our callback must see the log dict before the progress bar prints it.
    trainer.pop_callback(ProgressCallback)
    trainer.add_callback(_throughput_callback(rows.real_tokens / max(1, len(rows)), rows_per_step))
    trainer.add_callback(ProgressCallback)
    for callback in callbacks or []:
        trainer.add_callback(callback)
    checkpoint = last_checkpoint(checkpoints) if resume else None
    if checkpoint:
        log.warning("resuming from %s", checkpoint)
    started = time.perf_counter()
    # Progress and log lines go to stderr: stdout is left to the result (the CLI prints JSON).
    with contextlib.redirect_stdout(sys.stderr):
        output = trainer.train(resume_from_checkpoint=checkpoint)
    wall = time.perf_counter() - started
    model.config.use_cache = True  # saved models generate with the cache on
    _save_final_model(trainer, trainer.model, tokenizer, work_dir, cfg.trainable == "lora",
                      model_dir)
    steps = output.global_step
    rows_seen = min(steps * rows_per_step,
                    math.ceil(cfg.epochs * len(rows)) if cfg.max_steps < 0 else 10**18)
    tokens_seen = int(rows_seen * rows.real_tokens / max(1, len(rows)))
    history = [h["loss"] for h in trainer.state.log_history if "loss" in h]
    metrics = {
        "steps": steps,
        "train_loss": output.training_loss,
        "final_logged_loss": history[-1] if history else None,
        "rows": len(rows),
        "real_tokens_per_epoch": rows.real_tokens,
        "tokens_seen": tokens_seen,
        "utilization": round(rows.utilization, 4),
        "train_wall_s": round(wall, 2),
        "tokens_per_s": round(tokens_seen / wall, 1) if wall > 0 else None,
        "trainable": cfg.trainable,
        **counts,
        "world_size": args.world_size,
        "attn_implementation": getattr(model.config, "_attn_implementation", None),
        "streamed": not isinstance(rows, PackedRows),
        "resumed_from": Path(checkpoint).name if checkpoint else None,
    }
    if eval_rows:
        metrics.update(_validation_metrics(trainer, list(eval_rows)))
    return metrics


def _validation_metrics(trainer, names: list[str]) -> dict:
    """Validation loss per set at every evaluation, and of the model that was saved."""
    history = [{"step": h["step"], **{n: round(h[f"eval_{n}_loss"], 5) for n in names}}
               for h in trainer.state.log_history if f"eval_{names[0]}_loss" in h]
    best = trainer.state.best_model_checkpoint
    best_step = int(best.rsplit("-", 1)[-1]) if best and trainer.args.load_best_model_at_end else None
    final = next((h for h in history if h["step"] == best_step), history[-1] if history else None)
    if final is None or (best_step is None and final["step"] != trainer.state.global_step):
        evaluation = trainer.evaluate()  # the last evaluation was not of the final weights
        final = {"step": trainer.state.global_step,
                 **{n: round(evaluation[f"eval_{n}_loss"], 5) for n in names}}
    return {"validation_loss": {n: final[n] for n in names}, "validation_history": history,
            "best_checkpoint_step": best_step}
