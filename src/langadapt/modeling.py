"""Loading models and tokenizers by path or hub id, with errors a user can act on."""

from __future__ import annotations

from pathlib import Path

from langadapt.errors import UserError


def _check(ref: str) -> None:
    looks_local = ref.startswith((".", "/", "~")) or Path(ref).exists()
    if looks_local and not (Path(ref).expanduser() / "config.json").is_file() and not (
        Path(ref).expanduser() / "tokenizer_config.json"
    ).is_file():
        raise UserError(f"{ref}: not a Hugging Face model directory (no config.json)")


def load_tokenizer(ref: str):
    from transformers import AutoTokenizer

    _check(ref)
    try:
        return AutoTokenizer.from_pretrained(ref)
    except (OSError, ValueError) as err:
        raise UserError(f"{ref}: cannot load tokenizer: {str(err).splitlines()[0]}") from None


def load_causal_lm(ref: str, dtype: str = "auto"):
    """A causal LM in eval mode (float32 on CPU; the checkpoint's dtype on GPU)."""
    import torch
    from transformers import AutoModelForCausalLM

    _check(ref)
    if dtype == "auto":
        dtype = None if torch.cuda.is_available() else torch.float32
    try:
        model = AutoModelForCausalLM.from_pretrained(ref, dtype=dtype)
    except (OSError, ValueError) as err:
        raise UserError(f"{ref}: cannot load model: {str(err).splitlines()[0]}") from None
    return model.eval()


def load_model_and_tokenizer(ref: str):
    return load_causal_lm(ref), load_tokenizer(ref)
