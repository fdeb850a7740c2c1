"""Simulation jobs of the web server (issue 5): a worker process per job, jobs kept in the data folder
across restarts, crashes and time-outs recorded as failed, comparisons with several runs, job ids
that cannot name another folder."""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from callup.web import Settings, create_app
from callup.web.jobs import INTERRUPTED, JobManager, valid_id

TINY = {"scale": 0.002, "from": "2019-spring", "to": "2019-spring"}
LONG = {"scale": 0.01, "from": "2019-spring", "to": "2025-autumn", "scenarios": ["baseline", "no-war"],
        "runs": 5}  # 10 simulations, several seconds: long enough to interrupt


def _wait(client, job_id, timeout=90.0, until=("done", "failed")):
    t0 = time.time()
    while time.time() - t0 < timeout:
        j = client.get(f"/api/jobs/{job_id}").json()
        if j["status"] in until:
            return j
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not reach {until}: {j}")


def _wait_doc(jobs: JobManager, job_id: str, timeout=90.0, until=("done", "failed")):
    t0 = time.time()
    while time.time() - t0 < timeout:
        doc = jobs.get(job_id)
        if doc and doc["status"] in until:
            return doc
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not reach {until}")


def test_job_runs_in_a_worker_process_and_survives_a_restart(tmp_path):
    with TestClient(create_app(Settings(data_dir=tmp_path))) as c:
        r = c.post("/api/simulate", json={**TINY, "scenario": "no-war", "seed": 4})
        assert r.status_code == 202
        job_id = r.json()["id"]
        job = _wait(c, job_id)
        assert job["status"] == "done", job["error"]
        stored = json.loads((tmp_path / "jobs" / job_id / "job.json").read_text())
        assert stored["worker_pid"] != os.getpid()  # not a thread of the server
        assert stored["request"]["scenario"] == "no-war" and stored["result"] == job["result"]
        csv = c.get(job["files"]["campaigns.csv"]).content
    # a new server on the same folder lists and serves it: API, page, files
    with TestClient(create_app(Settings(data_dir=tmp_path))) as c:
        again = c.get(f"/api/jobs/{job_id}").json()
        assert again == job
        assert [j["id"] for j in c.get("/api/jobs").json()["jobs"]] == [job_id]
        assert c.get(job["files"]["campaigns.csv"]).content == csv
        page = c.get(f"/explorer/jobs/{job_id}")
        assert page.status_code == 200 and 'id="campaigns"' in page.text and "2019-spring" in page.text
        assert f"/explorer/jobs/{job_id}" in c.get("/explorer").text  # listed under recent runs


def test_job_interrupted_by_a_stop_is_failed_after_restart(tmp_path):
    with TestClient(create_app(Settings(data_dir=tmp_path))) as c:
        job_id = c.post("/api/simulate", json=LONG).json()["id"]
        running = _wait(c, job_id, until=("running", "done", "failed"))
        assert running["status"] == "running"
    # the server stopped its worker and said why
    doc = json.loads((tmp_path / "jobs" / job_id / "job.json").read_text())
    assert doc["status"] == "failed" and doc["error"] == INTERRUPTED
    # a job left 'running' by a server that died without a word (its job.json as it was) is failed on start
    lost = "0" * 32
    (tmp_path / "jobs" / lost).mkdir()
    (tmp_path / "jobs" / lost / "job.json").write_text(json.dumps(
        {**doc, "id": lost, "status": "running", "stage": "campaign 2019-spring", "error": None}))
    with TestClient(create_app(Settings(data_dir=tmp_path))) as c:
        for i in (job_id, lost):
            j = c.get(f"/api/jobs/{i}").json()
            assert j["status"] == "failed" and j["error"] == INTERRUPTED
            page = c.get(f"/explorer/jobs/{i}").text
            assert "interrupted: the server stopped before the job finished" in page
            assert 'http-equiv="refresh"' not in page


def test_killed_worker_ends_failed_with_a_message(tmp_path):
    app = create_app(Settings(data_dir=tmp_path))
    with TestClient(app) as c:
        job_id = c.post("/api/simulate", json=LONG).json()["id"]
        _wait(c, job_id, until=("running", "done", "failed"))
        pid = app.state.jobs.pid(job_id)
        assert pid is not None and pid != os.getpid()
        os.kill(pid, signal.SIGKILL)
        job = _wait(c, job_id, timeout=20)
        assert job["status"] == "failed"
        assert "worker stopped unexpectedly (killed by SIGKILL" in job["error"]
        assert c.get("/api/health").json()["jobs_active"] == 0  # the slot is free again
        assert c.post("/api/simulate", json=TINY).status_code == 202


def test_exception_in_worker_ends_failed_with_the_message(tmp_path):
    jobs = JobManager(max_jobs=1, keep=5, data_dir=tmp_path)
    try:
        job_id = jobs.submit({"scenario": "no-such-scenario", "scale": 0.002, "seed": 0, "from": "2019-spring",
                              "to": "2019-spring", "report": False, "scenarios": None, "runs": 1})
        doc = _wait_doc(jobs, job_id)
        assert doc["status"] == "failed" and "no-such-scenario" in doc["error"], doc["error"]
    finally:
        jobs.close()


def test_timeout_stops_the_worker(tmp_path):
    with TestClient(create_app(Settings(data_dir=tmp_path, job_timeout_s=1.0))) as c:
        job = _wait(c, c.post("/api/simulate", json=LONG).json()["id"], timeout=30)
        assert job["status"] == "failed" and job["error"].startswith("timed out") and "--job-timeout" in job["error"]


def test_retention_deletes_the_oldest_finished_folders(tmp_path):
    with TestClient(create_app(Settings(data_dir=tmp_path, keep_jobs=1))) as c:
        first = _wait(c, c.post("/api/simulate", json=TINY).json()["id"])["id"]
        second = _wait(c, c.post("/api/simulate", json={**TINY, "seed": 1}).json()["id"])["id"]
        t0 = time.time()
        while (tmp_path / "jobs" / first).exists() and time.time() - t0 < 10:
            time.sleep(0.05)
        assert not (tmp_path / "jobs" / first).exists()
        assert c.get(f"/api/jobs/{first}").status_code == 404
        assert c.get(f"/api/jobs/{second}").json()["status"] == "done"


@pytest.mark.parametrize("bad", ["nope", "..%2Fsecret", "..%2F..%2Fetc", "A" * 32, "0" * 31, "0" * 33, "%2e%2e",
                                 "0" * 32 + "%00", "g" * 32])
def test_job_ids_are_validated(tmp_path, bad):
    (tmp_path / "jobs").mkdir(parents=True)
    (tmp_path / "secret").mkdir()
    (tmp_path / "secret" / "job.json").write_text('{"id": "secret", "status": "done"}')
    with TestClient(create_app(Settings(data_dir=tmp_path))) as c:
        for url in (f"/api/jobs/{bad}", f"/api/jobs/{bad}/files/run.json", f"/api/jobs/{bad}/charts/x.png",
                    f"/explorer/jobs/{bad}"):
            r = c.get(url)
            assert r.status_code == 404, (url, r.status_code)
            assert "secret" not in r.text
    assert not valid_id("..") and not valid_id("../secret") and not valid_id("0" * 32 + "\n")
    assert valid_id("0123456789abcdef" * 2)
    jobs = JobManager(max_jobs=1, keep=1, data_dir=tmp_path)
    try:
        assert jobs.get("../secret") is None and jobs.directory("../secret") is None
    finally:
        jobs.close()


def test_runs_bounds(tmp_path):
    with TestClient(create_app(Settings(data_dir=tmp_path, max_runs=3))) as c:
        pair = {**TINY, "scenarios": ["baseline", "no-war"]}
        r = c.post("/api/simulate", json={**pair, "runs": 4})
        assert r.status_code == 422 and r.json()["detail"].startswith("runs: 4") and "--max-runs" in r.json()["detail"]
        for bad in (0, -1, "x", 1.5):
            r = c.post("/api/simulate", json={**pair, "runs": bad})
            assert r.status_code == 422 and r.json()["field"] == "runs", r.json()
        single = c.post("/api/simulate", json={**TINY, "runs": 2})
        assert single.status_code == 422 and "comparison" in single.json()["detail"]
        assert c.get("/api/health").json()["limits"]["max_runs"] == 3
        page = c.post("/explorer", data={"scenario": ["baseline", "no-war"], "scale": "0.002", "runs": "9"})
        assert page.status_code == 422 and "--max-runs" in page.text
        page = c.post("/explorer", data={"scenario": "baseline", "scale": "0.002", "runs": "2"})
        assert page.status_code == 422 and "comparison" in page.text


def test_comparison_with_runs_reports_intervals(tmp_path):
    with TestClient(create_app(Settings(data_dir=tmp_path))) as c:
        r = c.post("/api/simulate", json={"scale": 0.002, "seed": 5, "from": "2022-spring", "to": "2022-autumn",
                                          "scenarios": ["baseline", "no-mobilisation"], "runs": 2})
        assert r.status_code == 202
        job = _wait(c, r.json()["id"], 180)
        assert job["status"] == "done", job["error"]
        assert job["request"]["runs"] == 2
        cmp = job["result"]["comparison"]
        assert cmp["runs"] == 2 and cmp["seeds"] == [5, 6] and cmp["interval"] == 0.9
        # the same numbers as the compare machinery's own summary table
        summary = c.get(job["files"]["comparison_summary_years.csv"]).text.splitlines()
        head = summary[0].split(",")
        rows = [dict(zip(head, line.split(","), strict=True)) for line in summary[1:]]
        mob = {r["measure"]: r for r in rows if r["scenario"] == "no-mobilisation" and r["year"] == "2022"}
        diff = next(d for d in cmp["differences"] if d["measure"] == "mobilised")
        assert diff["by_year"]["2022"] == float(mob["mobilised"]["difference_mean"]) < 0
        assert diff["lo_by_year"]["2022"] == float(mob["mobilised"]["difference_lo"])
        assert diff["hi_by_year"]["2022"] == float(mob["mobilised"]["difference_hi"])
        assert diff["lo_by_year"]["2022"] <= diff["by_year"]["2022"] <= diff["hi_by_year"]["2022"]
        for d in cmp["differences"]:
            assert d["lo_by_year"]["2022"] <= d["by_year"]["2022"] <= d["hi_by_year"]["2022"]
        # two seeds: somewhere a real interval (mobilisation itself is aligned to its target, exactly)
        assert any(d["lo_by_year"]["2022"] < d["hi_by_year"]["2022"] for d in cmp["differences"])
        page = c.get(f"/explorer/jobs/{job['id']}").text
        assert 'id="runs-note"' in page and "90% interval" in page and 'class="interval"' in page
        assert Path(tmp_path / "jobs" / job["id"] / "out" / "compare.json").is_file()


def test_serve_passes_the_job_limits(monkeypatch, tmp_path):
    import typer
    import uvicorn
    from typer.testing import CliRunner

    from callup.web import register

    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append((app, kw)))
    app = typer.Typer()
    register(app)

    @app.command("other")
    def _other() -> None:
        pass

    r = CliRunner().invoke(app, ["serve", "--max-runs", "3", "--job-timeout", "60", "--data-dir", str(tmp_path)])
    assert r.exit_code == 0, r.output
    served, kw = calls[0]
    s = served.state.settings
    assert (s.max_runs, s.job_timeout_s, s.data_dir) == (3, 60.0, tmp_path)
    assert kw["proxy_headers"] is False and kw["host"] == "127.0.0.1"
    assert (tmp_path / "jobs").is_dir()
    assert CliRunner().invoke(app, ["serve", "--max-runs", "0"]).exit_code != 0
    served.state.jobs.close()
    (tmp_path / "file").write_text("x")
    bad = CliRunner().invoke(app, ["serve", "--data-dir", str(tmp_path / "file")])
    assert bad.exit_code == 2 and "error: --data-dir" in bad.output and "Traceback" not in bad.output


def test_worker_stops_when_the_server_is_killed(tmp_path):
    """A server killed outright (SIGKILL: no shutdown) leaves no simulation running behind it, and the
    next server on the folder shows the job as interrupted."""
    import socket
    import subprocess
    import sys
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-c", "from callup.cli import main; main()", "serve", "--port",
                               str(port), "--data-dir", str(tmp_path), "--no-access-log"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        t0 = time.time()
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                assert time.time() - t0 < 30 and server.poll() is None, "server did not start"
                time.sleep(0.1)
        req = urllib.request.Request(f"http://127.0.0.1:{port}/api/simulate", data=json.dumps(LONG).encode(),
                                     headers={"content-type": "application/json"}, method="POST")
        job_id = json.loads(urllib.request.urlopen(req, timeout=10).read())["id"]
        path = tmp_path / "jobs" / job_id / "job.json"
        t0 = time.time()
        while json.loads(path.read_text())["status"] != "running":
            assert time.time() - t0 < 30
            time.sleep(0.05)
        pid = json.loads(path.read_text())["worker_pid"]
    finally:
        server.kill()
        server.wait(10)
    t0 = time.time()
    while Path(f"/proc/{pid}").exists() and "Z" not in Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1][:3]:
        assert time.time() - t0 < 15, "the worker outlived its server"
        time.sleep(0.1)
    with TestClient(create_app(Settings(data_dir=tmp_path))) as c:
        j = c.get(f"/api/jobs/{job_id}").json()
        assert j["status"] == "failed" and j["error"] == INTERRUPTED


def test_worker_dying_of_an_error_ends_failed_with_its_last_words(tmp_path, monkeypatch):
    """A worker that dies outside the job's own error handling (here a stand-in interpreter that exits 3
    after a message) ends failed with the exit code and the message, never hangs."""
    import sys

    fake = tmp_path / "python"
    fake.write_text("#!/bin/sh\necho 'Traceback (most recent call last):' >&2\n"
                    "echo 'MemoryError: cannot allocate the population' >&2\nexit 3\n")
    fake.chmod(0o755)
    jobs = JobManager(max_jobs=1, keep=5, data_dir=tmp_path / "data")
    monkeypatch.setattr(sys, "executable", str(fake))
    try:
        job_id = jobs.submit({"scenario": "baseline", **TINY, "seed": 0, "report": False, "scenarios": None,
                              "runs": 1})
        doc = _wait_doc(jobs, job_id, timeout=20)
    finally:
        jobs.close()
    assert doc["status"] == "failed"
    assert doc["error"] == ("the simulation worker stopped unexpectedly (exit code 3): "
                            "MemoryError: cannot allocate the population")
    assert jobs.active() == 0


def test_worker_command_line():
    import subprocess
    import sys

    r = subprocess.run([sys.executable, "-m", "callup.web.worker"], capture_output=True, text=True, timeout=60)
    assert r.returncode != 0 and "usage: python -m callup.web.worker JOB_DIR SERVER_PID" in r.stderr
