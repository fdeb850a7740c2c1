"""The ``callup compare`` command: ``register(app)`` adds it to a typer app."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

EXIT_BAD_INPUT = 2

TABLE_MEASURES = ("drafted", "summoned", "ignored", "deferred", "exempt", "liable", "acs_applied", "acs_in_service",
                  "emigrated", "contracts", "mobilised", "convictions_328", "legal_aid")


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(EXIT_BAD_INPUT)


def _signed(x: float) -> str:
    return "0" if x == 0 else f"{x:+,.0f}"


def tables(result) -> list[Any]:
    """One rich table per compared scenario: the mean difference from the reference of each main
    measure (rows) in each year (columns), with the 90% interval across runs when runs > 1."""
    from rich.table import Table

    years = result.year_list
    by = {(r["scenario"], r["year"], r["measure"]): r for r in result.summary_years}
    out = []
    runs = f"mean of {result.runs} runs (seeds {result.seed}-{result.seed + result.runs - 1}), [90% interval]" \
        if result.runs > 1 else f"seed {result.seed}"
    for label in result.scenarios[1:]:
        t = Table(title=f"{label} − {result.reference}: difference per year (national units; scale {result.scale}, "
                        f"{runs})", title_justify="left")
        t.add_column("measure", no_wrap=True)
        for y in years:
            t.add_column(str(y), justify="right", no_wrap=True)
        for m in TABLE_MEASURES:
            cells = []
            for y in years:
                r = by[(label, y, m)]
                cell = _signed(r["difference_mean"])
                if result.runs > 1 and r["difference_lo"] != r["difference_hi"]:
                    cell += f"\n[dim][{_signed(r['difference_lo'])}, {_signed(r['difference_hi'])}][/dim]"
                cells.append(cell)
            t.add_row(m.replace("_", " "), *cells)
        first = result.first_difference.get(label)
        t.caption = (f"identical to {result.reference} before {first} (common random numbers)" if first
                     else f"identical to {result.reference} in every campaign")
        out.append(t)
    return out


def register(app: typer.Typer) -> None:
    """Add the ``compare`` command to ``app``."""

    @app.command("compare")
    def compare_cmd(
        scenarios: Annotated[list[str], typer.Argument(
            help="Two or more scenarios (bundled names or YAML files); the first is the reference.",
            show_default=False, metavar="SCENARIO")],
        seed: Annotated[int, typer.Option("--seed", help="First random seed (every scenario of a run shares it).")] = 0,
        runs: Annotated[int, typer.Option("--runs", help="Runs per scenario, seeds N..N+R-1 (mean and 90% interval)."
                                          )] = 1,
        scale: Annotated[float, typer.Option("--scale", help="Sample fraction, 0 < S <= 1.")] = 0.01,
        first: Annotated[str, typer.Option("--from", help="First campaign, e.g. 2019-spring.")] = "2019-spring",
        last: Annotated[str, typer.Option("--to", help="Last campaign, e.g. 2025-autumn.")] = "2025-autumn",
        out: Annotated[Path | None, typer.Option("--out", help="Directory for the comparison tables.")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print the differences as JSON.")] = False,
        report: Annotated[bool, typer.Option("--report", help="Also write DIR/report.html and PNG charts.")] = False,
    ) -> None:
        """Run scenarios on common random numbers (same seeded population, same draws) and print the
        differences from the first one per year for the main outcomes (B−A, C−A, ...)."""
        if report and out is None:
            _fail("--report: needs --out DIR (the report is written into that directory)")
        if len(scenarios) < 2:
            _fail(f"SCENARIOS: expected two or more (the first is the reference), got {len(scenarios)}")
        if not 0 < scale <= 1:
            _fail(f"--scale: expected a number in (0, 1], got {scale!r}")
        if seed < 0:
            _fail(f"--seed: expected a non-negative integer, got {seed!r}")
        if not 1 <= runs <= 1000:
            _fail(f"--runs: expected an integer from 1 to 1000, got {runs!r}")
        from .outputs import check_out, write_comparison
        from .run import ComparisonError, compare, load_all

        try:
            if out is not None:
                check_out(out)
            n = len(load_all(scenarios, first, last))
        except ComparisonError as exc:
            _fail(str(exc))
            return
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        console = Console(stderr=as_json, soft_wrap=False)
        console.width = max(console.width, 150)
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=Console(stderr=True), transient=True) as bar:
            task = bar.add_task(f"{n} scenarios × {runs} runs", total=None)

            def tick(i: int, n: int, text: str) -> None:
                bar.update(task, completed=i, total=n, description=text)

            try:
                result = compare(scenarios, seed, runs, scale, first, last, progress=tick)
            except ComparisonError as exc:
                _fail(str(exc))
                return
        if out is not None:
            from callup.cli_common import write_run_outputs

            write_run_outputs(write_comparison, result, out, report)
        if as_json:
            import json

            from .outputs import facts

            doc = {k: v for k, v in facts(result).items() if k not in ("measures", "directories")}
            doc["years"] = result.summary_years
            typer.echo(json.dumps(doc, ensure_ascii=False))
            return
        for t in tables(result):
            console.print(t)
        for note in result.notes:
            console.print(f"note: {note}")
        tm = result.timings
        runs_text = f"{result.runs} run" + ("s" if result.runs > 1 else "")
        console.print(f"{len(result.scenarios)} scenarios × {runs_text} in {tm['total_s']:.1f} s"
                      + (f"; written to {out}" if out is not None else ""))
