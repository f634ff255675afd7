"""The vLLM backend's contract, checked against a stand-in ``vllm`` module (no GPU here)."""

from __future__ import annotations

import sys
import types

import pytest

from langadapt.errors import UserError
from langadapt.evaluate.generation import SamplingParams


@pytest.fixture()
def fake_vllm(monkeypatch):
    calls = {}

    class FakeSampling:
        def __init__(self, **kwargs):
            self.kwargs = kwargs

    class FakeLLM:
        def __init__(self, **kwargs):
            calls["engine"] = kwargs

        def generate(self, prompts, sampling, use_tqdm=True):
            calls.setdefault("prompts", []).extend(prompts)
            calls["sampling"] = sampling.kwargs
            out = types.SimpleNamespace(text="Tere maailm. STOP ignored")
            return [types.SimpleNamespace(outputs=[out]) for _ in prompts]

    module = types.ModuleType("vllm")
    module.LLM, module.SamplingParams = FakeLLM, FakeSampling
    monkeypatch.setitem(sys.modules, "vllm", module)
    sys.modules.pop("langadapt.evaluate.vllm_backend", None)
    return calls


def test_sampling_settings_map_to_vllm(fake_vllm, tiny_model_dir):
    from langadapt.evaluate.vllm_backend import VllmBackend

    backend = VllmBackend(str(tiny_model_dir), gpu_memory_utilization=0.5)
    assert fake_vllm["engine"]["model"] == str(tiny_model_dir)
    out = backend.generate(["a", "b"], SamplingParams(max_new_tokens=7, stop=(" STOP",)))
    assert out == ["Tere maailm.", "Tere maailm."]
    assert fake_vllm["sampling"] == {"max_tokens": 7, "temperature": 0.0, "top_p": 1.0,
                                     "top_k": -1, "repetition_penalty": 1.0, "stop": [" STOP"],
                                     "seed": None}
    backend.generate(["c"], SamplingParams(do_sample=True, temperature=0.6, top_p=0.9, top_k=5,
                                           seed=3))
    assert fake_vllm["sampling"]["temperature"] == 0.6 and fake_vllm["sampling"]["top_k"] == 5
    with pytest.raises(UserError, match="beam search"):
        backend.sampling_params(SamplingParams(num_beams=4))


def test_eval_with_the_vllm_backend_uses_it_for_generation(fake_vllm, tiny_model_dir, tmp_path,
                                                           shared_data):
    from langadapt.evaluate.suite import evaluate_model, load_tasks

    tasks = tmp_path / "tasks.yaml"
    tasks.write_text(
        f"- {{name: mt, type: mt, source: {shared_data / 'bitext/flores200_dev.en'}, "
        f"reference: {shared_data / 'bitext/flores200_dev.et'}, source_lang: en, "
        f"target_lang: et, prompts: [en-translate], limit: 2}}\n")
    evaluate_model(tiny_model_dir, load_tasks(tasks), tmp_path / "out", backend="vllm")
    assert (tmp_path / "out" / "mt.hyp.txt").read_text() == "Tere maailm. STOP ignored\n" * 2
    assert len(fake_vllm["prompts"]) == 2
    # vLLM gets token ids, not text: given text it would put its own BOS before the template's
    from langadapt.modeling import load_tokenizer

    tok = load_tokenizer(str(tiny_model_dir))
    ids = fake_vllm["prompts"][0]["prompt_token_ids"]
    assert "<|assistant|>" in tok.decode(ids)
    assert tok.bos_token_id is not None and ids.count(tok.bos_token_id) == 1 and ids[0] == tok.bos_token_id
