"""``stats.json`` of a corpus build, summed from datatrove's per-task step stats, and its summary.

datatrove writes each task's step counters to ``<logs>/<pipeline>/stats/<rank>.json`` under every
executor, so reading those (instead of in-memory objects) gives the same numbers locally, on
Slurm and on Ray.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path

from langadapt.artifacts import write_json_atomic
from langadapt.data.corpus.stage import CorpusStage, lsh_bands

REASONS = ("too_short", "too_long", "excluded", "url_domain", "url_missing", "no_letters",
           "wrong_script", "wrong_language", "low_confidence")


def _total(value) -> float:
    return value["total"] if isinstance(value, dict) else value


def step_counters(logs: Path) -> dict[str, Counter]:
    """Counters of every pipeline step, summed over tasks: ``{step name: {key: total}}``."""
    steps: dict[str, Counter] = defaultdict(Counter)
    for path in sorted(logs.glob("*/stats/*.json")):
        for step in json.loads(path.read_text(encoding="utf-8")):
            for key, value in (step.get("stats") or {}).items():
                steps[f"{path.parent.parent.name}/{step['name']}"][key] += _total(value)
    return steps


def _tally(steps: dict[str, Counter], point: str) -> dict[str, dict[str, int]]:
    """``{lang: {source: documents}}`` for keys ``point<TAB>lang<TAB>source`` of any step."""
    table: dict[str, dict[str, int]] = defaultdict(dict)
    for counters in steps.values():
        for key, value in counters.items():
            parts = key.split("\t")
            if len(parts) == 3 and parts[0] == point:
                table[parts[1]][parts[2]] = table[parts[1]].get(parts[2], 0) + int(value)
    return dict(table)


def _sum(steps: dict[str, Counter], step_suffix: str, key: str) -> int:
    return int(sum(c[key] for name, c in steps.items() if name.endswith(step_suffix)))


def _per_lang(table: dict[str, dict[str, int]]) -> dict[str, int]:
    return {lang: sum(sources.values()) for lang, sources in table.items()}


def write_stats(result: dict, *, cfg: CorpusStage, out_dir: str, logs: str, bad_input_dir: str,
                tasks: int, seed: int) -> dict:
    """Combine the mixer's result with the pipeline counters into ``<out_dir>/stats.json``."""
    steps = step_counters(Path(logs))
    docs: Counter = result["documents"]
    tokens: Counter = result["tokens"]
    dropped = {reason: _sum(steps, "", f"dropped_{reason}") for reason in REASONS}
    if cfg.dedup:
        dropped["exact_duplicate"] = _sum(steps, "exact-deduplication stage 3", "dropped")
        if cfg.near_dedup:
            dropped["near_duplicate"] = _sum(steps, "MinHash stage 4", "dropped")
    bad_records: list[str] = []
    for path in sorted(Path(bad_input_dir).glob("*.json")):
        bad_records.extend(json.loads(path.read_text(encoding="utf-8")))
    dropped["bad_input"] = _sum(steps, "", "bad_input")
    dropped = {k: v for k, v in dropped.items() if v or k in ("exact_duplicate", "near_duplicate")}

    lang_docs = Counter()
    lang_tokens = Counter()
    for (lang, source), n in docs.items():
        lang_docs[lang] += n
        lang_tokens[lang] += tokens[(lang, source)]
    total_tokens = sum(lang_tokens.values())
    total_docs = sum(lang_docs.values())
    last_point = "near_dedup" if cfg.dedup and cfg.near_dedup else "exact_dedup" if cfg.dedup else "filtered"
    available = _per_lang(_tally(steps, last_point))
    stats = {
        "documents": total_docs,
        "tokens": total_tokens,
        "documents_per_language": {lang: lang_docs[lang] for lang in cfg.mix},
        "tokens_per_language": {lang: lang_tokens[lang] for lang in cfg.mix},
        "target_mix": cfg.mix,
        "mix_by": cfg.mix_by,
        "achieved_mix": {lang: round((lang_tokens if cfg.mix_by == "tokens" else lang_docs)[lang]
                                     / max(1, total_tokens if cfg.mix_by == "tokens" else total_docs), 4)
                         for lang in cfg.mix},
        "achieved_mix_documents": {lang: round(lang_docs[lang] / max(1, total_docs), 4)
                                   for lang in cfg.mix},
        "documents_per_source": {f"{lang}/{src}": n for (lang, src), n in sorted(docs.items())},
        "tokens_per_source": {f"{lang}/{src}": tokens[(lang, src)] for (lang, src) in sorted(docs)},
        "token_budget": cfg.token_budget,
        "budget_reached": cfg.token_budget is not None and total_tokens >= cfg.token_budget,
        "stopped_because": result.get("stopped"),
        "input_documents": _tally(steps, "read"),
        "after_filters": _per_lang(_tally(steps, "filtered")),
        "available_documents": available,
        "dropped": dropped,
        "kept_without_url": _sum(steps, "url suffix", "kept_without_url"),
        "not_language_checked": _sum(steps, "language id", "too_short_to_check"),
        "bad_input_examples": bad_records[:5],
        "seed": seed,
        "executor": cfg.executor.type,
        "tasks": tasks,
    }
    if cfg.dedup:
        stats["exact_dedup"] = {"clusters": _sum(steps, "tally exact_dedup", "exact_clusters"),
                                "removed": dropped["exact_duplicate"]}
    if cfg.dedup and cfg.near_dedup:
        bands, rows = lsh_bands(cfg.near_dedup_threshold)
        in_clusters = _sum(steps, "MinHash stage 3", "duplicates")
        removed = _sum(steps, "MinHash stage 3", "to_remove")
        stats["near_dedup"] = {"threshold": cfg.near_dedup_threshold, "bands": bands, "rows": rows,
                               "ngrams": cfg.near_dedup_ngrams, "clusters": in_clusters - removed,
                               "documents_in_clusters": in_clusters, "removed": removed}
    write_json_atomic(Path(out_dir) / "stats.json", stats)
    return stats


def summary(stats: dict) -> str:
    """A few lines for people: what was kept, what was dropped and why, the achieved mix."""
    if stats.get("submitted"):
        return f"corpus pipeline submitted; logs in {stats['logs']}"
    mix = ", ".join(f"{lang} {share:.1%} (target {stats['target_mix'][lang]:.0%})"
                    for lang, share in stats["achieved_mix"].items())
    drops = ", ".join(f"{k} {v}" for k, v in stats["dropped"].items() if v) or "none"
    budget = stats["token_budget"]
    lines = [
        f"corpus: {stats['documents']} documents, {stats['tokens']} tokens"
        + (f" of a {budget}-token budget" if budget else ""),
        f"  mix by {stats['mix_by']}: {mix}; stopped: {stats['stopped_because']}",
        f"  dropped: {drops}",
    ]
    if "near_dedup" in stats:
        nd = stats["near_dedup"]
        lines.append(f"  near-dedup: {nd['clusters']} clusters, {nd['removed']} removed "
                     f"(threshold {nd['threshold']}, {nd['bands']}x{nd['rows']} LSH)")
    return "\n".join(lines)
