"""What every request and response passes through: a cap on bodies, and the security headers.

The cap is Starlette's request body limit (`FastAPI(max_body_size=...)`), a plain ASGI
middleware, rather than one of Tessera's own: a declared Content-Length over it is answered
with Starlette's plain-text 413 without a byte read, whatever the route would have said; a
body without one (chunked) is counted as it streams in and refused once it passes the cap,
through the one error renderer (a GOV.UK page, or JSON for the API); and a body the app never
reads (the API refusing a token) is never read at all.

The headers are set by `SecurityHeaders`, plain ASGI middleware too, as each response starts,
whatever produced it: a page, the API, an error, a static asset.
"""

from __future__ import annotations

import base64
import hashlib

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY_BYTES = 256 * 1024
"""The largest request body taken, in bytes. The largest legitimate one is the report form's
last page, which carries every answer in hidden fields: 13,500 characters at most (a
disclosure of 10,000, a description of the person of 2,000 and eleven short answers), which
percent-encoded (each character up to four bytes of UTF-8, each byte three characters) is at
most about 162,000 bytes; the JSON API's worst (every character a \\uXXXX surrogate pair) is
the same. 256 KiB is above both with room for field names, and far below what would let a
client tie up a worker or its memory."""
STATIC_PREFIX = "/assets/"
"""Static assets (GOV.UK Frontend, Tessera's own script and styles): public, and cacheable."""
GOVUK_BODY_SCRIPT = ("document.body.className += ' js-enabled' + ('noModule' in "
                     "HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');")
"""The one inline script the GOV.UK page template writes (it marks the body for JavaScript
before the page is drawn). The CSP allows exactly this text by its hash; tests/web checks that
every inline script of every page is allowed, so an upgrade that changes it fails there."""


def _csp_hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    f"script-src 'self' {_csp_hash(GOVUK_BODY_SCRIPT)}",
    "style-src 'self'",
    "img-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
"""Only this service's own scripts, styles, images and fonts, no framing, no forms posting
elsewhere: injected markup could run nothing and send nothing off the site."""
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}
"""On every response. No referrer: page addresses hold report references."""
NO_STORE = "no-store"
"""Every page and API answer: a page may show a child's details, so no browser or proxy
keeps a copy (the back button after signing out on a shared computer shows nothing)."""


class SecurityHeaders:
    """Add `SECURITY_HEADERS` to every response, and `Cache-Control: no-store` to every one
    that is not a static asset."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope["path"].startswith(STATIC_PREFIX)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                own_policy = headers.get("Content-Security-Policy")
                headers.update(SECURITY_HEADERS)
                if own_policy is not None:  # a chart's stricter one (web/rendering.py)
                    headers["Content-Security-Policy"] = own_policy
                if not static:
                    headers["Cache-Control"] = NO_STORE
            await send(message)

        await self.app(scope, receive, send_with_headers)
