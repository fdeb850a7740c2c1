"""Scenarios side by side on common random numbers: ``compare([A, B, ...], seed, runs, scale)`` ->
:class:`ComparisonResult` (differences from the first scenario per year and per campaign);
``write_comparison(result, DIR)`` writes the tables; ``register(app)`` (:mod:`callup.compare.cli`) adds
``callup compare`` to a typer app.

The names are imported lazily, so ``from callup.compare.cli import register`` keeps the command line's
start-up light (numpy and the engine load when the command runs).
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_NAMES = {
    "CRN_LIMITS": "run", "MEASURES": "run", "ComparisonError": "run", "ComparisonResult": "run", "compare": "run",
    "write_comparison": "outputs", "register": "cli",
}

__all__ = sorted(_NAMES)


def __getattr__(name: str) -> Any:
    if name in _NAMES:
        return getattr(import_module(f".{_NAMES[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
