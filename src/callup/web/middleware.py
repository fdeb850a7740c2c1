"""Pure-ASGI middleware: a request-body limit, security headers, and an access log without query
strings, bodies, client addresses or headers."""

from __future__ import annotations

import json
import logging
import time

access_logger = logging.getLogger("callup.web.access")

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), interest-cohort=()"),
    (b"cache-control", b"no-store"),
]
_OURS = frozenset(n for n, _ in SECURITY_HEADERS) | {b"set-cookie"}


async def _send_json(send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


class BodyLimit:
    """Reject a request body over ``limit`` bytes with 413 (by Content-Length, or while reading it)."""

    def __init__(self, app, limit: int):
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        message = (f"request body too large: the limit is {self.limit} bytes "
                   "(a situation is a few hundred bytes)")
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    too_big = int(value) > self.limit
                except ValueError:
                    return await _send_json(send, 400, "bad Content-Length header")
                if too_big:
                    return await _send_json(send, 413, message)
        if scope.get("method") not in ("POST", "PUT", "PATCH"):
            return await self.app(scope, receive, send)
        chunks, size = [], 0
        while True:
            msg = await receive()
            if msg["type"] == "http.disconnect":
                return None
            chunk = msg.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                return await _send_json(send, 413, message)
            chunks.append(chunk)
            if not msg.get("more_body", False):
                break
        return await self.app(scope, replay_body(b"".join(chunks), receive), send)


def replay_body(body: bytes, receive):
    """An ASGI ``receive`` that gives the already-read ``body`` once, then defers to ``receive``."""
    sent = False

    async def replay():
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


class SecurityHeaders:
    """Add the security headers to every response and drop any Set-Cookie; log METHOD PATH STATUS."""

    def __init__(self, app, log: bool = True):
        self.app, self.log = app, log

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        status = 0
        t0 = time.perf_counter()

        async def wrapped(message):
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [(n, v) for n, v in message.get("headers", ()) if n.lower() not in _OURS]
                message = {**message, "headers": headers + SECURITY_HEADERS}
            await send(message)

        try:
            await self.app(scope, receive, wrapped)
        finally:
            if self.log:
                # the path only: no query string, no body, no client address, no headers
                access_logger.info("%s %s %s %.1fms", scope.get("method"), scope.get("path"), status,
                                   (time.perf_counter() - t0) * 1000)
