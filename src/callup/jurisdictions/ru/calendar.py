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


def campaigns_of_year(law, year: int) -> list[Campaign]:
    """The campaigns of a calendar year under the law in force that year."""
    jan1 = dt.date(year, 1, 1)
    windows = law.value_at("callup.windows", jan1)
    dispatch = law.value_at("callup.dispatch_windows", jan1)
    overrides = law.value_at("callup.window_overrides", dt.date(year, 12, 31)) or {}
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


def campaigns_between(law, first_day: int, last_day: int) -> list[Campaign]:
    """Campaigns that end on or after ``first_day`` and start on or before ``last_day``."""
    y0 = from_day(first_day).year
    y1 = from_day(min(last_day, first_day + 366 * 40)).year
    out = []
    for year in range(y0, y1 + 1):
        for c in campaigns_of_year(law, year):
            if c.end >= first_day and c.start <= last_day:
                out.append(c)
    return out


def campaign_named(law, name: str) -> Campaign:
    """``2023-spring`` -> its Campaign; ValueError with the expected form otherwise."""
    try:
        year_s, season = name.split("-")
        year = int(year_s)
    except ValueError:
        raise ValueError(f"campaign {name!r}: expected YEAR-spring or YEAR-autumn, e.g. 2022-autumn") from None
    for c in campaigns_of_year(law, year):
        if c.season == season:
            return c
    raise ValueError(f"campaign {name!r}: expected YEAR-spring or YEAR-autumn, e.g. 2022-autumn")


def position(law, day: int) -> dict:
    """Where ``day`` falls: inside a call-up window? the current and the next campaign."""
    here = campaigns_between(law, day - 400, day + 800)
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
