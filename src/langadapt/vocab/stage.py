"""The ``vocab`` stage: adapt a model's vocabulary to the target language.

Learns new pieces from the target-language documents of a corpus stage (or from files), extends /
replaces / optimizes the model's tokenizer and writes the model with resized, mean-initialised
embeddings to ``model/``, with the tokenizer's fertility before and after in the metrics.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from langadapt.stage import BASE, InputPath, RunContext, StageConfig
from langadapt.text import iter_text_lines


class VocabStage(StageConfig):
    type: Literal["vocab"] = "vocab"
    model: str = Field(BASE, description="model whose vocabulary to adapt: base or a stage name")
    corpus: str | None = Field(None, description="corpus stage whose `lang` documents to learn from")
    files: list[InputPath] = Field(default_factory=list, description="more target-language text")
    lang: str = Field("et", description="target language (picks the corpus documents)")
    mode: Literal["extend", "replace", "optimize"] = "extend"
    new_tokens: int | None = Field(2000, ge=1, description="pieces to add (extend, optimize)")
    strategy: Literal["merges", "append"] = Field(
        "merges", description="extend: merges learned over the base segmentation, or append the "
        "pieces of a newly trained tokenizer")
    tokenizer_vocab_size: int | None = Field(
        None, ge=300, description="train a new tokenizer of this size (replace, append)")
    model_type: Literal["bpe", "unigram", "bytelevel"] = "bytelevel"
    keep: int | None = Field(None, ge=1, description="optimize: pieces of the base to keep")
    init: Literal["mean", "random"] = "mean"
    runner = "langadapt.vocab.stage:run"
    produces = "model"
    reads = {"model": ("model",), "corpus": ("corpus",)}

    @model_validator(mode="after")
    def _needs_text(self) -> VocabStage:
        if not self.corpus and not self.files:
            raise ValueError("give a corpus stage or files to learn the vocabulary from")
        trains = self.mode == "replace" or (self.mode == "extend" and self.strategy == "append")
        if trains and not self.tokenizer_vocab_size:
            raise ValueError(f"mode {self.mode} ({self.strategy}) trains a new tokenizer: "
                             "set tokenizer_vocab_size")
        if self.tokenizer_vocab_size and not trains:
            raise ValueError(f"tokenizer_vocab_size is unused by mode {self.mode} with strategy "
                             f"{self.strategy} (merges are learned from the text directly); remove "
                             "it, or use strategy append / mode replace")
        return self



def _write_training_text(cfg: VocabStage, ctx: RunContext):
    from langadapt.data.corpus.documents import iter_corpus_documents

    path = ctx.work_dir / "training_text.txt"
    with open(path, "w", encoding="utf-8") as out:
        if cfg.corpus:
            for doc in iter_corpus_documents(ctx.stage_dir(cfg.corpus)):
                if doc.get("lang") == cfg.lang:
                    out.write(doc["text"].replace("\n", " ") + "\n")
        for extra in cfg.files:
            for _, line in iter_text_lines(extra):
                out.write(line + "\n")
    return path


def run(cfg: VocabStage, ctx: RunContext) -> dict:
    from langadapt.vocab.adapt import adapt_vocabulary
    from langadapt.vocab.fertility import fertility
    from langadapt.vocab.train import train_tokenizer

    base = ctx.model_path(cfg.model)
    text = _write_training_text(cfg, ctx)
    new = None
    if cfg.tokenizer_vocab_size:
        new = train_tokenizer([text], cfg.tokenizer_vocab_size, cfg.model_type,
                              ctx.work_dir / "target-tokenizer", seed=ctx.seed, overwrite=True)
    stats = adapt_vocabulary(
        base, new, cfg.mode, ctx.work_dir / "model", model=base, init=cfg.init,
        corpus=[text], new_tokens=cfg.new_tokens, keep=cfg.keep,
        strategy=cfg.strategy if cfg.mode == "extend" else None, seed=ctx.seed,
        overwrite=True)  # the stage's own work folder: a rerun after a crash replaces it
    before, after = fertility([base, ctx.work_dir / "model"], [text])
    text.unlink()
    return {**{k: v for k, v in stats.items() if not isinstance(v, (list, dict))},
            "training_text_tokens_per_word": {"before": round(before["tokens"] / before["words"], 4),
                                              "after": round(after["tokens"] / after["words"], 4)}}
