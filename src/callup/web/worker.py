"""The simulation worker: one process per job, outside the web server (so a run never holds the
server's GIL while it answers checks): ``python -m callup.web.worker JOB_DIR SERVER_PID``.

The process reads the job's request from ``JOB_DIR/job.json``, runs the simulation or the comparison,
writes the tables (and the report) to ``JOB_DIR/out/`` and keeps ``job.json`` up to date with its
status, progress, result summary or error. Every write of ``job.json`` is atomic (a temporary file in
the same folder, then a rename), so the server, which reads it to answer, never sees half a file.
While the worker lives, only it writes ``job.json``; the server writes it before starting the worker
and after the worker has exited (to record a crash, a time-out or an interruption).

Only simulation inputs and outputs are handled here; nothing about any person.
"""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path
from typing import Any

from callup.atomic_file import write_file_atomic

JOB_FILE = "job.json"
OUT_DIR = "out"
LOG_FILE = "worker.log"
"""The worker's own output (a traceback if it dies of one); never anything about a person."""
PROGRESS_EVERY_S = 0.2
"""Progress is written at most this often (and always at a stage change)."""


def write_json_atomic(path: Path, doc: dict[str, Any]) -> None:
    """Write ``doc`` to ``path`` by a temporary file in the same folder and a rename: a reader sees the
    old complete file or the new complete file, never a partial one."""
    write_file_atomic(path, json.dumps(doc, ensure_ascii=False, separators=(",", ":")), mode=None, fsync=False)


def read_json(path: Path) -> dict[str, Any] | None:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return doc if isinstance(doc, dict) else None


class _Writer:
    """The job document of this worker and its (throttled) atomic writes."""

    def __init__(self, job_dir: Path):
        self.path = job_dir / JOB_FILE
        doc = read_json(self.path)
        if doc is None:
            raise RuntimeError(f"{self.path}: no readable job document")
        self.doc = doc
        self.last = 0.0

    def update(self, force: bool = True, **fields: Any) -> None:
        self.doc.update(fields)
        now = time.monotonic()
        if force or now - self.last >= PROGRESS_EVERY_S:
            self.last = now
            write_json_atomic(self.path, self.doc)


def run(job_dir: str, server_pid: int) -> None:
    """Run the job in ``job_dir`` for the server ``server_pid`` (this process's parent)."""
    # Ctrl-C in the server's terminal reaches the whole process group: the server stops its workers
    # itself (SIGTERM) and records the job as interrupted
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    directory = Path(job_dir)
    w = _Writer(directory)
    req = w.doc["request"]
    t0 = time.perf_counter()
    w.update(status="running", stage="building population", started=time.time(), worker_pid=os.getpid())

    def tick(i: int, n: int, name: str) -> None:
        if os.getppid() != server_pid:  # the server is gone (killed): stop, do not compete with the
            os._exit(70)  # next server, which records this job as interrupted
        w.update(force=i >= n, progress={"done": i, "total": n, "campaign": name}, stage=f"campaign {name}")

    try:
        if req.get("scenarios"):
            result = _compare(req, directory / OUT_DIR, tick, w)
        else:
            result = _simulate(req, directory / OUT_DIR, tick, w)
    except Exception as exc:  # a failed run is reported on the job, never raised into anything
        w.update(status="failed", stage="failed", error=f"{type(exc).__name__}: {exc}",
                 seconds=round(time.perf_counter() - t0, 3), finished=time.time())
        return
    w.update(status="done", stage="done", result=result, seconds=round(time.perf_counter() - t0, 3),
             finished=time.time())


def _simulate(req: dict[str, Any], out: Path, tick, w: _Writer) -> dict[str, Any]:
    from callup.simulation import simulate, write_outputs
    from callup.simulation.outputs import json_summary

    result = simulate(req["scenario"], req["from"], req["to"], req["scale"], req["seed"], progress=tick)
    w.update(stage="writing tables")
    write_outputs(result, out)
    if req.get("report"):
        w.update(stage="writing report")
        from callup.reports.build import write_report

        write_report(out)
    return {**json_summary(result), "rows": result.rows, "timings": result.timings}


def _compare(req: dict[str, Any], out: Path, tick, w: _Writer) -> dict[str, Any]:
    """A comparison: every scenario on the same seeds (common random numbers), ``runs`` seeds; the
    differences from the reference per year, with the 90% interval across runs."""
    from callup.compare import compare
    from callup.compare.cli import TABLE_MEASURES
    from callup.compare.outputs import write_comparison
    from callup.compare.run import INTERVAL

    runs = int(req.get("runs") or 1)
    result = compare(req["scenarios"], seed=req["seed"], runs=runs, scale=req["scale"], start=req["from"],
                     end=req["to"], progress=tick)
    w.update(stage="writing tables")
    write_comparison(result, out)
    if req.get("report"):
        w.update(stage="writing report")
        from callup.reports.build import write_report

        write_report(out)
    by = {(r["scenario"], r["year"], r["measure"]): r for r in result.summary_years}
    years = result.year_list

    def cell(label: str, y: int, m: str, key: str) -> float:
        r = by.get((label, y, m))
        return r[key] if r is not None else 0.0

    return {"comparison": {
        "reference": result.reference, "scenarios": result.scenarios, "years": years,
        "runs": result.runs, "seeds": result.seeds, "interval": INTERVAL,
        "first_difference": result.first_difference, "notes": result.notes,
        "differences": [{"scenario": label, "measure": m,
                         "by_year": {str(y): cell(label, y, m, "difference_mean") for y in years},
                         "lo_by_year": {str(y): cell(label, y, m, "difference_lo") for y in years},
                         "hi_by_year": {str(y): cell(label, y, m, "difference_hi") for y in years}}
                        for label in result.scenarios[1:] for m in TABLE_MEASURES],
    }, "timings": result.timings}


def main(argv: list[str]) -> None:
    if len(argv) != 2 or not argv[1].isdigit():
        raise SystemExit("usage: python -m callup.web.worker JOB_DIR SERVER_PID")
    run(argv[0], int(argv[1]))


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
