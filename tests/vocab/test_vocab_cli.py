"""The vocab CLI: fertility output, and one-line exit-2 errors leaving no output behind."""

from __future__ import annotations

import json

import pytest
import sentencepiece as spm

from langadapt.text import nonblank_lines


def test_fertility_json_counts(run_cli, shared_data, llama2_file, llama2_extended):
    texts = [shared_data / "bitext" / "flores200_dev.et", shared_data / "bitext" / "flores200_dev.en"]
    code, out, _ = run_cli(["vocab", "fertility", "--tokenizer", llama2_file, "--tokenizer",
                            llama2_extended[0], "--text", *texts, "--json"])
    assert code == 0
    records = json.loads(out)
    assert len(records) == 4
    sp = spm.SentencePieceProcessor(model_file=str(llama2_file))
    for path in texts:
        lines = list(nonblank_lines([path]))
        base, ext = [r for r in records if r["file"] == str(path)]
        assert base["tokens"] == sum(len(ids) for ids in sp.encode(lines))
        assert base["words"] == ext["words"] == sum(len(line.split()) for line in lines)
        assert base["chars"] == sum(len(line) for line in lines)
        assert base["change_vs_first"] == 0
        assert ext["change_vs_first"] == pytest.approx(ext["tokens"] / base["tokens"] - 1, abs=1e-4)
        assert base["tokens_per_word"] == pytest.approx(base["tokens"] / base["words"], abs=1e-4)
        assert base["chars_per_token"] == pytest.approx(base["chars"] / base["tokens"], abs=1e-4)
    et_ext = [r for r in records if r["file"] == str(texts[0])][1]
    assert et_ext["change_vs_first"] < -0.05


def test_fertility_table(run_cli, shared_data, llama2_file, sp_et_dir):
    text = shared_data / "et" / "ud_ewt.test.txt"
    code, out, _ = run_cli(["vocab", "fertility", "--tokenizer", llama2_file, sp_et_dir, "--text", text])
    lines = out.strip().splitlines()
    assert code == 0 and len(lines) == 3 and lines[0].split()[:3] == ["file", "tokenizer", "tokens"]
    assert lines[1].split()[-1] == "+0.0%" and lines[2].split()[-1].startswith(("+", "-"))


def test_train_and_adapt_commands(run_cli, tmp_path, et_corpus, llama2_file):
    code, _, _ = run_cli(["vocab", "train", "--input", *et_corpus, "--vocab-size", 600,
                          "--model-type", "bytelevel", "--out", tmp_path / "bl"])
    assert code == 0 and (tmp_path / "bl" / "tokenizer.json").is_file()
    code, out, _ = run_cli(["vocab", "adapt", "--base", llama2_file, "--mode", "extend", "--corpus",
                            et_corpus[0], "--new-tokens", 50, "--out", tmp_path / "ext"])
    assert code == 0 and json.loads(out)["tokens_added"] == 50
    assert (tmp_path / "ext" / "tokenizer.json").is_file()


def _bad_inputs(data, llama2, corpus, bytelevel_model, tmp):
    broken = tmp / "broken"
    broken.mkdir()
    (broken / "tokenizer.json").write_text("{not json", encoding="utf-8")
    empty = tmp / "empty"
    empty.mkdir()
    return {
        "missing input": ["vocab", "train", "--input", tmp / "nope.txt", "--vocab-size", 600,
                          "--model-type", "bpe"],
        "vocab too small": ["vocab", "train", "--input", *corpus, "--vocab-size", 50, "--model-type", "bpe"],
        "unknown model type": ["vocab", "train", "--input", *corpus, "--vocab-size", 600, "--model-type", "wp"],
        "missing base": ["vocab", "adapt", "--base", tmp / "nope.model", "--new", llama2, "--mode", "replace"],
        "text as tokenizer": ["vocab", "adapt", "--base", corpus[0], "--new", llama2, "--mode", "replace"],
        "corrupt tokenizer.json": ["vocab", "adapt", "--base", broken, "--new", llama2, "--mode", "replace"],
        "no tokenizer in dir": ["vocab", "adapt", "--base", empty, "--new", llama2, "--mode", "replace"],
        "unknown mode": ["vocab", "adapt", "--base", llama2, "--new", llama2, "--mode", "merge"],
        "other-family tokenizer": ["vocab", "adapt", "--base", llama2, "--new", bytelevel_model,
                                   "--mode", "extend"],
        "other-family model": ["vocab", "adapt", "--base", llama2, "--corpus", corpus[0], "--new-tokens", 5,
                               "--mode", "extend", "--model", bytelevel_model],
        "keep too small": ["vocab", "adapt", "--base", llama2, "--corpus", corpus[0], "--mode", "optimize",
                           "--keep", 10],
        "missing text": ["vocab", "fertility", "--tokenizer", llama2, "--text", tmp / "nope.txt", "--json"],
    }


def test_bad_inputs_exit_2_with_one_line(run_cli, tmp_path, shared_data, llama2_file, et_corpus,
                                         bytelevel_model_dir):
    cases = _bad_inputs(shared_data, llama2_file, et_corpus, bytelevel_model_dir, tmp_path)
    for name, argv in cases.items():
        out_dir = tmp_path / f"out-{name.replace(' ', '-')}"
        if argv[1] != "fertility":
            argv = [*argv, "--out", out_dir]
        code, out, err = run_cli(argv)
        assert code == 2, name
        assert len(err.strip().splitlines()) == 1 and err.startswith("langadapt: error: "), (name, err)
        assert not out_dir.exists(), name
        assert not list(tmp_path.glob(f".out-{name.replace(' ', '-')}*")), name
