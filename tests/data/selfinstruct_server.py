"""A tiny OpenAI-compatible chat server for self-instruct tests: canned answers, every request
body recorded, optional 429s, optional hang after N answers (to kill a client mid-run)."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from testlib import DEMO_DATA, read_lines

from langadapt.data.self_instruct.filters import blacklist_pattern
from langadapt.data.self_instruct.prompt import load_prompt

_BLACKLIST = blacklist_pattern(load_prompt("et").blacklist)
SENTENCES = [s for s in read_lines(DEMO_DATA / "et" / "ud_edt.dev.txt")
             if 8 <= len(s.split()) <= 30 and not _BLACKLIST.search(s)]
VERBS = ["Selgita", "Kirjelda", "Võta kokku", "Hinda", "Põhjenda", "Arutle", "Kommenteeri", "Analüüsi"]


def estonian_items(request_number: int, first: int, count: int) -> str:
    """``count`` numbered, distinct, Estonian items starting at ``first`` (continuing the prompt)."""
    blocks = []
    for k in range(count):
        sentence = SENTENCES[(request_number * 37 + k * 11) % len(SENTENCES)]
        verb = VERBS[(request_number + k) % len(VERBS)]
        instruction = f"{verb} oma sõnadega järgmist mõtet: {sentence}"
        head = "" if k == 0 else f"{first + k}. Juhis: "
        blocks.append(f"{head}{instruction}\n{first + k}. Sisend:\n<sisend puudub>\n"
                      f"{first + k}. Väljund:\nSee lause räägib sellest, et {sentence.lower()}")
    return "\n###\n".join(blocks)


class State:
    def __init__(self, answer=None, fail_first: int = 0, hang_after: int | None = None,
                 usage=(100, 50), log: Path | None = None) -> None:
        self.answer = answer or (lambda n, body: (estonian_items(n, 4, 6), "stop"))
        self.fail_first, self.hang_after, self.usage = fail_first, hang_after, usage
        self.bodies: list[dict] = []
        self.answered: list[dict] = []
        self.lock = threading.Lock()
        self.release = threading.Event()
        self.log = log


def make_handler(state: State):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # keep pytest output clean
            pass

        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            with state.lock:
                state.bodies.append(body)
                number = len(state.bodies) - 1
                if state.log is not None:
                    with open(state.log, "a") as handle:
                        handle.write(json.dumps(body, sort_keys=True) + "\n")
            if number < state.fail_first:
                return self._send(429, {"error": {"message": "slow down", "type": "rate_limit"}})
            if state.hang_after is not None and len(state.answered) >= state.hang_after:
                state.release.wait(30)  # the client gets killed while waiting here
                return
            text, finish = state.answer(number, body)
            with state.lock:
                state.answered.append(body)
            prompt, completion = state.usage
            self._send(200, {
                "id": f"c{number}", "object": "chat.completion", "created": int(time.time()),
                "model": body["model"],
                "choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                             "finish_reason": finish}],
                "usage": {"prompt_tokens": prompt, "completion_tokens": completion,
                          "total_tokens": prompt + completion}})

        def _send(self, status: int, payload: dict) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler
