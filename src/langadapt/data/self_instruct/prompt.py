"""The generation prompt: loading a language's prompt file, rendering in-context examples, and
parsing the numbered instruction/input/output list a generator answers with.

A prompt file (``prompts/<lang>.yaml``, or the user's own) holds the requirements text written in
that language, the three field labels, the "no input" marker and the language's blacklist. The
parser accepts the file's labels and the English ones, with or without numbering, Markdown bold
or ``###`` separators, because generators drift from the requested layout.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from langadapt.errors import UserError, located

PROMPTS_DIR = Path(__file__).parent / "prompts"
FIELDS = ("instruction", "input", "output")
ENGLISH_LABELS = {"instruction": "Instruction", "input": "Input", "output": "Output"}
NO_INPUT_MARKERS = {"", "<noinput>", "<no input>", "no input", "none", "n/a", "-"}


@dataclass(frozen=True)
class PromptSpec:
    language: str
    language_name: str
    template: str
    labels: dict[str, str]
    no_input: str
    blacklist: tuple[str, ...] = ()
    label_pattern: re.Pattern = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        names: dict[str, str] = {}
        for key in FIELDS:
            for label in (self.labels[key], ENGLISH_LABELS[key]):
                names[label.lower()] = key
        alternatives = "|".join(sorted((re.escape(n) for n in names), key=len, reverse=True))
        # "4. Juhis: text", "**Juhis:**", "4) Instruction -", "4. 4. Input:" ...
        pattern = re.compile(
            r"^\s*(?:[#*]+\s*)?(?:\d+\s*[.):]\s*)*(?:\*\*)?(" + alternatives + r")(?:\*\*)?\s*"
            r"(?:\d+\s*)?[:\-–]\s*(?:\*\*)?\s*(.*)$", re.IGNORECASE)
        object.__setattr__(self, "label_pattern", pattern)
        object.__setattr__(self, "_names", names)

    def field_of(self, label: str) -> str:
        return self._names[label.lower()]  # type: ignore[attr-defined]


def load_prompt(lang: str = "et", path: str | Path | None = None) -> PromptSpec:
    """The prompt spec for ``lang`` (shipped for et and en), a shipped one by name (``et-short``)
    or a user's YAML file."""
    import yaml

    shipped_name = isinstance(path, str) and (PROMPTS_DIR / f"{path}.yaml").is_file()
    source = PROMPTS_DIR / f"{path if shipped_name else lang}.yaml"
    if path and not shipped_name:
        source = Path(path)
    if not source.is_file():
        if path:
            raise located(source, "no such file")
        shipped = ", ".join(sorted(p.stem for p in PROMPTS_DIR.glob("*.yaml")))
        raise UserError(f"no self-instruct prompt shipped for language {lang!r} (have {shipped}); "
                        "write one in that language and pass it as prompt: / --prompt FILE")
    try:
        data = yaml.safe_load(source.read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        raise located(source, f"invalid YAML ({getattr(err, 'problem', err)})",
                      mark.line + 1 if mark else None) from None
    if not isinstance(data, dict):
        raise located(source, "a prompt file is a mapping (template, labels, no_input, blacklist)")
    labels = data.get("labels")
    if not isinstance(data.get("template"), str) or not (
            isinstance(labels, dict) and all(isinstance(labels.get(k), str) for k in FIELDS)):
        raise located(source, "needs 'template' (text) and 'labels' with instruction, input, output")
    if "{count}" not in data["template"]:
        raise located(source, "the template must say how many tasks to write: {count}")
    return PromptSpec(language=str(data.get("language", lang)),
                      language_name=str(data.get("language_name", lang)),
                      template=data["template"], labels=labels,
                      no_input=str(data.get("no_input", "<noinput>")),
                      blacklist=tuple(str(w) for w in data.get("blacklist") or ()))


def render_prompt(spec: PromptSpec, examples: list[dict], count: int, language_name: str = "") -> str:
    """The requirements, the examples as items 1..k, and the header of item k+1 to continue."""
    labels = spec.labels
    text = spec.template.format(count=count, language=language_name or spec.language_name)
    parts = [text.rstrip() + "\n"]
    for number, example in enumerate(examples, 1):
        parts.append(f"###\n{number}. {labels['instruction']}: {example['instruction']}\n"
                     f"{number}. {labels['input']}:\n{example.get('input') or spec.no_input}\n"
                     f"{number}. {labels['output']}:\n{example['output']}\n")
    parts.append(f"###\n{len(examples) + 1}. {labels['instruction']}:")
    return "".join(parts)


@dataclass
class Parsed:
    items: list[dict]  # {"instruction", "input", "output"}
    malformed: int  # blocks missing a field


def parse_response(spec: PromptSpec, text: str, truncated: bool) -> Parsed:
    """Items of a generator's answer. The answer continues after the prompt's open item header,
    so text before the first label is that item's instruction. A truncated answer (the token
    limit cut it) loses its last item, which may be incomplete."""
    blocks: list[dict[str, list[str]]] = [{"instruction": []}]
    current = "instruction"
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("###") or re.fullmatch(r"\d+\s*[.)]?", stripped):
            continue
        match = spec.label_pattern.match(line)
        if match:
            key = spec.field_of(match.group(1))
            block = blocks[-1]
            if key == "instruction" or key in block:
                if any(v for vals in block.values() for v in vals) or len(block) > 1:
                    blocks.append({})
                block = blocks[-1]
            block[key] = [match.group(2)] if match.group(2).strip() else []
            current = key
        else:
            blocks[-1].setdefault(current, []).append(line)
    if truncated and blocks:
        blocks.pop()
    items, malformed = [], 0
    for block in blocks:
        values = {k: "\n".join(v).strip() for k, v in block.items()}
        if not any(values.values()):
            continue
        if not values.get("instruction") or not values.get("output"):
            malformed += 1
            continue
        given = values.get("input", "")
        empty = given.strip().strip('"').lower() in NO_INPUT_MARKERS | {spec.no_input.lower()}
        items.append({"instruction": values["instruction"], "input": "" if empty else given,
                      "output": values["output"]})
    return Parsed(items, malformed)
