"""Loading models and tokenizers by path or hub id, safely, with errors a user can act on.

Safe by default: only safetensors weights are read (a pickled ``.bin`` checkpoint can run code
when unpickled) and a checkpoint's own Python code is never run, unless the user opts in with
``--allow-pickle`` / ``--trust-remote-code`` or the recipe keys of the same names (``LOADING``
holds the choice for the process). A hub id may pin a revision: ``org/name@revision``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from langadapt.devices import inference_dtype, pick_device
from langadapt.errors import UserError


@dataclass
class LoadingPolicy:
    allow_pickle: bool = False
    trust_remote_code: bool = False


LOADING = LoadingPolicy()


def split_revision(ref: str) -> tuple[str, str | None]:
    """``org/name@rev`` -> (``org/name``, ``rev``); a local path is returned as it is."""
    if "@" in ref and not Path(ref).exists() and not ref.startswith((".", "/", "~")):
        name, _, revision = ref.rpartition("@")
        return name, revision or None
    return ref, None


def pretrained_kwargs(ref: str) -> tuple[str, dict[str, Any]]:
    """The name to pass to ``from_pretrained`` and the loading options the policy allows."""
    name, revision = split_revision(str(ref))
    options: dict[str, Any] = {"trust_remote_code": LOADING.trust_remote_code}
    if revision:
        options["revision"] = revision
    return name, options


def _check(ref: str) -> None:
    path = Path(ref).expanduser()
    looks_local = ref.startswith((".", "/", "~")) or path.exists()
    if looks_local and not (path / "config.json").is_file() and not (
            path / "tokenizer_config.json").is_file():
        raise UserError(f"{ref}: not a Hugging Face model directory (no config.json)")
    if looks_local and (path / "config.json").is_file() and not LOADING.allow_pickle:
        weights = [p.name for p in path.iterdir() if p.suffix in (".bin", ".pt", ".pth", ".safetensors")]
        if weights and not any(name.endswith(".safetensors") for name in weights):
            raise UserError(f"{ref}: weights are pickled ({weights[0]}), which can run code when "
                            "loaded; convert them to safetensors or pass --allow-pickle if you trust them")


def load_tokenizer(ref: str):
    """A tokenizer: model folder or hub id; a tokenizer file (.json, SentencePiece .model) too."""
    from transformers import AutoTokenizer

    if Path(ref).is_file():
        from langadapt.vocab.load import load_tokenizer as load_tokenizer_file

        return load_tokenizer_file(ref)
    _check(ref)
    name, options = pretrained_kwargs(ref)
    try:
        return AutoTokenizer.from_pretrained(name, **options)
    except (OSError, ValueError) as err:
        raise UserError(f"{ref}: cannot load tokenizer: {str(err).splitlines()[0]}") from None


def load_causal_lm(ref: str, dtype: str = "auto", **extra: Any):
    """A causal LM in eval mode, on the CPU: ``auto`` = float32 on a CPU-only machine, the
    inference dtype of the GPU (``devices.inference_dtype``) otherwise; ``stored`` = the
    checkpoint's dtype; or a torch dtype. ``load_model_and_tokenizer`` also places it."""
    from safetensors import SafetensorError
    from transformers import AutoModelForCausalLM

    _check(ref)
    path = Path(ref).expanduser()
    if path.is_dir() and not (path / "config.json").is_file():
        raise UserError(f"{ref}: no config.json, so this folder holds no model (a tokenizer only?)")
    if dtype == "auto":
        dtype = inference_dtype(pick_device())
    elif dtype == "stored":
        dtype = "auto"
    name, options = pretrained_kwargs(ref)
    if not LOADING.allow_pickle:
        options["use_safetensors"] = True
    try:
        model = AutoModelForCausalLM.from_pretrained(name, dtype=dtype, **options, **extra)
    except (OSError, ValueError, SafetensorError, RuntimeError) as err:
        message = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise UserError(f"{ref}: cannot load model: {message}") from None
    return model.eval()


def check_vocab_fits(model, tokenizer, ref: str) -> None:
    """Refuse a tokenizer that can produce ids the model has no embedding row for (``model``: the
    model, or its config — checked before the weights are read)."""
    rows = (model.get_input_embeddings().weight.shape[0] if hasattr(model, "get_input_embeddings")
            else getattr(model.get_text_config() if hasattr(model, "get_text_config") else model,
                         "vocab_size", None))
    if rows is not None and len(tokenizer) > rows:
        raise UserError(f"{ref}: the tokenizer has {len(tokenizer)} tokens but the model's embeddings "
                        f"have {rows} rows; they do not belong together (resize with `langadapt vocab "
                        "adapt --model`)")


def load_config(ref: str):
    """The model's config (no weights read)."""
    from transformers import AutoConfig

    _check(ref)
    name, options = pretrained_kwargs(ref)
    try:
        return AutoConfig.from_pretrained(name, **options)
    except (OSError, ValueError) as err:
        raise UserError(f"{ref}: cannot load model config: {str(err).splitlines()[0]}") from None


def load_model_and_tokenizer(ref: str, dtype: str = "auto", device: str | None = "auto",
                             **extra: Any):
    """Model and tokenizer, checked to belong together before the weights are read. The model
    goes to ``device`` (``auto``: ``devices.pick_device()``, honouring ``--device``; ``None``:
    stays on the CPU, for callers that place it themselves, like training)."""
    tokenizer = load_tokenizer(ref)
    if Path(ref).expanduser().is_dir() and (Path(ref).expanduser() / "config.json").is_file():
        check_vocab_fits(load_config(ref), tokenizer, ref)
    target = None if device is None else pick_device(None if device == "auto" else device)
    if dtype == "auto" and target is not None:
        dtype = inference_dtype(target)
    model = load_causal_lm(ref, dtype=dtype, **extra)
    check_vocab_fits(model, tokenizer, ref)
    if target is not None and target.type != "cpu":
        model = model.to(target)
    return model, tokenizer
