"""Ratio mixing to a token budget, as a datatrove step that streams (memory independent of size).

Each language's filtered, deduplicated documents are read as a stream (files in a seeded order,
then a fixed-size seeded shuffle buffer) and tokenized in batches with the adapted model's
tokenizer. Documents are taken one at a time from the language furthest below its target share
(of tokens or of documents) until the token budget is reached — overshooting by at most one
document — or a language runs out, which stops the mix rather than skewing it. Only one buffer
per language is ever held, so peak memory is the same for 10 thousand or 10 billion documents.
"""

from __future__ import annotations

import random
import sys
from collections import Counter
from collections.abc import Callable, Iterator

from datatrove.data import Document
from datatrove.io import get_datafolder
from datatrove.pipeline.base import PipelineStep
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.writers import JsonlWriter, ParquetWriter

TOKEN_BATCH = 256


def contract_row(self, doc: Document) -> dict:
    """A document in the corpus data contract: {text, lang, source, url?, id?}."""
    row = {"text": doc.text, "lang": doc.metadata["lang"], "source": doc.metadata["source"]}
    if doc.metadata.get("url"):
        row["url"] = doc.metadata["url"]
    row["id"] = doc.id
    return row


def shuffled(items: Iterator, buffer_size: int, rng: random.Random) -> Iterator:
    """Items in a seeded random order using a buffer of ``buffer_size`` (not the whole stream)."""
    buffer: list = []
    for item in items:
        if len(buffer) < buffer_size:
            buffer.append(item)
            continue
        index = rng.randrange(buffer_size)
        yield buffer[index]
        buffer[index] = item
    rng.shuffle(buffer)
    yield from buffer


def with_token_counts(docs: Iterator[Document], count_batch: Callable[[list[str]], list[int]]):
    batch: list[Document] = []
    for doc in docs:
        batch.append(doc)
        if len(batch) == TOKEN_BATCH:
            yield from zip(batch, count_batch([d.text for d in batch]))
            batch = []
    if batch:
        yield from zip(batch, count_batch([d.text for d in batch]))


def language_stream(folder: str, seed: int, lang: str, buffer_size: int,
                    count_batch: Callable[[list[str]], list[int]]) -> Iterator[tuple[Document, int]]:
    rng = random.Random(f"{seed}:{lang}")
    data = get_datafolder(folder)
    try:
        files = sorted(data.list_files(glob_pattern="*.jsonl*"))
    except FileNotFoundError:
        files = []  # no document of this language survived the filters
    rng.shuffle(files)
    reader = JsonlReader(folder, add_file_path=False)

    def docs() -> Iterator[Document]:
        for name in files:
            yield from reader.read_file(name)

    return with_token_counts(shuffled(docs(), buffer_size, rng), count_batch)


def mix_streams(streams: dict[str, Iterator[tuple[Document, int]]], shares: dict[str, float],
                mix_by: str, budget: int | None, progress=None,
                state: dict | None = None) -> Iterator[tuple[Document, int]]:
    """Greedy ratio mix: always draw from the language furthest below its share; stop at budget.

    ``state["stopped"]`` says why it stopped: ``token_budget`` or ``<lang> ran out``.
    """
    state = {} if state is None else state
    units = dict.fromkeys(shares, 0)
    tokens = 0
    state["stopped"] = "token_budget"
    while budget is None or tokens < budget:
        total = sum(units.values()) or 1
        lang = min(shares, key=lambda code: units[code] / total - shares[code])
        item = next(streams[lang], None)
        if item is None:
            state["stopped"] = f"{lang} ran out"
            return  # that language ran out: stop rather than skew the mix
        doc, n_tokens = item
        units[lang] += n_tokens if mix_by == "tokens" else 1
        tokens += n_tokens
        if progress is not None:
            progress.update(n_tokens)
        yield doc, n_tokens


class RatioMixer(PipelineStep):
    """Final step (one task): mix the per-language streams and write the output shards."""

    type = "🥣 - MIX"
    name = "ratio mix"

    def __init__(self, input_folder: str, output_folder: str, shares: dict[str, float], mix_by: str,
                 budget: int | None, seed: int, tokenizer_path: str, buffer_size: int,
                 output_format: str, shard_bytes: int, corpus_jsonl: bool,
                 on_done: Callable[[dict], None] | None = None, show_progress: bool = True):
        super().__init__()
        self.input_folder, self.output_folder = input_folder, output_folder
        self.shares, self.mix_by, self.budget, self.seed = shares, mix_by, budget, seed
        self.tokenizer_path, self.buffer_size = tokenizer_path, buffer_size
        self.output_format, self.shard_bytes, self.corpus_jsonl = output_format, shard_bytes, corpus_jsonl
        self.on_done, self.show_progress = on_done, show_progress

    def _writers(self) -> list:
        shards = f"{self.output_folder}/corpus"
        if self.output_format == "parquet":
            main = ParquetWriter(shards, output_filename="part-${rank}.parquet", adapter=contract_row,
                                 max_file_size=self.shard_bytes)
        else:
            main = JsonlWriter(shards, output_filename="part-${rank}.jsonl.gz", compression="gzip",
                               adapter=contract_row, max_file_size=self.shard_bytes)
        extra = [JsonlWriter(self.output_folder, output_filename="corpus.jsonl", compression=None,
                             adapter=contract_row)] if self.corpus_jsonl else []
        return [main, *extra]

    def run(self, data=None, rank: int = 0, world_size: int = 1):
        from tqdm import tqdm

        from langadapt.modeling import load_tokenizer

        tokenizer = load_tokenizer(self.tokenizer_path)

        def count_batch(texts: list[str]) -> list[int]:
            with self.track_time("batch"):
                return [len(ids) for ids in tokenizer(texts, add_special_tokens=False)["input_ids"]]

        streams = {lang: language_stream(f"{self.input_folder}/{lang}", self.seed, lang,
                                         self.buffer_size, count_batch) for lang in self.shares}
        docs_by: Counter = Counter()
        tokens_by: Counter = Counter()
        writers = self._writers()
        state: dict = {}
        # the real stderr: the builder hides datatrove's per-task logs by redirecting sys.stderr
        with tqdm(total=self.budget, unit="tok", desc="mixing", file=sys.__stderr__, mininterval=1,
                  disable=not self.show_progress) as bar:
            try:
                for doc, n_tokens in mix_streams(streams, self.shares, self.mix_by, self.budget, bar,
                                                 state):
                    key = (doc.metadata["lang"], doc.metadata["source"])
                    docs_by[key] += 1
                    tokens_by[key] += n_tokens
                    self.stat_update("documents")
                    self.stat_update("tokens", value=n_tokens)
                    for writer in writers:
                        writer.write(doc, rank)
            finally:
                for writer in writers:
                    writer.close()
        result = {"documents": docs_by, "tokens": tokens_by, "stopped": state.get("stopped")}
        if self.on_done is not None:
            self.on_done(result)
        return
        yield  # a generator like every datatrove step
