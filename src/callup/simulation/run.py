"""Run the simulation: build the population, then run the ordered processes once per campaign."""

from __future__ import annotations

import csv
import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import numpy as np

from callup.jurisdictions.ru.calendar import Campaign, campaign_named, campaigns_between
from callup.law.dates import to_day
from callup.population import build_population, load_assumptions
from callup.population.assumptions import AssumptionError

from .processes import PROCESSES, Step
from .scenarios import Scenario, load_scenario
from .state import SimState, new_state

YEAR_FLOWS = ("drafted", "quota", "summoned", "appeared", "ignored", "fined", "prosecuted", "convicted_328",
              "emigrated", "returned", "contracts", "mobilised", "acs_applied", "acs_approved", "legal_aid", "deaths")
"""Flows summed over the campaigns of a year."""


class SimulationError(ValueError):
    """A bad argument to :func:`simulate` (the message names the value and what is allowed)."""


@dataclass
class SimulationResult:
    """Per-campaign rows (national units: counts × weight), per-year rows, flows, and run facts."""

    scenario: str
    seed: int
    scale: float
    campaigns: list[dict[str, Any]]
    years: list[dict[str, Any]]
    flows: list[dict[str, Any]]  # long form: campaign, flow, value
    timings: dict[str, float]
    behaviour: dict[str, float] = field(default_factory=dict)
    rows: int = 0
    state: SimState | None = field(default=None, repr=False)
    assumptions: dict[str, float] = field(default_factory=dict)
    """The population assumptions the scenario moved from assumptions.yaml (the calibrated ones)."""


@cache
def _payments() -> tuple[tuple[int, float], ...]:
    text = resources.files("callup").joinpath("data/ru/signup_payments.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    return tuple(sorted((to_day(r["from"]), float(r["payment_rub"])) for r in rows))


def signup_payment(day: int) -> float:
    """The federal one-time contract payment in force on ``day`` (bundled signup_payments.csv)."""
    value = 0.0
    for start, pay in _payments():
        if start <= day:
            value = pay
    return value


def campaign_range(law, first: str, last: str) -> list[Campaign]:
    """The campaigns from ``first`` to ``last`` (names like 2019-spring), checked."""
    try:
        a, b = campaign_named(law, first), campaign_named(law, last)
    except ValueError as exc:
        raise SimulationError(str(exc)) from None
    if a.start > b.start:
        raise SimulationError(f"--from {first} is after --to {last}")
    return [c for c in campaigns_between(law, a.start, b.end) if a.start <= c.start <= b.start]


def simulate(
    scenario: str | Scenario = "baseline",
    start: str = "2019-spring",
    end: str = "2025-autumn",
    scale: float = 0.01,
    seed: int = 0,
    progress: Callable[[int, int, str], None] | None = None,
    keep_state: bool = False,
) -> SimulationResult:
    """Simulate the campaigns ``start``..``end`` at ``scale`` (0 < scale <= 1) with ``seed``.

    Deterministic: every process draws from ``SeedSequence(seed, spawn_key=(campaign, process))``.
    ``progress(i, n, campaign)`` is called after each campaign step.
    """
    if isinstance(scale, bool) or not isinstance(scale, int | float) or not 0 < scale <= 1:
        raise SimulationError(f"scale {scale!r}: expected a number in (0, 1]")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise SimulationError(f"seed {seed!r}: expected a non-negative integer")
    scen = load_scenario(scenario) if isinstance(scenario, str) else scenario
    law = scen.law
    camps = campaign_range(law, start, end)
    t0 = time.perf_counter()
    first_year = camps[0].year
    try:
        assumptions = load_assumptions().with_overrides(scen.assumptions)
    except AssumptionError as exc:
        raise SimulationError(f"scenario {scen.name}: population assumptions: {exc}") from None
    sp = build_population(dt.date(first_year, 1, 1), scale, seed, dt.date(camps[-1].year + 1, 1, 1),
                          assumptions=assumptions, law=law)
    t_build = time.perf_counter() - t0
    state = new_state(sp)
    steps, done = [], False
    prev = to_day(dt.date(first_year, 1, 1))
    step_times = []
    for i, c in enumerate(camps):
        ts = time.perf_counter()
        step = Step(campaign=c, index=i, day=c.callup_start, prev_day=prev, law=law,
                    b=scen.behaviour_on(c.callup_start), assumptions=assumptions, seed=seed, scale=float(scale),
                    payments=scen.payment_at, mobilisation_done=done, events=scen.events)
        for process in PROCESSES:
            process(state, step)
        done = step.mobilisation_done
        prev = step.day
        step.release()  # the tables need the counts only: the step's row arrays would pile up
        steps.append(step)
        step_times.append(time.perf_counter() - ts)
        if progress is not None:
            progress(i + 1, len(camps), c.name)
    result = _tables(steps, sp.weight)
    timings = {"build_s": round(t_build, 3), "steps_s": round(sum(step_times), 3),
               "total_s": round(time.perf_counter() - t0, 3),
               "mean_step_s": round(sum(step_times) / len(step_times), 4)}
    return SimulationResult(scen.name, seed, float(scale), result[0], result[1], result[2], timings,
                            dict(scen.behaviour), len(sp), state if keep_state else None,
                            {k: float(v) for k, v in scen.assumptions.items()})


def _tables(steps: list[Step], weight: float) -> tuple[list[dict], list[dict], list[dict]]:
    keys: list[str] = []
    for s in steps:
        keys += [k for k in s.counts if k not in keys]
    campaigns, flows = [], []
    for s in steps:
        c = s.campaign
        row: dict[str, Any] = {"campaign": c.name, "year": c.year, "season": c.season,
                               "day": dt.date.fromordinal(dt.date(1970, 1, 1).toordinal() + s.day).isoformat()}
        for k in keys:
            row[k] = round(s.counts.get(k, 0.0) * weight, 1)
        row["quota_decree"] = float(s.law.value_at("callup.quota", c.callup_start))
        campaigns.append(row)
        flows += [{"campaign": c.name, "flow": k, "value": row[k]} for k in keys]
    years = []
    for y in sorted({r["year"] for r in campaigns}):
        rows = [r for r in campaigns if r["year"] == y]
        out: dict[str, Any] = {"year": y}
        for k in YEAR_FLOWS:
            out[k] = round(sum(r.get(k, 0.0) for r in rows), 1)
        last = rows[-1]
        out["acs_in_service"] = last.get("in_service_acs", 0.0)
        out["conscripts_in_service"] = last.get("in_service_conscripts", 0.0)
        out["convictions_328"] = out.pop("convicted_328")
        out["men_18_27"] = round(float(np.mean([r.get("men_18_27", 0.0) for r in rows])), 1)
        years.append(out)
    return campaigns, years, flows
