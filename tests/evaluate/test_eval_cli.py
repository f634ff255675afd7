"""`langadapt eval` end to end on a tiny model, every task type, and its one-line config errors."""

from __future__ import annotations

import json

import pytest
from testlib import read_lines, require

from langadapt.cli import main

TASKS = """\
defaults:
  limit: 2
  max_new_tokens: 4
  format: plain
tasks:
  - {name: copa-ll, type: copa, test: data/copa/xcopa_et.val.jsonl}
  - name: copa-gen
    type: copa
    mode: generate
    format: chat
    test: data/copa/xcopa_et.val.jsonl
    dev: data/copa/xcopa_et.val.jsonl
    prompts: [en-numbered-options, et-nummerdatud-variandid, et-terve-mõistus]
  - {name: estqa, type: qa, test: data/qa/estqa_fewshot_5.jsonl, format: alpaca,
     prompts: [en-context-question, et-loe-ja-vasta]}
  - name: flores
    type: mt
    source: data/bitext/flores200_dev.en
    reference: data/bitext/flores200_dev.et
    dev_source: data/bitext/flores200_dev.en
    dev_reference: data/bitext/flores200_dev.et
    source_lang: en
    target_lang: et
  - {name: estgec, type: gec, m2: data/gec/estgec_l2.dev.m2, prompts: [et-paranda, en-correct]}
  - name: belebele
    type: belebele
    test: data/belebele/belebele-est_Latn-test.csv
    dev: data/belebele/belebele-est_Latn-dev.csv
  - {name: ppl-et, type: perplexity, text: data/et/ud_ewt.dev.txt}
"""


@pytest.fixture()
def tasks_file(shared_data, tmp_path):
    # the task list covers every type: QA and Belebele files only ../shared/data has
    require(shared_data / "qa" / "estqa_fewshot_5.jsonl")
    require(shared_data / "belebele" / "belebele-est_Latn-dev.csv")
    (tmp_path / "data").symlink_to(shared_data)
    path = tmp_path / "tasks.yaml"
    path.write_text(TASKS, encoding="utf-8")
    return path


def test_eval_runs_every_task_type(tiny_model_dir, tasks_file, tmp_path, shared_data, capsys):
    from langadapt.evaluate.metrics.m2 import parse_m2, score_m2
    from langadapt.evaluate.metrics.mt import bleu_chrf
    from langadapt.evaluate.perplexity import score_texts
    from langadapt.modeling import load_model_and_tokenizer

    out = tmp_path / "eval"
    assert main(["eval", "--model", str(tiny_model_dir), "--tasks", str(tasks_file),
                 "--out", str(out), "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert printed == results and results["model"] == str(tiny_model_dir)
    assert list(results["tasks"]) == ["copa-ll", "copa-gen", "estqa", "flores", "estgec",
                                      "belebele", "ppl-et"]
    for name, entry in results["tasks"].items():
        assert {"metrics", "prompts", "best_prompt", "decoding", "versions"} <= set(entry), name
        assert entry["versions"]["transformers"]
    tasks = results["tasks"]

    copa = tasks["copa-ll"]
    accuracies = [p["test"]["accuracy"] for p in copa["prompts"].values()]
    assert len(accuracies) == 4 and copa["metrics"]["accuracy"] == pytest.approx(
        sum(accuracies) / 4)  # no dev split: the mean over prompts
    assert copa["metrics"]["scoring"] == "loglik, total" and not (out / "copa-ll.hyp.txt").exists()

    gen = tasks["copa-gen"]  # dev == test here, so the chosen prompt scores the same on both
    best = gen["prompts"][gen["best_prompt"]]
    assert best["dev"] == best["test"] == gen["metrics"]
    assert gen["metrics"]["unclassified"] + round(gen["metrics"]["accuracy"] * 2) <= 2
    assert gen["decoding"]["format"] == "chat" and gen["decoding"]["max_new_tokens"] == 4
    records = [json.loads(line) for line in read_lines(out / "copa-gen.predictions.jsonl")]
    assert [r["unclassified"] for r in records] == [r["pred"] is None for r in records]

    refs = read_lines(shared_data / "bitext" / "flores200_dev.et", 2)
    hyps = (out / "flores.hyp.txt").read_text(encoding="utf-8").split("\n")[:-1]
    assert len(hyps) == 2
    rescored = bleu_chrf(hyps, [refs])
    assert tasks["flores"]["metrics"]["chrf++"] == pytest.approx(rescored["chrf++"])
    assert tasks["flores"]["metrics"]["signatures"] == rescored["signatures"]

    m2 = parse_m2((shared_data / "gec" / "estgec_l2.dev.m2").read_text(encoding="utf-8"))[:2]
    gec_hyps = (out / "estgec.hyp.txt").read_text(encoding="utf-8").split("\n")[:-1]
    gec = tasks["estgec"]
    assert gec["prompts"][gec["best_prompt"]]["test"]["f0.5"] == score_m2(m2, gec_hyps).f

    qa_hyps = (out / "estqa.hyp.txt").read_text(encoding="utf-8").split("\n")[:-1]
    assert len(qa_hyps) == 2 and tasks["estqa"]["decoding"]["format"] == "alpaca"
    assert tasks["belebele"]["examples"] == {"test": 2, "dev": 2}

    model, tokenizer = load_model_and_tokenizer(str(tiny_model_dir))
    direct = score_texts(model, tokenizer, read_lines(shared_data / "et" / "ud_ewt.dev.txt", 2))
    assert tasks["ppl-et"]["metrics"]["bits_per_char"] == pytest.approx(direct["bits_per_char"])


def test_limit_option_and_table(tiny_model_dir, tasks_file, tmp_path, capsys):
    path = tmp_path / "ppl.yaml"
    path.write_text("- {name: ppl-et, type: perplexity, text: data/et/ud_ewt.dev.txt}\n")
    assert main(["eval", "--model", str(tiny_model_dir), "--tasks", str(path), "--out",
                 str(tmp_path / "o"), "--limit", "3"]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split()[:4] == ["task", "type", "metric", "score"]
    assert table[1].split()[:3] == ["ppl-et", "perplexity", "bits/char"]
    results = json.loads((tmp_path / "o" / "results.json").read_text())
    assert results["tasks"]["ppl-et"]["metrics"]["lines"] == 3


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("  format: plain\n", "  format: plain\n  tokenise: true\n", ":5: tasks.0.tokenise: unknown key"),
    ("data/gec/estgec_l2.dev.m2", "data/gec/missing.m2", ":24: tasks.4.m2: file not found"),
    ("type: belebele", "type: belebel", ":26: tasks.5.type: unknown task type 'belebel'"),
])
def test_bad_tasks_file_exits_2_with_one_line_and_no_output(tiny_model_dir, tasks_file, tmp_path,
                                                            capsys, old, new, expected):
    tasks_file.write_text(TASKS.replace(old, new), encoding="utf-8")
    out = tmp_path / "eval"
    assert main(["eval", "--model", str(tiny_model_dir), "--tasks", str(tasks_file),
                 "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"langadapt: error: {tasks_file}{expected}")
    assert not out.exists()


def test_missing_model_exits_2_without_output(tasks_file, tmp_path, capsys):
    out = tmp_path / "eval"
    assert main(["eval", "--model", str(tmp_path / "no-model"), "--tasks", str(tasks_file),
                 "--out", str(out)]) == 2
    assert "no-model" in capsys.readouterr().err and not out.exists()
