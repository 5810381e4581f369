"""Rendering shared by the workbench's pages: templates, the session cookie and its CSRF token."""

from __future__ import annotations

import secrets
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from glossary.termbase import KINDS, STATUSES

from .security import SESSION_COOKIE, csrf_token

HERE = Path(__file__).resolve().parent
TEMPLATES = Jinja2Templates(directory=str(HERE / "templates"))


def render(request: Request, template: str, context: dict, status_code: int = 200) -> Response:
    state = request.app.state
    session = request.cookies.get(SESSION_COOKIE) or secrets.token_urlsafe(32)
    snapshot = context.get("snapshot") or state.store.snapshot()
    response = TEMPLATES.TemplateResponse(request, template, {
        "glossary_name": state.store.path.name,
        "archive_name": state.concordance.archive.name if state.concordance else None,
        "review_name": state.review.outdir.name if state.review else None,
        "csrf": csrf_token(state.csrf_key, session), "version": snapshot.version, "kinds": KINDS,
        "statuses": STATUSES, **context}, status_code=status_code)
    response.set_cookie(SESSION_COOKIE, session, httponly=True, samesite="strict", path="/")
    return response


def parse_line(request: Request) -> int | None:
    raw = request.path_params.get("line", "")
    return int(raw) if raw.isascii() and raw.isdigit() else None
