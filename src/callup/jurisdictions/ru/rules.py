"""Russia's call-up rules as vectorised functions over population columns.

Base rule, unless exception (53-FZ Art. 22): a male citizen of call-up age who is not in the reserve
and is on the military register (or obliged to be) is liable to call-up, *unless* he is exempt
(Art. 23 p.1-2), not subject to call-up (Art. 23 p.3) or has a deferral (Art. 24). Each ground is a
boolean column; every ground that applies is reported (two grounds at once: both bits set), and the
status is the strongest kind among them.

Every rule takes the population and an :class:`At`: the day(s) of the evaluation with the law in
force on them, looked up once (one day for a whole population, or one day per row for a person's
timeline). No rule contains a date: a change of law is a new dated value in the parameter files.
The person check evaluates these same functions on a one-row population; there is no scalar copy of
any rule.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

import numpy as np

from callup.jurisdictions.ru.columns import CRIMINAL, SERVED, STUDY_LEVELS, Population, health_code, level_code
from callup.law.dates import (
    NEVER,
    add_duration,
    add_months,
    add_years,
    age_threshold_key,
    date_key,
    from_key,
    to_day,
    year_of,
)
from callup.law.lookup import per_entry
from callup.law.reasons import KIND_STATUS, KINDS, Vocabulary

from . import vocabulary
from .calendar import callup_reference_day

Mask = np.ndarray
CHUNK_ROWS = 1 << 20
"""Rows per chunk when one date is evaluated for a large population in no particular order: bounds the
temporaries (one evaluation of the stress mix peaks at about 16 bytes per row of the population) and
keeps the fixed cost per chunk small (bench/bench_check.py, the stress mix: 2^20 is 6-10 % faster
than 2^18)."""

CHUNK_ROWS_BY_BIRTH = 1 << 18
"""Rows per chunk for a population sorted by birth (the simulation's): smaller chunks let whole blocks
of men outside call-up age skip the deferral grounds (bench/bench_check.py section 3b: about 80 M rows/s
at 2^18 against 64 M rows/s at 2^20)."""


def _sorted_by_birth(pop: Population) -> bool:
    """Is the population ordered by birth (checked on about a thousand evenly spaced rows)?"""
    key = pop.birth_key[:: max(1, len(pop) // 1024)]
    step = np.diff(key)
    return bool((step >= 0).all() or (step <= 0).all())


@dataclass
class Ground:
    """Where a legal ground holds (a bool mask) and, when explained, the last day it holds."""

    mask: Mask
    until: np.ndarray | None = None  # int32 day, NEVER = open-ended; only filled when explain=True


@dataclass
class Evaluation:
    """The rules' answer for each row: a status code and the mask of grounds that apply."""

    status: np.ndarray  # int8, callup.law.reasons.STATUS_NAMES index
    reasons: np.ndarray  # uint64 mask over the vocabulary
    until: dict[str, np.ndarray] = field(default_factory=dict)  # code -> int32 day (explain=True)


def feb29_convention(law) -> str:
    """The 29-February convention (one value: a reading of how ages are counted, not a dated rule)."""
    return law["callup.feb29_birthday"].values[-1].value


class At:
    """The day(s) of an evaluation and the law in force on them.

    ``on`` is a numpy scalar when one day applies to every row (a population on a campaign date), or an
    int32 array with one day per row (a person at each campaign of his timeline). Parameters are looked
    up once per ``At`` and come back in the same form, so the rules are written once for both.
    """

    def __init__(self, law, on):
        days = np.asarray(on, dtype=np.int32).reshape(-1)
        self.law = law
        self.days = days
        self.scalar = days.size == 1
        self.on = days[0] if self.scalar else days
        self.key = self._s(date_key(days))
        self.feb29 = feb29_convention(law)
        self._memo: dict = {}

    def _s(self, arr):
        return arr[0] if self.scalar else arr

    def switch(self, path: str):
        """A "this ground is in force" parameter, False before its first dated value. A ground whose
        value is a list (the bodies a public-service deferral covers) is in force while it is not empty."""
        key = ("switch", path)
        if key not in self._memo:
            self._memo[key] = self._s(per_entry(self.law, path, self.days, bool, np.bool_, fill=False))
        return self._memo[key]

    def value(self, path: str, **kwargs):
        key = ("value", path)
        if key not in self._memo:
            self._memo[key] = self._s(self.law.values_at(path, self.days, **kwargs))
        return self._memo[key]

    def mapped(self, path: str, fn: Callable, dtype, fill):
        """``fn(value in force)`` for parameters that are lists, mappings or strings."""
        key = ("mapped", path, fn)
        if key not in self._memo:
            self._memo[key] = self._s(per_entry(self.law, path, self.days, fn, dtype, fill=fill))
        return self._memo[key]

    def age_key(self, age, on=None):
        """The latest birth key that has reached ``age`` on the day (see dates.age_threshold_key)."""
        if on is None:
            key = ("age", age.tobytes() if isinstance(age, np.ndarray) else int(age))
            if key not in self._memo:
                self._memo[key] = age_threshold_key(self.on, age, self.feb29)
            return self._memo[key]
        key = ("age_on", int(age), np.asarray(on).tobytes())
        if key not in self._memo:
            self._memo[key] = age_threshold_key(on, age, self.feb29)
        return self._memo[key]

    def reached(self, birth_key: np.ndarray, age) -> Mask:
        """Has the man reached ``age`` full years on the day? One comparison per row."""
        return birth_key <= self.age_key(age)

    def memo(self, key, fn: Callable):
        if key not in self._memo:
            self._memo[key] = fn()
        return self._memo[key]


_AT_CACHE: dict[tuple[int, bytes], At] = {}
_AT_CACHE_SIZE = 512


def at_for(law, on) -> At:
    """The :class:`At` of these days under this law, reused across evaluations: the law in force on a
    day does not change, so its lookups are done once (a campaign step, or repeated checks)."""
    days = np.asarray(on, dtype=np.int32).reshape(-1)
    key = (id(law), days.tobytes())
    at = _AT_CACHE.get(key)
    if at is None or at.law is not law:
        if len(_AT_CACHE) >= _AT_CACHE_SIZE:
            _AT_CACHE.clear()
        at = _AT_CACHE[key] = At(law, days)
    return at


def _and(mask: Mask, switch) -> Mask:
    """``mask & switch`` where the switch is usually one boolean for all rows (NumPy's bool-and with a
    broadcast scalar is unvectorised and ten times slower than a branch)."""
    if isinstance(switch, (bool, np.bool_)) or np.ndim(switch) == 0:
        return mask if switch else np.zeros(mask.shape, dtype=np.bool_)
    return mask & switch


def _on_rows(mask: Mask, values: np.ndarray, fn: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """Apply costly date arithmetic ``fn`` only to the rows where ``mask`` holds (NEVER elsewhere)."""
    out = np.full(mask.shape, NEVER, dtype=np.int32)
    idx = np.flatnonzero(mask)
    if idx.size:
        out[idx] = fn(values[idx] if values.shape == mask.shape else np.broadcast_to(values, mask.shape)[idx])
    return out


def _pick(on, idx):
    """The day(s) of ``on`` for rows ``idx`` (``on`` may be one day for all rows)."""
    return on if np.ndim(on) == 0 else on[idx]


def _day(d) -> int:
    return int(to_day(d))


# --- 53-FZ Art. 22 p.1 'а': who is liable at all ---------------------------------------------------


def _age_limits(law) -> list[tuple[int, int, int]]:
    """(first day, last day, limit) of each dated upper age limit."""
    entries = [v for v in law["callup.age_max"].values if v.value is not None]
    out = []
    for i, entry in enumerate(entries):
        end = _day(entries[i + 1].start) - 1 if i + 1 < len(entries) else int(NEVER)
        out.append((_day(entry.start), end, int(entry.value)))
    return out


def age_out_day(law, birth_key: np.ndarray, birth: np.ndarray) -> np.ndarray:
    """The day a man leaves the call-up age for good (int32 day), under the limits as they changed.

    53-FZ Art. 22 p.1 'а': liable "в возрасте от 18 до 27 лет" (until 2023-12-31), "от 18 до 30 лет"
    (from 2024-01-01, 439-FZ). He leaves on the first day on which he has reached the limit then in
    force, and is enlisted in the reserve (Art. 52): so a man who turned 27 on or before 2023-12-31
    stays in the reserve although the limit rose to 30 (the transition, fact 1.4).
    """
    out = np.full(birth.shape, NEVER, dtype=np.int32)
    feb29 = feb29_convention(law)
    for seg_start, seg_end, limit in _age_limits(law):
        first = np.maximum(add_years(birth, limit, feb29), seg_start)
        out = np.where((first <= seg_end) & (first < out), first, out).astype(np.int32)
    return out


def _above_max(at: At, pop: Population) -> Mask:
    """Has he left the call-up age by the day, under any upper limit in force at the time?

    Equivalent to ``on >= age_out_day`` but one comparison per row and per dated limit.
    """
    out = None
    for seg_start, seg_end, limit in at.memo("age_limits", lambda: _age_limits(at.law)):
        # reached the limit on some day t with seg_start <= t <= min(seg_end, on)
        applies = at.on >= seg_start
        if np.ndim(applies) == 0 and not applies:
            continue
        hit = pop.birth_key <= at.age_key(limit, np.minimum(at.on, seg_end))
        hit = _and(hit, applies)
        out = hit if out is None else (out | hit)
    return out if out is not None else np.zeros(pop.birth_key.shape, dtype=np.bool_)


def liability(at: At, pop: Population, explain: bool = False) -> dict[str, Ground]:
    """53-FZ Art. 22 p.1 'а' and Art. 8 p.1: who is outside call-up altogether."""
    grounds = {
        "not_male": Ground(~pop.male),
        "not_citizen": Ground(~pop.citizen),
        "age.below_min": Ground(~at.reached(pop.birth_key, at.value("callup.age_min"))),
        "age.above_max": Ground(_above_max(at, pop)),
        "reserve": Ground(pop.reserve),
        "abroad": Ground(_and(pop.abroad, at.switch("registration.abroad_not_obliged"))),
    }
    if explain:
        grounds["age.below_min"].until = (add_years(pop.birth, 18, at.feb29) - 1).astype(np.int32)
    return grounds


# --- 53-FZ Art. 23: exemption and "not subject to call-up" -----------------------------------------


def exemptions(at: At, pop: Population, explain: bool = False) -> dict[str, Ground]:
    """53-FZ Art. 23 p.1 (exempt), p.2 (a right to exemption) and the category Д rule.

    p.1: "От призыва на военную службу освобождаются граждане: а) признанные ... ограниченно
    годными к военной службе по состоянию здоровья; б) проходящие или прошедшие военную службу в
    Российской Федерации; в) проходящие или прошедшие альтернативную гражданскую службу; г)
    прошедшие военную службу в другом государстве в случаях, предусмотренных международными
    договорами Российской Федерации." p.2: "Право на освобождение от призыва ... имеют граждане:
    а) имеющие предусмотренную государственной системой научной аттестации ученую степень; б)
    являющиеся сыновьями (родными братьями) ..." погибших (умерших) в связи с военной службой.
    """
    served = pop.served
    conscript_or_contract = (served == SERVED.index("conscript")) | (served == SERVED.index("contract"))
    return {
        "exempt.health_v": Ground(_and(pop.health == health_code("V"), at.switch("exemption.health_v"))),
        "exempt.health_d": Ground(_and(pop.health == health_code("D"), at.switch("exemption.health_d"))),
        "exempt.served": Ground(_and(conscript_or_contract, at.switch("exemption.served"))),
        "exempt.acs_served": Ground(_and(served == SERVED.index("acs"), at.switch("exemption.acs_served"))),
        "exempt.foreign_service": Ground(
            _and(served == SERVED.index("foreign_treaty"), at.switch("exemption.foreign_service"))
        ),
        "exempt.degree": Ground(_and(pop.degree, at.switch("exemption.degree"))),
        "exempt.relative_died": Ground(_and(pop.relative_died, at.switch("exemption.relative_died"))),
    }


def not_subject(at: At, pop: Population, explain: bool = False) -> dict[str, Ground]:
    """53-FZ Art. 23 p.3: "Не подлежат призыву на военную службу граждане: а) отбывающие наказание
    ...; б) имеющие неснятую или непогашенную судимость ...; в) в отношении которых ведется
    дознание либо предварительное следствие или уголовное дело в отношении которых передано в суд."
    """
    c = pop.criminal
    return {
        "not_subject.sentence": Ground(
            _and(c == CRIMINAL.index("serving_sentence"), at.switch("not_subject.sentence"))
        ),
        "not_subject.conviction": Ground(_and(c == CRIMINAL.index("conviction"), at.switch("not_subject.conviction"))),
        "not_subject.investigation": Ground(
            _and(c == CRIMINAL.index("under_investigation"), at.switch("not_subject.investigation"))
        ),
    }


# --- 53-FZ Art. 24 p.1: deferrals that are granted -------------------------------------------------

PREGNANCY_MAX_DAYS = 42 * 7
"""Not law: a pregnancy stated on the check date is assumed to have ended after 42 weeks. Used only
when a check looks ahead (the timeline); the output warns that circumstances are assumed unchanged."""


def family_and_health_deferrals(at: At, pop: Population, explain: bool = False) -> dict[str, Ground]:
    """53-FZ Art. 24 p.1: health (Г), care, guardianship, children, pregnant wife, single father,
    public service and elected office.

    'а': "признанным временно не годными к военной службе по состоянию здоровья, - на срок до
    одного года"; 'г': "имеющим двух и более детей"; 'д': "имеющим ребенка-инвалида в возрасте до
    трех лет"; 'и': "имеющим ребенка и жену, срок беременности которой составляет не менее 22
    недель" (26 weeks until 2020-07-23).
    """
    on = at.on
    grounds: dict[str, Ground] = {}

    # 'а' - category Г. "На срок до одного года": the period runs from the day after the examination
    # and ends on the corresponding day of the last month (Civil Code Art. 191, 192 p.3).
    months = at.value("deferral.health_g_months")
    is_g = pop.health == health_code("G")

    def g_ends(i: np.ndarray) -> np.ndarray:
        return add_months(pop.health_date[i], months if np.ndim(months) == 0 else months[i])

    def g_holds(i: np.ndarray) -> Mask:
        day = _pick(on, i)
        return (pop.health_date[i] <= day) & (day <= g_ends(i))

    recent = is_g
    if is_g.size > 64 and np.all(np.asarray(months) >= 0):
        # a period of m months ends at most 31 * m days after the examination: only the rows examined
        # that recently are checked day by day (a few rows, as in a check, are checked directly)
        recent = is_g & (pop.health_date <= on) & (pop.health_date >= on - 31 * months)
    g = _and(_refine(recent, g_holds), at.switch("deferral.health_g")) if recent.any() else recent
    grounds["deferral.health_g"] = Ground(g, _on_rows(is_g, np.arange(is_g.size), g_ends) if explain else None)

    grounds["deferral.care"] = Ground(_and(pop.cares_for_relative, at.switch("deferral.care")))
    grounds["deferral.guardian"] = Ground(_and(pop.guardian, at.switch("deferral.guardian")))

    # children born by the day (one contiguous row per child slot; no reductions across slots)
    max_age = at.value("deferral.disabled_child_max_age")
    young_key = at.age_key(max_age)
    n_children = None
    disabled_young = None  # a disabled child born by the day and under the age limit
    for k in range(pop.child_birth_key.shape[0]):
        keys = pop.child_birth_key[k]
        born = keys <= at.key
        n_children = born.view(np.int8) if n_children is None else n_children + born.view(np.int8)
        young = pop.child_disabled[k] & born & (keys > young_key)
        disabled_young = young if disabled_young is None else (disabled_young | young)
    grounds["deferral.two_children"] = Ground(
        _and(n_children >= at.value("deferral.min_children"), at.switch("deferral.two_children"))
    )
    g = Ground(_and(disabled_young, at.switch("deferral.disabled_child")))
    if explain:
        born_all = pop.child_birth_key <= at.key
        young_all = pop.child_birth_key > young_key
        keys = np.where(pop.child_disabled & born_all & young_all, pop.child_birth_key, 0).max(axis=0)
        g.until = _on_rows(disabled_young, keys, lambda k: add_years(from_key(k), int(np.max(max_age))) - 1)
    grounds["deferral.disabled_child"] = g

    weeks = at.value("deferral.pregnancy_min_weeks")
    # (on - start) in [7 * weeks, PREGNANCY_MAX_DAYS), as one unsigned comparison
    since = (np.asarray(on - 7 * weeks, dtype=np.int32) - pop.pregnancy_start).view(np.uint32)
    pregnant = since < np.asarray(PREGNANCY_MAX_DAYS - 7 * weeks, dtype=np.uint32)
    grounds["deferral.child_and_pregnant_wife"] = Ground(
        _and((n_children >= 1) & pregnant, at.switch("deferral.child_and_pregnant_wife"))
    )
    grounds["deferral.single_father"] = Ground(
        _and(pop.single_father & (n_children >= 1), at.switch("deferral.single_father"))
    )
    grounds["deferral.public_service"] = Ground(_and(pop.public_service, at.switch("deferral.public_service")))
    grounds["deferral.elected"] = Ground(_and(pop.elected, at.switch("deferral.elected")))
    return grounds


# --- 53-FZ Art. 24 p.2: study deferrals (a right) --------------------------------------------------


def _levels_mask(levels) -> int:
    return sum(1 << (level_code(lv) - 1) for lv in levels)


@cache
def _repeat_fn(level: str) -> Callable:
    def fn(value) -> int:
        return _levels_mask((value or {}).get(level, STUDY_LEVELS))

    return fn


def _mmdd(value) -> int:
    mm, dd = str(value).split("-")
    return int(mm) * 100 + int(dd)


def _refine(mask: Mask, keep: Callable[[np.ndarray], Mask]) -> Mask:
    """``mask`` narrowed by a condition computed only on its own rows (usually a small share)."""
    idx = np.flatnonzero(mask)
    out = np.zeros(mask.shape, dtype=np.bool_)
    if idx.size:
        out[idx] = keep(idx)
    return out


def study_deferrals(at: At, pop: Population, explain: bool = False) -> dict[str, Ground]:
    """53-FZ Art. 24 p.2: deferral for full-time study at an accredited programme.

    'а': for school, SPO, bachelor, specialist (with no bachelor/specialist/master diploma), master
    ("не имеющим диплома специалиста или диплома магистра и поступившим ... в год получения
    квалификации (степени) «бакалавр»"), the preparatory department (39-FZ of 18.03.2019); 'б':
    postgraduate study. Granted only once, except the cases listed in the law (a school deferral,
    bachelor -> master in the same year, postgraduate study, a preparatory-department deferral after
    school): ``deferral.study.repeat_allowed`` lists, per level, which earlier deferrals do not count.
    The school deferral continues, once, to 1 October of the year of the final attestation for a
    graduate of 18 or more (2011 amendment).
    """
    on = at.on
    level = pop.study_level
    studying = (level != 0) & pop.study_full_time & pop.study_accredited
    studying &= (pop.study_start <= on) & (on <= pop.study_end)
    grounds: dict[str, Ground] = {}
    school_diploma = pop.diploma[level_code("school") - 1]
    bachelor_diploma = pop.diploma[level_code("bachelor") - 1]

    # "only once, except ...": per level, the earlier deferrals that do not count (a table by level)
    allowed = at.memo(
        "repeat_allowed",
        lambda: [
            at.mapped("deferral.study.repeat_allowed", _repeat_fn(lv), np.uint8, fill=0x7F) for lv in STUDY_LEVELS
        ],
    )
    if all(np.ndim(a) == 0 for a in allowed):
        table = at.memo("repeat_table", lambda: ~np.array([0x7F, *[int(a) for a in allowed]], dtype=np.uint8))
        used = pop.deferrals_used
        if level.size > 64:
            # only students who have used a deferral before (a few per cent) are looked up in the table
            blocked = _refine(studying & (used != 0), lambda i: (used[i] & table.take(level[i])) != 0)
        else:
            blocked = (used & table.take(level)) != 0
    else:
        blocked = np.zeros(level.shape, dtype=np.bool_)
        for code, a in enumerate(allowed, start=1):
            blocked |= (level == code) & ((pop.deferrals_used & ~a.astype(np.uint8)) != 0)
    eligible = studying & ~blocked

    def diploma_by(lv: str, idx: np.ndarray) -> Mask:
        return pop.diploma[level_code(lv) - 1][idx] <= _pick(on, idx)

    # level-specific conditions are checked only on the (few) rows that study at that level
    eligible_level = level * eligible.view(np.int8)
    no_higher_diploma = None
    for lv in STUDY_LEVELS:
        mask = _and(eligible_level == level_code(lv), at.switch(f"deferral.study.{lv}"))
        if lv == "spo":
            # before 39-FZ: only "если до поступления ... не получили среднего общего образования"
            before = at.switch("deferral.study.spo_without_school_diploma")
            if np.ndim(before) or before:
                mask = _refine(
                    mask,
                    lambda i, before=before: ~(_and(school_diploma[i] < pop.study_start[i], _pick(before, i))),
                )
        elif lv == "preparatory":
            # "впервые ... непосредственно по окончании" school: enrolled in the year of the school diploma
            mask = _refine(
                mask,
                lambda i: diploma_by("school", i) & (year_of(pop.study_start[i]) == year_of(school_diploma[i])),
            )
        elif lv in ("bachelor", "specialist"):
            # no bachelor, specialist or master diploma by the day: three comparisons over all rows cost
            # less than picking the (many) students of these levels one by one
            if no_higher_diploma is None:
                no_higher_diploma = (
                    (bachelor_diploma > on)
                    & (pop.diploma[level_code("specialist") - 1] > on)
                    & (pop.diploma[level_code("master") - 1] > on)
                )
            mask = mask & no_higher_diploma
        elif lv == "master":
            mask = _refine(
                mask,
                lambda i: (
                    ~diploma_by("specialist", i)
                    & ~diploma_by("master", i)
                    & diploma_by("bachelor", i)
                    & (year_of(pop.study_start[i]) == year_of(bachelor_diploma[i]))
                ),
            )
        grounds[f"deferral.study.{lv}"] = Ground(mask, pop.study_end if explain else None)

    # school graduate of 18+: once more, until 1 October of the year of the final attestation
    until_mmdd = at.mapped("deferral.study.school_graduate_until", _mmdd, np.int32, fill=0)
    jan1 = at.memo("jan1", lambda: from_key(at.key // 10000 * 10000 + 101))
    in_window = (at.key % 10000) < until_mmdd  # before 1 October of the current year
    # jan1 <= diploma <= on, as one unsigned comparison
    this_year = (school_diploma - np.asarray(jan1, dtype=np.int32)).view(np.uint32) <= np.asarray(
        on - jan1, dtype=np.int64
    ).astype(np.uint32)
    graduate = _and(
        this_year & at.reached(pop.birth_key, 18),
        in_window if np.ndim(in_window) else bool(in_window),
    )
    graduate = _and(graduate, at.switch("deferral.study.school"))
    g = grounds["deferral.study.school"]
    if explain:
        grad_until = (from_key(at.key // 10000 * 10000 + until_mmdd) - 1).astype(np.int32)
        g.until = np.where(graduate & ~g.mask, grad_until, g.until).astype(np.int32)
    g.mask = g.mask | graduate
    return grounds


# --- Указ No. 83 of 02.03.2022, ПП No. 490: the IT deferral ---------------------------------------


def it_deferral(at: At, pop: Population, explain: bool = False) -> dict[str, Ground]:
    """Deferral for IT workers (Указ 83, ПП 490 Rules p.2; ПП 1515 from 2025-12-02).

    He works under a labour contract, full time, at an accredited IT organisation; has higher
    education in a listed specialty; has worked there at least 11 months (334 days from 2025-12-02)
    by the start of the call-up, or signed his contract within a year of graduating; aged 18 to the
    IT age limit (27, 30 from 2024-01-01). The employer's listing is assumed (the output says so).
    """
    enabled = at.switch("deferral.it.enabled")
    base = pop.it_accredited & pop.it_full_time & pop.it_listed
    if np.ndim(enabled) == 0 and not enabled:
        return {"deferral.it": Ground(np.zeros(base.shape, dtype=np.bool_))}
    min_start = at.memo("it_min_start", lambda: _tenure_threshold(at))
    candidates = base & (pop.it_contract_start <= at.on)
    idx = np.flatnonzero(candidates)
    ok = np.zeros(base.shape, dtype=np.bool_)
    if idx.size:
        start = pop.it_contract_start[idx]
        graduated = pop.it_graduated[idx]
        grace = at.law.entry_at("deferral.it.graduate_grace", int(np.min(at.days)))
        in_grace = (graduated < NEVER) & (start <= add_duration(graduated, grace.value if grace else "P1Y"))
        ok[idx] = (start <= _pick(min_start, idx)) | in_grace
    age_max = at.value("deferral.it.age_max", fill=0)
    in_age = at.reached(pop.birth_key, 18) & ~at.reached(pop.birth_key, age_max)
    return {"deferral.it": Ground(_and(ok & in_age, enabled))}


def _tenure_threshold(at: At):
    """The latest contract start that gives the minimum tenure by the start of the call-up."""
    reference = callup_reference_day(at.law, at.days)
    out = np.empty(reference.shape, dtype=np.int32)
    durations = [at.law.entry_at("deferral.it.min_tenure", int(d)) for d in at.days]
    for i, (ref, entry) in enumerate(zip(reference, durations, strict=True)):
        # before the deferral existed nobody has enough tenure
        out[i] = add_duration(np.int32(ref), entry.value, sign=-1) if entry else -NEVER
    return at._s(out)


# --- putting it together ---------------------------------------------------------------------------

GROUP_RULES = (liability, exemptions, not_subject, family_and_health_deferrals, study_deferrals, it_deferral)


SCOPE_RULES = (liability, exemptions)
"""Grounds that matter even outside call-up (they are reported with a not-liable ground)."""


def grounds(at: At, pop: Population, explain: bool = False) -> dict[str, Ground]:
    """Every ground of the vocabulary, evaluated on the day(s) of ``at``.

    When every row is outside call-up (a block of men too old or too young, as in a population sorted
    by birth), deferrals and "not subject" grounds cannot matter and are not computed: they are
    reported as absent, exactly as they would be after masking.
    """
    out: dict[str, Ground] = {}
    for rule in SCOPE_RULES:
        out.update(rule(at, pop, explain))
    vocab = vocabulary()
    outside = None
    for code in _kinds(vocab)["not_liable"]:
        m = out[code].mask
        outside = m if outside is None else (outside | m)
    if not explain and len(pop) > 64 and outside is not None and outside.all():
        nothing = np.zeros(len(pop), dtype=np.bool_)
        for code in _kinds(vocab)["deferral"] + _kinds(vocab)["not_subject"]:
            out[code] = Ground(nothing)
        return out
    for rule in GROUP_RULES:
        if rule not in SCOPE_RULES:
            out.update(rule(at, pop, explain))
    return out


def _waivable_fn(vocab: Vocabulary) -> Callable:
    def fn(codes) -> int:
        return int(vocab.mask_of(codes or ()))

    return fn


_WAIVABLE_FNS: dict[int, Callable] = {}


@cache
def _kinds(vocab: Vocabulary) -> dict[str, tuple[str, ...]]:
    """The codes of each kind, in vocabulary order."""
    return {k: tuple(r.code for r in vocab.reasons if r.kind == k) for k in KINDS}


def _pack_bytes(masks: list[Mask], n: int) -> list[np.ndarray]:
    """Bool masks (in vocabulary order) -> one uint8 array per 8 codes, bit j = mask 8*byte + j.
    Eight masks are summed into a byte with multiplies by powers of two (vectorised in NumPy). A few
    rows (a person's check and timeline) take one packbits call instead: fewer NumPy calls."""
    if n <= 64:
        return list(np.packbits(np.stack(masks), axis=0, bitorder="little"))
    out = []
    for byte in range((len(masks) + 7) // 8):
        group = masks[8 * byte : 8 * byte + 8]
        acc = group[0].view(np.uint8).copy()
        for j, m in enumerate(group[1:], start=1):
            acc += m.view(np.uint8) * np.uint8(1 << j)
        out.append(acc)
    return out


def _interleave(byte_arrays: list[np.ndarray], n: int) -> np.ndarray:
    """Bytes side by side -> one little-endian uint64 per row."""
    wide = np.zeros((n, 8), dtype=np.uint8)
    for i, b in enumerate(byte_arrays):
        wide[:, i] = b
    return wide.view("<u8").reshape(n)


@cache
def _byte_tables(vocab: Vocabulary) -> tuple[list[int], list[int], list[tuple[str, list[tuple[int, int]]]]]:
    """Per byte of the reason mask: the not-liable bits and the bits dropped outside call-up (deferrals
    and "not subject"); per kind, weakest first, the (byte, bits) pairs where its codes sit."""
    n_bytes = (len(vocab.codes) + 7) // 8
    not_liable, dropped = [0] * n_bytes, [0] * n_bytes
    by_kind: dict[str, dict[int, int]] = {k: {} for k in KINDS}
    for r in vocab.reasons:
        byte, bit = divmod(r.bit, 8)
        by_kind[r.kind][byte] = by_kind[r.kind].get(byte, 0) | (1 << bit)
        if r.kind == "not_liable":
            not_liable[byte] |= 1 << bit
        if r.kind in ("deferral", "not_subject"):
            dropped[byte] |= 1 << bit
    order = sorted(KINDS, key=lambda k: KIND_STATUS[k])
    return not_liable, dropped, [(k, sorted(by_kind[k].items())) for k in order]


def _evaluate_rows(at: At, pop: Population, vocab: Vocabulary, explain: bool) -> Evaluation:
    pop = pop.rule_view()  # a packed chunk (the simulation's storage): dates unpacked as rules read them
    found = grounds(at, pop, explain)
    if len(found) != len(vocab.codes) or set(found) != set(vocab.codes):
        raise RuntimeError(f"rules and vocabulary disagree on {sorted(set(found) ^ set(vocab.codes))}")
    n = len(pop)
    codes = vocab.codes
    masks = {}
    for c in codes:
        m = found[c].mask
        masks[c] = m if m.shape == (n,) else np.broadcast_to(m, (n,)).copy()

    # a waived right (53-FZ Art. 22 p.2.1) is dropped: only rows that waived anything are touched
    allowed = at.switch("waiver.allowed")
    fn = _WAIVABLE_FNS.setdefault(id(vocab), _waivable_fn(vocab))
    waivable = at.mapped("waiver.waivable", fn, np.uint64, fill=0)
    waivers = np.flatnonzero(pop.waived != 0)
    if waivers.size and (np.ndim(allowed) or allowed):
        rights = np.where(allowed, waivable, np.uint64(0))
        effective = pop.waived[waivers] & (rights[waivers] if np.ndim(rights) else rights)
        # only the codes some row has effectively waived (a handful of the 33) are visited
        waived_bits = int(np.bitwise_or.reduce(effective))
        if waived_bits:
            for c in codes:
                if not (waived_bits >> vocab[c].bit) & 1:
                    continue
                dropped = (effective & vocab.bit(c)) != 0
                if dropped.any():
                    m = masks[c].copy()  # never write into a population column
                    m[waivers[dropped]] = False
                    masks[c] = m

    # the masks become bytes (8 codes each); the rest works on those few byte arrays
    packed = _pack_bytes([masks[c] for c in codes], n)
    not_liable_bits, dropped_bits, status_tables = _byte_tables(vocab)

    # when he is outside call-up, deferrals and "not subject" cannot matter; exemptions still do
    out_of_scope = None
    for b, bits in zip(packed, not_liable_bits, strict=True):
        if bits:
            hit = (b & np.uint8(bits)) != 0
            out_of_scope = hit if out_of_scope is None else (out_of_scope | hit)
    if out_of_scope is not None:
        oos = out_of_scope.view(np.uint8)
        for b, bits in zip(packed, dropped_bits, strict=True):
            if bits:
                b ^= b & (oos * np.uint8(bits))

    # the strongest kind of ground decides the status (codes 0..4, see callup.law.reasons)
    status = np.zeros(n, dtype=np.int8)
    for kind, per_byte in status_tables:
        present = None
        for byte, bits in per_byte:
            part = packed[byte] if bits == 0xFF else (packed[byte] & np.uint8(bits))
            present = part if present is None else (present | part)
        if present is not None:
            np.maximum(status, (present != 0).view(np.int8) * np.int8(KIND_STATUS[kind]), out=status)
    reasons = _interleave(packed, n)
    until = {c: np.broadcast_to(g.until, (n,)) for c, g in found.items() if g.until is not None} if explain else {}
    return Evaluation(status, reasons, until)


def evaluate(law, pop: Population, on, explain: bool = False, chunk: int | None = None) -> Evaluation:
    """Status and reasons for every row on ``on`` (one day for all rows, or one day per row).

    A right he has waived (53-FZ Art. 22 p.2.1, from 2019-09-01) is dropped from his reasons. When a
    not-liable ground holds, deferrals and "not subject" grounds are not reported (they cannot matter
    while he is outside call-up), but exemptions are: they matter again if liability revives (say, on
    his return from abroad).

    One day for a large population is evaluated in chunks of ``chunk`` rows: by default
    :data:`CHUNK_ROWS_BY_BIRTH` if the rows are sorted by birth, else :data:`CHUNK_ROWS`.
    """
    vocab = vocabulary()
    at = at_for(law, on)
    n = len(pop)
    if chunk is None:
        chunk = CHUNK_ROWS if n <= CHUNK_ROWS_BY_BIRTH or not _sorted_by_birth(pop) else CHUNK_ROWS_BY_BIRTH
    if not at.scalar or n <= chunk:
        return _evaluate_rows(at, pop, vocab, explain)
    status = np.empty(n, dtype=np.int8)
    reasons = np.empty(n, dtype=np.uint64)
    until: dict[str, np.ndarray] = {}
    for start in range(0, n, chunk):
        stop = min(start + chunk, n)
        part = _evaluate_rows(at, pop.slice(start, stop), vocab, explain)
        status[start:stop] = part.status
        reasons[start:stop] = part.reasons
        for code, u in part.until.items():
            until.setdefault(code, np.empty(n, dtype=np.int32))[start:stop] = u
    return Evaluation(status, reasons, until)
