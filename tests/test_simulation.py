"""The simulation engine: each process on small hand-made populations with known counts, determinism,
scale invariance, and the man's status in the simulation equals the person check on the same man."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest

from callup.jurisdictions import ru
from callup.jurisdictions.ru.calendar import campaign_named
from callup.jurisdictions.ru.columns import CRIMINAL, SERVED, STUDY_LEVELS, empty, health_code, level_code
from callup.law.dates import NEVER, NEVER_KEY, add_months, from_day, from_key, to_day
from callup.law.packed_days import unpack_days
from callup.law.reasons import DEFERRED, LIABLE, STATUS_NAMES
from callup.person.check import check
from callup.person.situation import Situation
from callup.population import N_CHILDREN, SimColumns, SyntheticPopulation, load_assumptions
from callup.simulation import (
    ScenarioError,
    SimulationError,
    load_behaviour,
    load_scenario,
    simulate,
    write_outputs,
)
from callup.simulation import processes as P
from callup.simulation.run import signup_payment
from callup.simulation.state import CONSCRIPT, MOBILISED, new_state

LAW = ru.law()


def hand_made(n: int, birth: str = "1999-01-15") -> SyntheticPopulation:
    """``n`` men born on ``birth``: citizens, registered, not studying, never examined, latent А."""
    pop = empty(n, n_children=N_CHILDREN)
    pop.birth[:] = to_day(birth)
    pop = pop.with_columns(birth=pop.birth)
    sim = SimColumns(
        latent_health=np.full(n, health_code("A"), dtype=np.int8),
        alive=np.ones(n, dtype=np.bool_),
        activity=np.zeros(n, dtype=np.int8),
        service_end=np.full(n, NEVER, dtype=np.int32),
    )
    return SyntheticPopulation(pop, sim, 1.0, 1.0, 0, dt.date(2019, 1, 1), dt.date(2026, 1, 1), 2019,
                               load_assumptions())


def make_step(campaign: str = "2019-spring", law=LAW, prev: str | None = None, **behaviour) -> P.Step:
    c = campaign_named(law, campaign)
    b = dict(load_behaviour()) | behaviour
    prev_day = to_day(prev) if prev else c.callup_start - 182
    return P.Step(campaign=c, index=0, day=c.callup_start, prev_day=prev_day, law=law, b=b,
                  assumptions=load_assumptions(), seed=1, scale=1.0, payments=signup_payment)


def with_quota(n: int, campaign: str = "2019-spring"):
    return LAW.with_overrides({"callup.quota": {from_day(campaign_named(LAW, campaign).callup_start): n}})


def test_alignment_takes_exactly_the_quota_and_none_of_the_deferred():
    sp = hand_made(100)
    pop = sp.pop
    # 20 men are full-time bachelor students: a study deferral (53-FZ Art. 24 p.2 'а')
    students = np.arange(20)
    pop.study_level[students] = level_code("bachelor")
    pop.study_full_time[students] = True
    pop.study_accredited[students] = True
    pop.study_start[students] = to_day("2017-09-01")
    pop.study_end[students] = to_day("2021-06-30")
    state = new_state(sp)
    step = make_step(law=with_quota(30), examined=1.0)
    P.legal_status(state, step)
    assert (step.status[students] == DEFERRED).all() and (step.status[20:] == LIABLE).all()
    step.appeared = np.arange(100)  # everybody appears
    P.examination(state, step)
    P.selection(state, step)
    drafted = np.flatnonzero(state.in_service == CONSCRIPT)
    assert drafted.size == 30 and step.counts["shortfall"] == 0
    assert not np.isin(students, drafted).any()
    # a quota larger than the pool: all 80 eligible drafted and a shortfall of 20
    state2 = new_state(hand_made(80))
    step2 = make_step(law=with_quota(100), examined=1.0)
    P.legal_status(state2, step2)
    step2.appeared = np.arange(80)
    P.examination(state2, step2)
    P.selection(state2, step2)
    assert step2.counts["drafted"] == 80 and step2.counts["shortfall"] == 20


def test_examination_reveals_the_category_and_the_rules_exempt_or_defer():
    sp = hand_made(5)
    sp.sim.latent_health[:] = [health_code(c) for c in "ABVGD"]
    state = new_state(sp)
    step = make_step(law=with_quota(5), examined=1.0)
    P.legal_status(state, step)
    step.appeared = np.arange(5)
    P.examination(state, step)
    assert list(state.pop.health) == [1, 2, 3, 4, 5]
    assert [STATUS_NAMES[s] for s in step.status] == ["liable", "liable", "exempt", "deferred", "exempt"]
    P.selection(state, step)
    assert list(np.flatnonzero(state.in_service == CONSCRIPT)) == [0, 1]


def test_mortality_rate_one_kills_all_and_zero_kills_none():
    state = new_state(hand_made(50))
    P.mortality(state, make_step(), rates=np.zeros(101))
    assert state.alive.all()
    P.mortality(state, make_step(), rates=np.full(101, 1e6))
    assert not state.alive.any()


def test_ages_from_the_sorted_layout_equal_ages_from_the_dates():
    sp = hand_made(2000)
    rng = np.random.default_rng(5)
    sp.pop.birth[:] = np.sort(rng.integers(to_day("1950-01-01"), to_day("2012-12-31"), 2000)).astype(np.int32)
    state = new_state(sp)
    for day in (to_day("2019-04-01"), to_day("2022-11-01"), to_day("2024-02-29")):
        assert (P._ages_of_slice(state, day, 0, 2000) == P._age(state, day)).all()
        assert (P._ages_of_slice(state, day, 300, 1700) == P._age(state, day, slice(300, 1700))).all()


def test_an_immigrant_is_invisible_before_his_arrival_and_resident_after():
    sp = hand_made(10)
    arrive = to_day("2019-06-15")
    sp.sim.arrives_on[[2, 5]] = arrive
    sp.sim.alive[[2, 5]] = False  # as the build leaves an immigrant before his arrival day
    state = new_state(sp)
    step = make_step("2019-spring", prev="2019-01-01")  # 2019-04-01: before the arrival
    P.arrivals(state, step)
    P.mortality(state, step, rates=np.full(101, 1e6))  # everyone present dies; the two are not here
    assert list(np.flatnonzero(state.alive)) == [] and step.counts["immigrated"] == 0
    sp = hand_made(10)
    sp.sim.arrives_on[[2, 5]] = arrive
    sp.sim.alive[[2, 5]] = False
    state = new_state(sp)
    step = make_step("2019-spring", prev="2019-01-01", law=with_quota(10), reach_personal=1.0, appear=1.0,
                     examined=1.0, summons_per_quota=1.0, emigration_base_per_year=0.0, contract_base_per_year=0.0)
    for process in P.PROCESSES:  # not counted, evaluated as liable, summoned or drafted before arrival
        process(state, step)
    assert not state.alive[[2, 5]].any()
    assert step.counts["men_18_27"] == state.alive.sum() == 8 - step.counts["deaths"]
    assert step.counts["drafted"] == step.counts["summoned"] == state.alive.sum()
    step_deaths = step.counts["deaths"]
    assert state.in_service[[2, 5]].tolist() == [0, 0] and state.summoned[[2, 5]].tolist() == [0, 0]
    step = make_step("2019-autumn", prev="2019-04-01")  # 2019-10-01: after it
    P.arrivals(state, step)
    assert step.counts["immigrated"] == 2 and state.alive[[2, 5]].all()
    assert not state.emigrated[[2, 5]].any()
    P.legal_status(state, step)
    P.census(state, step)
    assert step.counts["men_18_27"] == state.alive.sum() == 10 - step_deaths
    assert step.counts["status_liable"] == 2  # the men present before serve; the two arrived are liable


def test_arrivals_are_deterministic_for_a_seed():
    from callup.population import build_population

    one = build_population(dt.date(2019, 1, 1), scale=0.001, seed=7, until=dt.date(2021, 1, 1))
    two = build_population(dt.date(2019, 1, 1), scale=0.001, seed=7, until=dt.date(2021, 1, 1))
    other = build_population(dt.date(2019, 1, 1), scale=0.001, seed=8, until=dt.date(2021, 1, 1))
    assert np.array_equal(unpack_days(one.sim.arrives_on), unpack_days(two.sim.arrives_on))
    arrivals = [int((unpack_days(p.sim.arrives_on) != NEVER).sum()) for p in (one, other)]
    assert arrivals[0] == arrivals[1]  # counts come from the data, not the seed
    assert not np.array_equal(unpack_days(one.sim.arrives_on), unpack_days(other.sim.arrives_on))
    a = simulate(scale=0.001, seed=7, end="2020-spring")
    b = simulate(scale=0.001, seed=7, end="2020-spring")
    assert [r["immigrated"] for r in a.campaigns] == [r["immigrated"] for r in b.campaigns]
    expected = [((unpack_days(one.sim.arrives_on) > lo) & (unpack_days(one.sim.arrives_on) <= hi)).sum() * 1000.0
                for lo, hi in ((to_day("2019-01-01"), to_day("2019-04-01")),
                               (to_day("2019-04-01"), to_day("2019-10-01")),
                               (to_day("2019-10-01"), to_day("2020-04-01")))]
    assert [r["immigrated"] for r in a.campaigns] == expected


def test_men_18_27_in_2022_within_one_percent_of_rosbris():
    """The issue's fidelity bar: with immigration (RosBRIS 2019-2021 cohort growth net of mortality)
    the men aged 18-27 in 2022 (mean of the campaign days) come within 1% of the RosBRIS figure."""
    from callup.population import sources

    r = simulate(scale=0.005, seed=0, end="2022-autumn")
    got = np.mean([c["men_18_27"] for c in r.campaigns if c["year"] == 2022])
    assert abs(got / sources.rosbris().men(2022)[18:28].sum() - 1) < 0.01
    assert sum(c["immigrated"] for c in r.campaigns) > 0


def test_a_summons_with_reach_zero_summons_nobody():
    state = new_state(hand_made(200))
    step = make_step(reach_personal=0.0)
    P.legal_status(state, step)
    P.summons(state, step)
    assert step.counts["summoned"] == 0 and state.summoned.sum() == 0
    step = make_step(reach_personal=1.0, summons_per_quota=1.0, law=with_quota(50))
    P.legal_status(state, step)
    P.summons(state, step)
    assert step.counts["summoned"] == 50


def test_service_ends_after_twelve_months_into_the_reserve():
    state = new_state(hand_made(10))
    step = make_step(law=with_quota(10), examined=1.0)
    P.legal_status(state, step)
    step.appeared = np.arange(10)
    P.examination(state, step)
    P.selection(state, step)
    c = step.campaign
    assert (state.in_service == CONSCRIPT).all()
    end = unpack_days(state.service_end)  # a dispatch day in the window + 12 months
    assert ((end >= add_months(np.int32(c.start), 12)) & (end <= add_months(np.int32(c.end), 12))).all()
    assert (state.pop.served == SERVED.index("conscript")).all() and not state.pop.reserve.any()
    later = make_step("2020-spring")
    P.end_services(state, later)  # 1 Apr 2020: only those dispatched on 1 Apr 2019 are done
    done_early = int((state.in_service == 0).sum())
    P.end_services(state, make_step("2020-autumn"))
    assert (state.in_service == 0).all() and state.pop.reserve.all()
    assert done_early == int((end <= later.day).sum())


def test_enforcement_and_mobilisation_counts():
    state = new_state(hand_made(100))
    step = make_step(fine_no_show=1.0, prosecute_no_show=1.0, convict_328=1.0)
    P.legal_status(state, step)
    step.ignored = np.arange(40)
    P.enforcement(state, step)
    assert step.counts["fined"] == 40 and step.counts["convicted_328"] == 40
    assert (state.pop.criminal[:40] == CRIMINAL.index("conviction")).all()
    # mobilisation: 60 reservists who served, a target of 25
    sp = hand_made(60, birth="1990-05-05")
    sp.pop.reserve[:] = True
    sp.pop.served[:] = SERVED.index("conscript")
    st = new_state(sp)
    law = LAW.with_overrides({"mobilisation.target": {"2022-09-21": 25}})
    mstep = make_step("2022-autumn", law=law)
    P.mobilisation(st, mstep)
    assert int((st.in_service == MOBILISED).sum()) == 25 and mstep.mobilisation_done


def test_study_graduation_sets_the_diploma_and_the_used_deferral():
    sp = hand_made(30, birth="1998-03-01")
    pop = sp.pop
    pop.study_level[:] = level_code("bachelor")
    pop.study_full_time[:] = True
    pop.study_accredited[:] = True
    pop.study_start[:] = to_day("2016-09-01")
    pop.study_end[:] = to_day("2020-06-30")
    state = new_state(sp)
    P.study(state, make_step("2020-autumn", study_transitions_per_step=1.0, prev="2020-04-01"))
    bach = STUDY_LEVELS.index("bachelor")
    graduated = pop.diploma[bach] == to_day("2020-06-30")
    assert graduated.sum() + (pop.study_end == to_day("2020-04-01")).sum() >= 28  # a few may drop out
    assert (pop.deferrals_used[graduated] & (1 << bach)).all()
    assert set(np.unique(pop.study_level)) <= {0, level_code("master")}


def test_scenario_errors_name_the_value_and_the_allowed(tmp_path):
    with pytest.raises(ScenarioError, match="allowed: baseline"):
        load_scenario("nope")
    f = tmp_path / "s.yaml"
    f.write_text("extends: baseline\nbehaviour: {appear: 2}\n")
    with pytest.raises(ScenarioError, match=r"appear.*outside its range"):
        load_scenario(str(f))
    f.write_text("extends: baseline\nbehaviour: {apear: 0.9}\n")
    with pytest.raises(ScenarioError, match="unknown name"):
        load_scenario(str(f))
    f.write_text("extends: baseline\nbehaviour: {appear: 0.85}\nparameters: {callup.quota: {2019-04-01: 1000}}\n")
    s = load_scenario(str(f))
    assert s.behaviour["appear"] == 0.85 and s.law.value_at("callup.quota", to_day("2019-04-01")) == 1000
    with pytest.raises(SimulationError, match="scale"):
        simulate(scale=0)
    with pytest.raises(SimulationError, match="after"):
        simulate(start="2022-spring", end="2021-autumn")


@pytest.fixture(scope="module")
def small_runs():
    a = simulate(scale=0.002, seed=3, keep_state=True)
    b = simulate(scale=0.002, seed=3)
    c = simulate(scale=0.01, seed=3)
    return a, b, c


def test_same_seed_same_tables_and_files(small_runs, tmp_path):
    a, b, _ = small_runs
    assert a.campaigns == b.campaigns and a.years == b.years and a.flows == b.flows
    d1, d2 = write_outputs(a, tmp_path / "one"), write_outputs(b, tmp_path / "two")
    for name in ("campaigns.parquet", "campaigns.csv", "years.csv", "flows.parquet", "calibration.csv"):
        assert (d1 / name).read_bytes() == (d2 / name).read_bytes(), name
    j1, j2 = (json.loads((d / "run.json").read_text()) for d in (d1, d2))
    j1.pop("timings"), j2.pop("timings")
    assert j1 == j2 and j1["seed"] == 3 and j1["scale"] == 0.002
    assert not list(tmp_path.glob(".*tmp"))  # no temporary directory left


def test_scale_invariance(small_runs):
    _, b, c = small_runs
    for yb, yc in zip(b.years, c.years, strict=True):
        assert abs(yb["drafted"] - yc["drafted"]) <= 0.01 * yc["drafted"]
        # men 18-27: about 14,000 rows at 0.002, so a relative sampling error near 1%
        assert abs(yb["men_18_27"] - yc["men_18_27"]) <= 0.04 * yc["men_18_27"]
    assert abs(b.years[3]["mobilised"] - 300_000) <= 600


def test_drafted_equal_the_quota_where_the_pool_allows(small_runs):
    _, _, c = small_runs
    for row in c.campaigns:
        if row["shortfall"] == 0:
            assert abs(row["drafted"] - row["quota_decree"]) <= 0.03 * row["quota_decree"]


def _situation(pop, i: int, on: int) -> Situation:
    """A situation describing man ``i`` of the simulated columns on day ``on``."""
    def d(x):
        return None if int(x) >= NEVER else from_day(int(x)).isoformat()

    person = {
        "birth_date": d(pop.birth[i]), "registered": bool(pop.registered[i]),
        "lives_abroad_permanently": bool(pop.abroad[i]), "in_reserve": bool(pop.reserve[i]),
        "served": SERVED[pop.served[i]], "criminal": CRIMINAL[pop.criminal[i]],
        "single_father": bool(pop.single_father[i]), "cares_for_relative": bool(pop.cares_for_relative[i]),
        "guardian_of_minor_sibling": bool(pop.guardian[i]), "relative_died_in_service": bool(pop.relative_died[i]),
        "public_service_deferral": bool(pop.public_service[i]), "elected_official": bool(pop.elected[i]),
        "beliefs_conflict": bool(pop.beliefs[i]), "indigenous_traditional": bool(pop.indigenous[i]),
    }
    if pop.degree[i]:
        person["academic_degree"] = "candidate"
    if pop.health[i]:
        person["health_category"] = "ABVGD"[pop.health[i] - 1]
        person["health_category_date"] = d(pop.health_date[i])
    if pop.study_level[i]:
        person["study"] = {"level": STUDY_LEVELS[pop.study_level[i] - 1], "full_time": bool(pop.study_full_time[i]),
                           "accredited": bool(pop.study_accredited[i]), "start": d(pop.study_start[i]),
                           "end": d(pop.study_end[i])}
    person["diplomas"] = [{"level": lv, "date": d(pop.diploma[k, i])} for k, lv in enumerate(STUDY_LEVELS)
                          if pop.diploma[k, i] < NEVER]
    person["study_deferrals_used"] = [lv for k, lv in enumerate(STUDY_LEVELS) if pop.deferrals_used[i] & (1 << k)]
    person["children"] = [
        {"birth_date": d(from_key(pop.child_birth_key[k, i])), "disabled": bool(pop.child_disabled[k, i])}
        for k in range(pop.child_birth_key.shape[0])
        if pop.child_birth_key[k, i] != NEVER_KEY
    ]
    if pop.it_accredited[i] or pop.it_listed[i]:
        person["it_worker"] = {
            "accredited_employer": bool(pop.it_accredited[i]), "full_time": bool(pop.it_full_time[i]),
            "listed_specialty": bool(pop.it_listed[i]), "contract_start": d(pop.it_contract_start[i]),
            "graduated": d(pop.it_graduated[i]),
        }
    if pop.acs_applied[i] < NEVER:
        person["acs_application_date"] = d(pop.acs_applied[i])
    return Situation.model_validate({"date": from_day(on).isoformat(),
                                     "person": person | {"citizenship": "ru" if pop.citizen[i] else "kz"}})


def test_status_in_the_simulation_equals_the_person_check(small_runs):
    from callup.jurisdictions.ru.rules import evaluate

    a = small_runs[0]
    packed, alive = a.state.pop, a.state.alive
    assert packed.is_packed  # the simulation stores two-byte dates; the rules unpack what they read
    pop = packed.unpacked()
    on = campaign_named(LAW, "2025-autumn").callup_start
    lo, hi = a.state.rows_born_between(on - 31 * 366, on - 17 * 365)
    # men without a pregnant wife (the situation gives pregnancy in whole weeks)
    rows = lo + np.flatnonzero(alive[lo:hi] & (pop.pregnancy_start[lo:hi] >= NEVER))
    rng = np.random.default_rng(0)
    pick = rng.choice(rows, size=min(60, rows.size), replace=False)
    ev = evaluate(LAW, packed.take(pick), np.int32(on))
    assert len(set(ev.status.tolist())) >= 3  # a mix of liable, deferred, exempt, not liable...
    for j, i in enumerate(pick):
        res = check(_situation(pop, int(i), on), law=LAW)
        assert res["status"] == STATUS_NAMES[ev.status[j]], (int(i), res["status"])
        assert sorted(r["code"] for r in res["reasons"]) == sorted(ru.vocabulary().codes_of(ev.reasons[j]))


def test_cli_simulate_json_and_bad_options(tmp_path):
    from typer.testing import CliRunner

    from callup.cli import app

    runner = CliRunner()
    out = tmp_path / "run"
    res = runner.invoke(app, ["simulate", "--from", "2022-spring", "--to", "2022-autumn", "--scale", "0.002",
                              "--json", "--out", str(out)])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert [c["campaign"] for c in data["campaigns"]] == ["2022-spring", "2022-autumn"]
    assert data["campaigns"][0]["quota"] == 134_500 and "drafted" in data["campaigns"][0]
    assert set(data["years"][0]) == {"year", "drafted", "acs_in_service", "emigrated", "mobilised", "contracts",
                                     "convictions_328"}
    assert sorted(p.name for p in out.iterdir()) == ["calibration.csv", "campaigns.csv", "campaigns.parquet",
                                                    "flows.parquet", "run.json", "years.csv"]
    for args, needle in (
        (["--scale", "0"], "--scale"),
        (["--scale", "1.5"], "--scale"),
        (["--from", "2019-summer"], "2019-summer"),
        (["--from", "2023-spring", "--to", "2022-autumn"], "after"),
        (["--scenario", "nope"], "allowed: baseline"),
    ):
        bad = tmp_path / "bad"
        res = runner.invoke(app, ["simulate", *args, "--out", str(bad)])
        assert res.exit_code == 2 and needle in res.stderr and len(res.stderr.strip().splitlines()) == 1
        assert not bad.exists()


# --- the calibration table: standard errors, noise, pooled rows, measures (hand-made rows) -------------


def _cal_rows(drafted_2019: tuple[float, float] = (134_950, 132_000)) -> tuple[list[dict], list[dict]]:
    """Campaign and year rows of a run at scale 0.01 (weight 100) with known counts."""
    camps = [
        {"campaign": "2019-spring", "year": 2019, "examined": 10_000, "examined_A": 5_000, "examined_B": 3_000,
         "drafted": drafted_2019[0]},
        {"campaign": "2019-autumn", "year": 2019, "examined": 10_000, "examined_A": 5_000, "examined_B": 3_000,
         "drafted": drafted_2019[1]},
        {"campaign": "2022-spring", "year": 2022, "men_18_27": 7_200_000, "in_service_acs": 1_000, "emigrated": 1_000},
        {"campaign": "2022-autumn", "year": 2022, "men_18_27": 7_200_000, "in_service_acs": 1_200,
         "emigrated": 480_000},
    ]
    years = [
        {"year": 2019, "drafted": sum(drafted_2019), "prosecuted": 900, "convictions_328": 600, "legal_aid": 1_000},
        {"year": 2020, "convictions_328": 500},
        {"year": 2021, "convictions_328": 900},
        {"year": 2022, "drafted": 254_500, "mobilised": 300_000},
        {"year": 2023, "contracts": 486_000},
    ]
    return camps, years


def test_calibration_rows_carry_the_monte_carlo_standard_error():
    from callup.simulation.calibration import EMIGRANT_MEN_SHARE, calibration_table

    rows = {r["target"]: r for r in calibration_table(*_cal_rows(), scale=0.01)}
    w = 100.0
    # counts of drawn rows: sqrt(rows) x weight = sqrt(value x weight)
    assert rows["art328_2019"]["simulated"] == 600
    assert rows["art328_2019"]["se"] == pytest.approx((600 * w) ** 0.5, rel=1e-3)
    assert rows["art328_2019"]["se_method"] == "poisson"
    assert rows["acs_2022"]["simulated"] == 1_200
    assert rows["acs_2022"]["se"] == pytest.approx((1_200 * w) ** 0.5, rel=1e-3)
    # a share: binomial over the examined rows (200 rows, 80% fit)
    fit = rows["fit_AB_2019"]
    assert fit["simulated"] == pytest.approx(0.8) and fit["se"] == pytest.approx((0.8 * 0.2 / 200) ** 0.5, rel=1e-3)
    assert fit["within_noise"] is True  # +0.024 against 2 x 0.028
    # taken by alignment: no sampling error, only the rounding of quota x scale to whole rows
    q = rows["quota_2019"]
    assert q["se"] == 0 and q["se_method"] == "alignment" and q["error"] == -50 and q["within_noise"] is True
    far = {r["target"]: r for r in calibration_table(*_cal_rows((134_800, 132_000)), scale=0.01)}["quota_2019"]
    assert far["error"] == -200 and far["within_noise"] is False  # beyond a row per campaign
    # the people who left: men / emigrant_men_share, and its standard error likewise
    em = rows["emig_mobilisation_2wk"]
    assert em["simulated"] == pytest.approx(480_000 / EMIGRANT_MEN_SHARE.value, abs=1e-3)
    assert em["se"] == pytest.approx((480_000 * w) ** 0.5 / EMIGRANT_MEN_SHARE.value, rel=1e-3)
    assert "emigrant_men_share" in em["measured_as"]
    # the official 'evaders' are matched with the Art. 328 prosecutions, not with every no-show
    ev = rows["evaders_2019"]
    assert ev["simulated"] == 900 and "prosecution" in ev["measured_as"] and ev["within_noise"] is True
    # a row whose error is far beyond its noise says so
    assert rows["art328_2021"]["within_noise"] is True  # 900 vs 934: 34 < 2 x 300
    assert rows["contracts_2023"]["within_noise"] is True and rows["mobilised_2022"]["se"] == 0
    # a small share keeps its significant digits (4), not 4 decimals
    rate = rows["draft_rate_18_27"]
    assert rate["se"] == pytest.approx(254_500 / 7.2e6 * (7.2e6 * w) ** 0.5 / 7.2e6, rel=1e-3) and rate["se"] > 0


def test_the_pooled_art328_row_sums_the_three_years():
    from callup.simulation.calibration import calibration_table

    table = calibration_table(*_cal_rows(), scale=0.01)
    rows = {r["target"]: r for r in table}
    pooled = rows["art328_2019_2021"]
    assert pooled["value"] == 597 + 554 + 934 and pooled["simulated"] == 600 + 500 + 900
    assert pooled["se"] == pytest.approx((2_000 * 100) ** 0.5, rel=1e-3)
    assert pooled["error"] == 2_000 - 2_085 and pooled["within_noise"] is True
    assert pooled["year"] == "2019-2021" and [r["target"] for r in table][-1] == "art328_2019_2021"


def test_without_the_scale_there_is_no_standard_error():
    from callup.simulation.calibration import calibration_table

    for row in calibration_table(*_cal_rows()):
        assert row["se"] is None and row["within_noise"] is None


def test_calibration_csv_keeps_its_columns_and_adds_the_standard_error(small_runs, tmp_path):
    import csv

    a = small_runs[0]
    out = write_outputs(a, tmp_path / "run")
    with (out / "calibration.csv").open(encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        rows = list(reader)
    old = ["target", "figure", "year", "value", "low", "high", "simulated", "error", "rel_error", "in_range",
           "measured_as", "source"]
    assert reader.fieldnames[: len(old)] == old  # public interface: the old columns, in their order
    assert reader.fieldnames[len(old):] == ["se", "within_noise", "se_method"]
    by_id = {r["target"]: r for r in rows}
    conv = float(by_id["art328_2019"]["simulated"])
    assert float(by_id["art328_2019"]["se"]) == pytest.approx((conv / 0.002) ** 0.5, rel=1e-3)
    assert "art328_2019_2021" in by_id


def test_simulate_builds_the_population_with_the_scenario_assumptions():
    import dataclasses

    base = load_scenario("baseline")
    share = "health.first_exam_fit_share"
    lo, hi = load_assumptions()[share].range
    low = simulate(dataclasses.replace(base, assumptions={share: lo}), start="2019-spring", end="2019-autumn",
                   scale=0.002, seed=2)
    high = simulate(dataclasses.replace(base, assumptions={share: hi}), start="2019-spring", end="2019-autumn",
                    scale=0.002, seed=2)

    def fit_share(r):
        return sum(c["examined_A"] + c["examined_B"] for c in r.campaigns) / sum(c["examined"] for c in r.campaigns)

    assert fit_share(low) < fit_share(high) - 0.1  # 0.55 vs 0.80 at the first examination
    assert low.assumptions == {share: lo} and high.assumptions == {share: hi}
    with pytest.raises(SimulationError, match="first_exam_fit_share"):
        simulate(dataclasses.replace(base, assumptions={share: 1.5}), start="2019-spring", end="2019-spring",
                 scale=0.001)


def test_an_upper_bound_standard_error_only_tells_when_an_error_is_beyond_the_noise():
    from callup.simulation.calibration import calibration_table

    camps, years = _cal_rows()
    rows = {r["target"]: r for r in calibration_table(camps, years, scale=0.01)}
    pop = rows["pop_men_18_27"]  # 7.2M vs 7,231,665: -31,665 inside 2 x sqrt(7.2M x 100) = 53,666
    assert pop["se_method"] == "poisson, upper bound" and pop["within_noise"] is None
    for c in camps:
        if "men_18_27" in c:
            c["men_18_27"] = 7_000_000  # -231,665: beyond even the upper bound
    rows = {r["target"]: r for r in calibration_table(camps, years, scale=0.01)}
    assert rows["pop_men_18_27"]["within_noise"] is False


def test_cli_simulate_prints_the_standard_errors():
    from typer.testing import CliRunner

    from callup.cli import app

    res = CliRunner().invoke(app, ["simulate", "--from", "2019-spring", "--to", "2021-autumn", "--scale", "0.002"],
                             env={"COLUMNS": "160"})
    assert res.exit_code == 0, res.output
    table = res.stdout[res.stdout.index("Calibration"):]
    assert "SE" in table and "in noise" in table and "art328_2019_2021" in table
    row = next(line for line in table.splitlines() if "art328_2019 " in line)
    assert "±" in row and ("yes" in row or "no" in row)  # a count of rows: a relative SE and a verdict
