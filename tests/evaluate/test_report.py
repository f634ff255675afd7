"""Reports: tables across models, HTML with plots, results collected from run folders."""

from __future__ import annotations

import json

import pytest

from langadapt.errors import UserError
from langadapt.evaluate.report import collect_results, render_html, render_markdown

RESULTS = {
    "models": {
        "base": {"perplexity": {"et": 900.0, "en": 300.0}, "bits_per_char": {"et": 5.5, "en": 3.0},
                 "tokens_per_word": {"et": 4.2, "en": 1.5},
                 "tasks": {"copa": {"type": "copa", "metrics": {"accuracy": 0.5},
                                    "prompts": {"p1": {"test": {"accuracy": 0.48}},
                                                "p2": {"test": {"accuracy": 0.52}}}}}},
        "sft": {"perplexity": {"et": 45.0, "en": 330.0}, "bits_per_char": {"et": 3.3, "en": 3.1},
                "tokens_per_word": {"et": 4.2, "en": 1.5},
                "tasks": {"copa": {"type": "copa", "metrics": {"accuracy": 0.6},
                                   "prompts": {"p1": {"test": {"accuracy": 0.55}},
                                               "p2": {"test": {"accuracy": 0.65}}}}}},
    },
}


def test_markdown_has_a_row_per_model_and_the_change_vs_base():
    text = render_markdown(RESULTS)
    assert "| sft | 330.00 | 45.00 |" in text  # languages sorted: en before et
    assert "+10.0%" in text and "-95.0%" in text
    assert "| base | 0.500 |" in text and "| sft | 0.600 |" in text


def test_html_embeds_bar_and_box_plots():
    page = render_html(RESULTS)
    assert page.count("data:image/png;base64,") == 2  # one bar chart, one prompt box plot
    assert "<td>sft</td>" in page


def test_collect_from_run_folders_and_eval_outputs(tmp_path):
    run = tmp_path / "run"
    (run / "evaluate").mkdir(parents=True)
    (run / "evaluate" / "manifest.json").write_text(json.dumps({"type": "evaluate"}))
    (run / "evaluate" / "results.json").write_text(json.dumps(RESULTS))
    single = tmp_path / "eval-out"
    single.mkdir()
    (single / "results.json").write_text(json.dumps({"model": "api", "tasks": {
        "copa": {"metrics": {"accuracy": 0.7}}}}))
    merged = collect_results([run, single])
    assert set(merged["models"]) == {"run/base", "run/sft", "eval-out/api"}
    assert collect_results([run])["models"]["sft"]["perplexity"]["et"] == 45.0
    with pytest.raises(UserError, match="no evaluation results"):
        collect_results([tmp_path / "empty"])


def test_report_command_writes_markdown_and_html(tmp_path, capsys):
    from langadapt.cli import main

    (tmp_path / "results.json").write_text(json.dumps(RESULTS))
    assert main(["report", str(tmp_path), "--out", str(tmp_path / "rep")]) == 0
    assert "| sft |" in (tmp_path / "rep" / "report.md").read_text()
    assert (tmp_path / "rep" / "report.html").read_text().startswith("<!doctype html>")
    assert main(["report", str(tmp_path / "missing")]) == 2
    assert "no evaluation results" in capsys.readouterr().err
