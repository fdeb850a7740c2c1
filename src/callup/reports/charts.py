"""The report's charts (plotly figures), each with a title, units, labelled axes, a legend and a source
note. Every function returns a :class:`Chart` or None when the run has no data for it."""

from __future__ import annotations

import copy
import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go

from .data import Comparison, Run, num

MEN = "men (national totals, weighted)"
X_CAMPAIGN = "call-up campaign (spring: April-July, autumn: October-December)"
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
           "#17becf", "#393b79", "#ad494a", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd", "#e6550d",
           "#31a354", "#756bb1", "#636363", "#9ecae1", "#fdae6b", "#a1d99b")
WIDTH = 1100


@dataclass
class Chart:
    id: str
    title: str
    caption: str
    fig: go.Figure
    height: int = 560

    def static(self) -> go.Figure:
        """The figure for the PNG: without the interactive menus."""
        fig = copy.deepcopy(self.fig)
        fig.layout.updatemenus = ()
        return fig


def source_note(facts: dict[str, Any], extra: str = "") -> str:
    scale = facts.get("scale")
    share = ""
    if isinstance(scale, int | float):
        share = f" (a {float(scale):.2%} sample of men, weighted to national totals)"
    note = (f"Source: simulated by callup v{facts.get('version', '?')}, scenario {facts.get('scenario', '?')}, "
            f"scale {scale}{share}, seed {facts.get('seed', '?')}.")
    return note + ("<br>" + extra if extra else "")


def _style(fig: go.Figure, title: str, subtitle: str, note: str, *, y_title: str, x_title: str,
           height: int = 560, legend: bool = True) -> None:
    fig.update_layout(
        title={"text": f"<b>{title}</b><br><span style='font-size:13px;color:#555'>{subtitle}</span>",
               "x": 0.01, "xanchor": "left", "y": 1 - 16 / height, "yanchor": "top"},
        template="plotly_white", height=height, width=None,
        margin={"l": 90, "r": 30, "t": 130, "b": 150},
        font={"family": "DejaVu Sans, Arial, sans-serif", "size": 13},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.01, "x": 0, "xanchor": "left"},
        showlegend=legend, hovermode="x unified",
    )
    fig.update_yaxes(title_text=y_title, tickformat=",~s" if "%" not in y_title else None, rangemode="tozero",
                     zeroline=True, zerolinecolor="#999")
    fig.update_xaxes(title_text=x_title)
    if x_title == X_CAMPAIGN:
        fig.update_xaxes(tickangle=-40)  # the label ends at its bar
    fig.add_annotation(text=note, xref="paper", yref="paper", x=0, y=0, yshift=-112, xanchor="left",
                       yanchor="top", showarrow=False, align="left", font={"size": 11, "color": "#555"})


def _events(fig: go.Figure, run: Run, events: list[tuple[str, int]]) -> None:
    """Dashed vertical lines between campaigns where the scenario's events fall."""
    days = []
    for c in run.campaigns:
        try:
            days.append(dt.date.fromisoformat(str(c.get("day"))).toordinal() - dt.date(1970, 1, 1).toordinal())
        except ValueError:
            return
    placed: list[float] = []
    for label, day in events:
        k = next((i for i, d in enumerate(days) if d >= day), None)
        if k is None or k == 0:
            continue
        x = k - 0.5
        crowded = any(abs(x - p) < 3 for p in placed)
        placed.append(x)
        fig.add_shape(type="line", xref="x", yref="paper", x0=x, x1=x, y0=0, y1=1,
                      line={"dash": "dash", "color": "#888", "width": 1})
        fig.add_annotation(x=x, xref="x", y=0.94 if crowded else 1, yref="paper", text=label, showarrow=False,
                           xanchor="left", yanchor="top", font={"size": 11, "color": "#555"},
                           bgcolor="rgba(255,255,255,0.7)")


def _series(run: Run, key: str) -> list[float]:
    return [num(c, key) for c in run.campaigns]


def _has(run: Run, *keys: str) -> bool:
    return any(any(num(c, k) for c in run.campaigns) for k in keys)


def drafted_vs_quota(run: Run, note: str, events: list[tuple[str, int]]) -> Chart | None:
    if not _has(run, "drafted", "quota_decree"):
        return None
    x = run.campaign_names
    fig = go.Figure()
    fig.add_bar(x=x, y=_series(run, "drafted"), name="drafted (sent to service)", marker_color=PALETTE[0])
    if _has(run, "shortfall"):
        fig.add_bar(x=x, y=_series(run, "shortfall"), name="shortfall (quota not met)", marker_color=PALETTE[3])
    fig.add_scatter(x=x, y=_series(run, "quota_decree"), name="decree quota", mode="lines+markers",
                    line={"color": "#111", "dash": "dot", "width": 2}, marker={"symbol": "diamond", "size": 9})
    fig.update_layout(barmode="stack")
    _style(fig, "Conscripts drafted against the decree quota", "per campaign; the quota is the President's decree",
           note, y_title=MEN, x_title=X_CAMPAIGN)
    _events(fig, run, events)
    return Chart("drafted-quota", "Conscripts drafted against the decree quota",
                 "Men sent to service in each campaign (bars) and the quota of the call-up decree (dotted line). "
                 "A red bar on top is a shortfall: too few liable, fit men appeared.", fig)


def summons(run: Run, note: str, events: list[tuple[str, int]]) -> Chart | None:
    keys = {"summoned": "summoned", "appeared": "appeared at the office", "ignored": "ignored the summons",
            "left_on_summons": "left the country after the summons", "examined": "examined by the medical board"}
    if not _has(run, *keys):
        return None
    fig = go.Figure()
    for i, (k, label) in enumerate(keys.items()):
        if _has(run, k) or k in ("summoned", "ignored"):
            fig.add_scatter(x=run.campaign_names, y=_series(run, k), name=label, mode="lines+markers",
                            line={"color": PALETTE[i], "width": 2})
    _style(fig, "Summonses and how the men responded", "per campaign", note, y_title=MEN, x_title=X_CAMPAIGN)
    _events(fig, run, events)
    return Chart("summons", "Summonses and how the men responded",
                 "Men summoned in each campaign, and how many appeared, were examined, ignored the summons or "
                 "left the country on receiving it.", fig)


def by_reason(run: Run, note: str, events: list[tuple[str, int]], kind: str) -> Chart | None:
    prefixes = {"deferral": ("reason_deferral.",), "exempt": ("reason_exempt.", "reason_not_subject.")}[kind]
    cols = [k for k in run.campaigns[0] if k.startswith(prefixes)]
    for c in run.campaigns[1:]:
        cols += [k for k in c if k.startswith(prefixes) and k not in cols]
    cols = [k for k in cols if _has(run, k)]
    if not cols:
        return None
    cols.sort(key=lambda k: -sum(_series(run, k)))
    fig = go.Figure()
    for i, k in enumerate(cols):
        code = k.removeprefix("reason_")
        label = code.replace("deferral.", "").replace("exempt.", "exempt: ").replace("not_subject.", "not subject: ")
        label = label.replace("health_g", "health category G").replace("health_v", "health category V")
        label = label.replace("health_d", "health category D").replace("study.", "study: ").replace("_", " ")
        label = label.replace("acs ", "ACS ")
        nicer = {"it": "IT work", "study: spo": "study: vocational (SPO)", "care": "care of a relative"}
        label = nicer.get(label, label)
        fig.add_bar(x=run.campaign_names, y=_series(run, k), name=label, marker_color=PALETTE[i % len(PALETTE)],
                    hovertemplate=f"{code}: %{{y:,.0f}}<extra></extra>")
    fig.update_layout(barmode="stack")
    if kind == "deferral":
        title, sub = "Men with a deferral, by reason", "resident men of call-up age, on each campaign's first day"
        cap = ("The men of call-up age who hold a deferral on the campaign's first day, by the reason code of the "
               "law (a man with several reasons is counted under each).")
    else:
        title = "Men exempt or not subject to call-up, by reason"
        sub = "resident men of call-up age, on each campaign's first day"
        cap = ("The men of call-up age exempt from call-up (health categories V and D, service done, degree, ...) "
               "or not subject to it (sentence, conviction, investigation), by reason code.")
    _style(fig, title, sub, note, y_title=MEN, x_title=X_CAMPAIGN, height=680)
    fig.update_layout(legend={"orientation": "v", "x": 1.01, "y": 1, "yanchor": "top", "xanchor": "left",
                              "traceorder": "reversed", "title": {"text": "reason (top of the stack first)"},
                              "font": {"size": 11}, "tracegroupgap": 0},
                      margin={"r": 250})
    _events(fig, run, events)
    return Chart(f"reasons-{kind}", title, cap, fig, 680)


def acs(run: Run, note: str, events: list[tuple[str, int]]) -> Chart | None:
    if not _has(run, "acs_applied", "acs_approved", "in_service_acs"):
        return None
    x = run.campaign_names
    fig = go.Figure()
    fig.add_bar(x=x, y=_series(run, "acs_applied"), name="applied for ACS", marker_color=PALETTE[1])
    fig.add_bar(x=x, y=_series(run, "acs_approved"), name="ACS granted", marker_color=PALETTE[2])
    fig.add_scatter(x=x, y=_series(run, "in_service_acs"), name="in ACS on the campaign day (stock)",
                    mode="lines+markers", line={"color": "#111", "width": 2})
    fig.update_layout(barmode="group")
    _style(fig, "Alternative civilian service (ACS)", "applications and grants per campaign; men serving (stock)",
           note, y_title=MEN, x_title=X_CAMPAIGN)
    _events(fig, run, events)
    return Chart("acs", "Alternative civilian service (ACS)",
                 "Applications for alternative civilian service and grants in each campaign (bars) and the men "
                 "serving it on the campaign's first day (line).", fig)


def emigration(run: Run, note: str, events: list[tuple[str, int]]) -> Chart | None:
    keys = {"emigrated": "emigrated", "returned": "returned from abroad", "deregistered": "deregistered (abroad)",
            "left_on_summons": "left after a summons"}
    if not _has(run, *keys):
        return None
    fig = go.Figure()
    for i, (k, label) in enumerate(keys.items()):
        if _has(run, k):
            fig.add_bar(x=run.campaign_names, y=_series(run, k), name=label, marker_color=PALETTE[(i + 3) % 10])
    if _has(run, "emigrants_abroad"):
        fig.add_scatter(x=run.campaign_names, y=_series(run, "emigrants_abroad"), name="emigrants abroad (stock)",
                        mode="lines+markers", line={"color": "#111", "width": 2})
    fig.update_layout(barmode="group")
    _style(fig, "Emigration and return of men", "men leaving and returning in the half-year before each campaign "
           "day; emigrants abroad (stock)", note, y_title=MEN, x_title=X_CAMPAIGN)
    _events(fig, run, events)
    return Chart("emigration", "Emigration and return of men",
                 "Men (18 to the model's emigration age limit) who left the country, returned or deregistered in "
                 "the half-year to each campaign day, and the emigrants abroad on that day.", fig)


def contracts_mobilisation(run: Run, note: str, events: list[tuple[str, int]]) -> Chart | None:
    if not _has(run, "contracts", "mobilised"):
        return None
    fig = go.Figure()
    fig.add_bar(x=run.campaign_names, y=_series(run, "contracts"), name="first contracts signed",
                marker_color=PALETTE[4])
    if _has(run, "mobilised"):
        fig.add_bar(x=run.campaign_names, y=_series(run, "mobilised"), name="reservists mobilised",
                    marker_color=PALETTE[3])
    fig.update_layout(barmode="group")
    _style(fig, "Contracts and mobilisation", "men entering service other than by conscription, per half-year",
           note, y_title=MEN, x_title=X_CAMPAIGN)
    _events(fig, run, events)
    return Chart("contracts-mobilisation", "Contracts and mobilisation",
                 "First military contracts signed (civilian men) and reservists mobilised, in the half-year "
                 "to each campaign day.", fig)


def in_service(run: Run, note: str, events: list[tuple[str, int]]) -> Chart | None:
    keys = {"in_service_conscripts": "conscripts", "in_service_contract": "contract soldiers",
            "in_service_mobilised": "mobilised", "in_service_acs": "in ACS"}
    if not _has(run, *keys):
        return None
    fig = go.Figure()
    for i, (k, label) in enumerate(keys.items()):
        fig.add_scatter(x=run.campaign_names, y=_series(run, k), name=label, mode="lines+markers",
                        line={"color": PALETTE[i], "width": 2})
    _style(fig, "Men in service", "stock on each campaign's first day", note, y_title=MEN, x_title=X_CAMPAIGN)
    _events(fig, run, events)
    return Chart("in-service", "Men in service",
                 "Men serving on each campaign's first day: conscripts, contract soldiers (those the model "
                 "follows), mobilised reservists and men in alternative civilian service.", fig)


# --- the Sankey ---------------------------------------------------------------------------------------------

_NODE_COLOURS = {"pool": "#7f7f7f", "good": "#2ca02c", "neutral": "#1f77b4", "exempt": "#ff7f0e",
                 "away": "#d62728", "drafted": "#08306b"}


def sankey_links(f: dict[str, float]) -> list[tuple[str, str, float, str]]:
    """The flows of one campaign as (source, target, men, kind of target)."""
    g = lambda k: max(float(f.get(k, 0.0)), 0.0)  # noqa: E731
    fit = g("examined_A") + g("examined_B")
    other = g("examined") - fit - g("examined_V") - g("examined_G") - g("examined_D")
    links = [
        ("summoned", "appeared", g("appeared"), "neutral"),
        ("summoned", "ignored the summons", g("ignored"), "away"),
        ("summoned", "left the country", g("left_on_summons"), "away"),
        ("appeared", "examined", g("examined"), "neutral"),
        ("appeared", "not examined", g("appeared") - g("examined"), "pool"),
        ("examined", "fit (A/B)", fit, "good"),
        ("examined", "temp. unfit (G): deferred", g("examined_G"), "exempt"),
        ("examined", "partially fit (V): exempt", g("examined_V"), "exempt"),
        ("examined", "unfit (D): exempt", g("examined_D"), "exempt"),
        ("examined", "category not recorded", other, "pool"),
        ("fit (A/B)", "eligible", g("eligible"), "good"),
        ("fit (A/B)", "fit, but deferred or exempt", fit - g("eligible"), "exempt"),
        ("eligible", "drafted", g("drafted"), "drafted"),
        ("eligible", "not drafted", g("eligible") - g("drafted"), "pool"),
        ("ignored the summons", "fined (KoAP 21.5)", g("fined"), "away"),
        ("ignored the summons", "not fined", g("ignored") - g("fined"), "pool"),
    ]
    return [(s, t, round(v), k) for s, t, v, k in links if round(v) > 0]


def _sankey_positions(names: list[str], links: list, totals: dict[str, float]) -> tuple[list[float], list[float]]:
    """Fixed node positions: each node in the column of its depth (a man who leaves the path ends
    there, not at the far right), stacked from the top in path order, so that flows do not cross."""
    depth = {n: 0 for n in names}
    for _ in names:
        for s, t, _v, _k in links:
            depth[t] = max(depth[t], depth[s] + 1)
    cols = max(depth.values()) or 1
    pad = 0.04
    by_col: dict[int, list[str]] = {}
    for n in names:
        by_col.setdefault(depth[n], []).append(n)
    scale = max(sum(totals[n] for n in col) for col in by_col.values()) or 1.0
    span = 1 - pad * max(len(col) for col in by_col.values())
    xs, ys = [], []
    for n in names:
        d = depth[n]
        xs.append(0.001 + 0.998 * d / cols)
    y_of: dict[str, float] = {}
    for col in by_col.values():
        top = 0.0
        for n in col:
            h = span * totals[n] / scale
            y_of[n] = min(max(top + h / 2, 0.001), 0.999)
            top += h + pad
    ys = [y_of[n] for n in names]
    return xs, ys


def _sankey_trace(f: dict[str, float], visible: bool) -> go.Sankey:
    # nodes in the reverse order of the path (the exits stacked above the path): with this order plotly
    # attaches each node's flows in the order of their targets, so that no two flows cross
    links = sankey_links(f)[::-1]
    names: list[str] = []
    kinds: dict[str, str] = {}
    for s, t, _v, k in links:
        for n in (s, t):
            if n not in names:
                names.append(n)
        kinds[t] = k
    totals = {n: max(sum(v for s, _t, v, _k in links if s == n), sum(v for _s, t, v, _k in links if t == n))
              for n in names}
    colour = {n: _NODE_COLOURS[kinds.get(n, "neutral")] for n in names}
    link_colour = [colour[t].replace("#", "") for _s, t, _v, _k in links]
    link_colour = [f"rgba({int(c[0:2], 16)},{int(c[2:4], 16)},{int(c[4:6], 16)},0.35)" for c in link_colour]
    xs, ys = _sankey_positions(names, links, totals)
    return go.Sankey(
        visible=visible, arrangement="snap", valueformat=",.0f", valuesuffix=" men",
        node={"label": [f"{n}: {totals[n]:,.0f}" for n in names], "color": [colour[n] for n in names],
              "pad": 14, "thickness": 16, "line": {"color": "#444", "width": 0.5}, "x": xs, "y": ys},
        link={"source": [names.index(s) for s, _t, _v, _k in links],
              "target": [names.index(t) for _s, t, _v, _k in links],
              "value": [v for _s, _t, v, _k in links], "color": link_colour},
    )


def sankey(run: Run, note: str, campaign: str | None = None) -> Chart | None:
    names = [c for c in run.campaign_names if sankey_links(run.flows.get(c, {}))]
    if not names:
        return None
    default = campaign if campaign in names else names[-1]
    title = "Where the men of a campaign went"

    def head(c: str) -> str:
        f = run.flows[c]
        reach = f" (of {f.get('reachable', 0):,.0f} liable men a summons could reach)" if f.get("reachable") else ""
        return (f"<b>{title}: {c}</b><br><span style='font-size:13px;color:#555'>the men summoned{reach}, up to "
                "the drafted;</span><br><span style='font-size:13px;color:#555'>eligible = liable and fit, not "
                "drafted = above the quota; widths in men (national totals, weighted)</span>")

    fig = go.Figure([_sankey_trace(run.flows[c], c == default) for c in names])
    _style(fig, title, "", note, y_title="", x_title="", height=640, legend=False)
    fig.update_layout(title={"text": head(default)}, hovermode=False, margin={"l": 20, "r": 20, "t": 140, "b": 90})
    fig.layout.annotations[-1].update(yshift=-20)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    buttons = [{"label": c, "method": "update",
                "args": [{"visible": [n == c for n in names]}, {"title.text": head(c)}]} for c in names]
    fig.update_layout(updatemenus=[{"buttons": buttons, "active": names.index(default), "x": 1, "xanchor": "right",
                                    "y": 1.03, "yanchor": "bottom", "showactive": True}])
    return Chart("sankey", title,
                 f"The path of the men of one campaign (shown: {default}; choose another in the menu at the top "
                 "right): the men summoned appeared, ignored the summons or left the country; examined and found "
                 "fit or not; among the fit and liable, drafted up to the quota. Men who ignored the summons may be "
                 "fined (KoAP 21.5); Art. 328 prosecutions are counted in the table of campaigns.", fig, 640)


# --- calibration -------------------------------------------------------------------------------------------

def calibration(run: Run, note: str) -> Chart | None:
    rows = [r for r in run.calibration if isinstance(r.get("rel_error"), int | float)]
    if not rows:
        return None
    labels = [f"{r['target']} ({r.get('year', '')})" for r in rows][::-1]
    rel = [100.0 * float(r["rel_error"]) for r in rows][::-1]
    shown = [max(-100.0, min(100.0, e)) for e in rel]
    colours = ["#2ca02c" if abs(e) <= 10 else "#ff7f0e" if abs(e) <= 25 else "#d62728" for e in rel]

    def two_se(r: dict) -> float:  # ±2 Monte-Carlo standard errors, in % of the target
        se, value = r.get("se"), r.get("value")
        ok = isinstance(se, int | float) and isinstance(value, int | float) and value and not isinstance(se, bool)
        return min(200.0 * float(se) / abs(float(value)), 100.0) if ok else 0.0

    whiskers = [two_se(r) for r in rows][::-1]
    fig = go.Figure(go.Bar(x=shown, y=labels, orientation="h", marker_color=colours, showlegend=False,
                           text=[f"{e:+.1f}%" for e in rel], textposition="outside", cliponaxis=False,
                           error_x={"type": "data", "array": whiskers, "color": "#444", "thickness": 1.2,
                                    "width": 4, "visible": any(whiskers)},
                           customdata=[f"±{x:.1f}%" for x in whiskers],
                           hovertemplate="%{y}: %{text} (2 SE %{customdata})<extra></extra>"))
    for name, colour in (("within ±10%", "#2ca02c"), ("±10-25%", "#ff7f0e"), ("beyond ±25%", "#d62728")):
        fig.add_scatter(x=[None], y=[None], mode="markers", marker={"color": colour, "size": 12, "symbol": "square"},
                        name=name)
    height = max(480, 28 * len(rows) + 260)
    _style(fig, "Calibration: simulated against target", "relative error of each target; bars are clipped at "
           "±100%, the label gives the full error; whiskers: ±2 Monte-Carlo standard errors",
           note + "<br>Targets: callup/data/ru/calibration_targets.csv "
           "(each target's source is in the table below).",
           y_title="calibration target (year)", x_title="relative error, % ((simulated - target) / target)",
           height=height)
    fig.update_xaxes(range=[-125, 125], zeroline=True, zerolinecolor="#333", ticksuffix="%")
    fig.update_yaxes(tickformat=None, rangemode="normal")
    fig.update_layout(hovermode="closest", margin={"l": 200})
    fig.layout.annotations[-1].update(xshift=-190)
    return Chart("calibration", "Calibration: simulated against target",
                 "The relative error of each calibration target the run produces (green within ±10%, orange "
                 "within ±25%, red beyond), with whiskers of ±2 Monte-Carlo standard errors of the simulated value "
                 "(an error inside them is sampling noise at this scale); the table below gives the values, the "
                 "standard errors and the sources.", fig, height)


# --- comparison --------------------------------------------------------------------------------------------

DIFF_OUTCOMES = {
    "drafted": "drafted", "summoned": "summoned", "ignored": "ignored the summons", "emigrated": "emigrated",
    "contracts": "first contracts", "mobilised": "mobilised", "acs_approved": "ACS granted",
    "acs_in_service": "in ACS (stock)", "convictions_328": "Art. 328 convictions",
    "conscripts_in_service": "conscripts in service (stock)", "returned": "returned from abroad",
    "men_18_27": "men aged 18-27",
}


STOCK_FLOW = "men per year; a flow is summed over the year's campaigns, a stock is its mean or last value in the year"


def diff_outcomes(comp: Comparison) -> list[str]:
    """The measures to chart: those of compare.json (in its order), else the report's main outcomes."""
    present: set[str] = set()
    for table in comp.years.values():
        for row in table.values():
            present |= set(row)
    order = list(comp.measures) or list(DIFF_OUTCOMES)
    return [k for k in order if k in present]


def outcome_label(comp: Comparison, measure: str) -> str:
    text = comp.measures.get(measure) or DIFF_OUTCOMES.get(measure) or measure.replace("_", " ")
    return text if len(text) <= 60 else text[:57] + "..."


def comparison_charts(comp: Comparison, note: str) -> list[Chart]:
    from plotly.subplots import make_subplots

    outcomes = diff_outcomes(comp)
    if not outcomes:
        return []
    ref = comp.reference
    others = [s for s in comp.scenarios if s != ref]
    years = sorted({y for t in comp.years.values() for y in t})
    cols = 2
    rows = math.ceil(len(outcomes) / cols)
    charts = []
    for kind in ("diff", "levels"):
        shown = others if kind == "diff" else [*others, ref]  # the reference drawn last, on top
        if not shown:
            continue
        fig = make_subplots(rows=rows, cols=cols, subplot_titles=[outcome_label(comp, o) for o in outcomes],
                            vertical_spacing=0.5 / rows, horizontal_spacing=0.1)
        for i, o in enumerate(outcomes):
            r, c = divmod(i, cols)
            flat = True
            for j, s in enumerate(shown):
                if kind == "diff":
                    y = [comp.years[s].get(yr, {}).get(o, 0.0) - comp.years[ref].get(yr, {}).get(o, 0.0)
                         for yr in years]
                else:
                    y = [comp.years[s].get(yr, {}).get(o) for yr in years]
                flat = flat and all(not v for v in y)
                band = comp.intervals.get(s, {})
                error = None
                if kind == "diff" and any(o in band.get(yr, {}) for yr in years):
                    lo = [band.get(yr, {}).get(o, (v, v))[0] for yr, v in zip(years, y, strict=True)]
                    hi = [band.get(yr, {}).get(o, (v, v))[1] for yr, v in zip(years, y, strict=True)]
                    if any(a != b for a, b in zip(lo, hi, strict=True)):
                        error = {"type": "data", "symmetric": False, "thickness": 1.2, "width": 4,
                                 "array": [h - v for h, v in zip(hi, y, strict=True)],
                                 "arrayminus": [v - lo_ for lo_, v in zip(lo, y, strict=True)]}
                fig.add_scatter(error_y=error, x=years, y=y, name=s if kind == "levels" else f"{s} - {ref}",
                                mode="lines+markers",
                                line={"color": "#111" if s == ref else PALETTE[j % len(PALETTE)],
                                      "width": 2, "dash": "dot" if s == ref else "solid"},
                                legendgroup=s, showlegend=i == 0, row=r + 1, col=c + 1)
            if flat:  # all zero: one tick at 0, no milli-men
                fig.update_yaxes(range=[-1, 1], tickvals=[0], row=r + 1, col=c + 1)
        height = 260 * rows + 260
        if kind == "diff":
            title = f"Scenario differences per year: scenario minus {ref}"
            sub = STOCK_FLOW
            cap = (f"For each main outcome, each scenario's yearly value minus that of the reference scenario {ref} "
                   "(common random numbers: the same population and draws, so a difference is the scenario's "
                   "effect, not noise). Flows are summed over the year's campaigns, stocks averaged or taken on "
                   "the last campaign day, as compare.json says of each measure"
                   + ("; whiskers: the 90% interval of the difference across runs." if comp.intervals else "."))
        else:
            title, sub = "Outcomes per year by scenario", STOCK_FLOW
            cap = f"The yearly values of each scenario (the reference {ref}: black, dotted)."
        _style(fig, title, sub, note, y_title="", x_title="", height=height)
        fig.update_layout(hovermode="x unified", legend={"y": 1 + 34 / (height - 280)})
        fig.update_yaxes(tickformat=",~s", rangemode="normal" if kind == "diff" else "tozero", title_text=None)
        fig.update_yaxes(title_text="men", col=1)
        fig.update_xaxes(dtick=1, tickformat="d", title_text=None)
        fig.update_xaxes(title_text="year", row=rows)
        charts.append(Chart(f"compare-{kind}", title, cap, fig, height))
    return charts
