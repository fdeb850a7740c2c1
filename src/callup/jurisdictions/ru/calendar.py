"""The call-up calendar: campaigns, their call-up and dispatch windows (53-FZ Art. 25).

Until 2025: "Призыв на военную службу граждан ... осуществляется два раза в год с 1 апреля по 15
июля и с 1 октября по 31 декабря на основании указов Президента" (Art. 25 p.1); autumn 2022 ran
1 November - 31 December (decree of 30.09.2022). From 2026-01-01 (412-FZ) call-up runs all year and
only dispatch to the units keeps the two windows. A campaign here is one dispatch window, named
``YYYY-spring`` / ``YYYY-autumn``; its call-up window is the one that contains it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from callup.law.dates import from_day, to_day


@dataclass(frozen=True)
class Campaign:
    name: str  # "2023-spring"
    year: int
    season: str  # spring | autumn
    start: int  # first dispatch day (int32 day number)
    end: int  # last dispatch day
    callup_start: int  # the call-up window that contains the dispatch window
    callup_end: int

    def as_json(self) -> dict:
        return {
            "name": self.name,
            "start": from_day(self.start).isoformat(),
            "end": from_day(self.end).isoformat(),
            "callup_start": from_day(self.callup_start).isoformat(),
            "callup_end": from_day(self.callup_end).isoformat(),
        }


def _mmdd(year: int, mmdd: str) -> int:
    return to_day(f"{year:04d}-{mmdd}")


_YEAR_CACHE: dict[tuple[int, int, object], tuple[object, list[Campaign]]] = {}


def campaigns_of_year(law, year: int, as_of: int | None = None) -> list[Campaign]:
    """Cached :func:`compute_campaigns_of_year` (the calendar of a year under a law does not change)."""
    known = to_day(dt.date(year, 12, 31)) if as_of is None else min(as_of, to_day(dt.date(year, 12, 31)))
    entry = law.entry_at("callup.window_overrides", known)
    key = (id(law), year, entry.start if entry is not None else None)
    hit = _YEAR_CACHE.get(key)
    if hit is None or hit[0] is not law:
        hit = _YEAR_CACHE[key] = (law, compute_campaigns_of_year(law, year, as_of))
    return list(hit[1])


def compute_campaigns_of_year(law, year: int, as_of: int | None = None) -> list[Campaign]:
    """The campaigns of a calendar year under the law in force that year.

    One-off decrees that move a window (autumn 2022) are known only from their date: with ``as_of``
    (a day number) the calendar is the one a person could know on that day; without it, the calendar
    as it happened.
    """
    jan1 = dt.date(year, 1, 1)
    windows = law.value_at("callup.windows", jan1)
    dispatch = law.value_at("callup.dispatch_windows", jan1)
    known = to_day(dt.date(year, 12, 31)) if as_of is None else min(as_of, to_day(dt.date(year, 12, 31)))
    entry = law.entry_at("callup.window_overrides", known)
    overrides = (entry.value if entry is not None else None) or {}
    out = []
    for w in dispatch:
        name = f"{year}-{w['name']}"
        o = overrides.get(name, {})
        start = _mmdd(year, o.get("start", w["start"]))
        end = _mmdd(year, o.get("end", w["end"]))
        cs, ce = start, end
        for c in windows:
            c_start = _mmdd(year, o.get("start", c["start"]) if c["name"] == w["name"] else c["start"])
            c_end = _mmdd(year, o.get("end", c["end"]) if c["name"] == w["name"] else c["end"])
            if c_start <= start and end <= c_end:
                cs, ce = c_start, c_end
        out.append(Campaign(name, year, w["name"], start, end, cs, ce))
    return out


def campaigns_between(law, first_day: int, last_day: int, as_of: int | None = None) -> list[Campaign]:
    """Campaigns that end on or after ``first_day`` and start on or before ``last_day``."""
    y0 = from_day(first_day).year
    y1 = from_day(min(last_day, first_day + 366 * 40)).year
    out = []
    for year in range(y0, y1 + 1):
        for c in campaigns_of_year(law, year, as_of):
            if c.end >= first_day and c.start <= last_day:
                out.append(c)
    return out


def campaign_named(law, name: str, as_of: int | None = None) -> Campaign:
    """``2023-spring`` -> its Campaign (as known on day ``as_of``, see :func:`campaigns_of_year`);
    ValueError with the expected form otherwise."""
    try:
        year_s, season = name.split("-")
        year = int(year_s)
    except ValueError:
        raise ValueError(f"campaign {name!r}: expected YEAR-spring or YEAR-autumn, e.g. 2022-autumn") from None
    for c in campaigns_of_year(law, year, as_of):
        if c.season == season:
            return c
    raise ValueError(f"campaign {name!r}: expected YEAR-spring or YEAR-autumn, e.g. 2022-autumn")


def position(law, day: int) -> dict:
    """Where ``day`` falls: inside a call-up window? the current and the next campaign (as known then)."""
    here = campaigns_between(law, day - 400, day + 800, as_of=day)
    current = next((c for c in here if c.start <= day <= c.end), None)
    nxt = next((c for c in here if c.start > day), None)
    callup = next((c for c in here if c.callup_start <= day <= c.callup_end), None)
    return {
        "in_window": callup is not None,
        "year_round": callup is not None and (callup.callup_end - callup.callup_start) > 300,
        "current": current,
        "next": nxt,
        "callup_window": (callup.callup_start, callup.callup_end) if callup else None,
    }


_REFERENCE: dict[tuple[int, int], int] = {}


def callup_reference_day(law, on: np.ndarray) -> np.ndarray:
    """For each day, the start of the call-up window that contains it, or else of the next one.

    Conditions "in the year before the call-up starts" (the IT deferral's tenure) are measured on this
    day. Vectorised over the distinct days of ``on`` (one for a population, a few for a timeline).
    """
    flat = np.asarray(on, dtype=np.int32).ravel()
    uniq, inverse = np.unique(flat, return_inverse=True)
    ref = np.empty(uniq.shape, dtype=np.int32)
    for i, day in enumerate(uniq.tolist()):
        key = (id(law), day)
        if key not in _REFERENCE:
            here = campaigns_between(law, day - 400, day + 800, as_of=day)
            inside = [c.callup_start for c in here if c.callup_start <= day <= c.callup_end]
            later = [c.callup_start for c in here if c.callup_start > day]
            _REFERENCE[key] = (inside or later or [day])[0]
        ref[i] = _REFERENCE[key]
    return ref[inverse].reshape(np.shape(on))
