"""Batched vs one-by-one greedy generation on a tiny Llama: same outputs, how much faster.

Baseline: the same ``generate`` call with ``batch_size=1`` (one prompt at a time), in the same
run, on the same model and prompts. Prints one JSON object; exits 1 if the outputs differ.
Prompts are real Estonian sentences (UD Estonian-EDT dev) cut to varied lengths so batches need
real left padding. Usage: ``python benchmarks/generation.py [--prompts 64] [--batch-size 16]``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def tiny_model_and_tokenizer(texts: list[str]):
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    from langadapt.vocab.train import train_bytelevel_bpe

    tokenizer = train_bytelevel_bpe(texts, vocab_size=600)
    torch.manual_seed(0)
    config = LlamaConfig(
        vocab_size=len(tokenizer), hidden_size=64, intermediate_size=128, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=512,
        initializer_range=0.3,  # varied greedy output from random weights (0.02 repeats a token)
        bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id, tie_word_embeddings=True)
    return LlamaForCausalLM(config).eval(), tokenizer


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prompts", type=int, default=64, help="number of prompts")
    parser.add_argument("--batch-size", type=int, default=16, help="batch size of the batched run")
    parser.add_argument("--max-new-tokens", type=int, default=32,
                        help="tokens generated per prompt")
    parser.add_argument("--data", type=Path, default=SHARED, help="the shared data folder")
    args = parser.parse_args()

    import torch

    from langadapt.evaluate.generation import generate

    torch.set_num_threads(max(1, min(2, os.cpu_count() or 1)))
    lines = [line.strip() for line in
             (args.data / "et" / "ud_edt.dev.txt").read_text(encoding="utf-8").splitlines()
             if line.strip()]
    model, tokenizer = tiny_model_and_tokenizer(lines[200:1200])
    prompts = [" ".join(line.split()[: 3 + (i * 7) % 20]) for i, line in
               enumerate(lines[: args.prompts])]
    options = dict(max_new_tokens=args.max_new_tokens, do_sample=False, progress=False)
    generate(model, tokenizer, prompts[:2], batch_size=2, **options)  # warm-up

    start = time.perf_counter()
    batched = generate(model, tokenizer, prompts, batch_size=args.batch_size, **options)
    batched_seconds = time.perf_counter() - start
    start = time.perf_counter()
    sequential = [generate(model, tokenizer, [p], batch_size=1, **options)[0] for p in prompts]
    sequential_seconds = time.perf_counter() - start

    same = batched == sequential
    prompt_tokens = [len(tokenizer(p)["input_ids"]) for p in prompts]
    result = {
        "benchmark": "generation",
        "baseline": "the same generate() with batch_size=1, one prompt at a time",
        "prompts": len(prompts),
        "batch_size": args.batch_size,
        "max_new_tokens": args.max_new_tokens,
        "prompt_tokens": {"min": min(prompt_tokens), "max": max(prompt_tokens)},
        "distinct_outputs": len(set(batched)),
        "seconds": {"batched": round(batched_seconds, 3),
                    "sequential": round(sequential_seconds, 3)},
        "speedup": round(sequential_seconds / batched_seconds, 2),
        "same_outputs": same,
        "model": "random LlamaForCausalLM, hidden 64, 2 layers, vocab 600",
        "machine": {"cpu_threads": torch.get_num_threads(), "python": platform.python_version(),
                    "torch": torch.__version__},
    }
    print(json.dumps(result))
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
