"""Generator backends behind one interface: an OpenAI-compatible endpoint, or a local HF model.

``payload(prompt)`` is the full request (what the cache key hashes); ``complete(payloads,
on_result)`` answers them, calling ``on_result(i, response)`` as each arrives so the caller can
cache it at once. A response is ``{"text", "finish_reason", "prompt_tokens", "completion_tokens"}``.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import Any, Protocol

from langadapt.errors import UserError

OnResult = Callable[[int, dict], None]


class Generator(Protocol):
    def payload(self, prompt: str) -> dict[str, Any]: ...

    def complete(self, payloads: list[dict], on_result: OnResult) -> None: ...


class EndpointGenerator:
    """Chat completions over HTTP with the ``openai`` client (any OpenAI-compatible server).

    Rate limits (429), server errors (5xx), timeouts and dropped connections are retried with
    exponential backoff and jitter; other HTTP errors (a bad key, an unknown model) are the
    user's to fix and stop the run with one line.
    """

    def __init__(self, url: str, model: str, *, api_key_env: str = "OPENAI_API_KEY",
                 temperature: float = 1.0, top_p: float = 1.0, max_tokens: int = 3072,
                 concurrency: int = 5, max_retries: int = 6, retry_wait: float = 1.0,
                 timeout: float = 600.0) -> None:
        from openai import OpenAI

        # the client's own retries are off: ours count attempts and share one backoff policy
        self.client = OpenAI(base_url=url, api_key=os.environ.get(api_key_env) or "not-set",
                             max_retries=0, timeout=timeout)
        self.url, self.model, self.api_key_env = url, model, api_key_env
        self.sampling = {"temperature": temperature, "top_p": top_p, "max_tokens": max_tokens}
        self.concurrency, self.max_retries, self.retry_wait = concurrency, max_retries, retry_wait
        self.retries = 0

    def payload(self, prompt: str) -> dict[str, Any]:
        return {"model": self.model, "messages": [{"role": "user", "content": prompt}],
                **self.sampling}

    def _send(self, payload: dict) -> dict:
        import openai

        request = {k: v for k, v in payload.items() if k != "request"}
        for attempt in range(self.max_retries + 1):
            try:
                answer = self.client.chat.completions.create(**request)
                break
            except (openai.RateLimitError, openai.InternalServerError, openai.APIConnectionError) as err:
                if attempt == self.max_retries:
                    raise UserError(f"endpoint {self.url}: still failing after {attempt + 1} "
                                    f"attempts ({_describe(err)})") from None
                self.retries += 1
                time.sleep(min(60.0, self.retry_wait * 2 ** attempt) * (0.5 + random.random() / 2))
            except openai.APIStatusError as err:
                hint = f"; is {self.api_key_env} set?" if err.status_code in (401, 403) else ""
                raise UserError(f"endpoint {self.url}: {_describe(err)}{hint}") from None
        choice = answer.choices[0] if answer.choices else None
        usage = answer.usage
        return {"text": (choice.message.content or "") if choice else "",
                "finish_reason": (choice.finish_reason if choice else None) or "stop",
                "prompt_tokens": usage.prompt_tokens if usage else 0,
                "completion_tokens": usage.completion_tokens if usage else 0}

    def complete(self, payloads: list[dict], on_result: OnResult) -> None:
        failure: Exception | None = None
        with ThreadPoolExecutor(max_workers=max(1, self.concurrency)) as pool:
            futures = {pool.submit(self._send, p): i for i, p in enumerate(payloads)}
            for future in as_completed(futures):  # cache each answer the moment it arrives
                try:
                    on_result(futures[future], future.result())
                except Exception as err:  # noqa: BLE001 - keep collecting: the others are paid for
                    failure = failure or err
        if failure is not None:
            raise failure


def _describe(err: Exception) -> str:
    status = getattr(err, "status_code", None)
    message = str(getattr(err, "message", "") or err).splitlines()[0][:200]
    return f"HTTP {status}: {message}" if status else message


class LocalGenerator:
    """A local HF causal LM through the project's batched generation (offline use, the demo).

    The prompt is plain text (a base model continues the list); sampling is seeded per request
    from the payload's ``seed`` so a replay of a payload is reproducible.
    """

    def __init__(self, model_path: str, *, temperature: float = 1.0, top_p: float = 1.0,
                 max_tokens: int = 3072, batch_size: int = 8) -> None:
        self.model_path = model_path
        self.sampling = {"temperature": temperature, "top_p": top_p, "max_tokens": max_tokens}
        self.batch_size = batch_size
        self._backend: Any = None

    def payload(self, prompt: str) -> dict[str, Any]:
        return {"model": str(self.model_path), "prompt": prompt, **self.sampling}

    def _load(self) -> Any:
        if self._backend is None:
            from langadapt.evaluate.generation import TransformersBackend

            self._backend = TransformersBackend.from_pretrained(self.model_path, progress=False,
                                                                batch_size=self.batch_size)
        return self._backend

    def fits(self, prompt: str) -> bool:
        """Whether the prompt and ``max_tokens`` new tokens fit the model's context."""
        backend = self._load()
        context = getattr(backend.model.config, "max_position_embeddings", None)
        needed = len(backend.tokenizer(prompt)["input_ids"]) + self.sampling["max_tokens"]
        return context is None or needed <= context

    def complete(self, payloads: list[dict], on_result: OnResult) -> None:
        from langadapt.evaluate.generation import SamplingParams

        if not payloads:
            return
        backend = self._load()
        first = payloads[0]
        params = SamplingParams(max_new_tokens=first["max_tokens"], do_sample=first["temperature"] > 0,
                                temperature=first["temperature"] or 1.0, top_p=first["top_p"],
                                seed=first.get("request", 0))
        prompts = [p["prompt"] for p in payloads]
        outputs = backend.generate_tokens(prompts, params)
        tokenizer = backend.tokenizer
        for index, (prompt, tokens) in enumerate(zip(prompts, outputs)):
            ended = bool(tokens) and tokens[-1] in backend.eos_ids
            text = tokenizer.decode(tokens[:-1] if ended else tokens, skip_special_tokens=True)
            on_result(index, {
                "text": text, "finish_reason": "stop" if ended else "length",
                "prompt_tokens": len(tokenizer(prompt)["input_ids"]), "completion_tokens": len(tokens)})
