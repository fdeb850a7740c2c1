"""Build a synthetic population of Russian men from the bundled figures and the named assumptions.

Rows
----
One row per man in a sample of ``scale`` (``scale=1`` is one row per man). The men are those aged
15-65 on ``start`` and the younger cohorts who reach 15 before ``until`` (for 2019-2026: born
1953-2010). They are sized from the RosBRIS single-year **mean annual** male population of the start
year (:func:`callup.population.sources.rosbris`): the men of age ``a`` in that year's mean annual
population are the men aged ``a`` at mid-year (1 July), i.e. born in the 365/366 days ending on the
``a``-th anniversary of 1 July - so the younger cohorts (aged 8-14 in mid-2019) come from the same
cited table, not from a projection. Per age window, ``rows = round(count * scale * kept share of the
window)`` and birth dates are uniform over the window's days (a multinomial over days). Rows are
sorted by birth date, oldest first, so every age group is a contiguous slice. ``weight = 1/scale``
national men per row.

Immigrants are extra rows of the same windows, made now so that the arrays never grow: a cohort gets
``round(count * scale * kept share * sum over the years of the period of migration.immigration_rate
(at his age that year) * migration.immigration_by_year * share of the year in the period)`` more
rows, a random subset of the window's (so they stay in birth order), each with ``sim.arrives_on``
drawn over the period by those yearly weights. Until that day a row is not ``alive`` (no count, no
evaluation, no death, study, emigration or draft); the simulation's ``arrivals`` process makes him
alive on it. His study, health and family are drawn like his cohort's; he has no Russian service or
board history, is never abroad or in service on start, and is a citizen with the share
``migration.immigrant_citizen`` (foreigners are not on the military register).

Attributes
----------
Each man gets a consistent history up to ``start`` and his state on ``start``:

* **study** - a track through school (grade 1 at 6y8m-7y8m; out after grade 9 or 11), SPO, a first
  degree (bachelor 4 years or specialist 5-6), a master's in the year of the bachelor diploma,
  postgraduate study, with dropouts at a uniform time in a programme. The programme that contains
  ``start`` is his current study (full time); finished programmes give dated diplomas; a programme
  finished or left after his 18th birthday marks its study deferral as used. Some men without a
  degree study part time. What happens after ``start`` is the simulation's business.
* **health** - a category at the first draft-board examination (fit share: the assumption
  ``health.first_exam_fit_share``; the unfit split in the 2007 shape, А/Б in the 2001 shape),
  and a latent category on ``start`` (``sim.latent_health``: the old get worse, a few are
  temporarily unfit). ``pop.health`` is what a board already found (0 if never examined).
* **service** - a man fit at 18 who had a liable gap (18+ and not in full-time study) before 27 was
  drafted with a cohort probability, in a call-up window after the gap began and before it ended;
  service lasts the term of the law at the time (``callup.service_months``). Those whose service
  runs past ``start`` are the conscripts in service (sized by the 2018 quotas through the assumption
  ``service.draft_probability``). Contract soldiers (405,000) and men in ACS (about 1,140) are bundled
  stocks spread over an assumed age profile.
* **family and status** - children (at most 3, birth dates consistent with the age curves), a
  disabled child, a pregnant wife, care and guardianship, criminal status, IT work, public service,
  elected office, beliefs, indigenous status, residence abroad, registration; all by age.

Randomness and work
-------------------
Every attribute draws from its own generator, ``SeedSequence(seed, spawn_key=(crc32(name), age
window, piece))``: adding or changing one attribute does not move the others, the result does not
depend on threads, and one seed gives identical arrays. The rows of an age window are processed in
pieces of at most PIECE_ROWS (the working set stays in cache); the only Python loops run over
pieces (about 60 at scale 0.01, 440 at scale 1) and a few study levels. Rare attributes are drawn
by geometric gaps (time proportional to the men chosen, not to the rows). The build runs in two
passes: histories (study, health, service), then the stocks in service (normalised over the whole
population), residence, family and status.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, fields

import numpy as np

from callup.jurisdictions.ru import columns
from callup.jurisdictions.ru.columns import (
    CRIMINAL,
    DAY_FIELDS,
    KEY_FIELDS,
    SERVED,
    STUDY_LEVELS,
    Population,
    health_code,
    level_code,
    owned_nbytes,
)
from callup.law.dates import NEVER, add_months, add_years, age_on, birthday, to_day
from callup.law.packed_days import PackedDays, PackedKeys, pack_days, unpack_days

from . import _calendar as cal
from . import sources
from .assumptions import Assumptions, load_assumptions

__all__ = [
    "ACTIVITIES",
    "N_CHILDREN",
    "SimColumns",
    "SyntheticPopulation",
    "build_population",
]

ACTIVITIES: tuple[str, ...] = ("civilian", "conscript", "contract", "acs")
"""What a man is doing on a day, coded in ``SimColumns.activity``."""

N_CHILDREN = 3
"""Child slots per man (``child_birth_key`` is (3, N))."""

MAX_AGE_AT_START = 65
COME_OF_AGE = 15
AGE_TABLE = 131
YEAR0, YEAR_TABLE = 1900, 201
_WRITTEN = frozenset({
    "birth", "birth_key", "study_level", "study_full_time", "study_accredited", "study_start", "study_end",
    "deferrals_used", "served", "health", "health_date", "reserve", "registered",
})
"""Population columns every row of which the build writes (no default fill needed); the simulation
columns latent_health, activity and service_end too."""
CONSTANT_FIELDS = frozenset({"male", "waived"})
"""Columns with one value for every synthetic man, stored as a read-only zero-stride broadcast (no
memory): every row is a man, and the simulation does not model waived rights (53-FZ Art. 22 p.2.1)."""
SIM_DAY_FIELDS = frozenset({"service_end", "arrives_on"})
"""Simulation date columns stored as packed days (as the population's :data:`DAY_FIELDS`)."""
PIECE_ROWS = 1 << 17
"""Rows per unit of work: small enough for the working set of a piece to stay in cache."""
SUMMER_GAP_DAYS = 92
"""A break between two programmes of at most this many days (30 June -> 1 September) is no gap."""

_A, _B, _V, _G, _D = (health_code(c) for c in "ABVGD")
_LEVEL = {lv: level_code(lv) for lv in STUDY_LEVELS}
_BACHELOR, _SPECIALIST, _MASTER = _LEVEL["bachelor"], _LEVEL["specialist"], _LEVEL["master"]


@dataclass
class SimColumns:
    """Simulation-only columns, one value per row (the rules never read these)."""

    latent_health: np.ndarray  # int8 health code 1..5: the category an examination on the start date would give
    alive: np.ndarray  # bool
    activity: np.ndarray  # int8 ACTIVITIES index: civilian, conscript, contract, acs
    service_end: np.ndarray  # packed day: end of the current or last service; NEVER if none (the
    # simulation state takes this column over as the end of the service in progress)
    arrives_on: np.ndarray | None = None
    """int32 day an immigrant arrives to live in Russia (NEVER for the men present on the start date).
    Until that day he is not ``alive`` (not in any count, not evaluated, not dying); the simulation's
    ``arrivals`` process makes him alive on it."""

    def __post_init__(self) -> None:
        if self.arrives_on is None:
            self.arrives_on = np.full(self.alive.shape[0], NEVER, dtype=np.int32)

    def __len__(self) -> int:
        return int(self.alive.shape[0])

    def take(self, index: np.ndarray) -> SimColumns:
        return SimColumns(**{f.name: getattr(self, f.name)[index] for f in fields(self)})

    def slice(self, start: int, stop: int) -> SimColumns:
        return SimColumns(**{f.name: getattr(self, f.name)[start:stop] for f in fields(self)})

    @property
    def nbytes(self) -> int:
        return sum(owned_nbytes(getattr(self, f.name)) for f in fields(self))


def _empty_sim(n: int) -> SimColumns:
    return SimColumns(
        latent_health=np.zeros(n, dtype=np.int8),
        alive=np.ones(n, dtype=np.bool_),
        activity=np.zeros(n, dtype=np.int8),
        service_end=np.full(n, NEVER, dtype=np.int32),
        arrives_on=np.full(n, NEVER, dtype=np.int32),
    )


@dataclass
class SyntheticPopulation:
    """A synthetic population of men: the rules' columns, the simulation's columns and the weight."""

    pop: Population
    sim: SimColumns
    weight: float  # national men per row (1 / scale)
    scale: float
    seed: int
    start: dt.date
    until: dt.date
    data_year: int  # the RosBRIS year the rows were sized from
    assumptions: Assumptions = field(repr=False)
    age_windows: dict[int, tuple[int, int]] = field(default_factory=dict, repr=False)
    """RosBRIS age -> (first row, stop row): the rows sized from that age's count (birth-sorted)."""

    def __len__(self) -> int:
        return len(self.pop)

    def memory(self) -> dict[str, object]:
        """Bytes of every column and per man (row), largest first."""
        n = max(len(self), 1)
        cols = {f"pop.{f.name}": owned_nbytes(getattr(self.pop, f.name)) for f in fields(self.pop)}
        cols.update({f"sim.{f.name}": owned_nbytes(getattr(self.sim, f.name)) for f in fields(self.sim)})
        cols = dict(sorted(cols.items(), key=lambda kv: -kv[1]))
        total = sum(cols.values())
        return {
            "rows": len(self),
            "bytes_total": total,
            "bytes_per_man": total / n,
            "bytes_per_man_pop": self.pop.nbytes / n,
            "bytes_per_man_sim": self.sim.nbytes / n,
            "columns_bytes_per_man": {k: v / n for k, v in cols.items()},
        }


# --- inputs ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Window:
    """One RosBRIS age: the men of that age at mid-year, and the rows they become."""

    age: int
    first_day: int  # first kept birth day
    last_day: int  # last kept birth day
    n: int  # rows (the men present on the start date and the immigrants)
    offset: int  # first row
    immigrants: int = 0  # of the n rows: men who arrive between the start and ``until``


@dataclass(frozen=True)
class _Piece:
    """At most PIECE_ROWS consecutive rows of one window: the unit of work (and of random streams)."""

    window: _Window
    index: int  # piece number within the window
    offset: int  # first row
    n: int

    @property
    def rows(self) -> slice:
        return slice(self.offset, self.offset + self.n)


@dataclass
class _Ctx:
    seed: int
    start: int  # day
    start_date: dt.date
    until_date: dt.date
    age_limit: int
    a: Assumptions
    law: object
    pop: Population
    sim: SimColumns
    base_health: np.ndarray  # float64 (5,): shares of A B V G D at a first examination (health.first_exam_fit_share)
    windows: tuple[np.ndarray, ...]  # call-up windows by year (spring start/end, autumn start/end)
    service_months: Callable[[np.ndarray], np.ndarray]
    acs_months: int

    defaults: dict[str, np.ndarray]
    tables: dict[str, np.ndarray] = field(default_factory=dict)
    by_day: dict[int, dict[str, np.ndarray]] = field(default_factory=dict)  # window age -> per-birth-day values

    def __post_init__(self) -> None:
        # every table assumption tabulated once by integer age (0..AGE_TABLE-1) or year (YEAR0..)
        for path, item in self.a.items():
            if item.kind == "by_year":
                self.tables[path] = item.at(np.arange(YEAR0, YEAR0 + YEAR_TABLE)).astype(np.float32)
            else:
                self.tables[path] = item.at(np.arange(AGE_TABLE)).astype(np.float32)

    def by_age(self, path: str, age: np.ndarray) -> np.ndarray:
        """float32 value of a by_age (or constant) assumption at integer ages (int16, 0..AGE_TABLE-1)."""
        return self.tables[path][age]

    def by_year(self, path: str, year: np.ndarray) -> np.ndarray:
        """float32 value of a by_year assumption at calendar years."""
        return self.tables[path][np.asarray(year, dtype=np.int32) - YEAR0]

    def rng(self, name: str, piece: _Piece | _Window) -> np.random.Generator:
        """The generator of attribute ``name`` for one piece (or, for births, one window)."""
        if isinstance(piece, _Piece):
            key = (zlib.crc32(name.encode()), piece.window.age, piece.index)
        else:
            key = (zlib.crc32(name.encode()), piece.age)
        return np.random.default_rng(np.random.SeedSequence(self.seed, spawn_key=key))


def _check_args(start, until, scale, seed) -> tuple[dt.date, dt.date, float, int]:
    if not isinstance(start, dt.date) or isinstance(start, dt.datetime):
        raise ValueError(f"start must be a datetime.date, got {start!r}")
    if not isinstance(until, dt.date) or isinstance(until, dt.datetime):
        raise ValueError(f"until must be a datetime.date, got {until!r}")
    if until <= start:
        raise ValueError(f"until ({until}) must be after start ({start})")
    if isinstance(scale, bool) or not isinstance(scale, int | float) or not (0 < float(scale) <= 1):
        raise ValueError(f"scale must be a number in (0, 1], got {scale!r}")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or int(seed) < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    years = sources.rosbris().years
    if start.year not in years:
        raise ValueError(
            f"start {start} is outside the bundled population data: the rows are sized from the RosBRIS "
            f"mean annual population of the start year, available for {years[0]}-{years[-1]}"
        )
    if until > dt.date(2040, 1, 1):
        raise ValueError(f"until {until} is after 2040-01-01 (the build's calendar tables end in 2069)")
    return start, until, float(scale), int(seed)


def _arrival_years(a: Assumptions, age: int, start: dt.date, until: dt.date) -> tuple[np.ndarray, ...]:
    """(first day, last day, expected arrivals per man) of each calendar year of the period from the
    day after ``start`` to the day before ``until``, for a cohort of RosBRIS ``age`` in the start year:
    ``migration.immigration_rate`` at his age in that year × ``migration.immigration_by_year`` × the
    share of the year inside the period."""
    first, last = to_day(start) + 1, to_day(until) - 1
    years = np.arange(start.year, until.year + 1)
    y0 = np.maximum(np.array([to_day(dt.date(int(y), 1, 1)) for y in years]), first)
    y1 = np.minimum(np.array([to_day(dt.date(int(y), 12, 31)) for y in years]), last)
    keep = y1 >= y0
    years, y0, y1 = years[keep], y0[keep], y1[keep]
    length = np.array([366 if y % 4 == 0 and (y % 100 or y % 400 == 0) else 365 for y in years])
    rate = a.at("migration.immigration_rate", age + (years - start.year)) * a.at("migration.immigration_by_year", years)
    return y0.astype(np.int32), y1.astype(np.int32), rate * (y1 - y0 + 1) / length


def _plan(start: dt.date, until: dt.date, scale: float, a: Assumptions | None = None) -> tuple[list[_Window], int]:
    """Age windows of the start year, their kept birth days and row counts (with the immigrants)."""
    men = sources.rosbris().men(start.year)
    mid = to_day(dt.date(start.year, 7, 1))
    start_day = to_day(start)
    lo = int(add_years(start_day, -(MAX_AGE_AT_START + 1))) + 1  # not yet 66 on start
    hi = int(add_years(to_day(until), -COME_OF_AGE)) - 1  # 15th birthday before until
    out, offset = [], 0
    for age in range(men.size - 1):  # 100 is "100+": never needed
        w_first = int(add_years(mid, -(age + 1))) + 1
        w_last = int(add_years(mid, -age))
        first, last = max(w_first, lo), min(w_last, hi)
        if first > last:
            continue
        share = (last - first + 1) / (w_last - w_first + 1)
        n = round(float(men[age]) * scale * share)
        per_man = 0.0 if a is None else float(_arrival_years(a, age, start, until)[2].sum())
        imm = round(float(men[age]) * scale * share * per_man)
        if n + imm == 0:
            continue
        out.append(_Window(age, first, last, n + imm, offset, imm))
        offset += n + imm
    out.sort(key=lambda w: w.first_day)  # oldest first
    offset = 0
    ordered = []
    for w in out:
        ordered.append(_Window(w.age, w.first_day, w.last_day, w.n, offset, w.immigrants))
        offset += w.n
    return ordered, offset


def _callup_windows(law) -> tuple[np.ndarray, ...]:
    """(spring start, spring end, autumn start, autumn end) day of each year FIRST_YEAR..END_YEAR-1."""
    first = law["callup.windows"].values[0].start
    rows = []
    for year in range(cal.FIRST_YEAR, cal.END_YEAR):
        on = max(dt.date(year, 1, 1), first)
        ws = law.value_at("callup.windows", on)
        spans = [(to_day(f"{year}-{w['start']}"), to_day(f"{year}-{w['end']}")) for w in ws]
        if len(spans) == 1:
            spans.append((spans[0][1], spans[0][1]))
        rows.append((*spans[0], *spans[1]))
    arr = np.array(rows, dtype=np.int32)
    return tuple(np.ascontiguousarray(arr[:, i]) for i in range(4))


def _snap(days: np.ndarray, u: np.ndarray, windows: tuple[np.ndarray, ...]) -> np.ndarray:
    """Move a day outside the call-up windows to a uniform day (``u``) of the next window."""
    i = cal.year(days) - cal.FIRST_YEAR
    ss, se, as_, ae = (w[i] for w in windows)
    out = np.where(days < ss, ss + (u * (se - ss + 1)).astype(np.int32), days)
    mid = (days > se) & (days < as_)
    return np.where(mid, as_ + (u * (ae - as_ + 1)).astype(np.int32), out).astype(np.int32)


def _school_entry_year(days: np.ndarray, entry_months: int) -> np.ndarray:
    """The year of the first 1 September on which a boy born on ``days`` is ``entry_months`` old."""
    t = add_months(days, entry_months)
    y = cal.year(t)
    return np.where(t <= cal.sep1(y), y, y + 1).astype(np.int32)


def _categorical(u: np.ndarray, shares: np.ndarray) -> np.ndarray:
    """Codes 1..K by inverse CDF of ``shares`` (K,) at uniforms ``u``."""
    cum = np.cumsum(shares / shares.sum())[:-1].astype(np.float32)
    return (np.searchsorted(cum, u, side="right") + 1).astype(np.int8)


def _fraction_of(u: np.ndarray, first: np.ndarray, last: np.ndarray) -> np.ndarray:
    """A day a share ``u`` of the way from ``first`` to ``last``."""
    return (first + (u * (last - first).astype(np.float32)).astype(np.int32)).astype(np.int32)


def _pick(rng: np.random.Generator, n: int, p: float) -> np.ndarray:
    """Rows of ``0..n-1``, each chosen independently with probability ``p`` (sorted, int64).

    Bernoulli trials by geometric gaps: the time is proportional to the number chosen, not to ``n``.
    """
    if n <= 0 or p <= 0.0:
        return np.empty(0, dtype=np.int64)
    if p >= 0.2:
        return np.flatnonzero(rng.random(n, dtype=np.float32) < p)
    parts, last = [], -1
    while last < n:
        expect = (n - last) * p
        pos = last + np.cumsum(rng.geometric(p, int(expect + 5.0 * np.sqrt(expect) + 16)))
        parts.append(pos)
        last = int(pos[-1])
    out = np.concatenate(parts)
    return out[out < n]


def _pick_by(rng: np.random.Generator, table: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Rows chosen independently with probability ``table[x[row]]`` (thinning of a _pick at the
    largest probability present): exact, and again proportional to the number chosen."""
    if x.size == 0:
        return np.empty(0, dtype=np.int64)
    pmax = float(table[int(x.min()) : int(x.max()) + 1].max())
    if pmax <= 0.0:
        return np.empty(0, dtype=np.int64)
    cand = _pick(rng, x.size, pmax)
    return cand[rng.random(cand.size, dtype=np.float32) * np.float32(pmax) < table[x[cand]]]


# --- pass 1: births, study, health, service --------------------------------------------------------


@dataclass
class _Track:
    """One study programme of the rows ``idx`` (chunk-local, increasing): start, actual end
    (graduation or dropout), standard end, graduated. ``level`` is one code or one per row."""

    level: np.ndarray | int
    idx: np.ndarray
    start: np.ndarray
    end: np.ndarray
    end_std: np.ndarray
    grad: np.ndarray


def _programme(
    u_drop: np.ndarray, u_when: np.ndarray, year: np.ndarray, years: np.ndarray, p_drop: float
) -> tuple[np.ndarray, ...]:
    """(start, end, standard end, graduated) of programmes from 1 Sep ``year`` for ``years`` years,
    left without a diploma with probability ``p_drop`` at a uniform time (``u_when``)."""
    s = cal.sep1(year)
    e_std = cal.jun30(year + years)
    drop = u_drop < p_drop
    e = np.where(drop, _fraction_of(u_when, s, e_std), e_std).astype(np.int32)
    return s, e, e_std, ~drop


def _he_chain(ctx: _Ctx, entry: np.ndarray, u: np.ndarray) -> dict[str, np.ndarray]:
    """First degree, then master's and postgraduate study, for men entering higher education in
    ``entry`` (one value per man, uniforms u[0:12]). Arrays per man; NEVER where a programme is absent."""
    a = ctx.a
    never = np.int32(NEVER)
    k = entry.size
    spec = u[0] < ctx.by_year("study.specialist_share", entry)
    years = np.where(spec, 5 + (u[1] < a.value("study.specialist_six_years")), 4).astype(np.int32)
    s, e, e_std, grad = _programme(u[2], u[3], entry, years, a.value("study.dropout_he"))
    level = np.where(spec, _SPECIALIST, _BACHELOR).astype(np.int8)
    out = {"level": level, "s": s, "e": e, "std": e_std, "grad": grad}

    grad_year = entry + years
    m_years = int(a.value("study.master_years"))
    m_has = grad & ~spec & (u[4] < a.value("study.master_same_year"))
    pg_from_spec = grad & spec
    for key in ("m_s", "m_e", "m_std", "pg_s", "pg_e", "pg_std", "degree"):
        out[key] = np.full(k, never, dtype=np.int32)
    out["m_grad"] = np.zeros(k, dtype=np.bool_)
    out["pg_grad"] = np.zeros(k, dtype=np.bool_)
    i = np.flatnonzero(m_has)
    ms, me, mstd, mgrad = _programme(u[5][i], u[6][i], grad_year[i], np.int32(m_years), a.value("study.dropout_master"))
    out["m_s"][i], out["m_e"][i], out["m_std"][i], out["m_grad"][i] = ms, me, mstd, mgrad

    pg_year = np.where(out["m_grad"], grad_year + m_years, grad_year).astype(np.int32)
    j = np.flatnonzero((out["m_grad"] | pg_from_spec) & (u[7] < a.value("study.postgraduate_after")))
    pg_years = (3 + (u[8][j] < a.value("study.postgraduate_four_years"))).astype(np.int32)
    ps, pe, pstd, pgrad = _programme(u[9][j], u[10][j], pg_year[j], pg_years, a.value("study.dropout_postgraduate"))
    out["pg_s"][j], out["pg_e"][j], out["pg_std"][j], out["pg_grad"][j] = ps, pe, pstd, pgrad
    doc = pgrad & (u[11][j] < a.value("study.degree_after_postgraduate"))
    out["degree"][j[doc]] = pstd[doc] + 365
    return out


def _he_tracks(idx: np.ndarray, ch: dict[str, np.ndarray]) -> list[_Track]:
    """The three higher-education programmes of the rows ``idx`` as tracks (absent ones dropped)."""
    tracks = [_Track(ch["level"], idx, ch["s"], ch["e"], ch["std"], ch["grad"])]
    for lv, p in ((_MASTER, "m"), (_LEVEL["postgraduate"], "pg")):
        m = ch[f"{p}_s"] < NEVER
        tracks.append(_Track(lv, idx[m], ch[f"{p}_s"][m], ch[f"{p}_e"][m], ch[f"{p}_std"][m], ch[f"{p}_grad"][m]))
    return tracks


def _first_gap(b18: np.ndarray, school_end: np.ndarray, tracks: list[_Track]) -> tuple[np.ndarray, np.ndarray]:
    """(start, end) of the first time after the 18th birthday not covered by full-time study.

    Every man went to school (from about 7, so never a gap before it); ``tracks`` are the later
    programmes in the order they follow one another. A break of at most SUMMER_GAP_DAYS between
    programmes is no gap. ``end`` is the start of the next programme (NEVER if none): a man can be
    drafted only inside the gap.
    """
    t = np.maximum(b18, school_end)
    found = np.zeros(b18.shape, dtype=np.bool_)
    gap_end = np.full(b18.shape, NEVER, dtype=np.int32)
    gap_start = np.full(b18.shape, NEVER, dtype=np.int32)
    for tr in tracks:
        i = tr.idx
        ti = t[i]
        open_ = ~found[i]
        gap = open_ & (tr.start > ti + SUMMER_GAP_DAYS)
        g = i[gap]
        gap_start[g] = ti[gap]
        gap_end[g] = tr.start[gap]
        found[g] = True
        cover = open_ & ~gap & (tr.end > ti)
        t[i[cover]] = tr.end[cover]
    return np.where(found, gap_start, t).astype(np.int32), gap_end


def _births(ctx: _Ctx, w: _Window) -> None:
    """Birth dates of a window (uniform over its days, sorted) and its per-day lookup tables."""
    days = np.arange(w.first_day, w.last_day + 1, dtype=np.int32)
    counts = ctx.rng("birth", w).multinomial(w.n, np.full(days.size, 1.0 / days.size))
    sl = slice(w.offset, w.offset + w.n)
    ctx.pop.birth[sl] = np.repeat(days, counts)
    ctx.pop.birth_key[sl] = np.repeat(cal.key(days), counts)
    # immigrants: a random subset of the window's rows (so their births are uniform over the window's
    # days like everyone's, and the rows stay sorted), each with an arrival day drawn over the period
    # by the expected arrivals of each year
    arrives = np.full(w.n, NEVER, dtype=np.int32)
    if w.immigrants:
        rng = ctx.rng("immigration", w)
        rows = np.sort(rng.choice(w.n, w.immigrants, replace=False))
        y0, y1, e = _arrival_years(ctx.a, w.age, ctx.start_date, ctx.until_date)
        k = rng.choice(e.size, rows.size, p=e / e.sum())
        arrives[rows] = y0[k] + (rng.random(rows.size) * (y1[k] - y0[k] + 1)).astype(np.int32)
    ctx.sim.arrives_on[sl] = arrives
    ctx.by_day[w.age] = {
        "age": age_on(days, ctx.start).astype(np.int16),
        "b18": birthday(days, 18).astype(np.int32),
        "b_lim": birthday(days, ctx.age_limit).astype(np.int32),
        "byear": cal.year(days),
        "school_year": _school_entry_year(days, int(ctx.a.value("study.school_entry_age_months"))),
    }


def _column(name: str, template: np.ndarray, n: int) -> np.ndarray:
    """An uninitialised column ``name`` of ``n`` rows shaped and typed like ``template`` (one row):
    packed days for the date columns, a read-only broadcast of the template's value for
    :data:`CONSTANT_FIELDS`."""
    shape = (*template.shape[:-1], n)
    if name in CONSTANT_FIELDS:
        return np.broadcast_to(template[..., :1], shape)
    if name in DAY_FIELDS or name in SIM_DAY_FIELDS:
        return np.empty(shape, dtype=np.uint16).view(PackedDays)
    if name in KEY_FIELDS:
        return np.empty(shape, dtype=np.uint16).view(PackedKeys)
    return np.empty(shape, dtype=template.dtype)


def _fill_defaults(ctx: _Ctx, sl: slice) -> None:
    """Write the default row (``columns.empty``) into rows ``sl`` of every column but the births."""
    for name, value in ctx.defaults.items():
        col = getattr(ctx.pop, name) if hasattr(ctx.pop, name) else getattr(ctx.sim, name[4:])
        if col.ndim == 2:
            col[:, sl] = value[:, None]
        else:
            col[sl] = value


def _history(ctx: _Ctx, piece: _Piece) -> tuple[float, float]:
    """Pass 1 for one piece: study, health, service. Returns the (contract, ACS) weight sums of the
    piece's eligible rows (pass 2 normalises the stocks with them)."""
    a, pop, sim = ctx.a, ctx.pop, ctx.sim
    w = piece
    n, sl = piece.n, piece.rows
    never = np.int32(NEVER)
    start = np.int32(ctx.start)
    _fill_defaults(ctx, sl)

    birth = pop.birth[sl]
    day_i = birth - piece.window.first_day
    tables = ctx.by_day[piece.window.age]
    age = tables["age"][day_i]
    b18 = tables["b18"][day_i]
    b_lim = tables["b_lim"][day_i]
    byear = tables["byear"][day_i]
    school_year = tables["school_year"][day_i]

    # --- health at the first examination, and latent health on start
    rng = ctx.rng("health", w)
    base = ctx.base_health
    h18 = _categorical(rng.random(n, dtype=np.float32), base)
    h = h18.copy()
    older = age >= 19
    redraw = np.flatnonzero(older & (h == _G))
    no_g = base.copy()
    no_g[_G - 1] = 0.0
    h[redraw] = _categorical(rng.random(redraw.size, dtype=np.float32), no_g)
    det = _pick_by(rng, ctx.tables["health.deterioration_by_age"], age)
    det = det[older[det] & (h[det] <= _B)]
    h[det] = np.where(rng.random(det.size, dtype=np.float32) < a.value("health.deterioration_to_d"), _D, _V)
    g_now = base[_G - 1] * a.value("health.temporary_unfit_factor") / (base[_A - 1] + base[_B - 1])
    tmp = _pick(rng, n, g_now)
    h[tmp[older[tmp] & (h[tmp] <= _B)]] = _G
    sim.latent_health[sl] = h

    # --- study track: school, then SPO and/or higher education
    u = ctx.rng("study", w).random((2, n), dtype=np.float32)
    leave9 = u[0] < a.value("study.leave_after_grade_9")
    c = u[1]  # the next step: after grade 9 (SPO or not) or after grade 11 (four ways)
    p_he = a.value("study.he_after_grade_11")
    p_gap = a.value("study.he_after_gap_year")
    p_spo = a.value("study.spo_after_grade_11")
    spo9 = leave9 & (c < a.value("study.spo_after_grade_9"))
    he_direct = ~leave9 & (c < p_he)
    he_gap = ~leave9 & (c >= p_he) & (c < p_he + p_gap)
    spo11 = ~leave9 & (c >= p_he + p_gap) & (c < p_he + p_gap + p_spo)
    school_end = cal.jun30(school_year + np.where(leave9, 9, 11))
    school_start = cal.sep1(school_year)

    i_spo = np.flatnonzero(spo9 | spo11)
    us = ctx.rng("study_spo", w).random((5, i_spo.size), dtype=np.float32)
    after9 = spo9[i_spo]
    spo_year = (school_year[i_spo] + np.where(after9, 9, 11)).astype(np.int32)
    spo_len = np.where(
        after9,
        3 + (us[0] < a.value("study.spo_after_grade_9_four_years")),
        2 + (us[0] < a.value("study.spo_after_grade_11_years") - 2.0),
    ).astype(np.int32)
    spo = _Track(_LEVEL["spo"], i_spo, *_programme(us[1], us[2], spo_year, spo_len, a.value("study.dropout_spo")))
    he_after_spo = spo.grad & (us[3] < a.value("study.he_after_spo"))
    spo_accredited = np.zeros(n, dtype=np.bool_)
    spo_accredited[i_spo] = us[4] < a.value("study.accredited")

    entry = np.zeros(n, dtype=np.int32)
    entry[he_direct] = school_year[he_direct] + 11
    entry[he_gap] = school_year[he_gap] + 12
    entry[i_spo[he_after_spo]] = (spo_year + spo_len)[he_after_spo]
    i_he = np.flatnonzero(entry)
    uhe = ctx.rng("study_he", w).random((14, i_he.size), dtype=np.float32)
    chain = _he_chain(ctx, entry[i_he], uhe)
    first = _Track(chain["level"], i_he, chain["s"], chain["e"], chain["std"], chain["grad"])

    # --- conscript service in the first liable gap
    gap_start, gap_end = _first_gap(b18, school_end, [spo, *_he_tracks(i_he, chain)])
    # a school leaver of 18 keeps his school deferral until 1 October (53-FZ Art. 24 p.2 'а')
    after_school = (gap_start == school_end) & (b18 <= school_end)
    gap_start = np.where(after_school, cal.oct1(cal.year(school_end)), gap_start).astype(np.int32)

    p_mil = a.value("study.military_department")
    mil_dept = np.zeros(n, dtype=np.bool_)
    mil_dept[i_he] = first.grad & (first.end_std <= start) & (uhe[12] < p_mil)
    first_end = np.full(n, never, dtype=np.int32)
    first_end[i_he] = first.end_std
    rng = ctx.rng("service", w)
    liable = gap_start < np.minimum(start, b_lim)  # had a liable gap before start and before the age limit
    cand = np.flatnonzero(liable & (h18 <= _B))
    cand = cand[rng.random(cand.size, dtype=np.float32) < ctx.by_year("service.draft_probability", byear[cand])]
    mean_delay = np.float32(a.value("service.draft_delay_years") * 365.25)
    delay = rng.standard_exponential(cand.size, dtype=np.float32) * mean_delay
    d0 = np.minimum(gap_start[cand].astype(np.int64) + delay.astype(np.int64), int(NEVER) - 1).astype(np.int32)
    u_window = rng.random(cand.size, dtype=np.float32)
    ok = d0 < start
    draft = np.full(cand.size, never, dtype=np.int32)
    draft[ok] = _snap(d0[ok], u_window[ok], ctx.windows)
    ok &= (draft < start) & (draft < b_lim[cand]) & (draft < gap_end[cand])
    ok &= ~(mil_dept[cand] & (draft >= first_end[cand]))
    drafted_idx = cand[ok]
    draft_day = draft[ok]
    service_end = add_months(draft_day, ctx.service_months(draft_day)).astype(np.int32)

    # a gap-year entrant drafted before his first year starts it after the service
    shift = he_gap[drafted_idx]
    if shift.any():
        se = service_end[shift]
        pos = np.searchsorted(i_he, drafted_idx[shift])
        sy = cal.year(se)
        sub = _he_chain(ctx, (sy + (se > cal.sep1(sy))).astype(np.int32), uhe[:, pos])
        for key, values in sub.items():
            chain[key][pos] = values
        first = _Track(chain["level"], i_he, chain["s"], chain["e"], chain["std"], chain["grad"])
        mil_dept[i_he[pos]] = first.grad[pos] & (first.end_std[pos] <= start) & (uhe[12][pos] < p_mil)

    served = np.zeros(n, dtype=np.int8)
    served[drafted_idx] = SERVED.index("conscript")
    svc_end = np.full(n, never, dtype=np.int32)
    svc_end[drafted_idx] = service_end
    activity = np.zeros(n, dtype=np.int8)
    activity[drafted_idx[service_end > start]] = ACTIVITIES.index("conscript")

    # --- examinations already done (the category the board found)
    health = np.zeros(n, dtype=np.int8)
    health_date = np.full(n, never, dtype=np.int32)
    seen = np.flatnonzero(liable)
    seen = seen[rng.random(seen.size, dtype=np.float32) < a.value("service.examined_if_liable")]
    exam = _snap(
        np.minimum(gap_start[seen] + (rng.random(seen.size, dtype=np.float32) * 120).astype(np.int32), start),
        rng.random(seen.size, dtype=np.float32),
        ctx.windows,
    )
    seen = seen[exam < start]
    health[seen] = h18[seen]
    health_date[seen] = exam[exam < start]
    health[drafted_idx] = h18[drafted_idx]
    health_date[drafted_idx] = draft_day

    # --- the state on start: current study, diplomas, used deferrals
    in_school = (school_start <= start) & (start <= school_end)
    level = np.where(in_school, np.int8(_LEVEL["school"]), np.int8(0))
    s_start = np.where(in_school, school_start, never)
    s_end = np.where(in_school, school_end, never)
    used = ((school_end < start) & (school_end > b18)).astype(np.uint8)  # bit 0: school
    diploma = pop.diploma[:, sl]
    diploma[_LEVEL["school"] - 1] = np.where(~leave9 & (school_end <= start), school_end, never)
    for tr in [spo, *_he_tracks(i_he, chain)]:
        i = tr.idx
        lv = tr.level if isinstance(tr.level, np.ndarray) else np.full(i.size, tr.level, dtype=np.int8)
        cur = (tr.start <= start) & (start <= tr.end)
        level[i[cur]] = lv[cur]
        s_start[i[cur]] = tr.start[cur]
        s_end[i[cur]] = tr.end_std[cur]
        past = (tr.end < start) & (tr.end > b18[i])
        used[i[past]] |= np.left_shift(np.uint8(1), (lv[past] - 1).astype(np.uint8))
        got = tr.grad & (tr.end_std <= start)
        diploma[lv[got].astype(np.int64) - 1, i[got]] = tr.end_std[got]
    accredited = (level == _LEVEL["school"]) | ((level == _LEVEL["spo"]) & spo_accredited)
    i_cur_he = np.flatnonzero(level >= _BACHELOR)
    accredited[i_cur_he] = uhe[13][np.searchsorted(i_he, i_cur_he)] < a.value("study.accredited")
    pop.study_level[sl] = level
    pop.study_full_time[sl] = level > 0
    pop.study_accredited[sl] = (level > 0) & accredited
    pop.study_start[sl] = s_start
    pop.study_end[sl] = s_end
    pop.deferrals_used[sl] = used
    pop.degree[sl][i_he] = chain["degree"] <= start

    # an immigrant has no history in Russia's forces or draft boards (his study is drawn like his
    # cohort's: schooling abroad gives the same diplomas); he is not alive until he arrives
    imm = np.flatnonzero(unpack_days(sim.arrives_on[sl]) != NEVER)
    served[imm], svc_end[imm], activity[imm], mil_dept[imm] = 0, never, 0, False
    health[imm], health_date[imm] = 0, never
    sim.alive[sl][imm] = False

    reserve = (
        ((served > 0) & (svc_end <= start))
        | mil_dept
        | (health == _V)
        | ((age >= ctx.age_limit) & (health != _D) & (activity == 0))
    )
    pop.served[sl] = served
    pop.health[sl] = health
    pop.health_date[sl] = health_date
    pop.reserve[sl] = reserve
    sim.activity[sl] = activity
    sim.service_end[sl] = svc_end

    civilian = activity == 0
    fit_now = (h <= _B) & (health != _V) & (health != _D)
    elig_c = civilian & (level == 0) & fit_now
    elig_c[imm] = False
    elig_a = elig_c & (served == 0) & ~mil_dept
    return (
        float(ctx.by_age("service.contract_by_age", age)[elig_c].sum(dtype=np.float64)),
        float(ctx.by_age("service.acs_age_profile", age)[elig_a].sum(dtype=np.float64)),
    )


# --- pass 2: stocks in service, family, status -----------------------------------------------------


def _children(ctx: _Ctx, piece: _Piece, sl: slice, age: np.ndarray) -> np.ndarray:
    """Children (at most 3): how many by the age curves, and birth dates that follow them. Returns
    the rows with at least one child."""
    a, pop = ctx.a, ctx.pop
    rng = ctx.rng("children", piece)
    t1 = ctx.tables["family.children_1plus"]
    t2 = np.minimum(ctx.tables["family.children_2plus"], t1)
    t3 = np.minimum(ctx.tables["family.children_3plus"], t2)
    idx = _pick_by(rng, t1, age)  # fathers
    if idx.size == 0:
        return idx
    # one uniform on [0, p1) decides 1, 2 or 3 children consistently with the nested curves
    v = rng.random(idx.size, dtype=np.float32) * t1[age[idx]]
    k = (1 + (v < t2[age[idx]]) + (v < t3[age[idx]])).astype(np.int8)
    grid = np.arange(14.0, 71.0)  # integer ages: the curves are piecewise linear between integer knots
    gap = a.value("family.child_min_gap_years")
    birth = pop.birth[sl][idx]
    ax = (ctx.start - birth) / 365.25  # exact age on start
    prev = np.full(idx.size, 14.0)
    keys = pop.child_birth_key[:, sl]
    disabled = pop.child_disabled[:, sl]
    for j, table in enumerate((t1, t2, t3)):
        has = np.flatnonzero(k > j)
        # father's age at the birth: inverse of the curve "at least j+1 children by age", between
        # the previous child (plus a minimum gap) and his age now
        curve = table[14:71].astype(np.float64) + grid * 1e-6
        x_hi = ax[has]
        lo = np.minimum(prev[has] + (gap if j else 0.0), x_hi)
        c_lo = np.interp(lo, grid, curve)
        c_hi = np.interp(x_hi, grid, curve)
        f = np.clip(np.interp(c_lo + rng.random(has.size) * (c_hi - c_lo), curve, grid), lo, x_hi)
        day = np.minimum(birth[has] + (f * 365.25).astype(np.int32), ctx.start).astype(np.int32)
        rows = idx[has]
        keys[j, rows] = pack_days(day)  # the key column is packed as days: no key round trip
        disabled[j, rows[_pick(rng, has.size, a.value("family.child_disabled"))]] = True
        prev[has] = f
    return idx


def _attributes(ctx: _Ctx, piece: _Piece, k_contract: float, k_acs: float) -> None:
    """Pass 2 for one piece: contract and ACS stocks, residence, registration, part-time study,
    family, criminal status and the other flags. Rows start from the defaults (no flag set)."""
    a, pop, sim = ctx.a, ctx.pop, ctx.sim
    n, sl = piece.n, piece.rows
    start = ctx.start
    birth = pop.birth[sl]
    age = ctx.by_day[piece.window.age]["age"][birth - piece.window.first_day]

    served = pop.served[sl]
    health = pop.health[sl]
    latent = sim.latent_health[sl]
    level = pop.study_level[sl]
    native = unpack_days(sim.arrives_on[sl]) == NEVER  # immigrants are neither in service nor abroad on start
    civilian = sim.activity[sl] == 0
    fit_now = (latent <= _B) & (health != _V) & (health != _D)
    mil_dept = pop.reserve[sl] & (served == 0) & (health != _V) & (age < ctx.age_limit)

    # --- contract soldiers and men in ACS on start (bundled stocks, assumed age profiles)
    rng = ctx.rng("in_service", piece)
    idx = _pick_by(rng, ctx.tables["service.contract_by_age"] * np.float32(k_contract), age)
    idx = idx[civilian[idx] & native[idx] & (level[idx] == 0) & fit_now[idx]]
    term = round(a.value("service.contract_term_years") * 365.25)
    left = 1 + (rng.random(idx.size, dtype=np.float32) * term).astype(np.int32)
    sim.activity[sl][idx] = ACTIVITIES.index("contract")
    sim.service_end[sl][idx] = start + left
    pop.served[sl][idx] = SERVED.index("contract")
    pop.reserve[sl][idx] = False
    pop.health[sl][idx] = latent[idx]
    pop.health_date[sl][idx] = start + left - term
    civilian[idx] = False
    idx = _pick_by(rng, ctx.tables["service.acs_age_profile"] * np.float32(k_acs), age)
    idx = idx[civilian[idx] & native[idx] & (level[idx] == 0) & fit_now[idx] & (served[idx] == 0) & ~mil_dept[idx]]
    term = round(ctx.acs_months * 30.44)
    left = 1 + (rng.random(idx.size, dtype=np.float32) * term).astype(np.int32)
    sim.activity[sl][idx] = ACTIVITIES.index("acs")
    sim.service_end[sl][idx] = start + left
    pop.served[sl][idx] = SERVED.index("acs")
    pop.acs_applied[sl][idx] = start + left - term - 180
    pop.beliefs[sl][idx] = True
    civilian[idx] = False

    # --- residence abroad and registration
    rng = ctx.rng("residence", piece)
    idx = _pick_by(rng, ctx.tables["status.abroad"], age)
    idx = idx[civilian[idx] & native[idx] & (level[idx] == 0)]
    pop.abroad[sl][idx] = True
    abroad = pop.abroad[sl]
    byear = ctx.by_day[piece.window.age]["byear"][birth - piece.window.first_day]
    start_year = ctx.start_date.year
    q1_done = ctx.start_date >= dt.date(start_year, 4, 1)
    registered = ((byear + 17 < start_year) | ((byear + 17 == start_year) & q1_done)) & ~abroad & (health != _D)
    off = _pick(rng, n, 1.0 - a.value("status.registered"))
    registered[off[civilian[off]]] = False
    # immigrants: citizens (or citizens on arrival) with the share migration.immigrant_citizen, on the
    # register like the men of their cohort; foreigners are neither citizens nor on the register
    imm = np.flatnonzero(~native)
    foreign = imm[rng.random(imm.size, dtype=np.float32) >= a.value("migration.immigrant_citizen")]
    pop.citizen[sl][foreign] = False
    registered[foreign] = False
    pop.registered[sl] = registered

    # --- part-time higher education (men without a degree, not in full-time study)
    rng = ctx.rng("part_time", piece)
    dip = unpack_days(pop.diploma[:, sl])
    has_degree = (dip[_BACHELOR - 1] <= start) | (dip[_SPECIALIST - 1] <= start) | (dip[_MASTER - 1] <= start)
    idx = _pick_by(rng, ctx.tables["study.part_time_he"], age)
    idx = idx[civilian[idx] & ~abroad[idx] & (level[idx] == 0) & ~has_degree[idx]]
    years = int(a.value("study.part_time_he_years"))
    acad = start_year if start >= int(cal.sep1(np.array([start_year]))[0]) else start_year - 1
    back = np.minimum((rng.random(idx.size, dtype=np.float32) * years).astype(np.int32), np.maximum(age[idx] - 18, 0))
    first = (acad - back).astype(np.int32)
    pop.study_level[sl][idx] = _BACHELOR
    pop.study_full_time[sl][idx] = False
    pop.study_accredited[sl][idx] = True
    pop.study_start[sl][idx] = cal.sep1(first)
    pop.study_end[sl][idx] = cal.jun30(first + years)

    # --- family
    fathers = _children(ctx, piece, sl, age)
    rng = ctx.rng("family", piece)
    idx = _pick_by(rng, ctx.tables["family.wife_pregnant"], age)
    pop.pregnancy_start[sl][idx] = start - (rng.random(idx.size, dtype=np.float32) * 280).astype(np.int32)
    pop.single_father[sl][fathers[_pick(rng, fathers.size, a.value("family.single_father"))]] = True
    for name in ("cares_for_relative", "guardian"):
        idx = _pick(rng, n, a.value(f"family.{name}"))
        getattr(pop, name)[sl][idx[age[idx] >= 18]] = True
    pop.relative_died[sl][_pick(rng, n, a.value("family.relative_died"))] = True

    # --- criminal status (civilians: a man in service is not in the criminal-justice system here)
    rng = ctx.rng("criminal", piece)
    c1 = ctx.tables["status.serving_sentence"]
    c2 = c1 + ctx.tables["status.conviction"]
    c3 = c2 + ctx.tables["status.under_investigation"]
    idx = _pick_by(rng, c3, age)
    idx = idx[civilian[idx]]
    v = rng.random(idx.size, dtype=np.float32) * c3[age[idx]]
    assert CRIMINAL[1:] == ("serving_sentence", "conviction", "under_investigation")
    pop.criminal[sl][idx] = np.where(v < c1[age[idx]], 1, np.where(v < c2[age[idx]], 2, 3)).astype(np.int8)

    # --- work and office
    rng = ctx.rng("work", piece)
    graduate = civilian & ~abroad & has_degree & ~pop.study_full_time[sl]
    idx = _pick(rng, n, a.value("status.public_service"))
    idx = idx[graduate[idx] & (served[idx] == 0) & (age[idx] >= 21) & (age[idx] <= 30)]
    pop.public_service[sl][idx] = True
    public = pop.public_service[sl]
    idx = _pick(rng, n, a.value("status.elected"))
    pop.elected[sl][idx[civilian[idx] & ~abroad[idx] & (age[idx] >= 21)]] = True
    it = _pick(rng, n, a.value("status.it_worker"))
    it = it[graduate[it] & ~public[it] & (age[it] < 41)]
    he_dips = dip[[_BACHELOR - 1, _SPECIALIST - 1, _MASTER - 1]][:, it]
    latest = np.where(he_dips <= start, he_dips, 0).max(axis=0, initial=0).astype(np.int32)  # the last degree
    mean_delay = a.value("status.it_hire_delay_years") * 365.25
    hire = (latest + (rng.standard_exponential(it.size) * mean_delay).astype(np.int32)).astype(np.int32)
    keep = hire < start
    rows = it[keep]
    pop.it_accredited[sl][rows] = True
    pop.it_listed[sl][rows] = True
    pop.it_full_time[sl][rows] = rng.random(rows.size, dtype=np.float32) < a.value("status.it_full_time")
    pop.it_contract_start[sl][rows] = hire[keep]
    pop.it_graduated[sl][rows] = latest[keep]

    rng = ctx.rng("identity", piece)
    pop.beliefs[sl][_pick(rng, n, a.value("status.beliefs"))] = True
    pop.indigenous[sl][_pick(rng, n, a.value("status.indigenous"))] = True


# --- the build -------------------------------------------------------------------------------------


@contextlib.contextmanager
def _small_pages():
    """Allocate without NumPy's transparent-huge-page advice. Filling tens of large columns piece by
    piece faults far faster in 4 KiB pages on this kind of VM (measured: 0.34 s instead of 1.2 s for
    600 MB); only the allocations made inside the block are affected, and the setting is restored."""
    setter = getattr(getattr(getattr(np, "_core", None), "multiarray", None), "_set_madvise_hugepage", None)
    if setter is None:
        yield
        return
    previous = setter(False)
    try:
        yield
    finally:
        setter(previous)


def build_population(
    start: dt.date = dt.date(2019, 1, 1),
    scale: float = 0.01,
    seed: int = 0,
    until: dt.date = dt.date(2026, 1, 1),
    *,
    assumptions: Assumptions | None = None,
    law=None,
    threads: int | None = None,
) -> SyntheticPopulation:
    """Build the synthetic male population on ``start`` (see the module docstring).

    ``scale`` in (0, 1]: the sample fraction (1.0 = one row per man); ``seed``: the only source of
    randomness; ``until``: the cohorts who turn 15 before this day are included. ``assumptions``
    defaults to the bundled ones (pass ``load_assumptions().with_overrides(...)`` to move them),
    ``law`` to the baseline Russian parameters. ``threads`` (default: up to 2) only changes speed,
    never the result (every piece has its own random streams and writes only its own rows).
    """
    start, until, scale, seed = _check_args(start, until, scale, seed)
    a = assumptions if assumptions is not None else load_assumptions()
    if law is None:
        from callup.jurisdictions import ru

        law = ru.law()
    plan, n = _plan(start, until, scale, a)
    # columns are allocated uninitialised; each piece writes its own rows' defaults (in its thread)
    template = columns.empty(1, n_children=N_CHILDREN)
    sim_template = _empty_sim(1)
    with _small_pages():
        pop = Population(**{f.name: _column(f.name, getattr(template, f.name), n) for f in fields(template)})
        sim = SimColumns(**{f.name: _column(f.name, getattr(sim_template, f.name), n) for f in fields(sim_template)})
    defaults = {f.name: getattr(template, f.name)[..., 0] for f in fields(template)
                if f.name not in _WRITTEN and f.name not in CONSTANT_FIELDS}
    defaults["sim.alive"] = sim_template.alive[0]
    start_day = to_day(start)
    age_limit = int(law.value_at("callup.age_max", start))
    service_param = law["callup.service_months"]
    first_service = int(service_param.values[0].value)
    acs_months = int(law.value_at("acs.term_months", start))
    ctx = _Ctx(
        seed=seed,
        start=start_day,
        start_date=start,
        until_date=until,
        age_limit=age_limit,
        a=a,
        law=law,
        pop=pop,
        sim=sim,
        base_health=np.array([sources.fitness_at_first_exam(a.value("health.first_exam_fit_share"))[c]
                              for c in sources.HEALTH_ORDER]),
        windows=_callup_windows(law),
        service_months=lambda d: service_param.values_at(d, np.int32, fill=first_service),
        acs_months=acs_months,
        defaults=defaults,
    )
    threads = min(2, os.cpu_count() or 1) if threads is None else max(1, min(int(threads), os.cpu_count() or 1))

    pieces = [
        _Piece(w, i, w.offset + lo, min(PIECE_ROWS, w.n - lo))
        for w in plan
        for i, lo in enumerate(range(0, w.n, PIECE_ROWS))
    ]

    def run(fn, units, *args):
        if threads == 1 or len(units) < 4:
            return [fn(ctx, u, *args) for u in units]
        with ThreadPoolExecutor(max_workers=threads) as ex:  # results come back in order
            return list(ex.map(lambda u: fn(ctx, u, *args), units))

    run(_births, plan)
    sums = run(_history, pieces)
    contract_sum = sum(s[0] for s in sums)
    acs_sum = sum(s[1] for s in sums)
    figs = sources.figures()["armed_forces"]
    k_contract = figs["contract_soldiers_2020"]["value"] * scale / contract_sum if contract_sum else 0.0
    k_acs = figs["acs_in_service"]["value"] * scale / acs_sum if acs_sum else 0.0
    run(_attributes, pieces, k_contract, k_acs)
    return SyntheticPopulation(
        pop=pop,
        sim=sim,
        weight=1.0 / scale,
        scale=scale,
        seed=seed,
        start=start,
        until=until,
        data_year=start.year,
        assumptions=a,
        age_windows={w.age: (w.offset, w.offset + w.n) for w in plan},
    )

