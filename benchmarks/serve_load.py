"""Load on `langadapt serve`: 64 chat requests from 16 concurrent clients, batching on vs off.

Starts `langadapt serve MODEL` twice in this run, one after the other on the same machine: with
batching (``--max-batch 16``) and one request at a time (``--max-batch 1``, the baseline). Each
gets the same greedy requests (real Estonian sentences, ``max_tokens`` 32) from 16 client threads
over real HTTP, with ``ignore_eos`` (vLLM's flag) so every answer is 32 tokens long, as a
load test needs (the tiny demo model would otherwise stop after a few). Prints one JSON object: per server ``requests``, ``failures`` (must be 0),
``p50_ms``, ``p95_ms`` (request latency) and ``tokens_per_s`` (completion tokens over the wall
time), plus ``batching_speedup`` (tokens/s ratio; goal >= 3) and ``same_answers`` (greedy answers
must not depend on batching). Exits 1 on a failure or differing answers.

Usage: ``python benchmarks/serve_load.py [--model demo/base-model] [--requests 64]
[--clients 16] [--max-tokens 32]``.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(model: str, max_batch: int, max_tokens: int,
                 threads: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false",
           "OMP_NUM_THREADS": str(threads)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "langadapt", "serve", model, "--port", str(port),
         "--max-batch", str(max_batch), "--max-new-tokens", str(max_tokens)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"serve exited with {proc.returncode}: {proc.stderr.read()}")
        try:
            with urllib.request.urlopen(url + "/health", timeout=2):
                return proc, url
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("serve did not come up within 180 s")


def chat(url: str, prompt: str, max_tokens: int) -> tuple[float, dict]:
    body = {"messages": [{"role": "user", "content": prompt}], "temperature": 0,
            "max_tokens": max_tokens, "ignore_eos": True}
    request = urllib.request.Request(url + "/v1/chat/completions", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    start = time.perf_counter()
    with urllib.request.urlopen(request, timeout=300) as response:
        answer = json.loads(response.read())
    return (time.perf_counter() - start) * 1000, answer


def load(url: str, prompts: list[str], clients: int, max_tokens: int) -> tuple[dict, list]:
    chat(url, prompts[0], 4)  # warm-up, not timed

    def one(prompt: str):
        try:
            return chat(url, prompt, max_tokens)
        except (OSError, ValueError, urllib.error.HTTPError) as err:
            return None, str(err)

    start = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        results = list(pool.map(one, prompts))
    wall = time.perf_counter() - start
    latencies = sorted(ms for ms, _ in results if ms is not None)
    answers = [a["choices"][0]["message"]["content"] if ms is not None else None
               for ms, a in results]
    tokens = sum(a["usage"]["completion_tokens"] for ms, a in results if ms is not None)
    quantile = statistics.quantiles(latencies, n=20) if len(latencies) > 1 else latencies * 19
    return {"requests": len(prompts), "failures": len(prompts) - len(latencies),
            "p50_ms": round(statistics.median(latencies), 1) if latencies else None,
            "p95_ms": round(quantile[18], 1) if latencies else None,
            "tokens_per_s": round(tokens / wall, 1), "completion_tokens": tokens,
            "wall_s": round(wall, 2)}, answers


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=str(ROOT / "demo" / "base-model"))
    parser.add_argument("--requests", type=int, default=64)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--max-tokens", type=int, default=32)
    parser.add_argument("--max-batch", type=int, default=16, help="of the batching server")
    parser.add_argument("--threads", type=int, default=1,
                        help="torch CPU threads of both servers (default 1: on a shared, busy "
                             "machine more OpenMP threads than free cores make timings noise)")
    args = parser.parse_args()

    sentences = [line.strip() for line in (ROOT / "demo" / "data" / "et" / "ud_ewt.dev.txt")
                 .read_text(encoding="utf-8").splitlines() if line.strip()]
    prompts = [" ".join(sentences[i].split()[:4 + i % 12]) for i in range(args.requests)]
    report: dict = {"model": args.model, "clients": args.clients, "max_tokens": args.max_tokens,
                    "torch_threads": args.threads}
    answers = {}
    for name, max_batch in (("batched", args.max_batch), ("max_batch_1", 1)):
        proc, url = start_server(args.model, max_batch, args.max_tokens, args.threads)
        try:
            report[name], answers[name] = load(url, prompts, args.clients, args.max_tokens)
            report[name]["max_batch"] = max_batch
        finally:
            proc.terminate()
            proc.wait(30)
    report["batching_speedup"] = round(report["batched"]["tokens_per_s"]
                                       / report["max_batch_1"]["tokens_per_s"], 2)
    report["same_answers"] = answers["batched"] == answers["max_batch_1"]
    print(json.dumps(report))
    failed = report["batched"]["failures"] or report["max_batch_1"]["failures"]
    return 1 if failed or not report["same_answers"] else 0


if __name__ == "__main__":
    sys.exit(main())
