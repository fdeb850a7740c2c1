"""Calibration: fit a few behaviour parameters to the outcome figures of 2019-2022 (2023 for contracts).

The fit moves behaviour parameters only (``behaviour.yaml``, each inside its declared range) and reads
the outcomes from a full simulation run; it never sets an output. Every evaluation runs the same seed
(common random numbers), so the objective is a deterministic function of the parameter values.

Method: **coordinate-wise bisection** (Gauss-Seidel sweeps). Each fitted parameter has a block of
targets that it drives and that is monotone in it (a draw ``u < p`` with the same ``u`` on every run:
more prosecutions, more ACS applications, more emigrants, more contracts, more legal-aid requests...).
The block's error is the pooled relative error ``(sum simulated - sum target) / sum target`` (the
midpoint of a range target). The parameter's bracket is its declared range: if the error has the same
sign at both ends the target cannot be reached within the range and the better end is kept (reported
``at_bound``); otherwise the bracket is halved until it is narrower than ``xtol`` of the range and
the best evaluated point is kept. Why not ``scipy.optimize.least_squares``: at the scale of a fit
(0.005: one row = 200 men) the small targets are counts of a few rows (Art. 328 convictions ~3 rows a
year, men in ACS ~6 rows), so the objective is a step function of each parameter - a finite-difference
Jacobian is zero or arbitrary there, while bisection needs only the sign change, cannot leave the
bounds and takes ``log2(1/xtol)`` runs per parameter. The parameters interact only weakly (through the
pool of men), so a block is refitted in a later sweep only when the other parameters' moves made its
error worse; sweeps stop when no block was refitted.

``calibrate()`` -> :class:`FitResult`; ``write_baseline_fit()`` writes ``baseline_fit.yaml`` (the
fitted values, their targets and the residuals) atomically; ``load_baseline_fit()`` reads it back as
``{name: value}``, checked against ``behaviour.yaml``; ``calibrate_command()`` is the body of
``callup calibrate``.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .behaviour import Behaviour, BehaviourError, load_behaviour

HERE = Path(__file__).parent
BASELINE_FIT = HERE / "baseline_fit.yaml"
"""The bundled fit that the baseline scenario applies."""

START, END = "2019-spring", "2025-autumn"
"""The run that is fitted and reported: the baseline's default span (the same rows and draws)."""

DEFAULT_SCALE, DEFAULT_SEED, DEFAULT_MAX_EVALS = 0.005, 0, 150

METHOD = (
    "coordinate-wise bisection on the pooled relative error of each parameter's targets, within the "
    "parameter's declared range, common random numbers (one seed for every run); see callup.simulation.fit"
)


class FitError(BehaviourError):
    """A bad fit file (unknown name, value outside its range, bad layout) or a bad calibrate argument."""


@dataclass(frozen=True)
class Block:
    """One fitted behaviour parameter and the calibration targets (ids) it is fitted to."""

    parameter: str
    targets: tuple[str, ...]
    why: str
    tol: float | None = None
    """Pooled relative error counted as a hit (default: the ``ftol`` of the fit)."""


BLOCKS: tuple[Block, ...] = (
    Block("emigration_shock_sep2022", ("emig_mobilisation_2wk",),
          "the departures after the 2022-09-21 decree are this shock (plus the small base rate and those who "
          "leave on a summons)"),
    Block("g_recovery", ("fit_AB_2019",),
          "the only behaviour that moves the examined fit share: a temporary unfitness (Г) that resolves "
          "turns into fit (Б); the rest of the share is the population's medical categories (a build input)"),
    Block("summons_per_quota", ("quota_2019", "quota_2020", "quota_2021", "quota_2022"),
          "more summonses bring more men to the board when the pool of fit liable men falls short of the "
          "decree quota; fitted only if the drafted men fall short (a block whose targets are met is never moved)",
          tol=0.005),
    Block("legal_aid", ("dso_requests_prewar",),
          "the requests to the Movement of Conscientious Objectors are the summoned men who seek legal aid"),
    Block("acs_apply", ("acs_2022",),
          "the men in ACS in 2022 are those who applied (and were approved) in the campaigns before"),
    Block("prosecute_no_show", ("art328_2019", "art328_2020", "art328_2021"),
          "Art. 328 convictions are the prosecuted no-shows times convict_328 (courts hardly acquit, so the "
          "prosecution rate is the free behaviour)"),
    Block("contract_payment_elasticity", ("contracts_2023",),
          "the 2023 contracts respond to the 195,000-rouble sign-up payment through this elasticity (the "
          "base rate is anchored on pre-war recruitment)"),
)
"""The fitted parameters in the order of a sweep (upstream processes first)."""

TARGET_NOTES: dict[str, str] = {
    "evaders_2019": "not fitted: the official ~1,000 'evaders' are men sought for evasion, not every no-show; "
                    "even appear=0.99 (its upper bound) leaves ~9,000 no-shows, and the no-shows drive Art. 328",
    "mobilised_2022": "not fitted: the mobilisation takes the decree's 300,000 by alignment",
    "pop_men_18_27": "not fitted: population is built from data (a build question, not a behaviour)",
    "pop_men_18_30": "not fitted: population is built from data (a build question, not a behaviour)",
    "pop_men_age18": "not fitted: population is built from data (a build question, not a behaviour)",
    "draft_rate_18_27": "not fitted: follows from the quota and the population",
    "emig_mobilisation_2wk": "the target counts people, the simulated value men aged 18-45 (calibration.py); "
                             "behaviour.yaml's source assumes ~75% of the leavers were such men",
    "art328_2021": "the 2021 figure counts cases (measure uncertain); one prosecution rate cannot follow a rise "
                   "from 2020 to 2021",
}
"""Notes on targets, written with the residuals."""

Evaluate = Callable[[Mapping[str, float]], Mapping[str, Mapping[str, Any]]]
"""values {name: value} -> calibration rows by target id (each with value, low, high, simulated)."""

Progress = Callable[[int, int, str], None]
"""progress(evaluations done, evaluation budget, what is being done)."""


@dataclass
class FittedParameter:
    name: str
    before: float
    value: float
    range: tuple[float, float]
    targets: tuple[str, ...]
    why: str
    error_before: float | None = None  # pooled relative error of its targets
    error_after: float | None = None
    at_bound: bool = False  # the targets cannot be reached inside the range: the better end is kept
    fitted: bool = True  # False: skipped (targets already met and the parameter not identified)
    evals: int = 0


@dataclass
class FitResult:
    parameters: list[FittedParameter]
    table_before: list[dict[str, Any]]
    table_after: list[dict[str, Any]]
    scale: float
    seed: int
    evals: int
    seconds: float
    sweeps: int
    converged: bool
    date: str
    version: str
    start: str = START
    end: str = END
    notes: dict[str, str] = field(default_factory=dict)

    @property
    def values(self) -> dict[str, float]:
        """The fitted values {name: value}."""
        return {p.name: p.value for p in self.parameters}


# --- the fitter (generic: an evaluate function and blocks) ----------------------------------------


class _Budget(Exception):
    pass


class _Objective:
    """Memoised evaluations with a budget; ``evals`` counts distinct runs."""

    def __init__(self, evaluate: Evaluate, max_evals: int, progress: Progress | None):
        self.evaluate, self.max_evals, self.progress = evaluate, max_evals, progress
        self.cache: dict[tuple, Mapping[str, Mapping[str, Any]]] = {}
        self.evals = 0
        self.label = ""

    def __call__(self, values: Mapping[str, float]) -> Mapping[str, Mapping[str, Any]]:
        key = tuple(sorted(values.items()))
        if key not in self.cache:
            if self.evals >= self.max_evals:
                raise _Budget
            self.cache[key] = self.evaluate(dict(values))
            self.evals += 1
            if self.progress is not None:
                self.progress(self.evals, self.max_evals, self.label)
        return self.cache[key]


def _mid(row: Mapping[str, Any]) -> float:
    return float(row["value"])


def block_error(block: Block, rows: Mapping[str, Mapping[str, Any]]) -> float:
    """Pooled relative error of the block's targets: (sum simulated - sum target) / sum target."""
    missing = [t for t in block.targets if t not in rows]
    if missing:
        raise FitError(f"fit of {block.parameter!r}: the run does not produce target(s) {', '.join(missing)}")
    sim = sum(float(rows[t]["simulated"]) for t in block.targets)
    target = sum(_mid(rows[t]) for t in block.targets)
    return (sim - target) / target


def _met(block: Block, rows: Mapping[str, Mapping[str, Any]], ftol: float) -> bool:
    """The block's targets are hit: pooled simulated value inside the pooled range, or within tol."""
    sim = sum(float(rows[t]["simulated"]) for t in block.targets)
    low = sum(float(rows[t].get("low", rows[t]["value"])) for t in block.targets)
    high = sum(float(rows[t].get("high", rows[t]["value"])) for t in block.targets)
    if high > low:
        return low <= sim <= high
    tol = ftol if block.tol is None else block.tol
    return abs(block_error(block, rows)) <= tol


def _round(x: float, lo: float, hi: float) -> float:
    """Five significant digits (what the fit file holds), kept inside [lo, hi]."""
    return min(max(float(f"{x:.5g}"), lo), hi)


def _sign(e: float) -> int:
    return (e > 0) - (e < 0)


def _bisect(block: Block, values: dict[str, float], rng: tuple[float, float], obj: _Objective,
            xtol: float, ftol: float) -> tuple[float, float, bool]:
    """Fit ``block.parameter`` with the others held at ``values``: (value, pooled error, at_bound)."""
    name = block.parameter
    lo, hi = rng

    def err(x: float) -> float:
        return block_error(block, obj({**values, name: x}))

    tried: dict[float, float] = {}

    def at(x: float) -> float:
        tried[x] = err(x)
        return tried[x]

    def best() -> tuple[float, float]:
        x = min(tried, key=lambda v: (abs(tried[v]), abs(v - values[name])))
        return x, tried[x]

    try:
        e_lo, e_hi = at(lo), at(hi)
        if _sign(e_lo) * _sign(e_hi) > 0:  # same sign at both ends: not reachable inside the range
            x, e = best()
            return x, e, True
        a, b, s_a = lo, hi, _sign(e_lo)
        while b - a > xtol * (hi - lo) and s_a != 0:
            m = _round((a + b) / 2, lo, hi)
            if m in (a, b):
                break
            e_m = at(m)
            if abs(e_m) <= (ftol if block.tol is None else block.tol) / 10 or _sign(e_m) == 0:
                break
            if _sign(e_m) == s_a:
                a = m
            else:
                b = m
    except _Budget:
        if not tried:
            raise
    x, e = best()
    return x, e, False


def fit(
    blocks: Sequence[Block],
    start: Mapping[str, float],
    ranges: Mapping[str, tuple[float, float]],
    evaluate: Evaluate,
    max_evals: int = DEFAULT_MAX_EVALS,
    progress: Progress | None = None,
    xtol: float = 2e-3,
    ftol: float = 0.01,
    max_sweeps: int = 4,
) -> tuple[dict[str, float], list[FittedParameter], int, int, bool]:
    """The coordinate-wise fitter: (values, parameters, evaluations, sweeps, converged).

    ``evaluate(values)`` runs the model with ``values`` (the fitted parameters only) and returns its
    calibration rows by target id. Values never leave ``ranges``.
    """
    for b in blocks:
        if b.parameter not in ranges or b.parameter not in start:
            raise FitError(f"fit: no range or start value for {b.parameter!r}")
        lo, hi = ranges[b.parameter]
        if not lo <= start[b.parameter] <= hi:
            raise FitError(f"fit: start value of {b.parameter!r} {start[b.parameter]} outside [{lo}, {hi}]")
    obj = _Objective(evaluate, max_evals, progress)
    values = {b.parameter: float(start[b.parameter]) for b in blocks}
    params = {b.parameter: FittedParameter(b.parameter, values[b.parameter], values[b.parameter],
                                           tuple(ranges[b.parameter]), b.targets, b.why, fitted=False)
              for b in blocks}
    sweeps, converged, last_err = 0, False, {}
    try:
        obj.label = "start"
        first = obj(values)
        for b in blocks:
            params[b.parameter].error_before = block_error(b, first)
        for sweep in range(1, max_sweeps + 1):
            sweeps, refit = sweep, 0
            for b in blocks:
                obj.label = f"sweep {sweep}: {b.parameter}"
                rows = obj(values)
                e_now = block_error(b, rows)
                if _met(b, rows, ftol):
                    continue
                if b.parameter in last_err and abs(e_now) <= abs(last_err[b.parameter]) + ftol / 2:
                    continue  # the other moves did not make it worse
                n0 = obj.evals
                x, e, at_bound = _bisect(b, values, ranges[b.parameter], obj, xtol, ftol)
                p = params[b.parameter]
                p.fitted, p.at_bound, p.evals = True, at_bound, p.evals + obj.evals - n0
                refit += values[b.parameter] != x
                values[b.parameter], last_err[b.parameter] = x, e
            if refit == 0:
                converged = True
                break
    except _Budget:
        pass
    obj.label = "result"
    try:
        final = obj(values)
    except _Budget:
        final = None
    for b in blocks:
        p = params[b.parameter]
        p.value = values[b.parameter]
        if final is not None:
            p.error_after = block_error(b, final)
    return values, [params[b.parameter] for b in blocks], obj.evals, sweeps, converged


# --- the simulation's objective --------------------------------------------------------------------


def _table(behaviour: Behaviour, law: Any, scale: float, seed: int, values: Mapping[str, float]) -> list[dict]:
    from .calibration import calibration_table
    from .run import simulate
    from .scenarios import Scenario

    scen = Scenario("baseline", behaviour.with_overrides(dict(values)), law)
    r = simulate(scen, start=START, end=END, scale=scale, seed=seed)
    return calibration_table(r.campaigns, r.years)


def calibrate(
    scale: float = DEFAULT_SCALE,
    seed: int = DEFAULT_SEED,
    max_evals: int = DEFAULT_MAX_EVALS,
    progress: Progress | None = None,
    parameters: Sequence[str] | None = None,
    behaviour: Behaviour | None = None,
) -> FitResult:
    """Fit the behaviour parameters of :data:`BLOCKS` (or only ``parameters``) to their targets.

    Runs ``simulate`` on the baseline law from ``START`` to ``END`` at ``scale`` with ``seed`` for
    every evaluation (common random numbers), starting from ``behaviour`` (default: the values of
    ``behaviour.yaml``). ``progress(done, budget, label)`` is called after each run.
    """
    from callup import __version__

    from .scenarios import load_scenario

    if isinstance(max_evals, bool) or not isinstance(max_evals, int) or max_evals < 3:
        raise FitError(f"max_evals {max_evals!r}: expected an integer >= 3")
    if isinstance(scale, bool) or not isinstance(scale, int | float) or not 0 < scale <= 1:
        raise FitError(f"scale {scale!r}: expected a number in (0, 1]")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise FitError(f"seed {seed!r}: expected a non-negative integer")
    blocks = list(BLOCKS)
    if parameters is not None:
        known = {b.parameter for b in BLOCKS}
        bad = [p for p in parameters if p not in known]
        if bad:
            raise FitError(f"parameter(s) {', '.join(map(repr, bad))} not fitted by calibrate "
                           f"(allowed: {', '.join(sorted(known))})")
        blocks = [b for b in BLOCKS if b.parameter in parameters]
    base = load_behaviour() if behaviour is None else behaviour
    law = load_scenario("baseline").law
    ranges = {b.parameter: base.parameter(b.parameter).range for b in blocks}
    start = {b.parameter: base[b.parameter] for b in blocks}
    t0 = time.perf_counter()
    tables: dict[tuple, list[dict]] = {}

    def evaluate(values: Mapping[str, float]) -> dict[str, dict]:
        table = _table(base, law, float(scale), seed, values)
        tables[tuple(sorted(values.items()))] = table
        return {row["target"]: row for row in table}

    values, params, evals, sweeps, converged = fit(blocks, start, ranges, evaluate, max_evals, progress)
    before = tables.get(tuple(sorted(start.items()))) or _table(base, law, float(scale), seed, start)
    after = tables.get(tuple(sorted(values.items()))) or _table(base, law, float(scale), seed, values)
    fitted_by = {t: b.parameter for b in blocks for t in b.targets}
    for row in after:
        row["fitted_by"] = fitted_by.get(row["target"])
    notes = {t: n for t, n in TARGET_NOTES.items() if any(r["target"] == t for r in after)}
    return FitResult(
        parameters=params, table_before=before, table_after=after, scale=float(scale), seed=seed, evals=evals,
        seconds=round(time.perf_counter() - t0, 1), sweeps=sweeps, converged=converged,
        date=dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        version=__version__, notes=notes,
    )


# --- the fit file ----------------------------------------------------------------------------------


def _num(x: Any, digits: int = 6) -> Any:
    if x is None or isinstance(x, bool):
        return x
    x = float(x)
    if math.isfinite(x) and x == int(x) and abs(x) < 1e15:
        return int(x)
    return float(f"{x:.{digits}g}")


def fit_document(result: FitResult) -> dict[str, Any]:
    """What ``baseline_fit.yaml`` holds (plain data)."""
    before = {r["target"]: r for r in result.table_before}
    targets = {}
    for r in result.table_after:
        b = before.get(r["target"], {})
        targets[r["target"]] = {
            "target": _num(r["value"]), "low": _num(r["low"]), "high": _num(r["high"]),
            "before": _num(b.get("simulated")), "simulated": _num(r["simulated"]),
            "rel_error": _num(r["rel_error"], 4), "rel_error_before": _num(b.get("rel_error"), 4),
            "fitted_by": r.get("fitted_by"),
            **({"note": result.notes[r["target"]]} if r["target"] in result.notes else {}),
        }
    return {
        "date": result.date, "callup_version": result.version, "scale": result.scale, "seed": result.seed,
        "run": f"{result.start}..{result.end}, scenario baseline (behaviour.yaml with the values below)",
        "method": METHOD, "evaluations": result.evals, "sweeps": result.sweeps, "converged": result.converged,
        "seconds": result.seconds,
        "parameters": {
            p.name: {
                "value": _num(p.value), "before": _num(p.before), "range": [_num(p.range[0]), _num(p.range[1])],
                "targets": list(p.targets), "error_before": _num(p.error_before, 4),
                "error_after": _num(p.error_after, 4), "at_bound": p.at_bound, "fitted": p.fitted, "why": p.why,
            }
            for p in result.parameters
        },
        "targets": targets,
    }


HEADER = """\
# The calibrated behaviour of the baseline scenario, written by `callup calibrate --write`
# (callup.simulation.fit). Do not edit by hand: rerun the calibration. `parameters` are behaviour values
# (behaviour.yaml names; each inside its range) fitted to the `targets` listed with them; `targets`
# are the calibration rows of the fitted run: target value (midpoint of a range), simulated value
# before and after the fit, relative error (the residual) and the parameter fitted to it (null: none).
"""


def write_baseline_fit(result: FitResult, path: str | Path | None = None) -> Path:
    """Write the fit to ``path`` (default: the bundled ``baseline_fit.yaml``) atomically: a temporary
    file in the same directory, flushed, then renamed over the target."""
    path = Path(BASELINE_FIT if path is None else path)
    text = HEADER + yaml.safe_dump(fit_document(result), sort_keys=False, allow_unicode=True, width=110,
                                   default_flow_style=None)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, path.stat().st_mode & 0o777 if path.exists() else 0o644)  # mkstemp makes it 0600
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def load_baseline_fit(path: str | Path | None = None, behaviour: Behaviour | None = None) -> dict[str, float]:
    """The fitted values ``{name: value}`` of ``path`` (default: the bundled ``baseline_fit.yaml``; {} if
    it is absent), each checked against ``behaviour.yaml``: a known name, a number inside its range.
    Entries marked ``fitted: false`` (their targets were met at the behaviour.yaml value, so the fit did
    not move them) are checked but not returned: behaviour.yaml stays their source."""
    default = path is None
    path = Path(BASELINE_FIT if path is None else path)
    if not path.is_file():
        if default:
            return {}
        raise FitError(f"fit file {str(path)!r}: no such file")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise FitError(f"fit file {path.name}: cannot read it as YAML ({exc})") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("parameters"), dict):
        raise FitError(f"fit file {path.name}: expected a mapping with 'parameters: {{name: {{value: ...}}}}'")
    values: dict[str, Any] = {}
    for name, entry in raw["parameters"].items():
        if not isinstance(entry, dict) or "value" not in entry:
            raise FitError(f"fit file {path.name}: parameter {name!r}: expected a mapping with a 'value'")
        values[str(name)] = entry["value"]
    base = load_behaviour() if behaviour is None else behaviour
    try:
        base.with_overrides(values)
    except BehaviourError as exc:
        raise FitError(f"fit file {path.name}: {exc}") from None
    return {name: float(v) for name, v in values.items() if raw["parameters"][name].get("fitted", True) is not False}


# --- `callup calibrate` ----------------------------------------------------------------------------


def calibrate_command(
    scale: float = DEFAULT_SCALE,
    seed: int = DEFAULT_SEED,
    write: bool = False,
    out: str | Path | None = None,
    max_evals: int = DEFAULT_MAX_EVALS,
    console: Any = None,
) -> FitResult:
    """The body of ``callup calibrate [--scale S] [--seed N] [--write]``: fit with a progress bar, print
    the parameters and the table of target / before / after / error, and (``write`` or ``out``) write
    the fit file (``out``, default the bundled ``baseline_fit.yaml``). Raises :class:`FitError` (and
    ``SimulationError``) on bad arguments; nothing is written then."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.table import Table

    if console is None:
        console = Console(soft_wrap=False)
        console.width = max(console.width, 120)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=True) as bar:
        task = bar.add_task("calibrating", total=max_evals)

        def tick(done: int, total: int, label: str) -> None:
            bar.update(task, completed=done, total=total, description=f"run {done} - {label}")

        result = calibrate(scale=scale, seed=seed, max_evals=max_evals, progress=tick)

    def num(x: Any) -> str:
        if x is None:
            return "-"
        x = float(x)
        return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.4g}"

    def pct(x: Any) -> str:
        return "-" if x is None else f"{100 * float(x):+.1f}%"

    t = Table(title=f"Fitted behaviour (scale {result.scale}, seed {result.seed})")
    for col in ("parameter", "before", "after", "range", "targets", "error before", "error after", "note"):
        t.add_column(col, justify="left" if col in ("parameter", "targets", "note") else "right")
    for p in result.parameters:
        note = "at bound: target out of reach" if p.at_bound else ("" if p.fitted else "targets met: not moved")
        t.add_row(p.name, f"{p.before:.5g}", f"{p.value:.5g}", f"[{p.range[0]:g}, {p.range[1]:g}]",
                  ", ".join(p.targets), pct(p.error_before), pct(p.error_after), note)
    console.print(t)
    before = {r["target"]: r for r in result.table_before}
    t = Table(title="Calibration: target / simulated before and after the fit / error")
    for col in ("target", "year", "target value", "before", "after", "error", "fitted by"):
        t.add_column(col, justify="left" if col in ("target", "fitted by") else "right")
    for r in result.table_after:
        b = before.get(r["target"], {})
        t.add_row(r["target"], str(r["year"]), num(r["value"]), num(b.get("simulated")), num(r["simulated"]),
                  pct(r["rel_error"]), r.get("fitted_by") or "-")
    console.print(t)
    console.print(f"{result.evals} runs, {result.sweeps} sweep(s), {result.seconds:.1f} s"
                  + ("" if result.converged else " (stopped by the run budget)"))
    if write or out is not None:
        path = write_baseline_fit(result, out)
        console.print(f"wrote {path}")
    return result
