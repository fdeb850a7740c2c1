"""Country-free, vectorised date arithmetic for legal rules.

Every "age", "until age N", "before 1 April", "within N months of", window and
29-February question in the rule set is answered here, in one small, heavily
tested place.

Representation
--------------
A date is an ``int32`` *day number*: the count of days since 1970-01-01
(``np.datetime64('2024-01-01', 'D').astype(np.int64) == 19723``). Day numbers
are ordered like dates, subtract to a number of days, and live happily in
large NumPy arrays (one element per person).

Two sentinels stand for "no date":

* ``NEVER``  (``+100_000_000``) - an event that has not happened (yet), or a
  period with no end. It compares *after* every real date.
* ``ALWAYS`` (``-100_000_000``) - "since forever", a period with no start. It
  compares *before* every real date.

Because of that ordering, plain comparisons already do the right thing for
open-ended periods (``start <= on <= end`` with ``end = NEVER``). Every
arithmetic function in this module (``add_years``, ``add_months``,
``add_duration``, ``birthday``, ``next_month_day``, ``last_day_before``)
returns a sentinel input unchanged: one year after "never" is still never.

Vectorisation
-------------
All array functions accept Python ints, NumPy scalars or arrays of any shape
(they broadcast against each other) and return NumPy arrays of the broadcast
shape (0-d for scalar inputs): ``int32`` day numbers, ``bool`` for predicates,
``int16`` for ages. There is no per-element Python loop. Calendar fields for
1900-01-01 .. 2199-12-31 come from a precomputed lookup table (a gather is
several times cheaper than ``datetime64`` unit conversion); other dates,
including the sentinels, fall back to ``datetime64[M]`` arithmetic and give the
same answers. Day numbers must fit in ``int32``; larger integer inputs are
wrapped, not checked.

Legal conventions encoded here
------------------------------
* **Age.** A person reaches age *N* on (from the start of) his *N*-th
  birthday, the day whose month and day equal those of his birth. "Who has
  reached 18" is therefore ``on >= birthday(birth, 18)``; "until age 27" /
  "under 27" is ``on < birthday(birth, 27)``, so on the day before his 27th
  birthday a man is still 26 and still covered. (Criminal-law practice in some
  countries moves the moment to the *following* day; express that, where it is
  the law, as ``birthday(...) + 1`` in the rule, not here.)
* **29 February.** The law is usually silent about a birthday that does not
  exist in a common year. ``feb29="mar1"`` (the default) says the year is only
  complete once 28 February has fully elapsed, so the age is reached on
  1 March; ``feb29="feb28"`` says it is reached on 28 February, the last day
  of the month, in the spirit of periods counted in months (Russian Civil
  Code Art. 192 p.3).
* **Periods in months and years** (Civil Code Arts. 191-192 style): a period
  counted from an event runs from the next day and expires on the
  corresponding day of the last month/year; if that month has no such day, it
  expires on the last day of the month (31 January + 1 month = 28/29 February).
  ``add_months`` and ``add_duration`` return that expiry day. Shifting of an
  expiry that falls on a non-working day (Art. 193) needs a working-day
  calendar and is out of scope.
* **"Before 1 April"** means on or before 31 March: ``last_day_before``.
* **Windows** are inclusive at both ends: ``in_window``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from datetime import date

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "ALWAYS",
    "EPOCH",
    "NEVER",
    "add_duration",
    "add_months",
    "add_years",
    "age_on",
    "birthday",
    "from_day",
    "in_window",
    "last_day_before",
    "month_day",
    "next_month_day",
    "reached_age",
    "split",
    "to_day",
    "to_days",
    "year_of",
]

NEVER = np.int32(100_000_000)
"""An event that has not happened / a period with no end. Later than every real date."""

ALWAYS = np.int32(-100_000_000)
"""Since forever / a period with no start. Earlier than every real date."""

EPOCH = date(1970, 1, 1)
"""Day number 0."""

_EPOCH_ORD = EPOCH.toordinal()  # 719163
_NEVER_INT = int(NEVER)
_ALWAYS_INT = int(ALWAYS)
_FEB29_CONVENTIONS = ("mar1", "feb28")

# ---------------------------------------------------------------------------
# Calendar kernels
#
# Reference ("slow") kernels work for any day number through datetime64[M]
# arithmetic. For 1900-01-01 .. 2199-12-31 their results are precomputed in
# lookup tables, so the hot paths are a subtraction, a gather and a range
# check; elements outside the tables (old/far dates and the sentinels) are
# patched from the slow kernels. Tables:
#
#   _YK[i]      year * 1024 + month * 64 + 2 * day           ("year-key")
#   _YK28[i]    the same, but a common year's 28 Feb gets the key of 29 Feb
#   _MD[i]      mrel * 32 + (day - 1), mrel = (year - 1900) * 12 + month - 1
#   _CLAMP[r]   for r = mrel * 32 + k: day (k + 1) of month mrel, or the last
#               day of that month if it is shorter
#   _OVER[r]    the same without clamping: 1 Feb + 28 days = 1 Mar
#
# with i = day - _D_LO. Two year-keys compare like (year, month, day), and
# (yk_on - yk_birth) >> 10 is the number of full years between the days
# (the key difference is always within +-1023). _YK28 makes a common year's
# 28 February count as the anniversary of 29 February (feb29="feb28").
# Shifting a day by n months is _CLAMP[_MD[i] + 32 * n]; by n years
# _CLAMP/_OVER[_MD[i] + 384 * n].
# ---------------------------------------------------------------------------

_TABLE_FIRST_YEAR = 1900
_TABLE_END_YEAR = 2200  # exclusive


def _fields_slow(d: ArrayLike) -> tuple[NDArray[np.int64], ...]:
    """(year, month, day, is_leap_year) of day numbers via datetime64 (any day, sentinels too)."""
    d64 = np.array(d, dtype=np.int64, ndmin=1).reshape(np.shape(d))
    month_start = d64.view("M8[D]").astype("M8[M]")
    mi = month_start.astype(np.int64) + 1970 * 12
    year = mi // 12
    month = mi - 12 * year + 1
    day = d64 - month_start.astype("M8[D]").astype(np.int64) + 1
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    return year, month, day, leap


def _month_slow(mi: ArrayLike) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """(first day, length - 1) of absolute month index ``mi = year * 12 + month - 1``."""
    m70 = np.array(mi, dtype=np.int64, ndmin=1).reshape(np.shape(mi)) - 1970 * 12
    start = m70.view("M8[M]").astype("M8[D]").astype(np.int64)
    following = (m70 + 1).view("M8[M]").astype("M8[D]").astype(np.int64)
    return start, following - start - 1


def _year_key_slow(d: ArrayLike, feb28: bool = False) -> NDArray[np.int64]:
    return _year_key_from_fields(*_fields_slow(d), feb28)


def _year_key_from_fields(
    year: NDArray[np.int64],
    month: NDArray[np.int64],
    day: NDArray[np.int64],
    leap: NDArray[np.bool_],
    feb28: bool,
) -> NDArray[np.int64]:
    yk = year * 1024 + month * 64 + 2 * day
    if feb28:
        yk = yk + 2 * ((month == 2) & (day == 28) & ~leap)
    return yk


def _shift_slow(d: ArrayLike, months: ArrayLike, clamp: bool) -> NDArray[np.int64]:
    """``d`` shifted by ``months`` calendar months (sentinels kept)."""
    d64 = np.asarray(d, dtype=np.int64)
    year, month, day, _ = _fields_slow(d64)
    start, last = _month_slow(year * 12 + month - 1 + months)
    res = start + (np.minimum(day - 1, last) if clamp else day - 1)
    return np.where(_is_sentinel(d64), d64, res)


def _month_day_slow(year: ArrayLike, month: int, day: int) -> NDArray[np.int64]:
    start, last = _month_slow(np.asarray(year, dtype=np.int64) * 12 + (month - 1))
    return start + np.minimum(day - 1, last)


_D_LO = np.int32((date(_TABLE_FIRST_YEAR, 1, 1) - EPOCH).days)
_D_N = (date(_TABLE_END_YEAR, 1, 1) - EPOCH).days - int(_D_LO)
_R_N = (_TABLE_END_YEAR - _TABLE_FIRST_YEAR) * 12 * 32
_R_LO_MONTH = _TABLE_FIRST_YEAR * 12  # absolute month index of _CLAMP/_OVER row 0


def _build_tables() -> tuple[NDArray[np.int32], ...]:
    days = np.arange(_D_N, dtype=np.int64) + int(_D_LO)
    year, month, day, leap = _fields_slow(days)
    yk = _year_key_from_fields(year, month, day, leap, feb28=False)
    yk28 = _year_key_from_fields(year, month, day, leap, feb28=True)
    md = ((year - _TABLE_FIRST_YEAR) * 12 + month - 1) * 32 + day - 1
    start, last = _month_slow(np.arange(_R_N // 32) + _R_LO_MONTH)
    k = np.arange(32)
    clamp = (start[:, None] + np.minimum(k[None, :], last[:, None])).ravel()
    over = (start[:, None] + k[None, :]).ravel()
    tables = tuple(t.astype(np.int32) for t in (yk, yk28, md, clamp, over))
    for t in tables:
        t.flags.writeable = False
    return tables


_YK, _YK28, _MD, _CLAMP, _OVER = _build_tables()


def _outside(idx: ArrayLike, n: int) -> NDArray[np.bool_]:
    """``(idx < 0) | (idx >= n)`` in one comparison (unsigned view)."""
    a = np.asarray(idx)
    if a.dtype == np.int32:
        return a.view(np.uint32) >= n
    if a.dtype == np.int64:
        return a.view(np.uint64) >= n
    return (a < 0) | (a >= n)


def _patch(res: ArrayLike, bad: ArrayLike, slow, *args: ArrayLike) -> NDArray:
    """Copy of ``res`` with ``res[bad]`` recomputed as ``slow(*(a[bad] for a in args))``.

    ``bad`` and ``args`` are broadcast to the shape of ``res``.
    """
    out = np.array(res)
    mask = np.broadcast_to(bad, out.shape)
    picked = [np.broadcast_to(np.asarray(a), out.shape)[mask] for a in args]
    out[mask] = slow(*picked)
    return out


def _year_key(d: NDArray[np.int32], feb28: bool = False) -> tuple[NDArray[np.int32], bool]:
    """Year-keys of int32 day numbers (see the table notes above).

    The flag is True if any day was outside the tables - the only way a
    sentinel can be among them.
    """
    i = d - _D_LO
    yk = (_YK28 if feb28 else _YK).take(i, mode="clip")
    bad = _outside(i, _D_N)
    if np.count_nonzero(bad):
        return _patch(yk, bad, lambda x: _year_key_slow(x, feb28), d), True
    return yk, False


def _shift(days: ArrayLike, months: ArrayLike, clamp: bool, per: int) -> NDArray[np.int32]:
    """Shift by ``months * per`` calendar months, clamping (or not) a missing day."""
    d = _as_days(days)
    n = _as_int(months, "months" if per == 1 else "years")
    i = d - _D_LO
    r = _MD.take(i, mode="clip") + (32 * per) * n
    res = (_CLAMP if clamp else _OVER).take(r, mode="clip")
    bad_i = _outside(i, _D_N)
    bad_r = _outside(r, _R_N)
    if np.count_nonzero(bad_i) or np.count_nonzero(bad_r):
        bad = np.broadcast_to(bad_i, np.shape(r)) | bad_r
        res = _patch(res, bad, lambda x, k: _shift_slow(x, k * per, clamp), d, n)
    return _i32(res)


def _month_day(year: ArrayLike, month: int, day: int) -> NDArray[np.int32]:
    """Day ``day`` (clamped to the month's length) of ``month`` in ``year``."""
    r = year * 384 + ((month - 1) * 32 + day - 1 - _R_LO_MONTH * 32)
    res = _CLAMP.take(r, mode="clip")
    bad = _outside(r, _R_N)
    if np.count_nonzero(bad):
        res = _patch(res, bad, lambda y: _month_day_slow(y, month, day), year)
    return res


def _is_sentinel(d: ArrayLike) -> NDArray[np.bool_]:
    return (d == NEVER) | (d == ALWAYS)


def _as_days(x: ArrayLike) -> NDArray[np.int32]:
    """Coerce day numbers (ints / int arrays / datetime64) to an int32 array."""
    a = np.asarray(x)
    dt = a.dtype
    if dt == np.int32:
        return a
    kind = dt.kind
    if kind in "iu":
        return a.astype(np.int32)
    if kind == "M":
        days = a.astype("M8[D]").astype(np.int64)
        return np.where(np.isnat(a), NEVER, days).astype(np.int32)
    raise TypeError(
        f"expected day numbers (integers since 1970-01-01) or datetime64, got dtype {dt}; "
        "convert dates/strings with to_day() / to_days() first"
    )


def _as_int(x: ArrayLike, name: str) -> ArrayLike:
    """Pass integer counts (years, months, ages) through, rejecting non-integers.

    Small Python ints stay Python ints (so int32 arithmetic stays int32);
    everything else becomes int64.
    """
    if type(x) is int and -(2**20) < x < 2**20:
        return x
    a = np.asarray(x)
    if a.dtype.kind not in "iu":
        raise TypeError(f"{name} must be integers, got {x!r}")
    return a.astype(np.int64, copy=False)


def _check_feb29(feb29: str) -> None:
    if feb29 not in _FEB29_CONVENTIONS:
        raise ValueError(f"feb29 must be one of {_FEB29_CONVENTIONS}, got {feb29!r}")


def _i32(x: ArrayLike) -> NDArray[np.int32]:
    return np.asarray(x, dtype=np.int32)


# ---------------------------------------------------------------------------
# Conversions (scalar, at the edges: parameters, YAML cases, reports)
# ---------------------------------------------------------------------------

_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)


def to_day(value: date | str | np.datetime64 | int | None) -> int:
    """Convert one date to its day number (days since 1970-01-01).

    Accepts a ``datetime.date`` (a ``datetime`` counts by its date), an ISO
    string ``'YYYY-MM-DD'``, a ``np.datetime64`` (``NaT`` -> ``NEVER``), an
    integer day number (returned as is; the sentinels are allowed) or ``None``,
    which means "no such event" and gives ``NEVER``.

    Raises ``ValueError`` for a malformed or impossible date string
    (``'2023-02-29'``, ``'2024-1-1'``) or an out-of-range integer, and
    ``TypeError`` for anything else.
    """
    if value is None:
        return _NEVER_INT
    if isinstance(value, bool | np.bool_):
        raise TypeError(f"cannot convert a boolean to a date: {value!r}")
    if isinstance(value, int | np.integer):
        n = int(value)
        if not _ALWAYS_INT <= n <= _NEVER_INT:
            raise ValueError(f"day number {n} is outside [ALWAYS, NEVER] = [{_ALWAYS_INT}, {_NEVER_INT}]")
        return n
    if isinstance(value, date):
        return value.toordinal() - _EPOCH_ORD
    if isinstance(value, str):
        m = _ISO_DATE.fullmatch(value.strip())
        if m is None:
            raise ValueError(f"invalid date {value!r}: expected ISO format 'YYYY-MM-DD'")
        try:
            d = date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError as exc:
            raise ValueError(f"invalid date {value!r}: {exc}") from None
        return d.toordinal() - _EPOCH_ORD
    if isinstance(value, np.datetime64):
        if np.isnat(value):
            return _NEVER_INT
        return to_day(int(value.astype("M8[D]").astype(np.int64)))
    raise TypeError(f"cannot convert {type(value).__name__} to a date: {value!r}")


def from_day(n: ArrayLike) -> date | None:
    """Convert one day number back to a ``datetime.date``; ``None`` for ``NEVER``/``ALWAYS``.

    Raises ``ValueError`` if the day is outside the years 1..9999 that
    ``datetime.date`` can represent.
    """
    n = int(n)
    if n in (_NEVER_INT, _ALWAYS_INT):
        return None
    try:
        return date.fromordinal(n + _EPOCH_ORD)
    except (ValueError, OverflowError):
        raise ValueError(f"day number {n} is not a date between 0001-01-01 and 9999-12-31") from None


def to_days(values: Iterable[date | str | np.datetime64 | int | None]) -> NDArray[np.int32]:
    """Convert many dates (see ``to_day``; ``None`` -> ``NEVER``) to a 1-d int32 array.

    A NumPy integer or ``datetime64`` array is converted without a Python loop
    (keeping its shape; ``NaT`` -> ``NEVER``).
    """
    if isinstance(values, np.ndarray) and values.dtype.kind in "iuM":
        return np.array(_as_days(values), dtype=np.int32)
    return np.fromiter((to_day(v) for v in values), dtype=np.int32)


# ---------------------------------------------------------------------------
# Calendar fields
# ---------------------------------------------------------------------------


def year_of(days: ArrayLike) -> NDArray[np.int32]:
    """Calendar year of each day.

    Sentinels give absurd but correctly *ordered* years (``NEVER`` is after
    every year, ``ALWAYS`` before), so ``year_of(d) <= 2024`` stays right.
    """
    return _i32(_year_key(_as_days(days))[0] >> 10)


def split(days: ArrayLike) -> tuple[NDArray[np.int32], NDArray[np.int32], NDArray[np.int32]]:
    """``(year, month, day)`` arrays of each day number (month 1..12, day 1..31).

    Sentinels split into far-future / far-past fields, as in ``year_of``.
    """
    yk, _ = _year_key(_as_days(days))
    return _i32(yk >> 10), _i32((yk >> 6) & 15), _i32((yk >> 1) & 31)


# ---------------------------------------------------------------------------
# Calendar arithmetic
# ---------------------------------------------------------------------------


def add_years(days: ArrayLike, years: ArrayLike, feb29: str = "mar1") -> NDArray[np.int32]:
    """The same month and day, ``years`` calendar years later (earlier if negative).

    The day is kept as is; only 29 February can be missing in the target
    year. Then ``feb29="mar1"`` (default) gives 1 March - the year is complete
    only after 28 February has passed - and ``feb29="feb28"`` gives 28 February,
    the last day of the month (Civil Code Art. 192 p.3 style).

    ``years`` may be an array; it broadcasts with ``days``. ``NEVER`` and
    ``ALWAYS`` are returned unchanged.
    """
    _check_feb29(feb29)
    # 29 Feb + 28 days from 1 Feb of a common year is 1 Mar (unclamped); clamped it is 28 Feb.
    return _shift(days, years, clamp=feb29 == "feb28", per=12)


def add_months(days: ArrayLike, months: ArrayLike) -> NDArray[np.int32]:
    """The same day of the month, ``months`` calendar months later (earlier if negative).

    If the target month has no such day, the result is the last day of that
    month (Civil Code Art. 192 p.3): 31 January + 1 month = 28 February (29 in
    a leap year); 31 March - 1 month = 28/29 February; 31 May + 1 month =
    30 June. ``add_months(d, 12 * n)`` equals ``add_years(d, n, feb29="feb28")``.

    ``months`` may be an array; it broadcasts with ``days``. ``NEVER`` and
    ``ALWAYS`` are returned unchanged.
    """
    return _shift(days, months, clamp=True, per=1)


_DURATION = re.compile(r"P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?", re.ASCII)


@functools.lru_cache(maxsize=256)
def _parse_duration(duration: str) -> tuple[int, int]:
    """ISO-8601 date duration -> (months, days)."""
    m = _DURATION.fullmatch(duration) if isinstance(duration, str) else None
    if m is None or not any(m.groups()):
        raise ValueError(
            f"invalid duration {duration!r}: expected an ISO-8601 date duration such as "
            "'P1Y', 'P11M', 'P1Y6M', 'P2W' or 'P334D'"
        )
    y, mo, w, d = (int(g) if g else 0 for g in m.groups())
    return 12 * y + mo, 7 * w + d


def add_duration(days: ArrayLike, duration: str, sign: int = 1) -> NDArray[np.int32]:
    """Add (``sign=1``) or subtract (``sign=-1``) an ISO-8601 date duration.

    Supported: any of ``nY``, ``nM``, ``nW``, ``nD`` in that order after ``P``
    (``'P11M'``, ``'P334D'``, ``'P1Y'``, ``'P1Y6M'``, ``'P2W'``). Years and
    months are applied first, together, as ``add_months(days, 12*Y + M)`` -
    so a year from 29 February ends on 28 February, the last day of the month
    (Civil Code Art. 192) - and then weeks and days are added. With
    ``sign=-1`` both parts are subtracted in the same order.

    The result is the day on which a period of that length, counted from an
    event on ``days``, expires (the period itself runs from the next day,
    Art. 191). ``NEVER`` and ``ALWAYS`` are returned unchanged. A malformed
    duration raises ``ValueError`` naming it.
    """
    months, extra = _parse_duration(duration)
    if sign not in (1, -1):
        raise ValueError(f"sign must be 1 or -1, got {sign!r}")
    d = _as_days(days)
    res = add_months(d, sign * months) if months else d
    if extra:
        res = np.where(_is_sentinel(d), d, res + sign * extra)
    return _i32(res)


# ---------------------------------------------------------------------------
# Ages
# ---------------------------------------------------------------------------


def birthday(birth: ArrayLike, age: ArrayLike, feb29: str = "mar1") -> NDArray[np.int32]:
    """The day on which a person born on ``birth`` reaches age ``age``.

    A person reaches age N on (from the very start of) his N-th birthday. For
    a birth on 29 February and a common target year, ``feb29`` decides
    between 1 March (default, ``"mar1"``) and 28 February (``"feb28"``).
    Equivalent to ``add_years(birth, age, feb29)``; sentinel births stay
    sentinels (unknown birth -> the birthday never comes).
    """
    return add_years(birth, age, feb29)


def age_on(birth: ArrayLike, on: ArrayLike, feb29: str = "mar1") -> NDArray[np.int16]:
    """Full years completed on day ``on`` by a person born on ``birth`` (int16).

    Age N is reached ON the N-th birthday (see ``birthday``): a man born
    1996-12-31 is 26 on 2023-12-30 and 27 on 2023-12-31. For ``on >= birth``
    the result equals the number of N >= 1 with ``birthday(birth, N, feb29) <=
    on``, so ``age_on(b, on) >= N`` exactly when ``reached_age(b, N, on)``.

    ``-1`` means "no age": ``birth`` is a sentinel (unknown), ``on`` is a
    sentinel, or ``on`` is before ``birth``.
    """
    _check_feb29(feb29)
    b = _as_days(birth)
    o = _as_days(on)
    # Year-keys compare like (year, month, day); their difference >> 10 is the
    # number of full years. Under "mar1" a 29-February child is not a year older
    # on a common year's 28 Feb (its key is below 29 Feb's) but is on 1 Mar;
    # under "feb28" that 28 Feb carries 29 Feb's key, so he is.
    yk_o, far_o = _year_key(o, feb29 == "feb28")
    yk_b, far_b = _year_key(b)
    age = np.maximum((yk_o - yk_b) >> 10, -1)
    if far_o or far_b:
        age = np.where(_is_sentinel(b) | _is_sentinel(o), -1, age)
        age = np.minimum(age, np.iinfo(np.int16).max)
    return np.asarray(age, dtype=np.int16)


def reached_age(birth: ArrayLike, age: ArrayLike, on: ArrayLike, feb29: str = "mar1") -> NDArray[np.bool_]:
    """Whether, on day ``on``, a person born on ``birth`` has reached age ``age``.

    ``on >= birthday(birth, age, feb29)``: true from the birthday itself.
    "Until age 27" / "under 27" is ``~reached_age(birth, 27, on)``: true up to
    and including the day before the 27th birthday.

    False whenever ``birth`` or ``on`` is a sentinel (an unknown birth never
    reaches an age; nothing is reached on a day that never comes), which keeps
    ``reached_age(b, N, on) == (age_on(b, on) >= N)`` for every ``N >= 0``.
    """
    b = _as_days(birth)
    o = _as_days(on)
    n = _as_int(age, "age")
    bd = add_years(b, n, feb29)
    res = (o >= bd) & (o > ALWAYS) & (o < NEVER)
    # bd is a sentinel only for a sentinel birth; NEVER already gives False.
    return np.asarray(res & (bd != ALWAYS))


# ---------------------------------------------------------------------------
# Fixed days of the year, deadlines, windows
# ---------------------------------------------------------------------------

_MMDD = re.compile(r"(\d{2})-(\d{2})", re.ASCII)
_MAX_DAY = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


@functools.lru_cache(maxsize=256)
def _parse_mmdd(mmdd: str) -> tuple[int, int]:
    m = _MMDD.fullmatch(mmdd) if isinstance(mmdd, str) else None
    if m is None:
        raise ValueError(f"invalid month-day {mmdd!r}: expected 'MM-DD', e.g. '04-01'")
    month, day = int(m[1]), int(m[2])
    if not (1 <= month <= 12 and 1 <= day <= _MAX_DAY[month - 1]):
        raise ValueError(f"invalid month-day {mmdd!r}: no such day in any year")
    return month, day


def month_day(year: ArrayLike, mmdd: str) -> NDArray[np.int32]:
    """The day ``MM-DD`` (e.g. ``'04-01'`` for 1 April) of ``year`` (int or int array).

    ``'02-29'`` is accepted and means the last day of February: 28 February
    in a common year. ``ValueError`` for a malformed or impossible ``mmdd``
    (``'4-1'``, ``'04-31'``).
    """
    month, day = _parse_mmdd(mmdd)
    return _i32(_month_day(_as_int(year, "year"), month, day))


def next_month_day(on: ArrayLike, mmdd: str, inclusive: bool = True) -> NDArray[np.int32]:
    """The first day ``MM-DD`` on or after ``on`` (strictly after if ``inclusive=False``).

    E.g. the next 1 April from 2024-04-01 is 2024-04-01 itself (or 2025-04-01
    with ``inclusive=False``). ``'02-29'`` is the last day of February, as in
    ``month_day``. ``NEVER`` and ``ALWAYS`` are returned unchanged.
    """
    month, day = _parse_mmdd(mmdd)
    o = _as_days(on)
    yk, far = _year_key(o)
    year = yk >> 10
    this_year = _month_day(year, month, day)
    passed = (this_year < o) if inclusive else (this_year <= o)
    res = np.where(passed, _month_day(year + 1, month, day), this_year)
    if far:
        res = np.where(_is_sentinel(o), o, res)
    return _i32(res)


def last_day_before(deadline: ArrayLike) -> NDArray[np.int32]:
    """The last day on which something done "before ``deadline``" is in time: ``deadline - 1``.

    "Before 1 April" means on or before 31 March; a rule that says "no later
    than 31 March" should use the day itself. ``NEVER`` (no deadline) and
    ``ALWAYS`` are returned unchanged.
    """
    d = _as_days(deadline)
    return _i32(np.where(_is_sentinel(d), d, d - 1))


def in_window(on: ArrayLike, start: ArrayLike, end: ArrayLike) -> NDArray[np.bool_]:
    """``start <= on <= end``: both ends inclusive.

    Open-ended windows use ``start=ALWAYS`` and/or ``end=NEVER``. An ``on``
    that is itself a sentinel (an event that never happened) is in no window,
    not even ``[ALWAYS, NEVER]``. A window with ``end < start`` is empty.
    """
    o = _as_days(on)
    s = _as_days(start)
    e = _as_days(end)
    return np.asarray((s <= o) & (o <= e) & (o > ALWAYS) & (o < NEVER))


# ---------------------------------------------------------------------------
# yyyymmdd keys: "has he reached age N on day D" as one integer comparison
# ---------------------------------------------------------------------------

NEVER_KEY = np.int32(99_991_231)
"""The yyyymmdd key of NEVER (sorts after every real date)."""

ALWAYS_KEY = np.int32(0)
"""The yyyymmdd key of ALWAYS (sorts before every real date)."""


def date_key(days: ArrayLike) -> NDArray[np.int32]:
    """``year * 10000 + month * 100 + day`` of day numbers; keys sort like the dates.

    NEVER maps to NEVER_KEY and ALWAYS to ALWAYS_KEY.
    """
    d = _as_days(days)
    year, month, day = split(d)
    key = (year * 10000 + month * 100 + day).astype(np.int32)
    return np.where(d >= NEVER, NEVER_KEY, np.where(d <= ALWAYS, ALWAYS_KEY, key)).astype(np.int32)


def from_key(keys: ArrayLike) -> NDArray[np.int32]:
    """Day numbers of yyyymmdd keys (the inverse of :func:`date_key`)."""
    k = np.asarray(keys, dtype=np.int64)
    year, rest = np.divmod(k, 10000)
    month, day = np.divmod(rest, 100)
    safe = (k > ALWAYS_KEY) & (k < NEVER_KEY)
    y = np.where(safe, year, 2000)
    m = np.where(safe, month, 1)
    start = ((y - 1970) * 12 + (m - 1)).astype("M8[M]").astype("M8[D]").astype(np.int64)
    out = start + np.where(safe, day, 1) - 1
    return np.where(k >= NEVER_KEY, NEVER, np.where(k <= ALWAYS_KEY, ALWAYS, out)).astype(np.int32)


def age_threshold_key(on: ArrayLike, age: ArrayLike, feb29: str = "mar1") -> NDArray[np.int32]:
    """The latest birth key that has reached ``age`` full years on day ``on``.

    ``birth_key <= age_threshold_key(on, age)`` is :func:`reached_age` for real dates, but costs one
    comparison per person: the calendar work is done once, on the side of ``on``. Under
    ``feb29="mar1"`` a man born on 29 February reaches his age on 1 March of a common year (his key
    ...0229 exceeds the threshold ...0228 on 28 February); under ``"feb28"`` on 28 February, so the
    threshold of a common year's 28 February is raised to ...0229.
    """
    _check_feb29(feb29)
    d = _as_days(on)
    key = date_key(d).astype(np.int64)
    thr = key - np.asarray(age, dtype=np.int64) * 10000
    if feb29 == "feb28":
        year, month, day = split(d)
        leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
        thr = thr + ((month == 2) & (day == 28) & ~leap)
    return thr.astype(np.int32)
