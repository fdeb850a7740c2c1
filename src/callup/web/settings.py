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
    keep_jobs: int = 20
    """Finished simulations kept (with their output folders); older ones are deleted."""
    data_dir: Path | None = None
    """Where simulation outputs go (a fresh temporary folder if None). Nothing about a person goes here."""
    access_log: bool = True
    """Log 'METHOD /path STATUS' per request (never the query string, body, client address or headers)."""
