"""Russia's call-up rules as vectorised functions over population columns.

Base rule, unless exception (53-FZ Art. 22): a male citizen of call-up age who is not in the reserve
and is on the military register (or obliged to be) is liable to call-up, *unless* he is exempt
(Art. 23 p.1-2), not subject to call-up (Art. 23 p.3) or has a deferral (Art. 24). Each ground is a
boolean column; every ground that applies is reported (two grounds at once: both bits set), and the
status is the strongest kind among them.

Every function here takes the population, ``on`` (int32 day numbers, shape (1,) for one date or
(N,) for a date per row) and the law (a :class:`~callup.law.parameters.ParameterSet`). No rule
contains a date: a change of law is a new dated value in the parameter files. The person check
evaluates these same functions on a one-row population; there is no scalar copy of any rule.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, lru_cache

import numpy as np

from callup.jurisdictions.ru.columns import (
    CRIMINAL,
    SERVED,
    STUDY_LEVELS,
    Population,
    health_code,
    level_code,
)
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
from callup.law.reasons import KIND_STATUS, LIABLE, NOT_LIABLE, Vocabulary

from . import vocabulary
from .calendar import callup_reference_day

Mask = np.ndarray


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


def _switch(law, path: str, on: np.ndarray) -> Mask:
    """A "this ground is in force" parameter, False before its first dated value.

    A ground whose value is a list (say, the bodies a public-service deferral covers) is in force
    while the list is not empty.
    """
    return per_entry(law, path, on, bool, np.bool_, fill=False)


def feb29_convention(law, on: np.ndarray | None = None) -> str:
    """The 29-February convention (one value: a reading of how ages are counted, not a dated rule)."""
    return law["callup.feb29_birthday"].values[-1].value


def _reached(law, birth_key: np.ndarray, age, on: np.ndarray) -> Mask:
    """Has the man reached ``age`` (full years) on day ``on``? One comparison per row."""
    return birth_key <= age_threshold_key(on, age, feb29_convention(law, on))


def _on_rows(mask: Mask, values: np.ndarray, fn: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """Apply costly date arithmetic ``fn`` only to the rows where ``mask`` holds (NEVER elsewhere)."""
    out = np.full(mask.shape, NEVER, dtype=np.int32)
    idx = np.flatnonzero(mask)
    if idx.size:
        out[idx] = fn(values[idx] if values.shape == mask.shape else np.broadcast_to(values, mask.shape)[idx])
    return out


# --- 53-FZ Art. 22 p.1 'а': who is liable at all ---------------------------------------------------


def age_out_day(law, birth_key: np.ndarray, birth: np.ndarray) -> np.ndarray:
    """The day a man leaves the call-up age for good (int32 day), under the limits as they changed.

    53-FZ Art. 22 p.1 'а': liable "в возрасте от 18 до 27 лет" (until 2023-12-31), "от 18 до 30 лет"
    (from 2024-01-01, 439-FZ). He leaves on the first day on which he has reached the limit then in
    force, and is enlisted in the reserve (Art. 52): so a man who turned 27 on or before 2023-12-31
    stays in the reserve although the limit rose to 30 (the transition, fact 1.4).
    """
    param = law["callup.age_max"]
    out = np.full(birth.shape, NEVER, dtype=np.int32)
    feb29 = feb29_convention(law)
    entries = [v for v in param.values if v.value is not None]
    for i, entry in enumerate(entries):
        seg_start = _day(entry.start)
        seg_end = _day(entries[i + 1].start) - 1 if i + 1 < len(entries) else NEVER
        hit = add_years(birth, int(entry.value), feb29)
        first = np.maximum(hit, seg_start)
        ok = (first <= seg_end) & (first < out)
        out = np.where(ok, first, out).astype(np.int32)
    del birth_key
    return out


def _day(d) -> int:
    return int(to_day(d))


def _above_max(law, pop: Population, on: np.ndarray) -> Mask:
    """Has he left the call-up age by ``on``, under any upper limit in force at the time?

    Equivalent to ``on >= age_out_day`` but one comparison per row and per dated limit.
    """
    param = law["callup.age_max"]
    entries = [v for v in param.values if v.value is not None]
    feb29 = feb29_convention(law, on)
    out = np.zeros(np.broadcast_shapes(pop.birth_key.shape, on.shape), dtype=np.bool_)
    for i, entry in enumerate(entries):
        seg_start = _day(entry.start)
        seg_end = _day(entries[i + 1].start) - 1 if i + 1 < len(entries) else NEVER
        # reached the limit on some day t with seg_start <= t <= min(seg_end, on)
        last = np.minimum(on, seg_end)
        applies = on >= seg_start
        out |= applies & (pop.birth_key <= age_threshold_key(last, int(entry.value), feb29))
    return out


def liability(law, pop: Population, on: np.ndarray, explain: bool = False) -> dict[str, Ground]:
    """53-FZ Art. 22 p.1 'а' and Art. 8 p.1: who is outside call-up altogether."""
    age_min = law.values_at("callup.age_min", on)
    grounds = {
        "not_male": Ground(~pop.male),
        "not_citizen": Ground(~pop.citizen),
        "age.below_min": Ground(~_reached(law, pop.birth_key, age_min, on)),
        "age.above_max": Ground(_above_max(law, pop, on)),
        "reserve": Ground(pop.reserve),
        "abroad": Ground(pop.abroad & _switch(law, "registration.abroad_not_obliged", on)),
    }
    if explain:
        grounds["age.below_min"].until = (add_years(pop.birth, 18, feb29_convention(law, on)) - 1).astype(np.int32)
    return grounds


# --- 53-FZ Art. 23: exemption and "not subject to call-up" -----------------------------------------


def exemptions(law, pop: Population, on: np.ndarray, explain: bool = False) -> dict[str, Ground]:
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
    return {
        "exempt.health_v": Ground((pop.health == health_code("V")) & _switch(law, "exemption.health_v", on)),
        "exempt.health_d": Ground((pop.health == health_code("D")) & _switch(law, "exemption.health_d", on)),
        "exempt.served": Ground(
            ((served == SERVED.index("conscript")) | (served == SERVED.index("contract")))
            & _switch(law, "exemption.served", on)
        ),
        "exempt.acs_served": Ground((served == SERVED.index("acs")) & _switch(law, "exemption.acs_served", on)),
        "exempt.foreign_service": Ground(
            (served == SERVED.index("foreign_treaty")) & _switch(law, "exemption.foreign_service", on)
        ),
        "exempt.degree": Ground(pop.degree & _switch(law, "exemption.degree", on)),
        "exempt.relative_died": Ground(pop.relative_died & _switch(law, "exemption.relative_died", on)),
    }


def not_subject(law, pop: Population, on: np.ndarray, explain: bool = False) -> dict[str, Ground]:
    """53-FZ Art. 23 p.3: "Не подлежат призыву на военную службу граждане: а) отбывающие наказание
    ...; б) имеющие неснятую или непогашенную судимость ...; в) в отношении которых ведется
    дознание либо предварительное следствие или уголовное дело в отношении которых передано в суд."
    """
    c = pop.criminal
    return {
        "not_subject.sentence": Ground(
            (c == CRIMINAL.index("serving_sentence")) & _switch(law, "not_subject.sentence", on)
        ),
        "not_subject.conviction": Ground(
            (c == CRIMINAL.index("conviction")) & _switch(law, "not_subject.conviction", on)
        ),
        "not_subject.investigation": Ground(
            (c == CRIMINAL.index("under_investigation")) & _switch(law, "not_subject.investigation", on)
        ),
    }


# --- 53-FZ Art. 24 p.1: deferrals that are granted -------------------------------------------------


def family_and_health_deferrals(law, pop: Population, on: np.ndarray, explain: bool = False) -> dict[str, Ground]:
    """53-FZ Art. 24 p.1: health (Г), care, guardianship, children, pregnant wife, single father,
    public service and elected office.

    'а': "признанным временно не годными к военной службе по состоянию здоровья, - на срок до
    одного года"; 'г': "имеющим двух и более детей"; 'д': "имеющим ребенка-инвалида в возрасте до
    трех лет"; 'и': "имеющим ребенка и жену, срок беременности которой составляет не менее 22
    недель" (26 weeks until 2020-07-23).
    """
    grounds: dict[str, Ground] = {}

    # 'а' - category Г, for up to 12 months from the examination
    months = law.values_at("deferral.health_g_months", on)
    is_g = pop.health == health_code("G")
    # "на срок до одного года": the period runs from the day after the examination and ends on the
    # corresponding day of the last month (Civil Code Art. 191, 192 p.3)
    g_until = _on_rows(is_g, pop.health_date, lambda d: add_months(d, int(months.flat[0])))
    grounds["deferral.health_g"] = Ground(
        is_g & (pop.health_date <= on) & (on <= g_until) & _switch(law, "deferral.health_g", on),
        g_until if explain else None,
    )

    grounds["deferral.care"] = Ground(pop.cares_for_relative & _switch(law, "deferral.care", on))
    grounds["deferral.guardian"] = Ground(pop.guardian & _switch(law, "deferral.guardian", on))

    # children born by `on`
    on_key = date_key(on)
    born = pop.child_birth_key <= on_key
    n_children = born.sum(axis=0, dtype=np.int8)
    min_children = law.values_at("deferral.min_children", on)
    grounds["deferral.two_children"] = Ground((n_children >= min_children) & _switch(law, "deferral.two_children", on))

    max_age = law.values_at("deferral.disabled_child_max_age", on)
    young = pop.child_birth_key > age_threshold_key(on, max_age, feb29_convention(law, on))
    disabled_young = (pop.child_disabled & born & young).any(axis=0)
    g = Ground(disabled_young & _switch(law, "deferral.disabled_child", on))
    if explain:
        keys = np.where(pop.child_disabled & born & young, pop.child_birth_key, 0).max(axis=0)
        g.until = _on_rows(disabled_young, keys, lambda k: add_years(from_key(k), int(max_age.flat[0])) - 1)
    grounds["deferral.disabled_child"] = g

    weeks = law.values_at("deferral.pregnancy_min_weeks", on)
    pregnant = (pop.pregnancy_start <= on - 7 * weeks) & (on - pop.pregnancy_start < PREGNANCY_MAX_DAYS)
    grounds["deferral.child_and_pregnant_wife"] = Ground(
        (n_children >= 1) & pregnant & _switch(law, "deferral.child_and_pregnant_wife", on)
    )

    grounds["deferral.single_father"] = Ground(
        pop.single_father & (n_children >= 1) & _switch(law, "deferral.single_father", on)
    )
    grounds["deferral.public_service"] = Ground(pop.public_service & _switch(law, "deferral.public_service", on))
    grounds["deferral.elected"] = Ground(pop.elected & _switch(law, "deferral.elected", on))
    return grounds


PREGNANCY_MAX_DAYS = 42 * 7
"""Not law: a pregnancy stated on the check date is assumed to have ended after 42 weeks. Used only
when a check looks ahead (the timeline); the output warns that circumstances are assumed unchanged."""


# --- 53-FZ Art. 24 p.2: study deferrals (a right) --------------------------------------------------


def _levels_mask(levels) -> int:
    return sum(1 << (level_code(lv) - 1) for lv in levels)


@cache
def _repeat_fn(level: str) -> Callable:
    def fn(value) -> int:
        return _levels_mask((value or {}).get(level, STUDY_LEVELS))

    return fn


def study_deferrals(law, pop: Population, on: np.ndarray, explain: bool = False) -> dict[str, Ground]:
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
    studying = pop.study_full_time & pop.study_accredited & (pop.study_start <= on) & (on <= pop.study_end)
    grounds: dict[str, Ground] = {}
    diploma_by = pop.diploma <= on  # (7, N)

    def has(level: str) -> Mask:
        return diploma_by[level_code(level) - 1]

    for level in STUDY_LEVELS:
        code = level_code(level)
        at_level = (pop.study_level == code) & studying
        allowed = per_entry(law, "deferral.study.repeat_allowed", on, _repeat_fn(level), np.uint8, fill=0x7F)
        not_used_up = (pop.deferrals_used & ~allowed) == 0
        mask = at_level & not_used_up & _switch(law, f"deferral.study.{level}", on)
        if level == "spo":
            # before 39-FZ: only "если до поступления ... не получили среднего общего образования"
            before_39fz = _switch(law, "deferral.study.spo_without_school_diploma", on)
            mask &= ~(before_39fz & (pop.diploma[level_code("school") - 1] < pop.study_start))
        elif level == "preparatory":
            # "впервые ... непосредственно по окончании" school: enrolled in the year of the school diploma
            school_year = year_of(pop.diploma[level_code("school") - 1])
            mask &= has("school") & (year_of(pop.study_start) == school_year)
        elif level in ("bachelor", "specialist"):
            mask &= ~(has("bachelor") | has("specialist") | has("master"))
        elif level == "master":
            bachelor_year = year_of(pop.diploma[level_code("bachelor") - 1])
            same_year = has("bachelor") & (year_of(pop.study_start) == bachelor_year)
            mask &= ~(has("specialist") | has("master")) & same_year
        grounds[f"deferral.study.{level}"] = Ground(mask, pop.study_end if explain else None)

    # school graduate of 18+: once more, until 1 October of the year of the final attestation
    school_diploma = pop.diploma[level_code("school") - 1]
    until_mmdd = per_entry(law, "deferral.study.school_graduate_until", on, _mmdd, np.int32, fill=0)
    on_key = date_key(on)
    graduate = (
        (school_diploma <= on)
        & (year_of(school_diploma) == on_key // 10000)
        & (on_key % 10000 < until_mmdd)
        & _reached(law, pop.birth_key, 18, on)
        & _switch(law, "deferral.study.school", on)
    )
    g = grounds["deferral.study.school"]
    if explain:
        grad_until = (on_key // 10000 * 10000 + until_mmdd).astype(np.int32)
        g.until = np.where(graduate & ~g.mask, _key_to_day_minus1(grad_until), g.until).astype(np.int32)
    g.mask = g.mask | graduate
    return grounds


def _mmdd(value) -> int:
    mm, dd = str(value).split("-")
    return int(mm) * 100 + int(dd)


def _key_to_day_minus1(key: np.ndarray) -> np.ndarray:
    return (from_key(key) - 1).astype(np.int32)


# --- Указ No. 83 of 02.03.2022, ПП No. 490: the IT deferral ---------------------------------------


def it_deferral(law, pop: Population, on: np.ndarray, explain: bool = False) -> dict[str, Ground]:
    """Deferral for IT workers (Указ 83, ПП 490 Rules p.2; ПП 1515 from 2025-12-02).

    He works under a labour contract, full time, at an accredited IT organisation; has higher
    education in a listed specialty; has worked there at least 11 months (334 days from 2025-12-02)
    before the call-up, or signed his contract within a year of graduating; aged 18 to the IT age
    limit (27, 30 from 2024-01-01). The employer's listing is assumed (the output says so).
    """
    base = pop.it_accredited & pop.it_full_time & pop.it_listed
    tenure_cut = per_entry(law, "deferral.it.min_tenure", on, _duration_id, np.int64, fill=0)
    min_start = _tenure_threshold(law, callup_reference_day(law, on), tenure_cut)
    tenure_ok = pop.it_contract_start <= min_start
    grace = law.entry_at("deferral.it.graduate_grace", int(on.flat[0]))
    grace_ok = _on_rows(
        base & (pop.it_graduated < NEVER),
        pop.it_graduated,
        lambda d: add_duration(d, grace.value if grace else "P1Y"),
    )
    grace_ok = (pop.it_graduated < NEVER) & (pop.it_contract_start <= grace_ok) & (pop.it_contract_start <= on)
    age_max = law.values_at("deferral.it.age_max", on, fill=0)
    in_age = _reached(law, pop.birth_key, 18, on) & ~_reached(law, pop.birth_key, age_max, on)
    mask = base & (tenure_ok | grace_ok) & in_age & _switch(law, "deferral.it.enabled", on)
    return {"deferral.it": Ground(mask)}


_DURATIONS: list[str] = []


def _duration_id(value) -> int:
    if value not in _DURATIONS:
        _DURATIONS.append(value)
    return _DURATIONS.index(value)


def _tenure_threshold(law, on: np.ndarray, duration_ids: np.ndarray) -> np.ndarray:
    """The latest contract start that gives the minimum tenure on each day ``on``."""
    out = np.empty(np.shape(on), dtype=np.int32)
    for i in np.unique(duration_ids):
        sel = duration_ids == i
        out[sel] = add_duration(np.asarray(on)[sel], _DURATIONS[int(i)], sign=-1)
    return out


# --- putting it together ---------------------------------------------------------------------------

GROUP_RULES = (liability, exemptions, not_subject, family_and_health_deferrals, study_deferrals, it_deferral)


def grounds(law, pop: Population, on: np.ndarray, explain: bool = False) -> dict[str, Ground]:
    """Every ground of the vocabulary, evaluated on ``on``."""
    out: dict[str, Ground] = {}
    for rule in GROUP_RULES:
        out.update(rule(law, pop, on, explain))
    return out


def _waivable_fn(vocab: Vocabulary) -> Callable:
    def fn(codes) -> int:
        return int(vocab.mask_of(codes or ()))

    return fn


@lru_cache(maxsize=4)
def _waivable_for(vocab: Vocabulary) -> Callable:
    return _waivable_fn(vocab)


def evaluate(law, pop: Population, on: np.ndarray, explain: bool = False) -> Evaluation:
    """Status and reasons for every row on ``on`` (shape (1,) or (N,), int32 day numbers).

    A right he has waived (53-FZ Art. 22 p.2.1, from 2019-09-01) is dropped from his reasons. When a
    not-liable ground holds, deferrals and "not subject" grounds are not reported (they cannot matter
    while he is outside call-up), but exemptions are: they matter again if liability revives (say, on
    his return from abroad).
    """
    vocab = vocabulary()
    on = np.asarray(on, dtype=np.int32)
    found = grounds(law, pop, on, explain)
    n = len(pop)
    codes = vocab.codes
    if set(found) != set(codes):
        missing = set(codes) ^ set(found)
        raise RuntimeError(f"rules and vocabulary disagree on: {sorted(missing)}")
    stacked = np.empty((len(codes), n), dtype=np.bool_)
    for i, code in enumerate(codes):
        stacked[i] = found[code].mask
    packed = np.packbits(stacked, axis=0, bitorder="little")  # (ceil(R/8), N) uint8
    wide = np.zeros((n, 8), dtype=np.uint8)
    wide[:, : packed.shape[0]] = packed.T
    reasons = wide.view("<u8").reshape(n)

    allowed = law.values_at("waiver.allowed", on, dtype=np.bool_, fill=False)
    waivable = per_entry(law, "waiver.waivable", on, _waivable_for(vocab), np.uint64, fill=0)
    drop = pop.waived & np.where(allowed, waivable, np.uint64(0))
    reasons = reasons & ~drop

    not_liable = vocab.kind_mask("not_liable")
    out_of_scope = (reasons & not_liable) != 0
    lasting = not_liable | vocab.kind_mask("exempt")
    reasons = np.where(out_of_scope, reasons & lasting, reasons)

    status = np.full(n, LIABLE, dtype=np.int8)
    for kind in ("deferral", "not_subject", "exempt", "not_liable"):
        status = np.where((reasons & vocab.kind_mask(kind)) != 0, np.int8(KIND_STATUS[kind]), status)
    assert max(KIND_STATUS.values()) == NOT_LIABLE

    until = {c: np.broadcast_to(g.until, (n,)) for c, g in found.items() if g.until is not None} if explain else {}
    return Evaluation(status.astype(np.int8), reasons, until)
