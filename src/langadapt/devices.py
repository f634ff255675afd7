"""Where inference runs, and in which dtype: one choice for evaluate, eval, perplexity, chat,
serve, the judge and calibration.

CUDA when present, else Apple's MPS, else the CPU; ``--device`` (any command) or
``LANGADAPT_DEVICE`` forces one (``cpu``, ``cuda``, ``cuda:1``, ``mps``). On a GPU that supports
bfloat16 the model runs in bf16 (what the papers train and evaluate in); an older GPU gets float16;
the CPU gets float32, because bf16 matmuls on most CPUs are slower and less exact than float32.
Training picks its own precision through accelerate (``train/engine.py``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from langadapt.errors import UserError


@dataclass
class DevicePolicy:
    requested: str | None = None  # None: the best available


DEVICE = DevicePolicy()


def requested_device() -> str | None:
    return DEVICE.requested or os.environ.get("LANGADAPT_DEVICE") or None


def pick_device(requested: str | None = None):
    """The torch device inference runs on: ``requested`` (or the process's ``--device``), else
    CUDA, MPS, CPU in that order. A requested device the machine lacks is a user error."""
    import torch

    requested = requested or requested_device()
    if requested in (None, "", "auto"):
        if torch.cuda.is_available():
            return torch.device("cuda")
        if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    try:
        device = torch.device(requested)
    except RuntimeError:
        raise UserError(f"--device {requested}: not a device name (use cpu, cuda, cuda:N or mps)") from None
    if device.type == "cuda":
        if not torch.cuda.is_available():
            raise UserError(f"--device {requested}: this machine has no CUDA GPU torch can use")
        if device.index is not None and device.index >= torch.cuda.device_count():
            raise UserError(f"--device {requested}: only {torch.cuda.device_count()} CUDA device(s)")
    elif device.type == "mps" and not torch.backends.mps.is_available():
        raise UserError(f"--device {requested}: MPS is not available here")
    return device


def inference_dtype(device):
    """bf16 on GPUs that support it, float16 on older GPUs, float32 elsewhere."""
    import torch

    if device.type == "cuda":
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    if device.type == "mps":
        return torch.float16
    return torch.float32


def model_device(model):
    """The device a loaded model's inputs must go to (its first parameter's)."""
    return next(model.parameters()).device


def training_attention() -> str:
    """``flash_attention_2`` on a CUDA GPU with flash-attn installed — packed rows then run as
    variable-length sequences (cu_seqlens from the position resets), no padding computed, no
    mask materialised — else PyTorch's ``sdpa`` (a block-diagonal mask derived from the same
    position resets)."""
    import importlib.util

    import torch

    if torch.cuda.is_available() and importlib.util.find_spec("flash_attn") is not None:
        return "flash_attention_2"
    return "sdpa"
