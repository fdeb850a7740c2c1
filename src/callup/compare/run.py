"""Run scenarios side by side on common random numbers and take their differences.

Common random numbers (CRN): :func:`callup.simulation.simulate` draws everything from ``seed``: the
population is built from ``SeedSequence(seed)`` and every process of every campaign step draws from
its own generator ``SeedSequence(seed, spawn_key=(campaign index, crc32(process name)))``. Run with the
same seed, the same ``start`` campaign and the same scale, two scenarios therefore get the same
population and the same random streams: a campaign in which neither scenario has changed anything yet
comes out identical (bit for bit), and a difference is caused by the scenario, not by noise.

What the engine does not align (documented in :data:`CRN_LIMITS`): within one process of one step the
draws are taken positionally over a pool that depends on the state (``rng.random(pool.size)``, a
binomial count whose probability the scenario changes, alignment keys drawn only when the pool exceeds
the quota), so once the scenarios' states differ, the same man does not necessarily get the same draw
in that process from then on. The streams of the other processes and of the other campaigns are not
moved by it (each has its own spawn key), so the divergence stays confined to what the scenario
changes and what follows from it.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from callup.scenarios.model import Scenario, ScenarioError
from callup.simulation.run import SimulationError, SimulationResult, campaign_range, simulate

INTERVAL = 0.90
"""The interval of the differences across runs (5th to 95th percentile)."""

MEASURES: dict[str, tuple[str, str, str]] = {
    "drafted": ("drafted", "sum", "conscripts drafted (flow)"),
    "summoned": ("summoned", "sum", "men handed a summons (flow)"),
    "ignored": ("ignored", "sum", "summonses ignored (flow)"),
    "deferred": ("status_deferred", "mean", "resident men 17-32 not in service with a deferral (stock)"),
    "exempt": ("status_exempt", "mean", "resident men 17-32 not in service exempt (stock)"),
    "liable": ("status_liable", "mean", "resident men 17-32 not in service liable for call-up (stock)"),
    "acs_applied": ("acs_applied", "sum", "applications for alternative civilian service (flow)"),
    "acs_in_service": ("in_service_acs", "last", "men in alternative civilian service (stock)"),
    "emigrated": ("emigrated", "sum", "men who left the country (flow)"),
    "contracts": ("contracts", "sum", "first contracts signed (flow)"),
    "mobilised": ("mobilised", "sum", "reservists mobilised (flow)"),
    "convictions_328": ("convicted_328", "sum", "Art. 328 convictions (flow)"),
    "legal_aid": ("legal_aid", "sum", "requests for legal aid by summoned men (flow)"),
}
"""Measure -> (campaign column of the run, aggregation over the campaigns of a year, meaning). Flows
are summed over the year's campaigns; the status stocks (counted on each campaign day) are averaged;
men in ACS is the stock on the year's last campaign day (as ``years.csv`` of a run)."""

CRN_LIMITS: tuple[str, ...] = (
    "population: built from the seed and from the law in force on the first day of the run "
    "(callup.age_max, acs.term_months, callup.service_months, callup.windows); a scenario that changes "
    "these before the start gets another population (none of the bundled ones does; compare() checks it "
    "and says so in notes)",
    "within a process, draws are positional over state-dependent pools (summons, response, examination, "
    "selection, enforcement, acs: rng.random(pool.size)): once the states differ, the same man no longer "
    "gets the same draw in that process of that step; other processes and later campaigns keep their own "
    "streams (spawn key = campaign index, process)",
    "migration and contracts draw a binomial count with a probability the scenario moves (2022 shocks, "
    "war factor, payment) and then choose that many rows: the leavers/signers under a higher rate are not "
    "a superset of those under the lower rate, and the draws after them (deregistration, returns) shift",
    "alignment (_take_first) draws its keys only when the pool exceeds the quota, so a pool that crosses "
    "the quota changes the number of draws of the rest of that process's step",
    "campaign index: streams are keyed by the campaign's position in the run, so scenarios compared "
    "must start on the same campaign (compare() runs them all over the same range)",
)
"""What in the engine breaks or weakens common random numbers (reported in compare.json)."""

class ComparisonError(ValueError):
    """A bad argument to :func:`compare` (the message names the value and what is allowed)."""


@dataclass
class ComparisonResult:
    """The runs of each scenario (reference first) and their differences from the reference.

    ``years`` and ``campaigns`` are long tables, one row per (scenario, run, year|campaign, measure) with
    ``value``, ``reference`` (the reference scenario's value in the same run) and ``difference``
    (value - reference). ``summary_years``/``summary_campaigns`` hold, per (scenario, year|campaign,
    measure), the mean over runs of value, reference and difference and the 90% interval of the
    difference across runs (``difference_lo``/``difference_hi``, 5th/95th percentile).
    """

    scenarios: list[str]  # labels (unique), the reference first
    specs: list[str]  # as given (names or files)
    seed: int
    runs: int
    scale: float
    start: str
    end: str
    results: dict[str, list[SimulationResult]]
    years: list[dict[str, Any]]
    campaigns: list[dict[str, Any]]
    summary_years: list[dict[str, Any]]
    summary_campaigns: list[dict[str, Any]]
    first_difference: dict[str, str | None]
    timings: dict[str, Any]
    notes: list[str] = field(default_factory=list)

    @property
    def reference(self) -> str:
        return self.scenarios[0]

    @property
    def seeds(self) -> list[int]:
        return list(range(self.seed, self.seed + self.runs))

    @property
    def year_list(self) -> list[int]:
        return sorted({r["year"] for r in self.summary_years})

    def difference(self, scenario: str, year: int, measure: str) -> float:
        """The mean difference (scenario - reference) of ``measure`` in ``year``."""
        for r in self.summary_years:
            if r["scenario"] == scenario and r["year"] == year and r["measure"] == measure:
                return r["difference_mean"]
        raise KeyError((scenario, year, measure))


def _labels(scens: Sequence[Scenario]) -> list[str]:
    out: list[str] = []
    for s in scens:
        label, k = s.name, 2
        while label in out:
            label, k = f"{s.name}-{k}", k + 1
        out.append(label)
    return out


def _check(scenarios: Sequence[str], seed: int, runs: int, scale: float) -> None:
    if isinstance(scenarios, str) or not isinstance(scenarios, Sequence):
        raise ComparisonError(f"scenarios {scenarios!r}: expected a list of two or more names or files")
    if len(scenarios) < 2:
        raise ComparisonError(f"scenarios {list(scenarios)!r}: expected two or more (the first is the reference)")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ComparisonError(f"seed {seed!r}: expected a non-negative integer")
    if isinstance(runs, bool) or not isinstance(runs, int) or not 1 <= runs <= 1000:
        raise ComparisonError(f"runs {runs!r}: expected an integer from 1 to 1000")
    if isinstance(scale, bool) or not isinstance(scale, int | float) or not 0 < scale <= 1:
        raise ComparisonError(f"scale {scale!r}: expected a number in (0, 1]")


def load_all(scenarios: Sequence[str], start: str, end: str) -> list[Scenario]:
    """Load every scenario and check the campaign range under each law (before anything runs)."""
    from callup.scenarios import load_scenario

    out = []
    for spec in scenarios:
        if isinstance(spec, Scenario):
            scen = spec
        else:
            try:
                scen = load_scenario(spec)
            except ScenarioError as exc:
                raise ComparisonError(str(exc)) from None
        try:
            campaign_range(scen.law, start, end)
        except SimulationError as exc:
            raise ComparisonError(f"--from/--to: {exc}") from None
        out.append(scen)
    return out


def _build_inputs(scen: Scenario, start: dt.date) -> dict[str, Any]:
    """What :func:`callup.population.build_population` reads of the law for a run starting on ``start``."""
    from callup.population.build import _callup_windows

    law = scen.law
    return {
        "callup.age_max": law.value_at("callup.age_max", start),
        "acs.term_months": law.value_at("acs.term_months", start),
        "callup.service_months": [(e.start, e.value) for e in law["callup.service_months"].values if e.start <= start],
        "callup.windows": [w.tolist() for w in _callup_windows(law)],
    }


def _build_law_differs(ref: Scenario, other: Scenario, start: dt.date) -> list[str]:
    """The law inputs of the population build that differ between the two scenarios."""
    try:
        a, b = _build_inputs(ref, start), _build_inputs(other, start)
    except Exception:  # the check is advisory: an engine change must not break a comparison
        return []
    return [k for k in a if a[k] != b[k]]


def _measure_rows(result: SimulationResult) -> tuple[list[dict], list[dict]]:
    """(per campaign, per year) rows of the measures of one run."""
    camps = []
    for c in result.campaigns:
        row = {"campaign": c["campaign"], "year": c["year"], "season": c["season"]}
        for m, (col, _, _) in MEASURES.items():
            row[m] = float(c.get(col, 0.0))
        camps.append(row)
    years = []
    for y in sorted({c["year"] for c in camps}):
        rows = [c for c in camps if c["year"] == y]
        out: dict[str, Any] = {"year": y}
        for m, (_, how, _) in MEASURES.items():
            vals = [r[m] for r in rows]
            v = sum(vals) if how == "sum" else vals[-1] if how == "last" else float(np.mean(vals))
            out[m] = round(v, 1)
        years.append(out)
    return camps, years


def _long(label: str, run: int, seed: int, rows: list[dict], ref: list[dict], keys: tuple[str, ...]) -> list[dict]:
    out = []
    for r, q in zip(rows, ref, strict=True):
        base = {"scenario": label, "run": run, "seed": seed, **{k: r[k] for k in keys}}
        for m in MEASURES:
            out.append({**base, "measure": m, "value": r[m], "reference": q[m], "difference": round(r[m] - q[m], 1)})
    return out


def _summary(rows: list[dict], keys: tuple[str, ...], runs: int) -> list[dict]:
    groups: dict[tuple, list[dict]] = {}
    for r in rows:
        groups.setdefault((r["scenario"], *(r[k] for k in keys), r["measure"]), []).append(r)
    q = (1 - INTERVAL) / 2 * 100
    out = []
    for (label, *kv, measure), g in groups.items():
        d = np.array([r["difference"] for r in g])
        lo, hi = np.percentile(d, [q, 100 - q]) if len(d) > 1 else (d[0], d[0])
        out.append({"scenario": label, **dict(zip(keys, kv, strict=True)), "measure": measure, "runs": runs,
                    "value_mean": round(float(np.mean([r["value"] for r in g])), 1),
                    "reference_mean": round(float(np.mean([r["reference"] for r in g])), 1),
                    "difference_mean": round(float(d.mean()), 1),
                    "difference_lo": round(float(lo), 1), "difference_hi": round(float(hi), 1)})
    return out


def compare(
    scenarios: Sequence[str | Scenario],
    seed: int = 0,
    runs: int = 1,
    scale: float = 0.01,
    start: str = "2019-spring",
    end: str = "2025-autumn",
    progress: Callable[[int, int, str], None] | None = None,
) -> ComparisonResult:
    """Run each scenario (names or files; the first is the reference) over ``start``..``end`` at
    ``scale`` with the seeds ``seed`` .. ``seed + runs - 1``, every scenario of a run on the same seed
    (common random numbers), and take the differences from the reference per year and per campaign.

    ``progress(done, total, text)`` is called after every campaign step of every run (``total`` =
    scenarios × runs × campaigns). Raises :class:`ComparisonError` for a bad argument before running.
    """
    _check(scenarios, seed, runs, scale)
    scens = load_all(scenarios, start, end)
    labels = _labels(scens)
    notes = []
    camps = campaign_range(scens[0].law, start, end)
    for label, s in zip(labels[1:], scens[1:], strict=True):
        moved = _build_law_differs(scens[0], s, dt.date(camps[0].year, 1, 1))
        if moved:
            notes.append(f"{label}: changes {', '.join(moved)}, which the population build reads: its population "
                         f"differs from the reference's (differences include population noise)")
    n_camps = len(camps)
    total = n_camps * len(scens) * runs
    t0 = time.perf_counter()
    results: dict[str, list[SimulationResult]] = {label: [] for label in labels}
    year_rows, camp_rows = [], []
    first_difference: dict[str, str | None] = {}
    done = 0
    for run in range(runs):
        s = seed + run
        measured = []
        for k, (label, scen) in enumerate(zip(labels, scens, strict=True)):
            def tick(i: int, n: int, name: str, base=done, label=label, k=k, s=s, run=run) -> None:
                if progress is not None:
                    progress(base + i, total, f"run {run * len(scens) + k + 1}/{runs * len(scens)}: "
                                              f"{label} seed {s}, {name}")

            res = simulate(scen, start, end, scale, s, progress=tick)
            done += n_camps
            results[label].append(res)
            measured.append(_measure_rows(res))
            if run == 0:
                ref = results[labels[0]][0].campaigns
                first_difference[label] = next(
                    (a["campaign"] for a, b in zip(res.campaigns, ref, strict=True)
                     if any(a.get(c, 0.0) != b.get(c, 0.0) for c in set(a) | set(b))), None)
        ref_c, ref_y = measured[0]
        for label, (camps, years) in zip(labels, measured, strict=True):
            camp_rows += _long(label, run, s, camps, ref_c, ("campaign", "year", "season"))
            year_rows += _long(label, run, s, years, ref_y, ("year",))
    total_s = time.perf_counter() - t0
    timings = {
        "total_s": round(total_s, 3),
        "runs": {label: [r.timings for r in rs] for label, rs in results.items()},
        "mean_run_s": round(total_s / (len(scens) * runs), 3),
    }
    return ComparisonResult(
        scenarios=labels, specs=[s if isinstance(s, str) else s.name for s in scenarios], seed=seed, runs=runs,
        scale=float(scale), start=start, end=end, results=results, years=year_rows, campaigns=camp_rows,
        summary_years=_summary(year_rows, ("year",), runs),
        summary_campaigns=_summary(camp_rows, ("campaign", "year", "season"), runs),
        first_difference=first_difference, timings=timings, notes=notes,
    )
