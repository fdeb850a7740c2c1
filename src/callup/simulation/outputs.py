"""Write a run's outputs atomically: everything goes into a temporary directory beside DIR, which is
renamed to DIR at the end, so a partial output never looks complete."""

from __future__ import annotations

import csv
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from .calibration import calibration_table
from .run import SimulationResult


def _columns(rows: list[dict[str, Any]]) -> list[str]:
    cols: list[str] = []
    for r in rows:
        cols += [k for k in r if k not in cols]
    return cols


def _parquet(rows: list[dict[str, Any]], path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    cols = _columns(rows)
    table = pa.table({c: [r.get(c) for r in rows] for c in cols})
    pq.write_table(table, path, compression="zstd")


def _csv(rows: list[dict[str, Any]], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=_columns(rows), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def run_facts(result: SimulationResult) -> dict[str, Any]:
    """What run.json holds (no timestamps: the same seed and scenario give identical files, except the
    timings, which are kept in their own key)."""
    from callup import __version__

    return {
        "scenario": result.scenario, "seed": result.seed, "scale": result.scale, "version": __version__,
        "rows": result.rows, "campaigns": [c["campaign"] for c in result.campaigns],
        "behaviour": result.behaviour, "assumptions": result.assumptions, "timings": result.timings,
    }


def write_outputs(result: SimulationResult, out: Path | str) -> Path:
    """Write campaigns.parquet/.csv, years.csv, flows.parquet, calibration.csv and run.json to ``out``
    (replacing it if it exists) via a temporary directory and a rename."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
    try:
        _parquet(result.campaigns, tmp / "campaigns.parquet")
        _csv(result.campaigns, tmp / "campaigns.csv")
        _csv(result.years, tmp / "years.csv")
        _parquet(result.flows, tmp / "flows.parquet")
        _csv(calibration_table(result.campaigns, result.years, scale=result.scale), tmp / "calibration.csv")
        (tmp / "run.json").write_text(json.dumps(run_facts(result), indent=2, sort_keys=True) + "\n", encoding="utf-8")
        publish_dir(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out


def publish_dir(tmp: Path, out: Path) -> None:
    """Put the finished directory ``tmp`` in place of ``out`` by renames only, so that ``out`` is
    either the old complete output or the new complete output, never a partial one."""
    if out.exists():
        old = out.with_name(f".{out.name}.old")
        if old.exists():
            shutil.rmtree(old)
        os.replace(out, old)
        os.replace(tmp, out)
        shutil.rmtree(old)
    else:
        os.replace(tmp, out)


YEAR_COLUMNS = ("drafted", "acs_in_service", "emigrated", "mobilised", "contracts", "convictions_328")
"""The per-year outcomes of the public JSON shape (``callup simulate --json``, the web API)."""


def json_summary(result) -> dict:
    """``{"campaigns": [{"campaign", "quota", ...}], "years": [{"year", drafted, ...}]}`` in national units."""
    camps = [
        {"campaign": c["campaign"], "quota": c["quota_decree"],
         **{k: c.get(k, 0.0) for k in c if k not in ("campaign", "quota_decree", "quota")}}
        for c in result.campaigns
    ]
    years = [{"year": y["year"], **{k: y[k] for k in YEAR_COLUMNS}} for y in result.years]
    return {"campaigns": camps, "years": years}
