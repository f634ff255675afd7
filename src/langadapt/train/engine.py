"""The training engine shared by continued pretraining and instruction tuning.

A thin layer over HF ``Trainer``: it feeds pre-packed rows (see ``packing``), turns the recipe's
schedule into ``TrainingArguments``, resumes from the last checkpoint in the stage's work folder,
and reports real-token throughput. No training loop of our own: distributed training, mixed
precision and checkpointing stay the Trainer's (and accelerate's) job.
"""

from __future__ import annotations

import logging
import math
import time
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from langadapt.train.packing import PackedDataset, PackedRows

log = logging.getLogger(__name__)


class TrainingConfig(BaseModel):
    """Optimisation settings common to every training stage."""

    model_config = ConfigDict(extra="forbid")

    block_size: int = Field(512, ge=8, description="tokens per packed row")
    batch_size: int = Field(8, ge=1, description="rows per device per step")
    grad_accum: int = Field(1, ge=1, description="gradient accumulation steps")
    epochs: float = Field(1.0, gt=0)
    max_steps: int = Field(-1, description="stop after this many optimiser steps (-1: use epochs)")
    lr: float = Field(2e-5, gt=0)
    lr_end: float = Field(2e-6, ge=0, description="final learning rate (polynomial schedule)")
    scheduler: Literal["polynomial", "linear", "cosine", "constant"] = "polynomial"
    warmup_ratio: float = Field(0.0, ge=0, lt=1)
    weight_decay: float = Field(0.0, ge=0)
    max_grad_norm: float = Field(1.0, gt=0)
    save_steps: int = Field(200, ge=1, description="checkpoint every N steps (resume point)")
    logging_steps: int = Field(10, ge=1)


def _training_arguments(cfg: TrainingConfig, out_dir: Path, seed: int):
    import torch
    from transformers import TrainingArguments

    scheduler_kwargs = {}
    if cfg.scheduler == "polynomial":
        scheduler_kwargs = {"lr_end": cfg.lr_end, "power": 1.0}
    bf16 = torch.cuda.is_available() and torch.cuda.is_bf16_supported()
    return TrainingArguments(
        output_dir=str(out_dir),
        per_device_train_batch_size=cfg.batch_size,
        gradient_accumulation_steps=cfg.grad_accum,
        num_train_epochs=cfg.epochs,
        max_steps=cfg.max_steps,
        learning_rate=cfg.lr,
        lr_scheduler_type=cfg.scheduler,
        lr_scheduler_kwargs=scheduler_kwargs,
        warmup_steps=cfg.warmup_ratio,  # a float < 1 is read as a ratio of total steps
        weight_decay=cfg.weight_decay,
        max_grad_norm=cfg.max_grad_norm,
        logging_steps=cfg.logging_steps,
        save_strategy="steps",
        save_steps=cfg.save_steps,
        save_total_limit=1,
        seed=seed,
        data_seed=seed,
        bf16=bf16,
        report_to="none",
        dataloader_pin_memory=torch.cuda.is_available(),
        remove_unused_columns=False,
        disable_tqdm=False,
    )


def last_checkpoint(checkpoint_dir: Path) -> str | None:
    from transformers.trainer_utils import get_last_checkpoint

    if not checkpoint_dir.is_dir():
        return None
    return get_last_checkpoint(str(checkpoint_dir))


def train_on_rows(model, tokenizer, rows: PackedRows, cfg: TrainingConfig, work_dir: Path,
                  seed: int = 0) -> dict:
    """Train ``model`` on packed ``rows``; save it to ``work_dir/model``; return metrics.

    Checkpoints go to ``work_dir/checkpoints``; if one exists the run resumes from it with the
    optimiser, scheduler, RNG and data position it had.
    """
    from transformers import Trainer, default_data_collator

    checkpoints = work_dir / "checkpoints"
    # Packed rows stay isolated only without a KV cache (the mask is derived from position_ids).
    model.config.use_cache = False
    trainer = Trainer(
        model=model,
        args=_training_arguments(cfg, checkpoints, seed),
        train_dataset=PackedDataset(rows),
        data_collator=default_data_collator,
        processing_class=tokenizer,
    )
    resume = last_checkpoint(checkpoints)
    if resume:
        log.warning("resuming from %s", resume)
    started = time.perf_counter()
    output = trainer.train(resume_from_checkpoint=resume)
    wall = time.perf_counter() - started
    model.config.use_cache = True
    trainer.save_model(str(work_dir / "model"))
    tokenizer.save_pretrained(str(work_dir / "model"))
    # The pickled TrainingArguments are run state, not part of a model others should load.
    (work_dir / "model" / "training_args.bin").unlink(missing_ok=True)
    steps = output.global_step
    rows_seen = min(steps * cfg.batch_size * cfg.grad_accum * trainer.args.world_size,
                    math.ceil(cfg.epochs * len(rows)) if cfg.max_steps < 0 else 10**18)
    tokens_seen = int(rows_seen * rows.real_tokens / max(1, len(rows)))
    history = [h["loss"] for h in trainer.state.log_history if "loss" in h]
    return {
        "steps": steps,
        "train_loss": output.training_loss,
        "final_logged_loss": history[-1] if history else None,
        "rows": len(rows),
        "real_tokens_per_epoch": rows.real_tokens,
        "tokens_seen": tokens_seen,
        "utilization": round(rows.utilization, 4),
        "train_wall_s": round(wall, 2),
        "tokens_per_s": round(tokens_seen / wall, 1) if wall > 0 else None,
        "trainable_parameters": sum(p.numel() for p in model.parameters() if p.requires_grad),
        "resumed_from": Path(resume).name if resume else None,
    }
