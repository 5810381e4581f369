"""The workbench's request checks as Starlette (pure ASGI) middleware, in front of every route:

- ``SecurityHeaders``: CSP, no framing, no sniffing, same-origin referrers, no caching, on every
  response;
- ``TokenGuard``: the per-launch access token (as Jupyter's): ``?token=`` on the first visit sets
  a cookie, and every request without it is refused, so another process on the machine cannot
  use the server (the CSRF and Origin checks stop browsers only);
- ``CsrfGuard``: a POST must come from this page (Origin, or Referer when a client sends no
  Origin, equal to the server's own), checked before any of the body is read; the body is capped
  (413 beyond ``MAX_BODY``) and must carry the per-session CSRF token (HMAC of the session
  cookie); the form is read once here and replayed to the route;
- Host checks are Starlette's ``TrustedHostMiddleware`` (DNS rebinding).

Route handlers therefore never see a request that failed these checks.
"""

from __future__ import annotations

import hashlib
import hmac
import urllib.parse

from starlette.requests import Request
from starlette.datastructures import URL
from starlette.formparsers import MultiPartException
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

SESSION_COOKIE = "koen_session"
TOKEN_COOKIE = "koen_token"
TOKEN_PARAMETER = "token"
MAX_BODY = 1024 * 1024          # a review decision or a glossary row is a few KB
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}
UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


def csrf_token(key: bytes, session: str) -> str:
    return hmac.new(key, session.encode(), hashlib.sha256).hexdigest()


def refuse(status: int, message: str) -> Response:
    return PlainTextResponse(message + "\n", status_code=status)


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


class SecurityHeaders:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", [])
                           if k.decode("latin-1").lower() not in {h.lower() for h in SECURITY_HEADERS}]
                headers += [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in SECURITY_HEADERS.items()]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


class TokenGuard:
    """Refuses every request without the server's access token (``None``: no token, by choice)."""

    def __init__(self, app: ASGIApp, token: str | None):
        self.app = app
        self.token = token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.token is None:
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        given = request.query_params.get(TOKEN_PARAMETER)
        cookie = request.cookies.get(TOKEN_COOKIE, "")
        if given is not None and hmac.compare_digest(given.encode(), self.token.encode()):
            # The token leaves the address bar (and the history, and Referer headers) at once.
            url = URL(scope=scope).remove_query_params(TOKEN_PARAMETER)
            response: Response = RedirectResponse(url.path + (f"?{url.query}" if url.query else ""), status_code=303)
            response.set_cookie(TOKEN_COOKIE, self.token, httponly=True, samesite="strict", path="/")
        elif cookie and hmac.compare_digest(cookie.encode(), self.token.encode()):
            await self.app(scope, receive, send)
            return
        else:
            response = refuse(403, "refused: this workbench needs its access token; open the address koen printed "
                                   "at start (it ends in ?token=...)")
        await response(scope, receive, send)


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    """The request body, or None once it grows past ``limit`` bytes (nothing more is read)."""
    chunks, size = [], 0
    while True:
        message = await receive()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body"):
            return b"".join(chunks)


def _replaying(body: bytes, receive: Receive) -> Receive:
    """A receive that hands over ``body`` (already read) once, then the client's own messages
    (``http.disconnect`` when it goes)."""
    delivered = False

    async def replay() -> Message:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            return int(value) if value.isdigit() and len(value) < 19 else -1
    return None


class CsrfGuard:
    """Refuses unsafe requests without this page's Origin and the session's CSRF token."""

    def __init__(self, app: ASGIApp, key: bytes, max_body: int = MAX_BODY):
        self.app = app
        self.key = key
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in UNSAFE_METHODS:
            await self.app(scope, receive, send)
            return
        response, body = await self._check(scope, receive)
        if response is not None:
            await response(scope, receive, send)
            return
        await self.app(scope, _replaying(body, receive), send)

    async def _check(self, scope: Scope, receive: Receive) -> tuple[Response | None, bytes]:
        if not same_origin(Request(scope)):
            return refuse(403, "refused: the request does not come from this page (Origin check)"), b""
        declared = _declared_length(scope)
        if declared is not None and (declared < 0 or declared > self.max_body):
            return refuse(413, f"refused: the form is larger than {self.max_body // 1024} KB"), b""
        body = await _read_body(receive, self.max_body)
        if body is None:
            return refuse(413, f"refused: the form is larger than {self.max_body // 1024} KB"), b""
        request = Request(scope, _replaying(body, receive))
        try:
            form = await request.form()
        except MultiPartException as exc:
            return refuse(413 if "size" in str(exc).lower() else 400, f"refused: unreadable form ({exc})"), b""
        session = request.cookies.get(SESSION_COOKIE)
        token = str(form.get("csrf", ""))
        await form.close()
        if not session or not hmac.compare_digest(token.encode(), csrf_token(self.key, session).encode()):
            return refuse(403, "refused: missing or wrong CSRF token; reload the page"), b""
        return None, body
