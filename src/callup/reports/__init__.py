"""Reports: one self-contained, offline HTML file per run or comparison directory, with a PNG of each
chart beside it (``callup report DIR``). See :func:`callup.reports.build.write_report`.
"""

from __future__ import annotations

from .build import ReportError, write_report

__all__ = ["ReportError", "write_report"]
