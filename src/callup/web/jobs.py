"""Simulation jobs: a bounded pool of worker threads, progress, results and output folders.

Only simulation inputs (a bundled scenario name, scale, seed, campaigns) and outputs are kept here;
nothing about any person.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
import time
import uuid
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FILES = ("campaigns.csv", "years.csv", "calibration.csv", "campaigns.parquet", "flows.parquet", "run.json",
         "report.html", "comparison_summary_years.csv", "comparison_summary_campaigns.csv", "comparison_years.csv",
         "comparison_campaigns.csv", "comparison_summary_years.parquet", "comparison_summary_campaigns.parquet",
         "compare.json")


class TooManyJobs(Exception):
    pass


@dataclass
class Job:
    id: str
    scenario: str
    scale: float
    seed: int
    first: str
    last: str
    report: bool
    status: str = "queued"  # queued, running, done, failed
    done: int = 0
    total: int = 0
    campaign: str | None = None
    stage: str = "queued"
    error: str | None = None
    created: float = field(default_factory=time.time)
    seconds: float | None = None
    result: dict[str, Any] | None = None
    directory: Path | None = None
    scenarios: list[str] | None = None  # a comparison of these (the first is the reference)

    def as_json(self, prefix: str = "/api/jobs") -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id, "status": self.status, "stage": self.stage,
            "request": {"scenario": self.scenario, "scale": self.scale, "seed": self.seed, "from": self.first,
                        "to": self.last, "report": self.report, "scenarios": self.scenarios},
            "progress": {"done": self.done, "total": self.total, "campaign": self.campaign},
            "error": self.error, "seconds": self.seconds, "result": self.result,
        }
        if self.status == "done" and self.directory is not None:
            out["files"] = {f: f"{prefix}/{self.id}/files/{f}" for f in FILES if (self.directory / f).is_file()}
        return out


class JobManager:
    def __init__(self, max_jobs: int, keep: int, data_dir: Path | None):
        self.max_jobs, self.keep = max_jobs, keep
        self._own_dir = data_dir is None
        self.data_dir = Path(tempfile.mkdtemp(prefix="callup-web-")) if data_dir is None else Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.jobs: OrderedDict[str, Job] = OrderedDict()
        self.lock = threading.Lock()
        self.pool = ThreadPoolExecutor(max_workers=max(1, max_jobs), thread_name_prefix="callup-sim")

    def active(self) -> int:
        return sum(j.status in ("queued", "running") for j in self.jobs.values())

    def submit(self, scenario: str, scale: float, seed: int, first: str, last: str, report: bool,
               scenarios: list[str] | None = None) -> Job:
        with self.lock:
            if self.active() >= self.max_jobs:
                raise TooManyJobs(f"too many simulations at once: {self.max_jobs} are queued or running "
                                  "(the server's --max-jobs); try again when one has finished")
            job = Job(uuid.uuid4().hex, scenario, scale, seed, first, last, report, scenarios=scenarios)
            self.jobs[job.id] = job
            self._prune()
        self.pool.submit(self._run, job)
        return job

    def get(self, job_id: str) -> Job | None:
        return self.jobs.get(job_id)

    def _prune(self) -> None:
        finished = [j for j in self.jobs.values() if j.status in ("done", "failed")]
        for j in finished[: max(0, len(finished) - self.keep)]:
            self.jobs.pop(j.id, None)
            if j.directory is not None:
                shutil.rmtree(j.directory, ignore_errors=True)

    def _run(self, job: Job) -> None:
        from callup.simulation import simulate, write_outputs

        t0 = time.perf_counter()
        job.status, job.stage = "running", "building population"
        try:
            def tick(i: int, n: int, name: str) -> None:
                job.done, job.total, job.campaign, job.stage = i, n, name, f"campaign {name}"

            if job.scenarios:
                self._compare(job, tick)
                return
            result = simulate(job.scenario, job.first, job.last, job.scale, job.seed, progress=tick)
            job.stage = "writing tables"
            out = write_outputs(result, self.data_dir / job.id)
            job.directory = out
            if job.report:
                job.stage = "writing report"
                from callup.reports.build import write_report

                write_report(out)
            from callup.simulation.outputs import json_summary

            job.result = {**json_summary(result), "rows": result.rows, "timings": result.timings}
            job.status, job.stage = "done", "done"
        except Exception as exc:  # a failed run is reported on the job, never raised into the server
            job.status, job.stage, job.error = "failed", "failed", f"{type(exc).__name__}: {exc}"
        finally:
            job.seconds = round(time.perf_counter() - t0, 3)

    def _compare(self, job: Job, tick) -> None:
        """A comparison run: every scenario on the same seed, the differences table and the report."""
        from callup.compare import compare
        from callup.compare.cli import TABLE_MEASURES
        from callup.compare.outputs import write_comparison

        result = compare(job.scenarios or [], seed=job.seed, runs=1, scale=job.scale, start=job.first,
                         end=job.last, progress=tick)
        job.stage = "writing tables"
        out = write_comparison(result, self.data_dir / job.id)
        job.directory = out
        if job.report:
            job.stage = "writing report"
            from callup.reports.build import write_report

            write_report(out)
        by = {(r["scenario"], r["year"], r["measure"]): r["difference_mean"] for r in result.summary_years}
        years = result.year_list
        job.result = {"comparison": {
            "reference": result.reference, "scenarios": result.scenarios, "years": years,
            "first_difference": result.first_difference, "notes": result.notes,
            "differences": [{"scenario": label, "measure": m,
                             "by_year": {str(y): by.get((label, y, m), 0.0) for y in years}}
                            for label in result.scenarios[1:] for m in TABLE_MEASURES],
        }, "timings": result.timings}
        job.status, job.stage = "done", "done"

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)
        if self._own_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)
