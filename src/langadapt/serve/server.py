"""An OpenAI-compatible HTTP server for a model: ``/v1/models``, ``/v1/chat/completions`` and
``/v1/completions`` (a raw prompt, no chat template).

FastAPI + uvicorn. Requests are answered one at a time (a lock around generation: a CPU or one
GPU gains nothing from interleaving them); ``stream: true`` sends server-sent events as the
tokens are produced. With ``--api-key`` every request needs ``Authorization: Bearer KEY``.

Errors use OpenAI's shape, ``{"error": {"message", "type", "param", "code"}}``: an invalid request
or sampling setting is a 400 (the settings are checked by the same rule as ``langadapt chat`` and
``langadapt eval``), a generation that fails is a 500 for that request only: the lock is released
and the next request is served. A failure after a stream has started (status 200 already sent)
ends the stream with an ``error`` event.
"""

from __future__ import annotations

import itertools
import json
import logging
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import replace
from typing import Any, Literal

from pydantic import BaseModel, Field

from langadapt.errors import UserError
from langadapt.evaluate.generation import SamplingParams, stream_generate
from langadapt.modeling import load_model_and_tokenizer
from langadapt.serve.chat import SamplingOptions, chat_inputs
from langadapt.train.formats import ensure_chat_template

log = logging.getLogger(__name__)

# request field names where they differ from SamplingParams'
REQUEST_NAMES = {"max_new_tokens": "max_tokens"}


class ChatMessage(BaseModel):
    role: Literal["system", "user", "assistant"]
    content: str


class SamplingRequest(BaseModel):
    """Sampling fields every generation request takes; what a request leaves out comes from the
    server's defaults (``langadapt serve`` options). Values are checked by ``params``."""

    model: str | None = None
    temperature: float | None = None
    top_p: float | None = None
    top_k: int | None = None  # not in OpenAI's API; vLLM's extension, accepted the same way
    max_tokens: int | None = None
    repetition_penalty: float | None = None  # likewise
    stream: bool = False
    seed: int | None = None

    def options(self, defaults: SamplingOptions) -> SamplingOptions:
        given = {"temperature": self.temperature, "top_p": self.top_p, "top_k": self.top_k,
                 "repetition_penalty": self.repetition_penalty,
                 "max_new_tokens": self.max_tokens, "seed": self.seed}
        return replace(defaults, **{k: v for k, v in given.items() if v is not None})


class ChatRequest(SamplingRequest):
    messages: list[ChatMessage] = Field(min_length=1)


class CompletionRequest(SamplingRequest):
    prompt: str


class GenerationFailed(Exception):
    """A generation raised; answered with HTTP 500 (the cause is logged with its traceback)."""


def error_body(message: str, kind: str, code: str | None) -> dict[str, Any]:
    return {"error": {"message": message, "type": kind, "param": None, "code": code}}


def create_app(model, tokenizer, model_name: str, api_key: str | None = None,
               defaults: SamplingOptions | None = None):
    """The FastAPI app; ``defaults`` (Llammas chat settings when None) fill what requests omit."""
    defaults = defaults or SamplingOptions()
    # the web stack loads when an app is made, not when this module's types are imported
    from fastapi import Depends, FastAPI, Header, HTTPException, Request
    from fastapi.exceptions import RequestValidationError
    from fastapi.responses import JSONResponse, StreamingResponse
    from jinja2 import TemplateError
    from starlette.exceptions import HTTPException as StarletteHTTPException

    app = FastAPI(title="langadapt", version="1")
    lock = threading.Lock()

    def error(status: int, message: str, kind: str, code: str | None) -> JSONResponse:
        return JSONResponse(error_body(message, kind, code), status_code=status)

    @app.exception_handler(RequestValidationError)
    def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"] if part != "body")
        return error(400, f"{where}: {first['msg']}" if where else first["msg"],
                     "invalid_request_error", "invalid_request")

    @app.exception_handler(UserError)
    def invalid_setting(request: Request, exc: UserError) -> JSONResponse:
        return error(400, str(exc), "invalid_request_error", "invalid_value")

    @app.exception_handler(StarletteHTTPException)
    def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        kind = "authentication_error" if exc.status_code == 401 else "invalid_request_error"
        return error(exc.status_code, str(exc.detail), kind,
                     "invalid_api_key" if exc.status_code == 401 else None)

    @app.exception_handler(GenerationFailed)
    def generation_failed(request: Request, exc: GenerationFailed) -> JSONResponse:
        return error(500, str(exc), "server_error", "generation_failed")

    def authorise(authorization: str | None = Header(None)) -> None:
        if api_key and authorization != f"Bearer {api_key}":
            raise HTTPException(status_code=401, detail="invalid or missing API key")

    @app.get("/v1/models", dependencies=[Depends(authorise)])
    def models() -> dict:
        return {"object": "list", "data": [{"id": model_name, "object": "model",
                                            "owned_by": "langadapt"}]}

    def failed(err: Exception) -> GenerationFailed:
        log.error("generation failed", exc_info=err)
        return GenerationFailed(f"generation failed: {type(err).__name__}: {err}")

    def locked_stream(inputs: dict, params: SamplingParams, usage: dict | None) -> Iterator[str]:
        with lock:  # released when the stream ends, fails or is closed
            yield from stream_generate(model, tokenizer, inputs, params, usage)

    def answer(req: SamplingRequest, inputs: dict, kind: str, choice: Any) -> Any:
        """The response to one request: ``kind`` is ``chat.completion`` or ``text_completion``,
        ``choice(text)`` a choice's payload."""
        options = req.options(defaults)
        params = options.params(REQUEST_NAMES)  # invalid: 400 before the lock is taken
        chat = kind == "chat.completion"
        head = {"id": f"{'chatcmpl' if chat else 'cmpl'}-{uuid.uuid4().hex[:24]}",
                "created": int(time.time()), "model": model_name}
        if not req.stream:
            usage: dict = {}
            try:
                text = "".join(locked_stream(inputs, params, usage))
            except Exception as err:
                raise failed(err) from err
            usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
            finish = "length" if usage["completion_tokens"] >= options.max_new_tokens else "stop"
            return {**head, "object": kind,
                    "choices": [{"index": 0, **choice(text), "finish_reason": finish}],
                    "usage": usage}
        pieces = locked_stream(inputs, params, None)
        try:  # generation starts (or fails, as a 500) before the 200 status line is sent
            first = next(pieces, "")
        except Exception as err:
            raise failed(err) from err

        def event(payload: dict, finish: str | None = None) -> str:
            body = {**head, "object": "chat.completion.chunk" if chat else kind,
                    "choices": [{"index": 0, **payload, "finish_reason": finish}]}
            return f"data: {json.dumps(body, ensure_ascii=False)}\n\n"

        def delta(text: str) -> dict:
            return {"delta": {"content": text}} if chat else {"text": text, "logprobs": None}

        def events() -> Iterator[str]:
            if chat:
                yield event({"delta": {"role": "assistant"}})
            try:
                for piece in itertools.chain([first], pieces):
                    if piece:
                        yield event(delta(piece))
            except Exception as err:  # the status line is sent: end the stream with the error
                body = error_body(str(failed(err)), "server_error", "generation_failed")
                yield f"data: {json.dumps(body, ensure_ascii=False)}\n\n"
            else:
                yield event({"delta": {}} if chat else delta(""), "stop")
            yield "data: [DONE]\n\n"

        return StreamingResponse(events(), media_type="text/event-stream")

    @app.post("/v1/chat/completions", dependencies=[Depends(authorise)])
    def chat_completions(req: ChatRequest):
        try:
            inputs = chat_inputs(model, tokenizer, [m.model_dump() for m in req.messages])
        except TemplateError as err:  # e.g. a template that requires alternating roles
            raise UserError(f"messages: {err}") from None
        return answer(req, inputs, "chat.completion",
                      lambda text: {"message": {"role": "assistant", "content": text.strip()}})

    @app.post("/v1/completions", dependencies=[Depends(authorise)])
    def completions(req: CompletionRequest):
        encoded = tokenizer(req.prompt, return_tensors="pt")  # with BOS, as `format: plain` evals
        if encoded["input_ids"].shape[1] == 0:
            raise UserError("prompt: empty (and the tokenizer adds no BOS token)")
        inputs = {k: encoded[k].to(model.device) for k in ("input_ids", "attention_mask")
                  if k in encoded}
        return answer(req, inputs, "text_completion", lambda text: {"text": text, "logprobs": None})

    return app


def serve(model_ref: str, host: str = "127.0.0.1", port: int = 8000, api_key: str | None = None,
          defaults: SamplingOptions | None = None) -> None:
    import uvicorn

    model, tokenizer = load_model_and_tokenizer(model_ref)
    ensure_chat_template(tokenizer)
    uvicorn.run(create_app(model, tokenizer, model_ref, api_key, defaults), host=host, port=port,
                log_level="info")
