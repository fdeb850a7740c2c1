"""Weighted counts of a synthetic population, in national units (for tests and the run report)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from callup.jurisdictions.ru.columns import CRIMINAL, HEALTH_CATEGORIES, SERVED, STUDY_LEVELS
from callup.law.dates import NEVER_KEY, date_key, to_day
from callup.law.packed_days import unpack_days, unpack_keys

from .build import ACTIVITIES, SyntheticPopulation

AGE_GROUPS: tuple[tuple[str, int, int], ...] = (
    ("<15", 0, 14),
    ("15-17", 15, 17),
    ("18-27", 18, 27),
    ("28-30", 28, 30),
    ("31-40", 31, 40),
    ("41-50", 41, 50),
    ("51-65", 51, 65),
    ("66+", 66, 200),
)


def _counts(codes: np.ndarray, names: tuple[str, ...], weight: float, offset: int = 0) -> dict[str, float]:
    c = np.bincount(codes.astype(np.intp, copy=False) - offset, minlength=len(names))
    return {name: float(c[i]) * weight for i, name in enumerate(names)}


def summary(sp: SyntheticPopulation, on: dt.date | None = None) -> dict[str, Any]:
    """Weighted counts (men) of the living rows on ``on`` (default: the start date).

    Keys: ``men``; ``by_age_group``; ``by_age`` (single ages 15-30); for the men aged 18-27:
    ``study_level_18_27`` (full-time / part-time), ``latent_health_18_27``, ``known_health_18_27``,
    ``activity_18_27``; for everyone: ``latent_health``, ``activity``, ``served``, ``criminal``,
    ``flags`` (reserve, abroad, registered, beliefs, ...), ``children_18_27`` (0..3), and
    ``full_time_share_by_age`` (15-30: share in full-time study by level).
    """
    on = on or sp.start
    day = to_day(on)
    pop, sim, w = sp.pop, sp.sim, sp.weight
    alive = sim.alive
    on_key = int(date_key(day))
    # full years from yyyymmdd keys: one subtraction per row (the 29-Feb convention of age_on, "mar1")
    age = ((on_key - pop.birth_key) // 10000).astype(np.int16)
    idx_alive = alive
    out: dict[str, Any] = {
        "date": on.isoformat(),
        "rows": int(alive.sum()),
        "weight": w,
        "men": float(alive.sum()) * w,
    }
    single = np.bincount(np.clip(age[idx_alive], 0, 120), minlength=121)
    out["by_age_group"] = {name: float(single[lo : min(hi, 120) + 1].sum()) * w for name, lo, hi in AGE_GROUPS}
    out["by_age"] = {int(a): float(single[a]) * w for a in range(15, 31)}

    young = idx_alive & (age >= 18) & (age <= 27)
    current = (unpack_days(pop.study_start) <= day) & (day <= unpack_days(pop.study_end))
    lv_ft = np.where(current & pop.study_full_time, pop.study_level, 0).astype(np.int8)
    lv_pt = np.where(current & ~pop.study_full_time, pop.study_level, 0).astype(np.int8)
    names = ("none", *STUDY_LEVELS)
    out["study_level_18_27"] = {
        "full_time": _counts(lv_ft[young], names, w),
        "part_time": _counts(lv_pt[young], names, w),
    }
    k = len(names)
    band = idx_alive & (age >= 15) & (age <= 30)
    grid = np.bincount((age[band] - 15).astype(np.int64) * k + lv_ft[band], minlength=16 * k).reshape(16, k)
    share = {}
    for i, row in enumerate(grid):
        total = int(row.sum())
        if total:
            share[15 + i] = {names[j]: float(row[j]) / total for j in range(1, k) if row[j]}
    out["full_time_share_by_age"] = share

    hnames = ("unknown", *HEALTH_CATEGORIES)
    out["latent_health"] = _counts(sim.latent_health[idx_alive], HEALTH_CATEGORIES, w, offset=1)
    out["latent_health_18_27"] = _counts(sim.latent_health[young], HEALTH_CATEGORIES, w, offset=1)
    out["known_health_18_27"] = _counts(pop.health[young], hnames, w)
    out["activity"] = _counts(sim.activity[idx_alive], ACTIVITIES, w)
    out["activity_18_27"] = _counts(sim.activity[young], ACTIVITIES, w)
    out["served"] = _counts(pop.served[idx_alive], SERVED, w)
    out["criminal"] = _counts(pop.criminal[idx_alive], CRIMINAL, w)
    child_keys = unpack_keys(pop.child_birth_key)
    n_children = (child_keys <= on_key).sum(axis=0, dtype=np.int8)
    out["children_18_27"] = {str(k): float(((n_children == k) & young).sum()) * w for k in range(4)}
    pregnancy = unpack_days(pop.pregnancy_start)
    pregnant = (pregnancy <= day) & (day - pregnancy < 280)
    flags = {
        "reserve": pop.reserve,
        "abroad": pop.abroad,
        "registered": pop.registered,
        "beliefs": pop.beliefs,
        "indigenous": pop.indigenous,
        "degree": pop.degree,
        "public_service": pop.public_service,
        "elected": pop.elected,
        "it_worker": pop.it_accredited & (unpack_days(pop.it_contract_start) <= day),
        "single_father": pop.single_father,
        "cares_for_relative": pop.cares_for_relative,
        "guardian": pop.guardian,
        "relative_died": pop.relative_died,
        "wife_pregnant": pregnant,
        "disabled_child": (pop.child_disabled & (child_keys < NEVER_KEY)).any(axis=0),
    }
    out["flags"] = {k: float((v & idx_alive).sum()) * w for k, v in flags.items()}
    out["flags_18_27"] = {k: float((v & young).sum()) * w for k, v in flags.items()}
    return out
