"""Rendering shared by the workbench's pages: templates, the session cookie and its CSRF token."""

from __future__ import annotations

import html
import secrets
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from glossary.termbase import KINDS, STATUSES

from .hosts import parse_line_number
from .security import SESSION_COOKIE, csrf_token, refuse

HERE = Path(__file__).resolve().parent
TEMPLATES = Jinja2Templates(directory=str(HERE / "templates"))


def render(request: Request, template: str, context: dict, status_code: int = 200) -> Response:
    state = request.app.state
    session = request.cookies.get(SESSION_COOKIE) or secrets.token_urlsafe(32)
    snapshot = context["snapshot"]          # read by the caller, off the event loop (read_snapshot)
    response = TEMPLATES.TemplateResponse(request, template, {
        "glossary_name": state.store.path.name,
        "archive_name": state.concordance.archive.name if state.concordance else None,
        "review_name": state.review.outdir.name if state.review else None,
        "csrf": csrf_token(state.csrf_key, session), "version": snapshot.version, "kinds": KINDS,
        "glossary_read_only": state.glossary_read_only,
        "statuses": STATUSES, **context}, status_code=status_code)
    response.set_cookie(SESSION_COOKIE, session, httponly=True, samesite="strict", path="/")
    return response


async def read_snapshot(request: Request):
    """The glossary as it is on disk, read in a worker thread: a slow or stalled file (a FIFO, a
    network mount) must not stop the server's event loop."""
    return await run_in_threadpool(request.app.state.store.snapshot)


def read_only_refusal(request: Request) -> Response | None:
    if request.app.state.glossary_read_only:
        return refuse(403, "the glossary is read-only here: start the server with -g FILE to edit one")
    return None


def parse_line(request: Request) -> int | None:
    return parse_line_number(request.path_params.get("line", ""))


def error_page(message: str) -> str:
    """A readable page for a glossary that cannot be read or parsed right now (e.g. made unreadable
    on disk while serving): what is wrong, and that reloading after fixing it is enough. No
    template: nothing on this page can fail."""
    return ("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Glossary unavailable</title>"
            "<link rel=\"stylesheet\" href=\"/static/workbench.css\"></head><body><main>"
            "<h1>The glossary cannot be read</h1>"
            f"<p>{html.escape(message)}</p>"
            "<p>Nothing was changed. Fix the file (permissions, content) and reload this page.</p>"
            "</main></body></html>\n")
