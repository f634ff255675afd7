"""Per-stage estimates for `langadapt plan`: sizes, tokens, steps, parameters, FLOPs, disk.

Sizes are counted when the input is a local file small enough to count quickly, taken from the
recipe when it fixes them (a token budget, ``n``, ``limit``, ``max_steps``), and otherwise
estimated with the constants below; an estimated row is marked ``estimated``.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from langadapt.errors import UserError
from langadapt.planning.compute import (
    BYTES_PER_PARAM,
    ModelShape,
    load_shape,
    training_flops,
)
from langadapt.stage import BASE

# UTF-8 bytes per token of a Llama-2-class tokenizer on mixed Estonian/English text (Estonian
# ~3, English ~4.5): turns file sizes into token estimates.
BYTES_PER_TOKEN = 3.5
# Assumed mean document length of a web corpus (CulturaX) when only a budget is known.
TOKENS_PER_DOCUMENT = 700
# gzip'd JSONL corpus shards: ~3.5 bytes of text per token, ~2.5x compression, JSON keys.
CORPUS_BYTES_PER_TOKEN = 1.6
COUNT_LIMIT = 256 * 2**20  # files above this are sized, not counted line by line
SFT_PACKING = 0.95  # share of real tokens in best-fit packed SFT rows (train/packing reports it)
CHAT_OVERHEAD_TOKENS = 12  # role markers, BOS/EOS and instruction wording per conversation


def human_bytes(value: float | None) -> str:
    if not value:
        return "-"
    for size, suffix in ((2**40, "TiB"), (2**30, "GiB"), (2**20, "MiB"), (2**10, "KiB")):
        if value >= size:
            return f"{value / size:.1f} {suffix}"
    return f"{value:.0f} B"


def _lines(path: Path) -> int | None:
    """Lines of a plain local file, or None when it is compressed, a folder or too big to count."""
    if not path.is_file() or path.stat().st_size > COUNT_LIMIT or path.suffix in (".gz", ".zst"):
        return None
    with open(path, "rb") as handle:
        return sum(1 for line in handle if line.strip())


def _size(path: Path) -> int:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return path.stat().st_size if path.exists() else 0


class Estimator:
    """Walks the stages in order, keeping each stage's estimated artefact for later stages."""

    def __init__(self, recipe: Any, recipe_path: Path, missing: set[str]):
        self.recipe, self.recipe_path = recipe, recipe_path
        self.missing = missing
        self.made: dict[str, dict] = {}  # stage -> what later stages need of its artefact
        self.shapes: dict[str, ModelShape | None] = {}
        self.notes: list[str] = []

    # --- helpers ------------------------------------------------------------------------
    def absent(self, path: Path | None) -> bool:
        # load_for_plan stands the recipe file in for every absent data file
        return path is None or Path(path) == self.recipe_path or str(path) in self.missing

    def shape(self, ref: str) -> ModelShape | None:
        """The shape of ``base``, a stage's model, or a model path / hub id."""
        if ref in self.shapes:
            return self.shapes[ref]
        model = self.recipe.base_model if ref == BASE else ref
        try:
            found = load_shape(model)
        except UserError as err:
            self.notes.append(f"parameters of {model}: {err}")
            found = None
        self.shapes[ref] = found
        return found

    def launch_processes(self, stage: Any) -> int:
        launch = getattr(stage, "launch", None) or self.recipe.launch
        return getattr(launch, "num_processes", None) or 1

    # --- per type -----------------------------------------------------------------------
    def estimate(self, name: str, stage: Any) -> dict:
        handler = getattr(self, f"_{stage.type}", None)
        if handler is None:
            return {"notes": [f"no size estimate for stage type {stage.type}"]}
        row = handler(name, stage)
        self.made[name] = row
        return {k: v for k, v in row.items() if not k.startswith("_")}

    def _corpus(self, name: str, stage: Any) -> dict:
        by_lang: dict[str, float] = {}
        docs, counted = 0, True
        for source in stage.sources:
            if source.hub is not None or self.absent(source.path):
                counted = False
                continue
            lines = _lines(source.path) if source.format in ("lines", "jsonl") else None
            counted = counted and lines is not None
            docs += lines or 0
            by_lang[source.lang] = by_lang.get(source.lang, 0) + _size(source.path) / BYTES_PER_TOKEN
        if counted and by_lang:  # all local: the mix stops when the scarcest language runs out
            available = min(by_lang.get(lang, 0) / share for lang, share in stage.mix.items())
            tokens = min(stage.token_budget or available, available)
            docs = round(docs * tokens / sum(by_lang.values()))
        else:
            tokens = stage.token_budget
            docs = round(tokens / TOKENS_PER_DOCUMENT) if tokens else None
        row = {"documents": docs, "tokens": round(tokens) if tokens else None, "estimated": True,
               "disk_bytes": round((tokens or 0) * CORPUS_BYTES_PER_TOKEN),
               "tokens_by_lang": {lang: round((tokens or 0) * share)
                                  for lang, share in stage.mix.items()}}
        if not counted:
            row["notes"] = [(f"documents assume {TOKENS_PER_DOCUMENT} tokens each (hub or absent "
                             "sources); tokens = the budget")]
        return row

    def _tokenize(self, name: str, stage: Any) -> dict:
        data = self.made.get(stage.data, {})
        shape = self.shape(stage.tokenizer)
        tokens = (data.get("tokens") or 0) + 2 * (data.get("documents") or 0)  # BOS + EOS
        width = 4 if shape and shape.vocab > 65535 else 2  # uint16 ids while they fit
        row = {"documents": data.get("documents"), "tokens": tokens or None, "estimated": True,
               "disk_bytes": tokens * width}
        if stage.tokenizer != BASE:
            row["notes"] = [("tokens as the base tokenizer counts them: an adapted vocabulary "
                             "writes fewer, so tokens, steps and FLOPs after this are upper bounds")]
        return row

    def _bitext(self, name: str, stage: Any) -> dict:
        pairs, size, known = 0, 0, True
        for source in stage.sources:
            lines = None if self.absent(source.src) else _lines(source.src)
            known = known and lines is not None
            pairs += lines or 0
            size += sum(_size(p) for p in (source.src, source.tgt) if not self.absent(p))
        return {"pairs": pairs if known else None, "tokens": round(size / BYTES_PER_TOKEN) or None,
                "estimated": True, "disk_bytes": round(size * 1.4),  # JSON keys per pair
                **({} if known else {"notes": ["pairs counted after the files are there"]})}

    def _translation_tasks(self, name: str, stage: Any) -> dict:
        data = self.made.get(stage.data, {})
        pairs = data.get("pairs")
        count = stage.n if stage.n is not None else pairs
        per_pair = (data.get("tokens") or 0) / pairs if pairs else 0
        tokens = round(count * (per_pair + CHAT_OVERHEAD_TOKENS)) if count and per_pair else None
        return {"conversations": count, "tokens": tokens, "estimated": True,
                "disk_bytes": round((tokens or 0) * BYTES_PER_TOKEN * 1.3)}

    def _instructions(self, name: str, stage: Any) -> dict:
        total, tokens, known = 0, 0.0, True
        for source in stage.sources:
            path = getattr(source, "path", None)
            limit = getattr(source, "limit", None)
            count = None if self.absent(path) else _lines(path)
            if count is not None and path.read_bytes()[:64].lstrip().startswith(b"["):
                count = None  # a JSON array: records are not lines
            size = 0 if self.absent(path) else _size(path)
            if count:
                kept = min(count, limit or count)
                tokens += size / BYTES_PER_TOKEN * kept / count
                total += kept
            elif limit:
                total += limit  # the limit is the count a full source gives
                known = False
            else:
                tokens += size / BYTES_PER_TOKEN
                known = False
        return {"conversations": total or None, "tokens": round(tokens) or None, "estimated": True,
                "disk_bytes": round(tokens * BYTES_PER_TOKEN * 1.2),
                **({} if known else {"notes": ["conversations counted after the files are there"]})}

    def _self_instruct(self, name: str, stage: Any) -> dict:
        count = stage.count
        return {"conversations": count, "estimated": True,
                "notes": ["generation cost not estimated (depends on the teacher's server)"]}

    def _vocab(self, name: str, stage: Any) -> dict:
        shape = self.shape(stage.model)
        if shape is None:
            self.shapes[name] = None
            return {}
        if stage.mode == "replace":
            vocab = stage.tokenizer_vocab_size or shape.vocab
        elif stage.mode == "optimize":
            vocab = (stage.keep or shape.vocab) + (stage.new_tokens or 0)
        else:
            vocab = shape.vocab + (stage.new_tokens or 0)
        new = ModelShape(**{**shape.__dict__, "vocab": vocab, "source": f"{shape.source} + {name}"})
        self.shapes[name] = new
        return {"total_parameters": new.total, "disk_bytes": new.total * BYTES_PER_PARAM,
                "_new_rows": max(0, vocab - shape.vocab) if stage.mode == "extend" else vocab,
                "notes": [f"vocabulary {shape.vocab:,} -> {vocab:,} ({stage.mode}; CPU only)"]}

    def _training(self, name: str, stage: Any, model_ref: str, tokens_per_epoch: float | None,
                  packing: float) -> dict:
        t = stage.training
        shape = self.shape(model_ref)
        self.shapes[name] = shape
        processes = self.launch_processes(stage)
        batch = t.batch_size * t.grad_accum * processes
        per_step = batch * t.block_size
        row: dict[str, Any] = {"global_batch": batch, "block_size": t.block_size,
                               "processes": processes}
        if t.max_steps and t.max_steps > 0:
            row["steps"] = t.max_steps
            row["tokens"] = t.max_steps * per_step
            if tokens_per_epoch:
                row["epochs_of_data"] = round(row["tokens"] / tokens_per_epoch, 3)
        elif tokens_per_epoch:
            rows_per_epoch = math.ceil(tokens_per_epoch / packing / t.block_size)
            row["steps"] = math.ceil(rows_per_epoch * t.epochs / batch)
            row["tokens"] = round(tokens_per_epoch * t.epochs)
            row["estimated"] = True
        if "steps" not in row:
            row["notes"] = ["steps and FLOPs once the training data's size is known"]
        if shape is None:
            return row
        trainable, full = self.trainable(name, model_ref, t, shape)
        row.update(total_parameters=shape.total, trainable_parameters=trainable,
                   disk_bytes=shape.total * BYTES_PER_PARAM,
                   # while running: a checkpoint holds the weights plus fp32 Adam moments and
                   # master copies of what trains (12 bytes each); removed when the stage ends
                   checkpoint_bytes=shape.total * BYTES_PER_PARAM + 12 * trainable)
        size = human_bytes(row["checkpoint_bytes"])
        row["notes"] = [*row.get("notes", []),
                        f"each checkpoint while it runs: {size} (weights + optimiser state)"]
        if row.get("tokens"):
            row["flops"] = training_flops(shape, trainable, row["tokens"], full)
        return row

    def trainable(self, name: str, model_ref: str, t: Any, shape: ModelShape) -> tuple[int, bool]:
        """(trainable parameters, whether every weight trains) of a training block."""
        if t.trainable == "full":
            return shape.total, True
        if t.trainable == "embeddings":
            return shape.embedding + shape.head, False
        if t.trainable == "new_rows":
            rows = self.made.get(model_ref, {}).get("_new_rows", 0)
            return rows * shape.hidden * (1 if shape.tied else 2), False
        layers = len(t.lora.layers) if t.lora.layers else shape.layers
        adapter = shape.lora_parameters(t.lora.r, layers, t.lora.target_modules)
        grew = self.made.get(model_ref, {}).get("_new_rows")
        if t.lora.train_embeddings == "yes" or (t.lora.train_embeddings == "auto" and grew):
            adapter += shape.embedding + shape.head
        return adapter, False

    def _pretrain(self, name: str, stage: Any) -> dict:
        data = self.made.get(stage.data, {})
        tokens = data.get("tokens")
        if tokens and stage.data in self.recipe.stages and \
                self.recipe.stages[stage.data].type == "corpus":
            tokens += 2 * (data.get("documents") or 0)  # BOS + EOS per document
        return self._training(name, stage, stage.model, tokens, 1.0)  # documents continue: full rows

    def _sft(self, name: str, stage: Any) -> dict:
        conversations, tokens = 0, 0.0
        for ref in stage.data:
            weight = stage.mixture.get(ref, 1.0)
            conversations += (self.made.get(ref, {}).get("conversations") or 0) * weight
            tokens += (self.made.get(ref, {}).get("tokens") or 0) * weight
        row = self._training(name, stage, stage.model, tokens or None, SFT_PACKING)
        estimated = any(self.made.get(ref, {}).get("estimated") for ref in stage.data)
        return {"conversations": round(conversations) or None, **row,
                **({"estimated": True} if estimated else {})}

    def _lep(self, name: str, stage: Any) -> dict:
        adapted, instruct = self.shape(stage.adapted), self.shape(stage.instruct)
        if adapted is None or instruct is None:
            self.shapes[name] = adapted
            return {}
        result = instruct.with_vocab(adapted.vocab, f"{instruct.source} + {name}")
        self.shapes[name] = result
        return {"total_parameters": result.total, "disk_bytes": result.total * BYTES_PER_PARAM,
                "notes": ["least-squares fits in float64 on CPU; no GPU"]}

    _lep_merge = _lep

    def _lep_calibrate(self, name: str, stage: Any) -> dict:
        shape, teacher = self.shape(stage.model), self.shape(stage.teacher)
        self.shapes[name] = shape
        prompts = None if self.absent(stage.prompts) else _lines(stage.prompts)
        examples = (prompts or 0) + (stage.copy_examples or 0)
        tokens = examples * (stage.max_new_tokens + 64)  # ~64 prompt tokens each
        row: dict[str, Any] = {"examples": examples or None, "tokens": tokens or None,
                               "estimated": True}
        if shape is None or not tokens:
            return row
        trainable, full = self.trainable(name, stage.model, stage.training, shape)
        generate = 2 * (teacher or shape).total * (prompts or 0) * stage.max_new_tokens
        row.update(total_parameters=shape.total, trainable_parameters=trainable,
                   flops=training_flops(shape, trainable, tokens * stage.training.epochs, full)
                   + generate, disk_bytes=shape.total * BYTES_PER_PARAM,
                   notes=["FLOPs: the teacher's answers (2·N per token) + LoRA training"])
        return row

    def _evaluate(self, name: str, stage: Any) -> dict:
        size = sum(_size(p) for p in stage.perplexity.values() if not self.absent(p))
        for task in stage.tasks:
            files = [getattr(task, k) for k in ("test", "source", "m2", "text")]
            prompts = len(task.prompts) if task.prompts else 4  # shipped templates: a few each
            size += prompts * sum(_size(f) for f in files if f is not None and not self.absent(f))
        tokens = size / BYTES_PER_TOKEN
        shapes = [self.shape(m) for m in stage.models]
        flops = sum(2 * s.total * tokens for s in shapes if s is not None)
        return {"examples": None, "tokens": round(tokens * len(shapes)) or None, "estimated": True,
                "flops": flops or None,
                "notes": [(f"{len(stage.models)} models x {len(stage.tasks)} tasks; forward passes "
                           "only (2·N per token), generation is slower than its FLOPs suggest")]}
