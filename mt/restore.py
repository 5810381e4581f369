"""After generation: every protected English string of a job is looked for in the model's output,
by count and in order, and put back where the model dropped or re-cased it.

- **Count, not presence.** Each protection claims its own occurrence: ``SRT … SRT`` needs two.
- **Whole tokens.** An occurrence must stand as a word of its own: ``AI`` inside ``K-AI`` or
  ``AIs`` is not ``AI`` (a hyphenated suffix, ``AI-based``, is still ``AI``).
- **Order.** Occurrences are claimed left to right in source order; one that is only found before
  the previous protection's is counted but marked ``out_of_order``; a missing one is inserted after
  the previous protection's occurrence, so what koen puts back is always in order.
- **Doubled.** Occurrences of a kept name or term nobody claimed are listed in ``job.doubled``.

All targets are found with one combined pattern (longest first), so the work is linear in the
output's length (times log of the number of protections), however many protections a span has.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict

from .results import Job, ProtectionKind

# Not inside a longer token: no word character before (nor a word and a hyphen: K-AI), none after.
_BEFORE = r"(?<!\w)(?<!\w-)"
_AFTER = r"(?!\w)"
_DOUBLE_CHECKED = (ProtectionKind.ISLAND, ProtectionKind.TERM)


def _occurrences(output: str, targets: list[str], flags: int = 0) -> dict[str, list[tuple[int, int]]]:
    """(start, end) of each target's whole-token occurrences; overlapping targets: longest first."""
    found: dict[str, list[tuple[int, int]]] = defaultdict(list)
    if not targets:
        return found
    ordered = sorted(set(targets), key=len, reverse=True)
    if flags or not ordered[-1]:
        return _occurrences_by_pattern(output, ordered, flags, found)
    # What the pattern of _occurrences_by_pattern finds, by str.find (one pattern a line would be
    # compiled anew each time: a restore's targets are its own): every whole-token occurrence, then
    # left to right the first one, the longest where several start together, as a regex alternation
    # ordered longest first takes them.
    candidates = []
    for target in ordered:
        position = output.find(target)
        while position >= 0:
            end = position + len(target)
            if _token_starts(output, position) and not (end < len(output) and _is_word(output[end])):
                candidates.append((position, -len(target), end))
            position = output.find(target, position + 1)
    cursor = 0
    for start, _, end in sorted(candidates):
        if start >= cursor:
            found[output[start:end]].append((start, end))
            cursor = end
    return found


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"              # what the regular expression \w matches


def _token_starts(text: str, position: int) -> bool:
    """``_BEFORE`` at ``position``: no word character before it, nor a word character and a hyphen."""
    if position and _is_word(text[position - 1]):
        return False
    return not (position > 1 and text[position - 1] == "-" and _is_word(text[position - 2]))


def _occurrences_by_pattern(output: str, ordered: list[str], flags: int, found: dict) -> dict:
    pattern = re.compile(_BEFORE + "(?:" + "|".join(map(re.escape, ordered)) + ")" + _AFTER, flags)
    fold = (lambda s: s.lower()) if flags & re.IGNORECASE else (lambda s: s)
    for match in pattern.finditer(output):
        found[fold(match.group())].append((match.start(), match.end()))
    return found


class _Claims:
    """Occurrences of one target, each claimed at most once."""

    def __init__(self, spans: list[tuple[int, int]]):
        self.spans = spans
        self.starts = [s for s, _ in spans]
        self.claimed = [False] * len(spans)
        self.unclaimed_from = 0          # every occurrence before this index is claimed

    def claim_from(self, cursor: int) -> tuple[int, int] | None:
        return self._take(self._first_unclaimed(cursor))

    def peek_from(self, cursor: int) -> tuple[int, int] | None:
        index = self._first_unclaimed(cursor)
        return self.spans[index] if index < len(self.spans) else None

    def _first_unclaimed(self, cursor: int) -> int:
        index = bisect.bisect_left(self.starts, cursor)
        while index < len(self.spans) and self.claimed[index]:
            index += 1
        return index

    def claim_any(self) -> tuple[int, int] | None:
        while self.unclaimed_from < len(self.spans) and self.claimed[self.unclaimed_from]:
            self.unclaimed_from += 1
        return self._take(self.unclaimed_from)

    def _take(self, index: int) -> tuple[int, int] | None:
        if index >= len(self.spans):
            return None
        self.claimed[index] = True
        return self.spans[index]

    def unclaimed(self) -> int:
        return self.claimed.count(False)


def restore(job: Job) -> tuple[str, list[tuple[int, int]]]:
    """The output with every protected string present (re-cased or inserted where needed), and where
    the protected strings stand in it."""
    output = job.output
    protections = [p for p in job.protections if p.replacement]
    targets = [p.replacement for p in protections]
    exact = {target: _Claims(spans) for target, spans in _occurrences(output, targets).items()}
    folded = words = None
    source_length = max(len(job.model_input), 1)
    edits: list[tuple[int, int, str]] = []      # (start, end, text): re-cased, rebuilt or inserted strings
    kept = _Kept()
    cursor = 0
    for protection in protections:
        target = protection.replacement
        claims = exact.get(target)
        span = claims.claim_from(cursor) if claims else None
        if span is None and claims is not None:
            span = claims.claim_any()
            if span is not None:
                protection.out_of_order = True
        if span is not None:
            protection.found = True
            kept.add(span)
            cursor = max(cursor, span[1])
            continue
        protection.repaired = True
        if folded is None:
            folded = {key: _Claims(spans) for key, spans in
                      _occurrences(output, targets, re.IGNORECASE).items()}
        claims = folded.get(target.lower())
        span = claims.claim_from(cursor) if claims else None
        if span is None and protection.kind is ProtectionKind.ISLAND and len(_WORD_RE.findall(target)) > 1:
            if words is None:
                island_words = [w for p in protections if p.kind is ProtectionKind.ISLAND
                                for w in _WORD_RE.findall(p.replacement)]
                words = {word: _Claims(spans) for word, spans in _occurrences(output, island_words).items()}
            span = _broken_copy(_WORD_RE.findall(target), words, cursor)
        if span is not None and not kept.overlaps(span):
            # re-cased (``srt`` → ``SRT``), or a name the model broke up (``SM C& CCTV`` for ``SM C&C
            # LH CCTV``): rebuilt where it stands, so none of its words comes out twice
            edits.append((span[0], span[1], target))
            kept.add(span)
            cursor = span[1]
            continue
        position = _insertion_point(output, cursor, protection.model_offset / source_length)
        edits.append((position, position, target))
        cursor = position
    checked = {p.replacement for p in protections if p.kind in _DOUBLE_CHECKED}
    job.doubled.extend(target for target, claims in exact.items() if target in checked and claims.unclaimed())
    return _apply(output, edits, kept)


_WORD_RE = re.compile(r"[^\s,]+")
_FUNCTION_WORDS = frozenset("a an and at by for from in into of on or the to with".split())
_NEAR = 24      # characters between two words of one name as the model broke it up


def _broken_copy(pieces: list[str], words: dict[str, "_Claims"], cursor: int) -> tuple[int, int] | None:
    """Where, after ``cursor``, the output holds a broken copy of a name of several words: some of
    its words in order, each near the previous, a content word (not ``of``, ``and``) among them."""
    start = end = None
    found = []
    for word in pieces:
        claims = words.get(word)
        span = claims.peek_from(cursor if end is None else end) if claims else None
        if span is None or (end is not None and span[0] - end > _NEAR):
            continue
        start = span[0] if start is None else start
        end = span[1]
        found.append((word, claims, span))
    hits = [word for word, _, _ in found if word.lower() not in _FUNCTION_WORDS]
    if not hits:
        return None
    for _, claims, span in found:
        claims.claim_from(span[0])
    return start, end


class _Kept:
    """The output stretches claimed so far, sorted, for overlap tests in O(log n)."""

    def __init__(self):
        self.spans: list[tuple[int, int]] = []

    def overlaps(self, span: tuple[int, int]) -> bool:
        index = bisect.bisect_left(self.spans, span)
        return any(start < span[1] and span[0] < end for start, end in self.spans[max(0, index - 1):index + 1])

    def add(self, span: tuple[int, int]) -> None:
        bisect.insort(self.spans, span)


def _insertion_point(output: str, cursor: int, fraction: float) -> int:
    """A word boundary at or after ``cursor``, near ``fraction`` of the output."""
    position = int(round(fraction * len(output)))
    if position <= cursor:
        return cursor
    if position >= len(output):
        return len(output)
    left = output.rfind(" ", cursor, position)
    right = output.find(" ", position)
    candidates = [p for p in (left, right) if p >= cursor]
    if not candidates:
        return len(output) if fraction > 0.5 else cursor
    return min(candidates, key=lambda p: abs(p - position))


def _apply(output: str, edits: list[tuple[int, int, str]], kept: "_Kept") -> tuple[str, list[tuple[int, int]]]:
    """One pass over ``output``: each edit's stretch replaced by its text (an insertion, with a
    space either side), and where the protected strings stand in the result."""
    if not edits:
        return output, kept.spans
    rebuilt = {(start, end) for start, end, _ in edits if end > start}
    pieces, position, shift = [], 0, 0
    points, shifts, placed = [], [], []
    for start, end, text in sorted(edits, key=lambda edit: (edit[0], edit[1])):
        if start < position:             # never happens for claimed stretches; keep the text whole
            start = end = position
        pieces.append(output[position:start])
        if end == start:
            text = f" {text} "
        placed.append((start + shift + (1 if end == start else 0), start + shift + len(text) - (1 if end == start else 0)))
        pieces.append(text)
        shift += len(text) - (end - start)
        points.append(end)
        shifts.append(shift)
        position = end
    pieces.append(output[position:])

    def moved(offset: int) -> int:
        index = bisect.bisect_right(points, offset) - 1
        return offset + (shifts[index] if index >= 0 else 0)

    spans = [(moved(start), moved(start) + end - start) for start, end in kept.spans if (start, end) not in rebuilt]
    return "".join(pieces), sorted(spans + placed)


def drop_numbers(output: str, unjustified: list[tuple[int, int, str]], kept: list[tuple[int, int]]) -> tuple[str, list[str]]:
    """``output`` without the numbers in ``unjustified`` that stand outside every kept string."""
    starts = [s for s, _ in kept]
    removed, pieces, position = [], [], 0
    for start, end, number in sorted(unjustified):
        index = bisect.bisect_right(starts, start) - 1
        if index >= 0 and kept[index][1] >= end or start < position:
            continue
        pieces.append(output[position:start].rstrip())
        pieces.append(" ")
        removed.append(number)
        position = end
        while position < len(output) and output[position] in " \t":
            position += 1
    pieces.append(output[position:])
    return "".join(pieces).strip(), removed

