"""Tests for callup.law.dates: ages, periods, deadlines, windows and 29 February.

The explicit cases read as small legal stories; the property tests check the
vectorised kernels against a plain ``datetime.date`` reference, both inside the
1900-2199 lookup tables and outside them (the datetime64 fallback).
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from callup.law.dates import (
    ALWAYS,
    EPOCH,
    NEVER,
    add_duration,
    add_months,
    add_years,
    age_on,
    birthday,
    from_day,
    in_window,
    last_day_before,
    month_day,
    next_month_day,
    reached_age,
    split,
    to_day,
    to_days,
    year_of,
)

CONVENTIONS = ("mar1", "feb28")


def d(iso: str) -> int:
    return to_day(iso)


def iso(n) -> str | None:
    day = from_day(n)
    return None if day is None else day.isoformat()


# ---------------------------------------------------------------------------
# Plain-datetime reference implementations
# ---------------------------------------------------------------------------


def ref_add_years(day: date, n: int, feb29: str) -> date:
    year = day.year + n
    if day.month == 2 and day.day == 29 and not calendar.isleap(year):
        return date(year, 3, 1) if feb29 == "mar1" else date(year, 2, 28)
    return day.replace(year=year)


def ref_age(birth: date, on: date, feb29: str) -> int:
    if on < birth:
        return -1
    n = on.year - birth.year
    return n if ref_add_years(birth, n, feb29) <= on else n - 1


def ref_add_months(day: date, k: int) -> date:
    year, month0 = divmod(day.year * 12 + day.month - 1 + k, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(day.day, last))


def days_of(values: list[date]) -> np.ndarray:
    return to_days(values)


# Inside the lookup tables (the hot path) and well outside them (the fallback).
modern = st.dates(date(1950, 1, 1), date(2060, 12, 31))
wide = st.dates(date(1600, 1, 1), date(2600, 12, 31))
any_date = st.one_of(modern, wide)
conventions = st.sampled_from(CONVENTIONS)


# ---------------------------------------------------------------------------
# Conversions
# ---------------------------------------------------------------------------


class TestConversions:
    def test_epoch_is_day_zero(self):
        assert date(1970, 1, 1) == EPOCH
        assert to_day(EPOCH) == 0
        assert to_day("1970-01-01") == 0
        assert to_day("2024-01-01") == np.datetime64("2024-01-01", "D").astype(np.int64) == 19723

    def test_accepted_inputs(self):
        n = to_day("2000-02-29")
        assert to_day(date(2000, 2, 29)) == n
        assert to_day(datetime(2000, 2, 29, 23, 59)) == n
        assert to_day(np.datetime64("2000-02-29")) == n
        assert to_day(np.datetime64("2000-02-29T12:00")) == n
        assert to_day(n) == n
        assert to_day(np.int64(n)) == n
        assert to_day(" 2000-02-29 ") == n
        assert to_day(d("1969-12-31")) == -1

    def test_none_and_nat_mean_never(self):
        assert to_day(None) == NEVER
        assert to_day(np.datetime64("NaT")) == NEVER
        assert to_day(int(ALWAYS)) == ALWAYS

    @pytest.mark.parametrize(
        "bad",
        [
            "",
            "2024-1-1",
            "20240101",
            "2024/01/01",
            "01-01-2024",
            "2023-02-29",
            "2024-13-01",
            "2024-04-31",
            "0000-01-01",
            "2024-01-01T00:00",
            "yesterday",
            "٢٠٢٤-٠١-٠١",
        ],
    )
    def test_bad_strings_raise_clear_value_error(self, bad):
        with pytest.raises(ValueError, match="invalid date"):
            to_day(bad)

    def test_bad_types(self):
        with pytest.raises(TypeError):
            to_day(True)
        with pytest.raises(TypeError):
            to_day(1.5)  # type: ignore[arg-type]
        with pytest.raises(ValueError):
            to_day(int(NEVER) + 1)

    def test_from_day(self):
        assert from_day(0) == EPOCH
        assert from_day(np.int32(19723)) == date(2024, 1, 1)
        assert from_day(NEVER) is None
        assert from_day(ALWAYS) is None
        with pytest.raises(ValueError):
            from_day(10_000_000)

    @given(any_date)
    def test_round_trip(self, day):
        n = to_day(day)
        assert n == (day - EPOCH).days
        assert from_day(n) == day
        assert to_day(day.isoformat()) == n
        assert from_day(to_day(np.datetime64(day.isoformat()))) == day

    def test_to_days(self):
        out = to_days(["2024-01-01", date(2024, 1, 2), None, np.datetime64("2024-01-03")])
        assert out.dtype == np.int32
        assert out.tolist() == [19723, 19724, int(NEVER), 19725]
        assert to_days([]).shape == (0,)
        dt = np.array([["2024-01-01", "NaT"]], dtype="M8[D]")
        assert to_days(dt).tolist() == [[19723, int(NEVER)]]
        with pytest.raises(ValueError, match="2024-02-30"):
            to_days(["2024-01-01", "2024-02-30"])


# ---------------------------------------------------------------------------
# Ages: the legal cases
# ---------------------------------------------------------------------------


class TestAgeCases:
    def test_born_on_29_february_turns_18_on_1_march_under_mar1(self):
        birth = d("2000-02-29")
        assert iso(birthday(birth, 18)) == "2018-03-01"
        assert age_on(birth, d("2018-02-28")) == 17
        assert age_on(birth, d("2018-03-01")) == 18
        assert not reached_age(birth, 18, d("2018-02-28"))
        assert reached_age(birth, 18, d("2018-03-01"))

    def test_born_on_29_february_turns_18_on_28_february_under_feb28(self):
        birth = d("2000-02-29")
        assert iso(birthday(birth, 18, feb29="feb28")) == "2018-02-28"
        assert age_on(birth, d("2018-02-27"), feb29="feb28") == 17
        assert age_on(birth, d("2018-02-28"), feb29="feb28") == 18
        assert reached_age(birth, 18, d("2018-02-28"), feb29="feb28")

    def test_born_on_29_february_in_a_leap_year_has_his_birthday_on_29_february(self):
        birth = d("2000-02-29")
        for feb29 in CONVENTIONS:
            assert iso(birthday(birth, 20, feb29)) == "2020-02-29"
            assert age_on(birth, d("2020-02-28"), feb29) == 19
            assert age_on(birth, d("2020-02-29"), feb29) == 20

    def test_born_31_december_reaches_27_on_31_december(self):
        birth = d("1996-12-31")
        assert iso(birthday(birth, 27)) == "2023-12-31"
        assert age_on(birth, d("2023-12-30")) == 26
        assert age_on(birth, d("2023-12-31")) == 27
        assert reached_age(birth, 27, d("2023-12-31"))

    def test_until_age_27_the_day_before_the_27th_birthday_he_is_26(self):
        birth = d("1997-06-15")
        eve = last_day_before(birthday(birth, 27))
        assert iso(eve) == "2024-06-14"
        assert age_on(birth, eve) == 26
        assert not reached_age(birth, 27, eve)  # still "under 27", still liable
        assert reached_age(birth, 27, eve + 1)

    def test_age_is_reached_at_the_start_of_the_birthday(self):
        birth = d("2006-04-01")
        assert age_on(birth, d("2024-03-31")) == 17
        assert age_on(birth, d("2024-04-01")) == 18

    def test_birth_day_itself_is_age_zero_and_before_birth_there_is_no_age(self):
        birth = d("2005-05-05")
        assert age_on(birth, birth) == 0
        assert age_on(birth, birth - 1) == -1
        assert age_on(birth, d("1990-01-01")) == -1

    def test_unknown_birth_has_no_age_and_reaches_none(self):
        on = d("2024-01-01")
        assert age_on(NEVER, on) == -1
        assert age_on(ALWAYS, on) == -1
        assert age_on(d("2000-01-01"), NEVER) == -1
        assert age_on(d("2000-01-01"), ALWAYS) == -1
        assert not reached_age(NEVER, 18, on)
        assert not reached_age(ALWAYS, 18, on)
        assert not reached_age(d("2000-01-01"), 18, NEVER)
        assert not reached_age(NEVER, 18, NEVER)
        assert birthday(NEVER, 18) == NEVER

    def test_ages_before_1900_and_after_2200(self):
        assert age_on(d("1850-02-28"), d("1900-02-28")) == 50
        assert age_on(d("1896-02-29"), d("1900-02-28")) == 3  # 1900 is a common year
        assert age_on(d("1896-02-29"), d("1900-02-28"), "feb28") == 4
        assert age_on(d("2196-02-29"), d("2200-03-01")) == 4
        assert age_on(d("0001-01-01"), d("9999-12-31")) == 9998

    def test_bad_convention(self):
        with pytest.raises(ValueError, match="feb29"):
            age_on(0, 0, feb29="feb29")
        with pytest.raises(ValueError, match="feb29"):
            add_years(0, 1, feb29="Mar1")


class TestAgeProperties:
    @settings(max_examples=300)
    @given(st.lists(st.tuples(modern, modern), min_size=1, max_size=40), conventions)
    def test_age_on_matches_datetime_reference(self, pairs, feb29):
        births = days_of([b for b, _ in pairs])
        ons = days_of([o for _, o in pairs])
        got = age_on(births, ons, feb29)
        assert got.dtype == np.int16
        assert got.tolist() == [ref_age(b, o, feb29) for b, o in pairs]

    @given(st.lists(st.tuples(any_date, any_date), min_size=1, max_size=20), conventions)
    def test_age_on_matches_reference_outside_the_tables(self, pairs, feb29):
        got = age_on(days_of([b for b, _ in pairs]), days_of([o for _, o in pairs]), feb29)
        assert got.tolist() == [ref_age(b, o, feb29) for b, o in pairs]

    @given(modern, modern, conventions)
    def test_age_is_the_count_of_birthdays_reached(self, birth, on, feb29):
        b, o = to_day(birth), to_day(on)
        ages = np.arange(1, 120)
        count = int(np.count_nonzero(birthday(b, ages, feb29) <= o))
        expected = count if o >= b else -1
        assert age_on(b, o, feb29) == expected
        assert (reached_age(b, ages, o, feb29) == (age_on(b, o, feb29) >= ages)).all()

    @given(any_date, st.integers(0, 150), conventions)
    def test_birthday_matches_reference(self, birth, n, feb29):
        expected = ref_add_years(birth, n, feb29)
        if expected.year <= 9999:
            assert from_day(birthday(to_day(birth), n, feb29)) == expected


# ---------------------------------------------------------------------------
# Calendar arithmetic
# ---------------------------------------------------------------------------


class TestAddYears:
    def test_ordinary_anniversary(self):
        assert iso(add_years(d("2024-04-01"), 1)) == "2025-04-01"
        assert iso(add_years(d("2024-04-01"), -3)) == "2021-04-01"

    def test_29_february_conventions(self):
        leap = d("2024-02-29")
        assert iso(add_years(leap, 1)) == "2025-03-01"
        assert iso(add_years(leap, 1, feb29="feb28")) == "2025-02-28"
        assert iso(add_years(leap, -1, feb29="mar1")) == "2023-03-01"
        assert iso(add_years(leap, -1, feb29="feb28")) == "2023-02-28"
        assert iso(add_years(leap, 4)) == "2028-02-29"
        assert iso(add_years(leap, 76)) == "2100-03-01"  # 2100 is not a leap year
        assert iso(add_years(leap, -124)) == "1900-03-01"  # nor was 1900
        assert iso(add_years(leap, -24)) == "2000-02-29"  # but 2000 was

    def test_years_may_be_an_array(self):
        out = add_years(d("2000-02-29"), np.array([0, 1, 4, 18]))
        assert out.dtype == np.int32
        assert [iso(x) for x in out] == ["2000-02-29", "2001-03-01", "2004-02-29", "2018-03-01"]

    def test_non_integer_years_rejected(self):
        with pytest.raises(TypeError):
            add_years(0, 1.5)

    @given(any_date, st.integers(-300, 300), conventions)
    def test_matches_reference(self, day, n, feb29):
        expected = ref_add_years(day, n, feb29)
        if 1 <= expected.year <= 9999:
            assert from_day(add_years(to_day(day), n, feb29)) == expected

    @given(any_date, st.integers(-300, 300), conventions)
    def test_round_trip_except_29_february(self, day, n, feb29):
        if not 1 <= day.year + n <= 9999:
            return
        x = to_day(day)
        back = add_years(add_years(x, n, feb29), -n, feb29)
        if (day.month, day.day) != (2, 29) or calendar.isleap(day.year + n):
            assert back == x
        else:
            assert iso(back) == (f"{day.year:04d}-03-01" if feb29 == "mar1" else f"{day.year:04d}-02-28")


class TestAddMonths:
    def test_month_end_clamping(self):
        assert iso(add_months(d("2024-01-31"), 1)) == "2024-02-29"
        assert iso(add_months(d("2023-01-31"), 1)) == "2023-02-28"
        assert iso(add_months(d("2024-03-31"), -1)) == "2024-02-29"
        assert iso(add_months(d("2024-05-31"), 1)) == "2024-06-30"
        assert iso(add_months(d("2024-01-31"), 2)) == "2024-03-31"  # not chained through February
        assert iso(add_months(d("2024-12-15"), 1)) == "2025-01-15"
        assert iso(add_months(d("2024-01-15"), -1)) == "2023-12-15"
        assert iso(add_months(d("2024-01-15"), 0)) == "2024-01-15"

    def test_twelve_months_is_a_year_with_the_feb28_rule(self):
        x = to_days(["2024-02-29", "2023-06-30", "1999-12-31"])
        assert (add_months(x, 12) == add_years(x, 1, feb29="feb28")).all()
        assert (add_months(x, -48) == add_years(x, -4, feb29="feb28")).all()

    def test_across_the_table_edges(self):
        assert iso(add_months(d("2199-12-31"), 2)) == "2200-02-28"
        assert iso(add_months(d("1900-01-31"), -1)) == "1899-12-31"
        assert iso(add_months(d("1899-12-31"), 2)) == "1900-02-28"
        assert iso(add_months(d("2200-01-31"), -11)) == "2199-02-28"

    @given(st.lists(st.tuples(any_date, st.integers(-1200, 1200)), min_size=1, max_size=30))
    def test_matches_monthrange_reference(self, cases):
        cases = [(day, k) for day, k in cases if 1 <= (day.year * 12 + day.month - 1 + k) // 12 <= 9999]
        if not cases:
            return
        got = add_months(days_of([day for day, _ in cases]), np.array([k for _, k in cases]))
        assert [from_day(x) for x in got] == [ref_add_months(day, k) for day, k in cases]


class TestAddDuration:
    @pytest.mark.parametrize(
        ("start", "duration", "expected"),
        [
            ("2024-01-31", "P11M", "2024-12-31"),
            ("2024-03-31", "P11M", "2025-02-28"),
            ("2024-01-01", "P334D", "2024-11-30"),
            ("2024-02-29", "P1Y", "2025-02-28"),  # years go through add_months: last day of February
            ("2023-08-31", "P1Y6M", "2025-02-28"),
            ("2024-01-01", "P2W", "2024-01-15"),
            ("2024-01-31", "P1M1D", "2024-03-01"),
            ("2024-01-01", "P0D", "2024-01-01"),
        ],
    )
    def test_forward(self, start, duration, expected):
        assert iso(add_duration(d(start), duration)) == expected

    def test_backward(self):
        assert iso(add_duration(d("2025-02-28"), "P1Y", sign=-1)) == "2024-02-28"
        assert iso(add_duration(d("2024-03-31"), "P1M", sign=-1)) == "2024-02-29"
        assert iso(add_duration(d("2024-03-01"), "P1M1D", sign=-1)) == "2024-01-31"
        assert iso(add_duration(d("2024-01-15"), "P2W", sign=-1)) == "2024-01-01"

    @pytest.mark.parametrize("bad", ["", "P", "1Y", "P1.5Y", "P1M1Y", "PT1H", "P1Y2M3DT4H", "p1y", "P-1Y", "P1W1Y"])
    def test_bad_durations_name_the_string(self, bad):
        with pytest.raises(ValueError, match="invalid duration"):
            add_duration(0, bad)
        if bad:
            with pytest.raises(ValueError, match=bad.replace(".", r"\.")):
                add_duration(0, bad)

    def test_bad_sign(self):
        with pytest.raises(ValueError, match="sign"):
            add_duration(0, "P1D", sign=2)

    @given(any_date, st.integers(0, 40), st.integers(0, 30), st.integers(0, 400), st.sampled_from([1, -1]))
    def test_is_months_then_days(self, day, years, months, days_, sign):
        duration = f"P{years}Y{months}M{days_}D"
        x = to_day(day)
        expected = add_months(x, sign * (12 * years + months)) + sign * days_
        if 1 <= day.year + sign * (years + 2) <= 9999:
            assert add_duration(x, duration, sign) == expected


# ---------------------------------------------------------------------------
# Sentinels, vectorisation, broadcasting
# ---------------------------------------------------------------------------

SENTINEL_OPS = [
    ("add_years", lambda x: add_years(x, 5)),
    ("add_years feb28", lambda x: add_years(x, -3, feb29="feb28")),
    ("add_years array", lambda x: add_years(x, np.arange(np.size(x)).reshape(np.shape(x)))),
    ("add_months", lambda x: add_months(x, 7)),
    ("add_months negative", lambda x: add_months(x, -25)),
    ("add_duration P1Y6M", lambda x: add_duration(x, "P1Y6M")),
    ("add_duration P334D", lambda x: add_duration(x, "P334D")),
    ("add_duration P2W back", lambda x: add_duration(x, "P2W", sign=-1)),
    ("birthday", lambda x: birthday(x, 18)),
    ("next_month_day", lambda x: next_month_day(x, "04-01")),
    ("last_day_before", last_day_before),
]


@pytest.mark.parametrize(("name", "op"), SENTINEL_OPS, ids=[n for n, _ in SENTINEL_OPS])
def test_sentinels_are_preserved(name, op):
    x = to_days(["2024-02-29", None, "1850-01-31", "2300-05-31", "1999-12-31"])
    x[3] = ALWAYS
    out = op(x)
    assert out.dtype == np.int32
    assert out[1] == NEVER
    assert out[3] == ALWAYS
    for i in (0, 2, 4):
        assert abs(out[i]) < 10_000_000
    assert op(np.array(NEVER)) == NEVER
    assert op(np.array(ALWAYS)) == ALWAYS
    assert (op(np.full((2, 3), NEVER, dtype=np.int32)) == NEVER).all()


@pytest.mark.parametrize(("name", "op"), SENTINEL_OPS, ids=[n for n, _ in SENTINEL_OPS])
@given(st.lists(st.one_of(any_date, st.none()), min_size=1, max_size=20))
def test_vectorised_equals_element_wise(name, op, values):
    x = to_days(values)
    whole = op(x)
    assert whole.shape == x.shape
    for i in range(len(x)):
        single = op(x[i : i + 1])
        assert single.shape == (1,)
        if name != "add_years array":  # that op's argument depends on the position
            assert single[0] == whole[i]
            assert op(x[i]) == whole[i]


@given(st.lists(st.tuples(any_date, any_date), min_size=1, max_size=20), conventions)
def test_age_vectorised_equals_scalar(pairs, feb29):
    b = days_of([p[0] for p in pairs])
    o = days_of([p[1] for p in pairs])
    whole = age_on(b, o, feb29)
    assert [int(age_on(int(bi), int(oi), feb29)) for bi, oi in zip(b, o, strict=True)] == whole.tolist()


class TestShapes:
    def test_scalars_give_zero_dim_arrays(self):
        for out in (
            add_years(0, 1),
            add_months(0, 1),
            add_duration(0, "P1D"),
            birthday(0, 18),
            next_month_day(0, "04-01"),
            last_day_before(0),
            month_day(2024, "04-01"),
            year_of(0),
        ):
            assert isinstance(out, np.ndarray)
            assert out.shape == ()
            assert out.dtype == np.int32
        assert age_on(0, 400).shape == ()
        assert reached_age(0, 1, 400).dtype == np.bool_
        assert in_window(1, 0, 2).shape == ()

    def test_broadcasting_days_against_years(self):
        days = to_days(["2000-02-29", "2001-01-31", "1999-12-31"]).reshape(3, 1)
        years = np.array([1, 2, 3, 4])
        out = add_years(days, years)
        assert out.shape == (3, 4)
        for i in range(3):
            for j in range(4):
                assert out[i, j] == add_years(days[i, 0], int(years[j]))
        assert add_months(days, years).shape == (3, 4)
        assert birthday(days, years, "feb28").shape == (3, 4)

    def test_broadcasting_births_against_days(self):
        births = to_days(["2000-02-29", "2006-04-01", "1996-12-31", None, "1880-01-01"]).reshape(5, 1)
        ons = to_days(["2018-02-28", "2018-03-01", "2024-03-31", "2024-04-01", "2023-12-31", "1990-01-01"])
        ages = age_on(births, ons[None, :])
        assert ages.shape == (5, 6)
        assert ages.dtype == np.int16
        for i in range(5):
            for j in range(6):
                assert ages[i, j] == age_on(births[i, 0], ons[j])
        assert reached_age(births, 18, ons).shape == (5, 6)
        assert (reached_age(births, 18, ons) == (ages >= 18)).all()

    def test_multi_dimensional_input_keeps_shape(self):
        x = np.arange(-40_000, 80_000, 1000, dtype=np.int32).reshape(2, 3, 20)
        assert add_months(x, 1).shape == (2, 3, 20)
        y, m, day = split(x)
        assert y.shape == m.shape == day.shape == (2, 3, 20)

    def test_other_integer_dtypes_and_datetime64_are_accepted(self):
        x64 = np.array([19723, 19724], dtype=np.int64)
        assert add_months(x64, 1).dtype == np.int32
        assert (add_months(x64, 1) == add_months(x64.astype(np.int32), 1)).all()
        dt = np.array(["2024-01-31", "NaT"], dtype="M8[D]")
        assert [iso(v) for v in add_months(dt, 1)] == ["2024-02-29", None]
        assert (add_years(x64, np.array([1, 2], dtype=np.uint8)) == add_years(x64, np.array([1, 2]))).all()

    def test_non_day_inputs_are_rejected(self):
        with pytest.raises(TypeError, match="to_days"):
            add_months(np.array(["2024-01-01"]), 1)
        with pytest.raises(TypeError):
            add_months(np.array([1.0]), 1)
        with pytest.raises(TypeError):
            age_on([date(2000, 1, 1)], 0)


# ---------------------------------------------------------------------------
# Fixed days of the year, deadlines, windows, fields
# ---------------------------------------------------------------------------


class TestMonthDay:
    def test_month_day(self):
        assert iso(month_day(2024, "04-01")) == "2024-04-01"
        assert iso(month_day(2024, "12-31")) == "2024-12-31"
        out = month_day(np.array([2023, 2024, 1900, 2000, 2100, 2400]), "02-29")
        assert [iso(x) for x in out] == [
            "2023-02-28",
            "2024-02-29",
            "1900-02-28",
            "2000-02-29",
            "2100-02-28",
            "2400-02-29",
        ]

    @pytest.mark.parametrize("bad", ["4-1", "04-31", "02-30", "13-01", "00-10", "04-00", "0401", "--04-01"])
    def test_bad_month_day(self, bad):
        with pytest.raises(ValueError, match="month-day"):
            month_day(2024, bad)

    @given(st.integers(1, 9998), st.integers(1, 12), st.integers(1, 31))
    def test_matches_reference(self, year, month, day):
        if day > (29 if month == 2 else calendar.monthrange(2000, month)[1]):
            return
        expected = date(year, month, min(day, calendar.monthrange(year, month)[1]))
        assert from_day(month_day(year, f"{month:02d}-{day:02d}")) == expected


class TestNextMonthDay:
    def test_next_1_april(self):
        assert iso(next_month_day(d("2024-03-31"), "04-01")) == "2024-04-01"
        assert iso(next_month_day(d("2024-04-01"), "04-01")) == "2024-04-01"
        assert iso(next_month_day(d("2024-04-01"), "04-01", inclusive=False)) == "2025-04-01"
        assert iso(next_month_day(d("2024-04-02"), "04-01")) == "2025-04-01"
        assert iso(next_month_day(d("2024-12-31"), "01-01")) == "2025-01-01"

    def test_29_february_is_the_last_day_of_february(self):
        assert iso(next_month_day(d("2023-01-10"), "02-29")) == "2023-02-28"
        assert iso(next_month_day(d("2023-02-28"), "02-29", inclusive=False)) == "2024-02-29"
        assert iso(next_month_day(d("2024-03-01"), "02-29")) == "2025-02-28"

    @given(any_date, st.sampled_from(["01-01", "04-01", "02-29", "02-28", "10-31", "12-31"]), st.booleans())
    def test_matches_reference(self, day, mmdd, inclusive):
        month, dom = int(mmdd[:2]), int(mmdd[3:])
        candidate = day
        while True:
            last = calendar.monthrange(candidate.year, month)[1]
            target = date(candidate.year, month, min(dom, last))
            if target > day or (inclusive and target == day):
                break
            candidate = date(candidate.year + 1, 1, 1)
        if target.year <= 9999:
            assert from_day(next_month_day(to_day(day), mmdd, inclusive)) == target


class TestDeadlinesAndWindows:
    def test_before_1_april_means_on_or_before_31_march(self):
        deadline = month_day(2024, "04-01")
        assert iso(last_day_before(deadline)) == "2024-03-31"
        filed = to_days(["2024-03-31", "2024-04-01"])
        assert (filed <= last_day_before(deadline)).tolist() == [True, False]

    def test_window_is_inclusive_at_both_ends(self):
        start, end = d("2024-04-01"), d("2024-07-15")
        ons = to_days(["2024-03-31", "2024-04-01", "2024-05-20", "2024-07-15", "2024-07-16"])
        assert in_window(ons, start, end).tolist() == [False, True, True, True, False]

    def test_open_ended_windows_and_events_that_never_happened(self):
        on = d("2024-05-01")
        assert in_window(on, ALWAYS, NEVER)
        assert in_window(on, d("2024-01-01"), NEVER)
        assert in_window(on, ALWAYS, d("2024-12-31"))
        assert not in_window(NEVER, ALWAYS, NEVER)
        assert not in_window(ALWAYS, ALWAYS, NEVER)
        assert not in_window(on, d("2024-06-01"), d("2024-05-31"))  # empty window

    def test_window_broadcasts(self):
        ons = np.arange(10, dtype=np.int32).reshape(10, 1)
        starts = np.array([0, 3, 5])
        out = in_window(ons, starts, starts + 2)
        assert out.shape == (10, 3)
        assert out.sum(axis=0).tolist() == [3, 3, 3]


class TestFields:
    @given(st.lists(any_date, min_size=1, max_size=30))
    def test_split_and_year_of(self, values):
        x = days_of(values)
        y, m, day = split(x)
        assert y.tolist() == [v.year for v in values]
        assert m.tolist() == [v.month for v in values]
        assert day.tolist() == [v.day for v in values]
        assert year_of(x).tolist() == [v.year for v in values]

    def test_sentinel_years_keep_their_order(self):
        assert year_of(NEVER) > 9999
        assert year_of(ALWAYS) < 1
        assert year_of(d("1899-12-31")) == 1899
        assert year_of(d("1900-01-01")) == 1900
        assert year_of(d("2199-12-31")) == 2199
        assert year_of(d("2200-01-01")) == 2200
        assert year_of(-1) == 1969


def test_every_day_in_and_around_the_tables_matches_datetime():
    """Exhaustive check of the lookup tables and their edges against datetime."""
    first, last = date(1895, 1, 1), date(2205, 12, 31)
    x = np.arange(to_day(first), to_day(last) + 1, dtype=np.int32)
    ref = [first + timedelta(days=i) for i in range(len(x))]
    y, m, day = split(x)
    assert y.tolist() == [r.year for r in ref]
    assert m.tolist() == [r.month for r in ref]
    assert day.tolist() == [r.day for r in ref]
    sample = x[::7]
    for k in (-13, -1, 1, 11, 12, 25):
        got = add_months(sample, k)
        assert [from_day(g) for g in got] == [ref_add_months(from_day(s), k) for s in sample]
