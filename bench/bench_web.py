"""Load benchmark of the web API: POST /api/check throughput and latency against a local server.

    .venv/bin/python bench/bench_web.py [--workers 2] [--connections 8] [--seconds 10] [--out FILE]

Starts ``uvicorn callup.web.app:create_app`` on 127.0.0.1 (a free port, access log off) as a child
process, checks that the answer equals the in-process ``check()``, then drives it for a bounded time
with a small load generator (asyncio, keep-alive HTTP/1.1 connections, pre-encoded requests; far
lighter than an HTTP client library) and stops the server. The load generator runs on the same
machine and takes CPU from the server: the figures are a floor, not a ceiling.
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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request_bytes(port: int, body: dict) -> bytes:
    data = json.dumps(body).encode()
    return (f"POST /api/check HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(data)}\r\n\r\n").encode() + data


async def one(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, req: bytes) -> tuple[int, bytes]:
    writer.write(req)
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    return status, await reader.readexactly(length)


async def drive(port: int, connections: int, seconds: float, warmup: float) -> dict:
    reqs = [request_bytes(port, b) for b in BODIES]
    latencies: list[float] = []
    errors = 0
    t_start = time.perf_counter()
    t_measure, t_end = t_start + warmup, t_start + warmup + seconds

    async def worker(k: int) -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        i = k
        while True:
            t0 = time.perf_counter()
            if t0 >= t_end:
                break
            status, _ = await one(reader, writer, reqs[i % len(reqs)])
            t1 = time.perf_counter()
            i += 1
            if t0 >= t_measure:
                latencies.append(t1 - t0)
                errors += status != 200
        writer.close()

    await asyncio.gather(*(worker(k) for k in range(connections)))
    lat = sorted(latencies)

    def q(p: float) -> float:
        return lat[min(len(lat) - 1, int(p * len(lat)))] * 1000

    return {"requests": len(lat), "errors": errors, "seconds": seconds, "checks_per_s": round(len(lat) / seconds, 1),
            "p50_ms": round(q(0.50), 2), "p90_ms": round(q(0.90), 2), "p99_ms": round(q(0.99), 2),
            "max_ms": round(lat[-1] * 1000, 2), "mean_ms": round(statistics.fmean(lat) * 1000, 2)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", type=int, default=2, help="uvicorn worker processes (default 2)")
    ap.add_argument("--connections", type=int, default=8, help="concurrent keep-alive connections (default 8)")
    ap.add_argument("--seconds", type=float, default=10.0, help="measured seconds (default 10; max 120)")
    ap.add_argument("--warmup", type=float, default=2.0)
    ap.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "web-latest.json")
    a = ap.parse_args()
    a.seconds = min(max(a.seconds, 1.0), 120.0)
    port = free_port()
    cmd = [sys.executable, "-m", "uvicorn", "--factory", "callup.web.app:create_app", "--host", "127.0.0.1",
           "--port", str(port), "--workers", str(a.workers), "--no-access-log", "--log-level", "warning"]
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    server = subprocess.Popen(cmd, env=env)
    try:
        t0 = time.time()
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                if time.time() - t0 > 30 or server.poll() is not None:
                    raise SystemExit("server did not start") from None
                time.sleep(0.1)
        # correctness first: the server's answer equals the in-process check
        from callup.person.check import check
        from callup.person.situation import Situation

        async def verify() -> None:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            for b in BODIES:
                for _ in range(a.workers * 3):  # reach every worker, and warm it
                    status, body = await one(reader, writer, request_bytes(port, b))
                    assert status == 200, body
                    assert json.loads(body) == check(Situation.model_validate(b)), "server answer differs"
            writer.close()

        asyncio.run(verify())
        try:  # the load generator on uvloop when available: less of the CPU it shares with the server
            import uvloop

            res = uvloop.run(drive(port, a.connections, a.seconds, a.warmup))
        except ImportError:
            res = asyncio.run(drive(port, a.connections, a.seconds, a.warmup))
    finally:
        server.terminate()
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            server.kill()
    res.update({"workers": a.workers, "connections": a.connections, "cpus": os.cpu_count(),
                "python": platform.python_version(), "target": ">= 1000 checks/s at p99 <= 50 ms",
                "met": res["checks_per_s"] >= 1000 and res["p99_ms"] <= 50 and res["errors"] == 0})
    print(f"POST /api/check: {res['checks_per_s']:,.0f} checks/s over {res['seconds']:.0f} s "
          f"({res['requests']:,} requests, {res['errors']} errors), latency p50 {res['p50_ms']} ms, "
          f"p90 {res['p90_ms']} ms, p99 {res['p99_ms']} ms, max {res['max_ms']} ms; "
          f"{a.workers} uvicorn worker(s), {a.connections} connections, {os.cpu_count()} CPUs; "
          f"target {'met' if res['met'] else 'NOT met'}")
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(res, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
