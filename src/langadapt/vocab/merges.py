"""BPE merges learned on top of a base tokenizer's own segmentation of a target corpus.

Each word of the corpus (or of the word counts ``vocab train`` saves with a tokenizer,
``wordcounts.py``, weighted by their counts) is segmented by the base tokenizer; BPE then merges the most frequent
adjacent pair of *existing pieces*, again and again. Every new piece is thus reachable from the
base segmentation by one extra merge, and appending the merges after all old ones leaves the
base's behaviour intact wherever no new merge applies (``benchmarks/fertility.py``, Llama 2 +
3.8 M characters of Estonian, FLORES dev: −35% Estonian / −1.1% English tokens with 8k merges,
against −22% / −0.1% for appending an independently trained Estonian vocabulary).

Written by hand because HF ``tokenizers`` trainers always start from characters and cannot
continue from an existing merge table. Pair counts are updated incrementally (only words that
contain the merged pair are revisited), so 16k merges on that corpus take about 10 s.
"""

from __future__ import annotations

import heapq
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Container, Iterable, Mapping
from pathlib import Path

from langadapt.text import nonblank_lines
from langadapt.vocab.load import BYTE_PIECE, notation

# Word boundaries inside one Metaspace pre-token (Llama 2 runs the whole line as one word).
METASPACE_WORD = re.compile(r"▁+[^▁]*|[^▁]+")
DIGITS = re.compile(r"\d\d")


def count_words(tok, texts: Iterable[tuple[str, int]], parts_of_lines: bool = False) -> Counter[str]:
    """Pre-tokenized words of weighted texts, in the tokenizer's own piece notation.

    Each text is normalized and pre-tokenized by ``tok``; every word it yields counts with the
    text's weight (1 for a corpus line, its count for a saved word, ``wordcounts.py``).
    ``parts_of_lines``: the texts are words cut out of lines, so a SentencePiece-style ``tok``
    must not give one that starts without a space the ``▁`` it prefixes to a line (a byte-level
    ``--new`` saves ``:`` of ``ütles:`` as a word of its own).
    """
    backend = tok.backend_tokenizer
    split_words = notation(tok) == "metaspace"
    counts: Counter[str] = Counter()
    for text, weight in texts:
        if backend.normalizer:
            text = backend.normalizer.normalize_str(text)
        pieces = [p for p, _ in backend.pre_tokenizer.pre_tokenize_str(text)] if backend.pre_tokenizer else [text]
        if parts_of_lines and split_words and pieces and pieces[0][:1] == "▁" and text[:1] not in (" ", "▁"):
            pieces[0] = pieces[0][1:]
        for piece in pieces:
            for word in METASPACE_WORD.findall(piece) if split_words else [piece]:
                counts[word] += weight
    return counts


def word_counts(tok, files: Iterable[Path]) -> Counter[str]:
    """Pre-tokenized words of the corpus, in the tokenizer's own piece notation."""
    return count_words(tok, ((line, 1) for line in nonblank_lines(files)))


def segment(tok, words: Iterable[str]) -> list[list[str]]:
    """Each word as the base model's pieces (no normalizer/pre-tokenizer: already applied)."""
    model = tok.backend_tokenizer.model
    return [[t.value for t in model.tokenize(word)] for word in words]


def char_class(char: str) -> str:
    """Letter (marks count as letters), number or other: the classes SentencePiece keeps apart."""
    kind = unicodedata.category(char)[0]
    return "L" if kind in "LM" else kind if kind == "N" else "other"


def pair_filter(tok) -> Callable[[str, str], bool]:
    """Which adjacent pieces may merge: no byte-fallback or special pieces; no digit runs when
    the base splits digits (its vocabulary has no multi-digit piece); for SentencePiece-style
    bases no piece mixing letters, digits and punctuation (as ``split_by_unicode_script`` keeps
    them apart; byte-level bases split these in their pre-tokenizer already)."""
    vocab = tok.backend_tokenizer.get_vocab(with_added_tokens=False)
    special = set(tok.all_special_tokens)
    splits_digits = not any(DIGITS.search(p) for p in vocab if not BYTE_PIECE.match(p))
    check_classes = notation(tok) == "metaspace"

    def allowed(left: str, right: str) -> bool:
        if left in special or right in special or BYTE_PIECE.match(left) or BYTE_PIECE.match(right):
            return False
        if splits_digits and left[-1:].isdigit() and right[:1].isdigit():
            return False
        if check_classes and left.strip("▁") and right[:1] != "▁":
            return char_class(left[-1]) == char_class(right[0])
        return True

    return allowed


def learn_merges(words: list[list[str]], counts: list[int], existing: set[str], new_tokens: int,
                 allowed: Callable[[str, str], bool], max_chars: int = 16,
                 min_count: int = 2) -> list[tuple[str, str]]:
    """Merges, most frequent first, until ``new_tokens`` pieces not in ``existing`` are made.

    A merge whose result already is an existing piece is kept (it costs no new id).
    """
    symbols = [list(w) for w in words]
    pair_count: Counter[tuple[str, str]] = Counter()
    where: dict[tuple[str, str], set[int]] = defaultdict(set)

    def pairs_of(word: list[str]):
        for left, right in zip(word, word[1:]):
            if len(left) + len(right) <= max_chars and allowed(left, right):
                yield left, right

    for index, word in enumerate(symbols):
        for pair in pairs_of(word):
            pair_count[pair] += counts[index]
            where[pair].add(index)
    heap = [(-c, pair) for pair, c in pair_count.items()]
    heapq.heapify(heap)
    merges: list[tuple[str, str]] = []
    made: set[str] = set()
    while heap and len(made) < new_tokens:
        negative, pair = heapq.heappop(heap)
        current = pair_count.get(pair, 0)
        if current != -negative:  # stale entry: re-queue with the true count
            if current > 0:
                heapq.heappush(heap, (-current, pair))
            continue
        if current < min_count:
            break
        merged = pair[0] + pair[1]
        merges.append(pair)
        if merged not in existing:
            made.add(merged)
        touched: set[tuple[str, str]] = set()
        for index in list(where.pop(pair, ())):
            word, weight = symbols[index], counts[index]
            for old in pairs_of(word):
                pair_count[old] -= weight
                touched.add(old)
            word[:] = _apply(word, pair, merged)
            for new in pairs_of(word):
                pair_count[new] += weight
                where[new].add(index)
                touched.add(new)
        pair_count.pop(pair, None)
        for other in touched:
            if pair_count.get(other, 0) > 0:
                heapq.heappush(heap, (-pair_count[other], other))
    return merges


def _apply(word: list[str], pair: tuple[str, str], merged: str) -> list[str]:
    out, i = [], 0
    while i < len(word):
        if i + 1 < len(word) and word[i] == pair[0] and word[i + 1] == pair[1]:
            out.append(merged)
            i += 2
        else:
            out.append(word[i])
            i += 1
    return out


def merges_on_base(tok, corpus: Iterable[Path] | Mapping[str, int], new_tokens: int,
                   only_pieces: Container[str] | None = None) -> list[tuple[str, str]]:
    """``new_tokens`` merges learned on ``tok``'s segmentation of ``corpus`` (see module doc).

    ``corpus``: text files, or plain-text word counts (``{word: count}``, as ``vocab train``
    saves them), which ``tok`` re-normalizes and re-splits. ``only_pieces``: accept only merges
    whose result is one of these pieces (in ``tok``'s notation), e.g. a new tokenizer's
    vocabulary, so its pieces come ordered as merges over the base segmentation.
    """
    if isinstance(corpus, Mapping):
        counted = count_words(tok, corpus.items(), parts_of_lines=True)
    else:
        counted = word_counts(tok, corpus)
    words = list(counted)
    existing = set(tok.backend_tokenizer.get_vocab(with_added_tokens=False))
    allowed = pair_filter(tok)
    if only_pieces is not None:
        base_allowed = allowed

        def allowed(left: str, right: str) -> bool:
            return left + right in only_pieces and base_allowed(left, right)

    return learn_merges(segment(tok, words), [counted[w] for w in words], existing, new_tokens, allowed)
