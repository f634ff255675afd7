"""Output paths of `eval`, `score` and `report` are checked before any work, and written whole."""

from __future__ import annotations

import argparse
import json

import pytest

from langadapt.cli import main
from langadapt.errors import UserError
from langadapt.evaluate import cli as evaluate_cli


@pytest.fixture()
def ppl_tasks(shared_data, tmp_path):
    path = tmp_path / "tasks.yaml"
    path.write_text(f"- {{name: ppl, type: perplexity, text: {shared_data / 'et/ud_ewt.dev.txt'}, "
                    "limit: 2}\n")
    return path


def one_line_error(capsys) -> str:
    err = capsys.readouterr().err
    assert err.startswith("langadapt: error: ") and err.count("\n") == 1, err
    return err


@pytest.mark.parametrize(("out", "expected"), [
    ("/proc/langadapt-x", "cannot write in /proc"),
    ("{file}/sub", "a-file is a file"),
    ("{tmp}", "holds the input"),
])
def test_eval_refuses_an_impossible_out_before_loading_the_model(tmp_path, ppl_tasks, capsys,
                                                                 out, expected):
    (tmp_path / "a-file").write_text("x")
    out = out.format(file=tmp_path / "a-file", tmp=tmp_path)
    # the model does not exist: an --out error proves the check ran before the model was loaded
    assert main(["eval", "--model", str(tmp_path / "no-model"), "--tasks", str(ppl_tasks),
                 "--out", out]) == 2
    assert expected in one_line_error(capsys)


def test_eval_into_a_non_empty_folder_needs_overwrite(tiny_model_dir, ppl_tasks, tmp_path, capsys):
    out = tmp_path / "eval"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    argv = ["eval", "--model", str(tiny_model_dir), "--tasks", str(ppl_tasks), "--out", str(out)]
    assert main(argv) == 2
    assert "--overwrite" in one_line_error(capsys) and not (out / "results.json").exists()
    assert main([*argv, "--overwrite", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert json.loads((out / "results.json").read_text()) == printed
    assert (out / "notes.txt").read_text() == "mine"  # only the files eval writes are replaced
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []  # no temporary left


def test_eval_model_folder_is_not_an_output(tiny_model_dir, ppl_tasks, capsys):
    assert main(["eval", "--model", str(tiny_model_dir), "--tasks", str(ppl_tasks),
                 "--out", str(tiny_model_dir / "eval"), "--overwrite"]) == 0
    capsys.readouterr()
    assert main(["eval", "--model", str(tiny_model_dir), "--tasks", str(ppl_tasks),
                 "--out", str(tiny_model_dir), "--overwrite"]) == 2
    assert "holds the input" in one_line_error(capsys)


def test_perplexity_reads_text_like_every_other_reader(tiny_model_dir, shared_data, tmp_path,
                                                        capsys):
    """A BOM and CRLF line ends (a file saved on Windows) do not change the score."""
    clean = (shared_data / "et" / "ud_ewt.dev.txt").read_text(encoding="utf-8").splitlines()[:3]
    windows = tmp_path / "windows.txt"
    windows.write_bytes("\ufeff".encode() + "\r\n".join(clean + [""]).encode())
    scores = []
    for name, text in (("clean", shared_data / "et" / "ud_ewt.dev.txt"), ("windows", windows)):
        tasks = tmp_path / f"{name}.yaml"
        tasks.write_text(f"- {{name: ppl, type: perplexity, text: {text}, limit: 3}}\n")
        assert main(["eval", "--model", str(tiny_model_dir), "--tasks", str(tasks),
                     "--out", str(tmp_path / name), "--json"]) == 0
        scores.append(json.loads(capsys.readouterr().out)["tasks"]["ppl"]["metrics"])
    assert scores[0] == scores[1]


@pytest.fixture()
def mt_files(tmp_path):
    ref, hyp = tmp_path / "ref.et", tmp_path / "hyp.et"
    ref.write_text("Tere hommikust .\nKuidas läheb ?\n")
    hyp.write_text("Tere hommikust .\nKuidas sul läheb ?\n")
    return ref, hyp


@pytest.mark.parametrize(("out", "expected"), [
    ("/proc/langadapt-x/score.json", "cannot write in /proc"),
    ("{hyp}/score.json", "hyp.et is a file"),
    (".", "is a folder; give a file path"),
    ("{hyp}", "is also an input of this command"),
])
@pytest.mark.parametrize("kind", ["mt", "gec"])
def test_score_refuses_an_impossible_out_before_scoring(mt_files, shared_data, capsys, out,
                                                        expected, kind):
    ref, hyp = mt_files
    out = out.format(hyp=hyp)
    inputs = (["--ref", str(ref), "--hyp", str(hyp)] if kind == "mt" else
              ["--m2", str(shared_data / "gec" / "estgec_l2.dev.m2"), "--hyp", str(hyp)])
    assert main(["score", kind, *inputs, "--out", out, "--overwrite"]) == 2
    assert expected in one_line_error(capsys)


def test_score_writes_a_new_file_and_replaces_one_only_with_overwrite(mt_files, tmp_path, capsys):
    ref, hyp = mt_files
    out = tmp_path / "new" / "folder" / "score.json"
    argv = ["score", "mt", "--ref", str(ref), "--hyp", str(hyp), "--out", str(out)]
    assert main(argv) == 0
    first = json.loads(out.read_text())
    assert first["sentences"] == 2
    capsys.readouterr()
    out.write_text("older result")
    assert main(argv) == 2
    assert "score.json exists" in one_line_error(capsys) and out.read_text() == "older result"
    assert main([*argv, "--overwrite"]) == 0
    assert json.loads(out.read_text()) == first


def report_command(argv: list[str]) -> int:
    """``report`` as evaluate.cli registers it (pipeline_cli's copy aside)."""
    parser = argparse.ArgumentParser()
    evaluate_cli.register(parser.add_subparsers())
    args = parser.parse_args(argv)
    return args.func(args)


def test_report_is_an_evaluate_command(tmp_path, capsys):
    run = tmp_path / "eval"
    run.mkdir()
    (run / "results.json").write_text(json.dumps({"model": "tiny", "tasks": {"copa": {
        "type": "copa", "metrics": {"accuracy": 0.5}, "prompts": {}}}}))
    assert report_command(["report", str(run)]) == 0
    assert "| tiny | 0.500 |" in (run / "report" / "report.md").read_text()
    assert (run / "report" / "report.html").is_file()
    assert "| tiny |" in capsys.readouterr().out
    assert report_command(["report", str(run), "--title", "again"]) == 0  # regenerated in place
    assert "again" in (run / "report" / "report.html").read_text()


def test_report_refuses_an_impossible_out_before_reading(tmp_path):
    (tmp_path / "a-file").write_text("x")
    # the run folder does not exist: an --out error proves the check came first
    with pytest.raises(UserError, match="is a file, not a folder"):
        report_command(["report", str(tmp_path / "no-run"), "--out", str(tmp_path / "a-file")])
    with pytest.raises(UserError, match="no evaluation results"):
        report_command(["report", str(tmp_path / "no-run"), "--out", str(tmp_path / "r")])
    assert not (tmp_path / "r").exists()
