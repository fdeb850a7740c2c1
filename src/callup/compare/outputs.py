"""Write a comparison atomically: everything goes into a temporary directory beside DIR, renamed to DIR
at the end, so a partial output never looks complete.

DIR/comparison_years.csv|.parquet        long: scenario, run, seed, year, measure, value, reference, difference
DIR/comparison_campaigns.csv|.parquet    long: the same per campaign (campaign, year, season)
DIR/comparison_summary_years.csv|.parquet  per scenario, year, measure: means over runs, 90% interval
DIR/comparison_summary_campaigns.csv|.parquet
DIR/<scenario>/                          the scenario's own run tables (first seed; see write_outputs)
DIR/<scenario>/seed-<N>/                 the further runs' tables (runs > 1)
DIR/compare.json                         scenarios, seed, runs, scale, campaigns, version, timings, notes
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from callup.simulation.outputs import _csv, _parquet, publish_dir, write_outputs

from .run import CRN_LIMITS, INTERVAL, MEASURES, ComparisonError, ComparisonResult

MARKER = "compare.json"


def check_out(out: Path | str) -> Path:
    """``out`` may be written: it does not exist, or is an empty directory, or holds an earlier
    comparison (``compare.json``), which is replaced. Anything else is refused, so ``--out .`` cannot
    replace a directory of other files."""
    out = Path(out)
    if out.exists():
        if not out.is_dir():
            raise ComparisonError(f"--out: {str(out)!r} exists and is not a directory")
        if any(out.iterdir()) and not (out / MARKER).is_file():
            raise ComparisonError(f"--out: {str(out)!r} is a directory that holds files but no {MARKER} "
                                  "(not an earlier comparison): choose a new or empty directory")
    return out


def facts(result: ComparisonResult, write_s: float | None = None) -> dict[str, Any]:
    """What compare.json holds."""
    from callup import __version__

    timings = dict(result.timings)
    if write_s is not None:
        timings["write_s"] = round(write_s, 3)
    first = result.results[result.reference][0]
    return {
        "scenarios": result.scenarios, "reference": result.reference, "specs": result.specs,
        "seed": result.seed, "runs": result.runs, "seeds": result.seeds, "scale": result.scale,
        "from": result.start, "to": result.end, "campaigns": [c["campaign"] for c in first.campaigns],
        "version": __version__, "measures": {m: {"column": c, "year": how, "meaning": text}
                                            for m, (c, how, text) in MEASURES.items()},
        "interval": INTERVAL, "first_difference": result.first_difference,
        "directories": {label: _dirname(label) for label in result.scenarios},
        "common_random_numbers": {"notes": result.notes, "engine_limits": list(CRN_LIMITS)},
        "timings": timings,
    }


def _dirname(label: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in label).lstrip(".") or "scenario"


def write_comparison(result: ComparisonResult, out: Path | str) -> Path:
    """Write the comparison tables, each scenario's run tables and compare.json to ``out`` (replacing
    an earlier comparison there) via a temporary directory and a rename."""
    t0 = time.perf_counter()
    out = check_out(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
    try:
        for name, rows in (("comparison_years", result.years), ("comparison_campaigns", result.campaigns),
                           ("comparison_summary_years", result.summary_years),
                           ("comparison_summary_campaigns", result.summary_campaigns)):
            _csv(rows, tmp / f"{name}.csv")
            _parquet(rows, tmp / f"{name}.parquet")
        for label in result.scenarios:
            runs = result.results[label]
            d = tmp / _dirname(label)
            write_outputs(runs[0], d)
            for r in runs[1:]:
                write_outputs(r, d / f"seed-{r.seed}")
        text = json.dumps(facts(result, time.perf_counter() - t0), indent=2, ensure_ascii=False) + "\n"
        (tmp / MARKER).write_text(text, encoding="utf-8")
        publish_dir(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out
