"""Reports: one self-contained, offline HTML file per run or comparison directory, with a PNG of each
chart beside it (``callup report DIR``). See :func:`callup.reports.build.write_report`.
"""

from __future__ import annotations

__all__ = ["ReportError", "write_report"]


def __getattr__(name: str):
    """Import the report builder (and plotly) only when it is used: ``callup check`` stays fast."""
    if name in __all__:
        from . import build

        return getattr(build, name)
    raise AttributeError(name)
