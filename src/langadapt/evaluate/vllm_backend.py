"""vLLM as a generation backend (GPU), behind the same interface as the transformers one.

Registered as ``vllm`` when the package imports. Prompts arrive already rendered (chat template
applied by the task runner), and we tokenize them ourselves with the model's tokenizer and hand
vLLM the ids: given text, vLLM adds a BOS of its own in front of the one the chat template wrote,
and the model sees a prompt it was never trained on. So vLLM sees exactly the ids the HF backend
would. Beam search is left to the HF backend: vLLM's beam search is a separate API with other
semantics.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from langadapt.errors import UserError
from langadapt.evaluate.generation import SamplingParams, cut_at_stop, register_backend


class VllmBackend:
    name = "vllm"

    def __init__(self, model: str, dtype: str = "auto", gpu_memory_utilization: float = 0.6,
                 **engine_options: Any) -> None:
        try:
            from vllm import LLM
        except ImportError:
            raise UserError("the vllm backend needs vLLM on a GPU machine: pip install vllm") \
                from None
        from langadapt.modeling import load_tokenizer

        self.tokenizer = load_tokenizer(str(model))
        self.llm = LLM(model=str(model), dtype=dtype,
                       gpu_memory_utilization=gpu_memory_utilization, **engine_options)

    @staticmethod
    def sampling_params(params: SamplingParams):
        from vllm import SamplingParams as VllmSampling

        if params.num_beams > 1:
            raise UserError("num_beams > 1: use the hf backend for beam search")
        sampled = params.do_sample
        return VllmSampling(
            max_tokens=params.max_new_tokens, temperature=params.temperature if sampled else 0.0,
            top_p=params.top_p if sampled else 1.0, top_k=params.top_k if sampled and
            params.top_k else -1, repetition_penalty=params.repetition_penalty,
            stop=list(params.stop) or None, seed=params.seed)

    def generate(self, prompts: Sequence[str], params: SamplingParams,
                 add_special_tokens: bool = True) -> list[str]:
        """``add_special_tokens=False`` for prompts a chat template rendered (BOS included)."""
        ids = [{"prompt_token_ids": self.tokenizer(p, add_special_tokens=add_special_tokens)
                ["input_ids"]} for p in prompts]
        outputs = self.llm.generate(ids, self.sampling_params(params.validate()), use_tqdm=True)
        return [cut_at_stop(out.outputs[0].text, params.stop) for out in outputs]


register_backend("vllm", VllmBackend)
