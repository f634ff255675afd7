"""The corpus stage on real shipped text: filters counted, mix on target, budget respected."""

from __future__ import annotations

import pytest

from conftest import read_lines
from langadapt.data.corpus import CorpusStage, collect, mix
from langadapt.errors import UserError


def _stage(tmp_path, shared_data, **kw):
    sources = kw.pop("sources", None) or [
        {"path": shared_data / "et/ud_ewt.dev.txt", "lang": "et"},
        {"path": shared_data / "en/ud_ewt.dev.txt", "lang": "en"},
    ]
    return CorpusStage.model_validate({"sources": sources, **kw})


def test_language_id_drops_foreign_lines_and_dedup_counts(tmp_path, shared_data):
    et = read_lines(shared_data / "et/ud_edt.dev.txt", 300)
    en = [line for line in read_lines(shared_data / "en/ud_ewt.dev.txt") if len(line) > 60][:40]
    mixed = tmp_path / "et_with_noise.txt"
    mixed.write_text("\n".join(et + en + et[:25] + [et[0].upper()]) + "\n")
    stage = _stage(tmp_path, shared_data, sources=[{"path": mixed, "lang": "et"}],
                   mix={"et": 1.0}, min_chars=0)
    pools, drops = collect(stage)
    assert drops["duplicate"] == 26  # 25 repeats + one that differs only in case
    assert drops["wrong_language"] >= 36  # long English lines inside the Estonian file
    kept = {d["text"] for d in pools["et"]}
    assert len(kept & set(en)) <= 4
    assert len(pools["et"]) + sum(drops.values()) == len(et) + len(en) + 26


def test_mix_follows_shares_and_budget(tmp_path, shared_data):
    stage = _stage(tmp_path, shared_data, sources=[
        {"path": shared_data / "et/ud_edt.dev.txt", "lang": "et"},
        {"path": shared_data / "en/python_docs.txt", "lang": "en"}])
    pools, _ = collect(stage)

    def count(text):
        return len(text.split())

    docs, tokens = mix(pools, {"et": 0.75, "en": 0.25}, count, budget=20000, seed=1)
    total = sum(tokens.values())
    assert 20000 <= total < 20000 + max(count(d["text"]) for d in docs)
    assert tokens["et"] / total == pytest.approx(0.75, abs=0.02)
    again, _ = mix(pools, {"et": 0.75, "en": 0.25}, count, budget=20000, seed=1)
    assert again == docs
    other, _ = mix(pools, {"et": 0.75, "en": 0.25}, count, budget=20000, seed=2)
    assert other != docs


def test_mix_stops_when_a_language_runs_out(tmp_path, shared_data):
    stage = _stage(tmp_path, shared_data)
    pools, _ = collect(stage)
    _, tokens = mix(pools, {"et": 0.5, "en": 0.5}, lambda t: len(t), budget=None, seed=0)
    assert tokens["et"] / sum(tokens.values()) == pytest.approx(0.5, abs=0.05)


def test_excluded_text_never_enters(tmp_path, shared_data):
    held_out = shared_data / "et/ud_ewt.dev.txt"
    stage = _stage(tmp_path, shared_data, exclude=[held_out])
    pools, drops = collect(stage)
    assert "et" not in pools and drops["excluded"] > 500


def test_bad_jsonl_names_file_and_line(tmp_path, shared_data):
    bad = tmp_path / "docs.jsonl"
    bad.write_text('{"text": "Tere tulemast meie kodulehele, see on pikk lause."}\n{"txt": 1}\n')
    stage = _stage(tmp_path, shared_data, sources=[{"path": bad, "lang": "et", "format": "jsonl"}],
                   mix={"et": 1.0})
    with pytest.raises(UserError, match=rf"{bad}:2: no 'text' field"):
        collect(stage)
    bad.write_bytes(b'{"text": "ok"}\n\xff\xfe broken\n')
    with pytest.raises(UserError, match="not valid UTF-8"):
        collect(stage)


def test_mix_must_name_languages_of_sources(shared_data):
    with pytest.raises(ValueError, match="no source has that language"):
        CorpusStage.model_validate({"sources": [{"path": shared_data / "et/ud_ewt.dev.txt",
                                                 "lang": "et"}], "mix": {"et": 0.5, "fi": 0.5}})
