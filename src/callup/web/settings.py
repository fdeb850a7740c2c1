"""Limits and folders of a web server; every limit is configurable (``callup serve`` options)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    max_body_bytes: int = 64 * 1024
    """Largest request body accepted (a situation is well under 4 KB); larger gets 413."""
    max_scale: float = 0.05
    """Largest simulation scale (sample fraction); larger gets 422."""
    max_jobs: int = 2
    """Simulations queued or running at once; more gets 429."""
    max_runs: int = 5
    """Most runs (seeds) of a comparison, for its 90% intervals; more gets 422."""
    job_timeout_s: float = 3600.0
    """A simulation running longer is stopped and recorded as failed."""
    keep_jobs: int = 20
    """Finished simulations kept (with their output folders); older ones are deleted."""
    data_dir: Path | None = None
    """Where simulation jobs live (``DATA_DIR/jobs/<id>/``; kept across restarts) or a fresh temporary
    folder removed on exit if None. Nothing about a person goes here."""
    fast_check: bool = True
    """Answer a plain valid ``POST /api/check`` without the framework's routing (same bytes, faster);
    off sends every request through the FastAPI route (the tests compare the two)."""
    access_log: bool = True
    """Log 'METHOD /path STATUS' per request (never the query string, body, client address or headers)."""
