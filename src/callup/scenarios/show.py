"""``callup scenario show``: a resolved scenario as rich tables, every value with its citation or source."""

from __future__ import annotations

import csv
import datetime as dt
from importlib import resources
from typing import Any

from rich.table import Table
from rich.text import Text

from .model import Scenario, day_text

FIRST, LAST = dt.date(2019, 1, 1), dt.date(2025, 12, 31)
"""The simulated years: a parameter's values in force in them are shown."""


def _fmt(value: Any) -> str:
    if value is None:
        return "null (none)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:,}" if isinstance(value, int) else f"{value:g}"
    if isinstance(value, tuple | list):
        return "[" + ", ".join(map(str, value)) + "]"
    return str(value)


def _citation(entry: Any) -> str:
    if entry is None:
        return "(no value before this date)"
    extra = f"; url {entry.url}" if getattr(entry, "url", None) else ""
    return f"{entry.reference} [{entry.status}]{extra}"


def _varied_paths() -> list[str]:
    from .load import SCENARIOS, load_scenario

    paths: list[str] = []
    for name in SCENARIOS:
        for key in load_scenario(name).provenance:
            if key[0] == "parameters" and key[1] not in paths:
                paths.append(key[1])
    return paths


def _law_table(scen: Scenario) -> Table:
    from callup.jurisdictions import ru

    base = ru.law()
    overrides = sorted({(k[1], k[2]) for k in scen.provenance if k[0] == "parameters"})
    if overrides:
        t = Table(title=f"Law: the values scenario {scen.name} sets, and the values they replace", show_lines=True)
        for c in ("parameter", "from", "value", "replaces", "citation of the replaced value", "set by"):
            t.add_column(c, overflow="fold")
        for path, day in overrides:
            new = scen.law[path].entry_at(dt.date.fromisoformat(day))
            old = base[path].entry_at(dt.date.fromisoformat(day))
            t.add_row(path, day, _fmt(new.value), "-" if old is None else _fmt(old.value), _citation(old),
                      new.reference)
        return t
    t = Table(title="Law: the parameters the bundled scenarios vary, as in force 2019-2025 (with citations)",
              show_lines=True)
    for c in ("parameter", "from", "value", "citation [status]"):
        t.add_column(c, overflow="fold")
    for path in _varied_paths():
        p = scen.law[path]
        for i, e in enumerate(p.values):
            nxt = p.values[i + 1].start if i + 1 < len(p.values) else dt.date.max
            if nxt > FIRST and e.start <= LAST:
                t.add_row(path, e.start.isoformat(), _fmt(e.value), _citation(e))
    return t


def _short(where: str) -> str:
    """A provenance label with a user file's directories dropped (the header gives the full path)."""
    return where if where.startswith("bundled/") else where.rsplit("/", 1)[-1]


def _behaviour_table(scen: Scenario) -> Table:
    from callup.scenarios.load import calibrated_behaviour

    base, _ = calibrated_behaviour()
    dated = dict(scen.behaviour_dated)
    t = Table(
        title=f"Behaviour values of {scen.name} (behaviour.yaml + calibrated baseline_fit.yaml; range, source)",
        show_lines=False,
    )
    for c in ("name", "value", "baseline", "range", "source", "set by"):
        t.add_column(c, overflow="fold")
    for name in scen.behaviour:
        p = scen.behaviour.parameter(name)
        value = _fmt(p.value)
        if name in dated:
            value += "".join(f"; from {day_text(d)}: {_fmt(v)}" for d, v in dated[name])
        changed = p.value != base[name] or name in dated
        t.add_row(Text(name, style="bold" if changed else ""), value, _fmt(base[name]) if changed else "",
                  f"[{_fmt(p.range[0])}, {_fmt(p.range[1])}]", p.source,
                  _short(scen.provenance.get(("behaviour", name), "behaviour.yaml")))
    return t


def _assumptions_table(scen: Scenario) -> Table | None:
    """The population assumptions the scenario moves (the calibrated ones for every bundled scenario),
    with the assumptions.yaml value they replace, the range and the source."""
    if not scen.assumptions:
        return None
    from callup.population import load_assumptions

    bundled = load_assumptions()
    t = Table(title=f"Population assumptions moved by {scen.name} (from population/assumptions.yaml)",
              show_lines=False)
    for c in ("path", "value", "assumptions.yaml", "range", "source", "set by"):
        t.add_column(c, overflow="fold")
    for path, value in scen.assumptions.items():
        a = bundled[path]
        low, high = a.range
        t.add_row(path, _fmt(value), _fmt(a.value) if a.kind == "value" else f"table x {_fmt(value)}",
                  f"[{_fmt(low)}, {_fmt(high)}]", a.source,
                  _short(scen.provenance.get(("assumptions", path), "scenario")))
    return t


def _payments(scen: Scenario) -> list[tuple[str, float, str]]:
    if scen.signup_payments is not None:
        where = scen.provenance.get(("signup_payments",), "scenario")
        return [(day_text(d), v, f"scenario ({where})") for d, v in scen.signup_payments]
    text = resources.files("callup").joinpath("data/ru/signup_payments.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    return [(r["from"], float(r["payment_rub"]), r["source"]) for r in rows]


def _events_table(scen: Scenario) -> Table:
    ev, pv = scen.events, scen.provenance
    t = Table(title="Events and policy inputs", show_lines=True)
    for c in ("what", "value", "source / set by"):
        t.add_column(c, overflow="fold")
    t.add_row("war start (emigration wave 1, war factors)", day_text(ev.war_start),
              pv.get(("events", "war_start"), "baseline: 2022-02-24"))
    if ev.mobilisation is None:
        t.add_row("partial mobilisation", "none", pv.get(("events", "mobilisation"), ""))
    else:
        day = ev.mobilisation
        target = scen.law.entry_at("mobilisation.target", day)
        t.add_row("partial mobilisation (emigration wave 2)", f"{day_text(day)}, target {_fmt(target.value)}",
                  pv.get(("events", "mobilisation"), _citation(scen.law.entry_at("mobilisation.declared", day))))
    for day, share in ev.emigration_shocks:
        oldest = _fmt(scen.behaviour["emigration_age_max"])
        t.add_row("emigration shock", f"{day_text(day)}: {share:g} of the men of 18-{oldest}",
                  pv.get(("events", "emigration_shock"), ""))
    factor = scen.signup_payment_factor
    for start, pay, src in _payments(scen):
        shown = f"{pay * factor:,.0f} roubles" + (f" ({factor:g} x {pay:,.0f})" if factor != 1 else "")
        t.add_row(f"federal sign-up payment from {start}", shown, src)
    return t


def render(scen: Scenario) -> list[Any]:
    head = Text()
    head.append(f"Scenario {scen.name}\n", style="bold")
    head.append(f"{scen.description}\n")
    if len(scen.chain) > 1:
        head.append("Extends: " + " -> ".join(scen.chain) + "\n")
    if scen.file:
        head.append(f"File: {scen.file}\n")
    if scen.sources:
        head.append("Sources:\n" + "".join(f"  - {s}\n" for s in scen.sources))
    tables = [head, _law_table(scen), _events_table(scen), _behaviour_table(scen)]
    moved = _assumptions_table(scen)
    return tables if moved is None else [*tables, moved]
