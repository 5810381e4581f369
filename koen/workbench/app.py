"""The editors' workbench: a local web page over one glossary TSV (and optionally one archive).

Server-rendered HTML (Starlette + Jinja2), no JavaScript build. Safety:
- the app knows exactly two files, the glossary and the archive, given at start; no request
  parameter names a file, and static assets come from the package's own folder;
- POST forms need the per-session CSRF token (HMAC of the session cookie, SameSite=Strict) and an
  Origin (or Referer) equal to the page's own; Host must be one the server was started for
  (DNS rebinding);
- every save is version-checked and lint-checked by ``GlossaryStore`` and written atomically.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import hmac
import secrets
import urllib.parse
from pathlib import Path
from typing import Callable, Iterable

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from glossary.store import Conflict, GlossaryStore, NoSuchEntry, Refused, from_form, rejected_note, with_status
from glossary.termbase import KINDS, STATUSES, Entry, match_key
from mt.errors import KoenError
from mt.backends import Backend
from mt.backends import load_backend as load_backend_by_name

from .concordance import Concordance
from .hosts import allowed_host_patterns, parse_line_number
from .pages import error_page

HERE = Path(__file__).resolve().parent
SESSION_COOKIE = "koen_session"
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


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


def create_app(glossary: str | Path, archive: str | Path | None = None, *,
               load_backend: Callable[[], Backend] | None = None, backend_label: str = "romanize",
               allowed_hosts: Iterable[str] = ("127.0.0.1", "localhost"), secret: bytes | None = None) -> Starlette:
    """The workbench over ``glossary``; with ``archive``, concordances translated by the backend
    that ``load_backend`` loads (default: the deterministic romanize backend)."""
    store = GlossaryStore(glossary)
    concordance = None
    if archive is not None:
        concordance = Concordance(archive, load_backend or functools.partial(load_backend_by_name, "romanize"),
                                  backend_label)
    key = secret or secrets.token_bytes(32)
    templates = Jinja2Templates(directory=str(HERE / "templates"))

    def csrf_token(session: str) -> str:
        return hmac.new(key, session.encode(), hashlib.sha256).hexdigest()

    def render(request: Request, template: str, context: dict, status_code: int = 200) -> Response:
        session = request.cookies.get(SESSION_COOKIE) or secrets.token_urlsafe(32)
        snapshot = context.get("snapshot") or store.snapshot()
        response = templates.TemplateResponse(request, template, {
            "glossary_name": store.path.name, "archive_name": concordance.archive.name if concordance else None,
            "csrf": csrf_token(session), "version": snapshot.version, "kinds": KINDS, "statuses": STATUSES,
            **context}, status_code=status_code)
        response.set_cookie(SESSION_COOKIE, session, httponly=True, samesite="strict", path="/")
        for name, value in SECURITY_HEADERS.items():
            response.headers[name] = value
        return response

    def refuse(status: int, message: str) -> Response:
        response = PlainTextResponse(message + "\n", status_code=status)
        for name, value in SECURITY_HEADERS.items():
            response.headers[name] = value
        return response

    def same_origin(request: Request) -> bool:
        own = f"{request.url.scheme}://{request.headers.get('host', '')}"
        origin = request.headers.get("origin")
        if origin:
            return origin == own      # "null" (sandboxed or privacy-stripped) is refused too
        referer = request.headers.get("referer")
        if referer:
            parsed = urllib.parse.urlsplit(referer)
            return f"{parsed.scheme}://{parsed.netloc}" == own
        return False

    async def checked_form(request: Request):
        """The form of a POST that passed the CSRF checks, or a 403 response."""
        form = await request.form()
        session = request.cookies.get(SESSION_COOKIE)
        if not same_origin(request):
            return None, refuse(403, "refused: the request does not come from this page (Origin check)")
        token = str(form.get("csrf", ""))
        if not session or not hmac.compare_digest(token, csrf_token(session)):
            return None, refuse(403, "refused: missing or wrong CSRF token; reload the page")
        return form, None

    def parse_line(request: Request) -> int | None:
        return parse_line_number(request.path_params.get("line", ""))

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
                "snapshot": snapshot, "file_findings": [f for f in snapshot.findings if f.line not in {e.line for e in snapshot.entries}]}

    async def index(request: Request) -> Response:
        snapshot = store.snapshot()
        context = list_context(request, snapshot)
        saved = request.query_params.get("saved", "")
        context["flash"] = f"Saved line {saved}." if saved.isdigit() else ""
        return render(request, "index.html", context)

    async def entry_page(request: Request) -> Response:
        line = parse_line(request)
        snapshot = store.snapshot()
        try:
            entry = snapshot.entry_at(line) if line is not None else None
        except NoSuchEntry:
            entry = None
        if entry is None:
            return refuse(404, "no glossary entry on that line")
        # Concordance translation is slow work: keep it off the event loop.
        return render(request, "entry.html", await run_in_threadpool(entry_context, snapshot, entry))

    def entry_context(snapshot, entry: Entry, **extra) -> dict:
        lines, concordance_error = [], ""
        if concordance is not None:
            try:
                lines = concordance.lines(entry, [e for e in snapshot.entries], snapshot.version)
            except Exception as exc:  # a model that cannot load must not take the editing page down
                concordance_error = f"no translation: {exc}"
        return {"entry": entry, "form": None, "errors": [], "conflict": False, "your_edit": None, "snapshot": snapshot,
                "findings": snapshot.findings_by_line().get(entry.line, []), "concordance": lines,
                "concordance_error": concordance_error, "backend_label": concordance.label if concordance else "",
                **extra}

    async def save_entry(request: Request) -> Response:
        form, refused = await checked_form(request)
        if refused:
            return refused
        line = parse_line(request)
        if line is None:
            return refuse(404, "no glossary entry on that line")
        cells = from_form(form)
        try:
            await run_in_threadpool(store.update, line, str(form.get("version", "")), lambda _old: cells)
        except NoSuchEntry:
            return refuse(404, "no glossary entry on that line")
        except (Conflict, Refused) as exc:
            snapshot = store.snapshot()
            try:
                current = snapshot.entry_at(line)
            except NoSuchEntry:
                current = None
            messages = exc.messages if isinstance(exc, Refused) else [str(exc)]
            conflict = isinstance(exc, Conflict)
            typed = dict(zip(("korean", "english", "aliases", "kind", "status", "valid_from", "valid_to", "dnt", "note"), cells))
            # A lint refusal gives the editor their typing back to fix it; a conflict shows the file as
            # it is now (the form holds the current row) and their edit beside it, to redo on purpose.
            extra = {"your_edit": typed, "conflict": True} if conflict else {"form": typed}
            if current is None:
                context = {"entry": None, "form": None, "errors": messages, "snapshot": snapshot, "findings": [],
                           "concordance": [], "concordance_error": "", "backend_label": "", **extra}
            else:
                context = await run_in_threadpool(lambda: entry_context(snapshot, current, errors=messages, **extra))
            return render(request, "entry.html", context, status_code=409 if conflict else 422)
        return RedirectResponse(f"/?saved={line}#row-{line}", status_code=303)

    async def set_status(request: Request) -> Response:
        form, refused = await checked_form(request)
        if refused:
            return refused
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
            snapshot = store.snapshot()
            context = list_context(request, snapshot)
            messages = exc.messages if isinstance(exc, Refused) else [str(exc)]
            context["row_errors"] = {line: messages}
            context["flash_error"] = f"Line {line} not changed: " + "; ".join(messages)
            return render(request, "index.html", context, status_code=409 if isinstance(exc, Conflict) else 422)
        back = str(form.get("back", ""))
        query = back if back.startswith("?") and "\n" not in back else ""
        separator = "&" if query else "?"
        return RedirectResponse(f"/{query or ''}{separator}saved={line}#row-{line}", status_code=303)

    async def health(_request: Request) -> Response:
        return PlainTextResponse("ok\n")

    routes = [
        Route("/", index),
        Route("/entry/{line}", entry_page),
        Route("/entry/{line}", save_entry, methods=["POST"]),
        Route("/entry/{line}/status", set_status, methods=["POST"]),
        Route("/health", health),
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    async def unusable_glossary(_request: Request, exc: KoenError) -> Response:
        response = HTMLResponse(error_page(str(exc)), status_code=503)
        response.headers.update(SECURITY_HEADERS)
        return response

    middleware = [Middleware(TrustedHostMiddleware, allowed_hosts=allowed_host_patterns(allowed_hosts))]
    app = Starlette(routes=routes, middleware=middleware, exception_handlers={KoenError: unusable_glossary})
    app.state.store = store
    app.state.concordance = concordance
    return app
