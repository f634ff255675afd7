"""Benchmark: time and peak memory of `lep propagate --mode conversion` on a 7B-shaped checkpoint.

Claim checked: propagating a Llama-2-7B-shaped model (hidden 4096, vocabulary 32,000 -> 55,000)
fits on a 24 GB machine, well below what loading the instruct model with transformers takes.

Setup (synthetic weights, real code paths): B and I use the real Llama 2 tokenizer (32,000
pieces, ``../shared/data/tokenizers/llama2``); A's tokenizer is Llama 2 extended by 23,000 merges
of existing pieces through ``vocab.edit.extend_bpe`` (the code `vocab adapt` uses), and A's
embeddings are their mean-decomposition init (``vocab.init``) plus noise. Weights are bf16 with
``--layers`` real-size Llama layers (4096 hidden, 11,008 intermediate) instead of 32, to keep disk
use and runtime modest (~6 GB, a few minutes on two cores).

Measured in subprocesses (peak RSS: each child's VmHWM): the propagation, and
``AutoModelForCausalLM.from_pretrained`` of I with every weight read once (made resident).
Extrapolated to 32 layers: propagation memory is flat in the layer count (the body streams one
tensor at a time; the fits dominate), its time grows by the body's write time scaled by bytes;
a full load grows by the layers' bytes. Torch threads are pinned (``--threads``); the JSON
records the load average, since other processes on the machine slow the fits proportionally.
Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

HIDDEN, INTERMEDIATE, FULL_LAYERS, BASE_VOCAB, NEW_VOCAB = 4096, 11008, 32, 32000, 55000

CHILD = r"""
import json, re, sys, time, torch
torch.set_num_threads(int(sys.argv[1]))
what, paths = sys.argv[2], sys.argv[3:]
started = time.perf_counter()
if what == "propagate":
    from langadapt.lep.propagate import propagate_embeddings
    result = propagate_embeddings(*paths, mode="conversion")
    result.pop("versions")
else:
    from transformers import AutoModelForCausalLM
    model = AutoModelForCausalLM.from_pretrained(paths[0], dtype="auto")
    # transformers maps safetensors lazily: read one value per 4 KiB page so every weight is
    # resident, as it is once the model has run a forward pass
    for p in model.parameters():
        p.detach().reshape(-1)[:: 4096 // p.element_size()].float().sum()
    result = {"parameters": sum(p.numel() for p in model.parameters())}
result["seconds"] = {**result.get("seconds", {}), "total": time.perf_counter() - started}
# VmHWM, not getrusage: after fork+exec ru_maxrss starts from the parent's RSS at the fork
hwm = re.search(r"VmHWM:\s+(\d+) kB", open("/proc/self/status").read()).group(1)
print(json.dumps({"result": result, "peak_rss_mb": int(hwm) / 1024}))
"""


def synthetic_merges(tok, count: int, seed: int = 0) -> list[tuple[str, str]]:
    """``count`` merges of two existing word pieces whose join is new (like learned merges)."""
    vocab = tok.backend_tokenizer.get_vocab(with_added_tokens=False)
    starts = sorted(p for p in vocab if p.startswith("▁") and len(p) > 2)
    rests = sorted(p for p in vocab if p.isalpha() and len(p) > 1)
    rng, seen, merges = random.Random(seed), set(vocab), []
    while len(merges) < count:
        left, right = rng.choice(starts), rng.choice(rests)
        if left + right not in seen:
            seen.add(left + right)
            merges.append((left, right))
    return merges


def write_model(path: Path, config, tok, embed, head, seed: int) -> int:
    """A safetensors model directory: the given embeddings, random bf16 layers; returns bytes."""
    import torch
    from transformers import AutoModelForCausalLM

    from langadapt.lep.checkpoint import write_checkpoint

    with torch.device("meta"):
        shapes = {n: list(p.shape) for n, p in AutoModelForCausalLM.from_config(config).named_parameters()}
    gen = torch.Generator().manual_seed(seed)
    given = {"model.embed_tokens.weight": embed, "lm_head.weight": head}

    def fetch(name):
        if name in given:
            return given[name]
        return 0.02 * torch.randn(shapes[name], generator=gen) if "norm" not in name else torch.ones(shapes[name])

    path.mkdir(parents=True)
    shapes.update({n: list(t.shape) for n, t in given.items()})
    write_checkpoint(path, [(n, torch.bfloat16, shapes[n], lambda n=n: fetch(n)) for n in sorted(shapes)])
    config.vocab_size = embed.shape[0]
    config.save_pretrained(path)
    tok.save_pretrained(path)
    return sum(2 * torch.Size(s).numel() for s in shapes.values())


def run_child(threads: int, what: str, *paths: Path) -> dict:
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), HF_HUB_OFFLINE="1", TOKENIZERS_PARALLELISM="false",
               PYTHONPATH=str(ROOT / "src"))
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", CHILD, str(threads), what, *map(str, paths)], env=env,
                         check=True, capture_output=True, text=True).stdout
    report = json.loads(out.strip().splitlines()[-1])
    report["wall_seconds"] = time.perf_counter() - started
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--layers", type=int, default=2, help="real-size layers written (default 2)")
    parser.add_argument("--threads", type=int, default=2, help="torch threads of the children")
    parser.add_argument("--workdir", type=Path, default=None, help="where the ~6 GB of models go")
    args = parser.parse_args()

    import torch
    from transformers import LlamaConfig

    from langadapt.lep.tokens import adapted_sources
    from langadapt.vocab.edit import extend_bpe
    from langadapt.vocab.init import init_rows
    from langadapt.vocab.load import load_tokenizer

    torch.set_num_threads(args.threads)
    b_tok = load_tokenizer(args.data / "tokenizers" / "llama2" / "tokenizer.model")
    a_tok, _ = extend_bpe(b_tok, synthetic_merges(b_tok, NEW_VOCAB - len(b_tok)))
    assert len(b_tok) == BASE_VOCAB and len(a_tok) == NEW_VOCAB, (len(b_tok), len(a_tok))
    config = LlamaConfig(vocab_size=BASE_VOCAB, hidden_size=HIDDEN, intermediate_size=INTERMEDIATE,
                         num_hidden_layers=args.layers, num_attention_heads=32, num_key_value_heads=32,
                         tie_word_embeddings=False, bos_token_id=1, eos_token_id=2, dtype="bfloat16")
    gen = torch.Generator().manual_seed(0)
    with tempfile.TemporaryDirectory(dir=args.workdir, prefix="lep-bench-") as tmp:
        tmp = Path(tmp)
        e_b, o_b = (0.02 * torch.randn(BASE_VOCAB, HIDDEN, generator=gen) for _ in range(2))
        write_model(tmp / "B", config, b_tok, e_b.bfloat16(), o_b.bfloat16(), 1)
        mix = torch.eye(HIDDEN) + 0.05 * torch.randn(HIDDEN, HIDDEN, generator=gen)
        i_bytes = write_model(tmp / "I", config, b_tok, (e_b @ mix).bfloat16(), (o_b @ mix).bfloat16(), 2)
        sources = adapted_sources(a_tok, b_tok, NEW_VOCAB)
        e_a, o_a = (init_rows(m, sources) for m in (e_b, o_b))
        del e_b, o_b
        for m in (e_a, o_a):
            m.add_(0.002 * torch.randn(m.shape, generator=gen))
        a_bytes = write_model(tmp / "A", config, a_tok, e_a.bfloat16(), o_a.bfloat16(), 3)
        del e_a, o_a
        load_before = os.getloadavg()[0]
        prop = run_child(args.threads, "propagate", tmp / "B", tmp / "I", tmp / "A", tmp / "P")
        load = run_child(args.threads, "load", tmp / "I")

    layer_bytes = 2 * (4 * HIDDEN * HIDDEN + 3 * HIDDEN * INTERMEDIATE + 2 * HIDDEN)
    extra_layers = FULL_LAYERS - args.layers
    p_bytes = a_bytes  # P has A's embedding shapes and I's (= A's) body
    write_seconds = prop["result"]["seconds"]["write"]
    seconds_7b = prop["wall_seconds"] + write_seconds * extra_layers * layer_bytes / p_bytes
    load_rss_7b = load["peak_rss_mb"] + extra_layers * layer_bytes / 2**20
    print(json.dumps({
        "benchmark": "lep propagate --mode conversion, Llama-2-7B shape, vocab 32000 -> 55000",
        "layers_written": args.layers, "threads": args.threads,
        "load_average_before_after": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "instruct_checkpoint_gb": round(i_bytes / 1e9, 2),
        "seconds": round(prop["wall_seconds"], 1),
        "seconds_by_phase": {k: round(v, 1) for k, v in prop["result"]["seconds"].items()},
        "peak_rss_mb": round(prop["peak_rss_mb"]),
        "full_load_seconds": round(load["wall_seconds"], 1),
        "full_load_peak_rss_mb": round(load["peak_rss_mb"]),
        "rss_vs_full_load": round(prop["peak_rss_mb"] / load["peak_rss_mb"], 3),
        "residuals": prop["result"]["residuals"],
        "extrapolated_7b": {
            "how": f"linear in layers: {extra_layers} more layers of {layer_bytes / 2**20:.0f} MiB (bf16); "
                   "propagate memory is flat in layers (one body tensor at a time), its time adds "
                   "the write phase scaled by bytes; a full load adds the layers' bytes",
            "checkpoint_gb": round((i_bytes + extra_layers * layer_bytes) / 1e9, 2),
            "seconds": round(seconds_7b, 1),
            "peak_rss_mb": round(prop["peak_rss_mb"]),
            "full_load_peak_rss_mb": round(load_rss_7b),
            "rss_vs_full_load": round(prop["peak_rss_mb"] / load_rss_7b, 3),
            "fits_24gb": prop["peak_rss_mb"] < 24 * 1024 * 0.9,
        },
    }))


if __name__ == "__main__":
    main()
