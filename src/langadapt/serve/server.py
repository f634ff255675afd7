"""An OpenAI-compatible HTTP server for a model: ``/v1/models``, ``/v1/chat/completions``.

FastAPI + uvicorn. Requests are answered one at a time (a lock around generation: a CPU or one
GPU gains nothing from interleaving them); ``stream: true`` sends server-sent events as the
tokens are produced. With ``--api-key`` every request needs ``Authorization: Bearer KEY``.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from typing import Literal

from pydantic import BaseModel, Field


class ChatMessage(BaseModel):
    role: Literal["system", "user", "assistant"]
    content: str


class ChatRequest(BaseModel):
    model: str | None = None
    messages: list[ChatMessage] = Field(min_length=1)
    temperature: float = Field(0.6, ge=0)
    top_p: float = Field(0.9, gt=0, le=1)
    max_tokens: int = Field(256, ge=1)
    repetition_penalty: float = Field(1.2, gt=0)
    stream: bool = False
    seed: int | None = None


def create_app(model, tokenizer, model_name: str, api_key: str | None = None):
    from fastapi import Depends, FastAPI, Header, HTTPException
    from fastapi.responses import StreamingResponse

    from langadapt.serve.chat import SamplingOptions, generate_stream

    app = FastAPI(title="langadapt", version="1")
    lock = threading.Lock()

    def authorise(authorization: str | None = Header(None)) -> None:
        if api_key and authorization != f"Bearer {api_key}":
            raise HTTPException(status_code=401, detail="invalid or missing API key")

    @app.get("/v1/models", dependencies=[Depends(authorise)])
    def models() -> dict:
        return {"object": "list", "data": [{"id": model_name, "object": "model",
                                            "owned_by": "langadapt"}]}

    def _options(req: ChatRequest) -> SamplingOptions:
        return SamplingOptions(temperature=req.temperature, top_p=req.top_p,
                               repetition_penalty=req.repetition_penalty,
                               max_new_tokens=req.max_tokens, seed=req.seed)

    def _chunk(cid: str, delta: dict, finish: str | None = None) -> str:
        body = {"id": cid, "object": "chat.completion.chunk", "created": int(time.time()),
                "model": model_name,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
        return f"data: {json.dumps(body, ensure_ascii=False)}\n\n"

    @app.post("/v1/chat/completions", dependencies=[Depends(authorise)])
    def chat_completions(req: ChatRequest):
        messages = [m.model_dump() for m in req.messages]
        cid = f"chatcmpl-{uuid.uuid4().hex[:24]}"
        if req.stream:
            def events():
                with lock:
                    yield _chunk(cid, {"role": "assistant"})
                    for piece in generate_stream(model, tokenizer, messages, _options(req)):
                        if piece:
                            yield _chunk(cid, {"content": piece})
                yield _chunk(cid, {}, "stop")
                yield "data: [DONE]\n\n"

            return StreamingResponse(events(), media_type="text/event-stream")
        usage: dict = {}
        with lock:
            reply = "".join(generate_stream(model, tokenizer, messages, _options(req), usage))
        usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
        finish = "length" if usage["completion_tokens"] >= req.max_tokens else "stop"
        return {"id": cid, "object": "chat.completion", "created": int(time.time()),
                "model": model_name,
                "choices": [{"index": 0,
                             "message": {"role": "assistant", "content": reply.strip()},
                             "finish_reason": finish}],
                "usage": usage}

    return app


def serve(model_ref: str, host: str = "127.0.0.1", port: int = 8000, api_key: str | None = None
          ) -> None:
    import uvicorn

    from langadapt.modeling import load_model_and_tokenizer
    from langadapt.train.formats import ensure_chat_template

    model, tokenizer = load_model_and_tokenizer(model_ref)
    ensure_chat_template(tokenizer)
    uvicorn.run(create_app(model, tokenizer, model_ref, api_key), host=host, port=port,
                log_level="info")
