"""The corpus builder as a chain of datatrove pipelines, run by a local, Slurm or Ray executor.

    1 filter      readers -> length -> exclude -> URL suffix -> script -> language ID -> shards
    2-4 exact     datatrove ExactDedupSignature / ExactFindDedups / ExactDedupFilter (normalised text)
    5-8 near      datatrove MinhashDedupSignature / Buckets / Cluster / Filter -> shards per language
    9 mix         RatioMixer (one task): ratio mix to the token budget -> output shards, stats.json

Every step streams documents; signatures and duplicate lists live in files, sorted and merged by
datatrove, so peak memory depends on the size of one task's input shard, never on the corpus.
Intermediate files go to ``<out>/.work`` and are removed after a successful local run.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
import sys
from functools import partial
from pathlib import Path

import xxhash
from datatrove.pipeline.dedup import MinhashConfig, MinhashDedupSignature
from datatrove.pipeline.dedup.exact_dedup import (
    ExactDedupConfig,
    ExactDedupFilter,
    ExactDedupSignature,
    ExactFindDedups,
)
from datatrove.pipeline.dedup.minhash import (
    MinhashDedupBuckets,
    MinhashDedupCluster,
    MinhashDedupFilter,
)
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.writers import JsonlWriter
from datatrove.utils.hashing import HashConfig
from datatrove.utils.word_tokenizers import WordTokenizer

from langadapt.data.corpus.filters import (
    ExcludeFilter,
    LanguageIdFilter,
    LengthFilter,
    ScriptFilter,
    Tally,
    UrlSuffixFilter,
    digest,
    normalised_content,
)
from langadapt.data.corpus.mix import RatioMixer
from langadapt.data.corpus.readers import reader_for
from langadapt.data.corpus.stage import CorpusStage, lsh_bands
from langadapt.data.corpus.stats import summary, write_stats
from langadapt.errors import UserError, located
from langadapt.modeling import load_tokenizer
from langadapt.stage import RunContext

# xxhash 4 (what this environment has) rejects str input in datatrove 0.10; sha1 works everywhere.
HASH = HashConfig(precision=64, hash_fc="sha1")


class RegexWordTokenizer(WordTokenizer):
    """Words as runs of letters/digits: enough for shingling, and needs neither spaCy nor NLTK."""

    _word = re.compile(r"\w+")

    def word_tokenize(self, text: str) -> list[str]:
        return self._word.findall(text)

    def sent_tokenize(self, text: str) -> list[str]:
        return [text]

    def span_tokenize(self, text: str) -> list[tuple[int, int]]:
        return [(0, len(text))]


def minhash_config(cfg: CorpusStage, seed: int) -> MinhashConfig:
    bands, rows = lsh_bands(cfg.near_dedup_threshold)
    return MinhashConfig(n_grams=cfg.near_dedup_ngrams, num_buckets=bands, hashes_per_bucket=rows,
                         seed=seed, hash_config=HASH)


def _excluded_digests(cfg: CorpusStage) -> set[bytes]:
    """Digests of held-out lines: evaluation sets are small, so this set is too."""
    found: set[bytes] = set()
    for path in cfg.exclude:
        try:
            with open(path, encoding="utf-8") as handle:
                found.update(digest(line) for line in handle if line.strip())
        except UnicodeDecodeError as err:
            raise located(path, f"not valid UTF-8 ({err.reason} at byte {err.start})") from None
    return found


def default_tasks(cfg: CorpusStage) -> int:
    files = 0
    for source in cfg.sources:
        path = source.path
        files += sum(1 for p in path.rglob("*") if p.is_file()) if path and path.is_dir() else 1
    return max(1, min(64, files))


def _shards(folder: Path, name: str = "${rank}.jsonl.zst") -> JsonlWriter:
    # zstd: intermediate shards are written and read once each, gzip would dominate the run time
    return JsonlWriter(str(folder), output_filename=name, compression="zstd")


class ShardReader(JsonlReader):
    """datatrove's JSONL reader for intermediate shards; no shard (all filtered away) is no input."""

    def run(self, data=None, rank: int = 0, world_size: int = 1):
        if not self.data_folder.list_files(glob_pattern=self.glob_pattern):
            return
        yield from super().run(data, rank, world_size)


def _reader(folder: Path) -> JsonlReader:
    return ShardReader(str(folder), add_file_path=False, glob_pattern="*.jsonl.zst")


def _hash_text64(text: str) -> int:
    return xxhash.xxh64_intdigest(text.encode("utf-8"))


class TextMinhashSignature(MinhashDedupSignature):
    """datatrove's MinHash signature step, hashing shingles with xxhash on UTF-8 bytes.

    datatrove 0.10 passes str to xxhash, which xxhash 4 rejects; its sha1 fallback is ~5x slower.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._hash_func = _hash_text64


class Executors:
    """Builds one executor per pipeline, each depending on the one before (Slurm, Ray)."""

    def __init__(self, cfg: CorpusStage, logs: Path, verbose: bool, show_progress: bool):
        self.cfg, self.logs, self.verbose, self.show_progress = cfg, logs, verbose, show_progress
        self.previous = None
        self.chain: list = []
        self.names: list[str] = []

    def add(self, name: str, pipeline: list, tasks: int) -> None:
        ex = self.cfg.executor
        common = {"tasks": tasks, "logging_dir": str(self.logs / name)}
        if ex.type == "slurm":
            from datatrove.executor import SlurmPipelineExecutor

            executor = SlurmPipelineExecutor(
                pipeline, time=ex.time, partition=ex.partition, cpus_per_task=ex.cpus_per_task,
                mem_per_cpu_gb=ex.mem_per_cpu_gb, job_name=f"corpus-{name}",
                sbatch_args=ex.sbatch_args or None, depends=self.previous, **common)
        elif ex.type == "ray":
            from datatrove.executor.ray import RayPipelineExecutor

            executor = RayPipelineExecutor(pipeline, workers=ex.workers, depends=self.previous,
                                           cpus_per_task=ex.cpus_per_task,
                                           mem_per_cpu_gb=ex.mem_per_cpu_gb, **ex.ray_options, **common)
        else:
            from datatrove.executor import LocalPipelineExecutor

            executor = LocalPipelineExecutor(pipeline, workers=min(ex.workers, tasks),
                                             skip_completed=False, **common)
        self.chain.append(executor)
        self.names.append(name)
        self.previous = executor

    def run(self) -> None:
        """Run every executor in order (Slurm: submit the last one, which submits its dependencies)."""
        quiet = contextlib.redirect_stderr(io.StringIO()) if not self.verbose else contextlib.nullcontext()
        with quiet:  # datatrove logs per task go to <logs>/<step>/logs/ instead of the terminal
            if self.cfg.executor.type == "slurm":
                self.chain[-1].run()
            else:
                for number, (name, executor) in enumerate(zip(self.names, self.chain), 1):
                    if self.show_progress:  # progress goes to stdout; stderr carries only errors
                        print(f"corpus [{number}/{len(self.chain)}] {name.split('-', 1)[1]}",
                              file=sys.__stdout__, flush=True)
                    executor.run()


def build_corpus(cfg: CorpusStage, out_dir: str | Path, tokenizer_path: str, seed: int = 0, *,
                 show_progress: bool = True, verbose: bool = False, keep_work: bool = False) -> dict:
    """Build the corpus into ``out_dir`` (shards in ``corpus/``, ``stats.json``); returns the stats.

    ``tokenizer_path`` is the tokenizer (folder or hub id) counting the token budget.
    """
    for source in cfg.sources:  # an empty file is a mistake worth naming before any work
        if source.path is not None and source.path.is_file() and source.path.stat().st_size == 0:
            raise located(source.path, "empty file: no documents to read")
    load_tokenizer(tokenizer_path)  # fail now, with one clear line, not inside the last step
    out_dir = Path(out_dir)
    work = out_dir / ".work"
    logs = work / "logs"
    tasks = cfg.executor.tasks or default_tasks(cfg)
    chain = Executors(cfg, logs, verbose, show_progress)
    by_lang = work / "by_lang"
    split_by_lang = "${lang}/${rank}.jsonl.zst"
    bad_input_dir = work / "bad_input"

    filters = [LengthFilter(cfg.min_chars, cfg.max_chars)]
    excluded = _excluded_digests(cfg)
    if excluded:
        filters.append(ExcludeFilter(excluded))
    if cfg.url_suffixes:
        filters.append(UrlSuffixFilter(cfg.url_suffixes, cfg.url_missing))
    if cfg.script_min_share > 0:
        langs = {s.lang for s in cfg.sources}
        filters.append(ScriptFilter({lang: cfg.scripts_for(lang) for lang in langs},
                                    cfg.script_min_share))
    if cfg.language_id:
        filters.append(LanguageIdFilter(cfg.candidates(), cfg.language_id_min_chars,
                                        cfg.language_id_min_confidence, cfg.language_id_backend,
                                        cfg.language_id_sample_chars))
    readers = [reader_for(source, cfg.on_error, str(bad_input_dir)) for source in cfg.sources]
    filtered = work / "filtered"
    # datatrove readers fail on a missing folder: a step whose input is all filtered away must
    # find an empty folder instead
    for folder in (filtered, work / "exact", *(by_lang / lang for lang in cfg.mix)):
        folder.mkdir(parents=True, exist_ok=True)
    chain.add("1-filter", [*readers, *filters, Tally("filtered"),
                           _shards(filtered) if cfg.dedup else _shards(by_lang, split_by_lang)], tasks)

    if cfg.dedup:
        exact = ExactDedupConfig(content_getter=normalised_content, hash_config=HASH)
        chain.add("2-exact-signatures", [_reader(filtered),
                                         ExactDedupSignature(str(work / "exact_sigs"), exact)], tasks)
        chain.add("3-exact-find", [ExactFindDedups(str(work / "exact_sigs"), str(work / "exact_dups"),
                                                   exact)], 1)
        deduped = work / "exact"
        chain.add("4-exact-filter", [
            _reader(filtered), ExactDedupFilter(str(work / "exact_dups"), exact), Tally("exact_dedup"),
            _shards(deduped) if cfg.near_dedup else _shards(by_lang, split_by_lang)], tasks)
        if cfg.near_dedup:
            mh = minhash_config(cfg, seed)
            chain.add("5-minhash-signatures", [_reader(deduped), TextMinhashSignature(
                str(work / "mh_sigs"), mh, language=RegexWordTokenizer())], tasks)
            chain.add("6-minhash-buckets", [MinhashDedupBuckets(str(work / "mh_sigs"),
                                                                str(work / "mh_buckets"), config=mh)],
                      mh.num_buckets)
            chain.add("7-minhash-cluster", [MinhashDedupCluster(str(work / "mh_buckets"),
                                                                str(work / "mh_remove"), config=mh)], 1)
            chain.add("8-minhash-filter", [_reader(deduped), MinhashDedupFilter(str(work / "mh_remove")),
                                           Tally("near_dedup"), _shards(by_lang, split_by_lang)], tasks)

    on_done = partial(write_stats, cfg=cfg, out_dir=str(out_dir), logs=str(logs),
                      bad_input_dir=str(bad_input_dir), tasks=tasks, seed=seed)
    chain.add("9-mix", [RatioMixer(
        str(by_lang), str(out_dir), cfg.mix, cfg.mix_by, cfg.token_budget, seed, tokenizer_path,
        cfg.shuffle_buffer, cfg.output_format, cfg.shard_mb * 2**20, cfg.corpus_jsonl,
        on_done=on_done, show_progress=show_progress)], 1)

    try:
        chain.run()
    except Exception as err:
        if not keep_work:
            shutil.rmtree(work, ignore_errors=True)
        if isinstance(err, UserError):
            raise
        if type(err).__name__ == "UserError":  # raised in a worker process, re-created by the pool
            raise UserError(str(err)) from None
        raise
    if cfg.executor.type == "slurm":
        return {"submitted": True, "logs": str(logs)}
    stats = json.loads((out_dir / "stats.json").read_text(encoding="utf-8"))
    if not keep_work:
        shutil.rmtree(work, ignore_errors=True)
    if stats["documents"] == 0:
        raise UserError(f"no document is left for the corpus (read {stats['input_documents']}, "
                        f"dropped {stats['dropped']}, stopped: {stats['stopped_because']})")
    return stats


def run_stage(cfg: CorpusStage, ctx: RunContext) -> dict:
    """The recipe's ``corpus`` stage."""
    if cfg.executor.type == "slurm":  # the runner renames the stage folder before the jobs run
        raise UserError("corpus stage: executor slurm submits jobs and returns; in a recipe use "
                        "local or ray, or build with `langadapt data corpus` and point to it")
    stats = build_corpus(cfg, ctx.work_dir, ctx.model_path(cfg.tokenizer), ctx.seed)
    print(summary(stats))
    return stats
