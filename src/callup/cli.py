"""The ``callup`` command line. Heavy modules are imported inside commands to keep start-up fast."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from callup.cli_common import date_option, fail, read_text, write_run_outputs

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Military-service law as code.")

_fail = fail


def _read(source: str) -> str:
    return read_text(source, "SITUATION")


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
    on = date_option(date)
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


SIM_COLUMNS = {"quota_decree": "quota", "drafted": "drafted", "shortfall": "short", "summoned": "summoned",
               "ignored": "ignored", "convicted_328": "328", "emigrated": "emigr.", "contracts": "contracts",
               "mobilised": "mobil.", "in_service_acs": "ACS"}


@app.command()
def simulate(
    scenario: Annotated[str, typer.Option("--scenario", help="Scenario name (baseline) or YAML file.")] = "baseline",
    first: Annotated[str, typer.Option("--from", help="First campaign, e.g. 2019-spring.")] = "2019-spring",
    last: Annotated[str, typer.Option("--to", help="Last campaign, e.g. 2025-autumn.")] = "2025-autumn",
    scale: Annotated[float, typer.Option("--scale", help="Sample fraction, 0 < S <= 1.")] = 0.01,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (same seed, same output).")] = 0,
    out: Annotated[Path | None, typer.Option("--out", help="Directory for the output tables.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print campaigns and years as JSON.")] = False,
    report: Annotated[bool, typer.Option("--report", help="Also write DIR/report.html and PNG charts.")] = False,
) -> None:
    """Run the population microsimulation of call-up campaigns (national units, weighted)."""
    if report and out is None:
        _fail("--report: needs --out DIR (the report is written into that directory)")
    if not 0 < scale <= 1:
        _fail(f"--scale: expected a number in (0, 1], got {scale!r}")
    if seed < 0:
        _fail(f"--seed: expected a non-negative integer, got {seed!r}")
    if out is not None and out.exists() and not out.is_dir():
        _fail(f"--out: {str(out)!r} exists and is not a directory")
    from callup.simulation import ScenarioError, SimulationError, load_scenario, write_outputs
    from callup.simulation import simulate as run_simulation
    from callup.simulation.calibration import calibration_table
    from callup.simulation.outputs import YEAR_COLUMNS
    from callup.simulation.run import campaign_range

    try:
        scen = load_scenario(scenario)
    except ScenarioError as exc:
        _fail(f"--scenario: {exc}")
        return
    try:
        campaign_range(scen.law, first, last)
    except SimulationError as exc:
        _fail(f"--from/--to: {exc}")
    from rich.console import Console

    console = Console(stderr=as_json, soft_wrap=False)
    console.width = max(console.width, 112)
    if as_json:
        result = run_simulation(scen, first, last, scale, seed)
    else:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=console, transient=True) as bar:
            task = bar.add_task("building population", total=None)

            def tick(i: int, n: int, name: str) -> None:
                bar.update(task, completed=i, total=n, description=f"campaign {name}")

            result = run_simulation(scen, first, last, scale, seed, progress=tick)
    if out is not None:
        write_run_outputs(write_outputs, result, out, report)
    if as_json:
        import json

        from callup.simulation.outputs import json_summary

        typer.echo(json.dumps(json_summary(result), ensure_ascii=False))
        return
    from rich.table import Table

    def num(x) -> str:
        return f"{x:,.0f}" if isinstance(x, int | float) else str(x)

    t = Table(title=f"Campaigns - scenario {result.scenario}, scale {result.scale}, seed {result.seed}")
    t.add_column("campaign", no_wrap=True)
    for c in SIM_COLUMNS.values():
        t.add_column(c, justify="right", no_wrap=True)
    for row in result.campaigns:
        t.add_row(row["campaign"], *(num(row.get(c, 0.0)) for c in SIM_COLUMNS))
    console.print(t)
    t = Table(title="Years")
    t.add_column("year")
    for c in YEAR_COLUMNS:
        t.add_column(c.replace("_", " "), justify="right")
    for row in result.years:
        t.add_row(str(row["year"]), *(num(row[c]) for c in YEAR_COLUMNS))
    console.print(t)
    t = Table(title="Calibration (target / simulated / error / Monte-Carlo standard error of the simulated value)")
    for c in ("target", "year", "value", "simulated", "error", "rel. error", "SE", "rel. SE", "in noise"):
        t.add_column(c, justify="left" if c in ("target", "year") else "right", no_wrap=c == "target")
    for row in calibration_table(result.campaigns, result.years, scale=result.scale):
        small = abs(row["value"]) < 10
        fmt = (lambda x: f"{x:.4f}") if small else num
        rel = "" if row["rel_error"] is None else f"{row['rel_error']:+.1%}"
        se = row.get("se")
        rel_se = "" if se is None or not row["value"] else f"±{se / abs(row['value']):.1%}"
        noise = {True: "yes", False: "no"}.get(row.get("within_noise"), "" if se is None else "?")
        t.add_row(row["target"], row["year"], fmt(row["value"]), fmt(row["simulated"]), fmt(row["error"]), rel,
                  "" if se is None else fmt(se), rel_se, noise)
    console.print(t)
    console.print("SE: Monte-Carlo standard error of the simulated value (a count of rows: sqrt(rows) x weight; "
                  "a share: binomial; 0 for values taken by alignment; population counts: an upper bound); "
                  "in noise: |error| <= 2 SE (?: inside an upper bound, undetermined).")
    tm = result.timings
    console.print(f"{result.rows:,} rows; build {tm['build_s']:.2f} s, campaigns {tm['steps_s']:.2f} s"
                  + (f"; written to {out}" if out is not None else ""))


@app.command("scenarios")
def scenarios_list() -> None:
    """The bundled scenarios: name and a one-line description (`callup scenario show NAME` for more)."""
    from callup.scenarios import SCENARIOS, describe

    for name in SCENARIOS:
        typer.echo(f"{name:16} {describe(name)}")


scenario_app = typer.Typer(no_args_is_help=True, help="Inspect a scenario (bundled name or YAML file).")
app.add_typer(scenario_app, name="scenario")


@scenario_app.command("show")
def scenario_show(
    scenario: Annotated[str, typer.Argument(help="A bundled scenario name (callup scenarios) or a YAML file.")],
) -> None:
    """The resolved scenario: law overrides with their citations, behaviour values with their sources,
    events and payments."""
    from callup.scenarios import ScenarioError, load_scenario
    from callup.scenarios.show import render

    try:
        scen = load_scenario(scenario)
    except ScenarioError as exc:
        _fail(str(exc))
        return
    from rich.console import Console

    console = Console(soft_wrap=False)
    console.width = max(console.width, 160)
    for part in render(scen):
        console.print(part)


@app.command()
def calibrate(
    scale: Annotated[float, typer.Option("--scale", help="Sample fraction for the fit, 0 < S <= 1.")] = 0.005,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (common random numbers for every run).")] = 0,
    write: Annotated[bool, typer.Option("--write", help="Write the fit into the bundled baseline_fit.yaml.")] = False,
    max_evals: Annotated[int, typer.Option("--max-evals", help="Upper bound on simulation runs.")] = 150,
) -> None:
    """Fit the behaviour parameters and latent population assumptions to the 2019-2022 (2023 for
    contracts) targets; print target / before / after / error / standard error. Only behaviour and
    assumptions are fitted; no output is ever set."""
    if not 0 < scale <= 1:
        _fail(f"--scale: expected a number in (0, 1], got {scale!r}")
    if seed < 0:
        _fail(f"--seed: expected a non-negative integer, got {seed!r}")
    if max_evals < 1:
        _fail(f"--max-evals: expected a positive integer, got {max_evals!r}")
    from callup.simulation import SimulationError
    from callup.simulation.fit import FitError, calibrate_command

    try:
        calibrate_command(scale=scale, seed=seed, write=write, max_evals=max_evals)
    except (FitError, SimulationError) as exc:
        _fail(str(exc))


from callup.acs_application.cli import register as register_acs_application  # noqa: E402
from callup.compare.cli import register as register_compare  # noqa: E402
from callup.reports.cli import register as register_report  # noqa: E402
from callup.web import register as register_web  # noqa: E402

register_compare(app)
register_report(app)
register_acs_application(app)
register_web(app)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
