"""Bitext readers, the filtering pipeline and the `langadapt data bitext` command."""

from __future__ import annotations

import gzip
import json
import zipfile
from pathlib import Path

import pytest

from langadapt.cli import main
from langadapt.data.bitext.pipeline import filter_bitext, run_bitext, stats_path_for
from langadapt.data.bitext.readers import read_bitext
from langadapt.errors import UserError


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")[:-1]


def _cli(capsys, *argv: str) -> tuple[int, str]:
    code = main(["data", *argv])
    return code, capsys.readouterr().err


@pytest.fixture()
def wmt(shared_data: Path) -> tuple[Path, Path]:
    return shared_data / "bitext" / "wmt18_newsdev.en", shared_data / "bitext" / "wmt18_newsdev.et"


def test_cli_writes_kept_pairs_in_input_order_with_stats(tmp_path, capsys, wmt):
    out = tmp_path / "pairs.jsonl"
    code, err = _cli(capsys, "bitext", "--src", str(wmt[0]), "--tgt", str(wmt[1]),
                     "--src-lang", "en", "--tgt-lang", "et", "--preset", "llammas", "--out", str(out))
    assert code == 0, err
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    stats = json.loads(stats_path_for(out).read_text(encoding="utf-8"))
    src, tgt = _lines(wmt[0]), _lines(wmt[1])
    assert stats["input_pairs"] == len(src) == 2000
    assert stats["kept_pairs"] == len(rows) == stats["input_pairs"] - sum(stats["dropped"].values())
    assert set(rows[0]) == {"src", "tgt", "src_lang", "tgt_lang", "source"}
    assert {(r["src_lang"], r["tgt_lang"], r["source"]) for r in rows} == {("en", "et", "wmt18_newsdev")}
    # Input order: the kept pairs are a subsequence of the input lines.
    positions = {}
    for i, (s, t) in enumerate(zip(src, tgt)):
        positions.setdefault((s.rstrip(), t.rstrip()), i)
    indices = [positions[(r["src"], r["tgt"])] for r in rows]
    assert indices == sorted(indices)
    # News text is mostly clean, yet each preset step is counted.
    assert 0.8 < len(rows) / len(src) < 1.0
    assert list(stats["dropped"])[:3] == ["duplicate", "decontaminated", "LengthFilter:char"]


def test_filter_bitext_python_api_matches_its_stats(wmt):
    pairs = [(s, t) for s, t in zip(_lines(wmt[0]), _lines(wmt[1]))][:500]
    planted = pairs + pairs[:40]  # 40 exact duplicates at the end
    kept, stats = filter_bitext(planted, "en", "et", preset="llammas")
    assert stats["dropped"]["duplicate"] == 40
    assert stats["kept_pairs"] == len(kept)
    kept_alone, _ = filter_bitext(pairs, "en", "et", preset="llammas")
    assert [(p["src"], p["tgt"]) for p in kept] == [(p["src"], p["tgt"]) for p in kept_alone]
    everything, none_stats = filter_bitext(planted, "en", "et", preset="none", dedup=False)
    assert len(everything) == len(planted) and none_stats["dropped_total"] == 0
    # The same files read by path give the same result as the pairs.
    by_path, _ = filter_bitext(wmt, "en", "et", preset="llammas")
    all_pairs, _ = filter_bitext([(s, t) for s, t in zip(_lines(wmt[0]), _lines(wmt[1]))], "en", "et")
    assert [p["src"] for p in by_path] == [p["src"] for p in all_pairs]


def test_misaligned_files_fail_with_both_line_counts(tmp_path, capsys, shared_data):
    src = shared_data / "bitext" / "tatoeba.en"
    tgt = shared_data / "bitext" / "wmt18_newsdev.et"
    out = tmp_path / "out" / "pairs.jsonl"
    code, err = _cli(capsys, "bitext", "--src", str(src), "--tgt", str(tgt), "--out", str(out))
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("langadapt: error:")
    assert f"has {len(_lines(src))} lines" in err and f"has {len(_lines(tgt))}" in err
    assert not out.parent.exists() or not any(out.parent.iterdir())  # not even a temporary file


@pytest.mark.parametrize("problem", ["missing", "utf8", "preset", "format", "tsv_columns", "tmx_xml"])
def test_bad_input_is_one_line_exit_2_and_no_output(tmp_path, capsys, problem):
    src, tgt = tmp_path / "a.en", tmp_path / "a.et"
    src.write_text("One sentence here.\nTwo sentences here.\nThree sentences here.\n", encoding="utf-8")
    tgt.write_bytes("Üks lause siin.\nKaks lauset siin.\n".encode() + b"Kolm \xff lauset.\n")
    args = ["--src", str(src), "--tgt", str(tgt)]
    expected = {"missing": f"{tmp_path / 'nope.et'}: no such file", "utf8": f"{tgt}:3: invalid UTF-8",
                "preset": "unknown preset 'strict'", "format": "unknown input format",
                "tsv_columns": ":2: expected at least 2 tab-separated columns", "tmx_xml": ":3: invalid TMX/XML"}
    if problem == "missing":
        args = ["--src", str(src), "--tgt", str(tmp_path / "nope.et")]
    elif problem == "preset":
        tgt.write_text("Üks.\nKaks.\nKolm.\n", encoding="utf-8")
        args += ["--preset", "strict"]
    elif problem == "format":
        args += ["--format", "csv"]
    elif problem == "tsv_columns":
        (tmp_path / "a.tsv").write_text("Hello there\tTere seal\nno tab on this line\n", encoding="utf-8")
        args = ["--src", str(tmp_path / "a.tsv")]
    elif problem == "tmx_xml":
        (tmp_path / "a.tmx").write_text("<tmx>\n<body>\n<tu><tuv></tu>\n</body></tmx>\n", encoding="utf-8")
        args = ["--src", str(tmp_path / "a.tmx")]
    out = tmp_path / "pairs.jsonl"
    code, err = _cli(capsys, "bitext", *args, "--out", str(out))
    assert code == 2
    assert err.count("\n") == 1 and expected[problem] in err, err
    assert not out.exists() and not stats_path_for(out).exists()


def test_tsv_tmx_moses_and_gzip_readers_give_the_same_pairs(tmp_path):
    pairs = [("Open the file.", "Ava fail."), ("Save \"all\" & <close>.", "Salvesta „kõik” & <sulge>."), ("", "")]
    (tmp_path / "c.tsv").write_text("".join(f"{s}\t{t}\textra\n" for s, t in pairs), encoding="utf-8")
    units = "".join(
        f'<tu><tuv xml:lang="en-GB"><seg>{_xml(s)}</seg></tuv><tuv lang="ET"><seg>{_xml(t)}</seg></tuv></tu>\n'
        for s, t in pairs)
    units += '<tu><tuv xml:lang="en"><seg>only English</seg></tuv></tu>\n'
    (tmp_path / "c.tmx").write_text(f'<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header/>'
                                    f"<body>\n{units}</body></tmx>\n", encoding="utf-8")
    with zipfile.ZipFile(tmp_path / "en-et.txt.zip", "w") as archive:
        archive.writestr("Corpus.en-et.en", "".join(s + "\n" for s, _ in pairs))
        archive.writestr("Corpus.en-et.et", "".join(t + "\n" for _, t in pairs))
        archive.writestr("LICENSE", "CC-BY\n")
    (tmp_path / "Corpus.en-et.en").write_text("".join(s + "\n" for s, _ in pairs), encoding="utf-8")
    (tmp_path / "Corpus.en-et.et").write_text("".join(t + "\r\n" for _, t in pairs), encoding="utf-8")
    with gzip.open(tmp_path / "g.en.gz", "wt", encoding="utf-8") as handle:
        handle.write("".join(s + "\n" for s, _ in pairs))
    with gzip.open(tmp_path / "g.et.gz", "wt", encoding="utf-8") as handle:
        handle.write("".join(t + "\n" for _, t in pairs))
    inputs = {"tsv": (tmp_path / "c.tsv", None), "moses_zip": (tmp_path / "en-et.txt.zip", None),
              "moses_prefix": (tmp_path / "Corpus.en-et", None), "gzip": (tmp_path / "g.en.gz", tmp_path / "g.et.gz")}
    for name, (src, tgt) in inputs.items():
        got = [(p["src"], p["tgt"]) for p in read_bitext(src, tgt, src_lang="en", tgt_lang="et")]
        assert got == pairs, name
    skipped: dict = {}
    got = list(read_bitext(tmp_path / "c.tmx", src_lang="en", tgt_lang="et", skipped=skipped))
    assert [(p["src"], p["tgt"]) for p in got] == pairs and skipped == {"tmx_units_without_both_languages": 1}
    assert {p["source"] for p in read_bitext(tmp_path / "en-et.txt.zip", src_lang="en", tgt_lang="et")} == {"Corpus"}


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def test_tmx_inline_codes_are_dropped_and_highlighted_text_kept(tmp_path):
    (tmp_path / "m.tmx").write_text(
        '<tmx><body><tu><tuv xml:lang="en"><seg>Press <bpt i="1">&lt;b&gt;</bpt>OK<ept i="1">&lt;/b&gt;</ept>'
        ' and <hi>wait</hi>.</seg></tuv><tuv xml:lang="et"><seg>Vajuta <ph>{0}</ph>OK ja\n  oota.</seg></tuv>'
        "</tu></body></tmx>", encoding="utf-8")
    (pair,) = read_bitext(tmp_path / "m.tmx", src_lang="en", tgt_lang="et")
    assert (pair["src"], pair["tgt"]) == ("Press OK and wait.", "Vajuta OK ja oota.")


def test_language_codes_are_configurable(tmp_path):
    src, tgt = tmp_path / "d.fi", tmp_path / "d.et"
    src.write_text("Tämä on hyvin pitkä suomenkielinen lause.\nHyvää huomenta kaikille ystäville.\n", encoding="utf-8")
    tgt.write_text("See on väga pikk eestikeelne lause.\nTere hommikust kõigile sõpradele.\n", encoding="utf-8")
    stats = run_bitext(src, tgt, "fi", "et", tmp_path / "fi-et.jsonl", preset="llammas")
    rows = [json.loads(line) for line in (tmp_path / "fi-et.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {(r["src_lang"], r["tgt_lang"]) for r in rows} == {("fi", "et")}
    assert stats["filters"][-1]["LangidFilter"]["langid_languages"] == ["fi", "et"]
    with pytest.raises(UserError, match="Unknown language"):
        run_bitext(src, tgt, "fi", "xx", tmp_path / "x.jsonl", preset="none",
                   filters=[{"LangidFilter": {"langid_languages": ["fi", "xx"]}}])


def test_filters_config_file_replaces_the_preset(tmp_path, wmt):
    config = tmp_path / "filters.yaml"
    config.write_text("filters:\n  - LengthFilter: {unit: word, min_length: 1, max_length: 10}\n", encoding="utf-8")
    stats = run_bitext(*wmt, "en", "et", tmp_path / "short.jsonl", filters=config, dedup=False)
    rows = [json.loads(line) for line in (tmp_path / "short.jsonl").read_text(encoding="utf-8").splitlines()]
    expected = sum(1 for s, t in zip(_lines(wmt[0]), _lines(wmt[1]))
                   if 1 <= len(s.split()) <= 10 and 1 <= len(t.split()) <= 10)
    assert len(rows) == expected == stats["kept_pairs"] and stats["preset"] == "custom"
