"""Benchmark of the call-up simulation: wall time and peak memory per scale.

Each (scale, repetition) runs in a fresh process (fresh caches, its own peak RSS), baseline scenario,
2019-spring..2025-autumn, seed 0. Before timing, each run's drafted total is checked against the
decree quotas (a benchmark of wrong answers is worthless).

    .venv/bin/python bench/bench_simulate.py                    # scales 0.01 0.1, 3 runs each
    .venv/bin/python bench/bench_simulate.py --scales 0.01 0.1 1.0 --runs 1
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

CHILD = r"""
import json, resource, sys, time
t0 = time.perf_counter()
from callup.simulation import simulate
r = simulate(scale=float(sys.argv[1]), seed=0, keep_state=True)
wall = time.perf_counter() - t0
columns = r.state.nbytes / max(len(r.state), 1)
drafted = sum(y["drafted"] for y in r.years)
quota = sum(c["quota_decree"] for c in r.campaigns)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"wall_s": wall, **r.timings, "rows": r.rows, "drafted": drafted, "quota": quota,
                  "peak_rss_mib": peak / 2**20, "peak_bytes_per_row": peak / r.rows,
                  "column_bytes_per_row": columns}))
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scales", type=float, nargs="+", default=[0.01, 0.1])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "simulate-latest.json")
    args = ap.parse_args()
    results = []
    print(f"{'scale':>6} {'rows':>12} {'build s':>8} {'steps s':>8} {'wall s (median, min-max)':>26} "
          f"{'men/s per step':>15} {'peak MiB':>9} {'peak B/row':>10} {'columns B/row':>13}")
    for scale in args.scales:
        runs = []
        for _ in range(args.runs):
            out = subprocess.run([sys.executable, "-c", CHILD, str(scale)], capture_output=True, text=True, check=True)
            run = json.loads(out.stdout.strip().splitlines()[-1])
            if abs(run["drafted"] - run["quota"]) > 0.03 * run["quota"]:
                raise SystemExit(f"scale {scale}: drafted {run['drafted']} vs quota {run['quota']} - wrong answer")
            runs.append(run)
        if len({(r["drafted"], r["rows"]) for r in runs}) > 1:
            raise SystemExit(f"scale {scale}: runs with the same seed disagree - not deterministic")
        walls = [r["wall_s"] for r in runs]
        med = statistics.median(walls)
        rate = runs[0]["rows"] / statistics.median(r["mean_step_s"] for r in runs)
        print(f"{scale:>6} {runs[0]['rows']:>12,} {statistics.median(r['build_s'] for r in runs):>8.2f} "
              f"{statistics.median(r['steps_s'] for r in runs):>8.2f} "
              f"{f'{med:.2f} ({min(walls):.2f}-{max(walls):.2f})':>26} {rate:>15,.0f} "
              f"{max(r['peak_rss_mib'] for r in runs):>9,.0f} {max(r['peak_bytes_per_row'] for r in runs):>10.1f} "
              f"{runs[0]['column_bytes_per_row']:>13.1f}")
        results.append({"scale": scale, "runs": runs})
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
