"""Calibration (callup.simulation.fit): the coordinate-wise bisection on toy problems, the fit of a real
parameter at a tiny scale (deterministic, inside its range), and the fit file (atomic write, round trip,
clear errors for bad values)."""

from __future__ import annotations

import math
import os
from pathlib import Path

import pytest
import yaml

from callup.simulation import fit as F
from callup.simulation import load_behaviour


def rows(**sim: float) -> dict[str, dict]:
    return {k: {"value": TARGETS[k], "low": TARGETS[k], "high": TARGETS[k], "simulated": v} for k, v in sim.items()}


TARGETS = {"t_a": 30.0, "t_b": 0.5, "t_c": 10.0}


def toy(values: dict[str, float]) -> dict[str, dict]:
    """A step-function model (counts of whole rows, like a small-scale run) with weak coupling."""
    a, b = values["a"], values["b"]
    return rows(t_a=math.floor(100 * a) + math.floor(2 * b), t_b=b**2 + 0.01 * a, t_c=5 + 0 * a)


BLOCKS = (F.Block("a", ("t_a",), "toy"), F.Block("b", ("t_b",), "toy"))
RANGES = {"a": (0.0, 1.0), "b": (0.1, 0.9), "c": (0.0, 1.0)}


def test_toy_fit_moves_towards_targets_inside_ranges():
    calls = []

    def evaluate(values):
        calls.append(dict(values))
        return toy(values)

    values, params, evals, _, converged = F.fit(BLOCKS, {"a": 0.9, "b": 0.2}, RANGES, evaluate, max_evals=100)
    assert converged and evals == len(calls) <= 100
    assert all(RANGES[n][0] <= v[n] <= RANGES[n][1] for v in calls for n in v)
    out = toy(values)
    assert abs(out["t_a"]["simulated"] - 30) <= 1  # from 91 to the step next to 30
    assert abs(out["t_b"]["simulated"] - 0.5) < 0.01
    a, b = params
    assert a.error_after is not None and abs(a.error_after) < abs(a.error_before)
    assert abs(b.error_after) < abs(b.error_before)
    assert not a.at_bound and not b.at_bound


def test_unreachable_target_stays_at_the_better_bound():
    block = F.Block("c", ("t_c",), "toy: t_c does not depend on c")

    def evaluate(values):
        return rows(t_c=5 + 2 * values["c"])  # at most 7 < 10

    values, params, *_ = F.fit([block], {"c": 0.3}, RANGES, evaluate)
    assert values["c"] == 1.0 and params[0].at_bound


def test_a_met_block_is_not_moved():
    block = F.Block("a", ("t_a",), "toy")
    values, params, evals, *_ = F.fit([block], {"a": 0.3}, RANGES, lambda v: rows(t_a=100 * v["a"]))
    assert values == {"a": 0.3} and not params[0].fitted and evals == 1


def test_the_budget_stops_the_fit_inside_the_range():
    values, _, evals, _, converged = F.fit(BLOCKS, {"a": 0.9, "b": 0.2}, RANGES, toy, max_evals=4)
    assert evals <= 4 and not converged
    assert 0.0 <= values["a"] <= 1.0 and 0.1 <= values["b"] <= 0.9


def test_fit_refuses_a_start_outside_the_range():
    with pytest.raises(F.FitError, match="'a'"):
        F.fit(BLOCKS, {"a": 2.0, "b": 0.2}, RANGES, toy)


# --- the simulation at a tiny scale -----------------------------------------------------------------

SCALE = 0.002


@pytest.fixture(scope="module")
def small_fit() -> F.FitResult:
    return F.calibrate(scale=SCALE, seed=3, max_evals=14, parameters=["legal_aid"])


def test_calibrate_moves_a_real_parameter_towards_its_target(small_fit):
    (p,) = small_fit.parameters
    lo, hi = load_behaviour().parameter("legal_aid").range
    assert p.name == "legal_aid" and lo <= p.value <= hi
    assert p.fitted and p.evals <= 14
    assert abs(p.error_after) < abs(p.error_before)
    before = {r["target"]: r for r in small_fit.table_before}["dso_requests_prewar"]
    after = {r["target"]: r for r in small_fit.table_after}["dso_requests_prewar"]
    assert abs(after["simulated"] - after["value"]) < abs(before["simulated"] - before["value"])
    assert after["fitted_by"] == "legal_aid"


def test_objective_is_deterministic_for_a_fixed_seed():
    from callup.simulation.scenarios import load_scenario

    law = load_scenario("baseline").law
    b = load_behaviour()
    one = F._table(b, law, SCALE, 5, {"prosecute_no_show": 0.02})
    two = F._table(b, law, SCALE, 5, {"prosecute_no_show": 0.02})
    assert one == two


def test_calibrate_rejects_bad_arguments():
    with pytest.raises(F.FitError, match="no_such"):
        F.calibrate(parameters=["no_such"])
    with pytest.raises(F.FitError, match="scale"):
        F.calibrate(scale=0)
    with pytest.raises(F.FitError, match="max_evals"):
        F.calibrate(max_evals=1)


def test_calibrate_command_prints_the_table_and_writes(tmp_path: Path):
    from io import StringIO

    from rich.console import Console

    buf = StringIO()
    out = tmp_path / "fit.yaml"
    result = F.calibrate_command(scale=SCALE, seed=1, out=out, max_evals=3, console=Console(file=buf, width=160))
    text = buf.getvalue()
    assert "art328_2019" in text and "before" in text and "after" in text and str(out) in text
    assert result.evals <= 3 and F.load_baseline_fit(out) == {
        p.name: p.value for p in result.parameters if p.fitted and p.kind == "behaviour"}
    assert F.load_fitted_assumptions(out) == {
        p.name: p.value for p in result.parameters if p.fitted and p.kind == "assumption"}
    assert "assumption" in text and "SE" in text


# --- the fit file -----------------------------------------------------------------------------------


def test_write_is_atomic_and_round_trips(small_fit, tmp_path: Path):
    path = tmp_path / "fit.yaml"
    assert F.write_baseline_fit(small_fit, path) == path
    assert sorted(os.listdir(tmp_path)) == ["fit.yaml"]  # no temporary file left
    assert path.stat().st_mode & 0o777 == 0o644  # readable like the other package data
    assert F.load_baseline_fit(path) == small_fit.values
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert doc["scale"] == SCALE and doc["seed"] == 3 and doc["callup_version"] and doc["date"]
    entry = doc["parameters"]["legal_aid"]
    assert entry["targets"] == ["dso_requests_prewar"] and entry["range"] == list(
        load_behaviour().parameter("legal_aid").range)
    t = doc["targets"]["dso_requests_prewar"]
    assert {"target", "simulated", "rel_error", "before", "fitted_by"} <= set(t)


def test_a_failed_write_leaves_the_old_file(small_fit, tmp_path: Path, monkeypatch):
    path = tmp_path / "fit.yaml"
    path.write_text("old\n", encoding="utf-8")

    def boom(*a, **k):
        raise RuntimeError("disk full")

    import callup.atomic_file

    monkeypatch.setattr(callup.atomic_file.os, "fsync", boom)
    with pytest.raises(RuntimeError):
        F.write_baseline_fit(small_fit, path)
    assert path.read_text(encoding="utf-8") == "old\n"
    assert sorted(os.listdir(tmp_path)) == ["fit.yaml"]


def write_doc(tmp_path: Path, parameters) -> Path:
    path = tmp_path / "fit.yaml"
    path.write_text(yaml.safe_dump({"parameters": parameters}), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("parameters", "words"),
    [
        ({"prosecute_no_show": {"value": 0.9}}, ["prosecute_no_show", "outside its range"]),
        ({"no_such_behaviour": {"value": 0.1}}, ["no_such_behaviour", "unknown name"]),
        ({"acs_apply": {"value": "lots"}}, ["acs_apply", "expected a number"]),
        ({"acs_apply": 0.01}, ["acs_apply", "value"]),
    ],
)
def test_bad_values_in_the_fit_file_name_the_name(tmp_path: Path, parameters, words):
    path = write_doc(tmp_path, parameters)
    with pytest.raises(F.FitError) as err:
        F.load_baseline_fit(path)
    for w in words:
        assert w in str(err.value)


def test_bad_layout_and_missing_file(tmp_path: Path):
    path = tmp_path / "fit.yaml"
    path.write_text("- just a list\n", encoding="utf-8")
    with pytest.raises(F.FitError, match="parameters"):
        F.load_baseline_fit(path)
    with pytest.raises(F.FitError, match="no such file"):
        F.load_baseline_fit(tmp_path / "absent.yaml")


def test_unmoved_entries_are_not_applied(tmp_path: Path):
    path = write_doc(tmp_path, {"acs_apply": {"value": 0.01}, "legal_aid": {"value": 0.004, "fitted": False}})
    assert F.load_baseline_fit(path) == {"acs_apply": 0.01}


def test_the_bundled_fit_loads_inside_the_ranges():
    values = F.load_baseline_fit()
    b = load_behaviour()
    assert values and set(values) <= {blk.parameter for blk in F.BLOCKS}
    for name, v in values.items():
        lo, hi = b.parameter(name).range
        assert lo <= v <= hi, name


# --- population assumptions as fitted parameters ----------------------------------------------------


def test_a_block_is_a_behaviour_or_an_assumption():
    assert F.Block("a", ("t_a",), "toy").kind == "behaviour"
    with pytest.raises(F.FitError, match="kind 'output'"):
        F.Block("a", ("t_a",), "toy", kind="output")
    kinds = {b.parameter: b.kind for b in F.BLOCKS}
    assert kinds["health.first_exam_fit_share"] == "assumption"
    assert "g_recovery" not in kinds  # not identified by the fit share once the first-exam share is fitted
    assert all(kinds[p] == "behaviour" for p in kinds if p != "health.first_exam_fit_share")


def test_an_assumption_moves_the_objective_through_the_build():
    from callup.simulation.scenarios import load_scenario

    law = load_scenario("baseline").law
    b = load_behaviour()

    def fit_ab(x: float) -> float:
        table = F._table(b, law, SCALE, 5, {"health.first_exam_fit_share": x})
        return {r["target"]: r for r in table}["fit_AB_2019"]["simulated"]

    assert fit_ab(0.6) < fit_ab(0.7) < fit_ab(0.8)


@pytest.fixture(scope="module")
def assumption_fit() -> F.FitResult:
    return F.calibrate(scale=SCALE, seed=3, max_evals=8, parameters=["health.first_exam_fit_share"])


def test_calibrate_fits_a_population_assumption(assumption_fit):
    from callup.population import load_assumptions

    (p,) = assumption_fit.parameters
    a = load_assumptions()["health.first_exam_fit_share"]
    assert p.kind == "assumption" and p.range == a.range and p.before == a.value
    assert a.range[0] <= p.value <= a.range[1] and p.fitted and not p.at_bound
    assert abs(p.error_after) < abs(p.error_before)
    row = {r["target"]: r for r in assumption_fit.table_after}["fit_AB_2019"]
    assert row["fitted_by"] == "health.first_exam_fit_share"
    assert abs(row["rel_error"]) < 0.03  # from about +10% at the campaign share itself
    assert assumption_fit.values == {} and assumption_fit.assumption_values == {p.name: p.value}


def test_fitted_assumptions_have_their_own_section_and_round_trip(assumption_fit, tmp_path: Path):
    path = F.write_baseline_fit(assumption_fit, tmp_path / "fit.yaml")
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert doc["parameters"] == {} and list(doc["assumptions"]) == ["health.first_exam_fit_share"]
    assert doc["targets"]["fit_AB_2019"]["se"] > 0 and "within_noise" in doc["targets"]["fit_AB_2019"]
    assert F.load_baseline_fit(path) == {}
    assert F.load_fitted_assumptions(path) == assumption_fit.assumption_values


@pytest.mark.parametrize(
    ("assumptions", "words"),
    [
        ({"health.first_exam_fit_share": {"value": 0.95}}, ["health.first_exam_fit_share", "outside its range"]),
        ({"health.no_such": {"value": 0.5}}, ["health.no_such", "no assumption"]),
        ({"health.first_exam_fit_share": {"value": "most"}}, ["health.first_exam_fit_share", "expected a number"]),
        ({"health.first_exam_fit_share": 0.7}, ["health.first_exam_fit_share", "value"]),
    ],
)
def test_bad_assumptions_in_the_fit_file_name_the_path(tmp_path: Path, assumptions, words):
    path = tmp_path / "fit.yaml"
    path.write_text(yaml.safe_dump({"parameters": {}, "assumptions": assumptions}), encoding="utf-8")
    with pytest.raises(F.FitError) as err:
        F.load_fitted_assumptions(path)
    for w in words:
        assert w in str(err.value)


def test_a_fit_file_without_assumptions_moves_none(tmp_path: Path):
    path = write_doc(tmp_path, {"acs_apply": {"value": 0.01}})
    assert F.load_fitted_assumptions(path) == {} and F.load_baseline_fit(path) == {"acs_apply": 0.01}


def test_the_bundled_fit_holds_the_first_examination_share():
    from callup.population import load_assumptions

    fitted = F.load_fitted_assumptions()
    assert set(fitted) == {"health.first_exam_fit_share"}
    lo, hi = load_assumptions()["health.first_exam_fit_share"].range
    assert lo <= fitted["health.first_exam_fit_share"] <= hi
    doc = yaml.safe_load(F.BASELINE_FIT.read_text(encoding="utf-8"))
    assert "g_recovery" not in doc["parameters"]  # back at its behaviour.yaml value
    fit_row = doc["targets"]["fit_AB_2019"]
    assert abs(fit_row["rel_error"]) <= 0.02 and fit_row["fitted_by"] == "health.first_exam_fit_share"
