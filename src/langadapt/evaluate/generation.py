"""Text generation for evaluation: batched, left-padded HF transformers behind a small interface.

A backend turns a list of prompts into a list of completions (the new text only, never the
prompt) under one ``SamplingParams``. ``TransformersBackend`` is the built-in one; vLLM or an
OpenAI-compatible endpoint plug in with ``register_backend(name, factory)`` and the tasks that
call ``load_backend(name, model, ...)`` do not change.

Batching: prompts are tokenised one by one and left-padded by hand (so the tokenizer's own
``padding_side`` / ``pad_token`` are never mutated; a tokenizer without a pad token pads with
EOS), sorted by length so each batch wastes little padding, and the results are returned in the
caller's order. With an attention mask and left padding, greedy output equals one-by-one output.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from langadapt.devices import model_device
from langadapt.errors import UserError
from langadapt.modeling import load_model_and_tokenizer


@dataclass(frozen=True)
class SamplingParams:
    """Decoding settings shared by all backends. Greedy unless ``do_sample`` or ``num_beams``."""

    max_new_tokens: int = 256
    do_sample: bool = False
    temperature: float = 1.0
    top_p: float = 1.0
    top_k: int = 0  # 0: no top-k filtering
    num_beams: int = 1
    repetition_penalty: float = 1.0
    stop: tuple[str, ...] = ()  # completions are cut before the first of these strings
    seed: int | None = None

    def validate(self, names: Mapping[str, str] | None = None) -> SamplingParams:
        """Raise one ``UserError`` for a setting generation would fail on (or silently misuse).

        ``names`` renames fields in the message (``{"max_new_tokens": "--max-new-tokens"}``) so
        it names the option or request field the user wrote.
        """
        def name(field_name: str) -> str:
            return (names or {}).get(field_name, field_name)

        for field_name in ("temperature", "top_p", "repetition_penalty"):
            value = getattr(self, field_name)
            if not math.isfinite(value):
                raise UserError(f"{name(field_name)} must be a finite number, got {value}")
        if self.max_new_tokens < 1:
            raise UserError(f"{name('max_new_tokens')} must be at least 1, got "
                            f"{self.max_new_tokens}")
        if self.temperature < 0:
            raise UserError(f"{name('temperature')} must be >= 0, got {self.temperature}")
        if self.do_sample and self.temperature == 0:
            raise UserError(f"sampling needs {name('temperature')} > 0, got {self.temperature}")
        if not 0 < self.top_p <= 1:
            raise UserError(f"{name('top_p')} must be in (0, 1], got {self.top_p}")
        if self.top_k < 0:
            raise UserError(f"{name('top_k')} must be >= 0 (0: no top-k filtering), got "
                            f"{self.top_k}")
        if self.num_beams < 1:
            raise UserError(f"{name('num_beams')} must be at least 1, got {self.num_beams}")
        if self.repetition_penalty <= 0:
            raise UserError(f"{name('repetition_penalty')} must be > 0 (1: no penalty), got "
                            f"{self.repetition_penalty}")
        return self

    def generate_kwargs(self) -> dict[str, Any]:
        """The decoding arguments of ``model.generate`` (transformers) for these settings."""
        kwargs: dict[str, Any] = {"max_new_tokens": self.max_new_tokens,
                                  "do_sample": self.do_sample, "num_beams": self.num_beams,
                                  "repetition_penalty": self.repetition_penalty}
        if self.do_sample:
            kwargs.update(temperature=self.temperature, top_p=self.top_p, top_k=self.top_k)
        else:  # neutralise sampling fields a checkpoint's generation_config may carry
            kwargs.update(temperature=None, top_p=None, top_k=None)
        return kwargs


class GenerationBackend(Protocol):
    name: str

    def generate(self, prompts: Sequence[str], params: SamplingParams,
                 add_special_tokens: bool = True) -> list[str]:
        """One completion per prompt, in prompt order, without the prompt; prompts rendered by a
        chat template come with ``add_special_tokens=False`` (they hold their BOS already)."""
        ...


def cut_at_stop(text: str, stop: Sequence[str]) -> str:
    """``text`` up to (not including) the earliest occurrence of any stop string."""
    cut = len(text)
    for s in stop:
        if s:
            found = text.find(s)
            if found != -1:
                cut = min(cut, found)
    return text[:cut]


def stop_and_pad_ids(model: Any, tokenizer: Any) -> tuple[list[int], int]:
    """End-of-sequence ids (the tokenizer's and the generation config's) and the padding id.

    A tokenizer without a pad token pads with EOS; ids are checked with ``is None``, since 0 is a
    valid pad id.
    """
    eos = tokenizer.eos_token_id
    config_eos = getattr(getattr(model, "generation_config", None), "eos_token_id", None)
    eos_ids = {eos} if eos is not None else set()
    eos_ids.update(config_eos if isinstance(config_eos, list) else [config_eos])
    eos_ids = sorted(i for i in eos_ids if i is not None)
    pad = tokenizer.pad_token_id
    return eos_ids, pad if pad is not None else (eos_ids[0] if eos_ids else 0)


class TransformersBackend:
    """Batched generation with a loaded HF causal LM and its tokenizer."""

    name = "hf"

    def __init__(self, model: Any, tokenizer: Any, batch_size: int = 8,
                 add_special_tokens: bool = True, progress: bool = True) -> None:
        if batch_size < 1:
            raise UserError(f"batch_size must be at least 1, got {batch_size}")
        self.model, self.tokenizer = model, tokenizer
        self.batch_size, self.progress = batch_size, progress
        self.add_special_tokens = add_special_tokens
        self.eos_ids, self.pad_id = stop_and_pad_ids(model, tokenizer)

    @classmethod
    def from_pretrained(cls, name_or_path: str, dtype: str = "auto", device: str | None = None,
                        **options: Any) -> TransformersBackend:
        """Load a hub id or local HF directory (``langadapt.modeling``'s safe loading policy);
        ``device`` defaults to ``devices.pick_device()`` (CUDA when available, or ``--device``)."""
        model, tokenizer = load_model_and_tokenizer(name_or_path, dtype, device=device or "auto")
        return cls(model.eval(), tokenizer, **options)

    def _encode(self, prompts: Sequence[str], add_special_tokens: bool | None = None
                ) -> list[list[int]]:
        special = self.add_special_tokens if add_special_tokens is None else add_special_tokens
        return [self.tokenizer(p, add_special_tokens=special)["input_ids"] for p in prompts]

    def _generation_kwargs(self, params: SamplingParams) -> dict[str, Any]:
        return {**params.generate_kwargs(), "pad_token_id": self.pad_id,
                "eos_token_id": self.eos_ids or None}

    def _decode(self, new_tokens: list[int], stop: Sequence[str]) -> str:
        for position, token in enumerate(new_tokens):
            if token in self.eos_ids:
                new_tokens = new_tokens[:position]
                break
        text = self.tokenizer.decode(new_tokens, skip_special_tokens=True)
        return cut_at_stop(text, stop)

    def generate(self, prompts: Sequence[str], params: SamplingParams,
                 add_special_tokens: bool | None = None) -> list[str]:
        """``add_special_tokens``: this call's choice (default: the backend's)."""
        return [self._decode(tokens, params.stop)
                for tokens in self.generate_tokens(prompts, params, add_special_tokens)]

    def generate_tokens(self, prompts: Sequence[str], params: SamplingParams,
                        add_special_tokens: bool | None = None) -> list[list[int]]:
        """The new token ids of each completion (up to and including an EOS), in prompt order."""
        import torch
        from tqdm.auto import tqdm

        params.validate()
        if not prompts:
            return []
        encoded = self._encode(prompts, add_special_tokens)
        order = sorted(range(len(prompts)), key=lambda i: -len(encoded[i]))
        device = model_device(self.model)
        kwargs = self._generation_kwargs(params)
        if params.seed is not None:
            torch.manual_seed(params.seed)
        results: list[list[int]] = [[] for _ in prompts]
        batches = [order[i:i + self.batch_size] for i in range(0, len(order), self.batch_size)]
        for batch in tqdm(batches, desc="generate", unit="batch", disable=not self.progress):
            width = max(len(encoded[i]) for i in batch)
            ids = [[self.pad_id] * (width - len(encoded[i])) + encoded[i] for i in batch]
            mask = [[0] * (width - len(encoded[i])) + [1] * len(encoded[i]) for i in batch]
            input_ids = torch.tensor(ids, dtype=torch.long, device=device)
            attention_mask = torch.tensor(mask, dtype=torch.long, device=device)
            with torch.inference_mode():
                output = self.model.generate(input_ids=input_ids, attention_mask=attention_mask,
                                             **kwargs)
            for row, index in enumerate(batch):
                tokens = output[row, width:].tolist()
                ends = [i for i, token in enumerate(tokens) if token in self.eos_ids]
                results[index] = tokens[:ends[0] + 1] if ends else tokens  # drop the padding after EOS
        return results


_BACKENDS: dict[str, Callable[..., GenerationBackend]] = {
    "hf": TransformersBackend.from_pretrained,
}


def register_backend(name: str, factory: Callable[..., GenerationBackend]) -> None:
    """Make ``load_backend(name, model, **options)`` call ``factory(model, **options)``."""
    _BACKENDS[name] = factory


def available_backends() -> list[str]:
    return sorted(_BACKENDS)


def load_backend(name: str, model: str, **options: Any) -> GenerationBackend:
    """A backend by name (``hf`` built in) for a model id, path or endpoint URL."""
    if name not in _BACKENDS:
        raise UserError(f"unknown generation backend {name!r}; available: "
                        f"{', '.join(available_backends())}")
    return _BACKENDS[name](model, **options)


def generate(model: Any, tokenizer: Any, prompts: Sequence[str], batch_size: int = 8,
             max_new_tokens: int = 256, do_sample: bool = False, temperature: float = 1.0,
             top_p: float = 1.0, num_beams: int = 1, repetition_penalty: float = 1.0,
             top_k: int = 0, stop: Sequence[str] = (), seed: int | None = None,
             add_special_tokens: bool = True, progress: bool = True) -> list[str]:
    """Generate one completion per prompt with a loaded HF model (see ``TransformersBackend``)."""
    params = SamplingParams(max_new_tokens=max_new_tokens, do_sample=do_sample,
                            temperature=temperature, top_p=top_p, top_k=top_k, num_beams=num_beams,
                            repetition_penalty=repetition_penalty, stop=tuple(stop), seed=seed)
    backend = TransformersBackend(model, tokenizer, batch_size=batch_size,
                                  add_special_tokens=add_special_tokens, progress=progress)
    return backend.generate(prompts, params)


__all__ = ["GenerationBackend", "SamplingParams", "TransformersBackend", "available_backends",
           "cut_at_stop", "generate", "load_backend", "register_backend", "stop_and_pad_ids"]
