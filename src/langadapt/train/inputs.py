"""Training inputs: reading documents and conversations, mixing sources, packing them into rows.

Shared by the recipe stages and the standalone ``langadapt train`` commands so both build the
very same rows. Bad lines are reported as ``file:line: message`` (a user error, exit 2).
"""

from __future__ import annotations

import random
from pathlib import Path

from langadapt.conversations import record_messages
from langadapt.errors import UserError, located
from langadapt.jsonl import iter_jsonl
from langadapt.text import read_text_lines
from langadapt.train.formats import tokenize_conversation
from langadapt.train.packing import PackedRows, pack_stream, pack_whole


def read_texts(path: str | Path) -> list[str]:
    """Documents of a corpus: ``.jsonl`` objects with ``text``, or a text file, one per line."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"{path}: file not found")
    if path.suffix != ".jsonl":
        texts = read_text_lines(path)
        if not texts:
            raise located(path, "no documents (the file has no text)")
        return texts
    texts = []
    for number, record in iter_jsonl(path):
        if not isinstance(record.get("text"), str):
            raise located(path, "a corpus line needs a string 'text'", number)
        texts.append(record["text"])
    if not texts:
        raise located(path, "no documents")
    return texts


def read_conversations(path: str | Path) -> list[list[dict]]:
    """Conversations (``messages``) or Alpaca records (``instruction``, ``input``, ``output``)."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"{path}: file not found")
    conversations = []
    for number, record in iter_jsonl(path):
        messages = record_messages(record, path, number)
        conversations.append(messages)
    if not conversations:
        raise located(path, "no conversations")
    return conversations


def mix_sources(sources: dict[str, list], weights: dict[str, float] | None, seed: int) -> list:
    """Concatenate sources, each scaled by its weight: 2.0 repeats it twice, 0.5 keeps a random
    half (seeded), 1.0 (the default) keeps it as it is."""
    weights = weights or {}
    unknown = set(weights) - set(sources)
    if unknown:
        raise UserError(f"mixture: no data source named {', '.join(sorted(unknown))} "
                        f"(sources: {', '.join(sources)})")
    rng = random.Random(seed)
    mixed = []
    for name, items in sources.items():
        weight = weights.get(name, 1.0)
        whole, part = divmod(weight, 1.0)
        mixed.extend(items * int(whole))
        mixed.extend(rng.sample(items, round(part * len(items))))
    if not mixed:
        raise UserError("mixture: the weights leave no training example")
    return mixed


def pad_id(tokenizer) -> int:
    return tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id


def document_tokens(tokenizer, texts: list[str]) -> list[list[int]]:
    """``BOS + text + EOS`` token ids per document."""
    bos = [tokenizer.bos_token_id] if tokenizer.bos_token_id is not None else []
    eos = [tokenizer.eos_token_id]
    encoded = tokenizer(texts, add_special_tokens=False)["input_ids"]
    return [bos + ids + eos for ids in encoded]


def document_rows(tokenizer, texts: list[str], block_size: int) -> PackedRows:
    """``BOS + text + EOS`` documents streamed into rows (continuations carried over)."""
    return pack_stream(document_tokens(tokenizer, texts), block_size, pad_id(tokenizer))


def conversation_rows(tokenizer, conversations: list[list[dict]], block_size: int) -> PackedRows:
    """Whole conversations best-fit packed, labels on assistant tokens only."""
    encoded = [tokenize_conversation(tokenizer, messages) for messages in conversations]
    return pack_whole([ids for ids, _ in encoded], block_size, pad_id(tokenizer),
                      label_mask=[mask for _, mask in encoded])
