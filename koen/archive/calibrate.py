"""Calibrating the review threshold from editors' decisions.

A decided span is *changed* when an editor approved English different from the machine's, and
*kept* when they kept the machine English (rejected, or approved it unchanged). "Flagged" at a
threshold T means what the queue means: any flag of the pipeline's own, or a confidence below T.
A good flag catches the changed spans (recall) without sending editors kept ones (precision).
The suggestion is the threshold with the best F1 over the decided spans that have a confidence.
"""

from __future__ import annotations

from dataclasses import dataclass

from mt.memory import APPROVED, REJECTED
from mt.results import WarningCode

from .review import ReviewItem

MIN_DECISIONS = 20


@dataclass(frozen=True)
class Decision:
    confidence: float | None
    other_flags: bool            # flagged whatever the threshold (untranslated, numbers, ...)
    changed: bool


@dataclass(frozen=True)
class Score:
    threshold: float
    flagged: int
    precision: float | None      # None when nothing is flagged
    recall: float | None         # None when nothing was changed
    f1: float


def decisions(items: dict[str, ReviewItem]) -> list[Decision]:
    out = []
    for item in items.values():
        if item.review is None or item.state not in (APPROVED, REJECTED) or item.origin == "human":
            continue
        changed = item.state == APPROVED and " ".join((item.review.english or "").split()) != " ".join(item.english.split())
        other = any(reason != WarningCode.LOW_CONFIDENCE.value for reason in item.reasons)
        out.append(Decision(item.confidence, other, changed))
    return out


def score(decided: list[Decision], threshold: float) -> Score:
    flagged = [d for d in decided if d.other_flags or (d.confidence is not None and d.confidence < threshold)]
    hits = sum(1 for d in flagged if d.changed)
    changed = sum(1 for d in decided if d.changed)
    precision = hits / len(flagged) if flagged else None
    recall = hits / changed if changed else None
    f1 = 2 * precision * recall / (precision + recall) if precision and recall else 0.0
    return Score(threshold, len(flagged), precision, recall, f1)


def suggest(decided: list[Decision], current: float) -> Score:
    """The threshold (between observed confidences) with the best F1; ties keep the one nearest
    the current threshold."""
    values = sorted({d.confidence for d in decided if d.confidence is not None})
    candidates = [current] + [(a + b) / 2 for a, b in zip(values, values[1:])]
    if values:
        candidates += [values[0] - 0.01, values[-1] + 0.01]
    return max((score(decided, t) for t in candidates), key=lambda s: (s.f1, -abs(s.threshold - current)))
