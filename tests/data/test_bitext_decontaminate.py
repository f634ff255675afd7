"""Decontamination against FLORES: planted evaluation sentences must go, the rest must stay."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from langadapt.cli import main
from langadapt.data.bitext.decontaminate import Decontaminator, normalise_for_match
from langadapt.data.bitext.pipeline import filter_bitext, stats_path_for
from langadapt.text import unquote_csv


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")[:-1]


@pytest.fixture(scope="module")
def flores(shared_data: Path) -> tuple[Path, Path]:
    return shared_data / "bitext" / "flores200_dev.en", shared_data / "bitext" / "flores200_dev.et"


def test_csv_quoted_flores_lines_normalise_like_their_clean_form(flores):
    quoted = [line for line in _lines(flores[1]) if line.startswith('"') and '""' in line]
    assert len(quoted) >= 10  # the shared file's known quirk
    for line in quoted:
        clean = line[1:-1].replace('""', '"')
        assert unquote_csv(line) == clean
        assert normalise_for_match(line) == normalise_for_match(clean) == normalise_for_match(f"  {clean.upper()} ")
    assert normalise_for_match('Ta ütles: "Tere!"') == normalise_for_match("ta ütles — tere")


def test_planted_flores_lines_are_removed_and_reported_by_set(shared_data, flores, tmp_path, capsys):
    wmt_en = _lines(shared_data / "bitext" / "wmt18_newsdev.en")
    wmt_et = _lines(shared_data / "bitext" / "wmt18_newsdev.et")
    flores_en, flores_et = _lines(flores[0]), _lines(flores[1])
    rng = random.Random(7)
    pairs = list(zip(wmt_en, wmt_et))
    planted = []
    # English side copied from FLORES (with changed spacing and case on some), target clean.
    for i in rng.sample(range(len(flores_en)), 15):
        text = flores_en[i] if i % 2 else "  " + flores_en[i].lower()
        planted.append((text, rng.choice(wmt_et)))
    # Estonian side copied from FLORES in its clean form, including the CSV-quoted lines.
    quoted = [i for i, line in enumerate(flores_et) if line.startswith('"') and '""' in line]
    for i in quoted[:8] + rng.sample(range(len(flores_et)), 7):
        planted.append((rng.choice(wmt_en), unquote_csv(flores_et[i])))
    positions = rng.sample(range(len(pairs) + len(planted)), len(planted))
    for position, pair in zip(sorted(positions), planted):
        pairs.insert(position, pair)
    src, tgt = tmp_path / "mix.en", tmp_path / "mix.et"
    src.write_text("".join(s + "\n" for s, _ in pairs), encoding="utf-8")
    tgt.write_text("".join(t + "\n" for _, t in pairs), encoding="utf-8")
    out = tmp_path / "clean.jsonl"
    code = main(["data", "bitext", "--src", str(src), "--tgt", str(tgt), "--preset", "none", "--no-dedup",
                 "--decontaminate", str(flores[0]), str(flores[1]), "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    kept = {(r["src"], r["tgt"]) for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    assert not kept & {(s.rstrip(), t.rstrip()) for s, t in planted}
    report = json.loads(stats_path_for(out).read_text(encoding="utf-8"))["decontamination"]
    # WMT18 newsdev and FLORES dev share no sentences, so exactly the planted pairs go.
    assert report["removed"] == len(planted) == len(pairs) - len(kept)
    assert report["sets"]["flores200_dev.en"] == {"sentences": len(flores_en), "removed": 15}
    assert report["sets"]["flores200_dev.et"] == {"sentences": len(flores_et), "removed": 15}


def test_ngram_overlap_catches_edited_copies_only_when_enabled(flores):
    flores_en = _lines(flores[0])
    edited = [line.replace(" the ", " a ", 1) + " Officials said." for line in flores_en[:40]
              if len(line.split()) >= 15 and " the " in line]
    unrelated = ["The committee will meet again next spring to discuss the new budget proposal for schools."]
    pairs = [(text, "Eesti keeles on see lause hoopis teine ja pikem kui arvata võiks.") for text in edited + unrelated]
    exact_only, stats = filter_bitext(pairs, "en", "et", preset="none", decontaminate=list(flores))
    assert len(exact_only) == len(pairs) and stats["decontamination"]["removed"] == 0
    ngram, stats = filter_bitext(pairs, "en", "et", preset="none", decontaminate=list(flores),
                                 decontaminate_ngram=4, decontaminate_overlap=0.5)
    assert [p["src"] for p in ngram] == unrelated
    assert stats["decontamination"]["removed_ngram"] == len(edited) >= 5


def test_decontaminator_checks_both_sides_and_ignores_empty_lines():
    deco = Decontaminator({"test": ["", "...", "Tere hommikust, Eesti!"]})
    assert deco.match("Good morning, Estonia!", "tere hommikust eesti") == "test"
    assert deco.match("...", "") is None  # a punctuation-only eval line matches nothing
    assert deco.stats()["sets"]["test"] == {"sentences": 3, "removed": 1}
