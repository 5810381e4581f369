"""The workbench's request checks as Starlette (pure ASGI) middleware, in front of every route:

- ``SecurityHeaders``: CSP, no framing, no sniffing, same-origin referrers, no caching, on every
  response;
- ``CsrfGuard``: a POST must come from this page (Origin, or Referer when a client sends no
  Origin, equal to the server's own) and carry the per-session CSRF token (HMAC of the session
  cookie); the form is read once here and replayed to the route;
- Host checks are Starlette's ``TrustedHostMiddleware`` (DNS rebinding).

Route handlers therefore never see a request that failed these checks.
"""

from __future__ import annotations

import hashlib
import hmac
import urllib.parse

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

SESSION_COOKIE = "koen_session"
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


class CsrfGuard:
    """Refuses unsafe requests without this page's Origin and the session's CSRF token."""

    def __init__(self, app: ASGIApp, key: bytes):
        self.app = app
        self.key = key

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in UNSAFE_METHODS:
            await self.app(scope, receive, send)
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        request = Request(scope, replay)
        form = await request.form()
        session = request.cookies.get(SESSION_COOKIE)
        token = str(form.get("csrf", ""))
        await form.close()
        if not same_origin(request):
            response = refuse(403, "refused: the request does not come from this page (Origin check)")
        elif not session or not hmac.compare_digest(token, csrf_token(self.key, session)):
            response = refuse(403, "refused: missing or wrong CSRF token; reload the page")
        else:
            replayed = False
            await self.app(scope, replay, send)
            return
        await response(scope, receive, send)
