"""The synthetic population: bundled data, assumptions, determinism, scale, consistency, the rules.

Populations are built at scale <= 0.01 (about half a million rows) and shared between tests.
Expected values come from the bundled data and the assumptions, never from literals, except where a
bundled figure is cross-checked against the project's data notes.
"""

from __future__ import annotations

import datetime as dt
import math
from importlib import resources

import numpy as np
import pytest

from callup.jurisdictions import ru
from callup.jurisdictions.ru import rules
from callup.jurisdictions.ru.columns import HEALTH_CATEGORIES, SERVED, level_code
from callup.law.dates import NEVER, NEVER_KEY, age_on, date_key, to_day, year_of
from callup.law.packed_days import unpack, unpack_days
from callup.law.reasons import STATUS_NAMES
from callup.population import (
    ACTIVITIES,
    AssumptionError,
    build_population,
    load_assumptions,
    sources,
    summary,
)
from callup.population import _calendar as cal
from callup.population.build import _pick, _pick_by

START = dt.date(2019, 1, 1)
SCALE = 0.01


@pytest.fixture(scope="module")
def sp():
    return build_population(START, scale=SCALE, seed=0)


@pytest.fixture(scope="module")
def small():
    return build_population(START, scale=0.001, seed=0)


def _days(columns, name: str) -> np.ndarray:
    """A column as the rules read it (packed date columns as int32 days)."""
    return unpack(getattr(columns, name))


def _age(sp, on: dt.date | str) -> np.ndarray:
    return age_on(sp.pop.birth, to_day(on)).astype(np.int16)


def _se(p: float, n: int) -> float:
    return math.sqrt(max(p * (1 - p), 1e-9) / max(n, 1))


# --- bundled data ----------------------------------------------------------------------------------


def test_bundled_files_are_package_data_with_sources():
    for name in (sources.ROSBRIS_FILE, sources.WPP_FILE, sources.MEDICAL_FILE, sources.FIGURES_FILE):
        path = resources.files("callup").joinpath("data/ru").joinpath(name)
        assert path.is_file(), name
    for name in (sources.ROSBRIS_FILE, sources.WPP_FILE, sources.MEDICAL_FILE):
        note = sources.source_of(name)
        assert "Source" in note or "copied" in note, name
    for group, items in sources.figures().items():
        for key, fig in items.items():
            assert fig["source"].strip(), f"{group}.{key}"
            assert fig.get("use") in ("size", "check"), f"{group}.{key}"


def test_rosbris_copy_matches_the_data_notes():
    men = sources.rosbris().men(2019)
    # the sums the project's data notes give for the same file (section 1.2)
    assert men[18:28].sum() == 7_637_520
    assert men[18:31].sum() == 11_201_471
    assert sources.rosbris().men(2022)[18:28].sum() == 7_231_665
    assert sources.rosbris().mx(2021)[20] == pytest.approx(0.00119)
    periods = sources.wpp_mx()
    assert set(periods) == {"2015-2020", "2020-2025"}
    ages, mx = periods["2020-2025"]
    assert mx[list(ages).index(20)] == pytest.approx(0.001976)


def test_death_rates_by_year():
    mx, label = sources.death_rates(2021)
    assert label == "RosBRIS 2021" and mx[20] == pytest.approx(0.00119)
    later, label = sources.death_rates(2025)
    assert "assumed for 2025" in label and np.array_equal(later, sources.death_rates(2022)[0])
    ages, wpp = sources.wpp_mx()["2020-2025"]
    for lo in (20, 40, 60):  # the last observed year is close to WPP's 2020-25 rates
        group = later[lo : lo + 5].mean()
        assert 0.6 < group / wpp[list(ages).index(lo)] < 1.5


def test_fitness_split_from_the_medical_rows():
    assert sources.campaign_fit_share_2019() == pytest.approx(0.776)  # 2019 share of the campaigns' examined
    for fit in (0.6, 0.776):
        split = sources.fitness_at_first_exam(fit)
        assert sum(split.values()) == pytest.approx(1.0)
        assert split["A"] + split["B"] == pytest.approx(fit)  # the assumption's level
        assert split["V"] / split["D"] == pytest.approx(22.4 / 1.2)  # 2007 shape of the unfit
        assert split["V"] / split["G"] == pytest.approx(22.4 / 6.0)
        assert split["A"] / split["B"] == pytest.approx(57.7 / 21.72)  # 2001 A/B split
    for bad in (0.0, 1.0, 1.3, "0.7", True):
        with pytest.raises(sources.DataError, match="fit share"):
            sources.fitness_at_first_exam(bad)


def test_the_first_examination_fit_share_is_a_ranged_assumption_below_the_campaign_share():
    item = load_assumptions()["health.first_exam_fit_share"]
    lo, hi = item.range
    assert item.kind == "value" and lo <= item.value <= hi <= 1
    assert "calibrated" in item.source and "fit_AB_2019" in item.source and "UNCONFIRMED" in item.source
    # the calibrated value (baseline_fit.yaml) is below the campaign share: the campaigns' examined men are
    # a selection of the fitter (the men found В/Д are never summoned again)
    from callup.simulation.fit import load_fitted_assumptions

    fitted = load_fitted_assumptions()["health.first_exam_fit_share"]
    assert lo <= fitted < sources.campaign_fit_share_2019()


# --- assumptions -----------------------------------------------------------------------------------


def test_every_assumption_is_named_ranged_and_sourced():
    a = load_assumptions()
    assert len(a) >= 40
    for path, item in a.items():
        assert item.source, path
        assert item.unit, path
        lo, hi = item.range
        assert lo <= hi, path
        if item.kind == "value":
            assert lo <= item.value <= hi, path
        else:
            assert item.factor == 1.0 and item.knots.size >= 1, path
        if not item.source.startswith("assumption"):
            # a value derived from data names the bundled figure it comes from
            assert "[" in item.source or "derived" in item.source or "from" in item.source, path


def test_assumption_overrides_are_checked():
    a = load_assumptions()
    b = a.with_overrides({"study.leave_after_grade_9": 0.45, "family.children_1plus": 1.1})
    assert b.value("study.leave_after_grade_9") == 0.45
    assert b.at("family.children_1plus", 30) == pytest.approx(1.1 * a.at("family.children_1plus", 30))
    assert a.value("study.leave_after_grade_9") == 0.50  # the original is unchanged
    with pytest.raises(AssumptionError, match=r"study\.leave_after_grade_9"):
        a.with_overrides({"study.leave_after_grade_9": 0.9})
    with pytest.raises(AssumptionError, match=r"family\.children_1plus"):
        a.with_overrides({"family.children_1plus": 3.0})
    with pytest.raises(AssumptionError, match="no assumption"):
        a.with_overrides({"study.nonsense": 0.1})


def test_build_uses_overridden_assumptions():
    a = load_assumptions().with_overrides({"status.beliefs": 0.05})
    base = build_population(START, scale=0.001, seed=0)
    moved = build_population(START, scale=0.001, seed=0, assumptions=a)
    assert moved.pop.beliefs.mean() > base.pop.beliefs.mean() * 1.8
    # adding or moving one attribute does not change the others (streams are per attribute)
    assert np.array_equal(base.pop.study_level, moved.pop.study_level)
    assert np.array_equal(_days(base.pop, "child_birth_key"), _days(moved.pop, "child_birth_key"))


def test_the_first_examination_fit_share_moves_the_categories_at_18():
    share = "health.first_exam_fit_share"
    lo, hi = load_assumptions()[share].range
    low = build_population(START, scale=0.002, seed=0, assumptions=load_assumptions().with_overrides({share: lo}))
    high = build_population(START, scale=0.002, seed=0, assumptions=load_assumptions().with_overrides({share: hi}))
    for built, want in ((low, lo), (high, hi)):
        at18 = _age(built, START) == 18
        got = (built.sim.latent_health[at18] <= 2).mean()  # А or Б
        assert abs(got - want) < 4 * _se(want, int(at18.sum()))
    # the unfit keep the 2007 shape: В is about 22.4 / 29.6 of the unfit at 18 in both
    at18 = _age(low, START) == 18
    unfit = low.sim.latent_health[at18][low.sim.latent_health[at18] > 2]
    v = (unfit == 3).mean()
    assert abs(v - 22.4 / 29.6) < 4 * _se(22.4 / 29.6, unfit.size)
    assert np.array_equal(low.pop.birth, high.pop.birth)  # the same men, other categories


# --- size, determinism, scale ----------------------------------------------------------------------


def test_weighted_men_18_27_match_rosbris(sp):
    expected = sources.rosbris().men(2019)[18:28].sum()
    age = _age(sp, "2019-07-01")
    got = ((age >= 18) & (age <= 27) & sp.sim.alive).sum() * sp.weight  # the men present (not immigrants)
    assert abs(got / expected - 1) < 0.01
    assert sp.weight == pytest.approx(1 / SCALE)


def test_rows_cover_15_65_on_start_and_the_incoming_cohorts(sp):
    age = _age(sp, START)
    assert age.max() == 65
    assert to_day("2010-12-31") >= sp.pop.birth.max() > to_day("2010-12-01")  # turn 15 before 2026
    assert (np.diff(sp.pop.birth) >= 0).all()  # sorted by birth: an age group is a slice
    assert np.array_equal(sp.pop.birth_key, date_key(sp.pop.birth))
    lo, hi = sp.age_windows[20]
    assert (_age(sp, "2019-07-01")[lo:hi] == 20).all()
    present = unpack_days(sp.sim.arrives_on) == NEVER  # the rest are immigrants, alive from their arrival day
    assert np.array_equal(sp.sim.alive, present)
    assert not (sp.pop.male == False).any() and sp.pop.citizen[present].all()  # noqa: E712


def test_immigrants_are_extra_rows_sized_by_the_assumption(sp):
    """Men who arrive between start and until: extra rows per cohort (rate × years of the period),
    in birth order, invisible (not alive) until their arrival day, never in service or abroad on
    start, citizens with the assumed share, the foreigners off the register."""
    a = sp.assumptions
    imm = unpack_days(sp.sim.arrives_on) != NEVER
    start, until = to_day(sp.start), to_day(sp.until)
    assert imm.any() and (np.diff(sp.pop.birth) >= 0).all()
    assert ((unpack_days(sp.sim.arrives_on)[imm] > start) & (unpack_days(sp.sim.arrives_on)[imm] < until)).all()
    assert not sp.sim.alive[imm].any()
    assert (sp.sim.activity[imm] == 0).all() and not sp.pop.abroad[imm].any() and (sp.pop.served[imm] == 0).all()
    # the immigrants of the men aged 20 in mid-2019: RosBRIS count × rate × by-year factor × years
    lo, hi = sp.age_windows[20]
    years = np.arange(2019, 2026)
    per_man = (a.at("migration.immigration_rate", 20 + (years - 2019))
               * a.at("migration.immigration_by_year", years)).sum()
    expected = sources.rosbris().men(2019)[20] * SCALE * per_man
    assert imm[lo:hi].sum() == pytest.approx(expected, rel=0.01, abs=1)
    # arrivals follow the year factors: 2023 (WPP: +28k) has far fewer than 2021
    years_of = year_of(unpack_days(sp.sim.arrives_on)[imm])
    assert (years_of == 2023).sum() < 0.2 * (years_of == 2021).sum()
    share = sp.pop.citizen[imm].mean()
    p = a.value("migration.immigrant_citizen")
    assert abs(share - p) < 5 * _se(p, int(imm.sum()))
    assert not sp.pop.registered[imm & ~sp.pop.citizen].any()


def test_same_seed_same_arrays_other_seed_differs(small):
    again = build_population(START, scale=0.001, seed=0)
    other = build_population(START, scale=0.001, seed=1)
    for name in small.pop.__dataclass_fields__:
        assert np.array_equal(_days(small.pop, name), _days(again.pop, name)), name
    for name in small.sim.__dataclass_fields__:
        assert np.array_equal(_days(small.sim, name), _days(again.sim, name)), name
    assert len(other) == len(small)  # row counts come from the data, not the seed
    assert not np.array_equal(small.pop.birth, other.pop.birth)
    assert not np.array_equal(small.pop.study_level, other.pop.study_level)


def test_threads_do_not_change_the_result():
    one = build_population(START, scale=0.002, seed=4, threads=1)
    two = build_population(START, scale=0.002, seed=4, threads=2)
    for name in one.pop.__dataclass_fields__:
        assert np.array_equal(_days(one.pop, name), _days(two.pop, name)), name
    for name in one.sim.__dataclass_fields__:
        assert np.array_equal(_days(one.sim, name), _days(two.sim, name)), name


def test_many_pieces_per_window(monkeypatch):
    """Windows split into many pieces (as at scale 1) give the same rows and consistent draws."""
    from callup.population import build as build_module

    whole = build_population(START, scale=0.002, seed=4, threads=1)
    monkeypatch.setattr(build_module, "PIECE_ROWS", 997)
    one = build_population(START, scale=0.002, seed=4, threads=1)
    two = build_population(START, scale=0.002, seed=4, threads=2)
    for name in ("birth", "study_level", "served", "child_birth_key", "registered"):
        assert np.array_equal(_days(one.pop, name), _days(two.pop, name)), name
    assert np.array_equal(one.pop.birth, whole.pop.birth)  # births are drawn per window
    for p in (one, whole):
        assert (np.diff(p.pop.birth) >= 0).all()
    age = _age(whole, START)
    m = (age >= 18) & (age <= 30)
    stats = {
        "full_time": lambda p: p.pop.study_full_time,
        "served": lambda p: p.pop.served == SERVED.index("conscript"),
        "reserve": lambda p: p.pop.reserve,
    }
    for name, stat in stats.items():
        p1, p2 = stat(whole)[m].mean(), stat(one)[m].mean()
        assert abs(p1 - p2) < 4 * math.hypot(_se(p1, m.sum()), _se(p2, m.sum())), name


def test_scales_agree_within_sampling_error(sp, small):
    def men_18_27(p):
        a = _age(p, "2019-07-01")
        return ((a >= 18) & (a <= 27)).sum() * p.weight

    assert abs(men_18_27(small) / men_18_27(sp) - 1) < 0.002  # rounding of per-age counts only
    for stat in ("full_time", "served", "conscript"):
        values = []
        for p in (small, sp):
            a = _age(p, START)
            young = (a >= 18) & (a <= 27)
            if stat == "full_time":
                hit = p.pop.study_full_time & young
            elif stat == "served":
                hit = (p.pop.served == SERVED.index("conscript")) & young
            else:
                hit = p.sim.activity == ACTIVITIES.index("conscript")
            values.append((hit.sum() / young.sum(), young.sum()))
        (p1, n1), (p2, n2) = values
        assert abs(p1 - p2) < 4 * math.hypot(_se(p1, n1), _se(p2, n2)), stat


# --- study ----------------------------------------------------------------------------------------


def _elapsed_dropout(p_drop: float, days_in: int, lengths_days: list[float]) -> float:
    """Share of entrants still studying ``days_in`` days into a programme of one of ``lengths``."""
    return float(np.mean([1 - p_drop * min(1.0, days_in / length) for length in lengths_days]))


def test_school_and_first_year_shares_match_the_assumptions(sp):
    a = sp.assumptions
    age = _age(sp, START)
    lv = sp.pop.study_level
    ft = sp.pop.study_full_time
    since_sep1 = to_day(START) - to_day("2018-09-01")
    p9 = a.value("study.leave_after_grade_9")

    # 16 and 17 on 1 Jan 2019: grade 9 ended in June 2018 (resp. grade 11 goes on to June 2019)
    for years in (16, 17):
        m = age == years
        share = (ft & (lv == level_code("school")))[m].mean()
        assert abs(share - (1 - p9)) < 4 * _se(1 - p9, m.sum()), years

    # 16: grade-9 leavers in their first SPO year
    four = a.value("study.spo_after_grade_9_four_years")
    stay = four * _elapsed_dropout(a.value("study.dropout_spo"), since_sep1, [1398]) + (1 - four) * _elapsed_dropout(
        a.value("study.dropout_spo"), since_sep1, [1033]
    )
    expect = p9 * a.value("study.spo_after_grade_9") * stay
    m = age == 16
    share = (ft & (lv == level_code("spo")))[m].mean()
    assert abs(share - expect) < 4 * _se(expect, m.sum())

    # 18: grade-11 leavers of June 2018 in their first year of a first degree
    m = age == 18
    share = (ft & ((lv == level_code("bachelor")) | (lv == level_code("specialist"))))[m].mean()
    expect = (1 - p9) * a.value("study.he_after_grade_11") * _elapsed_dropout(
        a.value("study.dropout_he"), since_sep1, [1399, 1764]
    )
    assert abs(share - expect) < 4 * _se(expect, m.sum()) + 0.005


def test_master_continuation_matches_the_assumption(sp):
    a = sp.assumptions
    bachelor_2018 = unpack_days(sp.pop.diploma[level_code("bachelor") - 1]) == to_day("2018-06-30")
    share = (sp.pop.study_level == level_code("master"))[bachelor_2018].mean()
    since = to_day(START) - to_day("2018-09-01")
    expect = a.value("study.master_same_year") * _elapsed_dropout(a.value("study.dropout_master"), since, [668])
    assert abs(share - expect) < 4 * _se(expect, bachelor_2018.sum())


def test_students_come_to_the_national_figures(sp):
    """Checks against the bundled education figures (both sexes): the men's share must be plausible."""
    figs = sources.figures()["education"]
    lv = sp.pop.study_level
    ft = sp.pop.study_full_time
    he = (lv >= level_code("bachelor")) & (lv <= level_code("master"))
    he_ft_men = (ft & he).sum() * sp.weight
    assert 0.40 < he_ft_men / figs["he_full_time"]["value"] < 0.55  # men are 40-55% of students
    he_all_men = he.sum() * sp.weight
    assert 0.35 < he_all_men / figs["he_students"]["value"] < 0.55
    spo_men = (ft & (lv == level_code("spo"))).sum() * sp.weight
    assert 0.3 < spo_men / figs["spo_students"]["value"] < 0.6
    age = _age(sp, START)
    m = (age >= 17) & (age <= 25)
    coverage = he[m].mean()  # men only, so below the both-sexes 27-30%
    lo, hi = figs["he_coverage_17_25"]["value"]
    assert 0.7 * lo < coverage < hi


# --- consistency of dates and states ---------------------------------------------------------------


def test_date_columns_are_consistent(sp):
    p = sp.pop.unpacked()
    start = to_day(START)
    start_key = int(date_key(start))
    st = p.study_level > 0
    assert (p.study_start[st] <= start).all() and (start <= p.study_end[st]).all()
    assert (p.study_start[~st] == NEVER).all() and (p.study_end[~st] == NEVER).all()
    d = p.diploma
    assert ((d == NEVER) | (d <= start)).all()  # diplomas obtained before the start date
    assert ((d == NEVER) | (d > p.birth + 14 * 365)).all()
    school, bachelor = d[level_code("school") - 1], d[level_code("bachelor") - 1]
    both = (school < NEVER) & (bachelor < NEVER)
    assert (school[both] < bachelor[both]).all()
    master = p.study_level == level_code("master")
    assert (year_of(d[level_code("bachelor") - 1][master]) == year_of(p.study_start[master])).all()
    keys = p.child_birth_key
    has = keys < NEVER_KEY
    assert (keys[has] <= start_key).all()
    assert (keys >= p.birth_key + 140000)[has].all()  # fathers at 14 or older
    assert (~has[1] | has[0]).all() and (~has[2] | has[1]).all()
    assert ((keys[1] >= keys[0]) | ~has[1]).all() and ((keys[2] >= keys[1]) | ~has[2]).all()
    assert not (p.child_disabled & ~has).any()
    preg = p.pregnancy_start < NEVER
    assert ((p.pregnancy_start[preg] <= start) & (start - p.pregnancy_start[preg] <= 280)).all()
    known = p.health > 0
    assert (p.health_date[known] <= start).all()
    assert (p.health_date[~known] == NEVER).all()
    it = p.it_accredited
    assert it.any()
    assert (p.it_graduated[it] <= p.it_contract_start[it]).all() and (p.it_contract_start[it] <= start).all()
    assert np.isin(p.it_graduated[it], d[level_code("bachelor") - 1 : level_code("master")][:, it]).all()
    assert (p.degree <= (d[level_code("postgraduate") - 1] < NEVER)).all()
    acs = p.acs_applied < NEVER
    assert (p.acs_applied[acs] < start).all()
    assert (p.deferrals_used[_age(sp, START) < 18] == 0).all()


def test_service_states_are_consistent(sp):
    p, s = sp.pop, sp.sim
    service_end = unpack_days(s.service_end)
    start = to_day(START)
    age = _age(sp, START)
    conscript = s.activity == ACTIVITIES.index("conscript")
    assert (p.served[conscript] == SERVED.index("conscript")).all()
    assert (service_end[conscript] > start).all() and (age[conscript] >= 18).all()
    assert not p.reserve[conscript].any() and (p.study_level[conscript] == 0).all()
    veteran = (p.served == SERVED.index("conscript")) & ~conscript
    assert p.reserve[veteran].all() and (service_end[veteran] <= start).all()
    ever = p.served == SERVED.index("conscript")
    fit = (HEALTH_CATEGORIES.index("A") + 1, HEALTH_CATEGORIES.index("B") + 1)
    assert np.isin(p.health[ever], fit).all()  # drafted men were found fit
    contract = s.activity == ACTIVITIES.index("contract")
    assert (p.served[contract] == SERVED.index("contract")).all() and not p.reserve[contract].any()
    acs = s.activity == ACTIVITIES.index("acs")
    assert (p.served[acs] == SERVED.index("acs")).all() and p.beliefs[acs].all()
    assert (service_end[~(ever | contract | acs)] == NEVER).all()
    assert p.reserve[(age >= 27) & (s.activity == 0) & (p.health != 5)].all()
    assert not p.registered[p.abroad].any() and (p.study_level[p.abroad] == 0).all()
    assert not p.registered[age < 16].any()
    assert (p.criminal[s.activity > 0] == 0).all()


def test_stocks_in_service_come_to_the_figures(sp):
    figs = sources.figures()["armed_forces"]
    s = sp.sim
    drafted_2018 = sum(figs["quota_2018"]["value"].values())
    conscripts = (s.activity == ACTIVITIES.index("conscript")).sum() * sp.weight
    assert abs(conscripts / drafted_2018 - 1) < 0.08  # the 2018 drafts are in service on 2019-01-01
    contract = (s.activity == ACTIVITIES.index("contract")).sum() * sp.weight
    assert abs(contract / figs["contract_soldiers_2020"]["value"] - 1) < 0.08
    served = np.isin(sp.pop.served, [SERVED.index("conscript"), SERVED.index("contract")]).sum() * sp.weight
    assert 0.7 < served / figs["mobilisation_resource"]["value"] < 1.1


def test_latent_health_by_age(sp):
    age = _age(sp, START)
    base = sources.fitness_at_first_exam(load_assumptions().value("health.first_exam_fit_share"))
    h = sp.sim.latent_health
    m = age == 18
    for code, name in enumerate(HEALTH_CATEGORIES, start=1):
        share = (h[m] == code).mean()
        assert abs(share - base[name]) < 4 * _se(base[name], m.sum()), name
    fit_young = (h[(age >= 18) & (age <= 20)] <= 2).mean()
    fit_old = (h[age >= 55] <= 2).mean()
    assert fit_old < fit_young - 0.15  # health worsens with age


# --- the rules on the population -------------------------------------------------------------------


def test_rules_give_plausible_statuses(sp):
    on = np.array([to_day("2019-10-15")], dtype=np.int32)
    ev = rules.evaluate(ru.law(), sp.pop, on)
    age = age_on(sp.pop.birth, on[0])
    liable, deferred, not_liable = (STATUS_NAMES.index(k) for k in ("liable", "deferred", "not_liable"))
    young = (age >= 18) & (age <= 26)
    in_pool = np.isin(ev.status[young], [liable, deferred]).mean()
    assert in_pool > 0.55
    assert np.isin(ev.status[(age >= 18) & (age <= 19)], [liable, deferred]).mean() > 0.8
    assert (ev.status[age >= 28] == not_liable).all()
    assert (ev.status[age < 18] == not_liable).all()
    # deferrals for study are the main deferral at 18-21
    vocab = ru.vocabulary()
    study = np.uint64(0)
    for code in vocab.codes:
        if code.startswith("deferral.study."):
            study |= np.uint64(1) << np.uint64(vocab.codes.index(code))
    m = (age >= 18) & (age <= 21) & (ev.status == deferred)
    assert ((ev.reasons[m] & study) != 0).mean() > 0.8


# --- summary, memory, arguments, helpers ------------------------------------------------------------


def test_summary(sp):
    s = summary(sp)
    assert s["men"] == pytest.approx(sp.sim.alive.sum() * sp.weight)  # immigrants not yet arrived: not counted
    assert sum(s["by_age_group"].values()) == pytest.approx(s["men"])
    assert sum(s["activity"].values()) == pytest.approx(s["men"])
    assert sum(s["latent_health"].values()) == pytest.approx(s["men"])
    assert s["activity"]["conscript"] > 0 and s["flags"]["reserve"] > 0
    mid = summary(sp, dt.date(2019, 7, 1))
    assert mid["by_age_group"]["18-27"] == pytest.approx(
        sources.rosbris().men(2019)[18:28].sum(), rel=0.01
    )


def test_memory_report(sp):
    m = sp.memory()
    assert m["rows"] == len(sp)
    assert m["bytes_per_man"] == pytest.approx(m["bytes_per_man_pop"] + m["bytes_per_man_sim"])
    assert m["columns_bytes_per_man"]["pop.diploma"] == 14  # (7, N) packed days, two bytes each
    assert m["columns_bytes_per_man"]["pop.waived"] == 0  # one value for every man: a broadcast
    assert sum(m["columns_bytes_per_man"].values()) == pytest.approx(m["bytes_per_man"])


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"scale": 0}, "scale"),
        ({"scale": 1.5}, "scale"),
        ({"scale": "0.1"}, "scale"),
        ({"seed": -1}, "seed"),
        ({"start": dt.date(2015, 1, 1)}, "2015-01-01"),
        ({"until": dt.date(2018, 1, 1)}, "until"),
    ],
)
def test_bad_arguments_are_named(kwargs, match):
    with pytest.raises(ValueError, match=match):
        build_population(**kwargs)


def test_other_start_years_use_their_own_counts():
    sp = build_population(dt.date(2021, 1, 1), scale=0.001, seed=0)
    age = _age(sp, "2021-07-01")
    expected = sources.rosbris().men(2021)[18:28].sum()
    assert abs(((age >= 18) & (age <= 27) & sp.sim.alive).sum() * sp.weight / expected - 1) < 0.01


def test_calendar_tables_match_the_reference():
    rng = np.random.default_rng(5)
    days = rng.integers(to_day("1931-01-01"), to_day("2069-12-31"), 10_000).astype(np.int32)
    assert np.array_equal(cal.key(days), date_key(days))
    assert np.array_equal(cal.year(days), year_of(days))
    assert cal.key(np.array([NEVER], dtype=np.int32))[0] == NEVER_KEY
    years = np.arange(1931, 2069)
    assert np.array_equal(cal.sep1(years), [to_day(f"{y}-09-01") for y in years])
    assert np.array_equal(cal.jun30(years), [to_day(f"{y}-06-30") for y in years])


def test_sparse_draws_are_bernoulli():
    rng = np.random.default_rng(0)
    n, p = 2_000_000, 0.003
    idx = _pick(rng, n, p)
    assert (np.diff(idx) > 0).all() and idx.min() >= 0 and idx.max() < n
    assert abs(idx.size / n - p) < 4 * _se(p, n)
    # within-chunk position is uniform
    assert abs(idx.mean() / n - 0.5) < 0.01
    ages = rng.integers(0, 3, n).astype(np.int16)
    table = np.array([0.0, 0.01, 0.04], dtype=np.float32)
    got = _pick_by(rng, table, ages)
    for a, pa in enumerate(table):
        m = ages == a
        share = np.isin(np.flatnonzero(m), got).mean()
        assert abs(share - pa) < 4 * _se(float(pa), m.sum()) + 1e-9
