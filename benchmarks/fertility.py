"""Benchmark: Llama 2 tokenizer extended for Estonian, token counts on FLORES-200 dev.

Baseline: the real Llama 2 SentencePiece tokenizer. Extension corpus: every shipped Estonian
text except FLORES (``et/*`` and the Estonian side of the other bitexts). For 8k and 16k it
measures:

- ``source: corpus``: BPE merges learned on Llama 2's own segmentation of the corpus
  (``--corpus``, 8k / 16k new pieces);
- ``source: new_word_counts``: only ``--new``, an Estonian SentencePiece BPE of 8k / 16k pieces
  trained by ``vocab train``: merges learned on Llama 2's segmentation of the word counts it saved,
  as many as it has pieces Llama 2 lacks, with and without ``new_pieces_only``;
- ``strategy: append``: appending 8k / 16k pieces of a 32k Estonian SentencePiece BPE.

Claim checked: Estonian tokens at least 30% fewer, English at most 0.5% more. Prints one JSON
object. Takes a few minutes on two cores (``--no-append`` / ``--no-from-new`` skip parts).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from langadapt.text import nonblank_lines  # noqa: E402
from langadapt.vocab.adapt import adapt_vocabulary  # noqa: E402
from langadapt.vocab.fertility import count_tokens  # noqa: E402
from langadapt.vocab.load import load_tokenizer  # noqa: E402
from langadapt.vocab.train import train_tokenizer  # noqa: E402

MAX_ET_CHANGE, MAX_EN_CHANGE = -0.30, 0.005


def measure(tokenizer_dir: Path, eval_lines: dict[str, list[str]], baseline: dict[str, int]) -> dict:
    tok = load_tokenizer(tokenizer_dir)
    counts = {lang: count_tokens(tok, lines) for lang, lines in eval_lines.items()}
    backend = tok.backend_tokenizer
    roundtrip_ok = all(
        backend.decode(backend.encode(line, add_special_tokens=False).ids, skip_special_tokens=False) == line
        for lines in eval_lines.values() for line in lines)
    change = {lang: round(counts[lang] / baseline[lang] - 1, 4) for lang in counts}
    return {"vocab_size": len(tok), "et_tokens": counts["et"], "en_tokens": counts["en"],
            "et_change": change["et"], "en_change": change["en"], "roundtrip_ok": roundtrip_ok,
            "meets_claim": change["et"] <= MAX_ET_CHANGE and change["en"] <= MAX_EN_CHANGE}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--sizes", type=int, nargs="+", default=[8000, 16000])
    parser.add_argument("--no-append", action="store_true", help="skip the append comparison")
    parser.add_argument("--no-from-new", action="store_true", help="skip the --new word-count runs")
    args = parser.parse_args()
    data = args.data
    base = data / "tokenizers" / "llama2" / "tokenizer.model"
    corpus = sorted((data / "et").glob("*.txt")) + sorted(
        p for p in (data / "bitext").glob("*.et") if not p.name.startswith("flores"))
    eval_lines = {lang: list(nonblank_lines([data / "bitext" / f"flores200_dev.{lang}"])) for lang in ("et", "en")}
    base_tok = load_tokenizer(base)
    baseline = {lang: count_tokens(base_tok, lines) for lang, lines in eval_lines.items()}
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for size in args.sizes:
            start = time.perf_counter()
            adapt_vocabulary(base, None, "extend", tmp / f"merges-{size}", corpus=corpus, new_tokens=size)
            row = {"strategy": "merges", "source": "corpus", "new_tokens": size,
                   "seconds": round(time.perf_counter() - start, 1)}
            results.append(row | measure(tmp / f"merges-{size}", eval_lines, baseline))
        for size in [] if args.no_from_new else args.sizes:
            start = time.perf_counter()
            train_tokenizer(corpus, size, "bpe", tmp / f"et-spm-{size}")  # saves word_counts.tsv.gz
            trained = round(time.perf_counter() - start, 1)
            for only in (False, True):
                start = time.perf_counter()
                out = tmp / f"from-new-{size}-{only}"
                stats = adapt_vocabulary(base, tmp / f"et-spm-{size}", "extend", out, new_pieces_only=only)
                row = {"strategy": stats["strategy"], "source": "new_word_counts", "new_tokenizer_size": size,
                       "new_pieces_only": only, "new_tokens": stats["tokens_added"], "train_seconds": trained,
                       "seconds": round(time.perf_counter() - start, 1)}
                results.append(row | measure(out, eval_lines, baseline))
        if not args.no_append:
            start = time.perf_counter()
            # Big enough that it holds max(sizes) pieces Llama 2 lacks.
            train_tokenizer(corpus, 2 * max(args.sizes), "bpe", tmp / "et-spm")
            trained = round(time.perf_counter() - start, 1)
            for size in args.sizes:
                start = time.perf_counter()
                adapt_vocabulary(base, tmp / "et-spm", "extend", tmp / f"append-{size}", new_tokens=size,
                                 strategy="append")
                row = {"strategy": "append", "source": "new", "new_tokens": size, "train_seconds": trained,
                       "seconds": round(time.perf_counter() - start, 1)}
                results.append(row | measure(tmp / f"append-{size}", eval_lines, baseline))
    chars = sum(len(line) for line in nonblank_lines(corpus))
    default = [r for r in results if r["source"] == "corpus"]
    from_new = [r for r in results if r["source"] == "new_word_counts" and not r["new_pieces_only"]]
    print(json.dumps({
        "benchmark": "llama2_estonian_extension_fertility",
        "baseline": {"tokenizer": "Llama 2 SentencePiece (32,000 pieces)", "eval": "FLORES-200 dev",
                     "et_tokens": baseline["et"], "en_tokens": baseline["en"],
                     "et_over_en": round(baseline["et"] / baseline["en"], 3)},
        "corpus": {"files": [p.name for p in corpus], "chars": chars},
        "claim": {"et_change_at_most": MAX_ET_CHANGE, "en_change_at_most": MAX_EN_CHANGE},
        "results": results,
        "pass": all(r["meets_claim"] and r["roundtrip_ok"] for r in default),
        "pass_from_new": all(r["meets_claim"] and r["roundtrip_ok"] for r in from_new) if from_new else None,
    }))


if __name__ == "__main__":
    main()
