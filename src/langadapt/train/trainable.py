"""Which parameters a training run updates, and the optimiser that respects that choice.

Modes:
- ``full``: every parameter.
- ``embeddings``: only the input embeddings and the LM head (the LEP setup). Tied weights are
  one tensor, so that is one trainable matrix.
- ``new_rows``: only the embedding / LM-head rows a vocabulary adaptation appended. Gradients of
  the old rows are zeroed by a tensor hook *and* the embedding group gets no weight decay: with
  a zero gradient from step one, AdamW's moments for those rows stay exactly zero, so its update
  is exactly zero — but decoupled weight decay would still shrink them, hence no decay there.
- ``lora``: PEFT LoRA adapters; when the vocabulary grew, the embeddings and LM head are trained
  in full as ``modules_to_save`` (new rows have no pretrained meaning a low-rank update could
  adjust). QLoRA (4-bit base) when bitsandbytes and a GPU exist.

The optimiser is an AdamW with two groups per decay class (embeddings at ``embedding_lr``),
built by a factory the Trainer calls with the model *it* holds, so the groups match the
parameters even after accelerate/FSDP wraps the model.
"""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from langadapt.errors import UserError

VOCAB_STATS_FILE = "vocab_adaptation.json"  # written by langadapt.vocab.adapt next to the model
TrainableMode = Literal["full", "embeddings", "new_rows", "lora"]
_WRAPPER_PARTS = re.compile(r"(^|\.)(module|_fsdp_wrapped_module|_orig_mod|base_model\.model)\.")


class LoraSettings(BaseModel):
    """LoRA adapter settings (used when ``trainable: lora``)."""

    model_config = ConfigDict(extra="forbid")

    r: int = Field(16, ge=1, description="adapter rank")
    alpha: int = Field(32, ge=1, description="scaling numerator (scale = alpha / r)")
    dropout: float = Field(0.05, ge=0, lt=1)
    target_modules: list[str] | Literal["all-linear"] = Field(
        "all-linear", description="module names to adapt, or every linear layer but the LM head")
    train_embeddings: Literal["auto", "yes", "no"] = Field(
        "auto", description="train embeddings + LM head in full: auto = when the vocabulary grew")
    quantize_4bit: bool = Field(False, description="QLoRA: load the base in 4 bit (GPU only)")
    layers: list[int] | None = Field(
        None, description="adapt only these transformer layers (negative: from the end, e.g. "
        "0,-1 = first and last); default: every layer")

    @field_validator("layers", mode="before")
    @classmethod
    def _layers_from_text(cls, value):
        # The CLI passes "0,-1" as one string.
        if isinstance(value, str):
            try:
                return [int(part) for part in value.split(",") if part.strip()]
            except ValueError:
                raise ValueError(f"expected comma-separated layer indices, got {value!r}") from None
        return value


def load_for_training(model_ref: str, mode: TrainableMode, lora: LoraSettings | None = None):
    """Model (float32 master weights; mixed precision is the Trainer's) and tokenizer.

    QLoRA (``lora.quantize_4bit``) loads the base in 4-bit NF4 instead, which needs a GPU and
    bitsandbytes.
    """
    import torch

    from langadapt.devices import training_attention
    from langadapt.modeling import (
        load_model_and_tokenizer,
        load_tokenizer,
        pretrained_kwargs,
    )

    if mode == "lora" and lora is not None and lora.quantize_4bit:
        if not torch.cuda.is_available() or importlib.util.find_spec("bitsandbytes") is None:
            raise UserError("lora.quantize_4bit (QLoRA) needs a CUDA GPU and `pip install "
                            "bitsandbytes`; set it to false to train LoRA on full weights")
        from transformers import AutoModelForCausalLM, BitsAndBytesConfig

        quant = BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_quant_type="nf4",
                                   bnb_4bit_compute_dtype=torch.bfloat16,
                                   bnb_4bit_use_double_quant=True)
        name, options = pretrained_kwargs(model_ref)
        model = AutoModelForCausalLM.from_pretrained(name, quantization_config=quant,
                                                     attn_implementation=training_attention(),
                                                     **options)
        return model, load_tokenizer(model_ref)
    model, tokenizer = load_model_and_tokenizer(model_ref, dtype=torch.float32, device=None,
                                                attn_implementation=training_attention())
    return model.train(), tokenizer


def merged_lora_model(peft_model, model_ref: str | None, adapter_dir):
    """The adapter merged into full-precision base weights (a 4-bit base is reloaded first)."""
    if not getattr(peft_model, "is_loaded_in_4bit", False) and not getattr(
            peft_model.base_model.model, "is_loaded_in_4bit", False):
        return peft_model.merge_and_unload()
    import torch
    from peft import PeftModel

    from langadapt.modeling import load_causal_lm

    base = load_causal_lm(model_ref, dtype=torch.bfloat16)
    return PeftModel.from_pretrained(base, str(adapter_dir)).merge_and_unload()


def read_vocab_stats(model_dir: str | Path | None) -> dict | None:
    """The vocabulary adaptation statistics saved with a model, if it has any."""
    if model_dir is None:
        return None
    path = Path(model_dir) / VOCAB_STATS_FILE
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def new_rows_start(model_dir: str | Path | None) -> int:
    """First embedding row a vocabulary adaptation added (rows from here on are new)."""
    stats = read_vocab_stats(model_dir)
    if stats is None:
        raise UserError(f"{model_dir}: trainable: new_rows needs a model written by "
                        f"`langadapt vocab adapt` ({VOCAB_STATS_FILE} not found); "
                        "or set new_rows_start")
    if stats.get("mode") == "replace":
        raise UserError(f"{model_dir}: the vocabulary was replaced, so no row is old; "
                        "use trainable: embeddings")
    # optimize renumbers the kept pieces to 0..kept-1 and appends the new ones after them.
    return int(stats["tokens_kept"] if stats.get("mode") == "optimize" else stats["base_vocab_size"])


def vocabulary_grew(model_dir: str | Path | None) -> bool:
    stats = read_vocab_stats(model_dir)
    return bool(stats and stats.get("tokens_added", 0) > 0)


def embedding_parameters(model) -> list:
    """The distinct parameter tensors of the input embeddings and the LM head."""
    params = [model.get_input_embeddings().weight]
    head = model.get_output_embeddings()
    if head is not None and head.weight is not params[0]:
        params.append(head.weight)
    return params


def _zero_rows_before(start: int):
    def hook(grad):
        grad = grad.clone()
        grad[:start] = 0
        return grad
    return hook


def apply_trainable_mode(model, mode: TrainableMode, lora: LoraSettings | None = None,
                         model_dir: str | Path | None = None, rows_start: int | None = None):
    """Set ``requires_grad`` (and hooks, adapters) for ``mode``; returns the model to train."""
    if mode == "full":
        for p in model.parameters():
            p.requires_grad_(True)
        return model
    if mode == "lora":
        return _wrap_lora(model, lora or LoraSettings(), model_dir)
    for p in model.parameters():
        p.requires_grad_(False)
    embeddings = embedding_parameters(model)
    for p in embeddings:
        p.requires_grad_(True)
    if mode == "new_rows":
        start = rows_start if rows_start is not None else new_rows_start(model_dir)
        if not 0 < start < embeddings[0].shape[0]:
            raise UserError(f"new_rows: first new row {start} is outside the embedding matrix "
                            f"({embeddings[0].shape[0]} rows)")
        for p in embeddings:
            p.register_hook(_zero_rows_before(start))
        model._langadapt_new_rows_start = start
    return model


def _wrap_lora(model, settings: LoraSettings, model_dir):
    from peft import LoraConfig, get_peft_model

    train_embeddings = settings.train_embeddings == "yes" or (
        settings.train_embeddings == "auto" and vocabulary_grew(model_dir))
    to_save = None
    if train_embeddings:
        names = {n.rsplit(".", 1)[0] for n, p in model.named_parameters()
                 if any(p is e for e in embedding_parameters(model))}
        head = model.get_output_embeddings()
        head_name = next((n for n, m in model.named_modules() if m is head), None)
        to_save = sorted({n.rsplit(".", 1)[-1] for n in names | ({head_name} if head_name else set())})
    target_modules, layers = settings.target_modules, None
    if settings.layers is not None:
        layers = _layer_indices(model, settings.layers)
        if target_modules == "all-linear":  # PEFT takes layer indices only with a list of names
            target_modules = _linear_module_names(model)
    config = LoraConfig(
        r=settings.r, lora_alpha=settings.alpha, lora_dropout=settings.dropout,
        target_modules=target_modules, modules_to_save=to_save, task_type="CAUSAL_LM",
        layers_to_transform=layers,
        ensure_weight_tying=bool(to_save) and bool(getattr(model.config, "tie_word_embeddings", False)),
    )
    if getattr(model, "is_loaded_in_4bit", False):
        from peft import prepare_model_for_kbit_training

        model = prepare_model_for_kbit_training(model)
    return get_peft_model(model, config)


def _layer_indices(model, layers: list[int]) -> list[int]:
    """``layers`` as sorted non-negative indices (negative ones count from the last layer)."""
    config = model.config.get_text_config() if hasattr(model.config, "get_text_config") else model.config
    count = getattr(config, "num_hidden_layers", None)
    if not layers:
        raise UserError("lora.layers: give at least one layer index (or leave it unset: all layers)")
    if count is None:
        raise UserError("lora.layers: the model's config has no num_hidden_layers")
    bad = [i for i in layers if not -count <= i < count]
    if bad:
        raise UserError(f"lora.layers: {bad[0]} is not a layer of this {count}-layer model")
    return sorted({i % count for i in layers})


def _linear_module_names(model) -> list[str]:
    """Short names of the linear layers, the LM head excepted (what PEFT's all-linear means)."""
    import torch

    head = model.get_output_embeddings()
    return sorted({name.rsplit(".", 1)[-1] for name, module in model.named_modules()
                   if isinstance(module, torch.nn.Linear) and module is not head})


def parameter_counts(model) -> dict[str, int]:
    """Total and trainable parameter counts; for new_rows also the rows that actually move."""
    total = sum(p.numel() for p in model.parameters())
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    counts = {"total_parameters": total, "trainable_parameters": trainable}
    start = getattr(model, "_langadapt_new_rows_start", None)
    if start is not None:
        counts["updated_parameters"] = sum(
            (p.shape[0] - start) * p.shape[1] for p in embedding_parameters(model))
        counts["new_rows"] = embedding_parameters(model)[0].shape[0] - start
    return counts


def _plain_name(name: str) -> str:
    return _WRAPPER_PARTS.sub(r"\1", name)


class GroupedAdamW:
    """Optimizer factory for ``Trainer(optimizer_cls_and_kwargs=(GroupedAdamW, kwargs))``.

    Trainer instantiates it and calls it with the (possibly wrapped) model. Embedding matrices get
    ``embedding_lr``; biases and norms no weight decay; in new_rows mode the embeddings no decay.
    """

    def __call__(self, model, *, lr: float, weight_decay: float, embedding_lr: float | None,
                 embedding_names: set[str], decay_embeddings: bool = True, betas=(0.9, 0.999),
                 eps: float = 1e-8):
        import torch

        groups: dict[tuple[float, float], list] = {}
        for name, param in model.named_parameters():
            if not param.requires_grad:
                continue
            plain = _plain_name(name)
            is_embedding = plain in embedding_names or any(plain.endswith("." + e) for e in embedding_names)
            no_decay = param.ndim < 2 or "norm" in plain.lower() or (is_embedding and not decay_embeddings)
            group_lr = embedding_lr if is_embedding and embedding_lr is not None else lr
            groups.setdefault((group_lr, 0.0 if no_decay else weight_decay), []).append(param)
        param_groups = [{"params": ps, "lr": g_lr, "weight_decay": wd}
                        for (g_lr, wd), ps in groups.items()]
        return torch.optim.AdamW(param_groups, lr=lr, betas=betas, eps=eps)


def embedding_names(model) -> set[str]:
    """Parameter names (without wrapper prefixes) of the embedding matrices, in any wrapping.

    Under PEFT, ``get_input_embeddings`` returns the trained ``modules_to_save`` copy, so that
    copy is what gets ``embedding_lr``.
    """
    targets = embedding_parameters(model)
    names = {_plain_name(n) for n, p in model.named_parameters() if any(p is t for t in targets)}
    return names
