"""Does a model hold a conversation in a language? The share of prompts, in the model's own chat
format, whose greedy answer ends its turn with EOS within a token budget.

An instruct model that reads a language well stops when it has answered; one that does not (a
model whose vocabulary it was never trained on, a base model) rambles to the budget. LEP's
propagation is meant to keep the instruct model's turn-taking while switching vocabularies, so
this is the number that shows it, next to bits per character.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from langadapt.evaluate.generation import SamplingParams, TransformersBackend
from langadapt.stage import InputPath
from langadapt.text import read_text_lines


class ChatProbe(BaseModel):
    """Prompts made from held-out text lines: ``template`` with ``{text}`` replaced by a line."""

    model_config = ConfigDict(extra="forbid")

    text: InputPath = Field(description="held-out text, one item a line")
    template: str = Field("{text}", description="the user turn; {text} is replaced by a line")
    limit: int = Field(50, ge=1, description="prompts: the first N non-empty lines")
    max_new_tokens: int = Field(64, ge=1, description="an answer longer than this did not end")

    def prompts(self) -> list[str]:
        return [self.template.replace("{text}", line) for line in read_text_lines(self.text, self.limit)]


def turn_endings(model: Any, tokenizer: Any, probe: ChatProbe, batch_size: int = 8) -> dict[str, Any]:
    """``{prompts, eos_rate, mean_new_tokens}`` of greedy answers in the model's chat template."""
    rendered = [tokenizer.apply_chat_template([{"role": "user", "content": p}], tokenize=False,
                                              add_generation_prompt=True) for p in probe.prompts()]
    # the chat template writes its own BOS: encode without adding another
    backend = TransformersBackend(model, tokenizer, batch_size=batch_size, add_special_tokens=False,
                                  progress=False)
    answers = backend.generate_tokens(rendered, SamplingParams(max_new_tokens=probe.max_new_tokens))
    ended = [bool(tokens) and tokens[-1] in backend.eos_ids for tokens in answers]
    return {"prompts": len(answers), "eos_rate": round(sum(ended) / max(1, len(answers)), 4),
            "mean_new_tokens": round(sum(map(len, answers)) / max(1, len(answers)), 2)}
