"""One campaign step as ordered processes over the columns of :class:`SimState`.

Each process is a small function ``process(state, step)`` that draws from its own seeded generator
(``step.rng(name)``), changes columns in place and adds its counts (rows, not yet weighted) to
``step.counts``. Legal status comes only from :func:`callup.jurisdictions.ru.rules.evaluate` (and ACS
from :func:`callup.jurisdictions.ru.acs.may_be_sent`); no rule is re-implemented here. Every
behaviour is a named value of ``behaviour.yaml`` (``step.b``), every policy input a law parameter.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from callup.jurisdictions.ru import acs as ru_acs
from callup.jurisdictions.ru import rules
from callup.jurisdictions.ru.calendar import Campaign
from callup.jurisdictions.ru.columns import CRIMINAL, SERVED, health_code, level_code
from callup.law.dates import NEVER, NEVER_KEY, add_months, add_years, date_key, month_day, split, to_day
from callup.law.packed_days import compare_days, unpack_days, unpack_keys
from callup.law.reasons import LIABLE, STATUS_NAMES
from callup.population import sources
from callup.scenarios.model import Events

from .state import ACS, ACS_STATUS, CONSCRIPT, CONTRACT, MOBILISED, SimState

DAYS_PER_YEAR = 365.2425
INVASION = to_day("2022-02-24")
MOBILISATION_DECREE = to_day("2022-09-21")
AFTER_2022 = to_day("2023-01-01")
HEALTH_A, HEALTH_B, HEALTH_V, HEALTH_G, HEALTH_D = (health_code(c) for c in "ABVGD")
HEALTH_LETTERS = ("A", "B", "V", "G", "D")
N_SLOTS = 3
"""Children kept per man (the population's child slots)."""
STUDY_TERM_YEARS = {"spo": 3.0, "bachelor": 4.0, "specialist": 5.5, "master": 2.0, "postgraduate": 3.5}
"""Mean programme terms over which a dropout share is spread (from the study.* assumptions' terms)."""
LIABLE_AGES = (17, 32)
"""Men who can possibly be liable on a campaign day are born between these ages' birthdays (with a
margin: the law's age limits are 18 and 27/30); only their rows are evaluated."""


@dataclass
class Step:
    """What one campaign step knows: its campaign, day, law, behaviour, randomness and counts."""

    campaign: Campaign
    index: int  # campaign number in the run (0 = first)
    day: int  # evaluation day: the first day of the call-up window
    prev_day: int  # the previous step's day (or the population's start)
    law: Any
    b: Any  # Behaviour (name -> float)
    assumptions: Any  # population Assumptions (study and family shares)
    seed: int
    scale: float
    payments: Callable[[int], float]  # one-time sign-up payment in force on a day
    counts: dict[str, float] = field(default_factory=dict)
    lo: int = 0  # evaluated row slice [lo, hi)
    hi: int = 0
    status: np.ndarray | None = None
    reasons: np.ndarray | None = None
    summoned: np.ndarray | None = None  # rows summoned this step
    appeared: np.ndarray | None = None
    ignored: np.ndarray | None = None
    mobilisation_done: bool = False
    events: Events = field(default_factory=Events)  # the dated shocks (war start, mobilisation decree)

    def since(self, day: int | None) -> bool:
        """Has the event on ``day`` (None: it never happened) happened by this step's day?"""
        return day is not None and self.day >= day

    @property
    def years(self) -> float:
        return max(self.day - self.prev_day, 0) / DAYS_PER_YEAR

    def rng(self, process: str) -> np.random.Generator:
        """The generator of ``process`` in this campaign: a child of the run seed (SeedSequence spawn
        key = (campaign index, process)), so one process's draws never move another's."""
        ss = np.random.SeedSequence(self.seed, spawn_key=(self.index, zlib.crc32(process.encode())))
        return np.random.default_rng(ss)

    def add(self, name: str, value: float) -> None:
        self.counts[name] = self.counts.get(name, 0.0) + float(value)

    def quota_rows(self, path: str = "callup.quota") -> int:
        """The decree quota of this campaign (value in force on its first day) in rows of the sample."""
        return round(float(self.law.value_at(path, self.campaign.callup_start)) * self.scale)

    def in_period(self, day: int) -> bool:
        return self.prev_day < day <= self.day

    def release(self) -> None:
        """Drop the row arrays (status, reasons, summoned ...) once the step is done: only its counts
        are kept, so a run of 14 campaigns does not hold 14 evaluations of 13 million men."""
        self.status = self.reasons = self.summoned = self.appeared = self.ignored = None


def _age(state: SimState, day: int, rows: slice | np.ndarray = slice(None)) -> np.ndarray:
    """Age in (approximate) full years - for behaviour only; legal ages are the rules' business."""
    return np.floor((np.int32(day) - state.pop.birth[rows]) / DAYS_PER_YEAR).astype(np.int16)


def _ages_of_slice(state: SimState, day: int, lo: int, hi: int) -> np.ndarray:
    """Ages (as :func:`_age`) of rows ``lo:hi``, found from the birth-sorted layout: one search per age
    and a fill, instead of arithmetic on every row."""
    ages, bounds = _age_groups(state, day, lo, hi)
    return np.repeat(ages, np.diff(bounds))


def _age_groups(state: SimState, day: int, lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]:
    """``(ages, bounds)``: rows ``bounds[k]:bounds[k+1]`` are the men of age ``ages[k]`` (as :func:`_age`)."""
    birth = state.pop.birth
    if hi <= lo:
        return np.zeros(0, dtype=np.int16), np.array([lo], dtype=np.int64)
    oldest = int(_age(state, day, slice(lo, lo + 1))[0])
    youngest = int(_age(state, day, slice(hi - 1, hi))[0])
    ages = np.arange(oldest, youngest - 1, -1, dtype=np.int16)  # rows run from the oldest
    # age >= A  <=>  birth <= floor(day - A*year): the group of age A ends after the last such row
    cut = np.floor(day - ages[:-1].astype(np.float64) * DAYS_PER_YEAR).astype(birth.dtype)
    idx = lo + np.searchsorted(birth[lo:hi], cut, "right")
    return ages, np.concatenate(([lo], idx, [hi])).astype(np.int64)


def _bernoulli_rows(rng: np.random.Generator, bounds: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Rows drawn independently with probability ``p[k]`` in group ``bounds[k]:bounds[k+1]``, in time
    proportional to the rows drawn (a binomial count, then that many distinct rows of the group)."""
    out = []
    for k in range(len(bounds) - 1):
        size = int(bounds[k + 1] - bounds[k])
        pk = float(p[k])
        if size == 0 or pk <= 0:
            continue
        n = size if pk >= 1 else int(rng.binomial(size, pk))
        out.append(bounds[k] + np.sort(rng.choice(size, n, replace=False)))
    return np.concatenate(out) if out else np.zeros(0, dtype=np.int64)


def _bit_counts(masks: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """How many of ``masks`` (uint64) have each of the 64 bits set: one byte histogram per byte of the
    mask, instead of one pass per bit."""
    out = np.zeros(64)
    b = masks.view(np.uint8).reshape(-1, 8)  # little-endian: byte j holds bits 8j..8j+7
    bits = (np.arange(256)[:, None] >> np.arange(8)[None, :]) & 1  # (256, 8)
    for j in range(8):
        hist = np.bincount(b[:, j], weights=weights, minlength=256)
        out[8 * j:8 * j + 8] = hist @ bits
    return out


def _u(rng: np.random.Generator, n: int) -> np.ndarray:
    return rng.random(n, dtype=np.float32)


def _per_step(rate_per_year: float, years: float) -> float:
    return float(1.0 - np.exp(-rate_per_year * years))


def _born_between_ages(state: SimState, day: int, young: float, old: float) -> tuple[int, int]:
    """Row range of men aged ``young`` .. ``old`` (approximately, with a day of margin) on ``day``."""
    return state.rows_born_between(int(day - (old + 1) * DAYS_PER_YEAR) - 1, int(day - young * DAYS_PER_YEAR) + 1)


def _take_first(rng: np.random.Generator, idx: np.ndarray, n: int) -> np.ndarray:
    """Alignment: score ``idx`` by a seeded random key and keep the first ``n`` (all when fewer)."""
    if idx.size <= n:
        return idx
    key = rng.random(idx.size)
    return np.sort(idx[np.argpartition(key, n)[:n]])


# --- services -----------------------------------------------------------------------------------


def end_services(state: SimState, step: Step) -> None:
    """Service ends: conscripts after their term (12 months) go to the reserve with ``served =
    conscript``; contract soldiers to the reserve; men in ACS get ``served = acs``. Mobilised men
    stay (no decree has ended the 2022 partial mobilisation)."""
    pop = state.pop
    ended = (state.in_service > 0) & (state.in_service != MOBILISED) & compare_days(state.service_end, "<=", step.day)
    idx = np.flatnonzero(ended)
    kind = state.in_service[idx]
    for k, served, reserve, name in (
        (CONSCRIPT, "conscript", True, "ended_conscript"),
        (CONTRACT, "contract", True, "ended_contract"),
        (ACS, "acs", False, "ended_acs"),
    ):
        rows = idx[kind == k]
        pop.served[rows] = SERVED.index(served)
        if reserve:
            pop.reserve[rows] = True
        step.add(name, rows.size)
    state.in_service[idx] = 0
    state.sp.sim.activity[idx] = 0


# --- demography ---------------------------------------------------------------------------------


def arrivals(state: SimState, step: Step) -> None:
    """Immigrants whose arrival day falls in this step's period (``sim.arrives_on``, drawn by the
    build from ``migration.*`` of the population assumptions) become alive residents on it: from this
    step on they are counted, evaluated, die, study and emigrate like everyone. Deterministic: no
    draw here, the day was fixed by the build."""
    arr = state.sp.sim.arrives_on
    rows = np.flatnonzero(compare_days(arr, ">", step.prev_day) & compare_days(arr, "<=", step.day))
    state.alive[rows] = True
    step.add("immigrated", rows.size)


def mortality(state: SimState, step: Step, rates: np.ndarray | None = None) -> None:
    """Deaths since the last step: ``1 - exp(-mx * years)`` with the male single-age rates of the year
    (:func:`callup.population.sources.death_rates`; ``rates`` overrides them, for tests)."""
    if step.years <= 0:
        return
    if rates is None:
        rates, _ = sources.death_rates(int(split(np.int32(step.day))[0]))
    ages, bounds = _age_groups(state, step.day, 0, len(state))
    p = 1.0 - np.exp(-np.asarray(rates, dtype=np.float64)[np.clip(ages, 0, len(rates) - 1)] * step.years)
    dead = _bernoulli_rows(step.rng("mortality"), bounds, p)
    dead = dead[state.alive[dead]]
    state.alive[dead] = False
    state.in_service[dead] = 0
    step.add("deaths", dead.size)


def _sep1_after(days: np.ndarray) -> np.ndarray:
    y, m, _ = split(days)
    return month_day(np.where(m >= 9, y + 1, y), "09-01")


def _enrol(state: SimState, step: Step, rows: np.ndarray, level: str, years: np.ndarray, rng) -> None:
    pop = state.pop
    start = _sep1_after(unpack_days(pop.study_end[rows]) - 1) if rows.size else rows.astype(np.int32)
    y = split(start)[0]
    pop.study_level[rows] = level_code(level)
    pop.study_full_time[rows] = True
    pop.study_accredited[rows] = _u(rng, rows.size) < step.assumptions.value("study.accredited")
    pop.study_start[rows] = start
    pop.study_end[rows] = month_day(y + years.astype(np.int32), "06-30")
    step.add(f"enrolled_{level}", rows.size)


def study(state: SimState, step: Step) -> None:
    """Study transitions since the last step, with the shares of ``population/assumptions.yaml``
    (study.*): graduation (a dated diploma; the level's deferral marked used when the programme ended
    after his 18th birthday), enrolment in the next level, continuation to master's and postgraduate
    study, and dropouts (a hazard spreading the programme's dropout share over its term)."""
    pop, a, f = state.pop, step.assumptions, step.b["study_transitions_per_step"]
    rng = step.rng("study")
    lo, hi = _born_between_ages(state, step.day, 14, 40)
    base = lo + np.flatnonzero(pop.study_level[lo:hi])  # the men studying now (a minority)
    base = base[state.alive[base]]
    level = pop.study_level[base]
    ft = pop.study_full_time[base]
    end_ = unpack_days(pop.study_end[base])
    # dropouts
    drop_share = {"spo": "study.dropout_spo", "bachelor": "study.dropout_he", "specialist": "study.dropout_he",
                  "master": "study.dropout_master", "postgraduate": "study.dropout_postgraduate"}
    u = _u(rng, base.size)
    left = np.zeros(base.size, dtype=np.bool_)
    for lv, path in drop_share.items():
        code = level_code(lv)
        term = STUDY_TERM_YEARS[lv]
        p = min(a.value(path) * f, 1.0) * min(step.years, term) / term
        left |= (level == code) & ft & (u < p) & (end_ > step.day)
    rows = base[left]
    _mark_used(state, rows, step.day)
    pop.study_level[rows] = 0
    pop.study_full_time[rows] = False
    pop.study_end[rows] = step.day
    step.add("dropouts", rows.size)
    # graduations
    done = base[(end_ <= step.day) & ~left]
    lv = pop.study_level[done].copy()
    end = unpack_days(pop.study_end[done])
    pop.diploma[lv - 1, done] = np.minimum(unpack_days(pop.diploma[lv - 1, done]), end)
    _mark_used(state, done, end)
    pop.study_level[done] = 0
    pop.study_full_time[done] = False
    step.add("graduated", done.size)
    u = _u(rng, done.size)
    u2 = _u(rng, done.size)
    age_end = ((end - pop.birth[done]) / DAYS_PER_YEAR).astype(np.int16)
    school, spo = level_code("school"), level_code("spo")
    bach, spec, mast, pg = (level_code(x) for x in ("bachelor", "specialist", "master", "postgraduate"))
    nine = (lv == school) & (age_end < 17)
    eleven = (lv == school) & ~nine
    to_spo9 = nine & (u < a.value("study.spo_after_grade_9") * f)
    years9 = np.where(u2 < a.value("study.spo_after_grade_9_four_years"), 4, 3)
    p_he = a.value("study.he_after_grade_11") * f
    p_spo11 = a.value("study.spo_after_grade_11") * f
    to_he = eleven & (u < p_he)
    to_spo11 = eleven & (u >= p_he) & (u < p_he + p_spo11)
    years11 = np.where(u2 < a.value("study.spo_after_grade_11_years") - 2.0, 3, 2)
    to_bach_spo = (lv == spo) & (u < a.value("study.he_after_spo") * f)
    to_master = (lv == bach) & (u < a.value("study.master_same_year") * f)
    to_pg = ((lv == spec) | (lv == mast)) & (u < a.value("study.postgraduate_after") * f)
    degree = (lv == pg) & (u < a.value("study.degree_after_postgraduate"))
    pop.degree[done[degree]] = True
    spec_share = float(a.at("study.specialist_share", float(split(np.int32(step.day))[0])))
    he_rows = done[to_he | to_bach_spo]
    is_spec = _u(rng, he_rows.size) < spec_share
    six = _u(rng, he_rows.size) < a.value("study.specialist_six_years")
    _enrol(state, step, he_rows[~is_spec], "bachelor", np.full((~is_spec).sum(), 4), rng)
    _enrol(state, step, he_rows[is_spec], "specialist", np.where(six[is_spec], 6, 5), rng)
    _enrol(state, step, done[to_spo9], "spo", years9[to_spo9], rng)
    _enrol(state, step, done[to_spo11], "spo", years11[to_spo11], rng)
    master_years = np.full(int(to_master.sum()), int(a.value("study.master_years")))
    _enrol(state, step, done[to_master], "master", master_years, rng)
    pg_rows = done[to_pg]
    four = _u(rng, pg_rows.size) < a.value("study.postgraduate_four_years")
    _enrol(state, step, pg_rows, "postgraduate", np.where(four, 4, 3), rng)


def _mark_used(state: SimState, rows: np.ndarray, on) -> None:
    """A programme finished or left after his 18th birthday: its study deferral counts as used."""
    pop = state.pop
    lv = pop.study_level[rows]
    adult = add_years(pop.birth[rows], 18) <= on
    bits = np.where(adult & (lv > 0), np.left_shift(1, np.maximum(lv.astype(np.int16) - 1, 0)), 0)
    pop.deferrals_used[rows] |= bits.astype(np.uint8)


def family(state: SimState, step: Step) -> None:
    """New children since the last step: the hazard of a first, second and third child follows the
    growth of the age curves ``family.children_1plus/2plus/3plus`` of the population assumptions."""
    pop, a = state.pop, step.assumptions
    rng = step.rng("family")
    lo, hi = _born_between_ages(state, step.day, 17, 50)
    if hi <= lo or step.years <= 0:
        return
    ages, bounds = _age_groups(state, step.day, lo, hi)
    # hazard table by (children so far, age in years): P(k -> k+1) = growth of the (k+1)+ share over
    # the step / share with exactly k children at the start of the step
    x = np.maximum(ages, 0).astype(np.float64)
    now = [np.ones_like(x)] + [a.at(f"family.children_{k}plus", x) for k in (1, 2, 3)]
    before = [np.ones_like(x)] + [a.at(f"family.children_{k}plus", x - step.years) for k in (1, 2, 3)]
    table = np.zeros((N_SLOTS + 1, x.size))
    for k in range(N_SLOTS):
        table[k] = np.clip((now[k + 1] - before[k + 1]) / np.maximum(before[k] - before[k + 1], 1e-9), 0, 1)
    # thinning: draw candidates at the highest hazard of their age, keep each with hazard / highest
    top = table.max(axis=0)
    rows = _bernoulli_rows(rng, bounds, top)
    group = np.searchsorted(bounds, rows, "right") - 1
    n_kids = (unpack_keys(pop.child_birth_key[:, rows]) != NEVER_KEY).sum(axis=0)
    keep = _u(rng, rows.size) < table[np.minimum(n_kids, N_SLOTS), group] / np.maximum(top[group], 1e-12)
    keep &= state.alive[rows] & (n_kids < pop.child_birth_key.shape[0])
    rows, n_kids = rows[keep], n_kids[keep]
    days = step.prev_day + 1 + (rng.random(rows.size) * max(step.day - step.prev_day, 1)).astype(np.int32)
    pop.child_birth_key[n_kids, rows] = date_key(days.astype(np.int32))
    pop.child_disabled[n_kids, rows] = _u(rng, rows.size) < a.value("family.child_disabled")
    step.add("births", rows.size)


def migration(state: SimState, step: Step) -> None:
    """Emigration of men aged 18 to ``emigration_age_max`` (a base rate, plus the shocks of 2022-02-24
    and 2022-09-21 when the step's period contains them), deregistration abroad (those who deregister
    are ``abroad``, which the rules see), and return of emigrants."""
    b, pop = step.b, state.pop
    rng = step.rng("migration")
    ev = step.events
    # the post-war rate applies from the 1 January after the war started (2023-01-01 in the history)
    after_war = None if ev.war_start is None else int(to_day(f"{int(split(np.int32(ev.war_start))[0]) + 1}-01-01"))
    base = b["emigration_after_2022_per_year"] if after_war is not None and step.day > after_war \
        else b["emigration_base_per_year"]
    p = _per_step(base, step.years)
    shock_day = None
    if ev.war_start is not None and step.in_period(ev.war_start):
        p += b["emigration_shock_feb2022"]
        shock_day = ev.war_start
    if ev.mobilisation is not None and step.in_period(ev.mobilisation):
        p += b["emigration_shock_sep2022"]
        shock_day = ev.mobilisation
    for day, share in ev.emigration_shocks:
        if step.in_period(day):
            p += share
            shock_day = day
    lo, hi = _born_between_ages(state, step.day, 18, b["emigration_age_max"])
    rows = _bernoulli_rows(rng, np.array([lo, hi]), np.array([p]))
    rows = rows[state.alive[rows] & ~state.emigrated[rows] & (state.in_service[rows] == 0)]
    _emigrate(state, step, rows, rng, shock_day)
    # return (only men who left during the run; the build's permanent residents abroad stay)
    back = np.flatnonzero(state.emigrated & state.alive & compare_days(state.emigrated_on, "<", step.prev_day))
    back = back[_u(rng, back.size) < _per_step(b["return_per_year"], step.years)]
    state.emigrated[back] = False
    pop.abroad[back] = False
    step.add("returned", back.size)


def _emigrate(state: SimState, step: Step, rows: np.ndarray, rng, day: int | None = None) -> None:
    state.emigrated[rows] = True
    state.emigrated_on[rows] = step.day if day is None else day
    dereg = rows[_u(rng, rows.size) < step.b["deregister_abroad"]]
    state.pop.abroad[dereg] = True
    step.add("emigrated", rows.size)
    step.add("deregistered", dereg.size)


def health(state: SimState, step: Step) -> None:
    """A temporary unfitness (latent Г) resolves to fit (Б) with probability ``g_recovery``."""
    lat = state.sp.sim.latent_health
    g = np.flatnonzero(lat == HEALTH_G)
    healed = g[_u(step.rng("health"), g.size) < step.b["g_recovery"]]
    lat[healed] = HEALTH_B


# --- law ----------------------------------------------------------------------------------------


def legal_status(state: SimState, step: Step) -> None:
    """Status and reasons on the campaign day: ``rules.evaluate`` over the contiguous slice of men
    who can possibly be liable (rows are sorted by birth, so the slice is a zero-copy view)."""
    step.lo, step.hi = _born_between_ages(state, step.day, *LIABLE_AGES)
    ev = rules.evaluate(step.law, state.pop.slice(step.lo, step.hi), np.int32(step.day))
    step.status, step.reasons = ev.status, ev.reasons


def _resident(state: SimState, step: Step) -> np.ndarray:
    sl = slice(step.lo, step.hi)
    return state.alive[sl] & ~state.emigrated[sl] & (state.in_service[sl] == 0)


def acs(state: SimState, step: Step) -> None:
    """ACS: liable men with a ground (113-FZ Art. 2) apply before the deadline of this campaign with
    probability ``acs_apply`` (``aid_acs_apply`` if a legal-aid group helped them); the commission
    approves a share ``acs_approve`` of those who may be sent (``acs.may_be_sent``). Where the law has
    no conflict rule (``acs.conflict_rule`` false, a scenario) men with a deferral or exemption may
    apply too; where it has no deadline (``acs.deadline_*`` null) the application is dated just before
    the campaign. The engine does not refuse late applications: the deadline only dates them."""
    pop, b = state.pop, step.b
    rng = step.rng("acs")
    sl = slice(step.lo, step.hi)
    sub = pop.slice(step.lo, step.hi)
    ground = ru_acs.has_acs_ground(sub)
    free = step.status == LIABLE
    if not step.law.values_at("acs.conflict_rule", np.int32(step.day), dtype=np.bool_, fill=True):
        free = step.status != STATUS_NAMES.index("not_liable")  # 113-FZ Art. 3 p.2 lifted (as may_be_sent)
    cand = _resident(state, step) & ground & (state.acs_status[sl] == 0) & free
    p = np.where(state.sought_legal_aid[sl], b["aid_acs_apply"], b["acs_apply"]).astype(np.float32)
    applied = np.flatnonzero(cand & (_u(rng, cand.size) < p))
    season = "autumn" if step.campaign.season == "autumn" else "spring"
    if step.law.value_at(f"acs.deadline_{season}", step.campaign.start) is None:
        deadline = step.day  # no filing deadline (a scenario): he applies in the weeks before the campaign
    else:
        deadline = ru_acs.filing_deadline(step.law, step.campaign)
    pop.acs_applied[step.lo + applied] = deadline - 1 - (rng.random(applied.size) * 60).astype(np.int32)
    state.acs_status[step.lo + applied] = ACS_STATUS.index("applied")
    step.add("acs_applied", applied.size)
    if applied.size == 0:
        return
    one = pop.take(step.lo + applied)
    ok = ru_acs.may_be_sent(step.law, one, np.int32(step.day), step.status[applied])
    approve = ok & (_u(rng, applied.size) < b["acs_approve"])
    rows = step.lo + applied[approve]
    state.acs_status[rows] = ACS_STATUS.index("approved")
    state.acs_status[step.lo + applied[~approve]] = ACS_STATUS.index("rejected")
    months = int(step.law.value_at("acs.term_months", step.campaign.start))
    state.in_service[rows] = ACS
    state.service_end[rows] = add_months(np.int32(step.campaign.start), months)
    pop.served[rows] = SERVED.index("acs")
    step.add("acs_approved", rows.size)


def summons(state: SimState, step: Step) -> None:
    """Summonses: among the liable, registered, resident men not in service, those a summons reaches
    (``reach_personal``; ``reach_register`` from ``register_from`` once the law's registers are in
    operation, ``summons.registers_operational``), up to ``summons_per_quota`` times
    the quota, chosen by alignment."""
    b = step.b
    rng = step.rng("summons")
    sl = slice(step.lo, step.hi)
    year_frac = 1970 + step.day / DAYS_PER_YEAR
    operational = step.law.value_at("summons.registers_operational", step.day) is True
    reach = b["reach_register"] if year_frac >= b["register_from"] and operational else b["reach_personal"]
    pool = _resident(state, step) & state.pop.registered[sl] & (step.status == LIABLE)
    idx = np.flatnonzero(pool)
    idx = idx[_u(rng, idx.size) < reach]
    step.add("reachable", idx.size)
    idx = _take_first(rng, idx, round(b["summons_per_quota"] * step.quota_rows()))
    state.summoned[step.lo + idx] = np.minimum(state.summoned[step.lo + idx].astype(np.int16) + 1, 255)
    step.summoned = idx
    step.add("summoned", idx.size)


def response(state: SimState, step: Step) -> None:
    """Response to a summons: legal aid (``legal_aid``, ×``legal_aid_war_factor`` from 2022-02-24),
    appear (``appear``; aided would-be evaders appear with ``aid_lawful``), leave the country
    (``leave_on_summons`` of the rest, from 2022-09-21), or ignore."""
    b = step.b
    rng = step.rng("response")
    idx = step.summoned if step.summoned is not None else np.zeros(0, dtype=np.int64)
    rows = step.lo + idx
    p_aid = b["legal_aid"] * (b["legal_aid_war_factor"] if step.since(step.events.war_start) else 1.0)
    aided = _u(rng, idx.size) < p_aid
    state.sought_legal_aid[rows[aided]] = True
    appear = _u(rng, idx.size) < b["appear"]
    appear |= ~appear & aided & (_u(rng, idx.size) < b["aid_lawful"])
    rest = ~appear
    p_leave = b["leave_on_summons"] if step.since(step.events.mobilisation) else 0.0
    leave = rest & (_u(rng, idx.size) < p_leave)
    ignore = rest & ~leave
    _emigrate(state, step, rows[leave], rng)
    state.ignored[rows[ignore]] = np.minimum(state.ignored[rows[ignore]].astype(np.int16) + 1, 255)
    step.appeared, step.ignored = idx[appear], idx[ignore]
    step.add("legal_aid", int(aided.sum()))
    step.add("appeared", int(appear.sum()))
    step.add("left_on_summons", int(leave.sum()))
    step.add("ignored", int(ignore.sum()))


def examination(state: SimState, step: Step) -> None:
    """The medical board examines the men who appeared (``examined``): their latent category becomes
    ``health``/``health_date`` (В/Д exempt, Г deferral - the rules see it), and their status is
    evaluated again."""
    pop = state.pop
    rng = step.rng("examination")
    idx = step.appeared if step.appeared is not None else np.zeros(0, dtype=np.int64)
    idx = idx[_u(rng, idx.size) < step.b["examined"]]
    rows = step.lo + idx
    cat = state.sp.sim.latent_health[rows]
    pop.health[rows] = cat
    pop.health_date[rows] = step.day
    step.add("examined", idx.size)
    for i, letter in enumerate(HEALTH_LETTERS):
        step.add(f"examined_{letter}", int((cat == i + 1).sum()))
    step.appeared = idx
    if idx.size:
        ev = rules.evaluate(step.law, pop.take(rows), np.int32(step.day))
        step.status[idx] = ev.status
        step.reasons[idx] = ev.reasons


def selection(state: SimState, step: Step) -> None:
    """Alignment to the decree quota: among the examined men who are liable and fit (А/Б), sort by a
    seeded random key and draft the first ``quota × scale``; a smaller pool is a shortfall. Service
    starts on a day of the dispatch window and lasts ``callup.service_months``."""
    pop = state.pop
    rng = step.rng("selection")
    idx = step.appeared if step.appeared is not None else np.zeros(0, dtype=np.int64)
    fit = (pop.health[step.lo + idx] == HEALTH_A) | (pop.health[step.lo + idx] == HEALTH_B)
    eligible = idx[(step.status[idx] == LIABLE) & fit]
    n = step.quota_rows()
    drafted = step.lo + _take_first(rng, eligible, n)
    c = step.campaign
    start = (c.start + (rng.random(drafted.size) * (c.end - c.start + 1))).astype(np.int32)
    months = int(step.law.value_at("callup.service_months", c.start))
    state.in_service[drafted] = CONSCRIPT
    state.sp.sim.activity[drafted] = 1
    state.service_end[drafted] = add_months(start, months)
    pop.served[drafted] = SERVED.index("conscript")
    step.add("quota", n)
    step.add("eligible", eligible.size)
    step.add("drafted", drafted.size)
    step.add("shortfall", max(n - drafted.size, 0))


def enforcement(state: SimState, step: Step) -> None:
    """Non-appearance: a KoAP 21.5 fine (``fine_no_show``) and an Art. 328 prosecution
    (``prosecute_no_show``), ending in a conviction (``convict_328``) that is on record afterwards."""
    b, pop = step.b, state.pop
    rng = step.rng("enforcement")
    idx = step.ignored if step.ignored is not None else np.zeros(0, dtype=np.int64)
    rows = step.lo + idx
    fined = rows[_u(rng, rows.size) < b["fine_no_show"]]
    state.fined[fined] = np.minimum(state.fined[fined].astype(np.int16) + 1, 255)
    pros = rows[(_u(rng, rows.size) < b["prosecute_no_show"]) & ~state.prosecuted[rows]]
    state.prosecuted[pros] = True
    conv = pros[_u(rng, pros.size) < b["convict_328"]]
    pop.criminal[conv[pop.criminal[conv] == 0]] = CRIMINAL.index("conviction")
    step.add("fined", fined.size)
    step.add("prosecuted", pros.size)
    step.add("convicted_328", conv.size)


def contracts(state: SimState, step: Step) -> None:
    """First contracts: civilian resident men fit (latent А/Б), aged 18 to the law's limit
    (``contract.first_age_max``; ``contract_age_no_limit`` once the law has none), sign at a yearly
    rate ``contract_base_per_year × (1 + payment/contract_payment_scale)^contract_payment_elasticity``
    (× ``contract_war_factor`` from 2022-02-24), the payment being the federal one in force."""
    b, pop = step.b, state.pop
    rng = step.rng("contracts")
    limit = step.law.value_at("contract.first_age_max", step.day)
    age_max = float(b["contract_age_no_limit"] if limit is None else limit)
    pay = step.payments(step.day)
    rate = b["contract_base_per_year"] * (1.0 + pay / b["contract_payment_scale"]) ** b["contract_payment_elasticity"]
    if step.since(step.events.war_start):
        rate *= b["contract_war_factor"]
    lo, hi = _born_between_ages(state, step.day, 18, age_max - 1)
    rows = _bernoulli_rows(rng, np.array([lo, hi]), np.array([_per_step(rate, step.years)]))
    lat = state.sp.sim.latent_health[rows]
    rows = rows[state.alive[rows] & ~state.emigrated[rows] & (state.in_service[rows] == 0)
                & ((lat == HEALTH_A) | (lat == HEALTH_B)) & (pop.criminal[rows] != CRIMINAL.index("serving_sentence"))]
    term = round(step.assumptions.value("service.contract_term_years") * DAYS_PER_YEAR)
    state.in_service[rows] = CONTRACT
    state.sp.sim.activity[rows] = 2
    state.service_end[rows] = step.day + term
    pop.served[rows[pop.served[rows] == 0]] = SERVED.index("contract")
    pop.reserve[rows] = False
    step.add("contracts", rows.size)


def mobilisation(state: SimState, step: Step) -> None:
    """Partial mobilisation (once, at the first step on which ``mobilisation.declared`` is partial):
    reservists who served (``mobilisation_served_only``), aged up to ``mobilisation_age_max``, fit,
    resident and free, are taken by alignment up to ``mobilisation.target × scale``."""
    if step.mobilisation_done or step.law.value_at("mobilisation.declared", step.day) in (None, "none"):
        return
    target = step.law.value_at("mobilisation.target", step.day)
    if target is None:
        return
    b, pop = step.b, state.pop
    rng = step.rng("mobilisation")
    lo, hi = _born_between_ages(state, step.day, 18, b["mobilisation_age_max"] - 1)
    lat = state.sp.sim.latent_health[lo:hi]
    cand = (state.alive[lo:hi] & ~state.emigrated[lo:hi] & (state.in_service[lo:hi] == 0) & pop.reserve[lo:hi]
            & ((lat == HEALTH_A) | (lat == HEALTH_B)) & (pop.criminal[lo:hi] == 0))
    if b["mobilisation_served_only"] >= 0.5:
        cand &= (pop.served[lo:hi] == SERVED.index("conscript")) | (pop.served[lo:hi] == SERVED.index("contract"))
    n = round(float(target) * step.scale)
    rows = lo + _take_first(rng, np.flatnonzero(cand), n)
    state.in_service[rows] = MOBILISED
    state.service_end[rows] = NEVER
    pop.reserve[rows] = False
    step.mobilisation_done = True
    step.add("mobilisation_target", n)
    step.add("mobilised", rows.size)
    step.add("mobilisation_shortfall", n - rows.size)


def census(state: SimState, step: Step) -> None:
    """Stocks on the step's day: men by age group as the official statistics count them (alive and
    arrived, emigrants until they deregister), in service by kind, emigrants;
    status and reasons of the resident men of call-up ages (from the step's evaluation)."""
    from callup.jurisdictions import ru

    alive, em = state.alive, state.emigrated
    sl = slice(step.lo, step.hi)
    res = alive[sl] & ~em[sl]  # men aged 17-32: the slice holds every age group counted below
    # The population figures are counted as the official statistics count them (the RosBRIS/Rosstat
    # estimates the targets come from): an emigrant stays in the count until he deregisters (declares
    # permanent residence abroad); most who left in 2022 never did.
    counted = alive[sl] & ~(em[sl] & state.pop.abroad[sl])
    for name, (young, old) in {"men_18_27": (18, 27), "men_18_30": (18, 30), "men_18": (18, 18)}.items():
        lo, hi = state.rows_born_between(int(add_years(np.int32(step.day), -(old + 1))[()]) + 1,
                                         int(add_years(np.int32(step.day), -young)[()]))
        step.add(name, int(counted[max(lo - step.lo, 0):max(hi - step.lo, 0)].sum()))
    for k, name in ((CONSCRIPT, "conscripts"), (CONTRACT, "contract"), (ACS, "acs"), (MOBILISED, "mobilised")):
        step.add(f"in_service_{name}", np.count_nonzero(state.in_service == k))  # the dead have 0
    left = np.flatnonzero(compare_days(state.emigrated_on, "!=", NEVER))
    step.add("emigrants_abroad", int((em[left] & alive[left]).sum()))
    keep = res & (state.in_service[sl] == 0)
    st = step.status[keep]
    for i, s in enumerate(STATUS_NAMES):
        step.add(f"status_{s}", int((st == i).sum()))
    counts = _bit_counts(step.reasons[keep])
    for r in ru.vocabulary().reasons:
        step.add(f"reason_{r.code}", counts[r.bit])


PROCESSES: tuple[Callable[[SimState, Step], None], ...] = (
    arrivals,
    end_services,
    mortality,
    health,
    study,
    family,
    migration,
    legal_status,
    acs,
    summons,
    response,
    examination,
    selection,
    enforcement,
    contracts,
    mobilisation,
    census,
)
"""The processes of one campaign step, in order."""
