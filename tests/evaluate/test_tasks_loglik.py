"""COPA and Belebele log-likelihood scores equal a log-likelihood computed here from the logits."""

from __future__ import annotations

import pytest
from testlib import make_tiny_llama, require

from langadapt.evaluate.suite import TaskConfig
from langadapt.evaluate.tasks import belebele, copa
from langadapt.evaluate.tasks.base import ModelRunner, builtin_templates
from langadapt.evaluate.tasks.loglik import split_tokens


@pytest.fixture(scope="module")
def model(tiny_tokenizer):
    # a wide init spread makes the random model's preferences differ between answers
    return make_tiny_llama(tiny_tokenizer, initializer_range=0.3)


def hand_loglik(model, tokenizer, context: str, answer: str, add_special: bool = True) -> float:
    """log P(answer | context) from one unpadded forward pass, token by token."""
    import torch

    context_ids = tokenizer(context, add_special_tokens=add_special)["input_ids"]
    ids = tokenizer(context + answer, add_special_tokens=add_special)["input_ids"]
    assert ids[:len(context_ids)] == context_ids  # answers start with a space: a clean boundary
    with torch.no_grad():
        logprobs = torch.log_softmax(model(torch.tensor([ids])).logits[0].double(), dim=-1)
    return sum(float(logprobs[i - 1, ids[i]]) for i in range(len(context_ids), len(ids)))


def _cfg(task_type: str, path, **settings) -> TaskConfig:
    return TaskConfig(name="t", type=task_type, test=path, **settings)


def test_copa_loglik_equals_hand_computed(model, tiny_tokenizer, shared_data):
    cfg = _cfg("copa", shared_data / "copa" / "xcopa_et.val.jsonl", limit=6, format="plain",
               batch_size=5)  # 12 sequences of mixed lengths in padded batches
    examples = copa.load_split(cfg, "test")
    template = builtin_templates("copa", "loglik")["en-connective"]
    result = copa.score(ModelRunner(model, tiny_tokenizer), cfg, template, examples)
    picks = []
    for ex, record in zip(examples, result.records):
        stem = ex["premise"].removesuffix(".")
        context = f"{stem} because" if ex["question"] == "cause" else f"{stem}, so"
        answers = [" " + ex[k][0].lower() + ex[k][1:] for k in ("choice1", "choice2")]
        expected = [hand_loglik(model, tiny_tokenizer, context, a) for a in answers]
        assert record["loglik"] == pytest.approx(expected, abs=2e-4)
        picks.append(int(expected[1] > expected[0]))
    accuracy = sum(p == ex["label"] for p, ex in zip(picks, examples)) / len(examples)
    assert result.metrics["accuracy"] == pytest.approx(accuracy)
    assert result.metrics["scoring"] == "loglik, total"


def test_belebele_loglik_per_char_and_letters(model, tiny_tokenizer, shared_data):
    path = require(shared_data / "belebele" / "belebele-est_Latn-dev.csv")
    cfg = _cfg("belebele", path, limit=3, format="plain", loglik_norm="per_char", batch_size=4)
    examples = belebele.load_split(cfg, "test")
    assert [len(ex["answers"]) for ex in examples] == [4, 4, 4]
    runner = ModelRunner(model, tiny_tokenizer)
    for name, answer_of in (("en-answer-text", lambda ex, i: " " + ex["answers"][i]),
                            ("en-options-letter", lambda ex, i: " " + "ABCD"[i])):
        template = builtin_templates("belebele", "loglik")[name]
        result = belebele.score(runner, cfg, template, examples)
        correct = 0
        for ex, record in zip(examples, result.records):
            fields = {"passage": ex["passage"], "question": ex["question"],
                      **{f"answer{i + 1}": a for i, a in enumerate(ex["answers"])}}
            context = template.render("text", fields)
            answers = [answer_of(ex, i) for i in range(4)]
            expected = [hand_loglik(model, tiny_tokenizer, context, a) for a in answers]
            assert record["loglik"] == pytest.approx(expected, abs=2e-4)
            per_char = [s / len(a) for s, a in zip(expected, answers)]
            assert record["pred"] == per_char.index(max(per_char))
            correct += record["pred"] == ex["label"]
        assert result.metrics["accuracy"] == pytest.approx(correct / 3)
        assert result.metrics["accuracy"] == result.metrics["accuracy_per_char"]


def test_chat_format_loglik_has_one_bos(model, tiny_tokenizer, shared_data):
    cfg = _cfg("copa", shared_data / "copa" / "xcopa_et.val.jsonl", limit=2, format="chat")
    examples = copa.load_split(cfg, "test")
    template = builtin_templates("copa", "loglik")["et-sildiga"]
    runner = ModelRunner(model, tiny_tokenizer)
    result = copa.score(runner, cfg, template, examples)
    ex = examples[0]
    prompt = runner.render(template.render(ex["question"], {
        "premise": ex["premise"], "premise_stem": ex["premise"][:-1], "choice1": "",
        "choice2": "", "question": ""}), "chat")
    assert prompt.startswith(tiny_tokenizer.bos_token) and "<|assistant|>" in prompt
    ids, _ = split_tokens(tiny_tokenizer, prompt, " " + ex["choice1"], add_special_tokens=False)
    assert ids.count(tiny_tokenizer.bos_token_id) == 1
    expected = hand_loglik(model, tiny_tokenizer, prompt, " " + ex["choice1"], add_special=False)
    assert result.records[0]["loglik"][0] == pytest.approx(expected, abs=2e-4)


def test_answer_that_merges_with_its_prompt_is_scored_after_the_common_prefix(tiny_tokenizer):
    context, answer = "Mees keeras kraani", "lahti"  # no space: the last word changes tokens
    context_ids = tiny_tokenizer(context)["input_ids"]
    ids, start = split_tokens(tiny_tokenizer, context, answer)
    assert ids == tiny_tokenizer(context + answer)["input_ids"]
    # "...kraani" ends in the token "i", which becomes "il" in "kraanilahti": the answer's
    # tokens are those after the last token both encodings share
    assert ids[:start] == context_ids[:start] and start == len(context_ids) - 1
    assert tiny_tokenizer.decode(ids[start:]) == "ilahti"
