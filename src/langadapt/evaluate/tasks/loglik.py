"""Log-likelihood of continuations given contexts, for multiple-choice tasks (COPA, Belebele).

The continuation's tokens are found by tokenising the context and the whole string
(context + continuation) and taking what follows their longest common prefix: the continuation is
scored exactly as the tokenizer splits the full text, with no separately tokenised piece (which
would gain a SentencePiece word-start marker it never has in running text). Sequences are
right-padded and sorted by length; only the continuation positions are put through log-softmax.
Model numerics only: turning scores into a task result is ``tasks.base.score_choices``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from langadapt.errors import UserError


def split_tokens(tokenizer: Any, context: str, continuation: str,
                 add_special_tokens: bool = True) -> tuple[list[int], int]:
    """Token ids of ``context + continuation`` and the index of the first continuation token."""
    context_ids = tokenizer(context, add_special_tokens=add_special_tokens)["input_ids"]
    full = tokenizer(context + continuation, add_special_tokens=add_special_tokens)["input_ids"]
    start = 0
    for a, b in zip(context_ids, full):
        if a != b:
            break
        start += 1
    if start == len(full):
        raise UserError(f"answer {continuation!r} adds no tokens to its prompt")
    if start == 0:
        raise UserError("a log-likelihood prompt must have at least one token before the answer "
                        "(empty prompt and no BOS token)")
    return full, start


def continuation_logliks(model: Any, tokenizer: Any, contexts: Sequence[str],
                         continuations: Sequence[str], batch_size: int = 8,
                         add_special_tokens: bool = True, progress: bool = False) -> list[float]:
    """``log P(continuation | context)`` summed over tokens, one float per pair, in input order."""
    import torch
    from tqdm.auto import tqdm

    if len(contexts) != len(continuations):
        raise ValueError("contexts and continuations differ in length")
    encoded = [split_tokens(tokenizer, c, a, add_special_tokens)
               for c, a in zip(contexts, continuations)]
    order = sorted(range(len(encoded)), key=lambda i: -len(encoded[i][0]))
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
    device = next(model.parameters()).device
    scores = [0.0] * len(encoded)
    batches = [order[i:i + batch_size] for i in range(0, len(order), batch_size)]
    for batch in tqdm(batches, desc="loglik", unit="batch", disable=not progress):
        width = max(len(encoded[i][0]) for i in batch)
        ids = [encoded[i][0] + [pad] * (width - len(encoded[i][0])) for i in batch]
        mask = [[1] * len(encoded[i][0]) + [0] * (width - len(encoded[i][0])) for i in batch]
        with torch.inference_mode():
            logits = model(input_ids=torch.tensor(ids, device=device),
                           attention_mask=torch.tensor(mask, device=device),
                           use_cache=False).logits
        for row, index in enumerate(batch):
            full, start = encoded[index]
            # position p predicts token p + 1
            step_logits = logits[row, start - 1:len(full) - 1].float()
            targets = torch.tensor(full[start:], device=device)
            logprobs = torch.log_softmax(step_logits, dim=-1).gather(1, targets[:, None])
            scores[index] = float(logprobs.sum())
    return scores


def choose(scores: Sequence[float], answers: Sequence[str]) -> dict[str, int]:
    """The index picked by the total log-likelihood and by log-likelihood per answer character."""
    per_char = [s / max(1, len(a)) for s, a in zip(scores, answers)]
    return {"total": max(range(len(scores)), key=lambda i: scores[i]),
            "per_char": max(range(len(per_char)), key=lambda i: per_char[i])}
