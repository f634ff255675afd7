"""Word counts of a tokenizer's training text: ``word_counts.tsv.gz`` in a tokenizer directory.

``vocab train`` writes it so the directory carries what the tokenizer was learned from, and
``vocab adapt --mode extend --new DIR`` can learn merges over the *base's* segmentation of that
text without the corpus itself (``merges.merges_on_base``).

Format: gzip-compressed UTF-8, one ``COUNT<TAB>WORD`` line per distinct word, most frequent first
(ties in first-seen order). A word is one pre-token of the training text as the trained
tokenizer's pre-tokenizer splits it (SentencePiece types: a word with its leading space and
attached punctuation; byte-level: a GPT-2 regex chunk), written back as plain text (``▁`` and the
byte-level alphabet mapped to the characters they stand for), so a base tokenizer of any family
can re-normalize and re-split it. Everything after the first tab is the word (it may contain
tabs or carriage returns); lines end with ``\\n`` only.
"""

from __future__ import annotations

import gzip
import io
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path

from langadapt.errors import located
from langadapt.vocab.load import notation, piece_bytes
from langadapt.vocab.merges import count_words

WORD_COUNTS_FILE = "word_counts.tsv.gz"


def word_text(word: str, kind: str) -> str:
    """A pre-token in ``kind`` piece notation (``metaspace`` / ``bytelevel``) as plain text."""
    if kind == "metaspace":
        return word.replace("▁", " ")
    return piece_bytes(word, kind).decode("utf-8", errors="replace")


def text_word_counts(tok, lines: Iterable[str]) -> Counter[str]:
    """Plain-text words of ``lines`` as ``tok``'s pre-tokenizer splits them, with their counts."""
    kind = notation(tok)
    counts: Counter[str] = Counter()
    for word, count in count_words(tok, ((line, 1) for line in lines)).items():
        counts[word_text(word, kind)] += count
    return counts


def write_word_counts(path: Path, counts: Mapping[str, int]) -> None:
    """Write ``counts`` (byte-identical output for the same counts: no time stamp in the gzip)."""
    ranked = sorted(counts.items(), key=lambda item: -item[1])  # stable: ties keep first-seen order
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as packed:
        with io.TextIOWrapper(packed, encoding="utf-8", newline="\n") as text:
            for word, count in ranked:
                if word and "\n" not in word:
                    text.write(f"{count}\t{word}\n")


def read_word_counts(path: Path) -> Counter[str]:
    """The counts written by ``write_word_counts``; a malformed file is a UserError."""
    counts: Counter[str] = Counter()
    try:
        with gzip.open(path, "rt", encoding="utf-8", newline="\n") as handle:
            for number, line in enumerate(handle, 1):
                count, tab, word = line.rstrip("\n").partition("\t")
                if not tab or not word or not count.isdigit():
                    raise located(path, "not a COUNT<TAB>WORD line", number)
                counts[word] += int(count)
    except (OSError, EOFError, UnicodeDecodeError) as err:  # not gzip, truncated, not UTF-8
        raise located(path, f"unreadable word counts ({err})") from err
    return counts


def word_counts_of(tokenizer: str | Path) -> Counter[str] | None:
    """The word counts saved with a tokenizer (its directory, or the directory of its
    ``tokenizer.model`` / ``tokenizer.json`` file), or None when it has none."""
    where = Path(tokenizer)
    path = (where.parent if where.is_file() else where) / WORD_COUNTS_FILE
    return read_word_counts(path) if path.is_file() else None
