"""Render evaluation results as Markdown tables."""

from __future__ import annotations


def _change(value: float, base: float) -> str:
    return f"{(value / base - 1) * 100:+.1f}%"


def perplexity_table(results: dict) -> str:
    """One row per model: perplexity and bits/char per language, change vs the base model."""
    models = results["models"]
    langs = sorted({lang for m in models.values() for lang in m.get("perplexity", {})})
    if not langs:
        return "(no perplexity results)"
    base = models.get("base")
    head = ["model"] + [f"ppl {lang}" for lang in langs] + [f"bits/char {lang}" for lang in langs]
    head += [f"tokens/word {lang}" for lang in langs]
    if base:
        head += [f"Δppl {lang} vs base" for lang in langs]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name, m in models.items():
        cells = [name] + [f"{m['perplexity'][lang]:.2f}" for lang in langs]
        cells += [f"{m['bits_per_char'][lang]:.3f}" for lang in langs]
        cells += [f"{m['tokens_per_word'][lang]:.2f}" for lang in langs]
        if base:
            cells += [_change(m["perplexity"][lang], base["perplexity"][lang]) for lang in langs]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def render_markdown(results: dict) -> str:
    files = results.get("files", {})
    sources = "\n".join(f"- `{lang}`: {path}" for lang, path in files.items())
    return (
        "# Evaluation report\n\n"
        "## Perplexity on held-out text\n\n"
        "Per-token perplexity depends on the tokenizer; bits per character compares across "
        "vocabularies. Tokens/word is the tokenizer's fertility on the same text (lower: "
        "fewer tokens per word, cheaper training and inference).\n\n"
        f"{perplexity_table(results)}\n\n"
        f"Held-out files:\n{sources}\n"
    )
