"""Throughput of the Llammas bitext preset: langadapt's filters vs. the `opusfilter` package.

Both run the same eight filters with the same options (``preset_config("llammas", "en", "et")``,
which is an OpusFilter configuration list) on the same ~68k shared English-Estonian pairs in one
process, after both have loaded their language-ID model. OpusFilter runs its filters chained, as
its ``filter`` step does (each filter sees only the survivors of the previous ones); langadapt
runs its ``BitextFilter`` pipeline with duplicate removal off, so both do the same work.
Prints one JSON object: pairs/s of each, the speedup, and the share of pairs on which the two
keep/drop decisions agree.

Needs opusfilter (``pip install --no-deps opusfilter==3.3.1 iso639-lang ruamel.yaml``). Its
LangidFilter calls py3langid's pre-0.4 loader name; an alias loads the same model from 0.4.

Usage: python benchmarks/bitext_filters.py [--data ../shared/data/bitext] [--repeat 2]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

CORPORA = ["tatoeba", "wmt18_newsdev", "libreoffice_help", "gettext_ui"]


def load_pairs(data: Path) -> list[tuple[str, str]]:
    pairs = []
    for name in CORPORA:
        src = (data / f"{name}.en").read_text(encoding="utf-8").split("\n")[:-1]
        tgt = (data / f"{name}.et").read_text(encoding="utf-8").split("\n")[:-1]
        pairs += [(s.rstrip(), t.rstrip()) for s, t in zip(src, tgt)]
    return pairs


def run_opusfilter(config: list[dict], pairs: list[tuple[str, str]], repeat: int) -> tuple[float, set]:
    from py3langid.langid import LanguageIdentifier

    if not hasattr(LanguageIdentifier, "from_pickled_model"):
        LanguageIdentifier.from_pickled_model = classmethod(lambda cls, path, **kw: cls.from_model_file(path, **kw))
    from opusfilter import filters

    built = [getattr(filters, name)(**options) for entry in config for name, options in entry.items()]
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        chain = iter(pairs)
        for flt in built:
            chain = flt.filter(chain)
        kept = set(chain)
        best = min(best, time.perf_counter() - start)
    return best, kept


def run_langadapt(config: list[dict], pairs: list[tuple[str, str]], repeat: int) -> tuple[float, set]:
    from langadapt.data.bitext.pipeline import BitextFilter

    rows = [{"src": s, "tgt": t, "src_lang": "en", "tgt_lang": "et", "source": "bench"} for s, t in pairs]
    BitextFilter("en", "et", filters=config, dedup=False)  # loads and self-checks the langid model once
    best = float("inf")
    for _ in range(repeat):
        pipeline = BitextFilter("en", "et", filters=config, dedup=False)
        start = time.perf_counter()
        kept = []
        for i in range(0, len(rows), 50_000):
            kept += pipeline.process(rows[i:i + 50_000])
        best = min(best, time.perf_counter() - start)
    return best, {(p["src"], p["tgt"]) for p in kept}


def main() -> None:
    from langadapt.data.bitext.pipeline import preset_config

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[1].parent / "shared/data/bitext")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each; the fastest counts (default 2)")
    args = parser.parse_args()
    pairs = load_pairs(args.data)
    config = preset_config("llammas", "en", "et")
    ours_s, ours_kept = run_langadapt(config, pairs, args.repeat)
    theirs_s, theirs_kept = run_opusfilter(config, pairs, args.repeat)
    agree = sum((p in ours_kept) == (p in theirs_kept) for p in pairs) / len(pairs)
    print(json.dumps({
        "benchmark": "bitext_filters",
        "preset": "llammas",
        "pairs": len(pairs),
        "pairs_per_s": {"langadapt": round(len(pairs) / ours_s), "opusfilter": round(len(pairs) / theirs_s)},
        "seconds": {"langadapt": round(ours_s, 3), "opusfilter": round(theirs_s, 3)},
        "speedup": round(theirs_s / ours_s, 2),
        "agreement": round(agree, 6),
        "kept": {"langadapt": sum(p in ours_kept for p in pairs), "opusfilter": sum(p in theirs_kept for p in pairs)},
    }))


if __name__ == "__main__":
    main()
