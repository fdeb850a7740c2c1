"""The ``callup`` command line. Heavy modules are imported inside commands to keep start-up fast."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Military-service law as code.")

EXIT_BAD_INPUT = 2


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(EXIT_BAD_INPUT)


def _read(source: str) -> str:
    if source == "-":
        return sys.stdin.read()
    path = Path(source)
    if not path.is_file():
        _fail(f"SITUATION: no such file {source!r} (give a JSON or YAML file, or - for standard input)")
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        _fail(f"SITUATION: {source!r} is not UTF-8 text")
    except OSError as exc:
        _fail(f"SITUATION: cannot read {source!r}: {exc.strerror}")
    return ""


@app.command()
def check(
    situation: Annotated[str, typer.Argument(help="Situation file (JSON or YAML), or - for stdin.")],
    date: Annotated[str | None, typer.Option("--date", help="Date of the check, YYYY-MM-DD.")] = None,
    lang: Annotated[str, typer.Option("--lang", help="Language of the explanation: en or ru.")] = "en",
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Where one person stands on a date: status, reasons with articles, deadlines, ACS, penalties.

    Nothing about the person is written, logged or sent anywhere.
    """
    if lang not in ("en", "ru"):
        _fail(f"--lang: expected en or ru, got {lang!r}")
    on = None
    if date is not None:
        try:
            on = dt.date.fromisoformat(date)
        except ValueError:
            _fail(f"--date: expected a date YYYY-MM-DD, got {date!r}")
    from callup.person.check import SituationError
    from callup.person.check import check as run_check
    from callup.person.load import parse_situation

    try:
        sit = parse_situation(_read(situation), source="SITUATION")
        result = run_check(sit, on=on, lang=lang)
    except SituationError as exc:
        _fail(str(exc))
        return
    if as_json:
        import json

        typer.echo(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        from rich.console import Console

        from callup.person.render import render

        Console(soft_wrap=False).print(render(result, lang))


@app.command()
def reasons(lang: Annotated[str, typer.Option("--lang")] = "en") -> None:
    """The public vocabulary of reason codes, with their legal basis."""
    from callup.jurisdictions import ru

    vocab = ru.vocabulary()
    for r in vocab.reasons:
        typer.echo(f"{r.code:34} {r.kind:12} {r.text.get(lang, r.text['en'])}")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
