"""Inline markup inside a line: formatting boundaries and inline codes as protected markers.

A document format (``mt.documents``) turns each paragraph into one line of text in which every
formatting run, link, field or inline code is a *marker*: one character of Unicode's
supplementary private use plane (U+F0000 on), so that a line stays a line and the pipeline's
offsets stay character offsets. Pairs (an opening and a closing marker with the same number)
wrap text: a bold run, a link, an XLIFF ``<g>``/``<pc>``; a standalone marker is an object in the
text (an ``<x/>``/``<ph/>``, a tab, a picture, a note reference).

The pipeline strips the markers before anything else (``strip``): the model sees the sentence
whole, never a tag. After translation ``project`` puts every marker back into the English:

* anchors first: where the source inside a pair is a protection (a glossary term, a number, a
  Latin name) or a fragment whose own translation is found in the output, its English carries
  the pair exactly;
* elsewhere a monotone map from source to output offsets (through the anchors), each marker
  moved to the nearest word edge (an opening one to a word start, a closing one to a word end,
  so a run boundary inside a word is merged away);
* then the markers keep their source order (each at or after the one before it), so pairs nest
  as in the source: a pair may end up empty where the English cannot carry it (word order moved
  it behind a neighbour), but no marker is dropped or left unclosed.

``integrity`` is the audit's check: the same multiset of markers, every pair opened before it
closes, pairs nested in order.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Sequence

BASE = 0xF0000
LIMIT = 0xFFFFD
OPEN, CLOSE, EMPTY = 0, 1, 2
MAX_MARKERS = (LIMIT - BASE) // 3
MARKER_RE = re.compile(f"[{chr(BASE)}-{chr(LIMIT)}]")


def opening(number: int) -> str:
    return chr(BASE + 3 * number + OPEN)


def closing(number: int) -> str:
    return chr(BASE + 3 * number + CLOSE)


def standalone(number: int) -> str:
    return chr(BASE + 3 * number + EMPTY)


def decode(marker: str) -> tuple[int, int]:
    """(number, kind) of a marker character."""
    code = ord(marker) - BASE
    return code // 3, code % 3


def has_markers(text: str) -> bool:
    return MARKER_RE.search(text) is not None


def remove_markers(text: str) -> str:
    return MARKER_RE.sub("", text)


@dataclass(frozen=True)
class Mark:
    offset: int        # in the text without markers
    char: str          # the marker
    order: int         # its index among the line's markers (source order)


def strip(text: str) -> tuple[str, list[Mark]]:
    """The text without markers, and where each marker stood in it."""
    plain, marks = [], []
    length = 0
    for piece in re.split(f"({MARKER_RE.pattern})", text):
        if not piece:
            continue
        if MARKER_RE.fullmatch(piece):
            marks.append(Mark(length, piece, len(marks)))
        else:
            plain.append(piece)
            length += len(piece)
    return "".join(plain), marks


def integrity(source: str, output: str) -> str | None:
    """None when ``output`` carries the markers of ``source`` intact, else what is wrong."""
    wanted = Counter(MARKER_RE.findall(source))
    found = Counter(MARKER_RE.findall(output))
    if wanted != found:
        missing = sum((wanted - found).values())
        extra = sum((found - wanted).values())
        return f"inline tags differ from the source ({missing} missing, {extra} extra)"
    return nesting_problem(output)


def nesting_problem(text: str) -> str | None:
    stack: list[int] = []
    for marker in MARKER_RE.findall(text):
        number, kind = decode(marker)
        if kind == OPEN:
            stack.append(number)
        elif kind == CLOSE:
            if not stack or stack[-1] != number:
                return f"inline tag {number} closed out of order"
            stack.pop()
    if stack:
        return f"inline tag {stack[-1]} left unclosed"
    return None


# -- projection ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Piece:
    """One span of a line: its place in the source (markers stripped) and its output."""

    start: int
    end: int
    translated: bool       # False: the output is the source as it is (English, spaces, bullets)
    output: str
    anchors: tuple[tuple[int, int, int, int], ...] = ()   # (source start, end, output start, end), span-local
    source: str = ""       # the piece's source text (markers stripped), when known


def project(marks: Sequence[Mark], pieces: Sequence[Piece], source: str = "") -> str:
    """The line's output (pieces joined like ``mt.pipeline.join_translations``) with every marker
    put back; see the module's docstring for the rules. ``source`` is the line without markers."""
    outputs, starts, length = [], [], 0
    for piece in pieces:
        text = piece.output
        if outputs and text and outputs[-1] and outputs[-1][-1].isalnum() and text[0].isalnum():
            length += 1
            outputs.append(" ")
        starts.append(length)
        outputs.append(text)
        length += len(text)
    plain = "".join(outputs)
    positions = {}
    for mark in marks:
        index = _owner(mark, pieces)
        if index is None:
            positions[mark.order] = len(plain) if mark.offset else 0
            continue
        piece = pieces[index]
        local = mark.offset - piece.start
        if piece.translated:
            local = _map(local, decode(mark.char)[1], piece)
        positions[mark.order] = starts[index] + local
    positions = _widen_empty_pairs(marks, _nest(marks, positions), plain, source)
    out, position = [], 0
    for mark in sorted(marks, key=lambda m: (positions[m.order], m.order)):
        out.append(plain[position:positions[mark.order]])
        out.append(mark.char)
        position = positions[mark.order]
    out.append(plain[position:])
    return "".join(out)


def _owner(mark: Mark, pieces: Sequence[Piece]) -> int | None:
    """The piece a marker belongs to: an opening marker at a boundary opens the next piece's text,
    a closing or standalone one closes the previous piece's."""
    kind = decode(mark.char)[1]
    candidates = [i for i, p in enumerate(pieces) if p.start <= mark.offset <= p.end]
    if not candidates:
        return None
    inside = [i for i in candidates if pieces[i].start < mark.offset < pieces[i].end]
    if inside:
        return inside[0]
    if kind == OPEN:
        after = [i for i in candidates if pieces[i].start == mark.offset and pieces[i].end > pieces[i].start]
        return after[0] if after else candidates[-1]
    before = [i for i in candidates if pieces[i].end == mark.offset and pieces[i].end > pieces[i].start]
    return before[-1] if before else candidates[0]


def _map(local: int, kind: int, piece: Piece) -> int:
    """A source offset inside a translated piece → an output offset at a word edge."""
    source_length, output = piece.end - piece.start, piece.output
    for s_start, s_end, o_start, o_end in piece.anchors:
        if local == s_start:
            return o_start
        if local == s_end:
            return o_end
        # A marker only white space away from an anchor keeps that white space on its side when the
        # output has it too (an English run " OECD " stays " OECD ").
        after, before = piece.source[s_end:local], piece.source[local:s_start]
        if s_end < local and not after.strip() and output[o_end:o_end + len(after)] == after:
            return o_end + len(after)
        if local < s_start and not before.strip() and output[max(0, o_start - len(before)):o_start] == before:
            return o_start - len(before)
        if s_start < local < s_end:         # inside a term or number: its English is one unit
            if kind == OPEN:
                return o_start
            if kind == CLOSE:
                return o_end
            return o_start if local - s_start <= s_end - local else o_end
    if local <= 0:
        return 0
    if local >= source_length:
        return len(output)
    points = [(0, 0)] + [(s, o) for a in piece.anchors for s, o in ((a[0], a[2]), (a[1], a[3]))] \
        + [(source_length, len(output))]
    points.sort()
    left = max((p for p in points if p[0] <= local), key=lambda p: p[0])
    right = min((p for p in points if p[0] >= local), key=lambda p: p[0])
    if right[0] == left[0]:
        target = left[1]
    else:
        target = left[1] + (right[1] - left[1]) * (local - left[0]) / (right[0] - left[0])
    return _word_edge(output, round(target), kind, low=left[1], high=max(left[1], right[1]))


def _word_edge(text: str, position: int, kind: int, low: int = 0, high: int | None = None) -> int:
    """The nearest word edge to ``position`` within [low, high]: a word start for an opening marker,
    a word end for a closing one, either for a standalone one."""
    high = len(text) if high is None else high
    position = min(max(position, low), high)

    def is_edge(i: int) -> bool:
        before = text[i - 1] if i > 0 else " "
        after = text[i] if i < len(text) else " "
        start = not before.isalnum() and after.isalnum()
        end = before.isalnum() and not after.isalnum()
        if kind == OPEN:
            return start or (i in (0, len(text)))
        if kind == CLOSE:
            return end or (i in (0, len(text)))
        return start or end or not (before.isalnum() and after.isalnum())

    for distance in range(0, high - low + 1):
        for candidate in (position - distance, position + distance):
            if low <= candidate <= high and is_edge(candidate):
                return candidate
    return position


def _widen_empty_pairs(marks: Sequence[Mark], positions: dict[int, int], output: str, source: str) -> dict[int, int]:
    """A pair that wrapped words in the source but nothing in the output takes the neighbouring
    word, where no other marker stands in the way: bold or a link is not lost to word order."""
    ordered = sorted(marks, key=lambda m: m.order)
    opened: dict[int, Mark] = {}
    for mark in ordered:
        number, kind = decode(mark.char)
        if kind == OPEN:
            opened[number] = mark
            continue
        start = opened.pop(number, None) if kind == CLOSE else None
        if start is None or positions[start.order] != positions[mark.order]:
            continue
        if not any(char.isalnum() for char in source[start.offset:mark.offset]):
            continue
        here = positions[mark.order]
        later = [positions[m.order] for m in ordered if m.order > mark.order]
        earlier = [positions[m.order] for m in ordered if m.order < start.order]
        inner = [m for m in ordered if start.order < m.order < mark.order]
        forward = re.compile(r"\W*?(\w+)").match(output, here)
        if forward and all(p >= forward.end(1) for p in later):
            word = (forward.start(1), forward.end(1))
        else:
            backward = re.search(r"(\w+)\W*$", output[:here])
            if not (backward and all(p <= backward.start(1) for p in earlier)):
                continue
            word = (backward.start(1), backward.end(1))
        positions[start.order] = word[0]
        for m in inner:
            positions[m.order] = word[0]
        positions[mark.order] = word[1]
    return positions


def _nest(marks: Sequence[Mark], positions: dict[int, int]) -> dict[int, int]:
    """Markers keep their source order: each stands at or after the one before it, so pairs nest
    exactly as in the source (a pair the English cannot carry ends up empty, never crossed)."""
    out, floor = {}, 0
    for mark in sorted(marks, key=lambda m: m.order):
        floor = out[mark.order] = max(positions[mark.order], floor)
    return out


# -- anchors ------------------------------------------------------------------------------------

# How close (rapidfuzz's partial ratio, 0-100) a fragment's own English must come to a stretch of
# the sentence's English to carry the fragment's markers there.
FRAGMENT_SCORE = 80.0


def locate(english: str, output: str, start: int = 0) -> tuple[int, int] | None:
    """Where ``english`` (a fragment's own translation) stands in ``output`` at or after ``start``,
    widened to whole words; None when nothing there is close enough."""
    # rapidfuzz aligns the fragment against the sentence; loaded here because only documents
    # with inline markup need it.
    from rapidfuzz import fuzz

    english = english.strip()
    if not english or start >= len(output):
        return None
    found = fuzz.partial_ratio_alignment(english.lower(), output[start:].lower(), score_cutoff=FRAGMENT_SCORE)
    if found is None or found.dest_end <= found.dest_start:
        return None
    begin, end = start + found.dest_start, start + found.dest_end
    while begin > 0 and output[begin - 1].isalnum() and output[begin].isalnum():
        begin -= 1
    while end < len(output) and output[end - 1].isalnum() and output[end].isalnum():
        end += 1
    return begin, end


def monotone(anchors: Sequence[tuple[int, int, int, int]]) -> tuple[tuple[int, int, int, int], ...]:
    """The anchors that keep source and output order together (the longest first, greedily)."""
    chosen: list[tuple[int, int, int, int]] = []
    for anchor in sorted(anchors, key=lambda a: -(a[1] - a[0])):
        s_start, s_end, o_start, o_end = anchor
        if s_end < s_start or o_end < o_start:
            continue
        if all((s_end <= c[0] and o_end <= c[2]) or (s_start >= c[1] and o_start >= c[3]) for c in chosen):
            chosen.append(anchor)
    return tuple(sorted(chosen))


def fragments(marks: Sequence[Mark], plain: str) -> list[tuple[int, int]]:
    """The source ranges wrapped by pairs (opening offset, closing offset), innermost first."""
    opened: dict[int, int] = {}
    ranges = []
    for mark in marks:
        number, kind = decode(mark.char)
        if kind == OPEN:
            opened[number] = mark.offset
        elif kind == CLOSE and number in opened:
            start = opened.pop(number)
            if mark.offset > start:
                ranges.append((start, mark.offset))
    return ranges


def rejoin(source: str, spans: Sequence[tuple[int, int, bool, str]]) -> str:
    """A line's output from its spans' (start, end, translated, output) with the source line's
    markers put back (no anchors: used where only the spans' English is known, e.g. an
    editor's approved translation patched into a finished record)."""
    plain, marks = strip(source)
    return project(marks, [Piece(start, end, translated, output) for start, end, translated, output in spans], plain)
