"""Dated legal parameters: the loader (callup.law.parameters) and the Russian parameter files.

The law-change cases read as: parameter, the last day of the old value, the old value, the first day
of the new value, the new value - each a change made by a cited law.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import pickle
import re
import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from callup.law.parameters import (
    OVERRIDE_STATUS,
    STATUSES,
    FrozenMap,
    ParameterError,
    ParameterSet,
    UnknownParameterError,
    load_jurisdiction,
)

RU_ROOT = Path(__file__).resolve().parents[1] / "src" / "callup" / "jurisdictions" / "ru" / "parameters"
STUDY_LEVELS = ("school", "spo", "bachelor", "specialist", "master", "postgraduate", "preparatory")
EPOCH = dt.date(1970, 1, 1)


def day(iso: str) -> int:
    return (dt.date.fromisoformat(iso) - EPOCH).days


def thaw(value):
    """Frozen parameter values -> plain lists and dicts, for comparison with literals."""
    if isinstance(value, tuple):
        return [thaw(v) for v in value]
    if isinstance(value, dict):
        return {k: thaw(v) for k, v in value.items()}
    return value


@pytest.fixture(scope="module")
def ru() -> ParameterSet:
    return load_jurisdiction("ru")


# --- the Russian set ----------------------------------------------------------------------------

REQUIRED = (
    "callup.age_min",
    "callup.age_max",
    "callup.age_boundary_rule",
    "callup.feb29_birthday",
    "callup.service_months",
    "callup.windows",
    "callup.dispatch_windows",
    "callup.window_overrides",
    "callup.special_windows",
    "callup.quota",
    "callup.decision_valid_one_year",
    "exemption.health_v",
    "exemption.health_d",
    "exemption.served",
    "exemption.acs_served",
    "exemption.foreign_service",
    "exemption.degree",
    "exemption.relative_died",
    "exemption.volunteer",
    "not_subject.sentence",
    "not_subject.conviction",
    "not_subject.investigation",
    "deferral.health_g",
    "deferral.health_g_months",
    "deferral.care",
    "deferral.guardian",
    "deferral.two_children",
    "deferral.min_children",
    "deferral.disabled_child",
    "deferral.disabled_child_max_age",
    "deferral.child_and_pregnant_wife",
    "deferral.pregnancy_min_weeks",
    "deferral.single_father",
    "deferral.public_service",
    "deferral.elected",
    "deferral.volunteer",
    "deferral.study.school",
    "deferral.study.spo",
    "deferral.study.bachelor",
    "deferral.study.specialist",
    "deferral.study.master",
    "deferral.study.postgraduate",
    "deferral.study.preparatory",
    "deferral.study.school_graduate_until",
    "deferral.study.postgraduate_defence_years",
    "deferral.study.repeat_allowed",
    "deferral.it.enabled",
    "deferral.it.age_max",
    "deferral.it.min_tenure",
    "deferral.it.graduate_grace",
    "waiver.allowed",
    "waiver.waivable",
    "acs.age_min",
    "acs.age_max",
    "acs.grounds",
    "acs.conflict_rule",
    "acs.term_months",
    "acs.term_months_military_orgs",
    "acs.deadline_autumn",
    "acs.deadline_spring",
    "acs.decision_months",
    "acs.decision_extension_months",
    "acs.late_application",
    "summons.regime",
    "summons.deemed_delivered_days",
    "summons.registers_operational",
    "summons.exit_ban_trigger",
    "summons.restrictions_after_days",
    "summons.restrictions",
    "summons.max_days_to_appearance",
    "summons.appear_without_summons_days",
    "registration.abroad_not_obliged",
    "registration.deregister_abroad_months",
    "penalties.koap_21_5_1",
    "penalties.koap_21_5_notify",
    "penalties.koap_21_5_departure",
    "penalties.koap_21_5_abroad",
    "penalties.koap_21_6",
    "penalties.koap_21_7",
    "penalties.uk_328_1",
    "penalties.uk_328_2",
    "contract.first_age_max",
    "mobilisation.declared",
    "mobilisation.target",
)


def test_russian_set_loads_with_every_required_parameter(ru):
    missing = [p for p in REQUIRED if p not in ru]
    assert not missing
    assert len(ru) >= len(REQUIRED)


def test_every_value_cites_the_law_with_a_valid_status(ru):
    for path, param in ru.items():
        assert param.description.strip(), path
        assert param.description_ru and param.description_ru.strip(), path
        assert param.source and param.source.endswith(".yaml"), path
        for entry in param.values:
            assert entry.reference.strip(), (path, entry.start)
            assert entry.status in STATUSES, (path, entry.start)
            assert entry.unconfirmed is None or entry.unconfirmed.strip(), (path, entry.start)


def test_unconfirmed_facts_are_flagged_not_asserted(ru):
    # fact 1.9: no statutory definition of how "от 18 до 30 лет" is counted
    assert ru.entry_at("callup.age_boundary_rule", dt.date(2024, 1, 1)).status == "UNCONFIRMED"
    assert ru.entry_at("callup.feb29_birthday", dt.date(2024, 1, 1)).status == "UNCONFIRMED"
    # autumn 2019: "more than 132,000", exact decree figure not confirmed
    assert ru.entry_at("callup.quota", dt.date(2019, 10, 1)).status == "UNCONFIRMED"
    assert ru.entry_at("acs.late_application", dt.date(2024, 1, 1)).status == "UNCONFIRMED"
    # P/S values whose start date or law number is not confirmed say so
    assert "2026-01-01" in ru.entry_at("summons.max_days_to_appearance", dt.date(2026, 1, 1)).unconfirmed
    assert "number" in ru.entry_at("callup.window_overrides", dt.date(2022, 10, 1)).unconfirmed
    assert "39-FZ" in ru.entry_at("deferral.study.preparatory", dt.date(2019, 4, 1)).unconfirmed


LAW_CHANGES = [
    # 439-FZ of 04.08.2023: upper call-up age 27 -> 30
    ("callup.age_max", "2023-12-31", 27, "2024-01-01", 30),
    ("acs.age_max", "2023-12-31", 27, "2024-01-01", 30),
    ("deferral.it.age_max", "2023-12-31", 27, "2024-01-01", 30),
    # law of 13.07.2020: wife's pregnancy 26 -> 22 weeks
    ("deferral.pregnancy_min_weeks", "2020-07-23", 26, "2020-07-24", 22),
    # 104-FZ of 06.07.2006: 12-month service from 2008; ACS 42 -> 21 months
    ("callup.service_months", "2007-12-31", 18, "2008-01-01", 12),
    ("acs.term_months", "2007-12-31", 42, "2008-01-01", 21),
    # 98-FZ of 01.05.2019: waiver of right-based grounds (Art. 22 p.2.1)
    ("waiver.allowed", "2019-08-31", False, "2019-09-01", True),
    # 39-FZ of 18.03.2019: preparatory-department deferral
    ("deferral.study.preparatory", "2019-03-28", False, "2019-03-29", True),
    # Указ 83 / ПП 490: IT deferral, first applied to the autumn-2022 call-up; ПП 1515
    ("deferral.it.enabled", "2022-09-30", False, "2022-10-01", True),
    ("deferral.it.min_tenure", "2025-12-01", "P11M", "2025-12-02", "P334D"),
    # 127-FZ of 14.04.2023, 437-FZ of 04.08.2023, ПП 506 of 19.04.2024: summons
    ("summons.regime", "2023-04-13", "personal_signature", "2023-04-14", "register"),
    ("summons.exit_ban_trigger", "2023-04-13", "none", "2023-04-14", "deemed_delivered"),
    ("summons.exit_ban_trigger", "2023-08-03", "deemed_delivered", "2023-08-04", "placed_in_register"),
    ("summons.registers_operational", "2024-10-31", False, "2024-11-01", True),
    (
        "summons.appear_without_summons_from",
        "2025-12-31",
        "campaign_start",
        "2026-01-01",
        "dispatch_period_start",
    ),
    # 404-FZ of 31.07.2023: KoAP fines from 2023-10-01
    (
        "penalties.koap_21_5_1",
        "2023-09-30",
        {"min": 500, "max": 3000, "warning": True},
        "2023-10-01",
        {"min": 10000, "max": 30000, "warning": False},
    ),
    (
        "penalties.koap_21_6",
        "2023-09-30",
        {"min": 500, "max": 3000},
        "2023-10-01",
        {"min": 15000, "max": 25000},
    ),
    (
        "penalties.koap_21_7",
        "2023-09-30",
        {"min": 500, "max": 3000},
        "2023-10-01",
        {"min": 3000, "max": 5000},
    ),
    # law signed 15.12.2025: the 3-month departure fine applies all year
    (
        "penalties.koap_21_5_departure",
        "2025-12-31",
        {"min": 10000, "max": 20000, "campaign_only": True},
        "2026-01-01",
        {"min": 10000, "max": 20000, "campaign_only": False},
    ),
    # law of 28.05.2022: no upper age for a first contract
    ("contract.first_age_max", "2022-05-27", 40, "2022-05-28", None),
    # Указ 647 of 21.09.2022
    ("mobilisation.declared", "2022-09-20", "none", "2022-09-21", "partial"),
    # April 2025 law
    ("exemption.volunteer", "2025-04-15", False, "2025-04-16", True),
    ("callup.decision_valid_one_year", "2025-04-15", False, "2025-04-16", True),
    # 412-FZ of 04.11.2025: year-round call-up, dispatch windows
    (
        "callup.windows",
        "2025-12-31",
        [
            {"name": "spring", "start": "04-01", "end": "07-15"},
            {"name": "autumn", "start": "10-01", "end": "12-31"},
        ],
        "2026-01-01",
        [{"name": "year", "start": "01-01", "end": "12-31"}],
    ),
    # decree of 30.09.2022: the autumn-2022 campaign starts on 1 November
    (
        "callup.window_overrides",
        "2022-09-29",
        {},
        "2022-09-30",
        {"2022-autumn": {"start": "11-01", "end": "12-31"}},
    ),
]


@pytest.mark.parametrize(("path", "before", "old", "after", "new"), LAW_CHANGES)
def test_value_on_both_sides_of_a_law_change(ru, path, before, old, new, after):
    assert thaw(ru.value_at(path, dt.date.fromisoformat(before))) == old
    assert thaw(ru.value_at(path, dt.date.fromisoformat(after))) == new
    # the same by day number
    assert thaw(ru.value_at(path, day(after))) == new


def test_public_service_list_gains_prosecution_and_investigative_committee_in_october_2024(ru):
    before = ru.value_at("deferral.public_service", dt.date(2024, 10, 1))
    after = ru.value_at("deferral.public_service", dt.date(2024, 10, 2))
    assert "prosecution" not in before and "investigative_committee" not in before
    assert {"prosecution", "investigative_committee"} <= set(after)
    assert set(before) <= set(after)


def test_dispatch_windows_equal_call_up_windows_before_2026(ru):
    for year in range(1999, 2026):
        d = dt.date(year, 6, 1)
        assert ru.value_at("callup.dispatch_windows", d) == ru.value_at("callup.windows", d)
    assert ru.value_at("callup.dispatch_windows", dt.date(2026, 6, 1)) == ru.value_at(
        "callup.windows", dt.date(2025, 6, 1)
    )


def test_quota_yearly_totals_match_the_decrees(ru):
    totals = {
        2019: 267000,
        2020: 263000,
        2021: 262150,
        2022: 254500,
        2023: 277000,
        2024: 283000,
        2025: 295000,
    }
    for year, total in totals.items():
        autumn = dt.date(year, 11, 1) if year == 2022 else dt.date(year, 10, 1)
        got = ru.value_at("callup.quota", dt.date(year, 4, 1)) + ru.value_at("callup.quota", autumn)
        assert got == total, year
    assert ru.value_at("callup.quota", dt.date(2026, 1, 1)) == 261000
    assert ru.value_at("callup.quota", dt.date(2018, 4, 1)) == 128000


def _valid_mmdd(text: str) -> bool:
    return bool(re.fullmatch(r"\d{2}-\d{2}", text)) and dt.date.fromisoformat(f"2023-{text}") is not None


def test_windows_and_month_days_are_valid(ru):
    for path in ("callup.windows", "callup.dispatch_windows"):
        for entry in ru[path].values:
            for w in entry.value:
                assert set(w) == {"name", "start", "end"}, path
                assert _valid_mmdd(w["start"]) and _valid_mmdd(w["end"]) and w["start"] <= w["end"], path
    for entry in ru["callup.special_windows"].values:
        for windows in entry.value.values():
            for w in windows:
                assert _valid_mmdd(w["start"]) and _valid_mmdd(w["end"]) and w["start"] <= w["end"]
    for entry in ru["callup.window_overrides"].values:
        for name, w in entry.value.items():
            assert re.fullmatch(r"\d{4}-(spring|autumn)", name)
            assert _valid_mmdd(w["start"]) and _valid_mmdd(w["end"])
    for path in ("deferral.study.school_graduate_until", "acs.deadline_autumn", "acs.deadline_spring"):
        for entry in ru[path].values:
            assert _valid_mmdd(entry.value), path


def test_durations_are_iso_8601(ru):
    for path in ("deferral.it.min_tenure", "deferral.it.graduate_grace"):
        for entry in ru[path].values:
            assert re.fullmatch(r"P(\d+Y)?(\d+M)?(\d+D)?", entry.value) and entry.value != "P", path


def test_study_repeat_rule_is_well_formed(ru):
    param = ru["deferral.study.repeat_allowed"]
    for entry in param.values:
        for level, allowed in entry.value.items():
            assert level in STUDY_LEVELS
            assert level in allowed, "a transfer or reinstatement keeps the deferral"
            assert set(allowed) <= set(STUDY_LEVELS)
    before = thaw(ru.value_at("deferral.study.repeat_allowed", dt.date(2019, 3, 28)))
    after = thaw(ru.value_at("deferral.study.repeat_allowed", dt.date(2019, 3, 29)))
    assert "preparatory" not in before and not any("preparatory" in v for v in before.values())
    assert set(after) == set(STUDY_LEVELS)
    assert after["master"] == ["school", "preparatory", "bachelor", "master"]
    assert sorted(after["school"]) == sorted(STUDY_LEVELS) == sorted(after["postgraduate"])
    with pytest.raises(
        ParameterError, match=re.escape("no value of deferral.study.repeat_allowed in force on 2018-04-16")
    ):
        ru.value_at("deferral.study.repeat_allowed", dt.date(2018, 4, 16))


def test_waivable_codes_name_existing_grounds(ru):
    codes = ru.value_at("waiver.waivable", dt.date(2020, 1, 1))
    assert ru.value_at("waiver.waivable", dt.date(2019, 1, 1)) == ()
    for code in codes:
        path = code.replace("exempt.", "exemption.", 1)
        assert path in ru, code
    assert {f"deferral.study.{lv}" for lv in STUDY_LEVELS} <= set(codes)


# --- vectorised lookup ----------------------------------------------------------------------------

NUMERIC = [p for p, param in load_jurisdiction("ru").items() if param.kind is not None]
DAYS = st.integers(min_value=day("1995-01-01"), max_value=day("2030-12-31"))


def test_numeric_parameters_are_found():
    assert {
        "callup.age_max",
        "deferral.pregnancy_min_weeks",
        "waiver.allowed",
        "contract.first_age_max",
    } <= set(NUMERIC)


@settings(max_examples=200, deadline=None)
@given(path=st.sampled_from(NUMERIC), days=st.lists(DAYS, min_size=1, max_size=40))
def test_values_at_equals_value_at_elementwise(path, days):
    ru = load_jurisdiction("ru")
    param = ru[path]
    arr = np.array(days, dtype=np.int32)
    entries = [param.entry_at(d) for d in days]
    missing = [e is None or e.value is None for e in entries]
    fill = False if param.kind == "bool" else -1
    expected = [fill if m else e.value for m, e in zip(missing, entries, strict=True)]
    got = ru.values_at(path, arr, fill=fill)
    assert got.shape == arr.shape
    assert got.tolist() == expected
    if any(missing):
        with pytest.raises(ParameterError, match=f"no value of {re.escape(path)} in force on"):
            ru.values_at(path, arr)
    else:
        strict = ru.values_at(path, arr)
        assert strict.tolist() == [param.value_at(d) for d in days]
        assert strict.dtype == {"bool": np.bool_, "int": np.int64, "float": np.float64}[param.kind]


def test_values_at_shapes_dtypes_and_errors(ru):
    grid = np.array([[day("2023-12-31"), day("2024-01-01")], [day("2019-05-01"), day("2030-01-01")]], np.int32)
    assert ru.values_at("callup.age_max", grid).tolist() == [[27, 30], [27, 30]]
    assert ru.values_at("callup.age_max", grid, np.int16).dtype == np.int16
    assert ru.values_at("callup.age_max", np.int32(day("2024-01-01"))).shape == ()
    assert ru.values_at("waiver.allowed", [day("2019-08-31"), day("2019-09-01")]).tolist() == [False, True]
    # a null value (abolished limit) needs a fill
    on = np.array([day("2022-05-27"), day("2022-05-28")], np.int32)
    with pytest.raises(ParameterError, match=re.escape("no value of contract.first_age_max in force on 2022-05-28")):
        ru.values_at("contract.first_age_max", on)
    assert ru.values_at("contract.first_age_max", on, fill=np.nan).tolist()[0] == 40
    assert np.isnan(ru.values_at("contract.first_age_max", on, fill=np.nan)[1])
    # before the first value
    with pytest.raises(ParameterError, match="in force on 2019-01-01"):
        ru.values_at("summons.deemed_delivered_days", np.array([day("2019-01-01")], np.int32))
    assert ru.values_at("summons.deemed_delivered_days", [day("2019-01-01")], fill=0).tolist() == [0]
    with pytest.raises(ParameterError, match="not numeric"):
        ru.values_at("callup.windows", np.array([0], np.int32))
    with pytest.raises(ParameterError, match="integer day numbers"):
        ru.values_at("callup.age_max", np.array([1.5]))


def test_entry_at_takes_dates_and_day_numbers(ru):
    for iso in ("1998-04-02", "2023-12-31", "2024-01-01", "2031-01-01"):
        assert ru.entry_at("callup.age_max", dt.date.fromisoformat(iso)) == ru.entry_at("callup.age_max", day(iso))
        assert ru.entry_at("callup.age_max", np.int32(day(iso))) is ru.entry_at("callup.age_max", day(iso))
    assert ru.entry_at("callup.age_max", dt.date(1998, 4, 1)) is None
    with pytest.raises(ParameterError, match=re.escape("no value of callup.age_max in force on 1998-04-01")):
        ru.value_at("callup.age_max", dt.date(1998, 4, 1))
    with pytest.raises(ParameterError, match=re.escape("expected a datetime.date")):
        ru.entry_at("callup.age_max", "2024-01-01")
    # a null value is a value: value_at gives None, it does not raise
    assert ru.value_at("contract.first_age_max", dt.date(2023, 1, 1)) is None
    assert ru.statuses_used(["callup.age_max", "summons.regime"], dt.date(2000, 1, 1)) == {
        "callup.age_max": "P",
        "summons.regime": "P",
    }


# --- the mapping ------------------------------------------------------------------------------------


def test_unknown_parameter_suggests_close_matches(ru):
    with pytest.raises(ParameterError, match=r"unknown parameter 'callup\.age_mx'; did you mean 'callup\.age_max'"):
        ru["callup.age_mx"]
    with pytest.raises(UnknownParameterError):
        ru.value_at("nope", dt.date(2024, 1, 1))
    assert isinstance(UnknownParameterError("x"), KeyError)
    assert "nope" not in ru
    assert ru.get("nope") is None
    assert "callup.age_max" in ru


def test_values_are_read_only_but_serialisable(ru):
    penalty = ru.value_at("penalties.koap_21_5_1", dt.date(2024, 1, 1))
    assert isinstance(penalty, FrozenMap) and isinstance(penalty, dict)
    with pytest.raises(TypeError):
        penalty["max"] = 1
    with pytest.raises(TypeError):
        penalty.update(max=1)
    assert json.loads(json.dumps(penalty)) == {"min": 10000, "max": 30000, "warning": False}
    assert pickle.loads(pickle.dumps(penalty)) == penalty
    assert copy.deepcopy(penalty) == penalty
    assert hash(ru["callup.windows"]) == hash(ru["callup.windows"])


def test_load_jurisdiction_is_cached_and_checks_the_code():
    assert load_jurisdiction("ru") is load_jurisdiction("ru")
    with pytest.raises(ParameterError, match="unknown jurisdiction 'zz'"):
        load_jurisdiction("zz")
    with pytest.raises(ParameterError, match="2-8 lower-case letters"):
        load_jurisdiction("../ru")


def test_whole_set_loads_quickly():
    start = time.perf_counter()
    ParameterSet.load(RU_ROOT)
    elapsed = time.perf_counter() - start
    assert elapsed < 1.0, f"loading took {elapsed * 1000:.0f} ms"  # about 20 ms; bound kept loose for CI


# --- scenario overrides ------------------------------------------------------------------------------


def test_overrides_make_a_new_set_and_leave_the_baseline_unchanged(ru):
    baseline_values = ru["callup.age_max"].values
    reform = ru.with_overrides(
        {"callup.age_max": {"2025-01-01": 35}, "deferral.pregnancy_min_weeks": {dt.date(2020, 7, 24): 12}},
        reference="test reform",
    )
    assert reform is not ru and isinstance(reform, ParameterSet)
    assert reform.value_at("callup.age_max", dt.date(2025, 1, 1)) == 35
    assert reform.value_at("callup.age_max", dt.date(2024, 12, 31)) == 30
    entry = reform.entry_at("callup.age_max", dt.date(2025, 6, 1))
    assert (entry.status, entry.reference) == (OVERRIDE_STATUS, "test reform")
    # same start date: replaced, not duplicated
    assert reform.value_at("deferral.pregnancy_min_weeks", dt.date(2020, 7, 24)) == 12
    assert len(reform["deferral.pregnancy_min_weeks"].values) == len(ru["deferral.pregnancy_min_weeks"].values)
    assert reform.values_at("callup.age_max", np.array([day("2026-01-01")], np.int32)).tolist() == [35]
    # the baseline is untouched
    assert ru["callup.age_max"].values is baseline_values
    assert ru.value_at("callup.age_max", dt.date(2025, 1, 1)) == 30
    assert ru.value_at("deferral.pregnancy_min_weeks", dt.date(2020, 7, 24)) == 22
    assert ru.values_at("callup.age_max", np.array([day("2026-01-01")], np.int32)).tolist() == [30]
    assert load_jurisdiction("ru").value_at("callup.age_max", dt.date(2025, 1, 1)) == 30
    # untouched parameters are shared
    assert reform["callup.age_min"] is ru["callup.age_min"]


def test_override_values_are_frozen_and_errors_name_the_path(ru):
    reform = ru.with_overrides({"waiver.waivable": {"2030-01-01": ["exempt.degree"]}})
    assert reform.value_at("waiver.waivable", dt.date(2030, 1, 1)) == ("exempt.degree",)
    with pytest.raises(ParameterError, match=re.escape("unknown parameter 'callup.age_maxx'")):
        ru.with_overrides({"callup.age_maxx": {"2025-01-01": 35}})
    with pytest.raises(ParameterError, match=r"overrides\.callup\.age_max\.2025-13-01: not a date"):
        ru.with_overrides({"callup.age_max": {"2025-13-01": 35}})
    with pytest.raises(ParameterError, match=r"overrides\.callup\.age_max"):
        ru.with_overrides({"callup.age_max": 35})


# --- malformed files ---------------------------------------------------------------------------------

GOOD_ENTRY = "    value: 1\n    metadata: {reference: 'Art. 1', status: P}\n"

MALFORMED = [
    ("bad YAML", "description: x\nvalues: [1, 2\n", ["line", "invalid YAML"]),
    (
        "missing reference",
        "description: x\nvalues:\n  2020-01-01:\n    value: 1\n    metadata: {status: P}\n",
        ["values.2020-01-01.metadata.reference"],
    ),
    (
        "bad status",
        "description: x\nvalues:\n  2020-01-01:\n    value: 1\n    metadata: {reference: r, status: X}\n",
        ["values.2020-01-01.metadata.status: expected one of P, S, UNCONFIRMED, got 'X'"],
    ),
    (
        "impossible date key",
        "description: x\nvalues:\n  2020-13-01:\n" + GOOD_ENTRY,
        ["values.2020-13-01", "not a date"],
    ),
    ("text date key", "description: x\nvalues:\n  soon:\n" + GOOD_ENTRY, ["values.soon", "not a date"]),
    (
        "date-time key",
        "description: x\nvalues:\n  2020-01-01 10:00:00:\n" + GOOD_ENTRY,
        ["values.2020-01-01 10:00:00", "not a date"],
    ),
    (
        "duplicate date",
        "description: x\nvalues:\n  2020-01-01:\n" + GOOD_ENTRY + "  2020-01-01:\n" + GOOD_ENTRY,
        ["values.2020-01-01", "duplicate"],
    ),
    (
        "duplicate date, quoted and unquoted",
        "description: x\nvalues:\n  2020-01-01:\n" + GOOD_ENTRY + "  '2020-01-01':\n" + GOOD_ENTRY,
        ["values.2020-01-01", "duplicate date"],
    ),
    (
        "unknown top-level key",
        "description: x\nvalue:\n  2020-01-01:\n" + GOOD_ENTRY,
        ["value: unknown top-level key"],
    ),
    ("empty values", "description: x\nvalues: {}\n", ["values: expected a non-empty mapping"]),
    ("no values", "description: x\n", ["values: expected a non-empty mapping"]),
    ("missing description", "values:\n  2020-01-01:\n" + GOOD_ENTRY, ["description"]),
    (
        "extra key in an entry",
        "description: x\nvalues:\n  2020-01-01:\n" + GOOD_ENTRY + "    start: 2020-01-01\n",
        ["values.2020-01-01: unknown key(s) start"],
    ),
    (
        "entry without value",
        "description: x\nvalues:\n  2020-01-01:\n    metadata: {reference: r, status: P}\n",
        ["values.2020-01-01: missing key(s) value"],
    ),
    (
        "misspelt metadata key",
        "description: x\nvalues:\n  2020-01-01:\n    value: 1\n"
        "    metadata: {reference: r, status: S, unconfirmd: y}\n",
        ["values.2020-01-01.metadata: unknown key(s) unconfirmd"],
    ),
    (
        "empty unconfirmed",
        "description: x\nvalues:\n  2020-01-01:\n    value: 1\n"
        "    metadata: {reference: r, status: S, unconfirmed: ''}\n",
        ["values.2020-01-01.metadata.unconfirmed"],
    ),
    ("not a mapping", "- 1\n- 2\n", ["expected a mapping"]),
]


@pytest.mark.parametrize(("case", "text", "expected"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_file_error_names_the_file_and_the_key(tmp_path, case, text, expected):
    root = tmp_path / "parameters"
    (root / "callup").mkdir(parents=True)
    (root / "callup" / "ok.yaml").write_text("description: fine\nvalues:\n  2020-01-01:\n" + GOOD_ENTRY)
    (root / "callup" / "bad.yaml").write_text(text)
    with pytest.raises(ParameterError) as info:
        ParameterSet.load(root)
    message = str(info.value)
    assert message.startswith("parameters/callup/bad.yaml: "), message
    for part in expected:
        assert part in message, message


def test_a_small_valid_set(tmp_path):
    root = tmp_path / "params"
    (root / "a" / "b").mkdir(parents=True)
    (root / "a" / "b" / "limit.yaml").write_text(
        "description: A limit\nmetadata: {unit: year, extra: free}\nvalues:\n"
        "  '2001-01-01':\n    value: 2.5\n    metadata: {reference: 'Law 1', status: S, note: n, url: 'http://x'}\n"
        "  2000-01-01:\n    value: 2\n    metadata: {reference: 'Law 0', status: UNCONFIRMED}\n"
        "  2002-01-01:\n    value: null\n    metadata: {reference: 'Law 2 (repealed)', status: P}\n"
    )
    ps = ParameterSet.load(root)
    param = ps["a.b.limit"]
    assert list(ps) == ["a.b.limit"] and param.unit == "year" and param.metadata["extra"] == "free"
    assert param.source == "params/a/b/limit.yaml"
    assert [v.start for v in param.values] == [dt.date(2000, 1, 1), dt.date(2001, 1, 1), dt.date(2002, 1, 1)]
    assert param.kind == "float"
    assert param.value_at(dt.date(2001, 6, 1)) == 2.5 and param.value_at(dt.date(2003, 1, 1)) is None
    got = param.values_at(
        np.array([day("1999-01-01"), day("2000-06-01"), day("2001-06-01"), day("2005-01-01")]), fill=-1.0
    )
    assert got.tolist() == [-1.0, 2.0, 2.5, -1.0]
    with pytest.raises(ParameterError, match="not a valid path segment"):
        (root / "a" / "bad name.yaml").write_text("description: x\nvalues:\n  2020-01-01:\n" + GOOD_ENTRY)
        ParameterSet.load(root)
    with pytest.raises(ParameterError, match="no such parameters directory"):
        ParameterSet.load(tmp_path / "missing")
