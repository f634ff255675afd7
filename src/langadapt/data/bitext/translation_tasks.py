"""Translation-task instructions built from cleaned bitext (the Llammas recipe's MT data).

Each task is a two-turn conversation: the user turn is an instruction from the project's own
templates (``prompts/translation.<lang>.yaml``: English phrasings and target-language, e.g.
Estonian, phrasings with inflected language names from ``prompts/languages.yaml``), with the text
either inside the instruction or after it as a separate input block; the assistant turn is the
translation. The mix is controlled by three shares - instruction language, separate input and
direction - each realised exactly (``round(share * n)`` tasks, shuffled) rather than by coin flips,
so small samples hit the requested proportions too. Everything is drawn from one
``random.Random(seed)``: the same inputs and seed give the same tasks.
"""

from __future__ import annotations

import json
import random
import string
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from langadapt.artifacts import (
    atomic_file,
    check_output_file,
    write_json_atomic,
    write_jsonl_atomic,
)
from langadapt.data.bitext.pipeline import stats_path_for
from langadapt.errors import UserError, located
from langadapt.jsonl import iter_jsonl
from langadapt.modeling import load_tokenizer

PROMPTS_DIR = Path(__file__).parent / "prompts"
# Llammas's published data scripts: 75% of tasks translate out of English, 85% give the text as a
# separate input ("p_has_input") rather than inline; instructions in either language equally often.
DEFAULTS = {"seed": 0, "p_target_lang_instruction": 0.5, "p_separate_input": 0.85,
            "en_to_target_ratio": 0.75, "max_doc_tokens": 900}
LEVELS = ("sentence", "document")
PAIR_KEYS = ("src", "tgt", "src_lang", "tgt_lang")


@dataclass(frozen=True)
class Template:
    id: str
    lang: str
    separate_input: bool
    text: str


def load_language_names(directory: Path = PROMPTS_DIR) -> dict[str, dict[str, str]]:
    import yaml

    return yaml.safe_load((directory / "languages.yaml").read_text(encoding="utf-8"))


def placeholders(code: str, role: str, names: dict[str, dict[str, str]]) -> dict[str, str]:
    """Template fields for one language in one role (``source`` or ``target``)."""
    if code not in names:
        raise UserError(f"no language names for {code!r} in prompts/languages.yaml (have {', '.join(names)})")
    entry = names[code]
    stem, adjective = entry["et"], entry["et_adjective"]
    return {
        f"{role}_language": entry["en"],
        f"{role}_genitive": f"{stem} keele",
        f"{role}_elative": f"{stem} keelest",
        f"{role}_illative": f"{stem} keelde",
        f"{role}_inessive": f"{stem} keeles",
        f"{role}_adjective": adjective,
        f"{role}_adjective_genitive": adjective.removesuffix("keelne") + "keelse",
    }


def load_templates(directory: Path = PROMPTS_DIR) -> dict[str, dict[bool, list[Template]]]:
    """``{lang: {separate_input: [Template, ...]}}`` from every ``translation.<lang>.yaml``."""
    import yaml

    allowed = set(placeholders("en", "source", {"en": {"en": "", "et": "", "et_adjective": ""}}))
    allowed |= {k.replace("source_", "target_") for k in allowed} | {"text"}
    templates: dict[str, dict[bool, list[Template]]] = {}
    for path in sorted(directory.glob("translation.*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        lang = data["language"]
        templates[lang] = {}
        for separate, key in ((True, "separate"), (False, "inline")):
            items = []
            for index, text in enumerate(data.get(key) or []):
                fields = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
                if fields - allowed or (("text" in fields) == separate):
                    raise located(path, f"{key} template {index}: bad placeholders {sorted(fields)}")
                items.append(Template(f"{lang}.{key}.{index:02d}", lang, separate, text))
            templates[lang][separate] = items
    return templates


def _exact_flags(count: int, share: float, rng: random.Random) -> list[bool]:
    flags = [True] * round(count * share) + [False] * (count - round(count * share))
    rng.shuffle(flags)
    return flags


def _documents(pairs: list[dict], max_tokens: int, count_tokens: Callable[[str], int]) -> list[dict]:
    """Consecutive pairs sharing a ``doc_id`` joined into documents, split above ``max_tokens``."""
    groups: list[list[dict]] = []
    for pair in pairs:
        doc = pair.get("doc_id")
        if groups and doc is not None and groups[-1][0].get("doc_id") == doc:
            groups[-1].append(pair)
        else:
            groups.append([pair])
    units = []
    for group in groups:
        chunk: list[dict] = []
        size_s = size_t = 0
        for pair in group:
            n_s, n_t = count_tokens(pair["src"]), count_tokens(pair["tgt"])
            if chunk and (size_s + n_s > max_tokens or size_t + n_t > max_tokens):
                units.append(_join(chunk))
                chunk, size_s, size_t = [], 0, 0
            chunk.append(pair)
            size_s, size_t = size_s + n_s, size_t + n_t
        units.append(_join(chunk))
    return units


def _join(chunk: list[dict]) -> dict:
    return {**chunk[0], "src": " ".join(p["src"] for p in chunk), "tgt": " ".join(p["tgt"] for p in chunk),
            "pairs": len(chunk)}


def _check_share(name: str, value: float) -> None:
    if not 0.0 <= value <= 1.0:
        raise UserError(f"{name} must be between 0 and 1, got {value}")


def build_translation_tasks(
    pairs: Iterable[dict], n: int | None = None, seed: int = DEFAULTS["seed"], *,
    p_target_lang_instruction: float = DEFAULTS["p_target_lang_instruction"],
    p_separate_input: float = DEFAULTS["p_separate_input"],
    en_to_target_ratio: float = DEFAULTS["en_to_target_ratio"], level: str = "sentence",
    max_doc_tokens: int = DEFAULTS["max_doc_tokens"], count_tokens: Callable[[str], int] | None = None,
    templates: dict[str, dict[bool, list[Template]]] | None = None, include_meta: bool = True,
) -> list[dict]:
    """Conversations ``{"messages": [user, assistant], "source", "lang"(, "meta")}``.

    ``n`` None makes one task per unit (pair, or document chunk at ``level="document"``); a
    smaller ``n`` samples units without replacement (kept in input order), a larger one repeats
    every unit and samples the rest. ``en_to_target_ratio`` is the share translated out of
    English (or out of the pair's source side when neither side is English);
    ``p_target_lang_instruction`` the share of instructions in the pair's non-English language.
    ``lang`` is the language of the answer.
    """
    for name, value in (("p_target_lang_instruction", p_target_lang_instruction),
                        ("p_separate_input", p_separate_input), ("en_to_target_ratio", en_to_target_ratio)):
        _check_share(name, value)
    if level not in LEVELS:
        raise UserError(f"level must be one of {', '.join(LEVELS)}, got {level!r}")
    if n is not None and n < 0:
        raise UserError(f"--n (n) must be >= 0, got {n}")
    if max_doc_tokens < 1:
        raise UserError(f"max_doc_tokens must be >= 1, got {max_doc_tokens}")
    templates = templates if templates is not None else load_templates()
    names = load_language_names()
    pairs = list(pairs)
    for index, pair in enumerate(pairs):
        missing = [k for k in PAIR_KEYS if not isinstance(pair.get(k), str)]
        if missing:
            raise UserError(f"pair {index}: missing or non-string {', '.join(missing)}")
    count_tokens = count_tokens or (lambda text: len(text.split()))
    units = pairs if level == "sentence" else _documents(pairs, max_doc_tokens, count_tokens)
    n = len(units) if n is None else n
    if n and not units:
        raise UserError("no pairs to build translation tasks from")
    rng = random.Random(seed)
    picks = list(range(len(units))) * (n // len(units)) if units else []
    picks += sorted(rng.sample(range(len(units)), n - len(picks)))
    from_english = _exact_flags(n, en_to_target_ratio, rng)
    target_instruction = _exact_flags(n, p_target_lang_instruction, rng)
    separate = _exact_flags(n, p_separate_input, rng)
    tasks = []
    for i, unit_index in enumerate(picks):
        unit = units[unit_index]
        forward = unit["src_lang"] == "en" or unit["tgt_lang"] != "en"  # src side is English (or neither is)
        other = unit["tgt_lang"] if forward else unit["src_lang"]
        if from_english[i] == forward:
            text, answer, from_lang, to_lang = unit["src"], unit["tgt"], unit["src_lang"], unit["tgt_lang"]
        else:
            text, answer, from_lang, to_lang = unit["tgt"], unit["src"], unit["tgt_lang"], unit["src_lang"]
        instruction_lang = other if target_instruction[i] else "en"
        if instruction_lang not in templates:
            raise UserError(f"no instruction templates for language {instruction_lang!r} "
                            f"(have {', '.join(templates)}); set p_target_lang_instruction to 0")
        template = rng.choice(templates[instruction_lang][separate[i]])
        fields = {**placeholders(from_lang, "source", names), **placeholders(to_lang, "target", names)}
        prompt = (template.text.format(**fields) + "\n\n" + text if template.separate_input
                  else template.text.format(text=text, **fields))
        task: dict[str, Any] = {
            "messages": [{"role": "user", "content": prompt}, {"role": "assistant", "content": answer}],
            "source": f"translation/{unit.get('source', 'bitext')}",
            "lang": to_lang,
        }
        if include_meta:
            task["meta"] = {"direction": f"{from_lang}-{to_lang}", "instruction_lang": instruction_lang,
                            "separate_input": template.separate_input, "template": template.id, "level": level}
        tasks.append(task)
    return tasks


def task_stats(tasks: list[dict]) -> dict[str, Any]:
    meta = [t.get("meta", {}) for t in tasks]
    return {
        "tasks": len(tasks),
        "directions": dict(Counter(m.get("direction") for m in meta)),
        "instruction_langs": dict(Counter(m.get("instruction_lang") for m in meta)),
        "separate_input": sum(bool(m.get("separate_input")) for m in meta),
        "templates_used": len({m.get("template") for m in meta}),
    }


def read_pairs_jsonl(path: str | Path) -> list[dict]:
    """Pairs from a bitext JSONL file; bad lines raise a UserError naming ``file:line``."""
    pairs = []
    for number, pair in iter_jsonl(path):
        missing = [k for k in PAIR_KEYS if not isinstance(pair.get(k), str)]
        if missing:
            raise located(path, f"not a bitext pair: missing or non-string {', '.join(missing)}", number)
        pairs.append(pair)
    return pairs


def write_translation_tasks(tasks: Iterable[dict], out: str | Path) -> int:
    return write_jsonl_atomic(out, tasks)


def _token_counter(tokenizer: str) -> Callable[[str], int]:
    tok = load_tokenizer(tokenizer)
    return lambda text: len(tok(text, add_special_tokens=False)["input_ids"])


def run_translation_tasks(pairs_path: str | Path, out: str | Path, n: int | None = None,
                          seed: int = DEFAULTS["seed"], *, tokenizer: str | None = None,
                          overwrite: bool = False, **options: Any) -> dict[str, Any]:
    """Read ``PAIRS.jsonl``, build tasks, write ``out`` and its ``.stats.json``; the stats.

    An existing ``out`` (or its stats file) is replaced only with ``overwrite``.
    """
    if not Path(pairs_path).is_file():
        raise located(pairs_path, "no such file")
    out = check_output_file(out, inputs=[pairs_path], overwrite=overwrite)
    check_output_file(stats_path_for(out), overwrite=overwrite)
    pairs = read_pairs_jsonl(pairs_path)
    if not pairs:
        raise located(pairs_path, "no sentence pairs (empty file)")
    counter = _token_counter(tokenizer) if tokenizer else None
    tasks = build_translation_tasks(pairs, n, seed, count_tokens=counter, **options)
    stats = {**task_stats(tasks), "pairs": len(pairs), "seed": seed, "input": str(pairs_path), "output": str(out)}
    with atomic_file(out) as handle:  # the stats are written inside the tasks file's transaction
        for task in tasks:
            handle.write(json.dumps(task, ensure_ascii=False) + "\n")
        write_json_atomic(stats_path_for(out), stats)
    return stats
