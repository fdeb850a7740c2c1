"""Reports: the HTML holds each chart and table with data, works offline, and the PNGs are real images."""

from __future__ import annotations

import csv
import json
import re
import shutil
import struct
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from callup.reports import ReportError, write_report
from callup.reports.build import _run_charts
from callup.reports.charts import sankey_links
from callup.reports.cli import register, report_after_run
from callup.reports.data import load_run
from callup.simulation import load_scenario, simulate, write_outputs

SCALE = 0.002
RUN_CHARTS = ("drafted-quota", "summons", "reasons-deferral", "reasons-exempt", "acs", "emigration",
              "contracts-mobilisation", "in-service", "sankey", "calibration")
RUN_TITLES = ("Conscripts drafted against the decree quota", "Summonses and how the men responded",
              "Men with a deferral, by reason", "Men exempt or not subject to call-up, by reason",
              "Alternative civilian service (ACS)", "Emigration and return of men", "Contracts and mobilisation",
              "Men in service", "Where the men of a campaign went", "Calibration: simulated against target")


def _run(out: Path, scenario: str) -> Path:
    return write_outputs(simulate(load_scenario(scenario), "2019-spring", "2025-autumn", SCALE, 7), out)


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("runs")
    return {s: _run(base / s, s) for s in ("baseline", "no-mobilisation")}


@pytest.fixture(scope="module")
def run_report(runs, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report") / "base.html"
    return write_report(runs["baseline"], out)


def _fake_compare(runs: dict[str, Path], directory: Path) -> Path:
    """A minimal comparison directory as `callup compare --out` lays it out (callup.compare.outputs):
    compare.json, comparison_years (long: scenario, run, seed, year, measure, value, reference,
    difference) and one run directory per scenario."""
    directory.mkdir()
    names = list(runs)
    for name, path in runs.items():
        shutil.copytree(path, directory / name)
    measures = {"drafted": "conscripts drafted (flow)", "emigrated": "men who left the country (flow)",
                "mobilised": "reservists mobilised (flow)"}
    (directory / "compare.json").write_text(json.dumps({
        "scenarios": names, "reference": names[0], "seed": 7, "runs": 1, "scale": SCALE,
        "directories": {n: n for n in names},
        "measures": {m: {"column": m, "year": "sum", "meaning": t} for m, t in measures.items()}}), encoding="utf-8")
    years = {n: list(csv.DictReader((runs[n] / "years.csv").open(encoding="utf-8"))) for n in names}
    rows = []
    for name in names:
        for a, b in zip(years[names[0]], years[name], strict=True):
            for k in measures:
                rows.append({"scenario": name, "run": 0, "seed": 7, "year": a["year"], "measure": k,
                             "value": b[k], "reference": a[k], "difference": float(b[k]) - float(a[k])})
    with (directory / "comparison_years.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return directory


def _sections(html: str) -> dict[str, str]:
    parts = re.split(r'<h2 id="([^"]+)">', html)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts) - 1, 2)}


def _table_rows(fragment: str) -> int:
    return len(re.findall(r"<tr[ >]", fragment)) - len(re.findall(r"<thead>", fragment))


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def _offline(html: str) -> None:
    assert not re.search(r"<script[^>]*\ssrc\s*=", html, re.I), "a script is loaded from elsewhere"
    assert not re.search(r"<link[^>]*href\s*=\s*[\"']?(https?:)?//", html, re.I), "a stylesheet/font link"
    assert not re.search(r"@import\s+(url\()?[\"']?(https?:)?//", html, re.I)
    assert not re.search(r"@font-face[^}]*url\([\"']?(https?:)?//", html, re.I)
    assert not re.search(r"src\s*=\s*[\"'](https?:)?//", html, re.I)
    assert "cdn.plot.ly/plotly" not in html.split("<script type='text/javascript'>", 1)[0]


def test_run_report_has_each_chart_and_table(run_report: Path, runs) -> None:
    html = run_report.read_text(encoding="utf-8")
    for cid, title in zip(RUN_CHARTS, RUN_TITLES, strict=True):
        assert f'id="chart-{cid}"' in html, cid
        assert title in html, title
    sections = _sections(html)
    assert {"outcomes", "flows", "calibration", "parameters", "sources"} <= set(sections)
    assert _table_rows(sections["outcomes"]) >= 14 + 7  # campaigns and years
    assert _table_rows(sections["calibration"]) >= 10
    assert "pop_men_18_27" in sections["calibration"]
    params = sections["parameters"]
    assert "callup.age_max" in params and "53-FZ" in params  # law parameters with their citations
    assert "summons_per_quota" in params  # behaviour values with their sources
    # every chart has data: each trace of each figure holds non-zero values
    run = load_run(runs["baseline"])
    charts = {c.id: c for c in _run_charts(run, None)}
    assert set(charts) == set(RUN_CHARTS)
    for c in charts.values():
        assert c.fig.data, c.id
        values = []
        for t in c.fig.data:
            values += [v for v in (t.x if t.type == "bar" and t.orientation == "h" else getattr(t, "y", None)) or ()
                       if v] if t.type != "sankey" else list(t.link.value)
        assert any(values), c.id
        assert c.fig.layout.title.text and c.fig.layout.annotations, c.id  # title and source note
        if c.id not in ("sankey",):
            assert c.fig.layout.yaxis.title.text and c.fig.layout.xaxis.title.text, c.id
    assert "Source: simulated by callup v" in html and "seed 7" in html


def test_run_report_is_offline(run_report: Path) -> None:
    html = run_report.read_text(encoding="utf-8")
    _offline(html)
    assert len(html) > 1_000_000  # plotly.js is inside the file


def test_pngs_written(run_report: Path) -> None:
    folder = run_report.parent / f"{run_report.stem}_charts"
    pngs = sorted(p.stem for p in folder.glob("*.png"))
    assert pngs == sorted(RUN_CHARTS)
    for p in folder.glob("*.png"):
        w, h = _png_size(p)
        assert w >= 1000 and h >= 500, p
        assert p.stat().st_size > 20_000, p


def test_sankey_flows_conserve() -> None:
    f = {"reachable": 1000, "summoned": 600, "appeared": 500, "ignored": 90, "left_on_summons": 10,
         "examined": 480, "examined_A": 250, "examined_B": 130, "examined_V": 60, "examined_G": 30,
         "examined_D": 10, "eligible": 300, "drafted": 200, "fined": 9}
    links = sankey_links(f)
    out = {}
    for s, _t, v, _k in links:
        out[s] = out.get(s, 0) + v
    assert out["summoned"] == 600 and out["appeared"] == 500
    assert out["examined"] == 480 and out["fit (A/B)"] == 380 and out["eligible"] == 300
    assert out["ignored the summons"] == 90
    assert all(v > 0 for _s, _t, v, _k in links)


def test_comparison_report(runs, tmp_path: Path) -> None:
    directory = _fake_compare(runs, tmp_path / "cmp")
    out = write_report(directory)
    assert out == directory / "report.html"
    html = out.read_text(encoding="utf-8")
    sections = _sections(html)
    assert "differences" in sections and "scenarios" in sections
    diff = sections["differences"]
    assert 'id="chart-compare-diff"' in diff and "Scenario differences per year" in diff
    assert 'id="chart-compare-levels"' in diff
    assert _table_rows(diff) >= 7
    assert "no-mobilisation" in diff and "reservists mobilised (flow)" in diff
    assert 'id="chart-ref-sankey"' in html  # the reference scenario's own charts follow
    _offline(html)
    pngs = {p.stem for p in (directory / "report_charts").glob("*.png")}
    assert {"compare-diff", "compare-levels", "ref-drafted-quota"} <= pngs
    for p in (directory / "report_charts").glob("compare-*.png"):
        assert _png_size(p)[1] > 500 and p.stat().st_size > 20_000


def test_comparison_from_table_only(runs, tmp_path: Path) -> None:
    """A comparison directory with only its tables (no per-scenario run directories) still gets the
    differences section."""
    directory = _fake_compare(runs, tmp_path / "cmp")
    for name in runs:
        shutil.rmtree(directory / name)
    html = write_report(directory, tmp_path / "r.html", png=False).read_text(encoding="utf-8")
    assert 'id="chart-compare-diff"' in html and "differences" in _sections(html)


def _app() -> typer.Typer:
    app = typer.Typer()
    register(app)

    @app.command()
    def other() -> None:  # a second command, so that `report` is a subcommand as in callup
        pass

    return app


def test_cli_report(runs, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "x" / "r.html"
    res = runner.invoke(_app(), ["report", str(runs["baseline"]), "--out", str(out), "--campaign", "2022-autumn"])
    assert res.exit_code == 0, res.output
    assert out.is_file() and (tmp_path / "x" / "r_charts" / "sankey.png").is_file()
    assert "Where the men of a campaign went: 2022-autumn" in out.read_text(encoding="utf-8")


def test_cli_report_errors(runs, tmp_path: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(_app(), ["report", str(tmp_path)])
    assert res.exit_code == 2 and "neither a run directory" in res.output
    res = runner.invoke(_app(), ["report", str(tmp_path / "missing")])
    assert res.exit_code == 2 and "no such directory" in res.output
    res = runner.invoke(_app(), ["report", str(runs["baseline"]), "--campaign", "1999-spring",
                                 "--out", str(tmp_path / "r.html")])
    assert res.exit_code == 2 and "--campaign" in res.output
    with pytest.raises(ReportError):
        write_report(tmp_path)


def test_report_after_run(runs, tmp_path: Path) -> None:
    directory = tmp_path / "run"
    shutil.copytree(runs["no-mobilisation"], directory)
    path = report_after_run(directory)
    assert path == directory / "report.html" and path.is_file()
    with pytest.raises(typer.Exit):
        report_after_run(tmp_path / "nothing-here")


def test_report_of_callup_compare_output(tmp_path: Path) -> None:
    """The report reads what `callup compare` writes (when the comparison package is there)."""
    try:
        from callup.compare import compare, write_comparison
    except ImportError:
        pytest.skip("callup.compare not available")
    directory = write_comparison(compare(["baseline", "age-27"], seed=3, runs=2, scale=SCALE), tmp_path / "cmp")
    html = write_report(directory, png=False).read_text(encoding="utf-8")
    sections = _sections(html)
    assert 'id="chart-compare-diff"' in sections["differences"]
    assert "age-27" in sections["differences"] and _table_rows(sections["differences"]) >= 7
    assert "callup.age_max" in sections["scenarios"]  # what age-27 changes, with the replaced value's citation
