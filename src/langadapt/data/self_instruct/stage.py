"""The ``self_instruct`` stage: Alpaca-style instruction generation in the target language.

Defaults are the Alpaca recipe (the one Alpaca-est followed with gpt-3.5-turbo): 20 tasks asked
per request, 3 seed tasks (+ up to 2 generated ones) as examples, temperature 1, top-p 1,
3072 tokens, 5 requests per round, ROUGE-L 0.7, instructions of 4-150 words.
Runner: ``generate.py``.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from langadapt.stage import InputPath, StageConfig


class EndpointConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str = Field(description="base URL of an OpenAI-compatible API, e.g. https://api.openai.com/v1")
    model: str = Field(description="model name at the endpoint, e.g. gpt-3.5-turbo")
    api_key_env: str = Field("OPENAI_API_KEY", description="environment variable holding the key")


class SelfInstructStage(StageConfig):
    type: Literal["self_instruct"] = "self_instruct"
    seed_tasks: InputPath = Field(description="seed tasks (self-instruct JSONL or Alpaca records)")
    lang: str = Field("et", description="language to generate in (ISO 639-1)")
    count: int = Field(ge=1, description="stop once this many instructions are kept")
    endpoint: EndpointConfig | None = None
    model: str | None = Field(None, description="local generator instead: base or a model stage")
    prompt: InputPath | Literal["et", "en", "et-short"] | None = Field(
        None, description="prompt YAML, or a shipped one by name (default: the one for lang)")
    language_name: str | None = Field(None, description="{language} in the prompt (default: the file's)")
    per_request: int = Field(20, ge=2, description="tasks the prompt asks for (examples included)")
    seed_examples: int = Field(3, ge=1)
    max_generated_examples: int = Field(2, ge=0)
    temperature: float = Field(1.0, ge=0)
    top_p: float = Field(1.0, gt=0, le=1)
    max_tokens: int = Field(3072, ge=1)
    batch: int = Field(5, ge=1, description="requests per round (built from the same pool)")
    concurrency: int = Field(5, ge=1, description="requests in flight at once (endpoint)")
    max_requests: int | None = Field(None, ge=1, description="default: 10x the requests count needs")
    max_cost: float | None = Field(None, gt=0, description="stop when spent (needs both prices)")
    price_prompt: float | None = Field(None, ge=0, description="price per 1M prompt tokens")
    price_completion: float | None = Field(None, ge=0, description="price per 1M completion tokens")
    max_tokens_total: int | None = Field(None, ge=1, description="stop after this many tokens")
    min_words: int = Field(4, ge=1)
    max_words: int = Field(150, ge=1)
    rouge_threshold: float = Field(0.7, gt=0, le=1)
    language_id: bool = True
    langid_languages: list[str] | None = Field(
        None, description="languages language ID chooses among (default: lang and English)")
    include_seed_tasks: bool = Field(
        False, description="conversations.jsonl also holds the seed tasks (every instance)")
    max_retries: int = Field(6, ge=0)
    retry_wait: float = Field(1.0, ge=0, description="first backoff wait in seconds (doubles)")
    runner = "langadapt.data.self_instruct.generate:run_stage"
    produces = "conversations"
    reads: ClassVar[dict[str, tuple[str, ...]]] = {"model": ("model",)}

    @model_validator(mode="after")
    def _one_generator(self) -> SelfInstructStage:
        if (self.endpoint is None) == (self.model is None):
            raise ValueError("give exactly one generator: endpoint: {url, model} or model: STAGE")
        if self.max_cost is not None and (self.price_prompt is None or self.price_completion is None):
            raise ValueError("max_cost needs price_prompt and price_completion (per 1M tokens)")
        return self

    def references(self) -> list[tuple[tuple, str, tuple[str, ...]]]:
        return super().references() if self.model is not None else []
