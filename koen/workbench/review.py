"""The Review page: a CAT-style grid over every translated segment of an archive job (source |
English | status | origin | confidence band, filters, search, progress, paging), with glossary
terms highlighted beside their approved English, the release's title and date, and fuzzy
matches from the memory as suggestions. Editors approve an English (checked like machine
output; a refusal can be overridden with a reason), keep the machine's, or undo their last
decision; each decision is a compare-and-set on the span's review revision the page was loaded
with. The request checks are the workbench's middleware."""

from __future__ import annotations

import threading
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from glossary.store import Conflict, Refused, from_form
from mt.errors import KoenError
from mt.fuzzy import FuzzyEntry, FuzzyIndex, FuzzyMatch
from mt.memory import APPROVED, ReviewConflict, TranslationMemory, normalise

from ..archive import review as loop
from ..archive.approval import ApprovalRefused
from . import grid as grids
from .hosts import parse_line_number
from .pages import read_only_refusal, read_snapshot, render
from .security import refuse

ACTIONS = ("approve", "reject", "undo")


@dataclass
class _Loaded:
    stamp: tuple
    items: dict[str, loop.ReviewItem]
    titles: dict[str, tuple[str, str]]
    machine_index: FuzzyIndex          # the job's machine English: rebuilt when the records change
    human_index: FuzzyIndex            # editors' approvals: rebuilt when a decision is made

    def lookup(self, korean: str, limit: int) -> list[FuzzyMatch]:
        found = self.human_index.lookup(korean, limit) + self.machine_index.lookup(korean, limit, "machine")
        return sorted(found, key=lambda m: (-m.score, m.entry.origin != "human"))[:limit]


@dataclass
class ReviewSource:
    outdir: Path
    memory: Path
    threshold: float
    _cache: _Loaded | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def open(cls, outdir: str | Path, memory: str | Path | None, threshold: float | None) -> "ReviewSource":
        outdir = Path(outdir)
        loop.read_records(outdir)                     # fails now, with its message, if there is no job
        return cls(outdir, loop.memory_path(outdir, memory),
                   loop.DEFAULT_THRESHOLD if threshold is None else threshold)

    def _stamp(self, memory: TranslationMemory) -> tuple:
        records = (self.outdir / loop.RECORDS_FILE).stat()
        decided = memory.connection.execute("SELECT COUNT(*), COALESCE(SUM(revision), 0) FROM human").fetchone()
        return (records.st_mtime_ns, records.st_size), tuple(decided)

    def load(self) -> _Loaded:
        """The job's segments with their review state, and the fuzzy index over the memory's human
        translations and the job's machine English; rebuilt only when either changed."""
        with self._lock:
            memory = TranslationMemory(self.memory)
            try:
                stamp = self._stamp(memory)
                if self._cache is not None and self._cache.stamp == stamp:
                    return self._cache
                cached = self._cache
                human = FuzzyIndex(FuzzyEntry(r.source, r.english, "human", r.editor) for r in memory.all_reviews()
                                   if r.state == APPROVED and r.english)
                if cached is not None and cached.stamp[0] == stamp[0]:
                    # Only decisions changed: refresh the review states, keep the job and its index.
                    reviews = memory.reviews([item.korean for item in cached.items.values()])
                    for item in cached.items.values():
                        item.review = reviews.get(item.korean)
                    self._cache = _Loaded(stamp, cached.items, cached.titles, cached.machine_index, human)
                    return self._cache
                rows = loop.read_records(self.outdir)
                items = loop.collect(rows, memory, self.threshold)
                machine = FuzzyIndex(FuzzyEntry(item.korean, item.english, "machine", item.origin)
                                     for item in items.values() if item.origin != "human" and item.english)
                self._cache = _Loaded(stamp, items, loop.record_titles(rows), machine, human)
                return self._cache
            finally:
                memory.close()

    def items(self) -> dict[str, loop.ReviewItem]:
        return self.load().items

    def decide(self, item_id: str, action: str, english: str, editor: str, revision: int,
               override: str | None) -> tuple:
        # The loaded job is fresh (load() checks the records and the memory); the decision itself
        # is a compare-and-set on the revision the form carries.
        item = loop.find(self.load().items, self.outdir, item_id)
        memory = TranslationMemory(self.memory)
        try:
            if action == "approve":
                review = loop.approve(memory, item, english, editor or None, revision, override, via="page")
            elif action == "reject":
                review = loop.reject(memory, item, editor or None, revision, via="page")
            else:
                review = loop.undo(memory, item, editor or None, revision)
            return item, review
        finally:
            memory.close()


def highlight(item: loop.ReviewItem) -> list[tuple[str, str, str]]:
    """The first occurrence's source line as (text, css class, title) pieces: the span marked,
    and inside it the glossary terms (titled with their approved English) and the numbers the
    pipeline protected."""
    occurrence = item.occurrences[0]
    text, start, end = occurrence.text, occurrence.start, occurrence.end
    marks = [(t["span"][0], t["span"][1], "term", str(t.get("expected") or "")) for t in item.terms]
    position = start
    for number in item.numbers:
        found = text.find(number["source"], position, end)
        if found >= 0:
            marks.append((found, found + len(number["source"]), "number", str(number.get("english", ""))))
            position = found + len(number["source"])
    marks = sorted(m for m in marks if start <= m[0] < m[1] <= end)
    pieces, cursor = [(text[:start], "", "")], start
    for s, e, kind, title in marks:
        if s < cursor:
            continue
        pieces += [(text[cursor:s], "span", ""), (text[s:e], f"span {kind}", title)]
        cursor = e
    pieces += [(text[cursor:end], "span", ""), (text[end:], "", "")]
    return [piece for piece in pieces if piece[0]]


def _source(request: Request) -> ReviewSource | None:
    return request.app.state.review


def _suggestions(loaded: _Loaded, rows: list[loop.ReviewItem]) -> dict[str, list[FuzzyMatch]]:
    out = {}
    for item in rows:
        key = normalise(item.korean)    # the span's own approval or machine English is no suggestion
        out[item.id] = [m for m in loaded.lookup(item.korean, limit=4) if normalise(m.entry.korean) != key][:3]
    return out


async def review_page(request: Request, status_code: int = 200, message: str = "", error: str = "",
                      problems: tuple[str, list[str]] | None = None, typed: dict | None = None) -> Response:
    source = _source(request)
    if source is None:
        return refuse(404, "no archive output to review (start with --archive-output OUTDIR)")
    loaded = await run_in_threadpool(source.load)
    query = grids.GridQuery.parse(request.query_params)
    ordered = sorted(loaded.items.values(), key=lambda item: item.position)
    page = grids.grid(ordered, query)
    suggestions = await run_in_threadpool(_suggestions, loaded, page.rows)
    done = request.query_params.get("done", "")
    undo = loaded.items.get(done) if done.isalnum() else None
    flash = message or (f"Saved {done}." if undo is not None else "")
    flagged = [item.id for item in ordered if item.reasons and grids.status_of(item) == "unreviewed"]
    return render(request, "review.html", {
        "page": page, "query": query, "suggestions": suggestions, "titles": loaded.titles, "highlight": highlight,
        "band": lambda item: grids.confidence_band(item, source.threshold), "status_of": grids.status_of,
        "flash": flash, "error": error, "problems": problems, "typed": typed or {}, "undo": undo,
        "threshold": source.threshold, "flags": grids.FLAGS, "statuses": grids.STATUSES, "flagged": flagged,
        "link": lambda **change: "?" + urllib.parse.urlencode(query.params(**change)),
        "snapshot": await read_snapshot(request)}, status_code=status_code)


def _back(form, item_id: str, next_id: str) -> str:
    """Where the page goes after a decision: the same filters and page, the next segment in view."""
    back = str(form.get("back", ""))
    params = dict(urllib.parse.parse_qsl(back[1:] if back.startswith("?") else "", keep_blank_values=False))
    params = {k: v for k, v in params.items() if k in ("status", "flag", "record", "term", "q", "page")}
    params["done"] = item_id
    anchor = f"#item-{next_id}" if next_id.isalnum() else f"#item-{item_id}"
    return "/review?" + urllib.parse.urlencode(params) + anchor


async def decide(request: Request) -> Response:
    source = _source(request)
    if source is None:
        return refuse(404, "no archive output to review")
    form = await request.form()
    action = str(form.get("action", ""))
    revision = parse_line_number(str(form.get("revision", "")))
    if action not in ACTIONS or revision is None:
        return refuse(400, "unknown action or revision (reload the page)")
    item_id = request.path_params["item"]
    override = str(form.get("override", "")).strip() or None
    english = str(form.get("english", ""))
    try:
        await run_in_threadpool(source.decide, item_id, action, english, str(form.get("editor", "")).strip(),
                                revision, override)
    except ReviewConflict as exc:
        return await review_page(request, 409, error=f"{item_id}: {exc}")
    except ApprovalRefused as exc:
        return await review_page(request, 422, error=f"{item_id}: not approved: " + "; ".join(exc.problems),
                                 problems=(item_id, exc.problems), typed={item_id: english})
    except KoenError as exc:
        return await review_page(request, 422, error=f"{item_id}: {exc}", typed={item_id: english})
    return RedirectResponse(_back(form, item_id, str(form.get("next", ""))), status_code=303)


async def add_term(request: Request) -> Response:
    if (refused := read_only_refusal(request)) is not None:
        return refused
    form = await request.form()
    store = request.app.state.store
    cells = from_form({"korean": str(form.get("korean", "")).strip(), "english": str(form.get("english", "")).strip(),
                       "kind": "general", "status": "candidate", "note": "added from the Review page"})
    try:
        entry = await run_in_threadpool(store.add, str(form.get("version", "")), cells)
    except (Conflict, Refused) as exc:
        messages = exc.messages if isinstance(exc, Refused) else [str(exc)]
        return await review_page(request, 409 if isinstance(exc, Conflict) else 422,
                                 error="not added to the glossary: " + "; ".join(messages))
    return await review_page(request, message=f"Added {entry.korean} → {entry.english} to the glossary "
                                              f"(line {entry.line}, candidate).")


ROUTES = [
    Route("/review", review_page),
    Route("/review/{item}", decide, methods=["POST"]),
    Route("/review-glossary", add_term, methods=["POST"]),
]
