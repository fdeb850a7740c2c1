"""Write the report of a run or comparison directory: one self-contained HTML file that works offline
(plotly.js is embedded from the plotly package, no CDN, no external fonts or styles) and a PNG of each
chart in ``<report stem>_charts/`` beside it.

    write_report(Path("runs/base"))                 # -> runs/base/report.html (+ runs/base/report_charts/*.png)
    write_report(Path("cmp"), Path("out/cmp.html"))  # a comparison directory
"""

from __future__ import annotations

import datetime as dt
import html
import time
from pathlib import Path
from typing import Any

from callup.atomic_file import write_file_atomic

from . import charts as ch
from .data import Comparison, ReportError, Run, is_compare_dir, is_run_dir, load_comparison, load_run, num

__all__ = ["ReportError", "write_report"]

FIRST, LAST = dt.date(2019, 1, 1), dt.date(2025, 12, 31)
PNG_WIDTH = 1200

CSS = """
body{font-family:"DejaVu Sans",Arial,Helvetica,sans-serif;margin:0;color:#222;background:#fafafa;line-height:1.45}
main{max-width:1240px;margin:0 auto;padding:12px 28px 60px;background:#fff}
h1{font-size:26px;margin:18px 0 4px}h2{font-size:21px;margin:34px 0 8px;border-bottom:2px solid #ddd;padding-bottom:4px}
h3{font-size:16px;margin:22px 0 6px}
.meta{color:#555;font-size:14px}.caption{color:#444;font-size:14px;margin:2px 0 6px;max-width:1100px}
.chart{margin:10px 0 26px;border:1px solid #eee}
nav ul{columns:2;font-size:14px}
table{border-collapse:collapse;font-size:13px;margin:6px 0 16px}
th,td{border:1px solid #ddd;padding:3px 7px;vertical-align:top;overflow-wrap:anywhere;max-width:560px}
th{overflow-wrap:normal}td:first-child,td.d{white-space:nowrap;overflow-wrap:normal}th{background:#f1f3f5;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tr:nth-child(even) td{background:#fcfcfc}
details{margin:6px 0 14px}summary{cursor:pointer;color:#1f4e99;font-size:14px}
.scroll{overflow-x:auto;max-width:100%}.bold{font-weight:bold}.note{color:#666;font-size:12px}
"""


# --- small HTML helpers ------------------------------------------------------------------------------------

def _esc(x: Any) -> str:
    return html.escape(str(x))


def _fmt(value: Any, key: str = "") -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and ("rel" in key or key in ("share",)):
        return f"{value:+.1%}"
    if isinstance(value, int | float):
        if key == "year" or (isinstance(value, int) and 1900 <= value <= 2100 and "year" in key):
            return str(int(value))
        if abs(value) < 10 and value != int(value):
            return f"{value:.4g}"
        if value != int(value) and abs(value) < 10_000:
            return f"{value:,.4f}".rstrip("0").rstrip(".")
        return f"{value:,.0f}"
    return str(value)


def table(headers: list[str], rows: list[list[Any]], *, keys: list[str] | None = None, cls: str = "",
          bold_rows: set[int] | None = None) -> str:
    keys = keys or headers
    out = [f'<div class="scroll"><table class="{cls}"><thead><tr>']
    out += [f"<th>{_esc(h)}</th>" for h in headers]
    out.append("</tr></thead><tbody>")
    for i, row in enumerate(rows):
        style = ' class="bold"' if bold_rows and i in bold_rows else ""
        out.append(f"<tr{style}>")
        for k, v in zip(keys, row, strict=False):
            numeric = isinstance(v, int | float) and not isinstance(v, bool)
            date = isinstance(v, str) and len(v) == 10 and v[4] == "-" and v[7] == "-"
            cls_ = ' class="n"' if numeric else ' class="d"' if date else ""
            out.append(f"<td{cls_}>{_esc(_fmt(v, k))}</td>")
        out.append("</tr>")
    out.append("</tbody></table></div>")
    return "".join(out)


def dict_table(rows: list[dict[str, Any]], columns: list[str] | None = None) -> str:
    if not rows:
        return "<p class='note'>(no rows)</p>"
    cols = columns or list(dict.fromkeys(k for r in rows for k in r))
    heads = [c.replace("_", " ").replace("acs", "ACS").replace("convictions 328", "Art. 328 convictions") for c in cols]
    return table(heads, [[r.get(c) for c in cols] for r in rows], keys=cols)


def rich_table(t: Any) -> str:
    """A rich Table (as `callup scenario show` prints it) as an HTML table with its title."""
    headers = [str(c.header) for c in t.columns]
    cells = [[str(x) for x in getattr(c, "_cells", [])] for c in t.columns]
    n = max((len(c) for c in cells), default=0)
    rows = [[c[i] if i < len(c) else "" for c in cells] for i in range(n)]
    title = f"<h3>{_esc(t.title)}</h3>" if t.title else ""
    return title + (table(headers, rows) if rows else "<p class='note'>(none)</p>")


# --- the PNG writer ----------------------------------------------------------------------------------------

class _Png:
    """PNG export: kaleido 0.2 (its own headless Chromium inside the wheel, offline) with plotly.js from the
    plotly package; plotly's own ``write_image`` (kaleido >= 1) otherwise."""

    def __init__(self) -> None:
        self.scope = None
        try:
            from kaleido.scopes.plotly import PlotlyScope
        except ImportError:
            return
        import plotly

        js = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
        self.scope = PlotlyScope(plotlyjs=str(js) if js.is_file() else None)

    def close(self) -> None:
        """Stop kaleido's Chromium process."""
        stop = getattr(self.scope, "_shutdown_kaleido", None)
        if stop is not None:
            stop()

    def write(self, fig: Any, path: Path, width: int, height: int) -> None:
        if self.scope is not None:
            import warnings

            with warnings.catch_warnings():  # kaleido 0.2 calls Thread.setDaemon
                warnings.simplefilter("ignore", DeprecationWarning)
                data = self.scope.transform(fig.to_plotly_json(), format="png", width=width, height=height,
                                            scale=1.5)
        else:
            try:
                data = fig.to_image(format="png", width=width, height=height, scale=1.5)
            except Exception as exc:
                raise ReportError(f"cannot write the PNG charts (install kaleido: pip install 'kaleido>=0.2.1,<0.3'): "
                                  f"{exc}") from exc
        path.write_bytes(data)


# --- sections ----------------------------------------------------------------------------------------------

def _scenario(name: str) -> Any:
    from callup.scenarios import ScenarioError, load_scenario

    try:
        return load_scenario(name)
    except (ScenarioError, OSError, ValueError):
        return None


def _events(scen: Any) -> list[tuple[str, int]]:
    if scen is None:
        return []
    from callup.scenarios.model import day_text

    out = []
    if scen.events.war_start is not None:
        out.append((f"war {day_text(scen.events.war_start)}", scen.events.war_start))
    if scen.events.mobilisation is not None:
        out.append((f"mobilisation {day_text(scen.events.mobilisation)}", scen.events.mobilisation))
    return out


def _run_charts(run: Run, campaign: str | None) -> list[ch.Chart]:
    note = ch.source_note(run.facts)
    events = _events(_scenario(run.scenario))
    made = [ch.drafted_vs_quota(run, note, events), ch.summons(run, note, events),
            ch.by_reason(run, note, events, "deferral"), ch.by_reason(run, note, events, "exempt"),
            ch.acs(run, note, events), ch.emigration(run, note, events),
            ch.contracts_mobilisation(run, note, events), ch.in_service(run, note, events),
            ch.sankey(run, note, campaign), ch.calibration(run, note)]
    return [c for c in made if c is not None]


def _chart_html(chart: ch.Chart) -> str:
    div = chart.fig.to_html(full_html=False, include_plotlyjs=False, div_id=f"chart-{chart.id}",
                            default_height=f"{chart.height}px", default_width="100%",
                            config={"displaylogo": False, "responsive": True,
                                    "toImageButtonOptions": {"format": "png", "filename": chart.id}})
    return (f'<section class="chart" id="{chart.id}" data-chart="{chart.id}"><p class="caption">'
            f"{_esc(chart.caption)}</p>{div}</section>")


CAMPAIGN_COLUMNS = {"quota_decree": "decree quota", "summoned": "summoned", "appeared": "appeared",
                    "ignored": "ignored", "left_on_summons": "left on summons", "examined": "examined",
                    "eligible": "eligible", "drafted": "drafted", "shortfall": "shortfall", "fined": "fined",
                    "convicted_328": "Art. 328 convictions", "acs_applied": "ACS applied",
                    "acs_approved": "ACS granted", "emigrated": "emigrated", "returned": "returned",
                    "contracts": "contracts", "mobilised": "mobilised"}


def _campaign_table(run: Run) -> str:
    cols = [k for k in CAMPAIGN_COLUMNS if any(k in c for c in run.campaigns)]
    rows = [[c["campaign"], *[num(c, k) for k in cols]] for c in run.campaigns]
    return table(["campaign", *[CAMPAIGN_COLUMNS[k] for k in cols]], rows, keys=["campaign", *cols])


def _calibration_table(run: Run) -> str:
    rows, last = [], ""
    for r in run.calibration:
        src = str(r.get("source") or "")
        src = last if src == "same" else src
        last = src
        target = r.get("value")
        if r.get("low") is not None and r.get("high") is not None and r.get("low") != r.get("high"):
            target = f"{_fmt(r['low'])} - {_fmt(r['high'])}"
        noise = r.get("within_noise")
        noise = {"True": True, "False": False}.get(noise, noise) if isinstance(noise, str) else noise
        se = r.get("se")
        if isinstance(se, int | float) and not isinstance(se, bool):
            se = round(se) if abs(se) >= 10 else float(f"{se:.2g}")
        rows.append([r.get("target"), r.get("figure"), r.get("year"), target, r.get("simulated"), r.get("error"),
                     r.get("rel_error"), se, noise, r.get("measured_as"), src])
    return table(["target", "figure", "year", "target value", "simulated", "error", "relative error",
                  "standard error (Monte-Carlo)", "error within 2 SE", "simulated as", "source"], rows,
                 keys=["target", "figure", "year", "value", "simulated", "error", "rel_error", "se", "within_noise",
                       "how", "source"])


def _behaviour_table(behaviour: dict[str, Any], only_changed: bool = False) -> str:
    from callup.simulation.behaviour import load_behaviour

    base = load_behaviour()
    rows, bold = [], set()
    for name in base:
        p = base.parameter(name)
        used = behaviour.get(name, p.value)
        changed = abs(float(used) - p.value) > 1e-12
        if only_changed and not changed:
            continue
        if changed:
            bold.add(len(rows))
        rows.append([name, float(used), p.value if changed else "", f"[{p.range[0]:g}, {p.range[1]:g}]", p.unit,
                     p.source])
    if not rows:
        return "<p class='note'>(no behaviour value differs from behaviour.yaml)</p>"
    return table(["name", "value used", "behaviour.yaml value (if different)", "range", "unit", "source"], rows,
                 bold_rows=bold)


def _value_text(value: Any) -> str:
    from callup.scenarios.show import _fmt as show_fmt

    text = show_fmt(value)
    return text if len(text) < 200 else text[:197] + "..."


def _all_parameters(law: Any) -> str:
    from callup.scenarios.show import _citation

    rows = []
    for path in sorted(law):
        p = law[path]
        for i, e in enumerate(p.values):
            nxt = p.values[i + 1].start if i + 1 < len(p.values) else dt.date.max
            if nxt > FIRST and e.start <= LAST:
                rows.append([path, p.description, p.unit or "", e.start.isoformat(), _value_text(e.value),
                             _citation(e)])
    return table(["parameter", "what", "unit", "from", "value", "citation [status]"], rows)


def _parameters_section(scenario: str, behaviour: dict[str, Any] | None, *, full: bool = True) -> str:
    scen = _scenario(scenario)
    parts = []
    if scen is None:
        from callup.jurisdictions import ru

        parts.append(f"<p class='note'>Scenario {_esc(scenario)} could not be loaded here (a file no longer "
                     "present?); the jurisdiction's baseline parameters are shown.</p>")
        law = ru.law()
    else:
        from callup.scenarios.show import render

        law = scen.law
        head = [f"<p><b>Scenario {_esc(scen.name)}</b>: {_esc(scen.description)}</p>"]
        if len(scen.chain) > 1:
            head.append(f"<p class='meta'>Extends: {_esc(' -> '.join(scen.chain))}</p>")
        if scen.sources:
            head.append("<p class='meta'>Sources:</p><ul class='meta'>"
                        + "".join(f"<li>{_esc(s)}</li>" for s in scen.sources) + "</ul>")
        parts.append("".join(head))
        tables = render(scen)[1:3]  # law (overrides, or the parameters the scenarios vary), events
        parts += [rich_table(t) for t in tables]
    if behaviour is not None:
        parts.append("<h3>Behaviour values the run used (behaviour.yaml: range and source of each)</h3>" if full else
                     "<h3>Behaviour values the run used that differ from behaviour.yaml</h3>")
        parts.append(_behaviour_table(behaviour, only_changed=not full))
    if full:
        parts.append("<details><summary>All law parameters in force 2019-2025, with their citations "
                     f"({len(law)} parameters)</summary>{_all_parameters(law)}</details>")
    return "".join(parts)


def _data_sources() -> str:
    from importlib import resources

    items = []
    folder = resources.files("callup").joinpath("data/ru")
    for name in ("rosbris_men_2019_2022.csv", "wpp2024_mx5_men.csv", "medical_fitness.csv", "signup_payments.csv",
                 "calibration_targets.csv"):
        try:
            lines = [ln[1:].strip() for ln in folder.joinpath(name).read_text(encoding="utf-8").splitlines()[:4]
                     if ln.startswith("#")]
        except OSError:
            continue
        items.append(f"<li><b>{_esc(name)}</b>: {_esc(' '.join(lines))}</li>")
    items.append("<li><b>figures.yaml</b>: education stocks, 2018 quotas, soldiers and ACS in service, each figure "
                 "with its source (callup/data/ru/README.md).</li>")
    return "<ul class='meta'>" + "".join(items) + "</ul>"


# --- assembling --------------------------------------------------------------------------------------------

def _page(title: str, meta: str, sections: list[tuple[str, str, str]]) -> str:
    from plotly.offline import get_plotlyjs

    nav = "".join(f'<li><a href="#{sid}">{_esc(head)}</a></li>' for sid, head, _ in sections)
    body = "".join(f'<h2 id="{sid}">{_esc(head)}</h2>{content}' for sid, head, content in sections)
    return ("<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>{_esc(title)}</title><style>{CSS}</style>"
            f"<script type='text/javascript'>{get_plotlyjs()}</script></head><body><main>"
            f"<h1>{_esc(title)}</h1>{meta}<nav><ul>{nav}</ul></nav>{body}</main></body></html>\n")


def _run_meta(run: Run, directory: Path) -> str:
    f = run.facts
    names = run.campaign_names
    rows = f"{int(f.get('rows') or 0):,}"
    return (f"<p class='meta'>Simulated by callup v{_esc(f.get('version', '?'))}: scenario "
            f"<b>{_esc(run.scenario)}</b>, campaigns {_esc(names[0])} to {_esc(names[-1])}, scale "
            f"{_esc(f.get('scale'))} ({rows} rows; every figure is weighted to "
            f"national totals), seed {_esc(f.get('seed'))}. Run directory: {_esc(directory)}. "
            "Interactive charts: hover for values, click a legend entry to hide it; a PNG of each chart is "
            "in the folder beside this file.</p>")


def _run_sections(run: Run, charts: list[ch.Chart], *, full_parameters: bool = True) -> list[tuple[str, str, str]]:
    by_id = {c.id.removeprefix("ref-"): c for c in charts}
    outcome = "".join(_chart_html(c) for key, c in by_id.items() if key not in ("sankey", "calibration"))
    outcome += "<h3>Campaigns</h3>" + _campaign_table(run)
    if run.years:
        outcome += "<h3>Years</h3>" + dict_table(run.years)
    sections = [("outcomes", "Outcomes per campaign", outcome)]
    if "sankey" in by_id:
        sections.append(("flows", "Where the men of a campaign went", _chart_html(by_id["sankey"])))
    if run.calibration:
        cal = (_chart_html(by_id["calibration"]) if "calibration" in by_id else "") + _calibration_table(run)
        sections.append(("calibration", "Calibration (target, simulated, error)", cal))
    sections.append(("parameters", f"Parameters of scenario {run.scenario}, with citations",
                     _parameters_section(run.scenario, run.facts.get("behaviour"), full=full_parameters)))
    return sections


def _signed(x: float) -> str:
    return "0" if round(x) == 0 else f"{x:+,.0f}"


def _difference_pivot(comp: Comparison) -> str:
    """Per scenario: the measures down, the years across, each cell the difference from the reference
    (and the 90% interval across runs, where there is one)."""
    ref, out = comp.reference, []
    years = sorted({y for t in comp.years.values() for y in t})
    for s in comp.scenarios:
        if s == ref:
            continue
        band = comp.intervals.get(s, {})
        rows = []
        for m in ch.diff_outcomes(comp):
            cells = []
            for y in years:
                d = comp.years[s].get(y, {}).get(m, 0.0) - comp.years[ref].get(y, {}).get(m, 0.0)
                text = _signed(d)
                lo, hi = band.get(y, {}).get(m, (d, d))
                if round(lo) != round(hi):
                    text += f" [{_signed(lo)}, {_signed(hi)}]"
                cells.append(f'<td class="n">{_esc(text)}</td>')
            rows.append(f"<tr><td>{_esc(ch.outcome_label(comp, m))}</td>{''.join(cells)}</tr>")
        head = "".join(f"<th>{y}</th>" for y in years)
        out.append(f"<h3>{_esc(s)} minus {_esc(ref)}, per year (men)</h3><div class='scroll'><table><thead><tr>"
                   f"<th>measure</th>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>")
    if comp.intervals:
        out.append("<p class='note'>In brackets: the 5th and 95th percentiles of the difference across runs.</p>")
    return "".join(out)


def _comparison_table(comp: Comparison) -> str:
    ref = comp.reference
    label = {m: ch.outcome_label(comp, m) for m in ch.diff_outcomes(comp)}
    pivot = _difference_pivot(comp)
    summary = [r for r in comp.summary_years or [] if str(r.get("scenario")) != ref]
    if summary and "difference_mean" in summary[0]:
        rows = [[r["scenario"], r.get("year"), label.get(str(r.get("measure")), r.get("measure")),
                 r.get("reference_mean"), r.get("value_mean"), r.get("difference_mean"), r.get("difference_lo"),
                 r.get("difference_hi")] for r in summary]
        head = ["scenario", "year", "measure", f"{ref} (mean)", "scenario (mean)", "difference (mean)",
                "difference, 5th percentile", "difference, 95th percentile"]
        return (pivot + "<details><summary>The same with the values (comparison_summary_years: means over runs, "
                f"90% interval; {len(rows):,} rows)</summary>"
                + table(head, rows, keys=["scenario", "year", "measure", "a", "b", "d", "lo", "hi"]) + "</details>")
    rows = []
    for s in comp.scenarios:
        if s == ref:
            continue
        for year in sorted(comp.years[s]):
            for o in label:
                a, b = comp.years[ref].get(year, {}).get(o, 0.0), comp.years[s].get(year, {}).get(o, 0.0)
                rows.append([s, year, label[o], a, b, b - a])
    return (pivot + f"<details><summary>The same with the values ({len(rows):,} rows)</summary>"
            + table(["scenario", "year", "measure", f"{ref}", "scenario", "difference"], rows,
                    keys=["scenario", "year", "measure", "a", "b", "d"]) + "</details>")


def _comparison_page(comp: Comparison, campaign: str | None) -> tuple[str, list[ch.Chart]]:
    ref_run = comp.runs.get(comp.reference)
    facts = dict(ref_run.facts) if ref_run else {}
    facts.update({k: v for k, v in comp.facts.items() if k in ("seed", "scale", "version")})
    facts["scenario"] = ", ".join(comp.scenarios)
    runs = comp.facts.get("runs")
    several = isinstance(runs, int) and runs > 1
    note = ch.source_note(facts, f"Reference: {comp.reference}." + (f" Mean of {runs} runs." if several else ""))
    charts = ch.comparison_charts(comp, note)
    diff = "".join(_chart_html(c) for c in charts) + _comparison_table(comp)
    per_campaign = comp.summary_campaigns or comp.comparison_campaigns
    if per_campaign:
        per_campaign = [r for r in per_campaign if str(r.get("scenario")) != comp.reference] or per_campaign
        diff += (f"<details><summary>Differences per campaign ({len(per_campaign):,} rows)</summary>"
                 + dict_table(per_campaign) + "</details>")
    sections = [("differences", f"Scenario differences (reference: {comp.reference})", diff)]
    params = "".join(f"<h3>{_esc(s)}</h3>"
                     + _parameters_section(s, comp.runs[s].facts.get("behaviour") if s in comp.runs else None,
                                           full=False)
                     for s in comp.scenarios)
    sections.append(("scenarios", "What each scenario changes, with citations", params))
    if ref_run is not None:
        ref_charts = _run_charts(ref_run, campaign)
        for c in ref_charts:
            c.id = f"ref-{c.id}"
        charts += ref_charts
        for sid, head, content in _run_sections(ref_run, ref_charts):
            sections.append((f"ref-{sid}", f"{comp.reference}: {head}", content))
    sections.append(("sources", "Data sources", _data_sources()))
    meta = (f"<p class='meta'>Scenarios {_esc(', '.join(comp.scenarios))} compared on common random numbers "
            f"(the same seeded population and draws), reference <b>{_esc(comp.reference)}</b>"
            + (f", seed {_esc(facts.get('seed'))}" if facts.get("seed") is not None else "")
            + (f", scale {_esc(facts.get('scale'))}" if facts.get("scale") is not None else "")
            + (f", {_esc(runs)} run(s) each" if runs else "")
            + f"; simulated by callup v{_esc(facts.get('version', '?'))}. Directory: {_esc(comp.directory)}.</p>")
    return _page(f"callup comparison: {', '.join(comp.scenarios)}", meta, sections), charts


def write_report(run_or_compare_dir: Path, out: Path | None = None, *, campaign: str | None = None,
                 png: bool = True) -> Path:
    """Write the report of a run directory (``callup simulate --out``) or a comparison directory
    (``callup compare --out``) to ``out`` (default ``DIR/report.html``), and a PNG of each chart to
    ``<out stem>_charts/<chart id>.png`` beside it. ``campaign`` is the Sankey's first campaign (default:
    the latest). Returns the HTML path; raises :class:`ReportError` for a directory that is neither."""
    directory = Path(run_or_compare_dir)
    if not directory.is_dir():
        raise ReportError(f"{directory}: no such directory")
    if is_run_dir(directory):
        run = load_run(directory)
        if campaign is not None and campaign not in run.campaign_names:
            raise ReportError(f"--campaign: {campaign!r} is not in the run (it has {', '.join(run.campaign_names)})")
        charts = _run_charts(run, campaign)
        sections = [*_run_sections(run, charts), ("sources", "Data sources", _data_sources())]
        page = _page(f"callup report: scenario {run.scenario}", _run_meta(run, directory), sections)
    elif is_compare_dir(directory):
        page, charts = _comparison_page(load_comparison(directory), campaign)
    else:
        raise ReportError(f"{directory}: neither a run directory (run.json, campaigns.parquet/.csv from "
                          "`callup simulate --out`) nor a comparison directory (compare.json, comparison_years.csv "
                          "from `callup compare --out`)")
    out = Path(out) if out is not None else directory / "report.html"
    out.parent.mkdir(parents=True, exist_ok=True)
    write_file_atomic(out, page, fsync=False)
    if png:
        folder = out.parent / f"{out.stem}_charts"
        folder.mkdir(exist_ok=True)
        for old in folder.glob("*.png"):
            old.unlink()
        writer = _Png()
        try:
            for c in charts:
                writer.write(c.static(), folder / f"{c.id}.png", PNG_WIDTH, c.height)
        finally:
            writer.close()
    return out


def timed_report(directory: Path, out: Path | None = None, **kw: Any) -> tuple[Path, float]:
    t0 = time.perf_counter()
    path = write_report(directory, out, **kw)
    return path, time.perf_counter() - t0
