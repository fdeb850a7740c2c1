"""``callup acs-application SITUATION --statement FILE [--lang ru] [--out DIR] [--date D]``.

In ``callup/cli.py``::

    from callup.acs_application.cli import register as register_acs_application
    register_acs_application(app)
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from callup.cli_common import EXIT_BAD_INPUT, date_option, fail, read_text

_fail = fail
_read = read_text


def register(app: typer.Typer) -> None:
    """Add the ``acs-application`` command to ``app``."""

    @app.command("acs-application")
    def acs_application(
        situation: Annotated[str, typer.Argument(help="Situation file (JSON or YAML) with an 'applicant:' block.")],
        statement: Annotated[
            str, typer.Option("--statement", help="Your statement of reasons (UTF-8 text), used exactly as written.")
        ],
        lang: Annotated[str, typer.Option("--lang", help="Language of the documents: ru.")] = "ru",
        out: Annotated[Path, typer.Option("--out", help="Directory to write the documents to.")] = Path("."),
        date: Annotated[
            str | None,
            typer.Option(
                "--date", help="Date of the application, YYYY-MM-DD (default: the situation's date, else today)."
            ),
        ] = None,
    ) -> None:
        """Write the application for alternative civilian service (DOCX + printable HTML), an autobiography
        skeleton and a one-page deadline summary. Refuses (exit 2) when ACS is not for you, and says why.

        Nothing is logged or sent; files are written only to --out.
        """
        from . import Incomplete, InputError, NotForHim, generate, write_documents

        on = date_option(date)
        sit_text = _read(situation, "SITUATION")
        stmt_text = _read(statement, "--statement")
        try:
            docs = generate(sit_text, stmt_text, on=on, lang=lang)
        except InputError as exc:
            _fail(str(exc))
            return
        except NotForHim as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(EXIT_BAD_INPUT) from None
        except Incomplete as exc:
            _fail("the application is incomplete:\n" + "\n".join(f"  - {p}" for p in exc.problems))
            return
        try:
            paths = write_documents(docs, out)
        except OSError as exc:
            _fail(f"--out: cannot write to {str(out)!r}: {exc.strerror}")
            return
        for p in paths:
            typer.echo(f"written: {p}")
        kind = "поданное с опозданием (срок прошёл)" if docs.late else "в срок"
        typer.echo(
            f"campaign: {docs.campaign}; filing deadline: {docs.deadline} "
            f"(last day {docs.last_day}); application {kind}"
        )
        for w in docs.warnings:
            typer.echo(f"warning: {w}", err=True)
