"""Read and write HF safetensors checkpoints one tensor at a time.

LEP touches two matrices of a model and copies the rest, so nothing here ever holds a whole model:
tensors are read one by one with ``safetensors.safe_open`` (each file opened per read, so no
mapping of a 15 GB shard stays resident) and written by a streaming safetensors writer that
plans every shard's header from shapes first and then appends each tensor's bytes as it comes.
Pickle checkpoints (``*.bin``) are refused: loading them runs arbitrary code.
"""

from __future__ import annotations

import json
import re
import struct
from collections.abc import Callable
from pathlib import Path
from typing import Any

from langadapt.errors import UserError

INDEX = "model.safetensors.index.json"
SINGLE = "model.safetensors"
MAX_SHARD_BYTES = 4 * 2**30  # shards of at most 4 GiB, as the Hub's large checkpoints use
_DTYPES = {"F64": "float64", "F32": "float32", "F16": "float16", "BF16": "bfloat16", "I64": "int64",
           "I32": "int32", "I16": "int16", "I8": "int8", "U8": "uint8", "BOOL": "bool",
           "F8_E4M3": "float8_e4m3fn", "F8_E5M2": "float8_e5m2"}


def torch_dtype(code: str):
    import torch

    return getattr(torch, _DTYPES[code])


def dtype_code(dtype) -> str:
    name = str(dtype).removeprefix("torch.")
    return next(code for code, value in _DTYPES.items() if value == name)


def resolve_model(ref: str | Path, option: str) -> Path:
    """A local model directory, or a hub id downloaded (or found in the cache) as one."""
    path = Path(ref).expanduser()
    if path.is_dir():
        return path
    if path.exists():
        raise UserError(f"{option} {ref}: is a file; give a model directory (or a hub id)")
    if re.fullmatch(r"[\w.-]+/[\w.-]+", str(ref)) and not str(ref).startswith("."):
        from huggingface_hub import snapshot_download

        try:
            return Path(snapshot_download(str(ref), allow_patterns=[
                "*.json", "*.safetensors", "*.model", "*.jinja", "*.txt"]))
        except Exception as err:  # offline, unknown repo, gated: the hub raises many kinds
            raise UserError(f"{option} {ref}: no such directory, and the hub has no such model "
                            f"({type(err).__name__})") from err
    raise UserError(f"{option} {ref}: no such model directory")


class Checkpoint:
    """A model directory's config and safetensors tensors (names, dtypes, shapes, reads)."""

    def __init__(self, ref: str | Path, option: str):
        from safetensors import safe_open

        self.path, self.option = resolve_model(ref, option), option
        config = self.path / "config.json"
        if not config.is_file():
            raise UserError(f"{option} {self.path}: no config.json; give a HF model directory")
        self.config: dict[str, Any] = json.loads(config.read_text(encoding="utf-8"))
        self.files: dict[str, str] = {}  # tensor name -> file
        self.meta: dict[str, tuple[str, list[int]]] = {}  # tensor name -> (dtype code, shape)
        for file in self._weight_files():
            try:
                with safe_open(self.path / file, framework="pt") as handle:
                    for name in handle.keys():  # noqa: SIM118 (not a dict)
                        tensor = handle.get_slice(name)
                        self.meta[name] = (tensor.get_dtype(), list(tensor.get_shape()))
                        self.files[name] = file
            except Exception as err:  # truncated/corrupt file: safetensors raises its own kinds
                raise UserError(f"{option} {self.path / file}: not a readable safetensors file "
                                f"({str(err)[:120]})") from err

    def _weight_files(self) -> list[str]:
        index = self.path / INDEX
        if index.is_file():
            files = sorted(set(json.loads(index.read_text(encoding="utf-8"))["weight_map"].values()))
            missing = [f for f in files if not (self.path / f).is_file()]
            if missing:
                raise UserError(f"{self.option} {index}: lists {missing[0]}, which is missing")
            return files
        files = sorted(p.name for p in self.path.glob("*.safetensors"))
        if files:
            return files
        if any(self.path.glob("*.bin")) or any(self.path.glob("*.pt")) or any(self.path.glob("*.pth")):
            raise UserError(f"{self.option} {self.path}: pickle checkpoint (.bin/.pt) refused; "
                            "convert it to safetensors first (model.save_pretrained(dir))")
        raise UserError(f"{self.option} {self.path}: no model weights (*.safetensors) in this directory")

    def shape(self, name: str) -> list[int]:
        return self.meta[name][1]

    def get(self, name: str):
        from safetensors import safe_open

        with safe_open(self.path / self.files[name], framework="pt") as handle:
            return handle.get_tensor(name)

    def hf_config(self):
        from transformers import AutoConfig

        try:
            return AutoConfig.from_pretrained(str(self.path))
        except Exception as err:  # unknown model type, bad JSON
            raise UserError(f"{self.option} {self.path / 'config.json'}: cannot read the config "
                            f"({type(err).__name__}: {str(err)[:160]})") from err


def embedding_names(ckpt: Checkpoint) -> tuple[str, str | None]:
    """The checkpoint names of the input embeddings and LM head (None: tied and not stored).

    Found through the model class itself (built on the meta device, so no memory is used):
    the modules ``get_input_embeddings()``/``get_output_embeddings()`` return, named by identity.
    """
    import torch
    from transformers import AutoModelForCausalLM

    config = ckpt.hf_config()
    try:
        with torch.device("meta"):
            model = AutoModelForCausalLM.from_config(config)
        modules = {id(m): n for n, m in model.named_modules(remove_duplicate=False)}
        wanted = [modules.get(id(model.get_input_embeddings())),
                  modules.get(id(model.get_output_embeddings()))]
    except Exception:  # noqa: BLE001 - an architecture transformers cannot build: common names
        wanted = ["model.embed_tokens", "lm_head"]
    found = []
    for module in wanted:
        name = None if module is None else f"{module}.weight"
        if name is not None and name not in ckpt.meta:  # e.g. a prefix the class adds or drops
            name = next((k for k in ckpt.meta if k.endswith(name) or name.endswith(k)), None)
        found.append(name)
    if found[0] is None:
        raise UserError(f"{ckpt.option} {ckpt.path}: cannot find the input embedding tensor")
    if found[1] is None and not tied(ckpt):
        raise UserError(f"{ckpt.option} {ckpt.path}: untied model without an LM head tensor")
    return found[0], found[1]


def tied(ckpt: Checkpoint) -> bool:
    """Whether the LM head is the input embedding matrix (text config for multimodal configs)."""
    config = ckpt.config.get("text_config", ckpt.config)
    # transformers' default is tied; Llama-style configs always write the key.
    return bool(config.get("tie_word_embeddings", ckpt.config.get("tie_word_embeddings", True)))


Entry = tuple[str, Any, list[int], Callable[[], Any]]  # name, torch dtype, shape, fetch()


def write_checkpoint(out_dir: Path, entries: list[Entry], max_shard_bytes: int = MAX_SHARD_BYTES) -> int:
    """Write ``entries`` as safetensors shards (with an index when more than one); returns the count.

    Each tensor is fetched only when its bytes are written, so memory holds one tensor at a time.
    """
    import math

    import torch

    shards: list[list[Entry]] = [[]]
    size = 0
    for entry in entries:
        nbytes = math.prod(entry[2]) * torch.empty((), dtype=entry[1]).element_size()
        if shards[-1] and size + nbytes > max_shard_bytes:
            shards.append([])
            size = 0
        shards[-1].append(entry)
        size += nbytes
    names = [SINGLE] if len(shards) == 1 else [
        f"model-{i + 1:05d}-of-{len(shards):05d}.safetensors" for i in range(len(shards))]
    weight_map, total = {}, 0
    for file, shard in zip(names, shards):
        total += _write_shard(out_dir / file, shard)
        weight_map |= dict.fromkeys((entry[0] for entry in shard), file)
    if len(shards) > 1:
        index = {"metadata": {"total_size": total}, "weight_map": weight_map}
        (out_dir / INDEX).write_text(json.dumps(index, indent=2) + "\n", encoding="utf-8")
    return len(shards)


def _write_shard(path: Path, shard: list[Entry]) -> int:
    """One safetensors file: 8-byte header length, JSON header (8-byte aligned), raw data."""
    import math

    import torch

    header: dict[str, Any] = {"__metadata__": {"format": "pt"}}
    offset = 0
    for name, dtype, shape, _ in shard:
        nbytes = math.prod(shape) * torch.empty((), dtype=dtype).element_size()
        header[name] = {"dtype": dtype_code(dtype), "shape": shape, "data_offsets": [offset, offset + nbytes]}
        offset += nbytes
    blob = json.dumps(header, separators=(",", ":")).encode()
    blob += b" " * (-len(blob) % 8)
    with open(path, "wb") as out:
        out.write(struct.pack("<Q", len(blob)) + blob)
        for name, dtype, shape, fetch in shard:
            tensor = fetch().to(dtype).contiguous()
            if list(tensor.shape) != shape:
                raise AssertionError(f"{name}: planned shape {shape}, got {list(tensor.shape)}")
            out.write(tensor.reshape(-1).view(torch.uint8).numpy().data)
            del tensor
    return offset
