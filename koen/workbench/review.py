"""The Review page: an archive job's flagged spans, most doubtful first, with glossary hits and
numbers highlighted in the source; editors approve an English or keep the machine's, and can add
a Korean term they select to the glossary. The request checks are the workbench's middleware;
each decision is a compare-and-set on the span's review revision the form was loaded with."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from glossary.store import Conflict, Refused, from_form
from mt.errors import KoenError
from mt.memory import ReviewConflict, TranslationMemory

from ..archive import review as loop
from .pages import render
from .security import refuse


@dataclass(frozen=True)
class ReviewSource:
    outdir: Path
    memory: Path
    threshold: float

    @classmethod
    def open(cls, outdir: str | Path, memory: str | Path | None, threshold: float | None) -> "ReviewSource":
        outdir = Path(outdir)
        loop.read_records(outdir)                     # fails now, with its message, if there is no job
        return cls(outdir, loop.memory_path(outdir, memory),
                   loop.DEFAULT_THRESHOLD if threshold is None else threshold)

    def items(self) -> dict[str, loop.ReviewItem]:
        memory = TranslationMemory(self.memory)
        try:
            return loop.collect(loop.read_records(self.outdir), memory, self.threshold)
        finally:
            memory.close()

    def decide(self, item_id: str, action: str, english: str, editor: str, revision: int) -> loop.ReviewItem:
        memory = TranslationMemory(self.memory)
        try:
            item = loop.find(loop.collect(loop.read_records(self.outdir), memory, self.threshold), self.outdir, item_id)
            if action == "approve":
                loop.approve(memory, item, english, editor or None, revision)
            else:
                loop.reject(memory, item, editor or None, revision)
            return item
        finally:
            memory.close()


def highlight(item: loop.ReviewItem) -> list[tuple[str, str]]:
    """The first occurrence's source line as (text, css class) pieces: the span marked, and inside
    it the glossary terms and numbers the pipeline protected."""
    occurrence = item.occurrences[0]
    text, start, end = occurrence.text, occurrence.start, occurrence.end
    marks = [(t["span"][0], t["span"][1], "term") for t in item.terms]
    position = start
    for number in item.numbers:
        found = text.find(number, position, end)
        if found >= 0:
            marks.append((found, found + len(number), "number"))
            position = found + len(number)
    marks = sorted(m for m in marks if start <= m[0] < m[1] <= end)
    pieces, cursor = [(text[:start], "")], start
    for s, e, kind in marks:
        if s < cursor:
            continue
        pieces += [(text[cursor:s], "span"), (text[s:e], f"span {kind}")]
        cursor = e
    pieces += [(text[cursor:end], "span"), (text[end:], "")]
    return [(piece, kind) for piece, kind in pieces if piece]


def _source(request: Request) -> ReviewSource | None:
    return request.app.state.review


async def review_page(request: Request, status_code: int = 200, message: str = "", error: str = "") -> Response:
    source = _source(request)
    if source is None:
        return refuse(404, "no archive output to review (start with --archive-output OUTDIR)")
    items = loop.queue(await run_in_threadpool(source.items))
    done = request.query_params.get("done", "")
    flash = message or (f"Saved {done}." if done.isalnum() else "")
    return render(request, "review.html", {"items": items, "highlight": highlight, "flash": flash, "error": error,
                                           "threshold": source.threshold}, status_code=status_code)


async def decide(request: Request) -> Response:
    source = _source(request)
    if source is None:
        return refuse(404, "no archive output to review")
    form = await request.form()
    action = str(form.get("action", ""))
    revision = str(form.get("revision", ""))
    if action not in ("approve", "reject") or not revision.isdigit():
        return refuse(400, "unknown action")
    item_id = request.path_params["item"]
    try:
        await run_in_threadpool(source.decide, item_id, action, str(form.get("english", "")),
                                str(form.get("editor", "")).strip(), int(revision))
    except ReviewConflict as exc:
        return await review_page(request, 409, error=f"{item_id}: {exc}")
    except KoenError as exc:
        return await review_page(request, 422, error=f"{item_id}: {exc}")
    return RedirectResponse(f"/review?done={item_id}", status_code=303)


async def add_term(request: Request) -> Response:
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
