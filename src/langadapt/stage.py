"""What every stage shares: its config base class, the run context and path fields.

A stage is a config class (pydantic, unknown keys rejected) plus a plain function
``run(cfg, ctx) -> dict`` (its metrics) named by ``runner``. Stages read earlier stages only
through ``ctx`` (their finished folders), and write only into ``ctx.work_dir``.

A config declares what it writes (``produces``: one of ``ARTEFACTS``) and which of its fields name
earlier stages and what those must produce (``reads``), so the recipe checks every reference at
load time (a ``model:`` naming a corpus stage is refused with the key's line).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, ClassVar

from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationInfo

from langadapt.errors import UserError

BASE = "base"  # the name recipes use for the recipe's base model

# What a stage's folder holds for later stages to read.
ARTEFACTS = {
    "model": "model/: an HF model directory (tokenizer included)",
    "corpus": "corpus/ shards of documents {text, lang, source}",
    "tokens": "tokens/: token shards (BOS text EOS per document) for one tokenizer",
    "bitext": "pairs.jsonl: sentence pairs {src, tgt, src_lang, tgt_lang, source}",
    "conversations": "conversations.jsonl: {messages, source, lang}",
    "report": "results.json and report files",
}


def _resolve_existing(value: Path, info: ValidationInfo) -> Path:
    base_dir = (info.context or {}).get("base_dir")
    path = Path(value).expanduser()
    if base_dir is not None and not path.is_absolute():
        path = Path(base_dir) / path
    path = path.resolve()
    if not path.exists():
        raise ValueError(f"file not found: {path}")
    return path


# A path in a recipe: resolved relative to the recipe file, and required to exist.
InputPath = Annotated[Path, AfterValidator(_resolve_existing)]


class StageConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: str
    runner: ClassVar[str]  # "module:function" implementing run(cfg, ctx)
    produces: ClassVar[str]  # a key of ARTEFACTS
    # field -> artefact kinds an earlier stage named there must produce ("model" also admits base)
    reads: ClassVar[dict[str, tuple[str, ...]]] = {}

    def references(self) -> list[tuple[tuple, str, tuple[str, ...]]]:
        """``(key path, stage name, accepted kinds)`` for every stage this config names."""
        found = []
        for field, kinds in self.reads.items():
            value = getattr(self, field)
            if isinstance(value, str):
                found.append(((field,), value, kinds))
            elif isinstance(value, (list, tuple)):
                found.extend(((field, i), ref, kinds) for i, ref in enumerate(value))
        return found

    def inputs(self) -> list[str]:
        """Names of the earlier stages (or ``base``) this stage reads, each once."""
        return list(dict.fromkeys(ref for _, ref, _ in self.references()))

    def run(self, ctx: RunContext) -> dict[str, Any]:
        module, func = self.runner.split(":")
        return getattr(importlib.import_module(module), func)(self, ctx)


@dataclass
class RunContext:
    """Where a running stage reads its inputs and writes its outputs."""

    run_dir: Path  # the recipe's output folder, one subfolder per stage
    work_dir: Path  # this stage's folder while it is being written
    base_model: str  # path or hub id of the recipe's base model
    seed: int
    stage_name: str = ""
    launch: Any = None  # the recipe-level LaunchConfig, a training stage's default

    def stage_dir(self, name: str) -> Path:
        """The finished folder of an earlier stage."""
        path = self.run_dir / name
        if not (path / "manifest.json").is_file():
            raise UserError(f"stage '{name}' has not completed in {self.run_dir}")
        return path

    def model_path(self, ref: str) -> str:
        """The model a reference names: ``base`` or a model-producing stage's ``model/``."""
        if ref == BASE:
            return self.base_model
        return str(self.stage_dir(ref) / "model")
