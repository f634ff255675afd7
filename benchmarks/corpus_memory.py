"""Peak memory and speed of the corpus builder for 10k vs 200k generated documents.

Claim: peak RSS does not grow with the corpus (ratio large/small <= 1.2). Documents are generated
from the project's shipped Estonian and English sentences (3-8 per document, synthetic URLs, 5%
exact duplicates), written as JSONL shards of 10k documents (as CulturaX ships its data: many
files), and built with the full pipeline (filters, exact + MinHash dedup, 75/25 mix, no budget).
Each size runs in a fresh process, so the two peaks are measured independently.

    .venv/bin/python benchmarks/corpus_memory.py [--small 10000] [--large 200000]
"""

from __future__ import annotations

import argparse
import json
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
DOCS_PER_FILE = 10000


def _sentences(paths: list[Path]) -> list[str]:
    return [line.strip() for p in paths for line in p.read_text(encoding="utf-8").splitlines()
            if len(line.strip()) > 20]


def generate(folder: Path, n_docs: int, seed: int = 0) -> dict[str, list[Path]]:
    rng = random.Random(seed)
    pools = {"et": _sentences(sorted((DATA / "et").glob("*.txt"))),
             "en": _sentences(sorted((DATA / "en").glob("*.txt")))}
    files: dict[str, list[Path]] = {"et": [], "en": []}
    handles: dict = {}
    counts = {"et": 0, "en": 0}
    recent: list[dict] = []
    for i in range(n_docs):
        lang = "et" if rng.random() < 0.7 else "en"
        if recent and rng.random() < 0.05:
            row = dict(rng.choice(recent), id=f"dup{i}")  # an exact duplicate of a recent document
            lang = row["lang"]
        else:
            text = " ".join(rng.choice(pools[lang]) for _ in range(rng.randint(3, 8)))
            site = rng.choice([".ee", ".ee", ".org", ".net", ".com"])
            row = {"text": text, "url": f"https://site{rng.randrange(10**6)}.example{site}/{i}",
                   "lang": lang, "id": f"doc{i}"}
            recent = (recent + [row])[-1000:]
        if counts[lang] % DOCS_PER_FILE == 0:
            if lang in handles:
                handles[lang].close()
            path = folder / lang / f"{len(files[lang]):05d}.jsonl"
            path.parent.mkdir(parents=True, exist_ok=True)
            files[lang].append(path)
            handles[lang] = open(path, "w", encoding="utf-8")
        handles[lang].write(json.dumps(row, ensure_ascii=False) + "\n")
        counts[lang] += 1
    for handle in handles.values():
        handle.close()
    return files


def measure(n_docs: int) -> dict:
    """Generate, build and report (runs inside the child process)."""
    from langadapt.data.corpus.pipeline import build_corpus
    from langadapt.data.corpus.stage import CorpusStage

    with tempfile.TemporaryDirectory() as tmp:
        generate(Path(tmp) / "in", n_docs)
        cfg = CorpusStage.model_validate({
            "sources": [{"path": Path(tmp) / "in" / "et", "lang": "et", "format": "jsonl"},
                        {"path": Path(tmp) / "in" / "en", "lang": "en", "format": "jsonl"}],
            "mix": {"et": 0.75, "en": 0.25}, "corpus_jsonl": False})
        start = time.perf_counter()
        stats = build_corpus(cfg, Path(tmp) / "out", str(TOKENIZER), seed=0, show_progress=False)
        seconds = time.perf_counter() - start
    return {"docs": n_docs, "seconds": round(seconds, 2), "docs_per_s": round(n_docs / seconds, 1),
            "rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "kept": stats["documents"], "exact_duplicates": stats["dropped"]["exact_duplicate"]}


def run_child(n_docs: int) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", str(n_docs)], capture_output=True,
                         text=True, check=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=10000)
    parser.add_argument("--large", type=int, default=200000)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child)))
        return
    small, large = run_child(args.small), run_child(args.large)
    print(json.dumps({
        "baseline": f"the same pipeline on {args.small} documents",
        "docs_small": args.small, "docs_large": args.large, "docs_per_input_file": DOCS_PER_FILE,
        "rss_mb_small": small["rss_mb"], "rss_mb_large": large["rss_mb"],
        "rss_ratio": round(large["rss_mb"] / small["rss_mb"], 3),
        "docs_per_s_small": small["docs_per_s"], "docs_per_s_large": large["docs_per_s"],
        "seconds_small": small["seconds"], "seconds_large": large["seconds"],
        "kept_small": small["kept"], "kept_large": large["kept"],
        "exact_duplicates_small": small["exact_duplicates"],
        "exact_duplicates_large": large["exact_duplicates"],
    }))


if __name__ == "__main__":
    main()
