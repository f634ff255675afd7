"""The ``corpus`` stage: read documents, check their language, dedup, mix by ratio to a budget.

Mixing follows Llammas (75% target / 25% English by default): documents are drawn language by
language, always from the language furthest below its target share of tokens, until the token
budget (counted with the tokenizer of the model being adapted) is reached or a language runs out.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import random
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from langadapt.artifacts import write_json_atomic, write_jsonl_atomic
from langadapt.errors import located
from langadapt.stage import BASE, InputPath, RunContext, StageConfig


class CorpusSource(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: InputPath
    lang: str = Field(description="language code of the documents, e.g. et or en")
    format: Literal["lines", "paragraphs", "jsonl"] = "lines"
    text_field: str = "text"
    name: str | None = Field(None, description="source label in the output (default: file name)")


class CorpusStage(StageConfig):
    type: Literal["corpus"] = "corpus"
    sources: list[CorpusSource] = Field(min_length=1)
    mix: dict[str, float] = Field(default_factory=lambda: {"et": 0.75, "en": 0.25})
    token_budget: int | None = Field(None, ge=1, description="stop once this many tokens are in")
    tokenizer: str = Field(BASE, description="model whose tokenizer counts tokens")
    min_chars: int = Field(20, ge=0)
    dedup: bool = True
    language_id: bool = Field(True, description="drop documents detected as another language")
    language_id_min_chars: int = Field(40, description="shorter documents are not language-checked")
    language_id_candidates: list[str] | None = Field(
        None, description="languages the detector chooses among (default: the sources' and en)")
    exclude: list[InputPath] = Field(default_factory=list, description="texts never to train on")
    runner = "langadapt.data.corpus:run"

    @model_validator(mode="after")
    def _mix_matches_sources(self) -> CorpusStage:
        langs = {s.lang for s in self.sources}
        missing = [lang for lang in self.mix if lang not in langs]
        if missing:
            raise ValueError(f"mix names {missing} but no source has that language")
        if abs(sum(self.mix.values()) - 1) > 1e-6:
            raise ValueError(f"mix shares must sum to 1 (got {sum(self.mix.values()):g})")
        return self

    def inputs(self) -> list[str]:
        return [self.tokenizer]


def _open(path: Path):
    return gzip.open(path, "rt", encoding="utf-8") if path.suffix == ".gz" else open(
        path, encoding="utf-8")


def read_documents(source: CorpusSource) -> Iterator[str]:
    """Texts of one source; malformed input raises a UserError naming file and line."""
    path = source.path
    try:
        with _open(path) as handle:
            block: list[str] = []
            for number, line in enumerate(handle, 1):
                if source.format == "lines":
                    if line.strip():
                        yield line.strip()
                elif source.format == "paragraphs":
                    if line.strip():
                        block.append(line.strip())
                    elif block:
                        yield " ".join(block)
                        block = []
                else:
                    if not line.strip():
                        continue
                    try:
                        row = json.loads(line)
                    except json.JSONDecodeError as err:
                        raise located(path, f"invalid JSON: {err.msg}", number) from None
                    if not isinstance(row, dict) or source.text_field not in row:
                        raise located(path, f"no '{source.text_field}' field", number)
                    yield str(row[source.text_field])
            if block:
                yield " ".join(block)
    except UnicodeDecodeError as err:
        raise located(path, f"not valid UTF-8 ({err.reason} at byte {err.start})") from None


def normalise(text: str) -> str:
    """The form under which two documents count as the same (case, spacing, Unicode form)."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip().casefold()


def _digest(text: str) -> bytes:
    return hashlib.blake2b(normalise(text).encode(), digest_size=16).digest()


def _language_identifier(langs: list[str]):
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE)
    identifier.set_languages(langs)
    return identifier


def collect(cfg: CorpusStage) -> tuple[dict[str, list[dict]], Counter]:
    """Documents per language after length, exclusion, language-ID and dedup filters."""
    drops: Counter = Counter()
    excluded = {_digest(line) for path in cfg.exclude for line in _open(path) if line.strip()}
    seen: set[bytes] = set()
    candidates = cfg.language_id_candidates or sorted({s.lang for s in cfg.sources} | {"en"})
    identifier = _language_identifier(candidates) if cfg.language_id else None
    pools: dict[str, list[dict]] = {}
    for source in cfg.sources:
        name = source.name or source.path.name
        for text in read_documents(source):
            digest = _digest(text)
            if len(text) < cfg.min_chars:
                drops["too_short"] += 1
            elif digest in excluded:
                drops["excluded"] += 1
            elif cfg.dedup and digest in seen:
                drops["duplicate"] += 1
            elif identifier and len(text) >= cfg.language_id_min_chars and \
                    identifier.classify(text)[0] != source.lang:
                drops["wrong_language"] += 1
            else:
                seen.add(digest)
                pools.setdefault(source.lang, []).append(
                    {"text": text, "lang": source.lang, "source": name})
    return pools, drops


def mix(pools: dict[str, list[dict]], shares: dict[str, float], count_tokens, budget: int | None,
        seed: int) -> tuple[list[dict], dict[str, int]]:
    """Draw documents so each language's token share follows ``shares``, up to ``budget``."""
    rng = random.Random(seed)
    queues = {lang: rng.sample(pools.get(lang, []), len(pools.get(lang, []))) for lang in shares}
    tokens = dict.fromkeys(shares, 0)
    chosen: list[dict] = []
    while budget is None or sum(tokens.values()) < budget:
        total = sum(tokens.values()) or 1
        lang = min(shares, key=lambda code: tokens[code] / total - shares[code])
        if not queues[lang]:
            break  # that language ran out: stop rather than skew the mix
        doc = queues[lang].pop()
        tokens[lang] += count_tokens(doc["text"])
        chosen.append(doc)
    rng.shuffle(chosen)
    return chosen, tokens


def run(cfg: CorpusStage, ctx: RunContext) -> dict:
    from langadapt.modeling import load_tokenizer

    tokenizer = load_tokenizer(ctx.model_path(cfg.tokenizer))
    pools, drops = collect(cfg)

    def count_tokens(text: str) -> int:
        return len(tokenizer(text, add_special_tokens=False)["input_ids"])

    docs, tokens = mix(pools, cfg.mix, count_tokens, cfg.token_budget, ctx.seed)
    write_jsonl_atomic(ctx.work_dir / "corpus.jsonl", docs)
    total = sum(tokens.values()) or 1
    stats = {
        "documents": len(docs),
        "tokens": sum(tokens.values()),
        "tokens_per_language": tokens,
        "achieved_mix": {lang: round(n / total, 4) for lang, n in tokens.items()},
        "documents_per_source": dict(Counter(d["source"] for d in docs)),
        "available_documents": {lang: len(p) for lang, p in pools.items()},
        "dropped": dict(drops),
        "budget_reached": cfg.token_budget is not None and sum(tokens.values()) >= cfg.token_budget,
    }
    write_json_atomic(ctx.work_dir / "stats.json", stats)
    return stats
