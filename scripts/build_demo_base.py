"""Build the demo's tiny *English* base model: ``demo/base-model`` (committed, ~10 MB).

No model hub is reachable on the project's machines, so the demo ships its own pretrained base:
a byte-level BPE tokenizer and a small LlamaForCausalLM trained from scratch on the shipped
English text only (Python documentation + UD English-EWT dev). Deterministic for a seed on a
given machine; about 5 minutes on 2 CPU cores.

    .venv/bin/python scripts/build_demo_base.py [--out demo/base-model] [--epochs 4]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENGLISH = [ROOT / "demo/data/en/python_docs.txt", ROOT / "demo/data/en/ud_ewt.dev.txt"]
HELD_OUT = ROOT / "demo/data/en/ud_ewt.test.txt"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "demo/base-model")
    parser.add_argument("--vocab-size", type=int, default=4096)
    parser.add_argument("--hidden", type=int, default=192)
    parser.add_argument("--layers", type=int, default=4)
    parser.add_argument("--epochs", type=float, default=4)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    import torch
    from transformers import LlamaConfig, LlamaForCausalLM, set_seed

    from langadapt.artifacts import atomic_dir
    from langadapt.evaluate.perplexity import score_texts
    from langadapt.text import read_text_lines
    from langadapt.train.engine import TrainingConfig, train_on_rows
    from langadapt.train.formats import ensure_chat_template
    from langadapt.train.packing import pack_stream
    from langadapt.train.pretrain import document_tokens
    from langadapt.vocab.train import train_bytelevel_bpe

    set_seed(args.seed)
    torch.use_deterministic_algorithms(True)
    texts = [line for path in ENGLISH for line in read_text_lines(path)]
    tokenizer = train_bytelevel_bpe(texts, vocab_size=args.vocab_size)
    ensure_chat_template(tokenizer)
    config = LlamaConfig(
        vocab_size=len(tokenizer), hidden_size=args.hidden, intermediate_size=args.hidden * 8 // 3,
        num_hidden_layers=args.layers, num_attention_heads=4, num_key_value_heads=4,
        max_position_embeddings=1024, rope_theta=10000.0, tie_word_embeddings=True,
        bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )
    random_model = LlamaForCausalLM(config)
    model = LlamaForCausalLM(config)
    model.load_state_dict(random_model.state_dict())
    held_out = read_text_lines(HELD_OUT)
    random_ppl = score_texts(random_model.eval(), tokenizer, held_out)["perplexity"]

    rows = pack_stream(document_tokens(tokenizer, texts), 256, tokenizer.pad_token_id)
    training = TrainingConfig(block_size=256, batch_size=16, epochs=args.epochs, lr=1.5e-3,
                              lr_end=0.0, scheduler="cosine", warmup_ratio=0.03,
                              weight_decay=0.1, save_steps=10**6, logging_steps=25)
    with atomic_dir(args.out) as work:
        metrics = train_on_rows(model, tokenizer, rows, training, work, seed=args.seed)
        trained_ppl = score_texts(model.eval(), tokenizer, held_out)["perplexity"]
        for item in (work / "model").iterdir():
            item.rename(work / item.name)
        (work / "model").rmdir()
        import shutil

        shutil.rmtree(work / "checkpoints", ignore_errors=True)
        card = {
            "what": "tiny English base model for the langadapt demo (not for real use)",
            "parameters": sum(p.numel() for p in model.parameters()),
            "training_text": [str(p.relative_to(ROOT)) for p in ENGLISH],
            "training": {**training.model_dump(), "tokens_seen": metrics["tokens_seen"],
                         "steps": metrics["steps"], "train_loss": round(metrics["train_loss"], 4)},
            "held_out": str(HELD_OUT.relative_to(ROOT)),
            "held_out_perplexity": {"trained": round(trained_ppl, 2),
                                    "random_init": round(random_ppl, 2)},
        }
        (work / "build_info.json").write_text(json.dumps(card, indent=2) + "\n")
    print(json.dumps(card["held_out_perplexity"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
