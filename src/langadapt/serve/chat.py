"""Terminal chat with a model, local or behind an OpenAI-compatible endpoint: multi-turn, streamed.

Reads one user turn per line. Commands: ``/reset`` (forget the conversation, keep the system
message), ``/system TEXT``, ``/params k=v ...`` (sampling settings), ``/save FILE`` (append the
conversation as one ``{"messages": [...]}`` line, the project's conversation format), ``/exit``.
Ctrl-C stops the answer being written and returns to the prompt. From a pipe it answers each line
in turn, so it can be scripted. A local model streams through the server's ``BatchEngine``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Protocol

from langadapt.errors import UserError
from langadapt.evaluate.generation import SamplingParams

HELP = ("commands: /reset, /system TEXT, /params k=v ..., /save FILE, /exit "
        "(Ctrl-C stops an answer, Ctrl-D quits)")


@dataclass
class SamplingOptions:
    """Chat sampling settings (Llammas paper defaults); temperature 0 means greedy decoding."""

    temperature: float = 0.6
    top_p: float = 0.9
    top_k: int = 0  # 0: no top-k filtering
    repetition_penalty: float = 1.2
    max_new_tokens: int = 256
    seed: int | None = None

    def params(self, names: Mapping[str, str] | None = None) -> SamplingParams:
        """The validated ``SamplingParams`` (one ``UserError``; ``names`` renames fields in it)."""
        greedy = self.temperature == 0
        return SamplingParams(
            max_new_tokens=self.max_new_tokens, do_sample=not greedy,
            temperature=1.0 if greedy else self.temperature, top_p=self.top_p, top_k=self.top_k,
            repetition_penalty=self.repetition_penalty, seed=self.seed).validate(names)

    def generate_kwargs(self) -> dict:
        return self.params().generate_kwargs()

    def updated(self, assignments: list[str]) -> SamplingOptions:
        """A copy with ``name=value`` assignments applied and checked (``max_tokens`` is an alias
        of ``max_new_tokens``, ``seed=none`` unsets the seed); one ``UserError`` if one is bad."""
        kinds = {f.name: f.type for f in fields(self)}
        changes: dict = {}
        for item in assignments:
            name, sep, value = item.partition("=")
            name = {"max_tokens": "max_new_tokens"}.get(name.strip(), name.strip())
            if not sep or name not in kinds:
                raise UserError(f"{item}: expected NAME=VALUE with NAME one of "
                                f"{', '.join(kinds)}")
            try:
                if name == "seed":
                    changes[name] = None if value.lower() in ("", "none") else int(value)
                else:
                    changes[name] = (int if "int" in str(kinds[name]) else float)(value)
            except ValueError:
                raise UserError(f"{item}: {value!r} is not a number") from None
        options = replace(self, **changes)
        options.params()
        return options


def chat_prompt_ids(tokenizer, messages: list[dict]) -> list[int]:
    """Token ids of ``messages`` in the model's chat template, ready for the assistant's turn."""
    encoded = tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=True,
                                            return_dict=True)
    return list(encoded["input_ids"])


class Replier(Protocol):
    def stream(self, messages: list[dict], options: SamplingOptions) -> Iterator[str]:
        """Pieces of the assistant's next turn, as they are produced."""
        ...


class LocalReplier:
    """A loaded model, streamed through the same engine as ``langadapt serve``."""

    def __init__(self, model, tokenizer) -> None:
        from langadapt.serve.engine import BatchEngine

        self.tokenizer = tokenizer
        self.engine = BatchEngine(model, tokenizer, max_batch=1, window_s=0.0)

    def stream(self, messages: list[dict], options: SamplingOptions) -> Iterator[str]:
        params = options.params()
        job = self.engine.submit(chat_prompt_ids(self.tokenizer, messages), [params])
        return job.pieces()


class EndpointReplier:
    """A model behind an OpenAI-compatible ``/v1`` URL (``langadapt serve``, vLLM, ...)."""

    def __init__(self, base_url: str, api_key: str | None = None, model: str | None = None):
        self.base_url, self.api_key = base_url.rstrip("/"), api_key
        self.model = model or self._first_model()

    def _request(self, path: str, body: dict | None = None):
        import urllib.request

        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(f"{self.base_url}/{path}", data=data, headers=headers)
        return urllib.request.urlopen(request, timeout=300)

    def _first_model(self) -> str:
        import urllib.error

        try:
            with self._request("models") as response:
                return json.loads(response.read())["data"][0]["id"]
        except urllib.error.HTTPError as err:
            raise UserError(f"--endpoint {self.base_url}: HTTP {err.code} from /models"
                            f"{' (give --api-key)' if err.code == 401 else ''}") from None
        except (OSError, ValueError, KeyError, IndexError, TypeError) as err:
            raise UserError(f"--endpoint {self.base_url}: no model list at /models ({err})"
                            ) from None

    def stream(self, messages: list[dict], options: SamplingOptions) -> Iterator[str]:
        import urllib.error

        body = {"model": self.model, "messages": messages, "stream": True,
                **{k: v for k, v in asdict(options).items() if v is not None}}
        body["max_tokens"] = body.pop("max_new_tokens")
        try:
            response = self._request("chat/completions", body)
        except urllib.error.HTTPError as err:
            try:
                message = json.loads(err.read())["error"]["message"]
            except (ValueError, KeyError, TypeError, OSError):
                message = err.reason
            raise UserError(f"endpoint: HTTP {err.code}: {message}") from None
        except OSError as err:
            raise UserError(f"endpoint {self.base_url}: {err}") from None
        with response:
            for line in response:
                payload = line.decode("utf-8").strip().removeprefix("data: ")
                if not payload or payload == "[DONE]" or line.startswith(b":"):
                    continue
                event = json.loads(payload)
                if "error" in event:
                    raise UserError(f"endpoint: {event['error'].get('message')}")
                for choice in event.get("choices") or []:
                    text = (choice.get("delta") or {}).get("content")
                    if text:
                        yield text


def save_conversation(history: list[dict], path: str) -> str:
    """Append the conversation as one JSONL line; returns the message for the user."""
    if not any(m["role"] == "assistant" for m in history):
        raise UserError("nothing to save yet: no answer in this conversation")
    target = Path(path).expanduser()
    try:
        with target.open("a", encoding="utf-8") as out:
            out.write(json.dumps({"messages": history}, ensure_ascii=False) + "\n")
    except OSError as err:
        raise UserError(f"/save {path}: {err.strerror}") from None
    return f"appended this conversation ({len(history)} messages) to {target}"


def stream_reply(replier: Replier, messages: list[dict], options: SamplingOptions,
                 out=sys.stdout) -> tuple[str, bool]:
    """Write the assistant's next turn as it is produced; returns (text, stopped by Ctrl-C)."""
    pieces = []
    stream = replier.stream(messages, options)
    try:
        for piece in stream:
            pieces.append(piece)
            out.write(piece)
            out.flush()
    except KeyboardInterrupt:  # stop this answer, not the chat
        close = getattr(stream, "close", None)
        if close:
            close()  # cancels the generation (local) or drops the connection (endpoint)
        out.write(" [stopped]\n")
        return "".join(pieces).strip(), True
    out.write("\n")
    return "".join(pieces).strip(), False


def chat_loop(replier: Replier, options: SamplingOptions, system: str | None = None,
              stdin=sys.stdin, out=sys.stdout, err=sys.stderr) -> int:
    interactive = stdin.isatty()
    history: list[dict] = [{"role": "system", "content": system}] if system else []
    if interactive:
        out.write(f"langadapt chat — {HELP}\n")
    while True:
        if interactive:
            out.write("\n> ")
            out.flush()
        try:
            line = stdin.readline()
        except KeyboardInterrupt:  # Ctrl-C at the prompt quits, as in a shell's REPL
            out.write("\n")
            return 0
        if not line:
            return 0
        text = line.strip()
        if not text:
            continue
        command, _, rest = text.partition(" ")
        asked = False
        try:
            if command == "/exit":
                return 0
            if command == "/reset":
                history = [m for m in history if m["role"] == "system"]
                continue
            if command == "/system":
                history = ([{"role": "system", "content": rest.strip()}] if rest.strip() else []
                           ) + [m for m in history if m["role"] != "system"]
                continue
            if command == "/params":
                options = options.updated(rest.split()) if rest.strip() else options
                out.write(" ".join(f"{k}={v}" for k, v in asdict(options).items()) + "\n")
                continue
            if command == "/save":
                out.write(save_conversation(history, rest.strip() or "chat.jsonl") + "\n")
                continue
            if command in ("/help", "/?"):
                out.write(HELP + "\n")
                continue
            history.append({"role": "user", "content": text})
            asked = True
            reply, _stopped = stream_reply(replier, history, options, out)
        except Exception as error:  # noqa: BLE001 (a bad command or a failed answer: chat on)
            if asked:
                history.pop()  # the unanswered turn is forgotten, so the roles still alternate
            message = str(error) if isinstance(error, UserError) else \
                f"generation failed: {type(error).__name__}: {error}"
            if asked:
                out.write("\n")
            err.write(f"langadapt: {message}\n")
            err.flush()
            continue
        if reply:
            history.append({"role": "assistant", "content": reply})
        else:
            history.pop()
