"""Benchmarks of callup: the CLI check, the in-process check and the rules over millions of rows.

    .venv/bin/python bench/bench_check.py [--quick] [--out bench/results/latest.json] [--profile]

1. ``callup check examples/student-bachelor.yaml --date 2022-10-15 --json`` as a process: wall time.
2. ``check(situation)`` in process (parse once, whole timeline included): ms per call.
3. ``rules.evaluate(law, pop, on)`` over a seeded synthetic population of 10M men on one core:
   persons per second, peak memory, time per rule group and combining step, chunked evaluation.

Every figure is checked for correctness before it is timed. See bench/README.md.
"""

from __future__ import annotations

import os

# One thread for every BLAS/OpenMP pool, before NumPy is imported (elementwise ufuncs are
# single-threaded anyway; this keeps "one core" honest should any library spin up a pool).
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import cProfile  # noqa: E402
import datetime as dt  # noqa: E402
import gc  # noqa: E402
import hashlib  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import pstats  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

from callup.jurisdictions import ru  # noqa: E402
from callup.jurisdictions.ru import columns, rules  # noqa: E402
from callup.law.dates import NEVER, NEVER_KEY, add_years, date_key, to_day  # noqa: E402
from callup.law.reasons import STATUS_NAMES  # noqa: E402
from callup.person.check import check  # noqa: E402
from callup.person.load import parse_situation  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CLI = Path(sys.executable).with_name("callup")
CLI_ARGS = ["check", "examples/student-bachelor.yaml", "--date", "2022-10-15", "--json"]
CHECK_EXAMPLES = ("student-bachelor.yaml", "two-children.yaml", "it-worker.yaml")
EVAL_DATE = "2024-10-15"
SEED = 20241015

TARGET_CLI_S = 0.5
TARGET_CHECK_MS = 1.0
TARGET_ROWS_PER_S = 50e6


# --- helpers ---------------------------------------------------------------------------------------


def summary(xs: list[float]) -> dict:
    """Median, range and the raw runs (seconds, or whatever unit ``xs`` is in)."""
    return {"median": statistics.median(xs), "min": min(xs), "max": max(xs), "runs": list(xs), "n": len(xs)}


def percentile(xs: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(xs), q))


def maxrss_mib() -> float:
    """Peak resident set size of this process so far (ru_maxrss is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def reset_peak() -> bool:
    """Reset the peak RSS (Linux clear_refs '5'); False if not permitted, then peaks are cumulative."""
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


def current_rss_mib() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def digest(*arrays: np.ndarray) -> str:
    h = hashlib.blake2b(digest_size=16)
    for a in arrays:
        h.update(np.ascontiguousarray(a).tobytes())
    return h.hexdigest()


def machine_info() -> dict:
    cpuinfo = {}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            key, _, value = line.partition(":")
            key = key.strip()
            if key in ("model name", "cpu MHz", "cache size", "cpu family", "model") and key not in cpuinfo:
                cpuinfo[key] = value.strip()
    except OSError:
        pass
    caches = {}
    base = Path("/sys/devices/system/cpu/cpu0/cache")
    for idx in sorted(base.glob("index*")) if base.exists() else []:
        try:
            level = (idx / "level").read_text().strip()
            kind = (idx / "type").read_text().strip()
            size = (idx / "size").read_text().strip()
            caches[f"L{level} {kind}"] = size
        except OSError:
            continue
    try:
        mem_kib = int(Path("/proc/meminfo").read_text().split("MemTotal:")[1].split()[0])
    except (OSError, IndexError, ValueError):
        mem_kib = 0
    return {
        "cores_online": os.cpu_count(),
        "cores_usable": len(os.sched_getaffinity(0)),
        "cpu_model": cpuinfo.get("model name", platform.processor() or "unknown"),
        "cpu_family_model": f"{cpuinfo.get('cpu family', '?')}/{cpuinfo.get('model', '?')}",
        "cpu_mhz": cpuinfo.get("cpu MHz"),
        "caches_cpu0": caches,
        "memory_gib": round(mem_kib / 1024**2, 1),
        "python": platform.python_version(),
        "python_impl": platform.python_implementation(),
        "numpy": np.__version__,
        "platform": platform.platform(),
        "threads_env": {v: os.environ.get(v) for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")},
        "when": dt.datetime.now().isoformat(timespec="seconds"),
    }


def pin_one_core() -> int | None:
    """Pin this process to one CPU (the last one), so 'one core' is literal. Returns the CPU."""
    try:
        cpu = max(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return cpu
    except (AttributeError, OSError):
        return None


# --- 1. the CLI as a process -----------------------------------------------------------------------


def bench_cli(runs: int) -> dict:
    cmd = [str(CLI), *CLI_ARGS]
    env = dict(os.environ)

    def once() -> tuple[float, str]:
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
        t = time.perf_counter() - t0
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}): {proc.stderr}")
        return t, proc.stdout

    warm_t, reference = once()  # warm-up: page cache, .pyc files
    json.loads(reference)
    times = []
    for _ in range(runs):
        t, out = once()
        if out != reference:
            raise RuntimeError("the CLI output changed between runs")
        times.append(t)

    # context: what the interpreter and the imports alone cost (same number of runs)
    py = sys.executable
    baseline = {}
    for label, code in (
        ("python -c pass", "pass"),
        ("python -c 'import numpy'", "import numpy"),
        ("python -c 'import callup.cli'", "import callup.cli"),
        ("python -c 'import callup.person.check'", "import callup.person.check"),
    ):
        subprocess.run([py, "-c", code], cwd=ROOT, env=env, check=True)
        ts = []
        for _ in range(max(3, runs // 2)):
            t0 = time.perf_counter()
            subprocess.run([py, "-c", code], cwd=ROOT, env=env, check=True)
            ts.append(time.perf_counter() - t0)
        baseline[label] = summary(ts)
    # the in-process cost of the first check (law loading etc.), in a fresh interpreter
    first = subprocess.run(
        [
            py,
            "-c",
            "import time; t0 = time.perf_counter();"
            "from callup.person.check import check; from callup.person.load import parse_situation;"
            "t1 = time.perf_counter();"
            "import datetime as dt; s = parse_situation(open('examples/student-bachelor.yaml').read());"
            "r = check(s, on=dt.date(2022, 10, 15)); t2 = time.perf_counter();"
            "r = check(s, on=dt.date(2022, 10, 15)); t3 = time.perf_counter();"
            "print(t1 - t0, t2 - t1, t3 - t2)",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    imp, first_check, second_check = (float(x) for x in first.stdout.split())
    s = summary(times)
    return {
        "command": "callup " + " ".join(CLI_ARGS),
        "warmup_s": warm_t,
        "wall_s": s,
        "target_s": TARGET_CLI_S,
        "meets_target": s["median"] <= TARGET_CLI_S,
        "context_s": baseline,
        "in_fresh_process_s": {"imports": imp, "first_check": first_check, "second_check": second_check},
        "output_bytes": len(reference),
    }


# --- 2. one check in process -----------------------------------------------------------------------


def bench_check_inproc(calls: int) -> dict:
    per_example = {}
    all_ms: list[float] = []
    law = ru.law()
    for name in CHECK_EXAMPLES:
        text = (ROOT / "examples" / name).read_text(encoding="utf-8")
        sit = parse_situation(text, source=name)
        t0 = time.perf_counter()
        reference = check(sit)  # first call in this process for this situation (caches warm after)
        first_ms = (time.perf_counter() - t0) * 1e3
        ref_json = json.dumps(reference, sort_keys=True, ensure_ascii=False)
        # correctness: identical results across calls, with and without an explicit law
        for i in range(50):
            r = check(sit, law=law) if i % 2 else check(sit)
            if json.dumps(r, sort_keys=True, ensure_ascii=False) != ref_json:
                raise RuntimeError(f"{name}: check() result changed between calls")
        ms = []
        pc = time.perf_counter_ns
        for _ in range(calls):
            t0 = pc()
            check(sit)
            ms.append((pc() - t0) / 1e6)
        # and still identical after the timed calls
        if json.dumps(check(sit), sort_keys=True, ensure_ascii=False) != ref_json:
            raise RuntimeError(f"{name}: check() result changed during timing")
        all_ms.extend(ms)
        per_example[name] = {
            "date": str(sit.date),
            "status": reference["status"],
            "reasons": [r["code"] for r in reference["reasons"]],
            "timeline_campaigns": len(reference["timeline"]),
            "first_call_ms": first_ms,
            "median_ms": statistics.median(ms),
            "p90_ms": percentile(ms, 90),
            "min_ms": min(ms),
            "max_ms": max(ms),
            "calls": len(ms),
        }
    med = statistics.median(all_ms)
    return {
        "examples": per_example,
        "all": {"median_ms": med, "p90_ms": percentile(all_ms, 90), "p99_ms": percentile(all_ms, 99),
                "calls": len(all_ms)},
        "target_ms": TARGET_CHECK_MS,
        "meets_target": med <= TARGET_CHECK_MS,
    }


def profile_check(calls: int = 500) -> str:
    sit = parse_situation((ROOT / "examples" / CHECK_EXAMPLES[0]).read_text(encoding="utf-8"))
    check(sit)
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(calls):
        check(sit)
    prof.disable()
    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).sort_stats("tottime").print_stats(25)
    return buf.getvalue()


# --- 3. the rules over millions of rows ------------------------------------------------------------


def _days(s: str) -> int:
    return int(to_day(s))


def synthetic_population(n: int, seed: int = SEED, n_children: int = 3) -> columns.Population:
    """A seeded, plausible mix of ``n`` men born 1990-2008 (not a statistical model of Russia)."""
    rng = np.random.default_rng(seed)
    pop = columns.empty(n, n_children=n_children)
    i32 = np.int32

    def share(p: float) -> np.ndarray:
        return rng.random(n) < p

    def uniform_days(lo: str, hi: str, size: int) -> np.ndarray:
        return rng.integers(_days(lo), _days(hi) + 1, size=size, dtype=np.int64).astype(i32)

    # who
    pop.birth = uniform_days("1990-01-01", "2008-12-31", n)
    pop.birth_key = date_key(pop.birth)
    pop.citizen = ~share(0.01)
    pop.registered = ~share(0.03)
    pop.abroad = share(0.05)
    pop.reserve = share(0.03)

    # health: none / A / B / V / G / D, examined 2019-2024
    pop.health = rng.choice(6, size=n, p=[0.10, 0.35, 0.40, 0.08, 0.04, 0.03]).astype(np.int8)
    examined = pop.health > 0
    pop.health_date = np.where(examined, uniform_days("2019-01-01", "2024-10-14", n), NEVER).astype(i32)

    # study: ~30% enrolled at some level, started 2016-2024, standard term by level
    studying = share(0.30)
    level = rng.choice(7, size=n, p=[0.08, 0.22, 0.35, 0.12, 0.10, 0.08, 0.05]).astype(np.int8) + 1
    years = np.array([0, 1, 3, 4, 5, 2, 3, 1], dtype=np.int64)  # by level code
    start_year = rng.integers(2016, 2025, size=n)
    start = (np.array([_days(f"{y}-09-01") for y in range(2016, 2025)], dtype=np.int64)[start_year - 2016]
             + rng.integers(-20, 30, size=n))
    end = start + 365 * years[level] - 63  # ~ end of June of the last year
    pop.study_level = np.where(studying, level, 0).astype(np.int8)
    pop.study_full_time = studying & ~share(0.15)
    pop.study_accredited = studying & ~share(0.05)
    pop.study_start = np.where(studying, start, NEVER).astype(i32)
    pop.study_end = np.where(studying, end, NEVER).astype(i32)

    # diplomas: school at ~17.5, SPO / bachelor / specialist / master for some
    school_day = add_years(pop.birth, 17) + rng.integers(100, 200, size=n)
    diploma = pop.diploma
    diploma[0] = np.where(share(0.90), school_day, NEVER)
    diploma[1] = np.where(share(0.12), add_years(pop.birth, 20), NEVER)
    has_bachelor = share(0.22)
    diploma[2] = np.where(has_bachelor, add_years(pop.birth, 22) + rng.integers(0, 60, size=n), NEVER)
    diploma[3] = np.where(share(0.05) & ~has_bachelor, add_years(pop.birth, 23), NEVER)
    diploma[4] = np.where(has_bachelor & share(0.20), add_years(pop.birth, 24), NEVER)
    # most master students got their bachelor diploma in the summer before they enrolled
    master = pop.study_level == columns.level_code("master")
    same_year = master & share(0.7)
    diploma[2] = np.where(same_year, pop.study_start - rng.integers(40, 80, size=n), diploma[2])
    diploma[4] = np.where(master, NEVER, diploma[4])
    diploma[:] = np.where(diploma > _days("2025-12-31"), NEVER, diploma)
    pop.deferrals_used = np.where(share(0.10), rng.integers(1, 128, size=n), 0).astype(np.uint8)

    # children: 0-3 (75/15/7/3%), born 2008..mid 2025 (some after the evaluation date), ~2% disabled
    kids = rng.choice(4, size=n, p=[0.75, 0.15, 0.07, 0.03])
    lo = np.maximum(add_years(pop.birth, 18).astype(np.int64), _days("2008-01-01"))
    hi = _days("2025-06-30")
    for k in range(n_children):
        has = kids > k
        born = lo + (rng.random(n) * np.maximum(hi - lo, 1)).astype(np.int64)
        pop.child_birth_key[k] = np.where(has, date_key(born.astype(i32)), NEVER_KEY)
        pop.child_disabled[k] = has & share(0.02)
    pop.pregnancy_start = np.where(share(0.03), uniform_days("2024-01-01", "2024-10-14", n), NEVER).astype(i32)

    # small flags
    pop.single_father = share(0.003) & (kids > 0)
    pop.cares_for_relative = share(0.01)
    pop.guardian = share(0.002)
    pop.degree = share(0.003)
    pop.relative_died = share(0.001)
    pop.served = rng.choice(5, size=n, p=[0.866, 0.10, 0.03, 0.003, 0.001]).astype(np.int8)
    pop.criminal = rng.choice(4, size=n, p=[0.982, 0.005, 0.010, 0.003]).astype(np.int8)
    pop.public_service = share(0.005)
    pop.elected = share(0.001)
    pop.beliefs = share(0.005)
    pop.indigenous = share(0.001)
    pop.acs_applied = np.where(share(0.002), uniform_days("2022-01-01", "2024-10-14", n), NEVER).astype(i32)

    # IT workers: ~3%
    it = share(0.03)
    pop.it_accredited = it & ~share(0.10)
    pop.it_full_time = it & ~share(0.10)
    pop.it_listed = it & ~share(0.20)
    pop.it_contract_start = np.where(it, uniform_days("2021-01-01", "2024-10-14", n), NEVER).astype(i32)
    pop.it_graduated = np.where(it, uniform_days("2018-06-01", "2024-07-31", n), NEVER).astype(i32)

    # waivers: ~0.5% waived some waivable right
    vocab = ru.vocabulary()
    waivable = [c for c in ("deferral.study.bachelor", "deferral.study.master", "exempt.degree") if c in vocab]
    masks = np.array([int(vocab.mask_of([c])) for c in waivable], dtype=np.uint64)
    pick = masks[rng.integers(0, len(masks), size=n)]
    pop.waived = np.where(share(0.005), pick, np.uint64(0)).astype(np.uint64)
    return pop


def _evaluate_chunked(law, pop, on, chunk: int) -> tuple[np.ndarray, np.ndarray]:
    n = len(pop)
    status = np.empty(n, dtype=np.int8)
    reasons = np.empty(n, dtype=np.uint64)
    for i in range(0, n, chunk):
        ev = rules.evaluate(law, pop.slice(i, min(i + chunk, n)), on)
        status[i : i + chunk] = ev.status
        reasons[i : i + chunk] = ev.reasons
    return status, reasons


def _time_groups(law, pop, on, runs: int) -> dict:
    """Each group rule called directly, and the combining step of evaluate() on their output.

    The combining step is timed by running the real ``evaluate`` with ``rules.grounds`` replaced by
    a function that returns the grounds computed beforehand, so no copy of the code is timed.
    """
    out: dict[str, list[float]] = {}
    found: dict = {}
    for _ in range(runs):
        found = {}
        for rule in rules.GROUP_RULES:
            gc.collect()
            t0 = time.perf_counter()
            g = rule(law, pop, on, False)
            out.setdefault(rule.__name__, []).append(time.perf_counter() - t0)
            found.update(g)
    original = rules.grounds
    rules.grounds = lambda *a, **k: found
    try:
        for _ in range(runs):
            gc.collect()
            t0 = time.perf_counter()
            rules.evaluate(law, pop, on)
            out.setdefault("combine (evaluate minus grounds)", []).append(time.perf_counter() - t0)
    finally:
        rules.grounds = original
    return {k: summary(v) for k, v in out.items()}


def bench_rules(n: int, runs: int, chunk_runs: int, chunk_pows: list[int]) -> dict:
    law = ru.law()
    on = np.array([_days(EVAL_DATE)], dtype=np.int32)
    res: dict = {"rows": n, "date": EVAL_DATE, "seed": SEED, "pinned_cpu": pin_one_core()}

    t0 = time.perf_counter()
    pop = synthetic_population(n)
    res["build_s"] = time.perf_counter() - t0
    res["population_mib"] = pop.nbytes / 2**20
    gc.collect()
    res["rss_after_build_mib"] = current_rss_mib()

    # warm-up on a small slice: parameter tables, vocabulary, code paths
    rules.evaluate(law, pop.slice(0, 10_000), on)

    # --- correctness before timing ---
    ev = rules.evaluate(law, pop, on)
    ref_status, ref_reasons = ev.status.copy(), ev.reasons.copy()
    del ev
    counts = np.bincount(ref_status, minlength=len(STATUS_NAMES))
    ref_digest = digest(ref_status, ref_reasons)
    rng = np.random.default_rng(SEED + 1)
    sample = rng.choice(n, size=200, replace=False)
    for i in sample:
        one = rules.evaluate(law, pop.take(np.array([i])), on)
        if one.status[0] != ref_status[i] or one.reasons[0] != ref_reasons[i]:
            raise RuntimeError(f"row {i}: one-row evaluation differs from the population evaluation")
    vocab = ru.vocabulary()
    res["status_counts"] = {STATUS_NAMES[k]: int(c) for k, c in enumerate(counts)}
    res["reason_counts"] = {k: int(v) for k, v in vocab.count_by_code(ref_reasons).items()}
    res["sample_rows_checked"] = int(sample.size)
    res["result_digest"] = ref_digest

    # --- full evaluation, fresh call each run ---
    times = []
    peak_reset = reset_peak()
    rss0 = current_rss_mib()
    for _ in range(runs):
        gc.collect()
        t0 = time.perf_counter()
        ev = rules.evaluate(law, pop, on)
        times.append(time.perf_counter() - t0)
        c = np.bincount(ev.status, minlength=len(STATUS_NAMES))
        if not np.array_equal(c, counts) or digest(ev.status, ev.reasons) != ref_digest:
            raise RuntimeError("status counts or reasons changed between runs")
        del ev
    s = summary(times)
    res["full"] = {
        "s": s,
        "rows_per_s_median": n / s["median"],
        "rows_per_s_best": n / s["min"],
        "peak_rss_mib": maxrss_mib(),
        "peak_extra_mib": maxrss_mib() - rss0 if peak_reset else None,
        "peak_is_cumulative": not peak_reset,
    }
    res["target_rows_per_s"] = TARGET_ROWS_PER_S

    # --- where the time goes ---
    res["groups"] = _time_groups(law, pop, on, max(1, runs // 2 + 1))

    # --- chunked evaluation ---
    chunks = {}
    for p in chunk_pows:
        size = 1 << p
        if size >= n:
            continue
        gc.collect()
        reset_peak()
        rss0 = current_rss_mib()
        ts = []
        for _ in range(chunk_runs):
            t0 = time.perf_counter()
            st, rs = _evaluate_chunked(law, pop, on, size)
            ts.append(time.perf_counter() - t0)
            if digest(st, rs) != ref_digest:
                raise RuntimeError(f"chunk {size}: results differ from the full evaluation")
            del st, rs
        cs = summary(ts)
        chunks[str(size)] = {
            "s": cs,
            "rows_per_s_median": n / cs["median"],
            "peak_extra_mib": maxrss_mib() - rss0 if peak_reset else None,
        }
    res["chunked"] = chunks
    if chunks:
        best = min(chunks, key=lambda k: chunks[k]["s"]["median"])
        res["best_chunk"] = int(best)
        res["best_chunk_rows_per_s"] = chunks[best]["rows_per_s_median"]
    best_rate = max([res["full"]["rows_per_s_median"]] + [c["rows_per_s_median"] for c in chunks.values()])
    res["best_rows_per_s"] = best_rate
    res["meets_target"] = best_rate >= TARGET_ROWS_PER_S
    res["meets_target_unchunked"] = res["full"]["rows_per_s_median"] >= TARGET_ROWS_PER_S
    res["peak_rss_process_mib"] = maxrss_mib()
    return res, pop


def profile_rules(pop, top: int = 30) -> str:
    law = ru.law()
    on = np.array([_days(EVAL_DATE)], dtype=np.int32)
    prof = cProfile.Profile()
    prof.enable()
    rules.evaluate(law, pop, on)
    prof.disable()
    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).sort_stats("tottime").print_stats(top)
    return buf.getvalue()


# --- report ----------------------------------------------------------------------------------------


def _ok(flag: bool) -> str:
    return "meets target" if flag else "MISSES target"


def print_report(r: dict) -> None:
    m = r["machine"]
    print("=" * 78)
    print(f"callup benchmarks  ({'quick' if r['quick'] else 'full'} run, {m['when']})")
    print(f"machine: {m['cpu_model']} (family/model {m['cpu_family_model']}, {m['cpu_mhz']} MHz), "
          f"{m['cores_online']} cores online, {m['memory_gib']} GiB")
    print(f"caches (cpu0): {', '.join(f'{k} {v}' for k, v in m['caches_cpu0'].items())}")
    print(f"Python {m['python']} ({m['python_impl']}), NumPy {m['numpy']}, {m['platform']}")
    print("=" * 78)

    c = r.get("cli")
    if c:
        w = c["wall_s"]
        print(f"\n1. CLI process: {c['command']}")
        print(f"   {w['n']} runs after 1 warm-up   median {w['median']:.3f} s   min {w['min']:.3f}   "
              f"max {w['max']:.3f}   target <= {c['target_s']} s: {_ok(c['meets_target'])}")
        for label, s in c["context_s"].items():
            print(f"   {label:40} median {s['median']:.3f} s")
        f = c["in_fresh_process_s"]
        print(f"   in a fresh interpreter: imports {f['imports']:.3f} s, first check {f['first_check']:.3f} s, "
              f"second check {f['second_check'] * 1e3:.2f} ms")

    k = r.get("check")
    if k:
        print("\n2. check(situation) in process (whole timeline), per call")
        print(f"   {'example':28} {'status':10} {'campaigns':>9} {'first ms':>9} {'median ms':>10} {'p90 ms':>8} "
              f"{'min ms':>7}")
        for name, e in k["examples"].items():
            print(f"   {name:28} {e['status']:10} {e['timeline_campaigns']:>9} {e['first_call_ms']:>9.2f} "
                  f"{e['median_ms']:>10.3f} {e['p90_ms']:>8.3f} {e['min_ms']:>7.3f}")
        a = k["all"]
        print(f"   all {a['calls']} calls: median {a['median_ms']:.3f} ms, p90 {a['p90_ms']:.3f} ms, "
              f"p99 {a['p99_ms']:.3f} ms   target <= {k['target_ms']} ms: {_ok(k['meets_target'])}")

    q = r.get("rules")
    if q:
        n = q["rows"]
        f = q["full"]
        print(f"\n3. rules.evaluate over {n:,} rows on {EVAL_DATE}, one core (pinned to cpu {q['pinned_cpu']})")
        print(f"   population built in {q['build_s']:.1f} s, columns {q['population_mib']:.0f} MiB; "
              f"correctness: {q['sample_rows_checked']} one-row evaluations match, identical across runs")
        print("   status counts: " + ", ".join(f"{k} {v:,}" for k, v in q["status_counts"].items()))
        s = f["s"]
        print(f"   full evaluate ({s['n']} runs): median {s['median']:.3f} s  (min {s['min']:.3f}, "
              f"max {s['max']:.3f})  -> {f['rows_per_s_median'] / 1e6:.1f} M rows/s median, "
              f"{f['rows_per_s_best'] / 1e6:.1f} M best")
        extra = f"{f['peak_extra_mib']:.0f} MiB above the population" if f["peak_extra_mib"] is not None else ""
        print(f"   peak RSS (ru_maxrss) {f['peak_rss_mib']:.0f} MiB; {extra}")
        print("   time per group (called directly):")
        tot = sum(g["median"] for g in q["groups"].values())
        for name, g in sorted(q["groups"].items(), key=lambda kv: -kv[1]["median"]):
            print(f"     {name:36} median {g['median'] * 1e3:8.1f} ms  ({100 * g['median'] / tot:4.1f}%)  "
                  f"range {g['min'] * 1e3:.1f}-{g['max'] * 1e3:.1f}")
        print(f"     {'sum':36} median {tot * 1e3:8.1f} ms")
        if q["chunked"]:
            print("   chunked evaluate (pop.slice):")
            for size, cch in q["chunked"].items():
                cs = cch["s"]
                pk = f"peak +{cch['peak_extra_mib']:.0f} MiB" if cch["peak_extra_mib"] is not None else ""
                print(f"     chunk {int(size):>9,}  median {cs['median']:.3f} s (min {cs['min']:.3f}, max "
                      f"{cs['max']:.3f})  {cch['rows_per_s_median'] / 1e6:6.1f} M rows/s  {pk}")
            print(f"   best chunk {q['best_chunk']:,} rows: {q['best_chunk_rows_per_s'] / 1e6:.1f} M rows/s")
        print(f"   best rate {q['best_rows_per_s'] / 1e6:.1f} M rows/s; target >= "
              f"{q['target_rows_per_s'] / 1e6:.0f} M rows/s: {_ok(q['meets_target'])}")
    print()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="1M rows and fewer repetitions")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "latest.json"), help="JSON results path")
    ap.add_argument("--rows", type=int, default=None, help="override the population size")
    ap.add_argument("--profile", action="store_true", help="also print cProfile of check() and evaluate()")
    ap.add_argument("--skip", default="", help="comma list of sections to skip: cli,check,rules")
    args = ap.parse_args(argv)
    skip = set(filter(None, args.skip.split(",")))
    quick = args.quick
    n = args.rows or (1_000_000 if quick else 10_000_000)

    results: dict = {"quick": quick, "machine": machine_info()}
    if "cli" not in skip:
        print("running 1. CLI ...", file=sys.stderr, flush=True)
        results["cli"] = bench_cli(runs=5 if quick else 10)
    if "check" not in skip:
        print("running 2. in-process check ...", file=sys.stderr, flush=True)
        results["check"] = bench_check_inproc(calls=500 if quick else 2000)
    pop = None
    if "rules" not in skip:
        print(f"running 3. rules over {n:,} rows ...", file=sys.stderr, flush=True)
        results["rules"], pop = bench_rules(
            n,
            runs=3 if quick else 5,
            chunk_runs=2 if quick else 3,
            chunk_pows=[14, 15, 16, 17, 18, 20] if not quick else [14, 16, 18],
        )
    print_report(results)
    if args.profile:
        print("--- cProfile: check(student-bachelor) x500, by own time ---")
        results["profile_check"] = profile_check()
        print(results["profile_check"])
        if pop is not None:
            print(f"--- cProfile: one evaluate() over {len(pop):,} rows, by own time ---")
            results["profile_rules"] = profile_rules(pop)
            print(results["profile_rules"])
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, default=float) + "\n", encoding="utf-8")
    print(f"results written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
