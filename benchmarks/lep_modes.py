"""LEP propagation modes side by side on a finished demo run: swap, overlap, conversion, sparse.

Inputs are the demo's own stages: ``base`` (B), ``instruct`` (I: the base tuned on English
instructions only) and ``vocab_pretrain`` (A: extended vocabulary, embeddings-only pretraining).
Each mode propagates A's embeddings into I; every result (and I itself) is scored on the demo's
held-out text: bits per character and tokens per word (Estonian and English), and the share of
50 held-out Estonian prompts whose greedy chat-format answer ends its turn with EOS. Baseline:
the instruct model itself, in the same run. Prints one JSON object. About two minutes after
``langadapt demo`` (or ``langadapt run recipes/demo.yaml --out RUN``).

Usage: ``python benchmarks/lep_modes.py [--run runs/demo]``.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
ROOT = Path(__file__).resolve().parents[1]
HELD_OUT = {"et": ROOT / "demo/data/et/ud_ewt.test.txt", "en": ROOT / "demo/data/en/ud_ewt.test.txt"}
MODES = ("swap", "overlap", "conversion", "sparse")


def score(model_dir: Path) -> dict:
    import torch

    from langadapt.evaluate.chat_probe import ChatProbe, turn_endings
    from langadapt.evaluate.perplexity import score_texts
    from langadapt.modeling import load_model_and_tokenizer
    from langadapt.text import read_text_lines

    torch.manual_seed(0)
    model, tokenizer = load_model_and_tokenizer(str(model_dir))
    result: dict = {}
    for lang, path in HELD_OUT.items():
        scores = score_texts(model, tokenizer, read_text_lines(path, 400), 512, 8, desc=lang)
        result[f"bits_per_char_{lang}"] = round(scores["bits_per_char"], 4)
        result[f"tokens_per_word_{lang}"] = round(scores["tokens_per_word"], 3)
    probe = ChatProbe(text=HELD_OUT["et"], template="Tõlgi inglise keelde: {text}", limit=50)
    result["ends_turn_et"] = turn_endings(model, tokenizer, probe)["eos_rate"]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run", type=Path, default=ROOT / "runs" / "demo", help="demo run folder")
    args = parser.parse_args()
    from langadapt.lep.propagate import propagate_embeddings

    models = {name: args.run / name / "model" for name in ("base", "instruct", "vocab_pretrain")}
    models["base"] = ROOT / "demo" / "base-model"
    for name, path in models.items():
        if not (path / "config.json").is_file():
            raise SystemExit(f"{path}: not found; run `langadapt demo --out {args.run}` first")
    results = {"instruct": score(models["instruct"])}
    residuals = {}
    with tempfile.TemporaryDirectory() as tmp:
        for mode in MODES:
            out = Path(tmp) / mode
            manifest = propagate_embeddings(models["base"], models["instruct"], models["vocab_pretrain"],
                                            out, mode=mode)
            residuals[mode] = manifest["residuals"]
            results[mode] = score(out)
    inst = results["instruct"]
    conv, swap = results["conversion"], results["swap"]
    print(json.dumps({
        "run": str(args.run), "results": results, "residuals": residuals,
        "conversion_vs_swap_bits_per_char_et": round(conv["bits_per_char_et"] - swap["bits_per_char_et"], 4),
        "tokens_per_word_et_change_vs_instruct": round(conv["tokens_per_word_et"] / inst["tokens_per_word_et"] - 1, 4),
        "bits_per_char_en_change_vs_instruct": round(conv["bits_per_char_en"] / inst["bits_per_char_en"] - 1, 4),
        "claims": {
            "conversion_at_least_swap": conv["bits_per_char_et"] <= swap["bits_per_char_et"],
            "fewer_tokens_per_word_et": conv["tokens_per_word_et"] < inst["tokens_per_word_et"],
            "english_within_10pct": conv["bits_per_char_en"] <= 1.10 * inst["bits_per_char_en"],
        },
    }))


if __name__ == "__main__":
    main()
