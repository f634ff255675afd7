"""Synthetic model families with a known answer, for the LEP tests.

B: a tiny Llama on a real tokenizer (the demo's byte-level BPE, or a SentencePiece BPE trained on
shipped text). I: B with input embeddings x M1 and LM head x M2 (known d x d matrices) and a
changed body, optionally with two extra chat tokens. A: B after `vocab adapt extend` (merges on
shipped Estonian text, mean init) plus noise standing for embeddings-only pretraining. Then the
exact answer of conversion (and overlap) is E_A·M1 and O_A·M2 on every non-special row.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from testlib import make_tiny_llama

PROJECT = Path(__file__).resolve().parents[2]
ET_TEXT = [PROJECT / "demo" / "data" / "et" / "ud_ewt.dev.txt"]
CHAT_TEMPLATE = ("{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n"
                 "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
                 "{# synthetic-instruct #}")




@dataclass
class Family:
    base: Path
    instruct: Path
    adapted: Path
    m1: object
    m2: object | None  # None: tied


def load_tensors(path: Path) -> dict:
    """Every tensor of a (possibly sharded) safetensors model directory."""
    from safetensors.torch import load_file

    tensors = {}
    for file in sorted(path.glob("*.safetensors")):
        tensors |= load_file(file)
    return tensors


def _add_noise(src: Path, dst: Path, seed: int, scale: float = 0.01) -> None:
    """A copy of the model at ``src`` with noise on its embeddings/head (embeddings-only CPT)."""
    import torch
    from safetensors.torch import load_file, save_file

    shutil.copytree(src, dst)
    tensors = load_file(src / "model.safetensors")
    gen = torch.Generator().manual_seed(seed)
    for name in ("model.embed_tokens.weight", "lm_head.weight"):
        if name in tensors:
            t = tensors[name]
            tensors[name] = t + scale * t.std() * torch.randn(t.shape, generator=gen)
    save_file(tensors, dst / "model.safetensors", metadata={"format": "pt"})


def build_family(root: Path, tok_dir: Path, tied: bool, extra_tokens: bool = False,
                 seed: int = 0, hidden: int = 32) -> Family:
    import torch
    from tokenizers import AddedToken
    from transformers import AutoTokenizer

    from langadapt.vocab.adapt import adapt_vocabulary

    tok = AutoTokenizer.from_pretrained(tok_dir)
    base = make_tiny_llama(tok, hidden=hidden, layers=2, seed=seed, tie_word_embeddings=tied)
    base.save_pretrained(root / "B")
    tok.save_pretrained(root / "B")
    gen = torch.Generator().manual_seed(seed + 1)
    m1 = torch.eye(hidden) + 0.2 * torch.randn(hidden, hidden, generator=gen)
    m2 = None if tied else torch.eye(hidden) + 0.2 * torch.randn(hidden, hidden, generator=gen)
    inst = make_tiny_llama(tok, hidden=hidden, layers=2, seed=seed, tie_word_embeddings=tied)
    with torch.no_grad():
        inst.model.embed_tokens.weight.copy_(inst.model.embed_tokens.weight @ m1)
        if not tied:
            inst.lm_head.weight.copy_(inst.lm_head.weight @ m2)
        for p in inst.model.layers.parameters():
            p.mul_(1.01).add_(0.001 * torch.randn(p.shape, generator=gen))
    i_tok = AutoTokenizer.from_pretrained(tok_dir)
    if extra_tokens:
        i_tok.add_special_tokens({"additional_special_tokens": [
            AddedToken(t, special=True, normalized=False) for t in ("<|im_start|>", "<|im_end|>")]},
            replace_extra_special_tokens=False)
        i_tok.eos_token = "<|im_end|>"
        inst.resize_token_embeddings(len(i_tok), mean_resizing=False)
        inst.config.eos_token_id = i_tok.eos_token_id
        inst.generation_config.eos_token_id = i_tok.eos_token_id
        with torch.no_grad():  # trained chat rows of their own
            for module in {inst.get_input_embeddings(), inst.get_output_embeddings()}:
                module.weight[-2:] = torch.randn(2, hidden, generator=gen)
    i_tok.chat_template = CHAT_TEMPLATE
    inst.save_pretrained(root / "I")
    i_tok.save_pretrained(root / "I")
    adapt_vocabulary(root / "B", None, "extend", root / "A0", model=root / "B", corpus=ET_TEXT,
                     new_tokens=120)
    _add_noise(root / "A0", root / "A", seed + 2)
    return Family(root / "B", root / "I", root / "A", m1, m2)
