"""Best prompt on dev, reported on test: prompts whose scores the test controls (a scripted model)."""

from __future__ import annotations

from testlib import require

import json

import pytest

from langadapt.evaluate.suite import TaskConfig, evaluate_model


class ScriptedRunner:
    """Answers QA prompts ``TAG|question`` from a script: per tag, the question ids it gets right."""

    def __init__(self, golds: dict[str, str], right: dict[str, set[str]]) -> None:
        self.golds, self.right, self.calls = golds, right, []

    def render(self, text: str, fmt: str, system: str | None = None) -> str:
        return text

    def generate(self, prompts, fmt, params, batch_size):
        self.calls.append(list(prompts))
        outputs = []
        for prompt in prompts:
            tag, question = prompt.split("|", 1)
            outputs.append(self.golds[question] if question in self.right[tag] else "vale vastus")
        return outputs


@pytest.fixture()
def qa_splits(shared_data, tmp_path):
    lines = require(shared_data / "qa" / "estqa_fewshot_5.jsonl").read_text(encoding="utf-8").splitlines()
    (tmp_path / "dev.jsonl").write_text("\n".join(lines[:2]) + "\n", encoding="utf-8")
    (tmp_path / "test.jsonl").write_text("\n".join(lines[2:]) + "\n", encoding="utf-8")
    rows = [json.loads(line) for line in lines]
    golds = {r["question"]: r["answers"][0]["text"] for r in rows}
    dev_q, test_q = [r["question"] for r in rows[:2]], [r["question"] for r in rows[2:]]
    # A: perfect on test, nothing on dev; B: perfect on dev, one of three on test; C: half on dev
    right = {"A": set(test_q), "B": set(dev_q) | {test_q[0]}, "C": {dev_q[0]}}
    return tmp_path, golds, right


def _task(tmp_path, **settings) -> TaskConfig:
    return TaskConfig.model_validate(
        {"name": "qa-et", "type": "qa", "test": "test.jsonl",
         "prompts": ["A|{question}", "B|{question}", {"name": "C", "text": "C|{question}"}],
         **settings}, context={"base_dir": tmp_path})


def test_best_prompt_on_dev_is_reported_on_test(qa_splits):
    tmp_path, golds, right = qa_splits
    runner = ScriptedRunner(golds, right)
    out = tmp_path / "out"
    results = evaluate_model(None, [_task(tmp_path, dev="dev.jsonl")], out, name="scripted",
                             runner=runner)
    entry = results["tasks"]["qa-et"]
    assert entry["best_prompt"] == "inline-2" and entry["best_prompt_split"] == "dev"
    dev_f1 = {name: p["dev"]["f1"] for name, p in entry["prompts"].items()}
    assert dev_f1 == {"inline-1": 0.0, "inline-2": 100.0, "C": 50.0}
    # B's test score, not A's better one: test never chooses the prompt
    assert entry["metrics"]["f1"] == pytest.approx(100 / 3)
    assert entry["metrics"]["exact_match"] == pytest.approx(100 / 3)
    assert [name for name, p in entry["prompts"].items() if "test" in p] == ["inline-2"]
    assert entry["spread"]["dev"] == pytest.approx(
        {"min": 0.0, "max": 100.0, "mean": 50.0, "std": (5000 / 3) ** 0.5, "prompts": 3})
    assert len(runner.calls) == 4  # three prompts on dev, one on test
    hyps = (out / "qa-et.hyp.txt").read_text(encoding="utf-8").splitlines()
    assert hyps == [golds[q] if q in right["B"] else "vale vastus"
                    for q in (json.loads(line)["question"]
                              for line in (tmp_path / "test.jsonl").read_text().splitlines())]
    assert json.loads((out / "results.json").read_text(encoding="utf-8")) == results


def test_all_prompts_on_test_keeps_the_dev_choice(qa_splits):
    tmp_path, golds, right = qa_splits
    results = evaluate_model(None, [_task(tmp_path, dev="dev.jsonl", all_prompts_on_test=True)],
                             tmp_path / "out", runner=ScriptedRunner(golds, right))
    entry = results["tasks"]["qa-et"]
    assert entry["best_prompt"] == "inline-2"
    assert {n: p["test"]["f1"] for n, p in entry["prompts"].items()} == pytest.approx(
        {"inline-1": 100.0, "inline-2": 100 / 3, "C": 0.0})
    assert entry["spread"]["test"]["max"] == 100.0 and entry["spread"]["test"]["min"] == 0.0


def test_without_dev_the_metrics_are_the_mean_over_prompts(qa_splits):
    tmp_path, golds, right = qa_splits
    results = evaluate_model(None, [_task(tmp_path)], tmp_path / "out",
                             runner=ScriptedRunner(golds, right))
    entry = results["tasks"]["qa-et"]
    assert entry["metrics"]["f1"] == pytest.approx((100 + 100 / 3 + 0) / 3)
    assert entry["best_prompt"] == "inline-1" and entry["best_prompt_split"] == "test"
    assert "no dev split" in entry["selection"]
