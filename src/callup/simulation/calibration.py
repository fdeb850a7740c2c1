"""Calibration table: each bundled target the model produces, the simulated value, the error, and the
Monte-Carlo standard error of the simulated value (a run at scale S draws a sample: one row = 1/S men).

Targets: ``callup/data/ru/calibration_targets.csv`` (copied, with sources, from the project's data).
Where the published figure counts something other than the model's quantity, the row says how it is
matched (``measured_as``) and any conversion is a named :class:`Conversion` with a range and a source.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Callable
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Conversion:
    """A named measurement conversion between a published figure and the model's quantity (not a
    behaviour: it changes no run, only what a calibration row compares), with its range and source."""

    name: str
    value: float
    range: tuple[float, float]
    unit: str
    source: str


EMIGRANT_MEN_SHARE = Conversion(
    "emigrant_men_share", 0.75, (0.6, 0.9),
    "share of the people who left Russia in about two weeks after the 2022-09-21 mobilisation decree who were "
    "men aged 18-45 (the model's emigrants: men of 18 to behaviour emigration_age_max)",
    "assumption, UNCONFIRMED: no statistic of the leavers' sex and age was found (../shared/data README 5.2: "
    "'the autumn 2022 wave was mostly men of fighting age', qualitative accounts); the decree called up "
    "reservists and men of call-up and reserve ages feared a closed border, while some women, children and older "
    "men travelled with them. The same 75% underlies the prior of emigration_shock_sep2022 in behaviour.yaml "
    "('about 75% men of 18-45 (assumption) of about 27 million gives about 0.018'). Range 0.6 (the share "
    "assumed for the spring 2022 wave, emigration_shock_feb2022) to 0.9.",
)
"""Converts the model's emigrant men into the people the Forbes Russia figure counts (men / share)."""


@dataclass(frozen=True)
class _Measure:
    """A simulated value and its Monte-Carlo standard error (None: the run's scale is not known)."""

    value: float
    se: float | None
    method: str
    rounding: float = 0.0
    """Half a row's weight per campaign where the value is a whole number of rows taken by alignment:
    the closest a count of whole rows can come to a target that is not a multiple of the weight."""
    upper_bound: bool = False
    """``se`` overstates the error: an error beyond 2 se is beyond the noise, but one inside it is not
    shown to be noise (``within_noise`` is then None, undetermined)."""


SE_METHODS = {
    "poisson": "count of independently drawn rows: sqrt(rows) x weight = sqrt(value x weight)",
    "poisson, upper bound": "count of rows whose number per single-year age the build fixes (only deaths and "
                            "migration are drawn): sqrt(value x weight) overstates the error",
    "binomial": "share of sampled rows: sqrt(p (1 - p) / rows)",
    "alignment": "taken by alignment to an exact number of rows (quota x scale, rounded): no sampling error",
    "ratio": "fixed numerator (alignment) over a population count: the count's relative error (upper bound)",
}
"""How the ``se`` of a calibration row is computed (the ``se_method`` column)."""


def _measures(campaigns: list[dict], years: list[dict],
              weight: float | None) -> dict[str, Callable[[], _Measure | None]]:
    by_year = {y["year"]: y for y in years}
    w = weight

    def yr(year: int, key: str) -> float | None:
        return by_year[year][key] if year in by_year and key in by_year[year] else None

    def camps(year: int, key: str) -> list[float]:
        return [c[key] for c in campaigns if c["year"] == year and key in c]

    def camp_mean(year: int, key: str) -> float | None:
        rows = camps(year, key)
        return sum(rows) / len(rows) if rows else None

    def camp_sum(year: int, keys: tuple[str, ...]) -> float | None:
        rows = [sum(c.get(k, 0.0) for k in keys) for c in campaigns if c["year"] == year]
        return sum(rows) if rows else None

    def last(year: int, key: str) -> float | None:
        rows = camps(year, key)
        return rows[-1] if rows else None

    def named(name: str, key: str) -> float | None:
        rows = [c[key] for c in campaigns if c["campaign"] == name and key in c]
        return rows[0] if rows else None

    def count(v: float | None, method: str = "poisson") -> _Measure | None:
        if v is None:
            return None
        return _Measure(float(v), None if w is None else math.sqrt(max(float(v), 0.0) * w), method)

    def population(v: float | None) -> _Measure | None:
        m = count(v, "poisson, upper bound")
        return None if m is None else _Measure(m.value, m.se, m.method, upper_bound=True)

    def aligned(v: float | None, n_campaigns: int) -> _Measure | None:
        if v is None:
            return None
        return _Measure(float(v), None if w is None else 0.0, "alignment",
                        0.0 if w is None else n_campaigns * w / 2)

    def share(num: float | None, den: float | None) -> _Measure | None:
        if num is None or not den:
            return None
        p = num / den
        se = None if w is None else math.sqrt(max(p * (1 - p), 0.0) / (den / w))
        return _Measure(p, se, "binomial")

    def ratio(num: float | None, den: float | None) -> _Measure | None:
        if num is None or not den:
            return None
        d = population(den)
        se = None if d is None or d.se is None else (num / den) * d.se / den
        return _Measure(num / den, se, "ratio", upper_bound=True)

    def emigrant_people() -> _Measure | None:
        men = count(named("2022-autumn", "emigrated"))
        if men is None:
            return None
        k = EMIGRANT_MEN_SHARE.value
        return _Measure(men.value / k, None if men.se is None else men.se / k, men.method)

    m: dict[str, Callable[[], _Measure | None]] = {
        "pop_men_18_27": lambda: population(camp_mean(2022, "men_18_27")),
        "pop_men_18_30": lambda: population(camp_mean(2022, "men_18_30")),
        "pop_men_age18": lambda: population(camp_mean(2022, "men_18")),
        "draft_rate_18_27": lambda: ratio(yr(2022, "drafted"), camp_mean(2022, "men_18_27")),
        "fit_AB_2019": lambda: share(camp_sum(2019, ("examined_A", "examined_B")), camp_sum(2019, ("examined",))),
        "acs_2022": lambda: count(last(2022, "in_service_acs")),
        "evaders_2019": lambda: count(yr(2019, "prosecuted")),
        "contracts_2023": lambda: count(yr(2023, "contracts")),
        "mobilised_2022": lambda: aligned(yr(2022, "mobilised"), 1),
        "emig_mobilisation_2wk": emigrant_people,
        "dso_requests_prewar": lambda: count(yr(2019, "legal_aid")),
    }
    for y in range(2019, 2026):
        m[f"quota_{y}"] = lambda y=y: aligned(yr(y, "drafted"), len(camps(y, "drafted")))
    for y in (2019, 2020, 2021):
        m[f"art328_{y}"] = lambda y=y: count(yr(y, "convictions_328"))
    return m


HOW = {
    "pop_men_18_27": "resident men aged 18-27, mean of the 2022 campaign days",
    "pop_men_18_30": "resident men aged 18-30, mean of the 2022 campaign days",
    "pop_men_age18": "resident men aged 18, mean of the 2022 campaign days",
    "draft_rate_18_27": "drafted in 2022 / resident men aged 18-27",
    "fit_AB_2019": "examined A+B / examined, 2019 (the men examined in the campaigns, as the target counts)",
    "acs_2022": "men in ACS on the 2022-autumn campaign day",
    "evaders_2019": (
        "men against whom an Art. 328 prosecution was opened in 2019 (the commissariats' referrals of men who "
        "ignored a summons: ignored x prosecute_no_show, once per man). The General Staff's 'about 1,000 evaders' "
        "(2019, against '20,000 before') is not every man who missed a summons (about 58,000 a year in the model, "
        "most of them never proven to have been served): it is the men counted as deliberately evading, and only a "
        "proven personally served summons makes a no-show an Art. 328 offence, so it is matched with the "
        "prosecutions; the courts decided about 766 such cases in 2019 (597 convictions, 139 closed with a court "
        "fine, 30 for active repentance). That both count the same men is UNCONFIRMED"
    ),
    "contracts_2023": "first contracts signed in 2023",
    "mobilised_2022": "reservists mobilised in 2022",
    "emig_mobilisation_2wk": (
        "people who left: men aged 18-45 who emigrated between the 2022-spring and 2022-autumn campaign days "
        f"divided by emigrant_men_share {EMIGRANT_MEN_SHARE.value} (the target counts people of any sex and age, "
        "the model men of 18-45; the share is an UNCONFIRMED assumption, range "
        f"{EMIGRANT_MEN_SHARE.range[0]}-{EMIGRANT_MEN_SHARE.range[1]})"
    ),
    "dso_requests_prewar": "summoned men who asked a legal-aid group for help, 2019",
}

POOLED = {"art328_2019_2021": ("art328_2019", "art328_2020", "art328_2021")}
"""Rows that pool several targets (sum of the simulated values against the sum of the targets)."""

POOLED_FIGURE = {
    "art328_2019_2021": "Art. 328 convictions 2019-2021, the three years pooled (2021: cases, measure uncertain)",
}


def _within_noise(err: float, m: _Measure) -> bool | None:
    """|error| <= 2 se (+ the whole-row rounding of aligned values); None where se is unknown, or is an
    upper bound and the error lies inside it (undetermined)."""
    if m.se is None:
        return None
    inside = abs(err) <= 2 * float(m.se) + m.rounding + 1e-9
    return None if inside and m.upper_bound else inside


def _row(tid: str, figure: str, year: str, lo: float, hi: float, m: _Measure, how: str, source: str) -> dict[str, Any]:
    target = (lo + hi) / 2
    sim = float(m.value)
    err = sim - target
    se = None if m.se is None else float(f"{float(m.se):.4g}")
    return {
        "target": tid, "figure": figure, "year": year, "value": target,
        "low": lo, "high": hi, "simulated": round(sim, 4),
        "error": round(err, 4),
        "rel_error": round(err / target, 4) if target else None,
        "in_range": lo <= sim <= hi if lo != hi else None,
        "measured_as": how, "source": source,
        "se": se,
        "within_noise": _within_noise(err, m),
        "se_method": m.method,
    }


def calibration_table(campaigns: list[dict], years: list[dict], scale: float | None = None) -> list[dict[str, Any]]:
    """One row per bundled target the run covers: target (midpoint of a range), simulated, error, and
    (with the run's ``scale``) the Monte-Carlo standard error of the simulated value (``se``, see
    :data:`SE_METHODS`), whether the error is within 2 se (``within_noise``; plus the whole-row
    rounding of values taken by alignment; None where se is only an upper bound and the error lies
    inside it) and how se was computed (``se_method``). Rows of :data:`POOLED` follow the targets they
    pool."""
    weight = None if scale is None else 1.0 / float(scale)
    measures = _measures(campaigns, years, weight)
    out = []
    for t in targets():
        fn = measures.get(t["id"])
        m = fn() if fn is not None else None
        if m is None:
            continue
        lo, hi = _range(t["value"])
        how = HOW.get(t["id"], "men drafted in the year (selection by alignment)" if t["id"].startswith("quota_")
                      else "Art. 328 convictions in the year")
        out.append(_row(t["id"], t["figure"], t["year"], lo, hi, m, how, t["source"]))
    by_id = {r["target"]: r for r in out}
    for pooled, parts in POOLED.items():
        if not all(p in by_id for p in parts):
            continue
        rows = [by_id[p] for p in parts]
        sim = sum(float(r["simulated"]) for r in rows)
        se = None if weight is None else math.sqrt(max(sim, 0.0) * weight)
        years_ = f"{rows[0]['year']}-{rows[-1]['year']}"
        out.append(_row(pooled, POOLED_FIGURE[pooled], years_, sum(r["low"] for r in rows),
                        sum(r["high"] for r in rows), _Measure(sim, se, "poisson"),
                        "Art. 328 convictions in 2019, 2020 and 2021, summed (one prosecution rate against the pooled "
                        "count: a single year is only a few rows at small scales)",
                        "sum of " + ", ".join(parts)))
    return out
