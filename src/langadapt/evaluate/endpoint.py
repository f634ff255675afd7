"""Scoring a model behind an OpenAI-compatible endpoint (an API baseline, vLLM, `langadapt serve`).

``chat_completion`` is the one HTTP call (plain ``urllib``: one POST per prompt needs no client
library); the judge uses it too. ``EndpointRunner`` stands in for the local model runner of the
generative tasks: prompts go out as chat messages and the endpoint applies its own template.
Log-likelihood tasks and perplexity need token probabilities and a local model.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Sequence
from typing import Any

from tqdm.auto import tqdm

from langadapt.errors import UserError
from langadapt.train.formats import alpaca_prompt


def chat_completion(base_url: str, model: str, messages: list[dict], api_key: str | None = None,
                    timeout: float = 120.0, **params: Any) -> str:
    """The assistant message of one ``/chat/completions`` request."""
    body = json.dumps({"model": model, "messages": messages, **params}).encode()
    headers = {"Content-Type": "application/json"}
    if api_key:
        headers["Authorization"] = f"Bearer {api_key}"
    request = urllib.request.Request(f"{base_url.rstrip('/')}/chat/completions", data=body,
                                     headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read())["choices"][0]["message"]["content"]
    except (urllib.error.URLError, OSError, KeyError, IndexError, ValueError) as err:
        raise UserError(f"endpoint {base_url}: {err}") from None


class EndpointRunner:
    """The task runner for a remote model: generation only, one request per prompt."""

    def __init__(self, base_url: str, model: str, api_key: str | None = None,
                 progress: bool = False) -> None:
        self.base_url, self.model_name, self.api_key = base_url, model, api_key
        self.progress = progress

    def render(self, text: str, fmt: str, system: str | None = None) -> str:
        if fmt == "alpaca":
            text = alpaca_prompt(text)
        messages = ([{"role": "system", "content": system}] if system else []) + [
            {"role": "user", "content": text}]
        return json.dumps(messages, ensure_ascii=False)

    def generate(self, prompts: Sequence[str], fmt: str, params: Any, batch_size: int) -> list[str]:
        from langadapt.evaluate.generation import cut_at_stop

        if params.num_beams > 1:
            raise UserError("beam search is not available through a chat endpoint (num_beams: 1)")
        options: dict[str, Any] = {"max_tokens": params.max_new_tokens,
                                   "temperature": params.temperature if params.do_sample else 0}
        if params.do_sample:
            options["top_p"] = params.top_p
        if params.seed is not None:
            options["seed"] = params.seed
        outputs = []
        for prompt in tqdm(prompts, desc="endpoint", disable=not self.progress):
            reply = chat_completion(self.base_url, self.model_name, json.loads(prompt),
                                    api_key=self.api_key, **options)
            outputs.append(cut_at_stop(reply, params.stop))
        return outputs

    def logliks(self, *args: Any, **kwargs: Any) -> list[float]:
        raise UserError("log-likelihood scoring needs token probabilities from a local model; "
                        "with --endpoint use generative tasks (copa mode: generate, qa, mt, gec)")

    @property
    def model(self):
        raise UserError("perplexity and lm_eval tasks need a local model, not an endpoint")
