"""Scenario comparison: common random numbers (A with A gives zero difference; campaigns before a
scenario's first change are identical to the baseline's), the direction of known effects, the
atomically written outputs, and the `compare` command with its errors."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import typer
from typer.testing import CliRunner

from callup.compare import MEASURES, ComparisonError, compare, write_comparison
from callup.compare import outputs as compare_outputs
from callup.compare.cli import register

SCALE = 0.002


@pytest.fixture(scope="module")
def same():
    """The baseline compared with itself, over two seeds."""
    return compare(["baseline", "baseline"], seed=3, runs=2, scale=SCALE)


@pytest.fixture(scope="module")
def several():
    return compare(["baseline", "no-war", "bonus-x2", "age-27"], seed=0, runs=1, scale=SCALE)


def app() -> typer.Typer:
    a = typer.Typer()

    @a.callback()
    def main() -> None:
        """callup (test)"""

    register(a)
    return a


def test_a_with_a_gives_zero_difference(same):
    assert same.scenarios == ["baseline", "baseline-2"]
    assert same.seeds == [3, 4]
    years = sorted({r["year"] for r in same.years})
    assert years == list(range(2019, 2026))
    assert len(same.years) == 2 * 2 * len(years) * len(MEASURES)
    assert len(same.campaigns) == 2 * 2 * 14 * len(MEASURES)
    for row in same.years + same.campaigns:
        assert row["difference"] == 0.0 and row["value"] == row["reference"], row
    for row in same.summary_years + same.summary_campaigns:
        assert row["difference_mean"] == row["difference_lo"] == row["difference_hi"] == 0.0, row
    assert same.first_difference == {"baseline": None, "baseline-2": None}
    # the runs are real runs: the two seeds differ somewhere, so zero is not trivial
    a, b = same.results["baseline"]
    assert a.campaigns != b.campaigns
    assert same.results["baseline"][0].campaigns == same.results["baseline-2"][0].campaigns


def test_year_measures_match_the_run_tables(same):
    res = same.results["baseline"][0]
    mine = {(r["year"], r["measure"]): r["value"] for r in same.years if r["scenario"] == "baseline" and r["run"] == 0}
    for y in res.years:
        for m, (col, how, _) in MEASURES.items():
            engine = {"convicted_328": "convictions_328", "in_service_acs": "acs_in_service"}.get(col, col)
            if how != "mean" and engine in y:
                assert mine[(y["year"], m)] == pytest.approx(y[engine], abs=0.11), (y["year"], m)


def test_no_war_has_fewer_2022_emigrants_and_no_mobilised(several):
    assert several.difference("no-war", 2022, "emigrated") < 0
    assert several.difference("no-war", 2022, "mobilised") < 0
    no_war = [r for r in several.years if r["scenario"] == "no-war" and r["measure"] == "mobilised"]
    assert no_war and all(r["value"] == 0 for r in no_war)
    assert several.difference("bonus-x2", 2023, "contracts") > 0
    assert several.difference("age-27", 2024, "liable") < 0


@pytest.mark.parametrize(("scenario", "first_change"), [
    ("no-war", "2022-spring"),  # invasion 2022-02-24, in the period of the 2022-spring step
    ("bonus-x2", "2022-autumn"),  # the first federal payment, 2022-09-21
    ("age-27", "2024-spring"),  # the age limit kept at 27 from 2024-01-01
])
def test_campaigns_before_the_first_change_are_identical(several, scenario, first_change):
    base = several.results["baseline"][0].campaigns
    other = several.results[scenario][0].campaigns
    names = [c["campaign"] for c in base]
    k = names.index(first_change)
    assert k > 0
    # every column of every campaign, not only the measures (a column no step of a run counted, such as
    # mobilised in no-war, is missing from that run's rows: it is zero)
    for a, b in zip(other[:k], base[:k], strict=True):
        assert {c: a.get(c, 0.0) for c in {*a, *b}} == {c: b.get(c, 0.0) for c in {*a, *b}}, a["campaign"]
    assert any(other[k].get(c, 0.0) != base[k].get(c, 0.0) for c in base[k])
    assert several.first_difference[scenario] == first_change
    assert several.notes == []  # no bundled scenario changes the law the population build reads
    before = [r for r in several.campaigns if r["scenario"] == scenario and names.index(r["campaign"]) < k]
    assert before and all(r["difference"] == 0 for r in before)


def test_outputs_are_complete(same, tmp_path):
    out = write_comparison(same, tmp_path / "cmp")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cmp"]  # no temporary directory left
    names = {p.name for p in out.iterdir()}
    for stem in ("comparison_years", "comparison_campaigns", "comparison_summary_years",
                 "comparison_summary_campaigns"):
        assert {f"{stem}.csv", f"{stem}.parquet"} <= names
    with (out / "comparison_years.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(same.years)
    assert list(rows[0]) == ["scenario", "run", "seed", "year", "measure", "value", "reference", "difference"]
    table = pq.read_table(out / "comparison_campaigns.parquet").to_pylist()
    assert table == same.campaigns
    facts = json.loads((out / "compare.json").read_text(encoding="utf-8"))
    assert facts["scenarios"] == ["baseline", "baseline-2"] and facts["seed"] == 3 and facts["runs"] == 2
    assert facts["scale"] == SCALE and facts["version"] and facts["timings"]["total_s"] > 0
    for label in same.scenarios:
        for d in (out / label, out / label / "seed-4"):
            assert {"campaigns.csv", "campaigns.parquet", "years.csv", "run.json"} <= {p.name for p in d.iterdir()}
        assert json.loads((out / label / "run.json").read_text())["seed"] == 3
    # an earlier comparison is replaced whole
    (out / "stale.txt").write_text("x")
    write_comparison(same, out)
    assert not (out / "stale.txt").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cmp"]


def test_a_failed_write_leaves_nothing(same, tmp_path, monkeypatch):
    calls = []

    def broken(result, out):
        calls.append(out)
        if len(calls) > 1:
            raise OSError(28, "No space left on device")
        Path(out).mkdir()

    monkeypatch.setattr(compare_outputs, "write_outputs", broken)
    with pytest.raises(OSError):
        write_comparison(same, tmp_path / "cmp")
    assert list(tmp_path.iterdir()) == []


def test_a_directory_of_other_files_is_not_replaced(same, tmp_path):
    (tmp_path / "mine.txt").write_text("keep")
    with pytest.raises(ComparisonError, match=r"compare\.json"):
        write_comparison(same, tmp_path)
    assert (tmp_path / "mine.txt").read_text() == "keep"


@pytest.mark.parametrize(("args", "message"), [
    (["baseline", "nowar"], "scenario 'nowar': not a bundled name (allowed: baseline, no-war"),
    (["baseline"], "expected two or more"),
])
def test_bad_scenarios_raise(args, message):
    with pytest.raises(ComparisonError, match=r"allowed|two or more") as exc:
        compare(args, scale=SCALE)
    assert message in str(exc.value)


@pytest.mark.parametrize(("kw", "message"), [
    ({"runs": 0}, "runs 0"), ({"scale": 0}, "scale 0"), ({"seed": -1}, "seed -1"),
    ({"start": "2019-winter"}, "2019-winter"), ({"start": "2024-spring", "end": "2020-spring"}, "after"),
])
def test_bad_arguments_raise(kw, message):
    with pytest.raises(ComparisonError, match=message):
        compare(["baseline", "no-war"], **kw)


def test_cli_prints_the_differences_and_writes(tmp_path):
    out = tmp_path / "cmp"
    res = CliRunner().invoke(app(), ["compare", "baseline", "no-war", "--scale", str(SCALE), "--seed", "1",
                                     "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "no-war − baseline" in res.stdout
    for m in ("drafted", "emigrated", "mobilised", "convictions 328", "legal aid", "liable"):
        assert m in res.stdout
    assert "2022" in res.stdout and "2025" in res.stdout
    facts = json.loads((out / "compare.json").read_text())
    assert facts["scenarios"] == ["baseline", "no-war"] and facts["seed"] == 1


def test_cli_json_and_runs():
    res = CliRunner().invoke(app(), ["compare", "baseline", "no-mobilisation", "--scale", str(SCALE), "--runs", "2",
                                     "--from", "2022-spring", "--to", "2023-spring", "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["seeds"] == [0, 1] and doc["campaigns"] == ["2022-spring", "2022-autumn", "2023-spring"]
    mob = [r for r in doc["years"] if r["scenario"] == "no-mobilisation" and r["measure"] == "mobilised"]
    assert {r["year"] for r in mob} == {2022, 2023}
    assert next(r for r in mob if r["year"] == 2022)["difference_mean"] < 0
    assert {"difference_lo", "difference_hi", "runs"} <= set(mob[0])


@pytest.mark.parametrize(("args", "message"), [
    (["baseline", "nowar"], "error: scenario 'nowar': not a bundled name"),
    (["baseline"], "error: SCENARIOS: expected two or more"),
    (["baseline", "no-war", "--runs", "0"], "error: --runs"),
    (["baseline", "no-war", "--scale", "2"], "error: --scale"),
    (["baseline", "no-war", "--seed", "-1"], "error: --seed"),
    (["baseline", "no-war", "--from", "2019-winter"], "error: --from/--to"),
    (["baseline", "no-war", "--from", "2024-spring", "--to", "2020-spring"], "error: --from/--to"),
])
def test_cli_bad_input_is_one_line_and_writes_nothing(tmp_path, args, message):
    out = tmp_path / "cmp"
    res = CliRunner().invoke(app(), ["compare", *args, "--out", str(out)])
    assert res.exit_code == 2
    assert res.stderr.startswith(message), res.stderr
    assert res.stderr.count("\n") == 1 and res.stdout == ""
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_cli_refuses_an_out_that_is_a_file(tmp_path):
    f = tmp_path / "file"
    f.write_text("x")
    res = CliRunner().invoke(app(), ["compare", "baseline", "no-war", "--out", str(f)])
    assert res.exit_code == 2 and "is not a directory" in res.stderr
    assert f.read_text() == "x"


def test_a_scenario_file_that_moves_the_population_is_noted(tmp_path):
    f = tmp_path / "early.yaml"
    f.write_text("name: early-30\ndescription: The call-up age limit at 30 from 2019.\n"
                 "parameters:\n  callup.age_max: {2019-01-01: 30}\n", encoding="utf-8")
    res = compare(["baseline", str(f)], scale=SCALE, end="2019-spring")
    assert res.scenarios == ["baseline", "early-30"] and res.specs == ["baseline", str(f)]
    assert len(res.notes) == 1 and "callup.age_max" in res.notes[0] and "population" in res.notes[0]
