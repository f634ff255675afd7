"""ROUGE-L dedup of generated instructions: langadapt's index vs. rouge-score (what Alpaca uses).

5,000 candidate instructions are checked against a pool of 20,000 (the size Alpaca-style runs
reach early; Alpaca-est ends near 52k): a candidate is dropped when its ROUGE-L F-measure with any
pool instruction exceeds 0.7. Instructions are built from the shipped Estonian UD sentences (an
imperative verb + a sentence window); a third of the candidates are near-copies of pool entries
(words dropped, swapped or replaced) so both outcomes occur. The pool is fixed, so every
candidate's decision is independent and both implementations can be compared one by one.

rouge-score runs the way Alpaca calls it (pool pre-tokenised, ``_score_lcs`` per pool entry,
our Unicode tokenizer, as its default would erase õ/ä/ö/ü) on an evenly spaced sample of the
candidates, since scanning the whole pool takes it about a second per candidate; langadapt runs
on all 5,000. ``speedup`` is the ratio of per-candidate times; ``agreement`` the share of sampled
candidates whose keep/drop decision (and, when dropped, score) is identical. Threads are pinned to 1.

Usage: python benchmarks/rouge_filter.py [--pool 20000] [--candidates 5000] [--reference 60]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parents[1]
VERBS = ["Selgita", "Kirjelda", "Võta kokku", "Tõlgi inglise keelde", "Paranda vead lauses",
         "Leia lausest nimisõnad", "Hinda", "Sõnasta ümber", "Kommenteeri", "Lühenda"]


def instructions(pool_size: int, candidates: int, seed: int = 0) -> tuple[list[str], list[str]]:
    sentences = []
    for name in ("ud_edt.dev.txt", "ud_edt.test.txt", "ud_ewt.dev.txt"):
        sentences += [s.split() for s in (ROOT / "demo/data/et" / name).read_text(encoding="utf-8").splitlines()
                      if len(s.split()) >= 6]
    rng = random.Random(seed)

    def fresh() -> str:
        words = rng.choice(sentences)
        start = rng.randrange(max(1, len(words) - 5))
        return f"{rng.choice(VERBS)}: " + " ".join(words[start:start + rng.randint(5, 18)])

    pool = [fresh() for _ in range(pool_size)]
    cands = []
    for i in range(candidates):
        if i % 3:
            cands.append(fresh())
            continue
        words = rng.choice(pool).split()
        edit = rng.randrange(3)
        if edit == 0:
            words = [w for w in words if rng.random() > 0.2] or words
        elif edit == 1 and len(words) > 2:
            k = rng.randrange(len(words) - 1)
            words[k], words[k + 1] = words[k + 1], words[k]
        else:
            words = [rng.choice(rng.choice(sentences)) if rng.random() < 0.3 else w for w in words]
        cands.append(" ".join(words))
    return pool, cands


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pool", type=int, default=20000)
    parser.add_argument("--candidates", type=int, default=5000)
    parser.add_argument("--reference", type=int, default=60, help="candidates rouge-score checks")
    parser.add_argument("--threshold", type=float, default=0.7)
    args = parser.parse_args()

    from rouge_score import rouge_scorer

    from langadapt.data.self_instruct.rouge import RougeIndex, tokenize

    pool, cands = instructions(args.pool, args.candidates)

    started = time.perf_counter()
    index = RougeIndex()
    for text in pool:
        index.add(text)
    build_s = time.perf_counter() - started
    started = time.perf_counter()
    ours = [index.max_score(c, args.threshold) for c in cands]
    ours_s = time.perf_counter() - started

    sample = list(range(0, len(cands), max(1, len(cands) // args.reference)))[:args.reference]
    pool_tokens = [tokenize(p) for p in pool]  # Alpaca pre-tokenises the pool the same way
    started = time.perf_counter()
    theirs = []
    for i in sample:
        tokens = tokenize(cands[i])
        theirs.append(max(rouge_scorer._score_lcs(tokens, p).fmeasure for p in pool_tokens))
    ref_s = time.perf_counter() - started

    agree = 0
    for i, best in zip(sample, theirs):
        score, _ = ours[i]
        same = (score > args.threshold) == (best > args.threshold)
        agree += same and (best <= args.threshold or score == best)
    ours_per = ours_s / len(cands)
    ref_per = ref_s / len(sample)
    print(json.dumps({
        "pool": len(pool), "candidates": len(cands), "threshold": args.threshold,
        "dropped": sum(s > args.threshold for s, _ in ours),
        "ours_s": round(ours_s, 3), "ours_ms_per_candidate": round(1000 * ours_per, 3),
        "ours_index_build_s": round(build_s, 3),
        "reference_candidates": len(sample), "reference_dropped": sum(b > args.threshold for b in theirs),
        "reference_s": round(ref_s, 3), "reference_ms_per_candidate": round(1000 * ref_per, 3),
        "speedup": round(ref_per / ours_per, 1), "agreement": agree / len(sample),
    }))


if __name__ == "__main__":
    main()
