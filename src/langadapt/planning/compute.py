"""Compute arithmetic for `langadapt plan`: parameters from a model config, FLOPs, GPU-hours.

Nothing here loads weights. Parameter counts come from ``config.json`` alone (a decoder of the
Llama family: Llama, Mistral, Qwen2, …), training FLOPs from the usual 6·N·tokens rule, and
GPU-hours from a vendor's dense bf16 peak and an assumed model FLOPs utilisation (MFU).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from langadapt.errors import UserError
from langadapt.shipped import find_shipped

# Dense (no sparsity) bf16 tensor peak per GPU, TFLOPS, from the vendors' data sheets.
# mi250x is one MI250X module (two GCDs; 383 TFLOPS): the unit of the Llammas paper's
# "4× MI250x", whose GPU-hours we read as module-hours; mi250x-gcd is one of its two dies (what
# torch sees as one device) for readers who count GCD-hours.
GPU_PEAK_TFLOPS = {
    "h200": 989.0,       # H200 SXM: same tensor cores as H100 SXM
    "h100": 989.0,       # H100 SXM5
    "h100-pcie": 756.0,
    "a100": 312.0,       # A100 SXM/PCIe
    "l40s": 362.0,
    "a10g": 125.0,
    "mi300x": 1307.0,
    "mi250x": 383.0,
    "mi250x-gcd": 191.5,
}
DEFAULT_GPU = "h100"
DEFAULT_MFU = 0.4
BYTES_PER_PARAM = 2  # bf16 weights on disk


@dataclass(frozen=True)
class ModelShape:
    """What the estimates need of a decoder: its size and where its parameters are."""

    vocab: int
    hidden: int
    layers: int
    body: int  # every parameter outside the input embeddings and the LM head
    tied: bool
    source: str  # where the numbers came from (shown by plan)
    q_dim: int = 0  # heads * head_dim
    kv_dim: int = 0  # key/value heads * head_dim
    ffn: int = 0  # MLP inner size

    @property
    def embedding(self) -> int:
        return self.vocab * self.hidden

    @property
    def head(self) -> int:
        return 0 if self.tied else self.vocab * self.hidden

    @property
    def total(self) -> int:
        return self.body + self.embedding + self.head

    def with_vocab(self, vocab: int, source: str) -> ModelShape:
        return ModelShape(vocab, self.hidden, self.layers, self.body, self.tied, source,
                          self.q_dim, self.kv_dim, self.ffn)

    def lora_parameters(self, r: int, layers: int, targets: list[str] | str) -> int:
        """Adapter parameters: r·(in + out) per adapted projection and layer."""
        d = self.hidden
        dims = {"q_proj": (d, self.q_dim), "k_proj": (d, self.kv_dim), "v_proj": (d, self.kv_dim),
                "o_proj": (self.q_dim, d), "gate_proj": (d, self.ffn), "up_proj": (d, self.ffn),
                "down_proj": (self.ffn, d)}
        chosen = dims if targets == "all-linear" else {k: v for k, v in dims.items() if k in targets}
        return layers * sum(r * (i + o) for i, o in chosen.values())


def shape_from_config(config: dict, source: str) -> ModelShape:
    """Parameter count of a Llama-family decoder from its ``config.json`` fields."""
    text = config.get("text_config", config)  # multimodal wrappers keep the decoder here
    try:
        d, layers, vocab = text["hidden_size"], text["num_hidden_layers"], text["vocab_size"]
        ffn, heads = text["intermediate_size"], text["num_attention_heads"]
    except KeyError as err:
        raise UserError(f"{source}: config.json has no {err.args[0]} (model_type "
                        f"{config.get('model_type')!r}); plan counts Llama-family decoders") from None
    kv_heads = text.get("num_key_value_heads") or heads
    head_dim = text.get("head_dim") or d // heads
    attention = d * heads * head_dim * 2 + d * kv_heads * head_dim * 2  # q, o + k, v
    if text.get("attention_bias") or config.get("model_type", "").startswith("qwen2"):
        attention += heads * head_dim + 2 * kv_heads * head_dim  # q/k/v biases
    mlp = 3 * d * ffn  # gate, up, down
    body = layers * (attention + mlp + 2 * d) + d  # two norms per layer, final norm
    return ModelShape(vocab, d, layers, body, bool(config.get("tie_word_embeddings", False)), source,
                      heads * head_dim, kv_heads * head_dim, ffn)


def shipped_config(model_id: str) -> Path | None:
    """A copy of a hub model's public ``config.json`` shipped in ``recipes/models``, if any."""
    name = model_id.split("@")[0].replace("/", "--") + ".json"
    return find_shipped(f"recipes/models/{name}")


def load_shape(model: str) -> ModelShape:
    """The shape of a local model directory or hub id, from its config alone.

    Order: a local directory; the local hub cache; a config shipped in ``recipes/models`` (so the
    shipped recipes plan offline without a wait); the hub itself (unless ``HF_HUB_OFFLINE``).
    Offline and unknown is one clear error.
    """
    local = Path(model).expanduser()
    if local.is_dir():
        path = local / "config.json"
        if not path.is_file():
            raise UserError(f"{local}: no config.json (is it a Hugging Face model folder?)")
        return shape_from_config(json.loads(path.read_text(encoding="utf-8")), str(path))
    repo, _, revision = model.partition("@")
    path = _cached_config(repo, revision or None) or shipped_config(model)
    if path is None:
        path = _hub_config(repo, revision or None)
    if path is None:
        raise UserError(f"{model}: no config.json offline (not a local folder, not in the hub "
                        "cache, not shipped in recipes/models); go online once or pass a local copy")
    return shape_from_config(json.loads(Path(path).read_text(encoding="utf-8")), str(path))


def _cached_config(repo: str, revision: str | None) -> str | None:
    from huggingface_hub import try_to_load_from_cache

    try:
        cached = try_to_load_from_cache(repo, "config.json", revision=revision)
    except ValueError:  # not a valid repo id
        return None
    return cached if isinstance(cached, str) else None


def _hub_config(repo: str, revision: str | None) -> str | None:
    import logging
    import os

    from huggingface_hub import hf_hub_download

    if os.environ.get("HF_HUB_OFFLINE", "0") not in ("0", "", "false", "False"):
        return None
    hub_log = logging.getLogger("huggingface_hub")
    level = hub_log.level
    hub_log.setLevel(logging.ERROR)  # its retry warnings would bury plan's one-line message
    try:
        return hf_hub_download(repo, "config.json", revision=revision, etag_timeout=5)
    except Exception:  # noqa: BLE001 - offline, gated or missing: all mean "not available"
        return None
    finally:
        hub_log.setLevel(level)


def training_flops(shape: ModelShape, trainable: int, tokens: float, full: bool) -> float:
    """FLOPs to train on ``tokens``: 2·N forward + 4·N backward per token when every weight
    trains (6·N·T); with a frozen body the backward still carries activation gradients through
    every layer (2·N) but computes weight gradients only for the trainable part: (4·N + 2·P)·T.
    N counts every parameter (the input embedding lookup, though no matmul, is <2% at 7B)."""
    n = shape.total
    return (6 * n if full else 4 * n + 2 * trainable) * tokens


def gpu_hours(flops: float, gpu: str, mfu: float) -> float:
    return flops / (GPU_PEAK_TFLOPS[gpu] * 1e12 * mfu) / 3600
