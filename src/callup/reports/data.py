"""Reading a run directory (``callup simulate --out``) or a comparison directory (``callup compare --out``)
into plain rows for the report."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


class ReportError(ValueError):
    """The directory is not a run or comparison output, or one of its tables cannot be read."""


def _number(text: str) -> Any:
    if text == "":
        return None
    try:
        value = float(text)
    except ValueError:
        return text
    return int(value) if value.is_integer() and "." not in text and "e" not in text.lower() else value


def read_rows(directory: Path, stem: str) -> list[dict[str, Any]] | None:
    """``stem``.parquet (preferred) or ``stem``.csv as a list of rows; None if neither exists."""
    pq_path, csv_path = directory / f"{stem}.parquet", directory / f"{stem}.csv"
    try:
        if pq_path.is_file():
            import pyarrow.parquet as pq

            return pq.read_table(pq_path).to_pylist()
        if csv_path.is_file():
            with csv_path.open(encoding="utf-8", newline="") as fh:
                lines = (line for line in fh if not line.startswith("#"))
                return [{k: _number(v) if isinstance(v, str) else v for k, v in r.items()}
                        for r in csv.DictReader(lines)]
    except Exception as exc:  # a damaged table: say which
        raise ReportError(f"{directory}: cannot read {stem}: {exc}") from exc
    return None


def num(row: dict[str, Any], key: str) -> float:
    """A numeric cell, 0 when missing or empty."""
    value = row.get(key)
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0


def is_run_dir(directory: Path) -> bool:
    return (directory / "run.json").is_file() and any(
        (directory / f"campaigns.{ext}").is_file() for ext in ("parquet", "csv"))


def is_compare_dir(directory: Path) -> bool:
    return (directory / "compare.json").is_file() or any(
        (directory / f"comparison_years.{ext}").is_file() for ext in ("parquet", "csv"))


@dataclass
class Run:
    """One run directory's tables."""

    directory: Path
    facts: dict[str, Any]
    campaigns: list[dict[str, Any]]
    years: list[dict[str, Any]]
    flows: dict[str, dict[str, float]]
    calibration: list[dict[str, Any]]

    @property
    def scenario(self) -> str:
        return str(self.facts.get("scenario", "?"))

    @property
    def campaign_names(self) -> list[str]:
        return [str(c["campaign"]) for c in self.campaigns]


def load_run(directory: Path) -> Run:
    if not is_run_dir(directory):
        raise ReportError(f"{directory}: not a run directory (expected run.json and campaigns.parquet/.csv, "
                          "as written by `callup simulate --out DIR`)")
    try:
        facts = json.loads((directory / "run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ReportError(f"{directory / 'run.json'}: cannot read: {exc}") from exc
    campaigns = read_rows(directory, "campaigns") or []
    if not campaigns:
        raise ReportError(f"{directory}: campaigns table is empty")
    years = read_rows(directory, "years") or []
    flows: dict[str, dict[str, float]] = {}
    for r in read_rows(directory, "flows") or []:
        flows.setdefault(str(r["campaign"]), {})[str(r["flow"])] = float(r["value"] or 0.0)
    if not flows:  # the campaign table carries the same counts
        flows = {str(c["campaign"]): {k: num(c, k) for k in c} for c in campaigns}
    calibration = read_rows(directory, "calibration") or []
    return Run(directory, facts, campaigns, years, flows, calibration)


@dataclass
class Comparison:
    """A comparison directory: the scenarios, the reference, each scenario's mean yearly values of the
    measures, and the tables ``callup compare`` wrote."""

    directory: Path
    facts: dict[str, Any]
    scenarios: list[str]
    reference: str
    years: dict[str, dict[int, dict[str, float]]]
    """{scenario: {year: {measure: value}}} (mean over runs)."""
    intervals: dict[str, dict[int, dict[str, tuple[float, float]]]] = field(default_factory=dict)
    """{scenario: {year: {measure: (low, high)}}}: the interval of the difference across runs, if given."""
    measures: dict[str, str] = field(default_factory=dict)
    """{measure: meaning}, in the order of compare.json (empty: the report's own labels)."""
    runs: dict[str, Run] = field(default_factory=dict)
    """One run directory per scenario (the first run), where the comparison kept them."""
    summary_years: list[dict[str, Any]] | None = None
    comparison_years: list[dict[str, Any]] | None = None
    summary_campaigns: list[dict[str, Any]] | None = None
    comparison_campaigns: list[dict[str, Any]] | None = None


def _run_dirs(directory: Path) -> list[Path]:
    """The run directories of one scenario: ``directory`` itself (first run) and its ``seed-N``
    subdirectories (further runs), or else its run subdirectories."""
    if not directory.is_dir():
        return []
    subs = sorted(d for d in directory.iterdir() if d.is_dir() and not d.name.startswith(".") and is_run_dir(d))
    return [directory, *subs] if is_run_dir(directory) else subs


def _mean_years(runs: list[Run]) -> dict[int, dict[str, float]]:
    out: dict[int, dict[str, float]] = {}
    for run in runs:
        for row in run.years:
            year = int(row["year"])
            acc = out.setdefault(year, {})
            for k, v in row.items():
                if k != "year" and isinstance(v, int | float) and not isinstance(v, bool):
                    acc[k] = acc.get(k, 0.0) + float(v) / len(runs)
    return out


def _is_num(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _from_long(rows: list[dict[str, Any]], reference: str | None) -> tuple[dict, dict]:
    """Values (and intervals) per scenario, year and measure from a long table: the summary
    (value_mean, reference_mean, difference_lo/_hi) or the per-run rows (value, reference; averaged)."""
    years: dict[str, dict[int, dict[str, float]]] = {}
    intervals: dict[str, dict[int, dict[str, tuple[float, float]]]] = {}
    if not rows or not {"scenario", "year"} <= set(rows[0]):
        return years, intervals
    key = next((k for k in ("measure", "outcome", "metric", "variable") if k in rows[0]), None)
    value = next((k for k in ("value_mean", "value") if k in rows[0]), None)
    ref_value = next((k for k in ("reference_mean", "reference") if k in rows[0]), None)
    sums: dict[tuple[str, int, str], list[float]] = {}
    refs: dict[tuple[int, str, str], list[float]] = {}
    for r in rows:
        try:
            year = int(r["year"])
        except (TypeError, ValueError):
            continue
        scen = str(r["scenario"])
        if key is not None and value is not None:
            items = [(str(r[key]), r[value])]
            if ref_value is not None and reference is not None and scen != reference and _is_num(r[ref_value]):
                refs.setdefault((year, str(r[key]), scen), []).append(float(r[ref_value]))
            if _is_num(r.get("difference_lo")) and _is_num(r.get("difference_hi")):
                intervals.setdefault(scen, {}).setdefault(year, {})[str(r[key])] = (
                    float(r["difference_lo"]), float(r["difference_hi"]))
        else:  # wide: one row per (scenario, year[, run]) with a column per measure
            items = [(k, v) for k, v in r.items() if k not in ("scenario", "year", "run", "seed")]
        for m, v in items:
            if _is_num(v):
                sums.setdefault((scen, year, m), []).append(float(v))
    if reference is not None and not any(s == reference for s, _y, _m in sums):
        # the reference has no rows of its own: its values are in the other scenarios' reference column
        # (one per scenario and run; the same numbers, so the first scenario's are used)
        first = next(iter({s for _y, _m, s in refs}), None)
        for (year, m, scen), v in refs.items():
            if scen == first:
                sums.setdefault((reference, year, m), []).extend(v)
    for (scen, year, m), vals in sums.items():
        years.setdefault(scen, {}).setdefault(year, {})[m] = sum(vals) / len(vals)
    return years, intervals


def load_comparison(directory: Path) -> Comparison:
    if not is_compare_dir(directory):
        raise ReportError(f"{directory}: not a comparison directory (expected compare.json or "
                          "comparison_years.csv/.parquet, as written by `callup compare --out DIR`)")
    facts: dict[str, Any] = {}
    if (directory / "compare.json").is_file():
        try:
            facts = json.loads((directory / "compare.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ReportError(f"{directory / 'compare.json'}: cannot read: {exc}") from exc
    summary_years = read_rows(directory, "comparison_summary_years")
    comp_years = read_rows(directory, "comparison_years")
    scenarios = [str(s) for s in facts.get("scenarios", []) if isinstance(s, str)]
    for table in (summary_years, comp_years):
        if not scenarios and table and "scenario" in table[0]:
            scenarios = list(dict.fromkeys(str(r["scenario"]) for r in table))
    dirnames = facts.get("directories") if isinstance(facts.get("directories"), dict) else {}
    if not scenarios:
        scenarios = [d.name for d in sorted(directory.iterdir()) if d.is_dir() and is_run_dir(d)]
    reference = str(facts.get("reference") or (scenarios[0] if scenarios else ""))
    runs: dict[str, Run] = {}
    run_years: dict[str, dict[int, dict[str, float]]] = {}
    for name in scenarios:
        dirs = _run_dirs(directory / str(dirnames.get(name, name)))
        if dirs:
            loaded = [load_run(d) for d in dirs]
            runs[name] = loaded[0]
            run_years[name] = _mean_years(loaded)
    years, intervals = _from_long(summary_years or comp_years or [], reference)
    if not years:
        years = run_years
    scenarios = [s for s in scenarios if s in years] or list(years)
    if not scenarios:
        raise ReportError(f"{directory}: no scenario results found (neither a comparison_years table nor "
                          "DIR/<scenario>/ run tables)")
    if reference not in scenarios:
        reference = scenarios[0]
    measures = {}
    if isinstance(facts.get("measures"), dict):
        measures = {str(m): str(v.get("meaning", m)) if isinstance(v, dict) else str(v)
                    for m, v in facts["measures"].items()}
    return Comparison(directory, facts, scenarios, reference, years, intervals, measures, runs, summary_years,
                      comp_years, read_rows(directory, "comparison_summary_campaigns"),
                      read_rows(directory, "comparison_campaigns"))
