"""What every command shares: one clear error line and exit code 2, and reading an input file."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

EXIT_BAD_INPUT = 2


def fail(message: str) -> None:
    """Print ``error: message`` on stderr and exit with code 2 (bad input, nothing written)."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(EXIT_BAD_INPUT)


def read_text(source: str, what: str) -> str:
    """The text of file ``source`` (``-``: standard input); ``what`` names the argument in errors."""
    if source == "-":
        return sys.stdin.read()
    path = Path(source)
    if not path.is_file():
        fail(f"{what}: no such file {source!r} (give a JSON or YAML file, or - for standard input)")
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        fail(f"{what}: {source!r} is not UTF-8 text")
    except OSError as exc:
        fail(f"{what}: cannot read {source!r}: {exc.strerror}")
    return ""


def date_option(value: str | None, name: str = "--date"):
    """A YYYY-MM-DD option as a date (None stays None); a bad value is one clear error, exit 2."""
    import datetime as dt

    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        fail(f"{name}: expected a date YYYY-MM-DD, got {value!r}")


def write_run_outputs(write, result, out, report: bool) -> None:
    """Write a run's or a comparison's tables into ``out`` (atomically, by ``write``), then, when asked,
    its HTML report; an unwritable directory is one clear error, exit 2."""
    try:
        write(result, out)
    except OSError as exc:
        fail(f"--out: cannot write {str(out)!r}: {exc.strerror or exc}")
    if report:
        from callup.reports.cli import report_after_run

        report_after_run(out)
