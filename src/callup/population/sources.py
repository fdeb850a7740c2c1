"""The bundled, cited figures the synthetic population is built from (``callup/data/ru``).

Every file carries its source in a header comment (CSV) or per figure (YAML), copied from the
project's data notes. The package reads only these bundled files, never ``../shared``: they are
installed with the package (package data), so an installed ``callup`` builds the same population.

* :func:`rosbris` - men by single year of age 0-100, mean annual population and death rate per
  1,000, 2019-2022 (RosBRIS, NES).
* :func:`wpp_mx` - UN WPP 2024 male central death rates, 5-year groups, 2015-20 and 2020-25.
* :func:`death_rates` - the single-age male death rates to use in a simulated year.
* :func:`fitness_at_first_exam` - the split of categories А/Б/В/Г/Д at a first draft-board
  examination for a given fit share (the population assumption ``health.first_exam_fit_share``),
  shaped by the medical-fitness rows (2007 shape of the unfit, 2001 А/Б split);
  :func:`campaign_fit_share_2019` - the 2019 share of the men examined in the campaigns found fit.
* :func:`figures` - single figures (education stocks, the 2018 quotas, contract soldiers, ACS).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
import yaml

DATA_PACKAGE = "callup"
DATA_DIR = "data/ru"

ROSBRIS_FILE = "rosbris_men_2019_2022.csv"
WPP_FILE = "wpp2024_mx5_men.csv"
MEDICAL_FILE = "medical_fitness.csv"
FIGURES_FILE = "figures.yaml"

__all__ = [
    "DataError",
    "RosBRIS",
    "campaign_fit_share_2019",
    "death_rates",
    "figure",
    "figures",
    "fitness_at_first_exam",
    "read_text",
    "rosbris",
    "source_of",
    "wpp_mx",
]


class DataError(ValueError):
    """A bundled data file is missing, malformed or lacks what the build needs."""


def read_text(name: str) -> str:
    """The text of a bundled data file ``callup/data/ru/<name>``."""
    path = resources.files(DATA_PACKAGE).joinpath(DATA_DIR).joinpath(name)
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataError(f"bundled data file {DATA_DIR}/{name} is missing (is the package data installed?)") from None


def _rows(name: str) -> tuple[list[str], list[dict[str, str]]]:
    """(header comment lines, rows) of a bundled CSV whose leading ``#`` lines are its source."""
    text = read_text(name)
    comments = [line[1:].strip() for line in text.splitlines() if line.startswith("#")]
    body = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    rows = list(csv.DictReader(io.StringIO(body)))
    if not rows:
        raise DataError(f"{DATA_DIR}/{name}: no rows")
    return comments, rows


def source_of(name: str) -> str:
    """The source note of a bundled CSV (its header comment), for reports."""
    return " ".join(_rows(name)[0])


@dataclass(frozen=True)
class RosBRIS:
    """Men by single year of age (0..100, 100 = 100+) for each year of ``years``."""

    years: tuple[int, ...]
    ages: np.ndarray  # int16, 0..100
    population: np.ndarray  # float64 (len(years), 101): mean annual population
    death_rate: np.ndarray  # float64 (len(years), 101): deaths per 1,000

    def men(self, year: int) -> np.ndarray:
        """Mean annual male population by single age (index = age) in ``year``."""
        return self.population[self._row(year)]

    def mx(self, year: int) -> np.ndarray:
        """Male death rate per person-year by single age in ``year``."""
        return self.death_rate[self._row(year)] / 1000.0

    def _row(self, year: int) -> int:
        if year not in self.years:
            raise DataError(f"RosBRIS has no year {year}; bundled years: {self.years[0]}-{self.years[-1]}")
        return self.years.index(year)


@lru_cache(maxsize=1)
def rosbris() -> RosBRIS:
    _, rows = _rows(ROSBRIS_FILE)
    years = sorted({int(r["year"]) for r in rows})
    ages = np.arange(101, dtype=np.int16)
    pop = np.full((len(years), 101), np.nan)
    dr = np.full((len(years), 101), np.nan)
    for r in rows:
        y, a = years.index(int(r["year"])), int(r["age"])
        pop[y, a] = float(r["male_mean_annual_pop"])
        dr[y, a] = float(r["male_death_rate_per_1000"])
    if np.isnan(pop).any() or np.isnan(dr).any():
        raise DataError(f"{DATA_DIR}/{ROSBRIS_FILE}: missing ages (need 0-100 for every year)")
    pop.flags.writeable = False
    dr.flags.writeable = False
    return RosBRIS(tuple(years), ages, pop, dr)


@lru_cache(maxsize=1)
def wpp_mx() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """``{period: (age group starts, male mx)}``, e.g. ``"2020-2025"``."""
    _, rows = _rows(WPP_FILE)
    out: dict[str, tuple[list[int], list[float]]] = {}
    for r in rows:
        ages, mx = out.setdefault(r["period"], ([], []))
        ages.append(int(r["age"]))
        mx.append(float(r["male_mx"]))
    return {p: (np.array(a, dtype=np.int16), np.array(m)) for p, (a, m) in out.items()}


def death_rates(year: int) -> tuple[np.ndarray, str]:
    """Male death rates per person-year by single age 0..100 for ``year``, and where they come from.

    2019-2022: RosBRIS for that year. Later years: the RosBRIS 2022 single-age rates (the last
    observed year; an assumption - WPP 2024's 2020-25 five-year rates, :func:`wpp_mx`, are the
    cross-check). Earlier years: RosBRIS 2019.
    """
    data = rosbris()
    if year in data.years:
        return data.mx(year), f"RosBRIS {year}"
    edge = data.years[-1] if year > data.years[-1] else data.years[0]
    return data.mx(edge), f"RosBRIS {edge} (assumed for {year})"


HEALTH_ORDER = ("A", "B", "V", "G", "D")


def _medical_rows() -> dict[str, dict[str, str]]:
    _, rows = _rows(MEDICAL_FILE)
    return {r["year"]: r for r in rows}


@lru_cache(maxsize=1)
def campaign_fit_share_2019() -> float:
    """The share of the men examined by the draft boards in the 2019 campaigns who were found fit
    (А+Б): 77.6% (Burdinsky via RIA, the 2019 row). It is the share of a *campaign's* examined men -
    a selection (men found В/Д before are exempt and not summoned, men found fit or Г before are
    examined again) - not of men at their first examination; the calibration target fit_AB_2019."""
    try:
        return float(_medical_rows()["2019"]["fit_A_B_pct"]) / 100
    except (KeyError, ValueError) as exc:
        raise DataError(f"{DATA_DIR}/{MEDICAL_FILE}: cannot read the 2019 fit share ({exc})") from None


@lru_cache(maxsize=1)
def _fitness_shape() -> tuple[tuple[float, float], tuple[float, float, float]]:
    """(А, Б) of the 2001 Biysk registration and (В, Г, Д) of autumn 2007, in percent."""
    by_year = _medical_rows()
    try:
        shape = by_year["2007 autumn"]
        v, g, d = (float(shape[k]) for k in ("limited_V_pct", "temp_unfit_G_pct", "unfit_D_pct"))
        m = re.search(r"A\s+([\d.]+),\s*B\s+([\d.]+)", by_year["2001"]["other"])
        if m is None:
            raise KeyError("2001 A/B split")
        a_pct, b_pct = float(m.group(1)), float(m.group(2))
    except (KeyError, ValueError) as exc:
        raise DataError(f"{DATA_DIR}/{MEDICAL_FILE}: cannot read the fitness split ({exc})") from None
    return (a_pct, b_pct), (v, g, d)


def fitness_at_first_exam(fit_share: float) -> dict[str, float]:
    """Shares of categories А Б В Г Д at a first draft-board examination (sum 1).

    fit (А+Б) = ``fit_share`` (the population assumption ``health.first_exam_fit_share``, calibrated
    so that the men examined in the 2019 campaigns come to :func:`campaign_fit_share_2019`); the unfit
    rest is split В:Г:Д in the shape of autumn 2007 (22.4 : 6.0 : 1.2); the fit are split А:Б as in
    the 2001 Biysk registration (57.7 : 21.72). The 2019-2025 В/Г/Д split is UNCONFIRMED (see the
    file header).
    """
    if isinstance(fit_share, bool) or not isinstance(fit_share, int | float) or not 0.0 < fit_share < 1.0:
        raise DataError(f"fit share at the first examination {fit_share!r}: expected a number in (0, 1)")
    (a_pct, b_pct), (v, g, d) = _fitness_shape()
    fit = float(fit_share)
    unfit = 1.0 - fit
    return {
        "A": fit * a_pct / (a_pct + b_pct),
        "B": fit * b_pct / (a_pct + b_pct),
        "V": unfit * v / (v + g + d),
        "G": unfit * g / (v + g + d),
        "D": unfit * d / (v + g + d),
    }


@lru_cache(maxsize=1)
def figures() -> dict[str, Any]:
    """The single figures of ``figures.yaml`` (``{group: {name: {value, unit, year, source, ...}}}``)."""
    data = yaml.safe_load(read_text(FIGURES_FILE))
    if not isinstance(data, dict):
        raise DataError(f"{DATA_DIR}/{FIGURES_FILE}: expected a mapping")
    for group, items in data.items():
        for name, fig in items.items():
            if "value" not in fig or not str(fig.get("source", "")).strip():
                raise DataError(f"{DATA_DIR}/{FIGURES_FILE}: {group}.{name} needs a value and a source")
    return data


def figure(path: str) -> Any:
    """The value of one figure, ``"group.name"`` (e.g. ``"armed_forces.contract_soldiers_2020"``)."""
    group, name = path.split(".", 1)
    try:
        return figures()[group][name]["value"]
    except KeyError:
        raise DataError(f"{DATA_DIR}/{FIGURES_FILE}: no figure {path!r}") from None
