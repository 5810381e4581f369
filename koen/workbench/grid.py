"""The Review page's grid, as CAT-tool editors know it (memoQ's and Trados' editors): every
translated segment of a job in document order, as source | English | status | origin |
confidence band, with filters, search in both columns, progress and paging. Pure functions over
``koen.archive.review.ReviewItem``; the routes are in ``koen.workbench.review``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from mt.memory import APPROVED, REJECTED, UNREVIEWED
from mt.results import WarningCode

from ..archive.review import ReviewItem

PAGE_SIZE = 50
STATUSES = ("", UNREVIEWED, APPROVED, REJECTED)
FLAGS = ("", "flagged", "clean", *(code.value for code in WarningCode))
# A band is what an editor can act on; the raw mean log-probability is in the tooltip.
HIGH_MARGIN = 1.0


def confidence_band(item: ReviewItem, threshold: float) -> str:
    if item.origin == "human":
        return "human"
    if item.confidence is None:
        return "none"
    if item.confidence < threshold:
        return "low"
    return "high" if item.confidence >= threshold + HIGH_MARGIN else "medium"


def status_of(item: ReviewItem) -> str:
    """approved / rejected / unreviewed; a span the job already rendered from an approval counts approved."""
    if item.state != UNREVIEWED:
        return item.state
    return APPROVED if item.origin == "human" else UNREVIEWED


@dataclass(frozen=True)
class GridQuery:
    status: str = ""
    flag: str = ""
    record: str = ""
    term: str = ""
    q: str = ""
    page: int = 1

    @classmethod
    def parse(cls, params: Mapping[str, str]) -> "GridQuery":
        """Unknown or malformed values mean "no filter" (a URL typed by hand never fails)."""
        status = params.get("status", "")
        flag = params.get("flag", "")
        page = params.get("page", "1")
        return cls(status=status if status in STATUSES else "", flag=flag if flag in FLAGS else "",
                   record=params.get("record", "").strip()[:200], term=params.get("term", "").strip()[:200],
                   q=params.get("q", "").strip()[:500],
                   page=int(page) if page.isascii() and page.isdigit() and 0 < len(page) <= 6 and int(page) > 0 else 1)

    def params(self, **change) -> dict[str, str]:
        values = {"status": self.status, "flag": self.flag, "record": self.record, "term": self.term, "q": self.q,
                  "page": str(self.page), **{k: str(v) for k, v in change.items()}}
        return {k: v for k, v in values.items() if v and not (k == "page" and v == "1")}


def matches(item: ReviewItem, query: GridQuery) -> bool:
    if query.status and status_of(item) != query.status:
        return False
    if query.flag == "flagged" and not item.reasons:
        return False
    if query.flag == "clean" and item.reasons:
        return False
    if query.flag not in ("", "flagged", "clean") and query.flag not in item.reasons:
        return False
    if query.record and not any(o.record == query.record for o in item.occurrences):
        return False
    if query.term:
        wanted = query.term.casefold()
        if not any(wanted in str(t.get("source", "")).casefold() or wanted in str(t.get("expected", "")).casefold()
                   for t in item.terms):
            return False
    if query.q:
        wanted = query.q.casefold()
        english = item.review.english if item.review and item.review.english else ""
        if not any(wanted in text.casefold() for text in (item.korean, item.english, english)):
            return False
    return True


@dataclass
class GridPage:
    rows: list[ReviewItem]
    shown: int                   # segments that pass the filters
    total: int                   # segments in the job
    reviewed: int                # of the total
    page: int
    pages: int


def grid(items: list[ReviewItem], query: GridQuery, page_size: int = PAGE_SIZE) -> GridPage:
    """``items`` (document order) filtered, and the page ``query.page`` of them."""
    chosen = [item for item in items if matches(item, query)]
    pages = max(1, -(-len(chosen) // page_size))
    page = min(query.page, pages)
    reviewed = sum(1 for item in items if status_of(item) != UNREVIEWED)
    return GridPage(chosen[(page - 1) * page_size:page * page_size], len(chosen), len(items), reviewed, page, pages)
