"""Simulation jobs: each runs in its own worker process (``python -m callup.web.worker``: a fresh
interpreter, so nothing of the server, its threads or its main module is inherited), at most
``max_jobs`` at once, and lives in ``DATA_DIR/jobs/<id>/``: ``job.json`` (the request, status,
progress, result summary or error; written atomically) and ``out/`` (the tables and the report).

A server started again on the same data folder lists and serves the finished jobs; a job that was
queued or running when the server stopped is recorded as failed ("interrupted: ..."). The oldest
finished jobs beyond ``keep`` are deleted. One data folder belongs to one server process.

Only simulation inputs (bundled scenario names, scale, seed, runs, campaigns) and outputs are kept
here; nothing about any person.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from .worker import JOB_FILE, LOG_FILE, OUT_DIR, read_json, write_json_atomic

FILES = ("campaigns.csv", "years.csv", "calibration.csv", "campaigns.parquet", "flows.parquet", "run.json",
         "report.html", "comparison_summary_years.csv", "comparison_summary_campaigns.csv", "comparison_years.csv",
         "comparison_campaigns.csv", "comparison_summary_years.parquet", "comparison_summary_campaigns.parquet",
         "compare.json")
JOB_ID = re.compile(r"[0-9a-f]{32}")
"""A job id: ``uuid.uuid4().hex`` and nothing else (so an id can never name another folder)."""
INTERRUPTED = "interrupted: the server stopped before the job finished"
FINISHED = ("done", "failed")


class TooManyJobs(Exception):
    pass


def valid_id(job_id: str) -> bool:
    return isinstance(job_id, str) and JOB_ID.fullmatch(job_id) is not None


def as_json(doc: dict[str, Any], directory: Path | None, prefix: str = "/api/jobs") -> dict[str, Any]:
    """The public shape of a job (``GET /api/jobs/{id}``) from its stored document."""
    out: dict[str, Any] = {
        "id": doc["id"], "status": doc.get("status"), "stage": doc.get("stage"), "request": doc.get("request"),
        "progress": doc.get("progress"), "error": doc.get("error"), "seconds": doc.get("seconds"),
        "result": doc.get("result"), "created": doc.get("created"), "finished": doc.get("finished"),
    }
    if out["status"] == "done" and directory is not None:
        out["files"] = {f: f"{prefix}/{doc['id']}/files/{f}" for f in FILES if (directory / f).is_file()}
    return out


class JobManager:
    def __init__(self, max_jobs: int, keep: int, data_dir: Path | None, timeout_s: float = 3600.0):
        self.max_jobs, self.keep, self.timeout_s = max_jobs, keep, timeout_s
        self._own_dir = data_dir is None
        self.data_dir = Path(tempfile.mkdtemp(prefix="callup-web-")) if data_dir is None else Path(data_dir)
        self.root = self.data_dir / "jobs"
        self.root.mkdir(parents=True, exist_ok=True)
        self.lock = threading.Lock()
        self._start_lock = threading.Lock()  # a worker starts, or the server closes: not both at once
        self._procs: dict[str, subprocess.Popen | None] = {}  # id -> its worker (None until started)
        self._monitors: dict[str, threading.Thread] = {}
        self._cache: dict[str, tuple[int, dict[str, Any]]] = {}
        self._closing = False
        self._recover()

    # --- stored jobs ----------------------------------------------------------------------
    def _dir(self, job_id: str) -> Path:
        if not valid_id(job_id):  # never reached with an unchecked id; a second lock on the door
            raise ValueError(f"not a job id: {job_id!r}")
        return self.root / job_id

    def _read(self, job_id: str) -> dict[str, Any] | None:
        path = self._dir(job_id) / JOB_FILE
        try:
            stamp = path.stat().st_mtime_ns
        except OSError:
            self._cache.pop(job_id, None)
            return None
        hit = self._cache.get(job_id)
        if hit is not None and hit[0] == stamp:
            return hit[1]
        doc = read_json(path)
        if doc is not None and doc.get("id") == job_id:
            self._cache[job_id] = (stamp, doc)
            return doc
        return None

    def _write(self, doc: dict[str, Any]) -> None:
        write_json_atomic(self._dir(doc["id"]) / JOB_FILE, doc)

    def _ids(self) -> list[str]:
        return [p.name for p in self.root.iterdir() if valid_id(p.name) and p.is_dir()]

    def _recover(self) -> None:
        """Jobs left queued or running by a server that stopped: failed, interrupted."""
        for job_id in self._ids():
            doc = self._read(job_id)
            if doc is not None and doc.get("status") not in FINISHED:
                self._finish(doc, INTERRUPTED)
        self._prune()

    def _finish(self, doc: dict[str, Any], error: str) -> None:
        now = time.time()
        started = doc.get("started") or doc.get("created") or now
        self._write({**doc, "status": "failed", "stage": "failed", "error": error, "finished": now,
                     "seconds": doc.get("seconds") or round(now - started, 3)})

    def _prune(self) -> None:
        """Delete the oldest finished jobs beyond ``keep`` (their whole folders)."""
        with self.lock:
            docs = [d for d in (self._read(i) for i in self._ids()) if d is not None]
            finished = sorted((d for d in docs if d.get("status") in FINISHED and d["id"] not in self._procs),
                              key=lambda d: (d.get("finished") or d.get("created") or 0, d["id"]))
            for d in finished[: max(0, len(finished) - self.keep)]:
                shutil.rmtree(self.root / d["id"], ignore_errors=True)
                self._cache.pop(d["id"], None)

    # --- the API of the web app -------------------------------------------------------------
    def active(self) -> int:
        with self.lock:
            return len(self._procs)

    def get(self, job_id: str) -> dict[str, Any] | None:
        """The job document, or None for an unknown or malformed id."""
        return self._read(job_id) if valid_id(job_id) else None

    def directory(self, job_id: str) -> Path | None:
        """The folder of the job's output files (None before they exist)."""
        if not valid_id(job_id):
            return None
        out = self.root / job_id / OUT_DIR
        return out if out.is_dir() else None

    def as_json(self, job_id: str) -> dict[str, Any] | None:
        doc = self.get(job_id)
        return None if doc is None else as_json(doc, self.directory(job_id))

    def list(self) -> list[dict[str, Any]]:
        """Every stored job, newest first (id, status, request, created, finished)."""
        docs = [d for d in (self._read(i) for i in self._ids()) if d is not None]
        docs.sort(key=lambda d: (d.get("created") or 0, d["id"]), reverse=True)
        return [{k: d.get(k) for k in ("id", "status", "stage", "request", "created", "finished", "error")}
                for d in docs]

    def pid(self, job_id: str) -> int | None:
        """The worker process id of a job of this server that is running (for tests and operators)."""
        p = self._procs.get(job_id)
        return p.pid if p is not None and p.poll() is None else None

    def submit(self, request: dict[str, Any]) -> str:
        """Store a new job (queued) and start its worker; raises :class:`TooManyJobs` at the limit."""
        self._prune()
        with self.lock:
            if self._closing:
                raise TooManyJobs("the server is stopping; try again when it is back")
            if len(self._procs) >= self.max_jobs:
                raise TooManyJobs(f"too many simulations at once: {self.max_jobs} are queued or running "
                                  "(the server's --max-jobs); try again when one has finished")
            job_id = uuid.uuid4().hex
            self._dir(job_id).mkdir(parents=True)
            doc = {"id": job_id, "status": "queued", "stage": "queued", "request": request,
                   "progress": {"done": 0, "total": 0, "campaign": None}, "error": None, "seconds": None,
                   "result": None, "created": time.time(), "finished": None}
            self._write(doc)
            self._procs[job_id] = None
            t = threading.Thread(target=self._monitor, args=(job_id,), name=f"callup-job-{job_id[:8]}",
                                 daemon=True)
            self._monitors[job_id] = t
        t.start()
        return job_id

    # --- the worker's life --------------------------------------------------------------------
    def _monitor(self, job_id: str) -> None:
        """Start the worker, wait for it, and record what the worker could not: a crash, a time-out, an
        interruption."""
        error, proc = None, None
        folder = self._dir(job_id)
        try:
            with self._start_lock:
                if not self._closing:
                    with open(folder / LOG_FILE, "wb") as log:
                        proc = subprocess.Popen(
                            [sys.executable, "-m", "callup.web.worker", str(folder), str(os.getpid())],
                            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, close_fds=True)
                    with self.lock:
                        self._procs[job_id] = proc
            if proc is not None:
                try:
                    proc.wait(self.timeout_s)
                except subprocess.TimeoutExpired:
                    error = (f"timed out: the simulation ran longer than {self.timeout_s:g} s "
                             "(the server's --job-timeout) and was stopped")
                    _stop(proc)
        except Exception as exc:  # the worker could not start at all
            error = f"the simulation worker could not start: {type(exc).__name__}: {exc}"
        try:
            doc = self._read(job_id)
            if doc is not None and doc.get("status") not in FINISHED:
                if self._closing:
                    error = INTERRUPTED
                elif error is None and proc is not None:
                    code = proc.returncode
                    how = (f"killed by {signal.Signals(-code).name}" if code is not None and code < 0
                           and -code in signal.valid_signals() else f"exit code {code}")
                    if code == -signal.SIGKILL:
                        how += "; out of memory?"
                    last = _last_line(folder / LOG_FILE)
                    error = f"the simulation worker stopped unexpectedly ({how})" + (f": {last}" if last else "")
                self._finish(doc, error or INTERRUPTED)
        finally:
            with self.lock:
                self._procs.pop(job_id, None)
                self._monitors.pop(job_id, None)
            if not self._closing:
                self._prune()

    def close(self) -> None:
        """Stop the running workers (their jobs are recorded as interrupted); remove an own temp folder."""
        with self._start_lock, self.lock:
            self._closing = True
            procs, monitors = list(self._procs.values()), list(self._monitors.values())
        for p in procs:
            if p is not None:
                _stop(p)
        for t in monitors:
            t.join(10)
        if self._own_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def _last_line(path: Path, limit: int = 300) -> str:
    """The last line the worker wrote (its error, if it died of one), shortened."""
    try:
        with open(path, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            fh.seek(max(0, fh.tell() - 4096))
            lines = [x.strip() for x in fh.read().decode("utf-8", "replace").splitlines() if x.strip()]
    except OSError:
        return ""
    return lines[-1][:limit] if lines else ""
