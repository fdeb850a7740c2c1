"""Load benchmark of the web API: POST /api/check throughput and latency against a local server.

    .venv/bin/python bench/bench_web.py [--workers 2] [--connections 8 [16 ...]] [--seconds 10] [--runs 1]
                                        [--warmup 2] [--out FILE]

Each run starts a fresh ``uvicorn callup.web.app:create_app`` on 127.0.0.1 (a free port, uvloop and
httptools, access log off) as a child process, checks that its answers equal the in-process
``check()`` (a benchmark of wrong answers is worthless), then drives it for a bounded time with a small
load generator and stops it. The generator (one asyncio protocol per keep-alive HTTP/1.1 connection,
pre-encoded requests, on uvloop when available) keeps one request in flight per connection and does
as little per request as it can: it runs on the same cores and takes CPU from the server, so the
figures are a floor, not a ceiling.

Other programs running on the machine take CPU too: every run reports the CPU the rest of the machine
used while it ran (``other_cpu``, in cores, from /proc/stat minus the server's and the generator's
own), the load average at its start, and ``checks_per_cpu_s``: checks per CPU-second that the server
and the generator used, which depends much less on the other programs. Figures measured with
``other_cpu`` well above 0 are lower than the machine can do.

Target (issue 5): >= 1,000 checks/s at p99 <= 50 ms on 2 cores.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

BODIES = [
    {"date": "2022-10-15", "person": {"birth_date": "2003-05-01", "study": {"level": "bachelor"}}},
    {"date": "2025-04-10", "person": {"birth_date": "1999-02-02", "children": [{"birth_date": "2020-01-01"},
                                                                              {"birth_date": "2022-01-01"}]}},
    {"date": "2024-11-20", "person": {"birth_date": "2005-06-01", "beliefs_conflict": True, "health_category": "Б",
                                      "health_category_date": "2024-10-15"}},
    {"date": "2024-04-15", "person": {"birth_date": "2001-03-10", "health_category": "A",
                                      "diplomas": [{"level": "bachelor", "date": "2023-06-30"}]}},
]
TARGET = ">= 1000 checks/s at p99 <= 50 ms"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request_bytes(port: int, body: dict) -> bytes:
    data = json.dumps(body).encode()
    return (f"POST /api/check HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(data)}\r\n\r\n").encode() + data


async def one(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, req: bytes) -> tuple[int, bytes]:
    """One request and its whole answer (used to verify the answers before timing)."""
    writer.write(req)
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    return status, await reader.readexactly(length)


class Client(asyncio.Protocol):
    """One keep-alive connection with one request in flight; records the latency of each answer."""

    def __init__(self, reqs: list[bytes], k: int, t_measure: float, t_end: float, latencies: list[float],
                 statuses: list[int], done: asyncio.Future):
        self.reqs, self.i, self.t_measure, self.t_end = reqs, k, t_measure, t_end
        self.latencies, self.statuses, self.done = latencies, statuses, done
        self.buf, self.need, self.t0, self.transport = b"", 0, 0.0, None

    def connection_made(self, transport) -> None:
        self.transport = transport
        self._send()

    def _send(self) -> None:
        t0 = time.perf_counter()
        if t0 >= self.t_end:
            self.transport.close()
            return
        self.t0, self.buf, self.need = t0, b"", 0
        self.transport.write(self.reqs[self.i & 3])
        self.i += 1

    def data_received(self, data: bytes) -> None:
        buf = self.buf + data if self.buf else data
        if not self.need:
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                self.buf = buf
                return
            at = buf.find(b"content-length: ", 0, end)  # uvicorn's spelling; a 200 always has it
            if at < 0:
                raise SystemExit(f"answer without content-length: {buf[:end]!r}")
            self.need = end + 4 + int(buf[at + 16:buf.index(b"\r\n", at)])
        if len(buf) < self.need:
            self.buf = buf
            return
        if len(buf) > self.need:
            raise SystemExit("more bytes than one answer: the server answered something unasked")
        if self.t0 >= self.t_measure:
            self.latencies.append(time.perf_counter() - self.t0)
            self.statuses.append(int(buf[9:12]))
        self._send()

    def connection_lost(self, exc) -> None:
        if not self.done.done():
            self.done.set_result(exc)


async def drive(port: int, connections: int, seconds: float, warmup: float) -> dict:
    reqs = [request_bytes(port, b) for b in BODIES]
    assert len(reqs) == 4  # the index is masked with & 3
    latencies: list[float] = []
    statuses: list[int] = []
    loop = asyncio.get_running_loop()
    t_start = time.perf_counter()
    t_measure, t_end = t_start + warmup, t_start + warmup + seconds
    dones = []
    for k in range(connections):
        done = loop.create_future()
        await loop.create_connection(lambda k=k, done=done: Client(reqs, k, t_measure, t_end, latencies, statuses,
                                                                  done), "127.0.0.1", port)
        dones.append(done)
    for exc in await asyncio.gather(*dones):
        if exc is not None:
            raise SystemExit(f"a connection failed: {exc}")
    lat = sorted(latencies)

    def q(p: float) -> float:
        return lat[min(len(lat) - 1, int(p * len(lat)))] * 1000

    return {"requests": len(lat), "errors": sum(s != 200 for s in statuses), "seconds": seconds,
            "checks_per_s": round(len(lat) / seconds, 1), "p50_ms": round(q(0.50), 2), "p90_ms": round(q(0.90), 2),
            "p99_ms": round(q(0.99), 2), "max_ms": round(lat[-1] * 1000, 2),
            "mean_ms": round(statistics.fmean(lat) * 1000, 2)}


def _jiffies(pid: int) -> int:
    """utime + stime of a process (in clock ticks), 0 if it is gone."""
    try:
        f = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(f[11]) + int(f[12])


def _busy() -> tuple[int, int]:
    """(busy, total) clock ticks of all CPUs since boot."""
    f = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = f[3] + f[4]
    return sum(f) - idle, sum(f)


def _children(pid: int) -> list[int]:
    try:
        return [int(x) for x in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def one_run(a: argparse.Namespace, connections: int) -> dict:
    port = free_port()
    cmd = [sys.executable, "-m", "uvicorn", "--factory", "callup.web.app:create_app", "--host", "127.0.0.1",
           "--port", str(port), "--workers", str(a.workers), "--loop", a.loop, "--http", a.http,
           "--no-access-log", "--no-proxy-headers", "--log-level", "warning"]
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    server = subprocess.Popen(cmd, env=env)
    try:
        t0 = time.time()
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                if time.time() - t0 > 60 or server.poll() is not None:
                    raise SystemExit("server did not start") from None
                time.sleep(0.1)
        # correctness first: the server's answer equals the in-process check
        from callup.person.check import check
        from callup.person.situation import Situation

        async def verify() -> None:
            for b in BODIES:
                want = check(Situation.model_validate(b))
                for _ in range(a.workers * 3):  # new connections, to reach every worker, and warm it
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                    status, body = await one(reader, writer, request_bytes(port, b))
                    writer.close()
                    assert status == 200, body
                    assert json.loads(body) == want, "the server's answer differs from check()"

        asyncio.run(verify())
        ours = [os.getpid(), server.pid, *_children(server.pid)]
        load = os.getloadavg()[0]
        g0, (b0, t0_) = _jiffies(os.getpid()), _busy()
        j0 = sum(_jiffies(p) for p in ours)
        try:  # the load generator on uvloop when available: less of the CPU it shares with the server
            import uvloop

            res = uvloop.run(drive(port, connections, a.seconds, a.warmup))
        except ImportError:
            res = asyncio.run(drive(port, connections, a.seconds, a.warmup))
        j1, (b1, t1_) = sum(_jiffies(p) for p in ours), _busy()
        g1 = _jiffies(os.getpid())
    finally:
        server.terminate()
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            server.kill()
    ncpu = os.cpu_count() or 1
    wall = (t1_ - t0_) / ncpu  # ticks of wall time
    res.update({"workers": a.workers, "connections": connections, "load_avg_1m_at_start": round(load, 2),
                "ours_cpu": round((j1 - j0) / wall, 2) if wall else None,
                "generator_cpu": round((g1 - g0) / wall, 2) if wall else None,
                "other_cpu": round(max(0, (b1 - b0) - (j1 - j0)) / wall, 2) if wall else None,
                "checks_per_cpu_s": round(res["checks_per_s"] * wall / (j1 - j0)) if j1 > j0 else None,
                "met": res["checks_per_s"] >= 1000 and res["p99_ms"] <= 50 and res["errors"] == 0})
    return res


def summary(runs: list[dict]) -> dict:
    rate = [r["checks_per_s"] for r in runs]
    p99 = [r["p99_ms"] for r in runs]
    return {"runs": len(runs), "checks_per_s_median": statistics.median(rate), "checks_per_s_min": min(rate),
            "checks_per_s_max": max(rate), "p99_ms_median": statistics.median(p99), "p99_ms_min": min(p99),
            "p99_ms_max": max(p99), "errors": sum(r["errors"] for r in runs),
            "checks_per_cpu_s_median": statistics.median(r["checks_per_cpu_s"] or 0 for r in runs),
            "other_cpu_median": statistics.median(r["other_cpu"] or 0 for r in runs),
            "met_by_median": statistics.median(rate) >= 1000 and statistics.median(p99) <= 50,
            "met_in_runs": sum(r["met"] for r in runs)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", type=int, default=2, help="uvicorn worker processes (default 2)")
    ap.add_argument("--connections", type=int, nargs="+", default=[8],
                    help="concurrent keep-alive connections; several values: each is measured (default 8)")
    ap.add_argument("--seconds", type=float, default=10.0, help="measured seconds per run (default 10; max 120)")
    ap.add_argument("--runs", type=int, default=1, help="fresh server runs per connection count (default 1)")
    ap.add_argument("--warmup", type=float, default=2.0, help="seconds of load before measuring (default 2)")
    ap.add_argument("--loop", default="uvloop", help="uvicorn --loop (default uvloop)")
    ap.add_argument("--http", default="httptools", help="uvicorn --http (default httptools)")
    ap.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "web-latest.json")
    a = ap.parse_args()
    a.seconds = min(max(a.seconds, 1.0), 120.0)
    a.runs = max(1, a.runs)
    out: dict = {"command": " ".join([Path(sys.executable).name, *sys.argv]), "cpus": os.cpu_count(),
                 "cpu_model": _cpu_model(), "python": platform.python_version(), "target": TARGET,
                 "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "summary": {}, "results": []}
    for conns in a.connections:
        runs = []
        for k in range(a.runs):
            res = one_run(a, conns)
            runs.append(res)
            print(f"[{conns} connections, run {k + 1}/{a.runs}] {res['checks_per_s']:,.0f} checks/s over "
                  f"{res['seconds']:.0f} s ({res['requests']:,} requests, {res['errors']} errors), latency p50 "
                  f"{res['p50_ms']} ms, p90 {res['p90_ms']} ms, p99 {res['p99_ms']} ms, max {res['max_ms']} ms; "
                  f"CPU: ours {res['ours_cpu']} (generator {res['generator_cpu']}), others {res['other_cpu']} "
                  f"of {os.cpu_count()} "
                  f"({res['checks_per_cpu_s']} checks per CPU-second of ours)", flush=True)
        s = summary(runs)
        out["summary"][str(conns)] = s
        out["results"] += runs
        print(f"POST /api/check, {a.workers} uvicorn worker(s), {conns} connections, {s['runs']} run(s) of "
              f"{a.seconds:g} s: median {s['checks_per_s_median']:,.0f} checks/s ({s['checks_per_s_min']:,.0f}-"
              f"{s['checks_per_s_max']:,.0f}), p99 median {s['p99_ms_median']} ms ({s['p99_ms_min']}-"
              f"{s['p99_ms_max']}), {s['checks_per_cpu_s_median']:,.0f} checks per CPU-second (server and "
              f"generator), other programs took {s['other_cpu_median']} CPUs; "
              f"target {TARGET}: {'met' if s['met_by_median'] else 'NOT met'} by the median, "
              f"met in {s['met_in_runs']} of {s['runs']} runs", flush=True)
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


if __name__ == "__main__":
    main()
