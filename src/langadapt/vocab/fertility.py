"""Fertility: how many tokens each tokenizer needs for each text file.

Each non-empty line is encoded on its own, without special tokens (as a document would be,
minus its BOS). ``words`` are whitespace-separated words, ``chars`` the characters of those
lines (newlines excluded), so the ratios compare tokenizers on exactly the same text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from langadapt.text import nonblank_lines
from langadapt.vocab.load import load_tokenizer


def count_tokens(tok, lines: list[str], batch: int = 1000) -> int:
    total = 0
    for start in range(0, len(lines), batch):
        encoded = tok.backend_tokenizer.encode_batch(lines[start : start + batch], add_special_tokens=False)
        total += sum(len(e.ids) for e in encoded)
    return total


def fertility(tokenizers: list[Path | str], files: list[Path]) -> list[dict[str, Any]]:
    """One record per (tokenizer, file), with ratios and the token change vs the first tokenizer."""
    texts = {str(f): list(nonblank_lines([f])) for f in files}  # read (and check) every file once
    records: list[dict[str, Any]] = []
    first: dict[str, int] = {}
    for index, source in enumerate(tokenizers):
        tok = load_tokenizer(source)
        for name, lines in texts.items():
            tokens = count_tokens(tok, lines)
            words = sum(len(line.split()) for line in lines)
            chars = sum(len(line) for line in lines)
            if index == 0:
                first[name] = tokens
            records.append({
                "tokenizer": str(source), "file": name, "tokens": tokens, "words": words, "chars": chars,
                "tokens_per_word": round(tokens / words, 4) if words else None,
                "chars_per_token": round(chars / tokens, 4) if tokens else None,
                "change_vs_first": round(tokens / first[name] - 1, 4) if first[name] else None,
            })
    return records


def format_table(records: list[dict[str, Any]]) -> str:
    """A plain-text table of the records, one row per (file, tokenizer)."""
    header = ["file", "tokenizer", "tokens", "tok/word", "chars/tok", "vs first"]
    rows = [header]
    for r in sorted(records, key=lambda r: r["file"]):
        change = r["change_vs_first"]
        rows.append([r["file"], r["tokenizer"], f"{r['tokens']:,}", f"{r['tokens_per_word'] or 0:.3f}",
                     f"{r['chars_per_token'] or 0:.3f}", "" if change is None else f"{change:+.1%}"])
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    return "\n".join("  ".join(cell.ljust(w) if i < 2 else cell.rjust(w)
                               for i, (cell, w) in enumerate(zip(row, widths))) for row in rows)
