"""Reports across models: Markdown tables, and a static HTML page with plots.

Input is the ``evaluate`` stage's ``results.json`` (``{"models": {NAME: {...}}}``) or one or more
``langadapt eval`` outputs (``{"model": ..., "tasks": {...}}``), merged into one models mapping.
Tables follow the papers: one row per model, one column per task metric; plots are a bar chart
per task across models and a box plot of per-prompt scores (the spread over prompts).
"""

from __future__ import annotations

import base64
import html
import io
import json
from pathlib import Path

from langadapt.errors import UserError

# The metric each task type's bar chart and prompt box plot show.
HEADLINE = {"copa": "accuracy", "belebele": "accuracy", "qa": "f1", "mt": "chrf++", "gec": "f0.5"}
# The columns a task type gets in the summary table (the papers' tables); other types show every
# numeric metric.
TABLE_METRICS = {"copa": ["accuracy"], "belebele": ["accuracy"], "qa": ["exact_match", "f1"],
                 "mt": ["bleu", "chrf++"], "gec": ["precision", "recall", "f0.5"]}


def _change(value: float, base: float) -> str:
    return f"{(value / base - 1) * 100:+.1f}%"


def _table(head: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def perplexity_table(results: dict) -> str:
    """One row per model: perplexity, bits/char and tokens/word per language, change vs base."""
    models = {n: m for n, m in results["models"].items() if m.get("perplexity")}
    langs = sorted({lang for m in models.values() for lang in m["perplexity"]})
    if not langs:
        return "(no perplexity results)"
    base = models.get("base")
    head = ["model"] + [f"ppl {lang}" for lang in langs] + [f"bits/char {lang}" for lang in langs]
    head += [f"tokens/word {lang}" for lang in langs]
    if base:
        head += [f"Δppl {lang} vs base" for lang in langs]
    rows = []
    for name, m in models.items():
        cells = [name] + [f"{m['perplexity'][lang]:.2f}" for lang in langs]
        cells += [f"{m['bits_per_char'][lang]:.3f}" for lang in langs]
        cells += [f"{m['tokens_per_word'][lang]:.2f}" for lang in langs]
        if base:
            cells += [_change(m["perplexity"][lang], base["perplexity"][lang]) for lang in langs]
        rows.append(cells)
    return _table(head, rows)


def chat_table(results: dict) -> str:
    """One row per model: the share of chat-format answers that end their turn, per language."""
    models = {n: m["chat"] for n, m in results["models"].items() if m.get("chat")}
    langs = sorted({lang for chat in models.values() for lang in chat})
    if not langs:
        return ""
    head = ["model"] + [f"ends turn {lang}" for lang in langs] + [f"new tokens {lang}" for lang in langs]
    rows = [[name] + [f"{chat[lang]['eos_rate']:.0%}" if lang in chat else "-" for lang in langs]
            + [f"{chat[lang]['mean_new_tokens']:.1f}" if lang in chat else "-" for lang in langs]
            for name, chat in models.items()]
    return _table(head, rows)


def _task_names(models: dict) -> list[str]:
    names: list[str] = []
    for m in models.values():
        names += [t for t in m.get("tasks", {}) if t not in names]
    return names


def _fmt(value) -> str:
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def tasks_table(results: dict) -> str:
    """One row per model, one column per task metric (the paper's Table 1 layout)."""
    models = results["models"]
    columns = []
    for task in _task_names(models):
        metrics: list[str] = []
        for m in models.values():
            entry = m.get("tasks", {}).get(task, {})
            wanted = TABLE_METRICS.get(entry.get("type", ""))
            for key, value in entry.get("metrics", {}).items():
                if isinstance(value, (int, float)) and key not in metrics and (
                        wanted is None or key in wanted):
                    metrics.append(key)
        columns += [(task, key) for key in metrics]
    if not columns:
        return ""
    rows = [[name] + [_fmt(m.get("tasks", {}).get(t, {}).get("metrics", {}).get(k, "–"))
                      for t, k in columns] for name, m in models.items()]
    return _table(["model"] + [f"{t} {k}" for t, k in columns], rows)


def render_markdown(results: dict) -> str:
    files = results.get("files", {})
    sources = "\n".join(f"- `{lang}`: {path}" for lang, path in files.items())
    parts = ["# Evaluation report\n"]
    tasks = tasks_table(results)
    if tasks:
        parts.append("## Tasks\n\nWith a dev split: the test score of the prompt that was best on "
                     "dev; without one: the mean over all prompts (per-prompt scores and their "
                     f"spread are in results.json and the HTML report).\n\n{tasks}\n")
    parts.append(
        "## Perplexity on held-out text\n\nPer-token perplexity depends on the tokenizer; bits per "
        "character compares across vocabularies. Tokens/word is the tokenizer's fertility on the "
        "same text (lower: fewer tokens per word, cheaper training and inference).\n\n"
        f"{perplexity_table(results)}\n")
    chat = chat_table(results)
    if chat:
        parts.append("## Chat turns\n\nShare of held-out prompts, in each model's chat format, whose "
                     "greedy answer ends its turn with EOS within the token budget, and the mean "
                     f"answer length.\n\n{chat}\n")
    if sources:
        parts.append(f"Held-out files:\n{sources}\n")
    return "\n".join(parts)


# --- HTML with plots ---------------------------------------------------------------------------


def _headline(task: dict, task_type: str | None) -> str | None:
    metrics = {k: v for k, v in task.get("metrics", {}).items() if isinstance(v, (int, float))}
    key = HEADLINE.get(task_type or "")
    return key if key in metrics else next(iter(metrics), None)


def _png(fig) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    return base64.b64encode(buffer.getvalue()).decode()


def task_plots(results: dict) -> list[tuple[str, str]]:
    """(title, base64 PNG) pairs: a bar chart per task, a box plot of per-prompt scores."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    models = results["models"]
    plots = []
    for task in _task_names(models):
        entries = {n: m["tasks"][task] for n, m in models.items() if task in m.get("tasks", {})}
        first = next(iter(entries.values()))
        key = _headline(first, first.get("type"))
        if key is None:
            continue
        fig, ax = plt.subplots(figsize=(max(3.5, 1.1 * len(entries)), 2.8))
        ax.bar(list(entries), [e["metrics"].get(key, 0) for e in entries.values()], color="#4c72b0")
        ax.set_title(f"{task}: {key}")
        plots.append((f"{task}: {key} per model", _png(fig)))
        plt.close(fig)
        spreads = {n: [p.get("test", p).get(key) for p in e.get("prompts", {}).values()
                       if isinstance(p.get("test", p).get(key), (int, float))]
                   for n, e in entries.items()}
        spreads = {n: v for n, v in spreads.items() if len(v) > 1}
        if spreads:
            fig, ax = plt.subplots(figsize=(max(3.5, 1.1 * len(spreads)), 2.8))
            ax.boxplot(list(spreads.values()), tick_labels=list(spreads))
            ax.set_title(f"{task}: {key} over prompts")
            plots.append((f"{task}: {key} over {max(map(len, spreads.values()))} prompts",
                          _png(fig)))
            plt.close(fig)
    return plots


def _html_table(markdown: str) -> str:
    lines = [line for line in markdown.splitlines() if line.startswith("|")]
    if len(lines) < 2:
        return f"<p>{html.escape(markdown)}</p>"
    cells = [[c.strip() for c in line.strip("|").split("|")] for line in lines]
    head = "".join(f"<th>{html.escape(c)}</th>" for c in cells[0])
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>"
                   for row in cells[2:])
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def render_html(results: dict, title: str = "langadapt evaluation report") -> str:
    tasks = tasks_table(results)
    sections = []
    if tasks:
        sections.append(f"<h2>Tasks</h2>{_html_table(tasks)}")
    sections.append(f"<h2>Perplexity on held-out text</h2>{_html_table(perplexity_table(results))}")
    for caption, png in task_plots(results):
        sections.append(f"<figure><img alt='{html.escape(caption)}' src='data:image/png;base64,"
                        f"{png}'><figcaption>{html.escape(caption)}</figcaption></figure>")
    style = ("body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}"
             "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;"
             "padding:4px 8px;text-align:right}td:first-child,th:first-child{text-align:left}"
             "figure{display:inline-block;margin:1em}")
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}"
            f"</title><style>{style}</style></head><body><h1>{html.escape(title)}</h1>"
            + "".join(sections) + "</body></html>\n")


# --- collecting results from run folders --------------------------------------------------------


def _models_from(path: Path) -> dict:
    data = json.loads(path.read_text(encoding="utf-8"))
    if "models" in data:
        return data["models"]
    if "tasks" in data:  # a `langadapt eval` output
        return {str(data.get("model", path.parent.name)): {"tasks": data["tasks"]}}
    raise UserError(f"{path}: not an evaluation results file")


def collect_results(paths: list[str | Path]) -> dict:
    """Merge the results found in run folders, evaluate-stage folders or results.json files."""
    merged: dict = {"models": {}}
    for raw in paths:
        path = Path(raw)
        if path.is_dir() and not (path / "results.json").is_file():
            found = [m.parent / "results.json" for m in sorted(path.glob("*/manifest.json"))
                     if json.loads(m.read_text()).get("type") == "evaluate"]
        else:
            found = [path / "results.json" if path.is_dir() else path]
        if not found or not all(f.is_file() for f in found):
            raise UserError(f"{path}: no evaluation results (results.json) found")
        prefix = f"{path.name}/" if len(paths) > 1 else ""
        for results_file in found:
            for name, entry in _models_from(results_file).items():
                merged["models"].setdefault(prefix + name, {}).update(entry)
    return merged
