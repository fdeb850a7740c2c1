"""Calibration: fit a few behaviour parameters and population assumptions to the outcome figures of
2019-2022 (2023 for contracts).

The fit moves behaviour parameters (``behaviour.yaml``) and latent population assumptions
(``population/assumptions.yaml``, a :class:`Block` of ``kind="assumption"``: a quantity no published
figure gives directly, such as the fit share at a *first* medical examination), each inside its
declared range, and reads the outcomes from a full simulation run; it never sets an output. Every
evaluation runs the same seed (common random numbers), so the objective is a deterministic function
of the parameter values.

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
fitted values - behaviour under ``parameters:``, population assumptions under ``assumptions:`` - their
targets and the residuals) atomically; ``load_baseline_fit()`` reads the behaviour values back as
``{name: value}``, checked against ``behaviour.yaml``, and ``load_fitted_assumptions()`` the
assumption values ``{path: value}``, checked against ``assumptions.yaml`` (every scenario applies
both: ``callup.scenarios.load.build``); ``calibrate_command()`` is the body of ``callup calibrate``.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from callup.atomic_file import write_file_atomic

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


KINDS = ("behaviour", "assumption")


@dataclass(frozen=True)
class Block:
    """One fitted parameter and the calibration targets (ids) it is fitted to. ``kind``: a behaviour
    parameter (``behaviour.yaml`` name) or a population assumption (``assumptions.yaml`` path, a number;
    a table's value is the factor on the whole table), which moves the build of the population."""

    parameter: str
    targets: tuple[str, ...]
    why: str
    tol: float | None = None
    """Pooled relative error counted as a hit (default: the ``ftol`` of the fit)."""
    kind: str = "behaviour"

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise FitError(f"block {self.parameter!r}: kind {self.kind!r} (allowed: {', '.join(KINDS)})")


BLOCKS: tuple[Block, ...] = (
    Block("emigration_shock_sep2022", ("emig_mobilisation_2wk",),
          "the departures after the 2022-09-21 decree are this shock (plus the small base rate and those who "
          "leave on a summons)"),
    Block("health.first_exam_fit_share", ("fit_AB_2019",),
          "the 2019 figure is the fit share of the men examined in the campaigns, a selection (men found В/Д "
          "before are exempt and never summoned, men found fit before are examined again); the share at a first "
          "examination, which the build gives every man, is the latent quantity that produces it",
          kind="assumption"),
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
"""The fitted parameters in the order of a sweep (upstream processes first). ``g_recovery`` (the speed at
which a temporary unfitness Г resolves) was fitted to fit_AB_2019 before the first-examination share was
a fitted assumption; it stayed at its bound there and is not identified by that share, so it keeps its
behaviour.yaml value (a Г deferral of 6-12 months)."""

TARGET_NOTES: dict[str, str] = {
    "evaders_2019": "not fitted (an out-of-sample check): matched with the men prosecuted under Art. 328 in 2019 "
                    "(the referrals of deliberate evaders; see calibration.py measured_as), while prosecute_no_show is "
                    "fitted to the court convictions; its error checks convict_328 and that the General Staff's "
                    "'evaders' are these men (UNCONFIRMED)",
    "mobilised_2022": "not fitted: the mobilisation takes the decree's 300,000 by alignment",
    "pop_men_18_27": "not fitted: population is built from data (a build question, not a behaviour)",
    "pop_men_18_30": "not fitted: population is built from data (a build question, not a behaviour)",
    "pop_men_age18": "not fitted: population is built from data (a build question, not a behaviour)",
    "draft_rate_18_27": "not fitted: follows from the quota and the population",
    "emig_mobilisation_2wk": "the target counts people, the model men aged 18-45: the simulated men are divided by "
                             "emigrant_men_share (0.75, range 0.6-0.9, UNCONFIRMED; calibration.EMIGRANT_MEN_SHARE) "
                             "to compare people with people",
    "fit_AB_2019": "fitted through the population assumption health.first_exam_fit_share (the fit share at a first "
                   "examination); the target is the share among the men examined in the campaigns",
    "art328_2021": "the 2021 figure counts cases (measure uncertain); one prosecution rate cannot follow a rise "
                   "from 2020 to 2021",
    "art328_2019_2021": "the three years pooled: what prosecute_no_show is fitted to (the block's pooled error)",
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
    kind: str = "behaviour"  # or "assumption" (a population assumption, assumptions.yaml path)


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
        """The fitted behaviour values {name: value}."""
        return {p.name: p.value for p in self.parameters if p.kind == "behaviour"}

    @property
    def assumption_values(self) -> dict[str, float]:
        """The fitted population assumptions {path: value}."""
        return {p.name: p.value for p in self.parameters if p.kind == "assumption"}


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
                                           tuple(ranges[b.parameter]), b.targets, b.why, fitted=False, kind=b.kind)
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
    """The calibration rows of a baseline run with ``values``: behaviour names move ``behaviour``, the
    other names (``group.name`` paths) are population assumptions moved from assumptions.yaml."""
    from .calibration import calibration_table
    from .run import simulate
    from .scenarios import Scenario

    moved = {k: v for k, v in values.items() if k in behaviour}
    assumptions = {k: v for k, v in values.items() if k not in behaviour}
    scen = Scenario("baseline", behaviour.with_overrides(moved), law, assumptions=assumptions)
    r = simulate(scen, start=START, end=END, scale=scale, seed=seed)
    return calibration_table(r.campaigns, r.years, scale=r.scale)


def calibrate(
    scale: float = DEFAULT_SCALE,
    seed: int = DEFAULT_SEED,
    max_evals: int = DEFAULT_MAX_EVALS,
    progress: Progress | None = None,
    parameters: Sequence[str] | None = None,
    behaviour: Behaviour | None = None,
) -> FitResult:
    """Fit the parameters of :data:`BLOCKS` (or only ``parameters``) to their targets.

    Runs ``simulate`` on the baseline law from ``START`` to ``END`` at ``scale`` with ``seed`` for
    every evaluation (common random numbers), starting from ``behaviour`` (default: the values of
    ``behaviour.yaml``) and the population assumptions of ``assumptions.yaml`` (a fitted assumption
    starts from its value there; a table's from its factor). ``progress(done, budget, label)`` is
    called after each run.
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
    ranges, start = _ranges_and_start(blocks, base)
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


def _ranges_and_start(blocks: Sequence[Block], behaviour: Behaviour) -> tuple[dict, dict]:
    """The declared range and the starting value of each block's parameter (behaviour.yaml or
    assumptions.yaml; for a table assumption its factor)."""
    from callup.population import load_assumptions

    assumptions = load_assumptions()
    ranges: dict[str, tuple[float, float]] = {}
    start: dict[str, float] = {}
    for b in blocks:
        if b.kind == "assumption":
            a = assumptions[b.parameter]
            ranges[b.parameter] = (float(a.range[0]), float(a.range[1]))
            start[b.parameter] = float(a.value) if a.kind == "value" else float(a.factor)
        else:
            ranges[b.parameter] = tuple(behaviour.parameter(b.parameter).range)
            start[b.parameter] = float(behaviour[b.parameter])
    return ranges, start


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
            "se": _num(r.get("se"), 4), "within_noise": r.get("within_noise"),
            "fitted_by": r.get("fitted_by"),
            **({"note": result.notes[r["target"]]} if r["target"] in result.notes else {}),
        }
    return {
        "date": result.date, "callup_version": result.version, "scale": result.scale, "seed": result.seed,
        "run": f"{result.start}..{result.end}, scenario baseline (behaviour.yaml and assumptions.yaml with the "
               "values below)",
        "method": METHOD, "evaluations": result.evals, "sweeps": result.sweeps, "converged": result.converged,
        "seconds": result.seconds,
        "parameters": {p.name: _entry(p) for p in result.parameters if p.kind == "behaviour"},
        "assumptions": {p.name: _entry(p) for p in result.parameters if p.kind == "assumption"},
        "targets": targets,
    }


def _entry(p: FittedParameter) -> dict[str, Any]:
    return {
        "value": _num(p.value), "before": _num(p.before), "range": [_num(p.range[0]), _num(p.range[1])],
        "targets": list(p.targets), "error_before": _num(p.error_before, 4),
        "error_after": _num(p.error_after, 4), "at_bound": p.at_bound, "fitted": p.fitted, "why": p.why,
    }


HEADER = """\
# The calibrated behaviour and population assumptions of the baseline scenario (and of every scenario,
# which extends it), written by `callup calibrate --write`
# (callup.simulation.fit). Do not edit by hand: rerun the calibration. `parameters` are behaviour values
# (behaviour.yaml names; each inside its range) and `assumptions` population assumptions
# (population/assumptions.yaml paths; each inside its range), fitted to the `targets` listed with them;
# `targets` are the calibration rows of the fitted run: target value (midpoint of a range), simulated
# value before and after the fit, relative error (the residual), the Monte-Carlo standard error of the
# simulated value (se), whether the error is within 2 se, and the parameter fitted to it (null: none).
"""


def write_baseline_fit(result: FitResult, path: str | Path | None = None) -> Path:
    """Write the fit to ``path`` (default: the bundled ``baseline_fit.yaml``) atomically: a temporary
    file in the same directory, flushed, then renamed over the target."""
    path = Path(BASELINE_FIT if path is None else path)
    text = HEADER + yaml.safe_dump(fit_document(result), sort_keys=False, allow_unicode=True, width=110,
                                   default_flow_style=None)
    return write_file_atomic(path, text, mode=path.stat().st_mode & 0o777 if path.exists() else 0o644)


def _read_fit(path: str | Path | None) -> tuple[Path, dict[str, Any] | None]:
    """(path, the parsed document or None if the default file is absent)."""
    default = path is None
    path = Path(BASELINE_FIT if path is None else path)
    if not path.is_file():
        if default:
            return path, None
        raise FitError(f"fit file {str(path)!r}: no such file")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise FitError(f"fit file {path.name}: cannot read it as YAML ({exc})") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("parameters"), dict):
        raise FitError(f"fit file {path.name}: expected a mapping with 'parameters: {{name: {{value: ...}}}}'")
    return path, raw


def _section(path: Path, raw: dict[str, Any], key: str) -> tuple[dict[str, Any], set[str]]:
    """The ``{name: value}`` of a section and the names marked ``fitted: false``."""
    section = raw.get(key) or {}
    if not isinstance(section, dict):
        raise FitError(f"fit file {path.name}: '{key}' must be a mapping {{name: {{value: ...}}}}")
    values: dict[str, Any] = {}
    unmoved: set[str] = set()
    for name, entry in section.items():
        if not isinstance(entry, dict) or "value" not in entry:
            raise FitError(f"fit file {path.name}: {key[:-1]} {name!r}: expected a mapping with a 'value'")
        values[str(name)] = entry["value"]
        if entry.get("fitted", True) is False:
            unmoved.add(str(name))
    return values, unmoved


def load_baseline_fit(path: str | Path | None = None, behaviour: Behaviour | None = None) -> dict[str, float]:
    """The fitted behaviour values ``{name: value}`` of ``path`` (default: the bundled
    ``baseline_fit.yaml``; {} if it is absent), each checked against ``behaviour.yaml``: a known name,
    a number inside its range. Entries marked ``fitted: false`` (their targets were met at the
    behaviour.yaml value, so the fit did not move them) are checked but not returned: behaviour.yaml
    stays their source."""
    path, raw = _read_fit(path)
    if raw is None:
        return {}
    values, unmoved = _section(path, raw, "parameters")
    base = load_behaviour() if behaviour is None else behaviour
    try:
        base.with_overrides(values)
    except BehaviourError as exc:
        raise FitError(f"fit file {path.name}: {exc}") from None
    return {name: float(v) for name, v in values.items() if name not in unmoved}


def load_fitted_assumptions(path: str | Path | None = None, assumptions: Any = None) -> dict[str, float]:
    """The fitted population assumptions ``{path: value}`` of the ``assumptions:`` section of ``path``
    (default: the bundled ``baseline_fit.yaml``; {} if the file or the section is absent), each checked
    against ``assumptions.yaml`` (``Assumptions.with_overrides``: a known path, a number inside its
    range). Entries marked ``fitted: false`` are checked but not returned."""
    from callup.population import load_assumptions
    from callup.population.assumptions import AssumptionError

    path, raw = _read_fit(path)
    if raw is None:
        return {}
    values, unmoved = _section(path, raw, "assumptions")
    base = load_assumptions() if assumptions is None else assumptions
    for name, v in values.items():
        if isinstance(v, bool) or not isinstance(v, int | float):
            raise FitError(f"fit file {path.name}: assumption {name!r}: expected a number, got {v!r}")
        try:
            base.with_overrides({name: float(v)})
        except AssumptionError as exc:
            raise FitError(f"fit file {path.name}: assumption {name!r}: {exc}") from None
    return {name: float(v) for name, v in values.items() if name not in unmoved}


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

    t = Table(title=f"Fitted behaviour and population assumptions (scale {result.scale}, seed {result.seed})")
    for col in ("parameter", "kind", "before", "after", "range", "targets", "error before", "error after", "note"):
        t.add_column(col, justify="left" if col in ("parameter", "kind", "targets", "note") else "right")
    for p in result.parameters:
        note = "at bound: target out of reach" if p.at_bound else ("" if p.fitted else "targets met: not moved")
        t.add_row(p.name, p.kind, f"{p.before:.5g}", f"{p.value:.5g}", f"[{p.range[0]:g}, {p.range[1]:g}]",
                  ", ".join(p.targets), pct(p.error_before), pct(p.error_after), note)
    console.print(t)
    before = {r["target"]: r for r in result.table_before}
    t = Table(title="Calibration: target / simulated before and after the fit / error / standard error")
    for col in ("target", "year", "target value", "before", "after", "error", "SE", "in noise", "fitted by"):
        t.add_column(col, justify="left" if col in ("target", "fitted by") else "right")
    for r in result.table_after:
        b = before.get(r["target"], {})
        se = r.get("se")
        rel_se = None if se is None or not r["value"] else se / abs(float(r["value"]))
        noise = {True: "yes", False: "no"}.get(r.get("within_noise"), "-" if se is None else "?")
        t.add_row(r["target"], str(r["year"]), num(r["value"]), num(b.get("simulated")), num(r["simulated"]),
                  pct(r["rel_error"]), "-" if rel_se is None else f"±{100 * rel_se:.1f}%", noise,
                  r.get("fitted_by") or "-")
    console.print(t)
    console.print(f"{result.evals} runs, {result.sweeps} sweep(s), {result.seconds:.1f} s"
                  + ("" if result.converged else " (stopped by the run budget)"))
    if write or out is not None:
        path = write_baseline_fit(result, out)
        console.print(f"wrote {path}")
    return result
