"""Tokenizing a corpus into shards: one datatrove task per output shard.

The writer is a datatrove pipeline step run by datatrove's executor (parallel tasks, per-task
completion markers, so a killed run redoes only unfinished tasks). We write the step ourselves
instead of using datatrove's ``DocumentTokenizer`` because it tokenizes with the bare
``tokenizers`` library: it cannot read a SentencePiece-only (slow) tokenizer, frames documents
with its own post-processor instead of the model's ``BOS``/``EOS`` ids, and counts tokens only in
total. Here every document is tokenized exactly as ``train.inputs.document_tokens`` does (the
in-memory path), token counts are kept per language, and each shard appears only when complete.
The file layout is datatrove's (see ``shards``).
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

import numpy as np
from datatrove.pipeline.base import PipelineStep

from langadapt.data.corpus.documents import corpus_files, iter_file_documents
from langadapt.data.tokens.shards import SHARDS_DIR, token_dtype

BATCH_DOCUMENTS = 1000  # documents tokenized per call: large enough for the fast tokenizer's threads


def shard_name(rank: int) -> str:
    return f"{rank:05d}.ds"


class TokenShardWriter(PipelineStep):
    """Tokenizes this task's part of the corpus into ``NNNNN.ds`` + ``.index`` + ``.stats.json``."""

    name = "token shards"
    type = "tokenize"

    def __init__(self, corpus_dir: str, out_dir: str, tokenizer_ref: str,
                 allow_pickle: bool = False, trust_remote_code: bool = False):
        super().__init__()
        self.corpus_dir, self.out_dir, self.tokenizer_ref = corpus_dir, out_dir, tokenizer_ref
        self.loading = (allow_pickle, trust_remote_code)  # the parent's policy, for a fresh process

    def documents(self, rank: int, world_size: int):
        """This task's documents: whole files when there are enough to go round, else every
        ``world_size``-th document (each task then reads all lines but tokenizes its own)."""
        files = corpus_files(self.corpus_dir)
        if len(files) >= world_size:
            for path in files[rank::world_size]:
                yield from iter_file_documents(path)
            return
        for i, doc in enumerate(d for path in files for d in iter_file_documents(path)):
            if i % world_size == rank:
                yield doc

    def run(self, data=None, rank: int = 0, world_size: int = 1):
        from langadapt.modeling import LOADING, load_tokenizer
        from langadapt.train.inputs import document_tokens

        LOADING.allow_pickle, LOADING.trust_remote_code = self.loading
        tokenizer = load_tokenizer(self.tokenizer_ref)
        dtype = token_dtype(len(tokenizer))
        folder = Path(self.out_dir) / SHARDS_DIR
        final = folder / shard_name(rank)
        if final.with_name(final.name + ".stats.json").is_file():
            return  # finished by an earlier, interrupted run (written last, so all three exist)
        partial = folder / f".{shard_name(rank)}.partial"
        ends: list[int] = []
        by_lang: Counter = Counter()
        docs_by_lang: Counter = Counter()
        written = 0
        batch: list[dict] = []
        with open(partial, "wb") as out:
            def flush():
                nonlocal written
                for doc, ids in zip(batch, document_tokens(tokenizer, [d["text"] for d in batch])):
                    out.write(np.asarray(ids, dtype=dtype).tobytes())
                    written += len(ids)
                    ends.append(written)
                    lang = doc.get("lang") or "unknown"
                    by_lang[lang] += len(ids)
                    docs_by_lang[lang] += 1
                self.stat_update("documents", value=len(batch))
                batch.clear()

            for doc in self.documents(rank, world_size):
                if doc.get("text"):
                    batch.append(doc)
                if len(batch) >= BATCH_DOCUMENTS:
                    flush()
            if batch:
                flush()
            out.flush()
            os.fsync(out.fileno())
        index = folder / f".{shard_name(rank)}.index.partial"
        np.asarray(ends, dtype="<u8").tofile(index)
        os.replace(partial, final)
        os.replace(index, final.with_name(final.name + ".index"))
        stats = {"documents": len(ends), "tokens": written, "tokens_by_lang": dict(by_lang),
                 "documents_by_lang": dict(docs_by_lang)}
        stats_partial = folder / f".{shard_name(rank)}.stats.partial"
        stats_partial.write_text(json.dumps(stats), encoding="utf-8")
        os.replace(stats_partial, final.with_name(final.name + ".stats.json"))
        return
        yield  # a generator, as datatrove's executor expects of a step
