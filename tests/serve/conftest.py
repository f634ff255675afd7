"""Serving fixtures: a tiny chat model, and apps run by a real uvicorn on 127.0.0.1."""

from __future__ import annotations

import socket
import threading
import time

import pytest
from testlib import make_tiny_llama

from langadapt.train.formats import ensure_chat_template


@pytest.fixture(scope="module")
def model(tiny_tokenizer):
    ensure_chat_template(tiny_tokenizer)
    return make_tiny_llama(tiny_tokenizer, initializer_range=0.3)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def run_app():
    """``run_app(app)`` serves ``app`` over real HTTP and returns its root URL; every server
    started is stopped when the module's tests are done."""
    import uvicorn

    servers = []

    def start(app) -> str:
        port = free_port()
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                               log_level="error"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        servers.append((server, thread))
        for _ in range(400):
            if server.started:
                return f"http://127.0.0.1:{port}"
            time.sleep(0.025)
        raise RuntimeError("uvicorn did not start within 10 s")

    yield start
    for server, thread in servers:
        server.should_exit = True
        thread.join(timeout=10)
