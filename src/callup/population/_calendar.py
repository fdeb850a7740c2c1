"""Fast calendar lookups for building tens of millions of rows (gathers from small tables).

:mod:`callup.law.dates` is the reference for every date rule; this module only precomputes, once,
the days the build needs over and over (1 September, 30 June, 1 October of a year; the yyyymmdd key
and the year of a day) and answers them with one gather per row. Results equal the reference
functions for 1930-2069 (tested); other days fall back to them.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from callup.law.dates import NEVER, NEVER_KEY, date_key, to_day, year_of

FIRST_YEAR = 1930
END_YEAR = 2070  # exclusive


@lru_cache(maxsize=1)
def _tables() -> dict[str, np.ndarray]:
    years = np.arange(FIRST_YEAR, END_YEAR)
    d0 = to_day(f"{FIRST_YEAR}-01-01")
    d1 = to_day(f"{END_YEAR}-01-01")
    days = np.arange(d0, d1, dtype=np.int32)
    out = {
        "sep1": np.array([to_day(f"{y}-09-01") for y in years], dtype=np.int32),
        "jun30": np.array([to_day(f"{y}-06-30") for y in years], dtype=np.int32),
        "oct1": np.array([to_day(f"{y}-10-01") for y in years], dtype=np.int32),
        "jan1": np.array([to_day(f"{y}-01-01") for y in years], dtype=np.int32),
        "key": date_key(days),
        "year": year_of(days).astype(np.int32),
        "d0": np.array([d0, d1], dtype=np.int32),
    }
    for v in out.values():
        v.flags.writeable = False
    return out


def _year_table(name: str, year: np.ndarray) -> np.ndarray:
    # years come from birth dates (1930+) plus study offsets, so they are always inside the table;
    # a year past the end raises IndexError rather than wrapping
    return _tables()[name][np.asarray(year, dtype=np.int32) - FIRST_YEAR]


def sep1(year: np.ndarray) -> np.ndarray:
    """1 September of ``year`` (the start of a school / academic year), int32 day."""
    return _year_table("sep1", year)


def jun30(year: np.ndarray) -> np.ndarray:
    """30 June of ``year`` (the end of a school / academic year: the diploma date used), int32 day."""
    return _year_table("jun30", year)


def oct1(year: np.ndarray) -> np.ndarray:
    return _year_table("oct1", year)


def jan1(year: np.ndarray) -> np.ndarray:
    return _year_table("jan1", year)


def key(days: np.ndarray) -> np.ndarray:
    """``date_key`` of int32 days (NEVER -> NEVER_KEY), by a gather."""
    t = _tables()
    d0, d1 = int(t["d0"][0]), int(t["d0"][1])
    days = np.asarray(days, dtype=np.int32)
    inside = (days >= d0) & (days < d1)
    if inside.all():
        return t["key"][days - d0]
    out = np.where(days >= NEVER, NEVER_KEY, 0).astype(np.int32)
    out[inside] = t["key"][days[inside] - d0]
    other = ~inside & (days < NEVER)
    if other.any():
        out[other] = date_key(days[other])
    return out


def year(days: np.ndarray) -> np.ndarray:
    """Calendar year (int32) of int32 days (a sentinel gives a far-away year, never a wrapped one)."""
    t = _tables()
    d0, d1 = int(t["d0"][0]), int(t["d0"][1])
    days = np.asarray(days, dtype=np.int32)
    if days.size and (days.min() < d0 or days.max() >= d1):
        return year_of(days).astype(np.int32)
    return t["year"][days - d0]
