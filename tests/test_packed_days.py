"""Two-byte dates: packing keeps every answer a rule can give, and misuse fails loudly."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from callup.jurisdictions.ru.columns import DAY_FIELDS, concat, empty
from callup.law.dates import ALWAYS, NEVER, NEVER_KEY, date_key, to_day
from callup.law.packed_days import (
    PACKED_NEVER,
    PackedDays,
    PackedKeys,
    compare_days,
    pack_days,
    pack_keys,
    unpack,
    unpack_days,
    unpack_keys,
)

LAW_DAYS = st.integers(to_day("2019-01-01"), to_day("2100-12-31"))
STORED = st.one_of(st.integers(-40_000, 70_000), st.sampled_from([int(NEVER), int(ALWAYS)]))


@given(st.lists(STORED, min_size=1, max_size=50), LAW_DAYS)
def test_a_packed_date_answers_every_comparison_with_a_day_of_the_encoded_law_as_the_date_does(days, on):
    """Before 1970 becomes 1970-01-01 and after 2149 becomes NEVER: no day from 2019 tells them apart."""
    d = np.array(days, dtype=np.int32)
    back = unpack_days(pack_days(d))
    assert np.array_equal(back <= on, d <= on)
    assert np.array_equal(back < on, d < on)
    assert np.array_equal(back == NEVER, d >= PACKED_NEVER)


def test_days_since_1970_and_never_come_back_exactly():
    d = np.array([0, 1, 17_897, 65_534, NEVER], dtype=np.int32)
    p = pack_days(d)
    assert isinstance(p, PackedDays) and p.dtype == np.uint16 and p.nbytes == 2 * d.size
    assert np.array_equal(unpack_days(p), d)
    assert unpack_days(pack_days(np.array([ALWAYS], dtype=np.int32)))[0] == 0  # "always": 1970-01-01


def test_writing_a_day_into_a_packed_column_packs_it():
    p = pack_days(np.full(4, NEVER, dtype=np.int32))
    p[1] = to_day("2022-09-21")
    p[[2, 3]] = np.array([to_day("2019-04-01"), NEVER], dtype=np.int32)
    view = p[2:]
    view[0] = to_day("2020-01-01")  # a slice is a view, and it packs too
    assert list(unpack_days(p)) == [NEVER, to_day("2022-09-21"), to_day("2020-01-01"), NEVER]


@pytest.mark.parametrize("misuse", [
    lambda p: p + 1,
    lambda p: p <= 19_000,
    lambda p: np.minimum(p, 3),
    lambda p: np.where(p == 0, p, 0),
    lambda p: p.astype(np.int32),
    lambda p: np.array_equal(p, p),
])
def test_arithmetic_on_the_packed_numbers_is_refused(misuse):
    with pytest.raises(TypeError, match="unpack"):
        misuse(pack_days(np.array([1, 2], dtype=np.int32)))


def test_keys_are_packed_as_days_and_come_back_as_keys():
    keys = np.array([20230115, NEVER_KEY, 19991231], dtype=np.int32)
    p = pack_keys(keys)
    assert isinstance(p, PackedKeys) and np.array_equal(unpack_keys(p), keys)
    p[1] = date_key(np.int32(to_day("2024-02-29")))
    assert unpack(p)[1] == 20240229


def test_a_packed_population_unpacks_to_the_same_columns_and_concatenates_with_an_unpacked_one():
    pop = empty(3, n_children=2)
    pop.study_end[:] = [to_day("2023-06-30"), NEVER, to_day("2019-06-30")]
    pop.child_birth_key[0, 1] = 20210301
    packed = pop.packed()
    assert packed.is_packed and not pop.is_packed
    back = packed.unpacked()
    for name in (*DAY_FIELDS, "child_birth_key"):
        assert np.array_equal(getattr(back, name), getattr(pop, name)), name
    both = concat([packed, pop])
    assert both.is_packed and np.array_equal(unpack(both.study_end), np.tile(pop.study_end, 2))
    assert packed.nbytes < pop.nbytes


@pytest.mark.parametrize("on", ["2019-04-01", "2022-10-01", "2024-11-20", "2026-04-01"])
def test_the_rules_give_the_same_status_and_reasons_on_a_packed_population_as_on_its_unpacked_copy(on):
    import datetime as dt

    from callup.jurisdictions import ru
    from callup.jurisdictions.ru import rules
    from callup.population import build_population

    law = ru.law()
    packed = build_population(dt.date(2019, 1, 1), scale=0.002, seed=5, law=law).pop
    assert packed.is_packed
    day = np.int32(to_day(on))
    a = rules.evaluate(law, packed, day, chunk=4096)  # many chunks: lazily unpacked, some not at all
    b = rules.evaluate(law, packed.unpacked(), day, chunk=4096)
    assert np.array_equal(a.status, b.status) and np.array_equal(a.reasons, b.reasons)
    assert (a.status != 4).sum() > 1000  # not a trivial population: many men are within call-up


@given(st.lists(STORED, min_size=1, max_size=50), st.one_of(LAW_DAYS, st.just(int(NEVER))),
       st.sampled_from(["<", "<=", ">", ">=", "==", "!="]))
def test_comparing_a_packed_column_with_a_day_answers_as_comparing_its_unpacked_days(days, on, op):
    import operator

    fn = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge, "==": operator.eq,
          "!=": operator.ne}[op]
    packed = pack_days(np.array(days, dtype=np.int32))
    assert np.array_equal(compare_days(packed, op, on), fn(unpack_days(packed), on))
