"""Batched, streamed generation: requests that arrive together are decoded together.

One worker thread owns the model. It takes the first waiting request, waits ``window_s`` for
more (up to ``max_batch``; the rest wait for the next batch), left-pads the prompts and runs one
decode loop over the batch with a KV cache. Each row keeps its own sampling settings (greedy or
temperature / top-k / top-p, repetition penalty, its own seeded random generator), its own stop
strings, EOS and length limit, and streams its own text to its own job's queue, so a client sees
the same answer whether or not other requests shared its batch. The terminal chat (``chat.py``)
and the HTTP server (``server.py``) both stream through this class.

Failures never hang a consumer: every request the worker takes ends with an ``end`` or an
``error`` event, whatever happens, and the worker then serves the next batch. A consumer that
stops reading (client gone, Ctrl-C) cancels its rows; they are dropped at the next token.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from langadapt.devices import model_device
from langadapt.errors import UserError
from langadapt.evaluate.generation import SamplingParams, cut_at_stop, stop_and_pad_ids

log = logging.getLogger(__name__)


@dataclass(eq=False)
class Row:
    """One sequence being generated: a request, or one of its ``n`` choices."""

    ids: list[int]
    params: SamplingParams
    index: int
    events: queue.Queue
    cancelled: threading.Event
    ignore_eos: bool = False  # generate to the length limit (load tests, as vLLM's flag)
    tokens: list[int] = field(default_factory=list)
    sent: str = ""  # text already streamed

    def put(self, kind: str, value: Any = None) -> None:
        self.events.put((self.index, kind, value))


class Job:
    """The rows of one request. ``events()`` yields ``(choice index, text piece)`` as they come
    and raises the generation's exception if it failed; closing it cancels the rows."""

    def __init__(self, rows: list[Row], events: queue.Queue, cancelled: threading.Event) -> None:
        self.rows, self._events, self._cancelled = rows, events, cancelled
        self.finish_reasons: dict[int, str] = {}

    def events(self) -> Iterator[tuple[int, str]]:
        open_rows = len(self.rows)
        try:
            while open_rows:
                index, kind, value = self._events.get()
                if kind == "text":
                    yield index, value
                elif kind == "end":
                    self.finish_reasons[index] = value
                    open_rows -= 1
                else:
                    raise value
        finally:
            self._cancelled.set()  # a no-op after a normal end

    def cancel(self) -> None:
        """Stop generating for this job (its rows end at the next token)."""
        self._cancelled.set()

    def pieces(self) -> Iterator[str]:
        """The text of a single-choice job, piece by piece."""
        for _, text in self.events():
            yield text

    @property
    def usage(self) -> dict[str, int]:
        prompt = len(self.rows[0].ids)
        completion = sum(len(row.tokens) for row in self.rows)
        return {"prompt_tokens": prompt, "completion_tokens": completion,
                "total_tokens": prompt + completion}


def sample(logits, params: SamplingParams, generator):
    """One token drawn from ``logits`` (one row) after temperature, top-k and top-p."""
    import torch

    logits = logits / params.temperature
    if 0 < params.top_k < logits.shape[0]:
        kth = torch.topk(logits, params.top_k).values[-1]
        logits = logits.masked_fill(logits < kth, float("-inf"))
    if params.top_p < 1.0:
        ordered, order = logits.sort(descending=True)
        probs = ordered.softmax(-1)
        before = probs.cumsum(-1) - probs  # mass of the more likely tokens
        ordered = ordered.masked_fill(before > params.top_p, float("-inf"))
        logits = torch.full_like(logits, float("-inf")).scatter(0, order, ordered)
    return torch.multinomial(logits.softmax(-1), 1, generator=generator)[0]


def stop_prefix_length(text: str, stops: Sequence[str]) -> int:
    """Length of the longest end of ``text`` that could begin a stop string: held back from the
    stream until the next tokens show whether the stop string follows."""
    best = 0
    for stop in stops:
        for size in range(min(len(stop) - 1, len(text)), best, -1):
            if text.endswith(stop[:size]):
                best = size
                break
    return best


class BatchEngine:
    """Generation for many concurrent requests on one loaded model (see the module doc)."""

    def __init__(self, model: Any, tokenizer: Any, max_batch: int = 8,
                 window_s: float = 0.01) -> None:
        if max_batch < 1:
            raise UserError(f"--max-batch must be at least 1, got {max_batch}")
        self.model, self.tokenizer = model, tokenizer
        self.max_batch, self.window_s = max_batch, window_s
        self.eos_ids, self.pad_id = stop_and_pad_ids(model, tokenizer)
        self.waiting: queue.Queue[Row] = queue.Queue()
        self.batch_sizes: list[int] = []  # of the batches run so far (tests, benchmarks look)
        self._worker: threading.Thread | None = None
        self._start_lock = threading.Lock()

    def submit(self, ids: Sequence[int], params: Sequence[SamplingParams],
               ignore_eos: bool = False) -> Job:
        """Queue one prompt (token ids) with one ``SamplingParams`` per choice wanted."""
        if not ids:
            raise UserError("the prompt is empty")
        for p in params:
            p.validate()
            if p.num_beams != 1:
                raise UserError("num_beams: beam search is not supported when serving")
        events: queue.Queue = queue.Queue()
        cancelled = threading.Event()
        rows = [Row(list(ids), p, i, events, cancelled, ignore_eos)
                for i, p in enumerate(params)]
        self._ensure_worker()
        for row in rows:
            self.waiting.put(row)
        return Job(rows, events, cancelled)

    def _ensure_worker(self) -> None:
        with self._start_lock:
            if self._worker is None or not self._worker.is_alive():
                self._worker = threading.Thread(target=self._serve_forever, daemon=True,
                                                name="langadapt-batcher")
                self._worker.start()

    def _next_batch(self) -> list[Row]:
        batch = [self.waiting.get()]
        deadline = time.monotonic() + self.window_s
        while len(batch) < self.max_batch:
            try:  # everything already waiting joins at once; then wait out the window
                batch.append(self.waiting.get(timeout=max(0.0, deadline - time.monotonic()))
                             if time.monotonic() < deadline else self.waiting.get_nowait())
            except queue.Empty:
                break
        return batch

    def _serve_forever(self) -> None:
        while True:
            batch = self._next_batch()
            live = [row for row in batch if not row.cancelled.is_set()]
            for row in batch:
                if row.cancelled.is_set():
                    row.put("end", "cancelled")
            if not live:
                continue
            self.batch_sizes.append(len(live))
            try:
                self._decode(live)
            except BaseException as err:  # every row gets it; the worker goes on
                log.error("generation failed", exc_info=err)
                for row in live:
                    row.put("error", err)

    def _decode(self, rows: list[Row]) -> None:
        import torch

        device = model_device(self.model)
        width = max(len(row.ids) for row in rows)
        input_ids = torch.tensor([[self.pad_id] * (width - len(r.ids)) + r.ids for r in rows],
                                 dtype=torch.long, device=device)
        mask = torch.tensor([[0] * (width - len(r.ids)) + [1] * len(r.ids) for r in rows],
                            dtype=torch.long, device=device)
        # positions count real tokens only, so a left-padded row sees what it would see alone
        positions = (mask.cumsum(-1) - 1).clamp(min=0)
        generators = [self._generator(row.params.seed, device) for row in rows]
        active = set(range(len(rows)))
        cache_arg = self._cache_argument()
        with torch.inference_mode():
            out = self.model(input_ids=input_ids, attention_mask=mask, position_ids=positions,
                             use_cache=True, **self._last_logits_only)
            while True:
                next_ids = self._choose(out.logits[:, -1, :].float(), rows, active, generators)
                for i in sorted(active):
                    if not self._advance(rows[i], next_ids[i]):
                        active.discard(i)
                if not active:
                    return
                step = torch.tensor(next_ids, dtype=torch.long, device=device).view(-1, 1)
                mask = torch.cat([mask, mask.new_ones((len(rows), 1))], dim=1)
                positions = positions[:, -1:] + 1
                cache = getattr(out, "cache", None)
                cache = out.past_key_values if cache is None else cache
                out = self.model(input_ids=step, attention_mask=mask, position_ids=positions,
                                 use_cache=True, **{cache_arg: cache})

    @property
    def _last_logits_only(self) -> dict:
        """``logits_to_keep=1`` where the model takes it: the prefill needs the last position's
        logits only, not a (batch, prompt, vocabulary) tensor."""
        import inspect

        names = inspect.signature(type(self.model).forward).parameters
        return {"logits_to_keep": 1} if "logits_to_keep" in names else {}

    def _cache_argument(self) -> str:
        """transformers 5.x renamed ``past_key_values`` to ``cache`` (the old name warns)."""
        import inspect

        names = inspect.signature(type(self.model).forward).parameters
        return "cache" if "cache" in names else "past_key_values"

    @staticmethod
    def _generator(seed: int | None, device):
        import torch

        if seed is None:
            return None  # torch's global generator
        return torch.Generator(device=device).manual_seed(seed)

    def _choose(self, logits, rows: list[Row], active: set[int], generators) -> list[int]:
        """The next token of every row (padding for ended ones), each as transformers'
        processors would choose it for that row alone: repetition penalty over its prompt and
        output, then greedy, or temperature, top-k, top-p and a draw from its own generator."""
        import torch

        sampled = {}
        for i in active:
            params = rows[i].params
            if params.repetition_penalty != 1.0:
                seen = torch.tensor(rows[i].ids + rows[i].tokens, device=logits.device)
                scores = logits[i].gather(0, seen)
                logits[i] = logits[i].scatter(0, seen, torch.where(
                    scores < 0, scores * params.repetition_penalty,
                    scores / params.repetition_penalty))
            if params.do_sample:
                sampled[i] = sample(logits[i], params, generators[i])
        tokens = logits.argmax(-1).tolist()  # greedy rows: one operation for the whole batch
        for i, token in sampled.items():
            tokens[i] = int(token)
        return [tokens[i] if i in active else self.pad_id for i in range(len(rows))]

    def _advance(self, row: Row, token: int) -> bool:
        """Record ``token`` for ``row``, stream its new text; False when the row has ended."""
        if row.cancelled.is_set():
            row.put("end", "cancelled")
            return False
        row.tokens.append(token)
        ended_by_eos = token in self.eos_ids and not row.ignore_eos
        content = row.tokens[:-1] if ended_by_eos else row.tokens
        text = self.tokenizer.decode(content, skip_special_tokens=True)
        cut = cut_at_stop(text, row.params.stop)
        if ended_by_eos or len(cut) < len(text):
            reason = "stop"
        elif len(row.tokens) >= row.params.max_new_tokens:
            reason = "length"
        else:
            reason = None
        if reason is None:
            # hold back an unfinished UTF-8 character and what could begin a stop string
            ready = text.rstrip("\ufffd")
            ready = ready[:len(ready) - stop_prefix_length(ready, row.params.stop)]
        else:
            ready = cut
        if ready.startswith(row.sent) and len(ready) > len(row.sent):
            row.put("text", ready[len(row.sent):])
            row.sent = ready
        if reason is not None:
            row.put("end", reason)
            return False
        return True
