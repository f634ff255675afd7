"""Terminal chat with a model: multi-turn, streamed, sampling as in the Llammas paper.

Reads one user turn per line. On a terminal it shows a prompt and understands ``/reset`` and
``/exit``; from a pipe it answers each line in turn, so it can be scripted.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from langadapt.evaluate.generation import SamplingParams, stream_generate


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


def chat_inputs(model, tokenizer, messages: list[dict]) -> dict:
    """``messages`` in the model's chat template, ready for the assistant's turn, on its device."""
    inputs = tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=True,
                                           return_dict=True, return_tensors="pt")
    return {k: v.to(model.device) for k, v in inputs.items()}


def generate_stream(model, tokenizer, messages: list[dict], options: SamplingOptions,
                    usage: dict | None = None) -> Iterator[str]:
    """Pieces of the assistant's next turn, as the model produces them.

    Settings are checked at the call; a generation that fails raises from the iteration (see
    ``evaluate.generation.stream_generate``). ``usage``, when given, receives ``prompt_tokens``
    and ``completion_tokens`` at the end.
    """
    params = options.params()
    return stream_generate(model, tokenizer, chat_inputs(model, tokenizer, messages), params, usage)


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
