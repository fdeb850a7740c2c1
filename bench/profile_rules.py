"""Line-level profile of ``rules.evaluate`` over a synthetic population (no extra packages needed).

    .venv/bin/python bench/profile_rules.py [--rows 10000000] [--top 40] [--cprofile]

A small ``sys.settrace`` line timer: the time between two line events of a frame is charged to the
first line, so a line's time includes the functions it calls (as with line_profiler). Only the
callup sources are traced; NumPy ufuncs are C calls and are charged to the line that calls them.
Tracing adds a few microseconds per line event, negligible against lines that take milliseconds.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import cProfile  # noqa: E402
import linecache  # noqa: E402
import pstats  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections import defaultdict  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))

import callup  # noqa: E402
from bench_check import EVAL_DATE, _days, pin_one_core, synthetic_population  # noqa: E402
from callup.jurisdictions import ru  # noqa: E402
from callup.jurisdictions.ru import rules  # noqa: E402

SRC = str(Path(callup.__file__).resolve().parent)


class LineTimer:
    def __init__(self, prefix: str):
        self.prefix = prefix
        self.times: dict[tuple[str, int], float] = defaultdict(float)
        self.hits: dict[tuple[str, int], int] = defaultdict(int)
        self.funcs: dict[tuple[str, int], str] = {}
        self._state: dict[int, tuple[str, int, float]] = {}

    def _global(self, frame, event, arg):
        if event == "call" and frame.f_code.co_filename.startswith(self.prefix):
            self._state[id(frame)] = (frame.f_code.co_filename, frame.f_lineno, time.perf_counter())
            return self._local
        return None

    def _local(self, frame, event, arg):
        now = time.perf_counter()
        key = id(frame)
        fn, line, t0 = self._state.get(key, (frame.f_code.co_filename, frame.f_lineno, now))
        self.times[(fn, line)] += now - t0
        self.hits[(fn, line)] += 1
        self.funcs[(fn, line)] = frame.f_code.co_name
        if event == "return":
            self._state.pop(key, None)
        else:
            self._state[key] = (frame.f_code.co_filename, frame.f_lineno, time.perf_counter())
        return self._local

    def run(self, fn, *args):
        sys.settrace(self._global)
        try:
            return fn(*args)
        finally:
            sys.settrace(None)

    def report(self, total: float, top: int) -> str:
        rows = sorted(self.times.items(), key=lambda kv: -kv[1])[:top]
        out = [f"{'ms':>9} {'%':>5} {'hits':>5}  location / source (time includes called functions)"]
        for (fn, line), t in rows:
            src = linecache.getline(fn, line).strip()[:90]
            where = f"{Path(fn).name}:{line} {self.funcs[(fn, line)]}"
            out.append(f"{t * 1e3:9.1f} {100 * t / total:5.1f} {self.hits[(fn, line)]:5}  {where}\n{'':23}{src}")
        return "\n".join(out)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--top", type=int, default=40)
    ap.add_argument("--cprofile", action="store_true")
    args = ap.parse_args()
    cpu = pin_one_core()
    law = ru.law()
    on = np.array([_days(EVAL_DATE)], dtype=np.int32)
    pop = synthetic_population(args.rows)
    rules.evaluate(law, pop.slice(0, 10_000), on)  # warm-up
    t0 = time.perf_counter()
    rules.evaluate(law, pop, on)
    plain = time.perf_counter() - t0
    timer = LineTimer(SRC)
    t0 = time.perf_counter()
    timer.run(rules.evaluate, law, pop, on)
    traced = time.perf_counter() - t0
    print(f"{args.rows:,} rows, cpu {cpu}: evaluate {plain:.3f} s untraced, {traced:.3f} s traced")
    print(timer.report(traced, args.top))
    if args.cprofile:
        prof = cProfile.Profile()
        prof.enable()
        rules.evaluate(law, pop, on)
        prof.disable()
        pstats.Stats(prof).sort_stats("tottime").print_stats(25)
    return 0


if __name__ == "__main__":
    sys.exit(main())
