"""Terminal chat with a model: multi-turn, streamed, sampling as in the Llammas paper.

Reads one user turn per line. On a terminal it shows a prompt and understands ``/reset`` and
``/exit``; from a pipe it answers each line in turn, so it can be scripted.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass


@dataclass
class SamplingOptions:
    temperature: float = 0.6
    top_p: float = 0.9
    repetition_penalty: float = 1.2
    max_new_tokens: int = 256
    seed: int | None = None

    def generate_kwargs(self) -> dict:
        greedy = self.temperature <= 0
        kwargs = {"max_new_tokens": self.max_new_tokens,
                  "repetition_penalty": self.repetition_penalty, "do_sample": not greedy}
        if not greedy:
            kwargs.update(temperature=self.temperature, top_p=self.top_p)
        return kwargs


def generate_stream(model, tokenizer, messages: list[dict], options: SamplingOptions,
                    usage: dict | None = None) -> Iterator[str]:
    """Pieces of the assistant's next turn, as the model produces them.

    ``usage``, when given, receives ``prompt_tokens`` and ``completion_tokens`` at the end.
    """
    import torch
    from transformers import TextIteratorStreamer

    inputs = tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=True,
                                           return_dict=True, return_tensors="pt")
    inputs = {k: v.to(model.device) for k, v in inputs.items()}
    streamer = TextIteratorStreamer(tokenizer, skip_prompt=True, skip_special_tokens=True)
    if options.seed is not None:
        torch.manual_seed(options.seed)
    kwargs = {**inputs, **options.generate_kwargs(), "streamer": streamer,
              "pad_token_id": tokenizer.pad_token_id or tokenizer.eos_token_id}
    result: dict = {}
    worker = threading.Thread(target=lambda: result.update(out=model.generate(**kwargs)),
                              daemon=True)
    worker.start()
    yield from streamer
    worker.join()
    if usage is not None and "out" in result:
        prompt = inputs["input_ids"].shape[1]
        usage.update(prompt_tokens=prompt, completion_tokens=result["out"].shape[1] - prompt)


def stream_reply(model, tokenizer, messages: list[dict], options: SamplingOptions, out=sys.stdout
                 ) -> str:
    """Generate the assistant's next turn, writing it to ``out`` as it is produced."""
    pieces = []
    for piece in generate_stream(model, tokenizer, messages, options):
        pieces.append(piece)
        out.write(piece)
        out.flush()
    out.write("\n")
    return "".join(pieces).strip()


def chat_loop(model, tokenizer, options: SamplingOptions, system: str | None = None,
              stdin=sys.stdin, out=sys.stdout) -> int:
    interactive = stdin.isatty()
    history: list[dict] = [{"role": "system", "content": system}] if system else []
    if interactive:
        out.write("langadapt chat — /reset clears the conversation, /exit or Ctrl-D quits\n")
    while True:
        if interactive:
            out.write("\n> ")
            out.flush()
        line = stdin.readline()
        if not line:
            return 0
        text = line.strip()
        if not text:
            continue
        if text == "/exit":
            return 0
        if text == "/reset":
            history = history[:1] if system else []
            continue
        history.append({"role": "user", "content": text})
        reply = stream_reply(model, tokenizer, history, options, out)
        history.append({"role": "assistant", "content": reply})
