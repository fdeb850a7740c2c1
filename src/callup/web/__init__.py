"""A private web check and a scenario explorer, with an HTTP API (issue 5).

``create_app(Settings())`` builds the FastAPI application; ``register(app)`` adds ``callup serve`` to a
Typer app. Privacy: the check is computed and returned; nothing about the person is stored, logged,
put in a URL or sent anywhere. Every asset is served locally.
"""

from __future__ import annotations

from .cli import register
from .settings import Settings

__all__ = ["Settings", "create_app", "register"]


def create_app(settings: Settings | None = None):
    from .app import create_app as _create

    return _create(settings)
