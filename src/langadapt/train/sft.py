"""The ``sft`` stage: instruction tuning on conversations, loss on assistant tokens only.

Conversations are rendered with the tokenizer's chat template (the Llammas format unless the
model brings its own); the template's ``{% generation %}`` marks give the loss mask, so every
assistant turn and its EOS are trained and nothing else. Whole conversations are packed into
rows by best-fit, so no answer is separated from its prompt.
"""

from __future__ import annotations

import json
from typing import Literal

from pydantic import Field

from langadapt.errors import UserError
from langadapt.stage import RunContext, StageConfig
from langadapt.train.engine import TrainingConfig


class SftStage(StageConfig):
    type: Literal["sft"] = "sft"
    model: str = Field(description="model to tune: base or a stage name")
    data: list[str] = Field(min_length=1, description="stages whose conversations.jsonl to train on")
    chat_template: Literal["llammas", "model"] = Field(
        "llammas", description="llammas: write the Llammas template; model: keep the model's own")
    training: TrainingConfig = Field(default_factory=lambda: TrainingConfig(lr=2e-5, lr_end=2e-6))
    runner = "langadapt.train.sft:run"
    produces_model = True

    def inputs(self) -> list[str]:
        return [self.model, *self.data]


def read_conversations(path) -> list[list[dict]]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line)["messages"] for line in handle if line.strip()]


def run(cfg: SftStage, ctx: RunContext) -> dict:
    from langadapt.modeling import load_model_and_tokenizer
    from langadapt.train.engine import train_on_rows
    from langadapt.train.formats import ensure_chat_template, tokenize_conversation
    from langadapt.train.packing import pack_whole

    model, tokenizer = load_model_and_tokenizer(ctx.model_path(cfg.model))
    ensure_chat_template(tokenizer, override=cfg.chat_template == "llammas")
    if cfg.chat_template == "model" and "{% generation %}" not in tokenizer.chat_template:
        raise UserError(f"stage '{ctx.stage_name}': the model's chat template has no "
                        "{% generation %} marks, so assistant tokens cannot be found; "
                        "use chat_template: llammas")
    conversations = [c for name in cfg.data
                     for c in read_conversations(ctx.stage_dir(name) / "conversations.jsonl")]
    encoded = [tokenize_conversation(tokenizer, messages) for messages in conversations]
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    rows = pack_whole([ids for ids, _ in encoded], cfg.training.block_size, pad,
                      label_mask=[mask for _, mask in encoded])
    metrics = train_on_rows(model, tokenizer, rows, cfg.training, ctx.work_dir, seed=ctx.seed)
    return {"conversations": len(conversations), "truncated": rows.truncated,
            "trained_tokens_per_epoch": int((rows.labels != -100).sum()), **metrics}
