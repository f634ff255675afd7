"""Peak memory of the pretraining data path: ~2M vs ~20M tokens, streamed vs in memory.

Claim: with token shards the pretrain stage's data path (tokenize the corpus, then iterate one
epoch of packed rows in a seeded random order, as the trainer does — no model) has a peak RSS
flat in corpus size: ``rss_ratio`` = large / small <= 1.3. The baseline is the in-memory path it
replaced (``train.inputs.document_rows``: every document tokenized into Python lists and packed
into int64 arrays), measured on the same corpora in the same run. Tokenization speed is reported
with 1 and 2 datatrove workers (4 tasks over 4 corpus files of the large corpus), with the
tokenizer's own threads off (``TOKENIZERS_PARALLELISM=false``, as ``make`` runs everything) so
the scaling shown is the executor's.

Documents are the shipped Estonian and English sentences, 3-8 per document, each repeat varied
by a document number so the corpus is not one text many times. Every measurement runs in a fresh
process. Tokenizer: the demo base model's.

    .venv/bin/python benchmarks/pretrain_memory.py [--small 2000000] [--large 20000000]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "demo" / "data"
TOKENIZER = ROOT / "demo" / "base-model"
CHARS_PER_TOKEN = 2.2  # the demo tokenizer on this text; only sizes the generated corpus
BLOCK = 1024


def generate(folder: Path, tokens: int, files: int = 4, seed: int = 0) -> None:
    rng = random.Random(seed)
    pools = {lang: [ln.strip() for p in sorted((DATA / lang).glob("*.txt"))
                    for ln in p.read_text(encoding="utf-8").splitlines() if len(ln.strip()) > 20]
             for lang in ("et", "en")}
    folder.mkdir(parents=True)
    handles = [open(folder / f"{i:03d}.jsonl", "w", encoding="utf-8") for i in range(files)]
    chars, target, n = 0, tokens * CHARS_PER_TOKEN, 0
    while chars < target:
        lang = "et" if rng.random() < 0.75 else "en"
        text = f"{n}. " + " ".join(rng.choice(pools[lang]) for _ in range(rng.randint(3, 8)))
        handles[n % files].write(json.dumps({"text": text, "lang": lang}, ensure_ascii=False) + "\n")
        chars += len(text)
        n += 1
    for handle in handles:
        handle.close()


def _as_corpus_stage(files: Path, stage: Path) -> Path:
    """A corpus stage folder (corpus/*.jsonl.gz shards) over the generated files."""
    import gzip
    import shutil

    (stage / "corpus").mkdir(parents=True)
    for path in sorted(files.glob("*.jsonl")):
        with open(path, "rb") as src, gzip.open(stage / "corpus" / (path.name + ".gz"), "wb",
                                                 compresslevel=1) as dst:
            shutil.copyfileobj(src, dst)
    return stage


def child(mode: str, corpus: str, out: str, workers: int) -> None:
    """One measurement in this (fresh) process; prints a JSON line."""
    import numpy as np

    started = time.perf_counter()
    if mode == "streamed":
        from langadapt.data.tokens.pipeline import tokenize_corpus
        from langadapt.data.tokens.shards import TokenShards
        from langadapt.train.streaming import TokenWindows

        stats = tokenize_corpus(corpus, str(TOKENIZER), out, tasks=4, workers=workers)
        tokenized = time.perf_counter()
        rows = TokenWindows(TokenShards(out), BLOCK, 0)
        total = 0
        for i in np.random.default_rng(0).permutation(len(rows)):
            ids, labels, _ = rows.row(int(i))
            total += int((labels != -100).sum())
        tokens = stats["tokens"]
    else:
        from langadapt.data.corpus.documents import iter_corpus_texts
        from langadapt.modeling import load_tokenizer
        from langadapt.train.inputs import document_rows

        texts = list(iter_corpus_texts(corpus))
        rows = document_rows(load_tokenizer(str(TOKENIZER)), texts, BLOCK)
        tokenized = time.perf_counter()
        total = sum(int((rows.labels[i] != -100).sum())
                    for i in np.random.default_rng(0).permutation(len(rows)))
        tokens = rows.real_tokens
    print(json.dumps({
        "tokens": tokens, "labelled": total,
        "tokenize_s": round(tokenized - started, 2),
        "iterate_s": round(time.perf_counter() - tokenized, 2),
        "rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }))


def measure(mode: str, corpus: Path, out: Path, workers: int = 1) -> dict:
    env = {**os.environ, "TOKENIZERS_PARALLELISM": "false"}
    done = subprocess.run([sys.executable, __file__, "--child", mode, str(corpus), str(out),
                           str(workers)], capture_output=True, text=True, check=True, env=env)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=2_000_000)
    parser.add_argument("--large", type=int, default=20_000_000)
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        mode, corpus, out, workers = args.child
        return child(mode, corpus, out, int(workers))
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        results = {}
        for size, tokens in (("small", args.small), ("large", args.large)):
            generate(tmp / f"{size}-files", tokens)
            corpus = _as_corpus_stage(tmp / f"{size}-files", tmp / f"{size}-corpus")
            results[size] = {
                "streamed": measure("streamed", corpus, tmp / f"{size}-tokens"),
                "in_memory": measure("in_memory", corpus, tmp / "unused"),
            }
        small, large = results["small"]["streamed"], results["large"]["streamed"]
        two = measure("streamed", tmp / "large-corpus", tmp / "large-tokens-2w", workers=2)
    print(json.dumps({
        "block_size": BLOCK,
        "tokens_small": small["tokens"], "tokens_large": large["tokens"],
        "rss_mb_small": small["rss_mb"], "rss_mb_large": large["rss_mb"],
        "rss_ratio": round(large["rss_mb"] / small["rss_mb"], 3),
        "baseline_in_memory_rss_mb_small": results["small"]["in_memory"]["rss_mb"],
        "baseline_in_memory_rss_mb_large": results["large"]["in_memory"]["rss_mb"],
        "baseline_in_memory_rss_ratio": round(results["large"]["in_memory"]["rss_mb"]
                                              / results["small"]["in_memory"]["rss_mb"], 3),
        "memory_saving_large": round(results["large"]["in_memory"]["rss_mb"] / large["rss_mb"], 2),
        "tokenize_tokens_per_s_1_worker": round(large["tokens"] / large["tokenize_s"]),
        "tokenize_tokens_per_s_2_workers": round(two["tokens"] / two["tokenize_s"]),
        "iterate_rows_per_s_large": round(large["tokens"] / BLOCK / max(large["iterate_s"], 1e-9)),
        "labelled_tokens_equal": all(r["streamed"]["labelled"] == r["in_memory"]["labelled"]
                                     for r in results.values()),
    }))


if __name__ == "__main__":
    main()
