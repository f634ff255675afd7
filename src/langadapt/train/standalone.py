"""Standalone training runs (``langadapt train pretrain|sft``) into an output folder.

``OUT/checkpoints`` holds the resume points while the run lasts, ``OUT/model`` appears (renamed
into place) only when training finished, and ``OUT/train_metrics.json`` is written last. The same
functions as the recipe stages do the work. Safe under ``accelerate launch``: every rank checks
the same things, only rank 0 writes the final files.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

from langadapt.artifacts import check_output, write_json_atomic
from langadapt.errors import UserError
from langadapt.train.engine import TrainingConfig, last_checkpoint

METRICS_FILE = "train_metrics.json"


def _is_main_process() -> bool:
    return int(os.environ.get("RANK", "0")) == 0


def _prepare_out(out: str | Path, inputs: list, resume: bool, overwrite: bool) -> Path:
    """Check ``out`` under the output policy before any data is read; resuming our own
    unfinished run in it is allowed, anything else non-empty needs ``--overwrite``."""
    out = Path(out).resolve()
    unfinished = last_checkpoint(out / "checkpoints") is not None
    if unfinished and not resume:
        raise UserError(f"{out / 'checkpoints'} holds an unfinished run: pass --resume to "
                        "continue it, or remove the folder to start over")
    if (out / "model").exists() and not overwrite:
        raise UserError(f"{out / 'model'} already exists (pass --overwrite to replace it)")
    check_output(out, inputs=inputs, overwrite=overwrite or unfinished)
    return out


def _finish(out: Path, metrics: dict, config: dict, keep_checkpoints: bool) -> dict:
    if _is_main_process():
        if not keep_checkpoints:
            shutil.rmtree(out / "checkpoints", ignore_errors=True)
        write_json_atomic(out / METRICS_FILE, {"config": config, "metrics": metrics})
    return metrics


def _run(out: Path, train: Callable[[Path], dict], config: dict, keep_checkpoints: bool) -> dict:
    created = not out.exists()
    out.mkdir(parents=True, exist_ok=True)
    try:
        metrics = train(out)
    except UserError:
        if created and last_checkpoint(out / "checkpoints") is None:
            shutil.rmtree(out, ignore_errors=True)  # a bad input leaves no folder behind
        raise
    return _finish(out, metrics, config, keep_checkpoints)


def pretrain_to_dir(model: str, data: list[str | Path], out: str | Path,
                    training: TrainingConfig, validation: dict[str, str | Path] | None = None,
                    seed: int = 0, resume: bool = False, overwrite: bool = False,
                    keep_checkpoints: bool = False) -> dict:
    """Continue pretraining ``model`` on corpus files (JSONL ``text`` or plain lines, packed in
    memory) or on one tokens folder (a ``tokenize`` stage's output, streamed: any size)."""
    from langadapt.train.inputs import read_texts
    from langadapt.train.pretrain import is_tokens_dir, train_pretrain

    out = _prepare_out(out, [model, *data, *(validation or {}).values()], resume, overwrite)
    folders = [Path(p) for p in data if Path(p).is_dir()]
    if folders and (len(data) > 1 or not is_tokens_dir(folders[0])):
        raise UserError(f"{folders[0]}: a folder of data must be one tokens folder (a tokenize "
                        "stage's output, with tokens/ and stats.json), given alone")
    documents = Path(folders[0]) if folders else [t for path in data for t in read_texts(path)]
    val = {name: read_texts(path) for name, path in (validation or {}).items()}
    config = {"command": "pretrain", "model": model, "data": [str(p) for p in data],
              "validation": {k: str(v) for k, v in (validation or {}).items()}, "seed": seed,
              "training": training.model_dump(mode="json")}
    return _run(out, lambda o: train_pretrain(model, documents, training, o, seed=seed,
                                              validation=val, resume=resume),
                config, keep_checkpoints)


def sft_to_dir(model: str, data: list[str | Path], out: str | Path, training: TrainingConfig,
               chat_template: str = "llammas", mixture: dict[str, float] | None = None,
               validation: dict[str, str | Path] | None = None, seed: int = 0,
               resume: bool = False, overwrite: bool = False,
               keep_checkpoints: bool = False) -> dict:
    """Instruction-tune ``model`` on conversation files; ``mixture`` weights by file stem."""
    from langadapt.train.inputs import read_conversations
    from langadapt.train.sft import train_sft

    out = _prepare_out(out, [model, *data, *(validation or {}).values()], resume, overwrite)
    sources: dict[str, list] = {}
    for path in data:
        name = Path(path).stem
        if name in sources:
            raise UserError(f"{path}: two data files named '{name}'; rename one")
        sources[name] = read_conversations(path)
    val = {name: read_conversations(path) for name, path in (validation or {}).items()}
    config = {"command": "sft", "model": model, "data": [str(p) for p in data],
              "mixture": mixture or {}, "chat_template": chat_template, "seed": seed,
              "validation": {k: str(v) for k, v in (validation or {}).items()},
              "training": training.model_dump(mode="json")}
    return _run(out, lambda o: train_sft(model, sources, training, o, seed=seed,
                                         chat_template=chat_template, mixture=mixture,
                                         validation=val, resume=resume, where=str(model)),
                config, keep_checkpoints)
