"""The fast path of ``POST /api/check``: the check of a valid situation answered without the
framework's per-request machinery (routing, dependency solving, exception middlewares), which costs
about a fifth of a check.

It is an optimisation only, never a second behaviour: the situation is parsed and validated exactly as
FastAPI does it for the declared route (``json.loads`` then ``Situation.model_validate``), the body is
rendered exactly as ``JSONResponse`` renders it, with the same headers. Anything else (another
content type, another query string, an invalid body, a situation the check refuses, any exception)
is handed, untouched, to the FastAPI route, which gives the documented answer or the 4xx with its
message. Tests compare the two paths byte for byte (``tests/test_web_fastcheck.py``).

Privacy: like the route, it computes and returns; it stores and logs nothing.
"""

from __future__ import annotations

import json

from callup.person.check import check
from callup.person.situation import Situation

from .middleware import replay_body

PATH = "/api/check"
LANGS = {b"": "en", b"lang=en": "en", b"lang=ru": "ru"}
JSON_TYPES = (b"application/json", b"application/json; charset=utf-8", b"application/json;charset=utf-8")
_dumps = json.JSONEncoder(ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":")).encode
"""The encoder of starlette's ``JSONResponse.render`` (the same arguments to ``json.dumps``)."""


def render(result: dict) -> bytes:
    return _dumps(result).encode("utf-8")


class CheckFastPath:
    """ASGI middleware: answer a plain, valid ``POST /api/check`` itself; pass everything else on."""

    def __init__(self, app, enabled: bool = True):
        self.app, self.enabled = app, enabled

    async def __call__(self, scope, receive, send):
        if not (self.enabled and scope["type"] == "http" and scope["path"] == PATH and scope["method"] == "POST"):
            return await self.app(scope, receive, send)
        lang = LANGS.get(scope["query_string"])
        ctype = None
        for name, value in scope["headers"]:
            if name == b"content-type":
                ctype = value.lower()
                break
        if lang is None or ctype not in JSON_TYPES:
            return await self.app(scope, receive, send)
        chunks = []
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return None
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        try:
            payload = render(check(Situation.model_validate(json.loads(body)), lang=lang))
        except Exception:  # not the plain case: the route answers it (the 422 and its message)
            return await self.app(scope, replay_body(body, receive), send)
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-length", str(len(payload)).encode()),
                                (b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": payload})
        return None
