"""BLEU / chrF++ equal the sacrebleu command line on shipped FLORES files; COMET is optional."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from langadapt.cli import main
from langadapt.errors import UserError
from langadapt.evaluate.metrics.mt import (
    bleu_chrf,
    comet_score,
    read_lines,
    score_mt_files,
)

SACREBLEU = Path(sys.executable).with_name("sacrebleu")
N_LINES = 200


def degrade(line: str, index: int) -> str:
    """A synthetic system output: drop every third word, lower-case every other line."""
    words = [w for k, w in enumerate(line.split()) if (k + index) % 3]
    text = " ".join(words)
    return text.lower() if index % 2 else text


@pytest.fixture()
def flores_files(shared_data, tmp_path):
    refs = read_lines(shared_data / "bitext" / "flores200_dev.et")[:N_LINES]
    ref = tmp_path / "ref.et"
    ref.write_text("\n".join(refs) + "\n", encoding="utf-8")
    hyp = tmp_path / "hyp.et"  # CRLF endings and trailing spaces: sacrebleu strips both
    hyp.write_bytes("".join(degrade(r, i) + "  \r\n" for i, r in enumerate(refs)).encode())
    return ref, hyp


def sacrebleu_cli(refs: list[Path], hyp: Path, *extra: str) -> dict[str, dict]:
    if not SACREBLEU.exists():
        pytest.skip(f"sacrebleu CLI not found at {SACREBLEU}")
    out = subprocess.run(
        [str(SACREBLEU), *map(str, refs), "-i", str(hyp), "-m", "bleu", "chrf",
         "--chrf-word-order", "2", "-f", "json", "-w", "4", *extra],
        check=True, capture_output=True, text=True).stdout
    return {item["name"]: item for item in json.loads(out)}


def test_equals_sacrebleu_cli(flores_files):
    ref, hyp = flores_files
    expected = sacrebleu_cli([ref], hyp)
    result = score_mt_files([ref], hyp)
    assert 5 < result["bleu"] < 95  # a real, partial match (not degenerate)
    assert round(result["bleu"], 4) == expected["BLEU"]["score"]
    assert round(result["chrf++"], 4) == expected["chrF2++"]["score"]
    assert result["signatures"]["bleu"] == expected["BLEU"]["signature"]
    assert result["signatures"]["chrf++"] == expected["chrF2++"]["signature"]


def test_equals_sacrebleu_cli_two_refs_and_tokenizer(flores_files, shared_data, tmp_path):
    ref, hyp = flores_files
    second = tmp_path / "ref2.et"  # a second reference: the same lines shifted by one
    lines = read_lines(ref)
    second.write_text("\n".join(lines[1:] + lines[:1]) + "\n", encoding="utf-8")
    expected = sacrebleu_cli([ref, second], hyp, "-tok", "intl", "-lc", "--chrf-lowercase")
    result = score_mt_files([ref, second], hyp, tokenize="intl", lowercase=True)
    assert round(result["bleu"], 4) == expected["BLEU"]["score"]
    assert round(result["chrf++"], 4) == expected["chrF2++"]["score"]
    assert "nrefs:2" in result["signatures"]["bleu"] and "tok:intl" in result["signatures"]["bleu"]


def test_perfect_and_line_mismatch():
    refs = ["Tere hommikust , kallis naaber !", "Kuidas sul täna läheb ?"]
    perfect = bleu_chrf(refs, [refs])
    assert perfect["bleu"] == pytest.approx(100.0) and perfect["chrf++"] == pytest.approx(100.0)
    with pytest.raises(UserError, match="2 lines.*1"):
        bleu_chrf(refs[:1], [refs])


def test_cli_score_mt_json_and_mismatch(flores_files, tmp_path, capsys):
    ref, hyp = flores_files
    assert main(["score", "mt", "--ref", str(ref), "--hyp", str(hyp), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) >= {"bleu", "chrf++", "signatures"}
    assert out["bleu"] == pytest.approx(score_mt_files([ref], hyp)["bleu"])
    short = tmp_path / "short.et"
    short.write_text("üks rida\n", encoding="utf-8")
    assert main(["score", "mt", "--ref", str(ref), "--hyp", str(short)]) == 2
    err = capsys.readouterr().err
    assert f"{N_LINES} lines" in err and "has 1" in err


def test_comet_without_package_is_a_clear_user_error():
    try:
        import comet  # noqa: F401
    except ImportError:
        pass
    else:
        pytest.skip("unbabel-comet is installed here")
    with pytest.raises(UserError, match="unbabel-comet"):
        comet_score(["a"], ["b"], ["c"])


def test_cli_unknown_bleu_tokenizer_names_the_option(tmp_path, capsys):
    ref = tmp_path / "ref.txt"
    ref.write_text("Tere .\n")
    assert main(["score", "mt", "--ref", str(ref), "--hyp", str(ref), "--tokenize", "bogus"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("langadapt: error: --tokenize bogus: unknown BLEU tokenizer; sacrebleu "
                          "has none, zh, 13a") and err.count("\n") == 1
