"""Our filters against the `opusfilter` package, pair by pair, on the shared bitext.

The opusfilter comparisons skip when the package is absent (install it with the `opusfilter`
test extra). Its LangidFilter calls py3langid's pre-0.4 loader name; a one-line alias lets it
load the very same model from py3langid 0.4, so the two language-ID filters can be compared too.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from langadapt.data.bitext.filters import BatchLangid, build_filters
from langadapt.data.bitext.pipeline import preset_config

# The last two (noisy, 65k pairs) only ../shared/data has; a bare clone compares on the first two.
CORPORA = ["tatoeba", "wmt18_newsdev", "libreoffice_help", "gettext_ui"]
# Segments that exercise the edge cases: empty sides, letters outside Latin, many terminal marks,
# digit runs long enough for difflib's autojunk heuristic, over-long tokens, all-caps text.
EDGE_PAIRS = [
    ("", ""), ("", "Tere"), ("Hello", ""), ("   ", "\t"), ("1 2 3", "3 2 1"),
    ("Price: 100 €", "Hind: 100 €"), ("Call 555-1234 now", "Helista 555 1243 kohe"),
    ("9" * 150 + "1" * 100, "9" * 120 + "1" * 100), ("Что это?", "Mis see on?"),
    ("Wait... what?! Really?!", "Oota. Mis? Tõesti?"), ("Done…", "Valmis…"), ("Ünïcödé façade", "Õun ja äädikas"),
    ("a" * 45 + " word", "sõna " + "b" * 39), ("ΑΒΓ test", "test"),
    ("HELLO WORLD, HOW ARE YOU", "TERE MAAILM, KUIDAS LÄHEB"),
    ("Mix of 中文 and English", "Segu 中文 ja eesti"), ("x\u0301y combining", "õ\u0303 kombineeriv"),
    ("x" * 30 + "\u00a0" + "y" * 30, "z" * 30 + "\x1c" + "w" * 30 + "\u2009ok"),  # Unicode whitespace
]
VARIANTS = [  # non-default options: each must also mean the same as in OpusFilter
    {"LengthFilter": {"unit": ["char", "word"], "min_length": [5, 1], "max_length": [200, 30], "pass_empty": True}},
    {"LengthRatioFilter": {"unit": "char", "threshold": 2}},
    {"LongWordFilter": {"threshold": [20, 25]}},
    {"CharacterScoreFilter": {"scripts": ["Latin", "Latin"], "thresholds": [0.9, 0.8]}},
    {"TerminalPunctuationFilter": {"threshold": -1}},
    {"NonZeroNumeralsFilter": {"threshold": 0.8}},
]


@pytest.fixture(scope="module")
def shared_pairs(shared_data: Path) -> list[tuple[str, str]]:
    pairs = []
    for name in CORPORA:
        if not (shared_data / "bitext" / f"{name}.en").is_file():
            continue
        src = (shared_data / "bitext" / f"{name}.en").read_text(encoding="utf-8").split("\n")
        tgt = (shared_data / "bitext" / f"{name}.et").read_text(encoding="utf-8").split("\n")
        assert len(src) == len(tgt)
        pairs += [(s.rstrip(), t.rstrip()) for s, t in zip(src[:-1], tgt[:-1])]
    return pairs


@pytest.fixture(scope="module")
def opusfilter_filters():
    pytest.importorskip("opusfilter")
    from py3langid.langid import LanguageIdentifier

    if not hasattr(LanguageIdentifier, "from_pickled_model"):
        LanguageIdentifier.from_pickled_model = classmethod(lambda cls, path, **kw: cls.from_model_file(path, **kw))
    from opusfilter import filters

    return filters


def _ours(entry: dict, pairs: list[tuple[str, str]]) -> list[bool]:
    (_, flt), = build_filters([entry], "en", "et")
    return flt.decisions([p[0] for p in pairs], [p[1] for p in pairs])


def _theirs(module, entry: dict, pairs: list[tuple[str, str]]) -> list[bool]:
    (name, options), = entry.items()
    return list(getattr(module, name)(**options).decisions(pairs))


def _differences(ours: list[bool], theirs: list[bool], pairs) -> list:
    assert len(ours) == len(theirs) == len(pairs)
    return [(pairs[i], ours[i], theirs[i]) for i in range(len(pairs)) if ours[i] != theirs[i]]


LLAMMAS_STRING_FILTERS = [e for e in preset_config("llammas", "en", "et") if "LangidFilter" not in e]


@pytest.mark.parametrize("entry", LLAMMAS_STRING_FILTERS + VARIANTS, ids=lambda e: str(e)[:60])
def test_string_filters_match_opusfilter_on_every_shared_pair(entry, shared_pairs, opusfilter_filters):
    pairs = shared_pairs + EDGE_PAIRS
    ours, theirs = _ours(entry, pairs), _theirs(opusfilter_filters, entry, pairs)
    assert _differences(ours, theirs, pairs) == []
    # The comparison is only informative when the filter actually drops something here.
    assert 0 < theirs.count(False) < len(pairs)


def test_language_id_agrees_with_opusfilter(shared_pairs, opusfilter_filters):
    pairs = shared_pairs[::3] + EDGE_PAIRS
    entry = {"LangidFilter": {"languages": ["en", "et"], "langid_languages": ["en", "et"]}}
    ours, theirs = _ours(entry, pairs), _theirs(opusfilter_filters, entry, pairs)
    differences = _differences(ours, theirs, pairs)
    # Same model and rule; only float summation order differs, which can flip an exact tie.
    assert len(differences) <= len(pairs) * 0.0005, differences[:5]
    assert theirs.count(False) > 10  # the comparison covers rejections, not only passes


def test_lingua_filter_agrees_with_opusfilter(shared_pairs, opusfilter_filters):
    pytest.importorskip("lingua")
    pairs = shared_pairs[::40] + EDGE_PAIRS
    entry = {"LinguaFilter": {"languages": ["en", "et"], "langid_languages": ["en", "et"]}}
    ours, theirs = _ours(entry, pairs), _theirs(opusfilter_filters, entry, pairs)
    assert _differences(ours, theirs, pairs) == []


@pytest.mark.parametrize("step", [3, pytest.param(1, marks=pytest.mark.slow)], ids=["third", "all"])
def test_llammas_preset_keeps_the_same_pairs_as_the_opusfilter_chain(step, shared_pairs, opusfilter_filters):
    pairs = shared_pairs[1::step] + EDGE_PAIRS
    config = preset_config("llammas", "en", "et")
    chain = iter(pairs)
    for entry in config:
        (name, options), = entry.items()
        chain = getattr(opusfilter_filters, name)(**options).filter(chain)
    theirs_kept = set(chain)
    ours = [True] * len(pairs)
    for _, flt in build_filters(config, "en", "et"):
        ours = [a and b for a, b in zip(ours, flt.decisions([p[0] for p in pairs], [p[1] for p in pairs]))]
    theirs = [p in theirs_kept for p in pairs]
    assert len(_differences(ours, theirs, pairs)) <= len(pairs) * 0.0005
    assert 0.5 < sum(theirs) / len(pairs) < 0.95


def test_batch_langid_matches_py3langid_classify_text_by_text(shared_pairs):
    texts = [t for pair in shared_pairs[::50] for t in pair] + [t for pair in EDGE_PAIRS for t in pair]
    for languages in (["en", "et"], None):
        identifier = BatchLangid(languages)
        assert identifier.vectorised
        labels, probs = identifier.classify(texts)
        reference = [identifier.identifier.classify(text) for text in texts]
        assert labels == [r[0] for r in reference]
        assert max(abs(p - r[1]) for p, r in zip(probs, reference)) < 1e-4


def test_filters_reject_bad_configuration():
    from langadapt.errors import UserError

    for config, message in [
        ([{"LengthFilter": {"unit": "token"}}], "unit"),
        ([{"NoSuchFilter": {}}], "unknown filter"),
        ([{"CharacterScoreFilter": {}}], "scripts"),
        ([{"CharacterScoreFilter": {"scripts": ["Latin", "Klingon"]}}], "unknown script"),
        ([{"LengthFilter": {"min_length": [1, 2, 3]}}], "list of two"),
        ([{"LangidFilter": {"langid_languages": ["en", "xx"]}}], "xx"),
    ]:
        with pytest.raises(UserError, match=message):
            build_filters(config, "en", "et")
    with pytest.raises(UserError, match="has no known script"):
        preset_config("llammas", "en", "tlh")


def test_batch_langid_falls_back_to_py3langid_when_its_check_fails(monkeypatch):
    import numpy as np

    texts = ["Good morning to all of you", "Tere hommikust teile kõigile"]
    # A scorer that disagrees with py3langid (always the last class) must not be used.
    monkeypatch.setattr(BatchLangid, "_batch_probs",
                        lambda self, batch: np.eye(len(self._classes), dtype=np.float32)[[-1] * len(batch)])
    identifier = BatchLangid(["en", "et"])
    assert not identifier.vectorised
    assert identifier.classify(texts)[0] == ["en", "et"]
    monkeypatch.setattr(BatchLangid, "_load_tables", lambda self: False)  # an unknown model layout
    assert BatchLangid(["en", "et"]).classify(texts)[0] == ["en", "et"]
