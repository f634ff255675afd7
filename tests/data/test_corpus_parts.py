"""Parts of the corpus builder on real shipped text: readers, the ratio mix, configs, the CLI."""

from __future__ import annotations

import gzip
import json
import random

import pytest
from pydantic import ValidationError
from testlib import PROJECT_ROOT, read_lines

from langadapt.data.corpus.documents import iter_corpus_documents
from langadapt.data.corpus.filters import UrlSuffixFilter
from langadapt.data.corpus.mix import mix_streams, shuffled
from langadapt.data.corpus.readers import reader_for
from langadapt.data.corpus.stage import CorpusSource, CorpusStage, lsh_bands

TOKENIZER = str(PROJECT_ROOT / "demo" / "base-model")


def _read(source: dict, on_error: str = "fail", report_dir: str = "/nonexistent") -> list:
    return list(reader_for(CorpusSource.model_validate(source), on_error, report_dir).run())


def test_every_input_format_reads_the_same_documents(tmp_path, shared_data):
    import zstandard
    from datasets import Dataset

    lines = read_lines(shared_data / "et/ud_ewt.dev.txt", 200)
    rows = [{"text": t, "url": f"https://x{i}.ee", "timestamp": "2021-01-01", "source": "mC4"}
            for i, t in enumerate(lines)]
    jsonl = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode()
    (tmp_path / "docs.jsonl.gz").write_bytes(gzip.compress(jsonl))
    folder = tmp_path / "shards"
    folder.mkdir()
    half = jsonl.index(b"\n", len(jsonl) // 2) + 1
    (folder / "a.jsonl.zst").write_bytes(zstandard.ZstdCompressor().compress(jsonl[:half]))
    (folder / "b.jsonl").write_bytes(jsonl[half:])
    Dataset.from_list(rows).to_parquet(str(tmp_path / "docs.parquet"))
    Dataset.from_list(rows).save_to_disk(str(tmp_path / "saved"))
    (tmp_path / "docs.txt").write_text("\n\n".join(lines) + "\n", encoding="utf-8")

    gz = _read({"path": tmp_path / "docs.jsonl.gz", "lang": "et"})
    assert [d.text for d in gz] == lines and gz[3].metadata == {
        "lang": "et", "source": "docs.jsonl.gz", "url": "https://x3.ee"}
    assert sorted(d.text for d in _read({"path": folder, "lang": "et"})) == sorted(lines)
    assert [d.text for d in _read({"path": tmp_path / "docs.parquet", "lang": "et"})] == lines
    saved = _read({"path": tmp_path / "saved", "lang": "et"})
    assert [d.text for d in saved] == lines and saved[0].metadata["url"] == "https://x0.ee"
    assert [d.text for d in _read({"path": tmp_path / "docs.txt", "lang": "et"})] == lines
    paragraphs = _read({"path": tmp_path / "docs.txt", "lang": "et", "format": "paragraphs"})
    assert len(paragraphs) == len(lines)
    # one blank-line block = one document
    (tmp_path / "blocks.txt").write_text("\n".join(lines[:3]) + "\n\n" + "\n".join(lines[3:5]) + "\n")
    blocks = _read({"path": tmp_path / "blocks.txt", "lang": "et", "format": "paragraphs"})
    assert [d.text for d in blocks] == [" ".join(lines[:3]), " ".join(lines[3:5])]


def test_skip_policy_counts_and_reports_locations(tmp_path):
    bad = tmp_path / "docs.jsonl"
    bad.write_bytes(b'{"text": "yks"}\n{oops\n{"text": 5}\n{"text": "kaks"}\n[1]\n')
    reader = reader_for(CorpusSource(path=bad, lang="et", format="jsonl"), "skip", str(tmp_path / "r"))
    assert [d.text for d in reader.run()] == ["yks", "kaks"]
    assert reader.stats["bad_input"].total == 3
    report = json.loads(next((tmp_path / "r").glob("*.json")).read_text())
    assert [w.split(": ", 1)[0] for w in report] == [f"{bad}:2", f"{bad}:3", f"{bad}:5"]


def _stream(docs: list[str], counts: list[int], seed: int):
    return iter(shuffled(iter(zip(docs, counts)), 1000, random.Random(seed)))


@pytest.fixture(scope="module")
def pools(shared_data):
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(TOKENIZER)
    et = [t for name in ("ud_edt.dev", "ud_edt.test", "ud_ewt.dev", "ud_ewt.test")
          for t in read_lines(shared_data / f"et/{name}.txt")] + read_lines(
        shared_data / "bitext/wmt18_newsdev.et")
    en = read_lines(shared_data / "en/python_docs.txt") + read_lines(shared_data / "en/ud_ewt.dev.txt")

    def count(texts):
        return [len(ids) for ids in tokenizer(texts, add_special_tokens=False)["input_ids"]]

    return {"et": (et, count(et)), "en": (en, count(en))}


@pytest.mark.parametrize("mix_by", ["documents", "tokens"])
def test_mix_within_two_percent_on_10k_documents_and_budget(pools, mix_by):
    tokens_of_10k = sum(pools["et"][1][:7500]) + sum(pools["en"][1][:2500])
    budget = tokens_of_10k if mix_by == "documents" else 250000

    def run(seed):
        streams = {lang: _stream(*pools[lang], seed) for lang in ("et", "en")}
        return list(mix_streams(streams, {"et": 0.75, "en": 0.25}, mix_by, budget))

    chosen = run(1)
    total_tokens = sum(n for _, n in chosen)
    estonian = set(pools["et"][0])
    et_docs = [d for d, _ in chosen if d in estonian]
    if mix_by == "documents":
        assert len(chosen) > 9000
        assert len(et_docs) / len(chosen) == pytest.approx(0.75, abs=0.02)
    else:
        et_tokens = sum(n for d, n in chosen if d in estonian)
        assert et_tokens / total_tokens == pytest.approx(0.75, abs=0.02)
    assert budget <= total_tokens < budget + max(n for _, n in chosen)
    assert run(1) == chosen and run(2) != chosen


def test_mix_stops_when_a_language_runs_out(pools):
    state: dict = {}
    streams = {"et": _stream(*pools["et"], 0), "en": _stream(pools["en"][0][:100], pools["en"][1][:100], 0)}
    chosen = list(mix_streams(streams, {"et": 0.5, "en": 0.5}, "documents", None, state=state))
    assert state["stopped"] == "en ran out" and len(chosen) in (200, 201)


def test_url_filter_applies_only_to_its_language():
    from datatrove.data import Document

    keep = UrlSuffixFilter({"et": [".ee", "org"]}, "keep").filter
    drop_missing = UrlSuffixFilter({"et": [".ee"]}, "drop").filter

    def doc(url, lang="et"):
        return Document(text="x", id="1", metadata={"lang": lang, "url": url} if url else {"lang": lang})

    assert keep(doc("https://www.err.ee/news")) is True
    assert keep(doc("http://Postimees.EE:8080/a")) is True
    assert keep(doc("https://wikipedia.org/wiki/Eesti")) is True
    assert keep(doc("https://example.com/x.ee")) == (False, "url_domain")
    assert keep(doc("https://fee.com")) == (False, "url_domain")
    assert keep(doc("https://example.com", lang="en")) is True
    assert keep(doc(None)) is True and drop_missing(doc(None)) == (False, "url_missing")


def test_lsh_bands_put_the_s_curve_at_the_threshold():
    for threshold in (0.7, 0.8, 0.9):
        bands, rows = lsh_bands(threshold)
        assert bands * rows <= 128
        assert abs((1 / bands) ** (1 / rows) - threshold) < 0.08


def test_executor_configs_validate(shared_data):
    source = [{"path": shared_data / "et/ud_ewt.dev.txt", "lang": "et"}]
    with pytest.raises(ValidationError, match="needs partition"):
        CorpusStage.model_validate({"sources": source, "mix": {"et": 1}, "executor": {"type": "slurm"}})
    slurm = CorpusStage.model_validate({"sources": source, "mix": {"et": 1}, "executor": {
        "type": "slurm", "partition": "cpu", "tasks": 100, "sbatch_args": {"account": "lm"}}})
    assert slurm.executor.tasks == 100 and slurm.executor.sbatch_args == {"account": "lm"}
    ray = CorpusStage.model_validate({"sources": source, "mix": {"et": 1}, "executor": {"type": "ray"}})
    assert ray.executor.type == "ray"
    with pytest.raises(ValidationError):
        CorpusStage.model_validate({"sources": source, "mix": {"et": 1}, "executor": {"type": "spark"}})
    with pytest.raises(ValidationError, match="exactly one of path and hub"):
        CorpusStage.model_validate({"sources": [{"lang": "et"}], "mix": {"et": 1}})


def test_cli_builds_parquet_shards(tmp_path, shared_data, capsys):
    from langadapt.cli import main

    out = tmp_path / "corpus"
    code = main(["data", "corpus", "--source", f"{shared_data / 'et/ud_ewt.dev.txt'}:et",
                 "--source", f"{shared_data / 'en/ud_ewt.dev.txt'}:en", "--mix", "et=0.5,en=0.5",
                 "--mix-by", "documents", "--tokenizer", TOKENIZER, "--no-near-dedup",
                 "--output-format", "parquet", "--out", str(out)])
    assert code == 0
    stats = json.loads((out / "stats.json").read_text())
    docs = list(iter_corpus_documents(out))
    assert list((out / "corpus").glob("*.parquet")) and len(docs) == stats["documents"]
    et = sum(d["lang"] == "et" for d in docs)
    assert abs(et - (len(docs) - et)) <= 1 and stats["stopped_because"].endswith("ran out")
    assert "corpus:" in capsys.readouterr().err
    assert main(["data", "corpus", "--source", "nope.txt:et", "--tokenizer", TOKENIZER,
                 "--out", str(tmp_path / "x")]) == 2
    assert not (tmp_path / "x").exists()
