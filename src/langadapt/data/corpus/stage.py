"""Configuration of the pretraining corpus builder (the recipe's ``corpus`` stage and ``data corpus``).

Every filter, the mix, the output and the executor are plain fields here, so a recipe, the CLI and
Python callers describe a corpus the same way. Defaults follow Llammas: 75% Estonian / 25% English,
Estonian documents kept only from ``.ee``/``.org``/``.net`` sites when a URL is known.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from langadapt.langid import scripts_for
from langadapt.stage import BASE, InputPath, StageConfig

MINHASH_PERMUTATIONS = 128

FORMATS = ("lines", "paragraphs", "jsonl", "parquet", "hf_disk", "hub")


class CorpusSource(BaseModel):
    """One input: a file or folder, a saved HF dataset, or a hub dataset id (streamed)."""

    model_config = ConfigDict(extra="forbid")

    path: InputPath | None = Field(None, description="file or folder (for hub: leave empty)")
    hub: str | None = Field(None, description="hub dataset id, read in streaming mode")
    hub_config: str | None = Field(None, description="hub dataset configuration, e.g. et for CulturaX")
    split: str = "train"
    lang: str = Field(description="language code of the documents, e.g. et or en")
    format: Literal["lines", "paragraphs", "jsonl", "parquet", "hf_disk", "hub"] | None = Field(
        None, description="default: from the file suffix (.jsonl/.json[.gz|.zst], .parquet, "
                          "folder with dataset_info.json = hf_disk, anything else lines)")
    glob: str | None = Field(None, description="folders: which files to read (default by format)")
    text_field: str = "text"
    url_field: str = "url"
    id_field: str = "id"
    name: str | None = Field(None, description="source label in the output (default: file name)")

    @model_validator(mode="after")
    def _one_location(self) -> CorpusSource:
        if (self.path is None) == (self.hub is None):
            raise ValueError("give exactly one of path and hub")
        if self.hub is not None:
            self.format = "hub"
        elif self.format is None:
            self.format = infer_format(self.path)
        if self.format == "hub" and self.hub is None:
            raise ValueError("format hub needs hub: DATASET_ID")
        return self

    @property
    def label(self) -> str:
        if self.name:
            return self.name
        return self.hub if self.hub else self.path.name


def infer_format(path: Path) -> str:
    if path.is_dir():
        if (path / "dataset_info.json").is_file() or (path / "dataset_dict.json").is_file():
            return "hf_disk"
        names = [p.name for p in path.rglob("*") if p.is_file()]
        if names and all(".parquet" in n for n in names):
            return "parquet"
        return "jsonl" if names and all(".json" in n for n in names) else "lines"
    name = path.name.lower()
    if ".parquet" in name:
        return "parquet"
    if ".jsonl" in name or ".json" in name:
        return "jsonl"
    return "lines"


class ExecutorConfig(BaseModel):
    """Which datatrove executor runs the pipeline. Only ``local`` waits for the result."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["local", "slurm", "ray"] = "local"
    tasks: int | None = Field(None, ge=1, description="parallel tasks of the reading/filter step "
                                                      "(default: one per input file, at most 64)")
    workers: int = Field(1, ge=1, description="tasks run at the same time (local executor)")
    partition: str | None = Field(None, description="slurm: partition to submit to")
    time: str = Field("24:00:00", description="slurm: time limit per job")
    cpus_per_task: int = Field(1, ge=1)
    mem_per_cpu_gb: float = Field(2, gt=0)
    sbatch_args: dict[str, Any] = Field(default_factory=dict, description="slurm: extra sbatch options")
    ray_options: dict[str, Any] = Field(default_factory=dict, description="ray: extra executor options")

    @model_validator(mode="after")
    def _slurm_needs_partition(self) -> ExecutorConfig:
        if self.type == "slurm" and not self.partition:
            raise ValueError("executor type slurm needs partition: NAME")
        return self


class CorpusStage(StageConfig):
    """The ``corpus`` stage: read, filter, dedup, mix by ratio up to a token budget, write shards."""

    type: Literal["corpus"] = "corpus"
    sources: list[CorpusSource] = Field(min_length=1)
    # mixing
    mix: dict[str, float] = Field(default_factory=lambda: {"et": 0.75, "en": 0.25})
    mix_by: Literal["tokens", "documents"] = Field("tokens", description="unit of the mix shares")
    token_budget: int | None = Field(None, ge=1, description="stop once this many tokens are in")
    tokenizer: str = Field(BASE, description="model whose tokenizer counts tokens")
    shuffle_buffer: int = Field(10000, ge=1, description="documents per language shuffled at once")
    # filters
    min_chars: int = Field(20, ge=0)
    max_chars: int | None = Field(None, ge=1)
    url_suffixes: dict[str, list[str]] = Field(
        default_factory=lambda: {"et": [".ee", ".org", ".net"]},
        description="per language: keep only documents whose URL host ends with one of these")
    url_missing: Literal["keep", "drop"] = Field("keep", description="documents without a URL")
    language_id: bool = Field(True, description="drop documents detected as another language")
    language_id_backend: Literal["py3langid", "lingua"] = "py3langid"
    language_id_min_chars: int = Field(40, description="shorter documents are not language-checked")
    language_id_min_confidence: float = Field(0.5, ge=0, le=1)
    language_id_sample_chars: int = Field(2000, ge=1, description="characters the detector reads")
    language_id_candidates: list[str] | None = Field(
        None, description="languages the detector chooses among (default: the sources' and en)")
    scripts: dict[str, list[str]] = Field(default_factory=dict,
                                          description="expected scripts per language (default table)")
    script_min_share: float = Field(0.9, ge=0, le=1, description="0 turns the script filter off")
    exclude: list[InputPath] = Field(default_factory=list, description="texts never to train on")
    dedup: bool = Field(True, description="exact dedup of normalised text")
    near_dedup: bool = Field(True, description="MinHash LSH near-dedup (only with dedup on)")
    near_dedup_threshold: float = Field(0.8, gt=0, lt=1, description="Jaccard similarity to merge")
    near_dedup_ngrams: int = Field(5, ge=1, description="word n-gram size of the shingles")
    # input/output
    on_error: Literal["fail", "skip"] = "fail"
    output_format: Literal["jsonl.gz", "parquet"] = "jsonl.gz"
    shard_mb: int = Field(512, ge=1, description="approximate size of one output shard")
    corpus_jsonl: bool = Field(False, description="also write every document to one corpus.jsonl")
    executor: ExecutorConfig = Field(default_factory=ExecutorConfig)
    runner = "langadapt.data.corpus.pipeline:run_stage"
    produces = "corpus"
    reads = {"tokenizer": ("model",)}

    @model_validator(mode="after")
    def _mix_matches_sources(self) -> CorpusStage:
        langs = {s.lang for s in self.sources}
        if "mix" not in self.model_fields_set and set(self.mix) != langs:
            # the Llammas default (75% et / 25% en) fits only an et+en corpus
            if len(langs) != 1:
                raise ValueError(f"sources have languages {', '.join(sorted(langs))}: set mix "
                                 "(a share per language, e.g. et: 0.75, en: 0.25)")
            self.mix = {next(iter(langs)): 1.0}
        missing = [lang for lang in self.mix if lang not in langs]
        if missing:
            raise ValueError(f"mix names {missing} but no source has that language")
        if abs(sum(self.mix.values()) - 1) > 1e-6:
            raise ValueError(f"mix shares must sum to 1 (got {sum(self.mix.values()):g})")
        if any(share <= 0 for share in self.mix.values()):
            raise ValueError("mix shares must be positive")
        return self

    def scripts_for(self, lang: str) -> list[str]:
        return self.scripts.get(lang) or scripts_for(lang)

    def candidates(self) -> list[str]:
        return self.language_id_candidates or sorted({s.lang for s in self.sources} | {"en"})


def lsh_bands(threshold: float, permutations: int = MINHASH_PERMUTATIONS) -> tuple[int, int]:
    """(bands, rows) whose LSH S-curve best separates pairs above/below ``threshold``.

    Minimises the area of false positives (similarity below the threshold yet sharing a band)
    plus false negatives (above it yet sharing none), over all bands * rows <= permutations.
    """
    grid = [i / 200 for i in range(1, 200)]

    def error(bands: int, rows: int) -> float:
        def hit(s: float) -> float:
            return 1 - (1 - s ** rows) ** bands
        return sum(hit(s) if s < threshold else 1 - hit(s) for s in grid)

    pairs = [(b, r) for b in range(1, permutations + 1) for r in range(1, permutations // b + 1)]
    return min(pairs, key=lambda pair: (error(*pair), -pair[0] * pair[1]))
