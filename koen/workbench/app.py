"""The editors' workbench: a local web page over one glossary TSV (and optionally one archive and
one archive job's output, for the Review page).

Server-rendered HTML (Starlette + Jinja2), no JavaScript build. Safety:
- the app knows exactly the files given at start (the glossary, the archive, the job's output
  folder and memory); no request parameter names a file, and static assets come from the
  package's own folder;
- the request checks are middleware (``koen.workbench.security``): every request needs the
  per-launch access token (unless the server was started with ``--no-token``); POST forms need the
  per-session CSRF token (HMAC of the session cookie, SameSite=Strict) and an Origin (or Referer)
  equal to the page's own; Host must be one the server was started for (DNS rebinding);
- every glossary save is version-checked and lint-checked by ``GlossaryStore`` and written
  atomically; every review decision is a compare-and-set in one SQLite transaction.
"""

from __future__ import annotations

import datetime
import functools
import secrets
from pathlib import Path
from typing import Callable, Iterable

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from glossary.store import Conflict, GlossaryStore, NoSuchEntry, Refused, from_form, rejected_note, with_status
from glossary.termbase import KINDS, STATUSES, Entry, match_key
from mt.backends import Backend
from mt.backends import load_backend as load_backend_by_name
from mt.errors import KoenError

from . import review
from .concordance import Concordance
from .pages import HERE, error_page, parse_line, read_only_refusal, read_snapshot, render
from .hosts import allowed_host_patterns
from .security import CsrfGuard, SecurityHeaders, TokenGuard, refuse

EDIT_COLUMNS = ("korean", "english", "aliases", "kind", "status", "valid_from", "valid_to", "dnt", "note")


def create_app(glossary: str | Path, archive: str | Path | None = None, *,
               load_backend: Callable[[], Backend] | None = None, backend_label: str = "romanize",
               allowed_hosts: Iterable[str] = ("127.0.0.1", "localhost"), secret: bytes | None = None,
               archive_output: str | Path | None = None, memory: str | Path | None = None,
               threshold: float | None = None, token: str | None = None,
               glossary_read_only: bool = False) -> Starlette:
    """The workbench over ``glossary``; with ``archive``, concordances translated by the backend
    that ``load_backend`` loads (default: the deterministic romanize backend); with
    ``archive_output`` (an archive job's OUTDIR), the Review page over its flagged spans.

    ``token``: the access token every request must carry (``koen glossary serve`` and ``koen review
    serve`` always pass one unless started with ``--no-token``); None serves without one, as tests
    through Starlette's TestClient do. ``glossary_read_only``: the glossary is shown, never edited."""
    key = secret or secrets.token_bytes(32)
    routes = [
        Route("/", index),
        Route("/entry/{line}", entry_page),
        Route("/entry/{line}", save_entry, methods=["POST"]),
        Route("/entry/{line}/status", set_status, methods=["POST"]),
        Route("/health", health),
        *review.ROUTES,
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    middleware = [Middleware(TrustedHostMiddleware, allowed_hosts=allowed_host_patterns(allowed_hosts)),
                  Middleware(SecurityHeaders), Middleware(TokenGuard, token=token), Middleware(CsrfGuard, key=key)]
    app = Starlette(routes=routes, middleware=middleware, exception_handlers={KoenError: unusable_glossary})
    app.state.store = GlossaryStore(glossary)
    app.state.concordance = None
    if archive is not None:
        app.state.concordance = Concordance(archive, load_backend or functools.partial(load_backend_by_name, "romanize"),
                                            backend_label)
    app.state.review = review.ReviewSource.open(archive_output, memory, threshold) if archive_output else None
    app.state.csrf_key = key
    app.state.glossary_read_only = glossary_read_only
    return app



async def unusable_glossary(_request: Request, exc: KoenError) -> Response:
    """A glossary that cannot be read right now (made unreadable on disk while serving): a readable page."""
    return HTMLResponse(error_page(str(exc)), status_code=503)


# -- the glossary list ----------------------------------------------------------------------------

def _matches(entry: Entry, query: str, status: str, kind: str, valid_on) -> bool:
    if status and entry.status != status:
        return False
    if kind and entry.kind != kind:
        return False
    if valid_on is not None and not entry.valid_on(valid_on):
        return False
    if query:
        q = query.lower()
        korean_q = match_key(query)
        haystack = " ".join((entry.english, entry.note, *entry.aliases)).lower()
        if q not in haystack and not any(korean_q and korean_q in match_key(f) for f in entry.forms):
            return False
    return True


def list_context(request: Request, snapshot) -> dict:
    params = request.query_params
    query = params.get("q", "").strip()
    status = params.get("status", "") if params.get("status", "") in STATUSES else ""
    kind = params.get("kind", "") if params.get("kind", "") in KINDS else ""
    valid_raw = params.get("valid_on", "").strip()
    valid_on, valid_error = None, ""
    if valid_raw:
        try:
            valid_on = datetime.date.fromisoformat(valid_raw)
        except ValueError:
            valid_error = f"valid on {valid_raw!r} is not a date (YYYY-MM-DD)"
    rows = [e for e in snapshot.entries if _matches(e, query, status, kind, valid_on)]
    return {"rows": rows, "total": len(snapshot.entries), "q": query, "status": status, "kind": kind,
            "valid_on": valid_raw, "valid_error": valid_error, "findings": snapshot.findings_by_line(),
            "snapshot": snapshot,
            "file_findings": [f for f in snapshot.findings if f.line not in {e.line for e in snapshot.entries}]}


async def index(request: Request) -> Response:
    context = list_context(request, await read_snapshot(request))
    saved = request.query_params.get("saved", "")
    context["flash"] = f"Saved line {saved}." if saved.isdigit() else ""
    return render(request, "index.html", context)


async def set_status(request: Request) -> Response:
    if (refused := read_only_refusal(request)) is not None:
        return refused
    form = await request.form()
    store = request.app.state.store
    line = parse_line(request)
    action = str(form.get("action", ""))
    if line is None or action not in ("approve", "reject"):
        return refuse(400, "unknown action")
    change = with_status("approved") if action == "approve" else with_status("deprecated", rejected_note())
    try:
        await run_in_threadpool(store.update, line, str(form.get("version", "")), change)
    except NoSuchEntry:
        return refuse(404, "no glossary entry on that line")
    except (Conflict, Refused) as exc:
        context = list_context(request, await read_snapshot(request))
        messages = exc.messages if isinstance(exc, Refused) else [str(exc)]
        context["row_errors"] = {line: messages}
        context["flash_error"] = f"Line {line} not changed: " + "; ".join(messages)
        return render(request, "index.html", context, status_code=409 if isinstance(exc, Conflict) else 422)
    back = str(form.get("back", ""))
    query = back if back.startswith("?") and "\n" not in back else ""
    separator = "&" if query else "?"
    return RedirectResponse(f"/{query or ''}{separator}saved={line}#row-{line}", status_code=303)


# -- one entry ----------------------------------------------------------------------------------

def entry_context(request: Request, snapshot, entry: Entry, **extra) -> dict:
    concordance = request.app.state.concordance
    lines, concordance_error = [], ""
    if concordance is not None:
        try:
            lines = concordance.lines(entry, list(snapshot.entries), snapshot.version)
        except Exception as exc:  # a model that cannot load must not take the editing page down
            concordance_error = f"no translation: {exc}"
    return {"entry": entry, "form": None, "errors": [], "conflict": False, "your_edit": None, "snapshot": snapshot,
            "findings": snapshot.findings_by_line().get(entry.line, []), "concordance": lines,
            "concordance_error": concordance_error, "backend_label": concordance.label if concordance else "",
            **extra}


async def entry_page(request: Request) -> Response:
    line = parse_line(request)
    current = await read_snapshot(request)
    try:
        entry = current.entry_at(line) if line is not None else None
    except NoSuchEntry:
        entry = None
    if entry is None:
        return refuse(404, "no glossary entry on that line")
    # Concordance translation is slow work: keep it off the event loop.
    return render(request, "entry.html", await run_in_threadpool(entry_context, request, current, entry))


async def save_entry(request: Request) -> Response:
    if (refused := read_only_refusal(request)) is not None:
        return refused
    form = await request.form()
    store = request.app.state.store
    line = parse_line(request)
    if line is None:
        return refuse(404, "no glossary entry on that line")
    cells = from_form(form)
    try:
        await run_in_threadpool(store.update, line, str(form.get("version", "")), lambda _old: cells)
    except NoSuchEntry:
        return refuse(404, "no glossary entry on that line")
    except (Conflict, Refused) as exc:
        snapshot = await run_in_threadpool(store.snapshot)
        try:
            current = snapshot.entry_at(line)
        except NoSuchEntry:
            current = None
        messages = exc.messages if isinstance(exc, Refused) else [str(exc)]
        conflict = isinstance(exc, Conflict)
        typed = dict(zip(EDIT_COLUMNS, cells))
        # A lint refusal gives the editor their typing back to fix it; a conflict shows the file as
        # it is now (the form holds the current row) and their edit beside it, to redo on purpose.
        extra = {"your_edit": typed, "conflict": True} if conflict else {"form": typed}
        if current is None:
            context = {"entry": None, "form": None, "errors": messages, "snapshot": snapshot, "findings": [],
                       "concordance": [], "concordance_error": "", "backend_label": "", **extra}
        else:
            context = await run_in_threadpool(
                functools.partial(entry_context, request, snapshot, current, errors=messages, **extra))
        return render(request, "entry.html", context, status_code=409 if conflict else 422)
    return RedirectResponse(f"/?saved={line}#row-{line}", status_code=303)


async def health(_request: Request) -> Response:
    return PlainTextResponse("ok\n")
