"""Benchmark: real (non-pad) training tokens/s of langadapt's engine vs TRL's SFTTrainer.

Same tiny Llama (same initial weights), same conversations, same optimiser and one epoch each,
in one process, in interleaved rounds (the fastest round of each setup counts):
- ``langadapt``: conversations best-fit packed into fixed rows, positions reset per conversation
  (``train_on_rows``), loss on assistant tokens.
- ``trl_padded``: ``SFTTrainer`` without packing, each batch padded to its longest conversation;
  batch size chosen so a step holds about as many real tokens as a packed step.
- ``trl_packed``: ``SFTTrainer`` with ``packing=True, packing_strategy="bfd"`` (padding-free).
Both TRL runs use ``assistant_only_loss`` with the same chat template. Data: the shipped seed
instruction tasks (Estonian + English) plus Tatoeba translation pairs as translation requests.
The pretraining path is measured too: the rendered conversations as documents, tokenized into
token shards and streamed (``langadapt_streamed``: ``TokenWindows`` through ``train_on_rows``),
against the limit — a bare PyTorch forward/backward/AdamW loop over the very same rows, already
in memory as tensors (``bare_loop``; no Trainer, no data loader, no logging).
Claims checked: ratio vs the best TRL setting >= 1.0, vs padded >= 1.5, utilisation >= 0.99,
streamed vs the bare loop >= 0.9.
Prints one JSON object. About seven minutes on two cores (the padded TRL runs are the slow ones).
Needs the baseline: ``pip install -e '.[bench]'`` (TRL; the package itself does not use it).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
DATA = ROOT / "demo" / "data"


def conversations(limit_pairs: int) -> list[list[dict]]:
    convs = []
    for name in ("alpaca_est_seed_tasks.jsonl", "alpaca_seed_tasks.en.jsonl"):
        for line in (DATA / "instructions" / name).read_text(encoding="utf-8").splitlines():
            task = json.loads(line)
            inst = task["instances"][0]
            user = task["instruction"] + (f"\n\n{inst['input']}" if inst["input"] else "")
            convs.append([{"role": "user", "content": user},
                          {"role": "assistant", "content": inst["output"]}])
    shared = ROOT.parent / "shared" / "data" / "bitext"
    et, en = (shared / "tatoeba.et", shared / "tatoeba.en")
    if et.is_file():
        pairs = zip(et.read_text(encoding="utf-8").splitlines(),
                    en.read_text(encoding="utf-8").splitlines())
        for i, (src, tgt) in enumerate(pairs):
            if i >= limit_pairs:
                break
            convs.append([{"role": "user", "content": f"Tõlgi inglise keelde:\n{src}"},
                          {"role": "assistant", "content": tgt}])
    return convs


def tiny_model(tokenizer, hidden: int, layers: int):
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.manual_seed(0)
    return LlamaForCausalLM(LlamaConfig(
        vocab_size=len(tokenizer), hidden_size=hidden, intermediate_size=hidden * 8 // 3,
        num_hidden_layers=layers, num_attention_heads=4, num_key_value_heads=4,
        max_position_embeddings=1024, tie_word_embeddings=True, use_cache=False,
        bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id))


def run_langadapt(tokenizer, convs, args, work: Path, round_: int) -> dict:
    from langadapt.train.engine import TrainingConfig, train_on_rows
    from langadapt.train.inputs import conversation_rows

    rows = conversation_rows(tokenizer, convs, args.block_size)
    cfg = TrainingConfig(block_size=args.block_size, batch_size=args.batch_size, epochs=1,
                         lr=1e-3, lr_end=1e-4, save_steps=10**6, logging_steps=10**6)
    model = tiny_model(tokenizer, args.hidden, args.layers)
    metrics = train_on_rows(model, tokenizer, rows, cfg, work / f"langadapt{round_}", seed=0)
    return {"real_tokens": rows.real_tokens, "wall_s": metrics["train_wall_s"],
            "steps": metrics["steps"], "utilization": rows.utilization, "rows": len(rows)}


def run_streamed(tokenizer, convs, args, work: Path, round_: int) -> dict:
    """Pretraining rows streamed from token shards of the rendered conversations."""
    from langadapt.data.tokens.pipeline import tokenize_corpus
    from langadapt.data.tokens.shards import TokenShards
    from langadapt.train.engine import TrainingConfig, train_on_rows
    from langadapt.train.streaming import TokenWindows

    tokens = work / "tokens"
    if not (tokens / "stats.json").is_file():
        corpus = work / "corpus"
        corpus.mkdir(exist_ok=True)
        with open(corpus / "corpus.jsonl", "w", encoding="utf-8") as out:
            for c in convs:
                text = "\n".join(m["content"] for m in c)
                out.write(json.dumps({"text": text, "lang": "et"}, ensure_ascii=False) + "\n")
        tokenizer.save_pretrained(work / "tokenizer")
        tokenize_corpus(corpus, str(work / "tokenizer"), tokens)
    rows = TokenWindows(TokenShards(tokens), args.block_size, tokenizer.pad_token_id)
    cfg = TrainingConfig(block_size=args.block_size, batch_size=args.batch_size, epochs=1,
                         lr=1e-3, lr_end=1e-4, save_steps=10**6, logging_steps=10**6)
    model = tiny_model(tokenizer, args.hidden, args.layers)
    metrics = train_on_rows(model, tokenizer, rows, cfg, work / f"streamed{round_}", seed=0)
    return {"real_tokens": rows.real_tokens, "wall_s": metrics["train_wall_s"],
            "steps": metrics["steps"], "rows": len(rows)}


def run_bare(tokenizer, args, work: Path) -> dict:
    """The limit: forward/backward/AdamW on the streamed run's rows, preloaded as tensors."""
    import torch

    from langadapt.data.tokens.shards import TokenShards
    from langadapt.train.streaming import TokenWindows

    rows = TokenWindows(TokenShards(work / "tokens"), args.block_size, tokenizer.pad_token_id)
    batches = []
    order = torch.randperm(len(rows), generator=torch.Generator().manual_seed(0)).tolist()
    for start in range(0, len(order), args.batch_size):
        items = [rows[i] for i in order[start:start + args.batch_size]]
        batches.append({k: torch.stack([it[k] for it in items]) for k in items[0]})
    model = tiny_model(tokenizer, args.hidden, args.layers)
    model.train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    started = time.perf_counter()
    for batch in batches:
        loss = model(**batch).loss
        loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
    return {"real_tokens": rows.real_tokens, "wall_s": time.perf_counter() - started,
            "steps": len(batches)}


def run_trl(tokenizer, convs, args, work: Path, packed: bool, batch_size: int,
            round_: int) -> dict:
    from datasets import Dataset
    from trl import SFTConfig, SFTTrainer

    config = SFTConfig(
        output_dir=str(work / f"{'trl_packed' if packed else 'trl_padded'}{round_}"),
        per_device_train_batch_size=batch_size, num_train_epochs=1, learning_rate=1e-3,
        lr_scheduler_type="linear", max_length=args.block_size, packing=packed,
        packing_strategy="bfd", padding_free=packed, assistant_only_loss=True,
        save_strategy="no", logging_steps=10**6, report_to="none", seed=0,
        dataloader_pin_memory=False, disable_tqdm=True, use_cpu=True)
    trainer = SFTTrainer(model=tiny_model(tokenizer, args.hidden, args.layers), args=config,
                         train_dataset=Dataset.from_list([{"messages": c} for c in convs]),
                         processing_class=tokenizer)
    real = sum(len(ids) for ids in trainer.train_dataset["input_ids"])
    started = time.perf_counter()
    with contextlib.redirect_stdout(sys.stderr):
        output = trainer.train()
    return {"real_tokens": real, "wall_s": time.perf_counter() - started,
            "steps": output.global_step, "batch_size": batch_size}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--block-size", type=int, default=512)
    parser.add_argument("--batch-size", type=int, default=4, help="packed rows per step")
    parser.add_argument("--hidden", type=int, default=128)
    parser.add_argument("--layers", type=int, default=4)
    parser.add_argument("--pairs", type=int, default=200, help="Tatoeba translation pairs")
    parser.add_argument("--rounds", type=int, default=2, help="interleaved repetitions")
    parser.add_argument("--threads", type=int, default=1,
                        help="torch threads (1: stable numbers on a shared machine, where "
                        "spinning OpenMP threads slow every setup down many times over)")
    args = parser.parse_args()

    import torch

    torch.set_num_threads(args.threads)
    from transformers import AutoTokenizer

    from langadapt.train.formats import ensure_chat_template

    torch.manual_seed(0)
    tokenizer = AutoTokenizer.from_pretrained(ROOT / "demo" / "base-model")
    ensure_chat_template(tokenizer, override=True)
    convs = conversations(args.pairs)
    lengths = [len(tokenizer.apply_chat_template(c, tokenize=True, return_dict=True)["input_ids"])
               for c in convs]
    mean_len = sum(min(n, args.block_size) for n in lengths) / len(lengths)
    # Padded batches of about as many real tokens as a packed step (rows * block).
    padded_batch = max(1, round(args.batch_size * args.block_size / mean_len))
    runs: dict[str, list[dict]] = {"langadapt": [], "trl_padded": [], "trl_packed": [],
                                   "langadapt_streamed": [], "bare_loop": []}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        # Interleaved rounds, fastest of each kept: load from other processes on a shared
        # machine then slows every setup alike instead of whichever happened to run during it.
        for r in range(args.rounds):
            runs["langadapt"].append(run_langadapt(tokenizer, convs, args, work, r))
            runs["trl_padded"].append(run_trl(tokenizer, convs, args, work, False, padded_batch, r))
            runs["trl_packed"].append(run_trl(tokenizer, convs, args, work, True, args.batch_size, r))
            runs["langadapt_streamed"].append(run_streamed(tokenizer, convs, args, work, r))
            runs["bare_loop"].append(run_bare(tokenizer, args, work))
    best = {name: min(rs, key=lambda x: x["wall_s"]) for name, rs in runs.items()}
    ours, padded, packed = best["langadapt"], best["trl_padded"], best["trl_packed"]
    speed = {name: r["real_tokens"] / r["wall_s"] for name, r in best.items()}
    best_trl = max(speed["trl_padded"], speed["trl_packed"])
    streamed, bare = best["langadapt_streamed"], best["bare_loop"]
    result = {
        "tokens_per_s": {k: round(v, 1) for k, v in speed.items()},
        "ratio_vs_best_trl": round(speed["langadapt"] / best_trl, 3),
        "ratio_vs_padded": round(speed["langadapt"] / speed["trl_padded"], 3),
        "utilization": round(ours["utilization"], 4),
        "ratio_vs_bare_loop": round(speed["langadapt_streamed"] / speed["bare_loop"], 3),
        "real_tokens": {"langadapt": ours["real_tokens"], "trl_padded": padded["real_tokens"],
                        "trl_packed": packed["real_tokens"]},
        "steps": {"langadapt": ours["steps"], "trl_padded": padded["steps"],
                  "trl_packed": packed["steps"], "langadapt_streamed": streamed["steps"],
                  "bare_loop": bare["steps"]},
        "setup": {"conversations": len(convs), "mean_tokens": round(mean_len, 1),
                  "block_size": args.block_size, "packed_rows_per_step": args.batch_size,
                  "padded_conversations_per_step": padded_batch, "hidden": args.hidden,
                  "layers": args.layers, "threads": torch.get_num_threads(), "rounds": args.rounds,
                  "wall_s": {n: [round(r["wall_s"], 2) for r in rs] for n, rs in runs.items()}},
    }
    result["claims_hold"] = (result["ratio_vs_best_trl"] >= 1.0 and result["ratio_vs_padded"] >= 1.5
                             and result["utilization"] >= 0.99
                             and result["ratio_vs_bare_loop"] >= 0.9)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
