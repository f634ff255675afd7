"""An OpenAI-compatible HTTP server for a model, and the web chat page at ``/``.

Routes: ``GET /health`` and ``GET /`` (the page, ``static/``) are open; ``GET /v1/models``,
``POST /v1/chat/completions`` (the model's chat template) and ``POST /v1/completions`` (a raw
prompt with BOS, no template) need ``Authorization: Bearer KEY`` when the server has a key.

Generation goes through one ``BatchEngine``: concurrent requests are decoded together, each with
its own sampling settings and stop conditions (see ``engine.py``). ``stream: true`` sends
server-sent events as tokens come, then a chunk with the ``usage`` and ``data: [DONE]``.

Errors use OpenAI's shape, ``{"error": {"message", "type", "param", "code"}}``: a malformed or
invalid request is a 400 (sampling settings are checked by the same rule as ``langadapt chat``
and ``langadapt eval``), a generation that fails is a 500 for that request only and the next
request is served. A failure after a stream has started (status 200 already sent) ends the
stream with an ``error`` event and ``[DONE]``.
"""

from __future__ import annotations

import itertools
import json
import logging
import time
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from langadapt.errors import UserError
from langadapt.evaluate.generation import SamplingParams
from langadapt.serve.chat import SamplingOptions, chat_prompt_ids
from langadapt.serve.engine import BatchEngine, Job

log = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
# request field names where they differ from SamplingParams'
REQUEST_NAMES = {"max_new_tokens": "max_tokens"}


class ChatMessage(BaseModel):
    model_config = ConfigDict(strict=True)
    role: Literal["system", "user", "assistant"]
    content: str


class SamplingRequest(BaseModel):
    """Fields every generation request takes; what a request leaves out comes from the server's
    defaults (``langadapt serve`` options). Strict types: ``"0.5"`` is not a temperature."""

    model_config = ConfigDict(strict=True)
    model: str | None = None
    temperature: float | None = None
    top_p: float | None = None
    top_k: int | None = None  # not in OpenAI's API; vLLM's extension, accepted the same way
    max_tokens: int | None = None
    max_completion_tokens: int | None = None  # OpenAI's newer name for max_tokens
    repetition_penalty: float | None = None  # vLLM's extension too
    stop: str | list[str] | None = None
    n: int = Field(1, ge=1, le=16)
    stream: bool = False
    seed: int | None = None
    ignore_eos: bool = False  # vLLM's extension: generate max_tokens tokens (load tests)

    def options(self, defaults: SamplingOptions) -> SamplingOptions:
        given = {"temperature": self.temperature, "top_p": self.top_p, "top_k": self.top_k,
                 "repetition_penalty": self.repetition_penalty,
                 "max_new_tokens": self.max_tokens if self.max_tokens is not None
                 else self.max_completion_tokens, "seed": self.seed}
        return replace(defaults, **{k: v for k, v in given.items() if v is not None})

    def choice_params(self, defaults: SamplingOptions) -> list[SamplingParams]:
        """One checked ``SamplingParams`` per choice; a seed gives choice i the seed + i, so the
        ``n`` choices differ but each is reproducible."""
        params = self.options(defaults).params(REQUEST_NAMES)
        stops = [self.stop] if isinstance(self.stop, str) else list(self.stop or [])
        params = replace(params, stop=tuple(s for s in stops if s))
        return [replace(params, seed=None if params.seed is None else params.seed + i)
                for i in range(self.n)]


class ChatRequest(SamplingRequest):
    messages: list[ChatMessage] = Field(min_length=1)


class CompletionRequest(SamplingRequest):
    prompt: str


class GenerationFailed(Exception):
    """A generation raised; answered with HTTP 500 (the cause is logged with its traceback)."""


def error_body(message: str, kind: str, code: str | None, param: str | None = None) -> dict:
    return {"error": {"message": message, "type": kind, "param": param, "code": code}}


def sse(payload: Any) -> str:
    return f"data: {json.dumps(payload, ensure_ascii=False)}\n\n"


def create_app(model, tokenizer, model_name: str, api_key: str | None = None,
               defaults: SamplingOptions | None = None, max_batch: int = 8,
               max_prompt_tokens: int | None = None, max_new_tokens: int | None = None,
               engine: BatchEngine | None = None):
    """The FastAPI app. ``defaults`` (Llammas chat settings when None) fill what requests omit;
    ``max_new_tokens`` (default: the defaults' value) caps ``max_tokens``; ``max_prompt_tokens``
    (default: the model's context) caps prompts."""
    defaults = defaults or SamplingOptions()
    cap = max_new_tokens or defaults.max_new_tokens
    # a request that leaves max_tokens out gets the cap when the default is above it
    defaults = replace(defaults, max_new_tokens=min(defaults.max_new_tokens, cap))
    context = getattr(getattr(model, "config", None), "max_position_embeddings", None)
    engine = engine or BatchEngine(model, tokenizer, max_batch=max_batch)
    # the web stack loads when an app is made, not when this module's types are imported
    from fastapi import Depends, FastAPI, Header, HTTPException, Request
    from fastapi.exceptions import RequestValidationError
    from fastapi.responses import FileResponse, JSONResponse, StreamingResponse
    from fastapi.staticfiles import StaticFiles
    from jinja2 import TemplateError
    from starlette.concurrency import iterate_in_threadpool
    from starlette.exceptions import HTTPException as StarletteHTTPException

    app = FastAPI(title="langadapt", version="1", docs_url=None, redoc_url=None)
    app.state.engine = engine

    def error(status: int, message: str, kind: str, code: str | None,
              param: str | None = None) -> JSONResponse:
        return JSONResponse(error_body(message, kind, code, param), status_code=status)

    @app.exception_handler(RequestValidationError)
    def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"] if part != "body")
        return error(400, f"{where}: {first['msg']}" if where else first["msg"],
                     "invalid_request_error", "invalid_request", where or None)

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

    @app.get("/health")
    def health() -> dict:
        return {"status": "ok", "model": model_name}

    @app.get("/", include_in_schema=False)
    def page() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html")

    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/v1/models", dependencies=[Depends(authorise)])
    def models() -> dict:
        return {"object": "list", "data": [{"id": model_name, "object": "model", "created": 0,
                                            "owned_by": "langadapt", "max_model_len": context}]}

    def failed(err: Exception) -> GenerationFailed:
        return GenerationFailed(f"generation failed: {type(err).__name__}: {err}")

    def start(req: SamplingRequest, ids: list[int]) -> Job:
        """The request checked (400s before any work) and queued for generation."""
        if req.model not in (None, model_name):
            raise UserError(f"model: {req.model!r} is not served here; this server has "
                            f"{model_name!r} (see /v1/models)")
        params = req.choice_params(defaults)
        wanted = params[0].max_new_tokens
        if wanted > cap:
            raise UserError(f"max_tokens must be at most {cap} on this server "
                            f"(--max-new-tokens), got {wanted}")
        if max_prompt_tokens and len(ids) > max_prompt_tokens:
            raise UserError(f"the prompt has {len(ids)} tokens; this server takes at most "
                            f"{max_prompt_tokens} (--max-prompt-tokens)")
        if context and len(ids) + wanted > context:
            raise UserError(f"the prompt ({len(ids)} tokens) plus max_tokens ({wanted}) exceeds "
                            f"the model's context of {context} tokens")
        return engine.submit(ids, params, ignore_eos=req.ignore_eos)

    def answer(req: SamplingRequest, ids: list[int], chat: bool):
        job = start(req, ids)
        head = {"id": f"{'chatcmpl' if chat else 'cmpl'}-{uuid.uuid4().hex[:24]}",
                "created": int(time.time()), "model": model_name}
        events = job.events()
        if not req.stream:
            texts = [""] * req.n
            try:
                for index, text in events:
                    texts[index] += text
            except Exception as err:
                raise failed(err) from err
            choices = [{"index": i, "logprobs": None, "finish_reason": job.finish_reasons[i],
                        **({"message": {"role": "assistant", "content": text}} if chat
                           else {"text": text})} for i, text in enumerate(texts)]
            return {**head, "object": "chat.completion" if chat else "text_completion",
                    "choices": choices, "usage": job.usage}
        try:  # wait for the first piece: a generation that fails at once is a 500, not a 200
            first = next(events, None)
        except Exception as err:
            raise failed(err) from err
        kind = "chat.completion.chunk" if chat else "text_completion"

        def chunk(index: int, text: str | None = None, finish: str | None = None,
                  role: bool = False) -> str:
            if chat:
                delta = {"role": "assistant", "content": ""} if role else (
                    {"content": text} if text is not None else {})
                choice = {"index": index, "delta": delta}
            else:
                choice = {"index": index, "text": text or ""}
            return sse({**head, "object": kind, "choices": [
                {**choice, "logprobs": None, "finish_reason": finish}]})

        def stream() -> Iterator[str]:
            ended: set[int] = set()
            try:
                if chat:
                    for index in range(req.n):
                        yield chunk(index, role=True)
                for index, text in itertools.chain([first] if first else [], events):
                    yield chunk(index, text)
                    for done in set(job.finish_reasons) - ended:
                        ended.add(done)
                        yield chunk(done, finish=job.finish_reasons[done])
            except Exception as err:  # the status line is sent: end the stream with the error
                log.error("generation failed mid-stream", exc_info=err)
                yield sse(error_body(str(failed(err)), "server_error", "generation_failed"))
            else:
                for index in sorted(set(job.finish_reasons) - ended):
                    yield chunk(index, finish=job.finish_reasons[index])
                yield sse({**head, "object": kind, "choices": [], "usage": job.usage})
            finally:
                events.close()  # a client that went away cancels its rows
            yield "data: [DONE]\n\n"

        async def stream_until_disconnect():
            # Starlette cancels this task when the client goes away; the sync generator above
            # may then sit suspended in a worker thread, so stop the rows here, at once.
            try:
                async for piece in iterate_in_threadpool(stream()):
                    yield piece
            finally:
                job.cancel()

        return StreamingResponse(stream_until_disconnect(), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache"})

    @app.post("/v1/chat/completions", dependencies=[Depends(authorise)])
    def chat_completions(req: ChatRequest):
        try:
            ids = chat_prompt_ids(tokenizer, [m.model_dump() for m in req.messages])
        except TemplateError as err:  # e.g. a template that requires alternating roles
            raise UserError(f"messages: {err}") from None
        return answer(req, ids, chat=True)

    @app.post("/v1/completions", dependencies=[Depends(authorise)])
    def completions(req: CompletionRequest):
        ids = tokenizer(req.prompt)["input_ids"]  # with BOS, as `format: plain` evals
        if not ids:
            raise UserError("prompt: empty (and the tokenizer adds no BOS token)")
        return answer(req, ids, chat=False)

    return app


def serve(model_ref: str, host: str = "127.0.0.1", port: int = 8000, api_key: str | None = None,
          defaults: SamplingOptions | None = None, max_batch: int = 8,
          max_prompt_tokens: int | None = None, max_new_tokens: int | None = None) -> None:
    import uvicorn

    from langadapt.modeling import load_model_and_tokenizer
    from langadapt.train.formats import ensure_chat_template

    model, tokenizer = load_model_and_tokenizer(model_ref)
    model.eval()
    ensure_chat_template(tokenizer)
    app = create_app(model, tokenizer, model_ref, api_key, defaults, max_batch=max_batch,
                     max_prompt_tokens=max_prompt_tokens, max_new_tokens=max_new_tokens)
    print(f"langadapt: serving {model_ref} on http://{host}:{port}/ (chat page) and "
          f"http://{host}:{port}/v1 (OpenAI API)", flush=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")
