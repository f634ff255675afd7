"""Scoring a model behind an OpenAI-compatible endpoint (an API baseline, vLLM, `langadapt serve`).

``post_json`` is the one HTTP call (plain ``urllib``: one POST per prompt needs no client
library); ``chat_completion`` (the judge uses it too) and ``text_completion`` wrap it.
``EndpointRunner`` stands in for the local model runner of the generative tasks, and a task's
``format`` means what it means locally: ``chat`` sends chat messages (the endpoint applies its
own template), ``plain`` and ``alpaca`` send the exact text a local run would tokenise to
``/completions``, with no template around it. Log-likelihood tasks and perplexity need token
probabilities and a local model.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Sequence
from typing import Any

from tqdm.auto import tqdm

from langadapt.errors import UserError
from langadapt.evaluate.generation import SamplingParams, cut_at_stop
from langadapt.evaluate.tasks.base import wrap_prompt


def _error_message(err: urllib.error.HTTPError) -> str:
    """``HTTP 500: message`` from an OpenAI-style error body, else the status line."""
    try:
        message = json.loads(err.read())["error"]["message"]
    except (OSError, ValueError, KeyError, TypeError):
        return f"HTTP {err.code} {err.reason}"
    return f"HTTP {err.code}: {message}"


def post_json(base_url: str, path: str, body: dict[str, Any], api_key: str | None = None,
              timeout: float = 120.0) -> dict[str, Any]:
    """POST ``body`` to ``base_url/path`` and return the JSON answer; failures are one line."""
    headers = {"Content-Type": "application/json"}
    if api_key:
        headers["Authorization"] = f"Bearer {api_key}"
    url = f"{base_url.rstrip('/')}/{path}"
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers=headers,
                                     method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as err:
        hint = " (this endpoint has no text completions; use format: chat)" \
            if err.code == 404 and path == "completions" else ""
        raise UserError(f"endpoint {url}: {_error_message(err)}{hint}") from None
    except (urllib.error.URLError, OSError, ValueError) as err:
        raise UserError(f"endpoint {url}: {err}") from None


def _answer(url: str, reply: Any, *keys: str | int) -> str:
    """The text at ``reply[keys[0]][keys[1]]...``; anything else is a one-line error."""
    value: Any = reply
    try:
        for key in keys:
            value = value[key]
    except (KeyError, IndexError, TypeError):
        value = None
    if not isinstance(value, str):
        raise UserError(f"endpoint {url}: unexpected answer {json.dumps(reply)[:200]}")
    return value


def chat_completion(base_url: str, model: str, messages: list[dict], api_key: str | None = None,
                    timeout: float = 120.0, **params: Any) -> str:
    """The assistant message of one ``/chat/completions`` request."""
    body = {"model": model, "messages": messages, **params}
    reply = post_json(base_url, "chat/completions", body, api_key, timeout)
    return _answer(base_url, reply, "choices", 0, "message", "content")


def text_completion(base_url: str, model: str, prompt: str, api_key: str | None = None,
                    timeout: float = 120.0, **params: Any) -> str:
    """The continuation of ``prompt`` from one ``/completions`` request."""
    reply = post_json(base_url, "completions", {"model": model, "prompt": prompt, **params},
                      api_key, timeout)
    return _answer(base_url, reply, "choices", 0, "text")


def request_options(params: SamplingParams) -> dict[str, Any]:
    """The request fields of ``params``. ``top_k`` and ``repetition_penalty`` are extensions
    (vLLM, ``langadapt serve``) and are sent only when they change something, so an API without
    them (OpenAI's) still answers tasks that leave them at their neutral values."""
    if params.num_beams > 1:
        raise UserError("beam search is not available through an endpoint (num_beams: 1)")
    options: dict[str, Any] = {"max_tokens": params.max_new_tokens,
                               "temperature": params.temperature if params.do_sample else 0}
    if params.do_sample:
        options["top_p"] = params.top_p
        if params.top_k:
            options["top_k"] = params.top_k
    if params.repetition_penalty != 1.0:
        options["repetition_penalty"] = params.repetition_penalty
    if params.seed is not None:
        options["seed"] = params.seed
    return options


class EndpointRunner:
    """The task runner for a remote model: generation only, one request per prompt."""

    def __init__(self, base_url: str, model: str, api_key: str | None = None,
                 progress: bool = False) -> None:
        self.base_url, self.model_name, self.api_key = base_url, model, api_key
        self.progress = progress

    def render(self, text: str, fmt: str, system: str | None = None) -> str:
        """A request as JSON: ``{"messages": [...]}`` (chat) or ``{"prompt": text}``."""
        if fmt == "chat":
            messages = ([{"role": "system", "content": system}] if system else []) + [
                {"role": "user", "content": text}]
            return json.dumps({"messages": messages}, ensure_ascii=False)
        return json.dumps({"prompt": wrap_prompt(None, text, fmt, system)}, ensure_ascii=False)

    def generate(self, prompts: Sequence[str], fmt: str, params: SamplingParams,
                 batch_size: int) -> list[str]:
        options = request_options(params.validate())
        outputs = []
        for prompt in tqdm(prompts, desc="endpoint", disable=not self.progress):
            request = json.loads(prompt)
            if "messages" in request:
                reply = chat_completion(self.base_url, self.model_name, request["messages"],
                                        api_key=self.api_key, **options)
            else:
                reply = text_completion(self.base_url, self.model_name, request["prompt"],
                                        api_key=self.api_key, **options)
            outputs.append(cut_at_stop(reply, params.stop))
        return outputs

    def logliks(self, *args: Any, **kwargs: Any) -> list[float]:
        raise UserError("log-likelihood scoring needs token probabilities from a local model; "
                        "with --endpoint use generative tasks (copa mode: generate, qa, mt, gec)")

    @property
    def model(self):
        raise UserError("perplexity and lm_eval tasks need a local model, not an endpoint")
