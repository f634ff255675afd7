"""The checks behind ``scripts/gpu_check.sh``; each one records its result or its error, so one
failure does not hide the others. Prints one JSON object.

- ``packed_vs_unpacked``: a small Llama in bf16 with the attention training picks
  (``flash_attention_2`` when flash-attn is installed, else sdpa), loss of documents packed into
  one row with positions reset vs the same documents one by one (must agree within bf16 noise).
- ``throughput``: training steps of a ~1.1B-parameter Llama (TinyLlama's shape) on packed rows,
  bf16, through ``train_on_rows``; tokens/s and MFU = 6 * N * tokens/s / the GPU's dense bf16 peak.
- ``inference``: the demo model loaded by ``load_model_and_tokenizer`` (device and dtype), its
  perplexity, and a served chat completion over HTTP on 127.0.0.1.
- ``vllm``: when vLLM is installed, generation through the vLLM backend, prompt ids checked for
  a single BOS.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO_MODEL = ROOT / "demo" / "base-model"


def check(name: str, results: dict, fn) -> None:
    started = time.perf_counter()
    try:
        results[name] = {**fn(), "wall_s": round(time.perf_counter() - started, 1)}
    except Exception as err:  # a report, not a crash: the next check still runs
        results[name] = {"error": f"{type(err).__name__}: {err}",
                         "trace": traceback.format_exc().splitlines()[-3:]}


def llama(hidden, layers, heads, inter, vocab, attn):
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.manual_seed(0)
    config = LlamaConfig(hidden_size=hidden, num_hidden_layers=layers, num_attention_heads=heads,
                         num_key_value_heads=heads, intermediate_size=inter, vocab_size=vocab,
                         max_position_embeddings=4096, use_cache=False)
    return LlamaForCausalLM._from_config(config, attn_implementation=attn,
                                         dtype=torch.bfloat16).to("cuda")


def packed_vs_unpacked() -> dict:
    import torch

    from langadapt.devices import training_attention
    from langadapt.train.packing import pack_stream

    attn = training_attention()
    model = llama(512, 4, 8, 1408, 32000, attn).eval()
    gen = torch.Generator().manual_seed(0)
    docs = [torch.randint(3, 32000, (n,), generator=gen).tolist() for n in (300, 517, 90, 1141)]
    total = sum(map(len, docs))
    packed = pack_stream(docs, total, 0)
    ids = torch.from_numpy(packed.input_ids).cuda()
    labels = torch.from_numpy(packed.labels).cuda()
    pos = torch.from_numpy(packed.position_ids).cuda()
    with torch.no_grad():
        logits = model(input_ids=ids, position_ids=pos).logits.float()
        loss_sum = torch.nn.functional.cross_entropy(
            logits[0, :-1], labels[0, 1:], ignore_index=-100, reduction="sum").item()
        count = int((labels[0, 1:] != -100).sum())
        single_sum, single_count = 0.0, 0
        for doc in docs:
            t = torch.tensor([doc], device="cuda")
            out = model(input_ids=t).logits.float()
            single_sum += torch.nn.functional.cross_entropy(out[0, :-1], t[0, 1:],
                                                            reduction="sum").item()
            single_count += len(doc) - 1
    packed_loss, unpacked_loss = loss_sum / count, single_sum / single_count
    return {"attn_implementation": attn, "packed_loss": round(packed_loss, 5),
            "unpacked_loss": round(unpacked_loss, 5), "tokens": count,
            "equal_within_bf16": abs(packed_loss - unpacked_loss) < 0.02 * unpacked_loss}


def throughput() -> dict:
    import numpy as np
    import torch
    from transformers import AutoTokenizer

    from langadapt.devices import training_attention
    from langadapt.planning.compute import GPU_PEAK_TFLOPS
    from langadapt.train.engine import TrainingConfig, train_on_rows
    from langadapt.train.packing import pack_stream

    attn = training_attention()

    tokenizer = AutoTokenizer.from_pretrained(DEMO_MODEL)
    model = llama(2048, 22, 32, 5632, 32000, attn).train()
    params = sum(p.numel() for p in model.parameters())
    rng = np.random.default_rng(0)
    docs = [rng.integers(3, 32000, rng.integers(200, 3000)).tolist() for _ in range(400)]
    block, batch, steps = 2048, 8, 12
    rows = pack_stream(docs, block, 0)
    cfg = TrainingConfig(block_size=block, batch_size=batch, max_steps=steps, lr=1e-4,
                         lr_end=1e-5, save_steps=10**6, logging_steps=4, precision="bf16",
                         gradient_checkpointing=False)
    with tempfile.TemporaryDirectory() as tmp:
        metrics = train_on_rows(model, tokenizer, rows, cfg, Path(tmp), seed=0)
    tps = metrics["tokens_per_s"]
    name = torch.cuda.get_device_name()
    # the peaks `plan` uses; longest key first, so "h100-pcie" wins over "h100" for "NVIDIA H100 PCIe"
    keys = sorted(GPU_PEAK_TFLOPS, key=len, reverse=True)
    key = next((k for k in keys if k.replace("-", " ") in name.lower()), None)
    if key == "mi250x":
        key = "mi250x-gcd"  # ROCm shows each of a module's two GCDs as one device
    peak = GPU_PEAK_TFLOPS[key] * 1e12 if key else None
    return {"device": name, "parameters": params, "attn_implementation": attn,
            "recorded_attn_implementation": metrics.get("attn_implementation"),
            "tokens_per_s": tps, "steps": metrics["steps"], "block_size": block,
            "batch_size": batch, "peak_flops": peak,
            "mfu": round(6 * params * tps / peak, 3) if peak and tps else None,
            "max_memory_gb": round(torch.cuda.max_memory_allocated() / 2**30, 1)}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def inference() -> dict:
    from langadapt.devices import model_device
    from langadapt.evaluate.perplexity import score_texts
    from langadapt.modeling import load_model_and_tokenizer

    model, tokenizer = load_model_and_tokenizer(str(DEMO_MODEL))
    lines = (ROOT / "demo" / "data" / "et" / "ud_ewt.test.txt").read_text().splitlines()[:64]
    scores = score_texts(model, tokenizer, lines)
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "langadapt", "serve", str(DEMO_MODEL),
                               "--port", str(port)], stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True)
    try:
        answer = None
        for _ in range(120):
            try:
                body = json.dumps({"model": "x", "max_tokens": 16, "messages": [
                    {"role": "user", "content": "Tere! Kuidas läheb?"}]}).encode()
                request = urllib.request.Request(f"http://127.0.0.1:{port}/v1/chat/completions",
                                                 body, {"Content-Type": "application/json"})
                answer = json.loads(urllib.request.urlopen(request, timeout=60).read())
                break
            except OSError:
                time.sleep(1)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {"device": str(model_device(model)), "dtype": str(model.dtype),
            "perplexity_et": round(scores["perplexity"], 2),
            "served_answer": answer["choices"][0]["message"]["content"] if answer else None}


def vllm_check() -> dict:
    import importlib.util

    if importlib.util.find_spec("vllm") is None:
        return {"skipped": "vllm is not installed"}
    from langadapt.evaluate.generation import SamplingParams
    from langadapt.evaluate.vllm_backend import VllmBackend

    backend = VllmBackend(str(DEMO_MODEL), gpu_memory_utilization=0.3)
    prompt = backend.tokenizer.apply_chat_template([{"role": "user", "content": "Tere!"}],
                                                   tokenize=False, add_generation_prompt=True)
    ids = backend.tokenizer(prompt, add_special_tokens=False)["input_ids"]
    out = backend.generate([prompt], SamplingParams(max_new_tokens=16), add_special_tokens=False)
    return {"answer": out[0], "bos_count": ids.count(backend.tokenizer.bos_token_id)}


def main() -> int:
    import torch

    results: dict = {"cuda": torch.cuda.is_available()}
    if not torch.cuda.is_available():
        print(json.dumps({**results, "error": "no CUDA GPU: this script checks the GPU path"}))
        return 1
    import importlib.util

    results.update({"device": torch.cuda.get_device_name(), "torch": torch.__version__,
                    "bf16": torch.cuda.is_bf16_supported(),
                    "flash_attn": importlib.util.find_spec("flash_attn") is not None})
    os.environ.setdefault("LANGADAPT_PROGRESS", "0")
    check("packed_vs_unpacked", results, packed_vs_unpacked)
    check("throughput", results, throughput)
    check("inference", results, inference)
    check("vllm", results, vllm_check)
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
