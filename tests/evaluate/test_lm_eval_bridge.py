"""lm-evaluation-harness bridge: a local task YAML over shipped XCOPA-et, run offline."""

from __future__ import annotations

import json

import pytest

from langadapt.cli import main

pytest.importorskip("lm_eval")

TASK_YAML = """\
task: xcopa_et_local
dataset_path: json
dataset_kwargs:
  data_files:
    validation: {data}
validation_split: validation
output_type: multiple_choice
doc_to_text: "{{{{premise}}}} {{{{'Põhjus:' if question == 'cause' else 'Tagajärg:'}}}}"
doc_to_choice: "{{{{[choice1, choice2]}}}}"
doc_to_target: label
metric_list:
  - metric: acc
"""


@pytest.fixture()
def harness_tasks(tmp_path, shared_data, tiny_model_dir):
    include = tmp_path / "lm_eval_tasks"
    include.mkdir()
    (include / "xcopa_et_local.yaml").write_text(
        TASK_YAML.format(data=shared_data / "copa/xcopa_et.val.jsonl"))
    tasks = tmp_path / "tasks.yaml"
    tasks.write_text(f"- {{name: harness, type: lm_eval, include_path: {include}, "
                     f"lm_eval_tasks: [xcopa_et_local], limit: 12, batch_size: 4}}\n")
    return tasks


def test_local_harness_task_scores_are_merged_into_results(harness_tasks, tiny_model_dir, tmp_path):
    outs = []
    for run in ("a", "b"):
        out = tmp_path / run
        assert main(["eval", "--model", str(tiny_model_dir), "--tasks", str(harness_tasks),
                     "--out", str(out)]) == 0
        outs.append(json.loads((out / "results.json").read_text())["tasks"]["harness"])
    first, second = outs
    acc = first["metrics"]["xcopa_et_local/acc"]
    assert acc * 12 == pytest.approx(round(acc * 12))  # a share of the 12 examples
    assert first["examples"]["xcopa_et_local"]["effective"] == 12
    assert first["metrics"] == second["metrics"]  # deterministic
    assert first["versions"]["lm_eval"]


def test_unknown_harness_task_is_a_user_error(harness_tasks, tiny_model_dir, tmp_path, capsys):
    harness_tasks.write_text(harness_tasks.read_text().replace("[xcopa_et_local]", "[no_such]"))
    assert main(["eval", "--model", str(tiny_model_dir), "--tasks", str(harness_tasks),
                 "--out", str(tmp_path / "x")]) == 2
    assert "lm-eval knows no task no_such" in capsys.readouterr().err
    assert not (tmp_path / "x" / "results.json").exists()
