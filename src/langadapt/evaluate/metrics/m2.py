"""MaxMatch (M2) precision, recall and F0.5 for grammatical error correction.

Written here rather than vendored: the reference scorers (NUS M2 scorer v3.2 and its Estonian
adaptation, TartuNLP/estgec ``M2_scorer_est``) are GPL scripts with global state that print to
stdout; this is a library function that reproduces their numbers (EstGEC-L2 dev: 3-8 s).

The algorithm (Dahlmeier & Ng, 2012), per sentence: (1) align source and hypothesis tokens,
keeping every optimal Levenshtein alignment, with substitution cost 1 and with cost 2 (the
Estonian scorer merges both lattices); (2) add transitive arcs, so a path becomes one edit when it
keeps at most ``max_unchanged_words`` unchanged tokens (15 in the Estonian scorer, so long
word-order moves are one edit; 2 in the NUS scorer); (3) per annotator, weight arcs equal to a
gold edit -|arcs| and others +0.001: the shortest path is the edit sequence with the most gold
matches, then the fewest edits; (4) keep the annotator that maximises the *corpus-cumulative*
F-beta so far, ties to more correct, then fewer proposed + beta^2 * gold, then the first (NUS).
P = TP / proposed (1 if none), R = TP / gold (1 if none): returning the source gives P=1, R=0.

Word order (R:WO), as in the Estonian scorer: a WO edit may contain other edits of its annotator
(its correction already includes them). Each such WO edit adds two pseudo-annotators, one with the
WO edit but not the edits inside it, one with those edits but not the WO edit, so either the one
big move or the small fixes inside it count as complete.

Reference details kept on purpose (they change scores): ties between equal-cost paths break as
the reference's Bellman-Ford does (edge order, strict improvement) and arcs in both lattices get
the penalty twice; gold edits match in file order, each match moving the search past it; a
several-token insertion before the first word gets the reference's offsets (0, n-1) and cannot
match; a block with several ``S`` lines (a missing blank line) pools its edits, each sentence
taking those whose offsets fit the tokens seen so far, originals from the joined block text;
pseudo-annotator ids continue from ``len(annotators) - 1`` (with id gaps one can replace a real
annotator). Divergences, both where the reference crashes: whitespace-only lines separate blocks,
and a duplicated no-change transitive arc is dropped.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from langadapt.errors import UserError, located

NOOP_TYPE = "noop"
WORD_ORDER_TYPE = "R:WO"
# The Estonian scorer's default (NUS: 2) so whole-clause word-order moves become one edit.
DEFAULT_MAX_UNCHANGED_WORDS = 15
PENALTY = 0.001  # on every non-gold edit: among paths with equal gold matches, fewer edits win


class GoldEdit(NamedTuple):
    start: int
    end: int
    original: str
    corrections: tuple[str, ...]
    etype: str


class Edit(NamedTuple):
    kind: str  # "ins" | "del" | "sub" | "noop"
    start: int
    end: int
    original: str
    correction: str
    unchanged: int


@dataclass(frozen=True)
class M2Sentence:
    source: str
    annotators: dict[int, list[GoldEdit]]  # in the order the reference iterates them


@dataclass(frozen=True)
class M2Score:
    precision: float
    recall: float
    f: float
    beta: float
    correct: int
    proposed: int
    gold: int

    def as_dict(self) -> dict[str, float | int]:
        return {"precision": self.precision, "recall": self.recall, f"f{self.beta:g}": self.f,
                "correct": self.correct, "proposed": self.proposed, "gold": self.gold}


def _lines(text: str) -> list[str]:
    """Split on universal newlines (CRLF, CR, LF) as Python's text mode does; nothing else."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def parse_m2(text: str, path: str | Path = "<m2>") -> list[M2Sentence]:
    """The sentences of an M2 file (text of the whole file) with their gold edits per annotator."""
    sentences: list[M2Sentence] = []
    block: list[tuple[int, str]] = []
    for number, line in enumerate([*_lines(text), ""], start=1):
        if line.strip():
            block.append((number, line))
        elif block:
            sentences.extend(_parse_block(block, path))
            block = []
    return sentences


def _parse_block(block: list[tuple[int, str]], path: str | Path) -> list[M2Sentence]:
    first_number, first = block[0]
    if not first.startswith("S "):
        raise located(path, f"expected an 'S ' source line, got {first[:40]!r}", first_number)
    sources = [line[2:].strip() for _, line in block if line.startswith("S ")]
    tokens = " ".join(sources).split()
    annotations: dict[int, list[GoldEdit]] = {}
    for number, line in block[1:]:
        if line.startswith(("S ", "I ")):
            continue
        fields = line[2:].split("|||") if line.startswith("A ") else []
        try:
            start, end = (int(x) for x in fields[0].split())
            etype, annotator = fields[1], int(fields[5])
        except (IndexError, ValueError):
            raise located(path, f"malformed M2 edit line {line[:60]!r}", number) from None
        if etype == NOOP_TYPE:
            start = end = -1
        elif start > end:
            raise located(path, f"edit span {start} {end} ends before it starts", number)
        elif start < 0 or end > len(tokens):
            raise located(path, f"edit span {start} {end} is outside the sentence (token offsets "
                          f"0 to {len(tokens)})", number)
        corrections = tuple(c.strip() if c != "-NONE-" else "" for c in fields[2].split("||"))
        annotations.setdefault(annotator, []).append(
            GoldEdit(start, end, " ".join(tokens[start:end]), corrections, etype))
    annotations.update(_word_order_pseudo_annotators(annotations))
    result, seen = [], 0
    for source in sources:
        seen += len(source.split())
        per_annotator = {a: [e for e in edits if 0 <= e.start <= seen and 0 <= e.end <= seen]
                         for a, edits in annotations.items()}
        result.append(M2Sentence(source, per_annotator or {0: []}))
    return result


def _word_order_pseudo_annotators(annotations: dict[int, list[GoldEdit]],
                                   ) -> dict[int, list[GoldEdit]]:
    """For each R:WO edit containing other edits: 'WO only' and 'inner edits only' annotators."""
    pseudo: dict[int, list[GoldEdit]] = {}
    next_id = len(annotations) - 1
    for edits in annotations.values():
        for wo in [e for e in edits if e.etype == WORD_ORDER_TYPE]:
            inside = [e for e in edits
                      if e.start >= wo.start and e.end <= wo.end and e.etype != WORD_ORDER_TYPE]
            if inside:
                pseudo[next_id + 1] = [e for e in edits if e not in inside]
                pseudo[next_id + 2] = [e for e in edits if e != wo]
                next_id += 2
    return pseudo


Vertex = tuple[int, int]
Arc = tuple[Vertex, Vertex]


def _optimal_alignment_arcs(source: list[str], hyp: list[str], sub_cost: int) -> dict[Arc, Edit]:
    """Arcs of every optimal Levenshtein alignment (those reachable back from the end cell)."""
    rows, cols = len(source) + 1, len(hyp) + 1
    cost = [[i + j if i == 0 or j == 0 else 0 for j in range(cols)] for i in range(rows)]
    for i in range(1, rows):
        for j in range(1, cols):
            diagonal = cost[i - 1][j - 1] + (0 if source[i - 1] == hyp[j - 1] else sub_cost)
            cost[i][j] = min(diagonal, cost[i - 1][j] + 1, cost[i][j - 1] + 1)

    def incoming(i: int, j: int) -> list[tuple[Vertex, Edit]]:
        if i == 0:  # the reference gives first-row insertions the hypothesis index as offset
            return [((0, j - 1), Edit("ins", j - 1, j - 1, "", hyp[j - 1], 0))] if j else []
        if j == 0:
            return [((i - 1, 0), Edit("del", i - 1, i, source[i - 1], "", 0))]
        moves, best = [], cost[i][j]
        same = source[i - 1] == hyp[j - 1]
        if cost[i - 1][j - 1] + (0 if same else sub_cost) == best:
            kind = "noop" if same else "sub"
            edit = Edit(kind, i - 1, i, source[i - 1], hyp[j - 1], int(same))
            moves.append(((i - 1, j - 1), edit))
        if cost[i - 1][j] + 1 == best:
            moves.append(((i - 1, j), Edit("del", i - 1, i, source[i - 1], "", 0)))
        if cost[i][j - 1] + 1 == best:
            moves.append(((i, j - 1), Edit("ins", i, i, "", hyp[j - 1], 0)))
        return moves

    arcs: dict[Arc, Edit] = {}
    stack, seen = [(rows - 1, cols - 1)], {(rows - 1, cols - 1)}
    while stack:
        vertex = stack.pop()
        for previous, edit in incoming(*vertex):
            arcs[(previous, vertex)] = edit
            if previous not in seen:
                seen.add(previous)
                stack.append(previous)
    return arcs


def _merge(first: Edit, second: Edit) -> Edit:
    kind = first.kind if first.kind == second.kind and first.kind != "sub" else "sub"
    original = " ".join(x for x in (first.original, second.original) if x)
    correction = " ".join(x for x in (first.correction, second.correction) if x)
    return Edit(kind, first.start, second.end, original, correction,
                first.unchanged + second.unchanged)


class _Lattice:
    """The merged edit lattice of one source/hypothesis pair, with transitive arcs."""

    def __init__(self, source: list[str], hyp: list[str], max_unchanged_words: int) -> None:
        arcs1 = _optimal_alignment_arcs(source, hyp, sub_cost=1)
        arcs2 = _optimal_alignment_arcs(source, hyp, sub_cost=2)
        self.end = (len(source), len(hyp))
        # The end cell is a vertex even when both sides are empty (no arcs at all).
        self.vertices = sorted({self.end, *(v for arc in (*arcs1, *arcs2) for v in arc)})
        # Both lattices' arcs, duplicates kept: the reference penalises a shared arc twice.
        self.arcs: list[Arc] = sorted([*arcs1, *arcs2])
        self.edits: dict[Arc, Edit] = {**arcs2, **arcs1}
        self.length = {arc: 1 for arc in self.arcs}
        self._add_transitive_arcs(max_unchanged_words)

    def _add_transitive_arcs(self, max_unchanged_words: int) -> None:
        predecessors: dict[Vertex, set[Vertex]] = defaultdict(set)
        successors: dict[Vertex, set[Vertex]] = defaultdict(set)
        for u, v in self.arcs:
            predecessors[v].add(u)
            successors[u].add(v)
        edits, length = self.edits, self.length
        # Floyd-Warshall order (middle vertex outermost), restricted to existing arcs; within one
        # middle vertex the updates are independent, so iterating neighbours is exact.
        for k in self.vertices:
            after = sorted(successors[k])
            for i in sorted(predecessors[k]):
                to_k, d_ik = edits[(i, k)], length[(i, k)]
                for j in after:
                    d = d_ik + length[(k, j)]
                    if d < length.get((i, j), float("inf")):
                        merged = _merge(to_k, edits[(k, j)])
                        if merged.unchanged <= max_unchanged_words:
                            self.arcs.append((i, j))
                            length[(i, j)] = d
                            edits[(i, j)] = merged
                            predecessors[j].add(i)
                            successors[i].add(j)
        # Drop merged no-change arcs. The reference removes them while iterating its list, which
        # skips the arc right after each removed one; that arc stays, as there.
        kept: list[Arc] = []
        skip_next = False
        for arc in self.arcs:
            if arc in edits and (skip_next or edits[arc].kind != NOOP_TYPE or length[arc] <= 1):
                kept.append(arc)
                skip_next = False
            elif arc in edits:
                del edits[arc]
                skip_next = True
        self.arcs = kept

    def weights(self, gold: list[GoldEdit]) -> dict[Arc, float]:
        """Arc weights for one annotator: gold edits -len(arcs), other edits +PENALTY."""
        weight: dict[Arc, float] = {arc: self.length[arc] for arc in self.arcs}
        gold_weight = -len(self.arcs)
        by_span: dict[tuple[int, int], list[Arc]] = defaultdict(list)
        for arc in self.arcs:
            by_span[self.edits[arc].start, self.edits[arc].end].append(arc)
        for span in sorted(by_span):
            arcs, golds = sorted(by_span[span]), [g for g in gold if (g.start, g.end) == span]
            if span[0] == span[1]:
                self._weigh_insertions(arcs, golds, weight, gold_weight)
                continue
            for arc in arcs:  # deletions and substitutions: parallel matches do no harm
                if any(_matches(self.edits[arc], g) for g in golds):
                    weight[arc] = gold_weight
                elif self.edits[arc].kind != NOOP_TYPE:
                    weight[arc] += PENALTY
        return weight

    def _weigh_insertions(self, arcs: list[Arc], golds: list[GoldEdit],
                          weight: dict[Arc, float], gold_weight: int) -> None:
        # Insertions at one position may be chained; the reference matches them from both ends
        # inwards, each gold insertion used once, penalising arcs that cannot follow a match.
        left, right, cur = 0, len(arcs) - 1, 0
        gold_left, gold_right = 0, len(golds) - 1
        while left <= right:
            arc, from_left = arcs[cur], cur == left
            order = range(gold_left, gold_right + 1)
            hit = next((g for g in (order if from_left else reversed(order))
                        if _matches(self.edits[arc], golds[g])), None)
            if hit is None:
                weight[arc] += PENALTY  # insertions are never noop arcs
                left, right = (left + 1, right) if from_left else (left, right - 1)
                cur = right if from_left else left
            elif from_left:
                weight[arc], gold_left, left = gold_weight, hit + 1, left + 1
                while left < len(arcs) and arcs[left][0] != arc[1]:
                    weight[arcs[left]] += PENALTY
                    left += 1
                cur = left
            else:
                weight[arc], gold_right, right = gold_weight, hit - 1, right - 1
                while right >= 0 and arcs[right][1] != arc[0]:
                    weight[arcs[right]] += PENALTY
                    right -= 1
                cur = right

    def best_edits(self, weight: dict[Arc, float]) -> list[Edit]:
        """The shortest path's non-noop edits, in sentence order (Bellman-Ford tie-breaking)."""
        index = {v: n for n, v in enumerate(self.vertices)}
        relax = [(index[u], index[v], weight[(u, v)]) for u, v in self.arcs]
        dist = [float("inf")] * len(self.vertices)
        dist[index[(0, 0)]] = 0
        back: dict[int, int] = {}
        for _ in range(len(self.vertices) - 1):
            changed = False
            for u, v, w in relax:
                candidate = dist[u] + w
                if candidate < dist[v]:
                    dist[v] = candidate
                    back[v] = u
                    changed = True
            if not changed:  # a pass without change means every later pass is idle too
                break
        sequence, v = [], index[self.end]
        while v in back:
            u = back[v]
            edit = self.edits[(self.vertices[u], self.vertices[v])]
            if edit.kind != NOOP_TYPE:
                sequence.append(edit)
            v = u
        return sequence[::-1]


def _matches(edit: Edit, g: GoldEdit) -> bool:
    return (edit.start, edit.end, edit.original) == (g.start, g.end, g.original) \
        and edit.correction in g.corrections


def count_correct(edits: list[Edit], gold: list[GoldEdit]) -> int:
    """Hypothesis edits equal to a gold edit, matched left to right in gold file order."""
    correct, next_gold = 0, 0
    for edit in edits:
        for g_index in range(next_gold, len(gold)):
            if _matches(edit, gold[g_index]):  # no break: a duplicated gold edit counts twice
                correct += 1
                next_gold = g_index + 1
    return correct


def _f_beta(correct: float, proposed: float, gold: float, beta: float) -> float:
    denominator = beta * beta * gold + proposed
    if denominator == 0:
        return 1.0 if correct == 0 else 0.0
    return (1 + beta * beta) * correct / denominator


def score_m2(sentences: list[M2Sentence], hypotheses: list[str], beta: float = 0.5,
             max_unchanged_words: int = DEFAULT_MAX_UNCHANGED_WORDS) -> M2Score:
    """Corpus M2 score of ``hypotheses`` (tokenised like the M2 sources, one per sentence)."""
    if len(hypotheses) != len(sentences):
        raise UserError(f"the M2 file has {len(sentences)} sentences but the hypothesis file has "
                        f"{len(hypotheses)} lines")
    total_correct = total_proposed = total_gold = 0
    sq = beta * beta
    for sentence, hypothesis in zip(sentences, hypotheses):
        lattice = _Lattice(sentence.source.split(), hypothesis.split(), max_unchanged_words)
        best: tuple[float, int, float] | None = None  # (F, correct, proposed + beta^2 gold)
        chosen = (0, 0, 0)
        for gold in sentence.annotators.values():
            edits = lattice.best_edits(lattice.weights(gold))
            correct = count_correct(edits, gold)
            c, p, g = total_correct + correct, total_proposed + len(edits), total_gold + len(gold)
            key = (_f_beta(c, p, g, beta), c, -(p + sq * g))
            if best is None or key > best:
                best, chosen = key, (correct, len(edits), len(gold))
        total_correct, total_proposed, total_gold = (
            total_correct + chosen[0], total_proposed + chosen[1], total_gold + chosen[2])
    precision = total_correct / total_proposed if total_proposed else 1.0
    recall = total_correct / total_gold if total_gold else 1.0
    denominator = sq * precision + recall
    f = (1 + sq) * precision * recall / denominator if denominator else 0.0
    return M2Score(precision, recall, f, beta, total_correct, total_proposed, total_gold)


def _read_text(path: str | Path) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise located(path, "file not found") from None
    except UnicodeDecodeError as err:
        raise located(path, f"not UTF-8 text ({err.reason} at byte {err.start})") from None


def score_m2_files(m2_path: str | Path, hyp_path: str | Path, beta: float = 0.5,
                   max_unchanged_words: int = DEFAULT_MAX_UNCHANGED_WORDS) -> M2Score:
    """Score a hypothesis file against an M2 gold file."""
    sentences = parse_m2(_read_text(m2_path), m2_path)
    if not sentences:
        raise located(m2_path, "no sentences ('S ' lines) found")
    lines = _lines(_read_text(hyp_path))  # as the reference reads them: any newline, stripped
    hypotheses = [line.strip() for line in (lines[:-1] if lines[-1] == "" else lines)]
    if len(hypotheses) != len(sentences):
        raise located(hyp_path, f"has {len(hypotheses)} lines but {m2_path} has "
                      f"{len(sentences)} sentences")
    return score_m2(sentences, hypotheses, beta, max_unchanged_words)
