"""``callup report RUN_DIR|COMPARE_DIR [--out FILE] [--campaign NAME]``, and :func:`report_after_run` for the
``--report`` option of ``simulate`` and ``compare``.

In ``callup/cli.py``::

    from callup.reports.cli import register as register_report, report_after_run
    register_report(app)
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

EXIT_BAD_INPUT = 2


def report_after_run(out_dir: Path | str, out: Path | None = None) -> Path:
    """Write ``out_dir``/report.html (and its PNG charts) after a run or comparison wrote ``out_dir``; print
    where it went. Exits with status 2 and a message if the report cannot be made."""
    from .build import ReportError, timed_report

    try:
        path, seconds = timed_report(Path(out_dir), out)
    except (ReportError, OSError) as exc:
        typer.echo(f"error: report: {exc}", err=True)
        raise typer.Exit(EXIT_BAD_INPUT) from exc
    typer.echo(f"report written to {path} (charts as PNG in {path.parent / (path.stem + '_charts')}; {seconds:.1f} s)")
    return path


def register(app: typer.Typer) -> None:
    """Add the ``report`` command to ``app``."""

    @app.command("report")
    def report(
        directory: Annotated[Path, typer.Argument(
            metavar="RUN_DIR|COMPARE_DIR",
            help="A directory written by `callup simulate --out` or `callup compare --out`.")],
        out: Annotated[Path | None, typer.Option(
            "--out", help="The HTML file to write (default DIR/report.html); PNGs go to <stem>_charts/ beside it.")]
        = None,
        campaign: Annotated[str | None, typer.Option(
            "--campaign", help="The campaign the flow diagram shows first, e.g. 2022-autumn (default: the latest).")]
        = None,
    ) -> None:
        """Write one self-contained HTML report (works offline) with charts, the calibration table, the
        scenario differences and the parameters with their citations, plus a PNG of each chart."""
        from .build import ReportError, timed_report

        if not directory.is_dir():
            typer.echo(f"error: RUN_DIR|COMPARE_DIR: no such directory {str(directory)!r}", err=True)
            raise typer.Exit(EXIT_BAD_INPUT)
        if out is not None and out.is_dir():
            typer.echo(f"error: --out: {str(out)!r} is a directory; give an HTML file name", err=True)
            raise typer.Exit(EXIT_BAD_INPUT)
        try:
            path, seconds = timed_report(directory, out, campaign=campaign)
        except ReportError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(EXIT_BAD_INPUT) from exc
        except OSError as exc:
            typer.echo(f"error: cannot write the report: {exc.strerror or exc}", err=True)
            raise typer.Exit(EXIT_BAD_INPUT) from exc
        typer.echo(f"report written to {path} (charts as PNG in {path.parent / (path.stem + '_charts')}; "
                   f"{seconds:.1f} s)")
