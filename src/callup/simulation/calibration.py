"""Calibration table: each bundled target the model produces, the simulated value and the error.

Targets: ``callup/data/ru/calibration_targets.csv`` (copied, with sources, from the project's data).
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from functools import cache
from importlib import resources
from typing import Any


@cache
def targets() -> tuple[dict[str, str], ...]:
    """The bundled calibration targets (rows of id, figure, value, unit, year, source, note)."""
    text = resources.files("callup").joinpath("data/ru/calibration_targets.csv").read_text(encoding="utf-8")
    return tuple(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))


def _range(value: str) -> tuple[float, float]:
    if "-" in value.strip("-"):
        lo, hi = value.split("-", 1)
        return float(lo), float(hi)
    return float(value), float(value)


def _measures(campaigns: list[dict], years: list[dict]) -> dict[str, Callable[[], float | None]]:
    by_year = {y["year"]: y for y in years}

    def yr(year: int, key: str) -> float | None:
        return by_year[year][key] if year in by_year else None

    def camp_mean(year: int, key: str) -> float | None:
        rows = [c[key] for c in campaigns if c["year"] == year and key in c]
        return sum(rows) / len(rows) if rows else None

    def camp_sum(year: int, keys: tuple[str, ...]) -> float | None:
        rows = [sum(c.get(k, 0.0) for k in keys) for c in campaigns if c["year"] == year]
        return sum(rows) if rows else None

    def ratio(a: float | None, b: float | None) -> float | None:
        return None if a is None or not b else a / b

    def last(year: int, key: str) -> float | None:
        rows = [c[key] for c in campaigns if c["year"] == year and key in c]
        return rows[-1] if rows else None

    def named(name: str, key: str) -> float | None:
        rows = [c[key] for c in campaigns if c["campaign"] == name and key in c]
        return rows[0] if rows else None

    m: dict[str, Callable[[], float | None]] = {
        "pop_men_18_27": lambda: camp_mean(2022, "men_18_27"),
        "pop_men_18_30": lambda: camp_mean(2022, "men_18_30"),
        "pop_men_age18": lambda: camp_mean(2022, "men_18"),
        "draft_rate_18_27": lambda: ratio(yr(2022, "drafted"), camp_mean(2022, "men_18_27")),
        "fit_AB_2019": lambda: ratio(camp_sum(2019, ("examined_A", "examined_B")), camp_sum(2019, ("examined",))),
        "acs_2022": lambda: last(2022, "in_service_acs"),
        "evaders_2019": lambda: yr(2019, "ignored"),
        "contracts_2023": lambda: yr(2023, "contracts"),
        "mobilised_2022": lambda: yr(2022, "mobilised"),
        "emig_mobilisation_2wk": lambda: named("2022-autumn", "emigrated"),
        "dso_requests_prewar": lambda: yr(2019, "legal_aid"),
    }
    for y in range(2019, 2026):
        m[f"quota_{y}"] = lambda y=y: yr(y, "drafted")
    for y in (2019, 2020, 2021):
        m[f"art328_{y}"] = lambda y=y: yr(y, "convictions_328")
    return m


HOW = {
    "pop_men_18_27": "resident men aged 18-27, mean of the 2022 campaign days",
    "pop_men_18_30": "resident men aged 18-30, mean of the 2022 campaign days",
    "pop_men_age18": "resident men aged 18, mean of the 2022 campaign days",
    "draft_rate_18_27": "drafted in 2022 / resident men aged 18-27",
    "fit_AB_2019": "examined A+B / examined, 2019",
    "acs_2022": "men in ACS on the 2022-autumn campaign day",
    "evaders_2019": "summoned men who ignored the summons, 2019",
    "contracts_2023": "first contracts signed in 2023",
    "mobilised_2022": "reservists mobilised in 2022",
    "emig_mobilisation_2wk": (
        "men who emigrated between the 2022-spring and 2022-autumn campaign days (men only; the target counts people)"
    ),
    "dso_requests_prewar": "summoned men who asked a legal-aid group for help, 2019",
}


def calibration_table(campaigns: list[dict], years: list[dict]) -> list[dict[str, Any]]:
    """One row per bundled target the run covers: target (midpoint of a range), simulated, error."""
    measures = _measures(campaigns, years)
    out = []
    for t in targets():
        fn = measures.get(t["id"])
        sim = fn() if fn is not None else None
        if sim is None:
            continue
        lo, hi = _range(t["value"])
        target = (lo + hi) / 2
        how = HOW.get(t["id"], "men drafted in the year (selection by alignment)" if t["id"].startswith("quota_")
                      else "Art. 328 convictions in the year")
        out.append({
            "target": t["id"], "figure": t["figure"], "year": t["year"], "value": target,
            "low": lo, "high": hi, "simulated": round(float(sim), 4),
            "error": round(float(sim) - target, 4),
            "rel_error": round((float(sim) - target) / target, 4) if target else None,
            "in_range": lo <= float(sim) <= hi if lo != hi else None,
            "measured_as": how, "source": t["source"],
        })
    return out
