"""The corpus builder end to end on real shipped text with injected noise: every filter counted.

Estonian paragraphs (UD Estonian-EDT) get synthetic URLs; into the Estonian file go documents from
a .com site, exact duplicates, near-duplicates, English lines, Cyrillic-script lines, short lines
and broken records. Each filter's drop count is asserted against what was injected.
"""

from __future__ import annotations

import json

import pytest
from testlib import PROJECT_ROOT, read_lines

from langadapt.data.corpus.documents import iter_corpus_documents, iter_corpus_texts
from langadapt.data.corpus.pipeline import build_corpus
from langadapt.data.corpus.stage import CorpusStage
from langadapt.errors import UserError
from langadapt.text import normalise

TOKENIZER = str(PROJECT_ROOT / "demo" / "base-model")
CYRILLIC = str.maketrans("aeopckxyAEOPCKXTHBM", "аеорскхуАЕОРСКХТНВМ")
INJECTED = {"com_site": 30, "no_url": 10, "exact": 20, "near": 20, "english": 30, "cyrillic": 10,
            "short": 15, "bad": 5, "excluded": 5}


def _paragraphs(lines: list[str], size: int) -> list[str]:
    return [" ".join(lines[i:i + size]) for i in range(0, len(lines) - size + 1, size)]


@pytest.fixture(scope="module")
def noisy(tmp_path_factory, shared_data):
    root = tmp_path_factory.mktemp("noisy")
    paragraphs = _paragraphs(read_lines(shared_data / "et/ud_edt.dev.txt"), 4)[:300]
    suffixes = [".ee", ".org", ".net"]
    rows, expected_kept = [], []
    for i, text in enumerate(paragraphs):
        if i % 10 == 0:
            rows.append({"text": text, "url": f"https://shop{i}.example.com/a"})
            continue
        row = {"text": text, "url": f"https://site{i}.example{suffixes[i % 3]}/p?id={i}"}
        if i in range(1, 12) and i % 10:  # 10 documents without a URL (kept: nothing to judge)
            row.pop("url")
        rows.append(row)
        expected_kept.append(text)
    kept = [r for r in rows if ".com" not in r.get("url", "")]
    originals = kept[20:90]
    rows += [{"text": r["text"].lower().replace(" ", "  "), "url": "http://a.ee"} for r in originals[:20]]
    rows += [{"text": r["text"].replace(",", "").replace(".", "!"), "url": "http://b.ee"}
             for r in originals[20:30]]
    rows += [{"text": r["text"] + " Lisaks", "url": "http://c.ee"} for r in originals[30:40]]
    english = [s for s in read_lines(shared_data / "en/ud_ewt.dev.txt") if len(s) > 80][:30]
    rows += [{"text": s, "url": "http://d.ee"} for s in english]
    rows += [{"text": r["text"].translate(CYRILLIC), "url": "http://e.ee"} for r in originals[40:50]]
    short = [s for s in read_lines(shared_data / "et/ud_edt.test.txt") if 3 < len(s) < 20][:15]
    rows += [{"text": s, "url": "http://f.ee"} for s in short]
    exclude = root / "held_out.txt"
    exclude.write_text("\n".join(r["text"] for r in originals[50:55]) + "\n", encoding="utf-8")
    lines = [json.dumps(r, ensure_ascii=False).encode() for r in rows]
    bad = [b'{"text": "katki', b'not json at all', b'{"body": "no text field"}', b'{"text": "  "}',
           b'{"text": "Tere \xff\xfe maailm"}']
    for offset, line in enumerate(bad):
        lines.insert(50 + offset * 40, line)
    et_file = root / "et.jsonl"
    et_file.write_bytes(b"\n".join(lines) + b"\n")
    # python_docs repeats a few boilerplate lines: keep one of each so only injected ones are duplicates
    unique = {normalise(s): s for s in read_lines(shared_data / "en/python_docs.txt") if len(s) > 100}
    en_lines = list(unique.values())[:300]
    en_file = root / "en.jsonl"
    en_file.write_text("".join(json.dumps({"text": s, "url": f"https://docs.python.com/{i}"}) + "\n"
                               for i, s in enumerate(en_lines)), encoding="utf-8")
    config = {"sources": [{"path": et_file, "lang": "et", "name": "culturax-et"},
                          {"path": en_file, "lang": "en", "name": "python-docs"}],
              "mix": {"et": 0.75, "en": 0.25}, "exclude": [exclude], "on_error": "skip",
              "min_chars": 20, "token_budget": 30000, "corpus_jsonl": True}
    cfg = CorpusStage.model_validate(config)
    stats = build_corpus(cfg, root / "out", TOKENIZER, seed=7, show_progress=False)
    return {"cfg": cfg, "config": config, "stats": stats, "out": root / "out", "root": root,
            "rows": rows, "english": english, "et_file": et_file}


def test_each_filter_drops_what_was_injected(noisy):
    dropped = noisy["stats"]["dropped"]
    assert dropped["url_domain"] == INJECTED["com_site"]
    assert noisy["stats"]["kept_without_url"] == INJECTED["no_url"]
    assert dropped["exact_duplicate"] == INJECTED["exact"]
    assert dropped["near_duplicate"] == INJECTED["near"]
    assert dropped["wrong_script"] == INJECTED["cyrillic"]
    assert dropped["too_short"] == INJECTED["short"]
    assert dropped["excluded"] == INJECTED["excluded"]
    assert dropped["bad_input"] == INJECTED["bad"]
    assert 27 <= dropped.get("wrong_language", 0) + dropped.get("low_confidence", 0) <= 33
    assert noisy["stats"]["near_dedup"]["clusters"] == INJECTED["near"]


def test_every_input_document_is_kept_or_counted(noisy):
    stats = noisy["stats"]
    read = sum(n for sources in stats["input_documents"].values() for n in sources.values())
    assert read == len(noisy["rows"]) + 300  # every well-formed Estonian row and the English ones
    drops = sum(v for k, v in stats["dropped"].items() if k != "bad_input")
    assert read == sum(stats["available_documents"].values()) + drops
    where = stats["bad_input_examples"]
    assert len(where) == 5 and all(str(noisy["et_file"]) in w for w in where)
    assert any("invalid JSON" in w for w in where) and any("not valid UTF-8" in w for w in where)


def test_output_follows_contract_mix_and_budget(noisy):
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(TOKENIZER)
    docs = list(iter_corpus_documents(noisy["out"]))
    assert {tuple(sorted(d)) for d in docs} <= {("id", "lang", "source", "text", "url"),
                                                 ("id", "lang", "source", "text")}
    counts = [len(tokenizer(d["text"], add_special_tokens=False)["input_ids"]) for d in docs]
    total = sum(counts)
    assert 30000 <= total < 30000 + max(counts)
    et = sum(n for d, n in zip(docs, counts) if d["lang"] == "et")
    assert et / total == pytest.approx(0.75, abs=0.02)
    assert noisy["stats"]["tokens"] == total and noisy["stats"]["budget_reached"]
    texts = {d["text"] for d in docs}
    assert len(texts & set(noisy["english"])) <= 3  # the English lines labelled et are gone
    assert not any(".com" in d.get("url", "") for d in docs if d["lang"] == "et")
    shards = list((noisy["out"] / "corpus").glob("*.jsonl.gz"))
    assert shards and [d["text"] for d in docs] == list(iter_corpus_texts(noisy["out"]))
    with open(noisy["out"] / "corpus.jsonl", encoding="utf-8") as handle:
        assert [json.loads(line)["text"] for line in handle] == [d["text"] for d in docs]


def test_same_seed_same_corpus_other_seed_other_order(noisy):
    again = noisy["root"] / "again"
    build_corpus(noisy["cfg"], again, TOKENIZER, seed=7, show_progress=False)
    first = (noisy["out"] / "corpus.jsonl").read_bytes()
    assert (again / "corpus.jsonl").read_bytes() == first
    other = noisy["root"] / "other"
    build_corpus(noisy["cfg"], other, TOKENIZER, seed=8, show_progress=False)
    assert (other / "corpus.jsonl").read_bytes() != first


@pytest.mark.parametrize("line, message", [
    (b'{"text": "katki', "invalid JSON"),
    (b'{"body": "Tere tulemast meie kodulehele!"}', "no 'text' field"),
    (b'{"text": ""}', "empty document"),
    (b'{"text": "Tere \xff maailm"}', "not valid UTF-8"),
])
def test_bad_input_fails_naming_file_and_line(tmp_path, line, message):
    bad = tmp_path / "docs.jsonl"
    bad.write_bytes(b'{"text": "Tere tulemast meie kodulehele, see on pikk lause."}\n' + line + b"\n")
    cfg = CorpusStage.model_validate({"sources": [{"path": bad, "lang": "et"}], "mix": {"et": 1.0}})
    with pytest.raises(UserError, match=rf"{bad}:2: {message}"):
        build_corpus(cfg, tmp_path / "out", TOKENIZER, show_progress=False)


def test_mix_must_name_languages_of_sources(shared_data):
    with pytest.raises(ValueError, match="no source has that language"):
        CorpusStage.model_validate({"sources": [{"path": shared_data / "et/ud_ewt.dev.txt",
                                                 "lang": "et"}], "mix": {"et": 0.5, "fi": 0.5}})
