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
import inspect  # noqa: E402
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


def current_rss_mib(field: str = "VmRSS") -> float:
    """VmRSS (now) or VmHWM (peak since start or the last reset_peak) from /proc/self/status."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
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
        "loadavg_start": os.getloadavg(),
        "git": git_state(),
    }


def git_state() -> dict:
    """The commit measured, and whether src/ had uncommitted changes (then the commit is not the code)."""

    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            return ""

    dirty = git("status", "--porcelain", "--untracked-files=no", "--", "src")
    untracked = git("status", "--porcelain", "--untracked-files=all", "--", "src").splitlines()
    diff = git("diff", "HEAD", "--", "src")
    return {
        "commit": git("rev-parse", "--short", "HEAD") or None,
        "src_dirty": bool(dirty),
        "src_diff_digest": hashlib.blake2b(diff.encode(), digest_size=8).hexdigest() if dirty else None,
        "src_untracked_files": sum(1 for line in untracked if line.startswith("??")),
    }


_PINNED: list[int] = []


def _idlest_cpu(cpus: set[int], wait: float = 0.3) -> int:
    """The CPU of ``cpus`` with the most idle time over ``wait`` seconds (from /proc/stat)."""

    def idle() -> dict[int, int]:
        out = {}
        for line in Path("/proc/stat").read_text().splitlines():
            name, *vals = line.split()
            if name.startswith("cpu") and name != "cpu" and int(name[3:]) in cpus:
                out[int(name[3:])] = int(vals[3]) + int(vals[4])  # idle + iowait
        return out

    try:
        a = idle()
        time.sleep(wait)
        b = idle()
        return max(cpus, key=lambda c: b.get(c, 0) - a.get(c, 0))
    except (OSError, ValueError):
        return max(cpus)


def pin_one_core() -> int | None:
    """Pin this process to one CPU, so 'one core' is literal: the idlest one at the first call (the
    machine may be shared), the same one afterwards. Returns the CPU."""
    try:
        if not _PINNED:
            _PINNED.append(_idlest_cpu(os.sched_getaffinity(0)))
        os.sched_setaffinity(0, {_PINNED[0]})
        return _PINNED[0]
    except (AttributeError, OSError):
        return None


# --- 1. the CLI as a process -----------------------------------------------------------------------

_CLI_OUTPUT: dict[str, dict] = {}  # example -> the CLI's JSON, to cross-check the in-process result


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
    _CLI_OUTPUT["student-bachelor.yaml"] = json.loads(reference)
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
        cli_same = None
        if name in _CLI_OUTPUT:  # the CLI ran the same file on the same date (the file's date)
            cli_same = json.loads(json.dumps(reference, ensure_ascii=False)) == _CLI_OUTPUT[name]
            if not cli_same:
                raise RuntimeError(f"{name}: check() in process differs from the CLI's --json output")
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
            "same_as_cli": cli_same,
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
        "all": {
            "median_ms": med,
            "p90_ms": percentile(all_ms, 90),
            "p99_ms": percentile(all_ms, 99),
            "calls": len(all_ms),
        },
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
    start = np.array([_days(f"{y}-09-01") for y in range(2016, 2025)], dtype=np.int64)[
        start_year - 2016
    ] + rng.integers(-20, 30, size=n)
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


def _evaluate_has_chunk() -> bool:
    """Does ``rules.evaluate`` chunk by itself (a ``chunk=`` parameter)?"""
    return "chunk" in inspect.signature(rules.evaluate).parameters


def _evaluate(law, pop, on, chunk: int | None = None):
    """``rules.evaluate`` with its own chunking set to ``chunk`` rows (None: its default; len(pop):
    no chunking). Without a ``chunk`` parameter, chunks are made here with ``pop.slice``."""
    if _evaluate_has_chunk():
        if chunk is None:
            return rules.evaluate(law, pop, on)
        return rules.evaluate(law, pop, on, chunk=max(1, chunk))
    if chunk is None or chunk >= len(pop):
        return rules.evaluate(law, pop, on)
    return _evaluate_chunked(law, pop, on, chunk)


def _evaluate_chunked(law, pop, on, chunk: int) -> rules.Evaluation:
    """Chunks made outside evaluate: ``pop.slice`` views of ``chunk`` rows each."""
    n = len(pop)
    status = np.empty(n, dtype=np.int8)
    reasons = np.empty(n, dtype=np.uint64)
    kw = {"chunk": chunk} if _evaluate_has_chunk() else {}
    for i in range(0, n, chunk):
        ev = rules.evaluate(law, pop.slice(i, min(i + chunk, n)), on, **kw)
        status[i : i + chunk] = ev.status
        reasons[i : i + chunk] = ev.reasons
    return rules.Evaluation(status, reasons)


def _call_group(rule, law, pop, on):
    """A group rule called directly, under either signature: (law, pop, on, explain) or, once the
    law is looked up per date, (at, pop, explain)."""
    first = next(iter(inspect.signature(rule).parameters))
    if first == "at":
        at = rules.at_for(law, on) if hasattr(rules, "at_for") else rules.At(law, on)
        return rule(at, pop, False)
    return rule(law, pop, on, False)


def _time_groups(law, pop, on, runs: int, ref_digest: str, chunk: int | None = None) -> dict:
    """Each group rule called directly, and the combining step of evaluate() on their output.

    With ``chunk``, every group is called on ``pop.slice`` chunks of that many rows and the times are
    summed (that is how evaluate itself runs when it chunks). The combining step is timed by running
    the real ``evaluate`` (with the same chunking) with ``rules.grounds`` replaced by a function that
    returns the grounds computed beforehand for the rows it is given; its output must equal the
    reference, so what is timed is the real combining code on the real grounds.
    """
    n = len(pop)
    size = chunk or n
    bounds = [(i, min(i + size, n)) for i in range(0, n, size)]
    out: dict[str, list[float]] = {}
    found: dict = {}
    for _ in range(runs):
        found = {}
        for rule in rules.GROUP_RULES:
            gc.collect()
            total = 0.0
            parts = []
            for a, b in bounds:
                part = pop if (a, b) == (0, n) else pop.slice(a, b)
                t0 = time.perf_counter()
                g = _call_group(rule, law, part, on)
                total += time.perf_counter() - t0
                parts.append(g)
            out.setdefault(rule.__name__, []).append(total)
            for code in parts[0]:
                masks = [np.broadcast_to(p[code].mask, (b - a,)) for p, (a, b) in zip(parts, bounds, strict=True)]
                found[code] = masks[0] if len(masks) == 1 else np.concatenate(masks)
    base = pop.birth.__array_interface__["data"][0]
    step = pop.birth.strides[0]

    def precomputed(*args, **kwargs):
        part = next(a for a in args if isinstance(a, columns.Population))
        off = (part.birth.__array_interface__["data"][0] - base) // step
        return {c: rules.Ground(m[off : off + len(part)]) for c, m in found.items()}

    original = rules.grounds
    rules.grounds = precomputed
    try:
        for _ in range(runs):
            gc.collect()
            t0 = time.perf_counter()
            ev = _evaluate(law, pop, on, chunk if chunk else n)
            out.setdefault("combine (evaluate minus grounds)", []).append(time.perf_counter() - t0)
            if digest(ev.status, ev.reasons) != ref_digest:
                raise RuntimeError("combining step on precomputed grounds differs from the full evaluation")
            del ev
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

    def timed(chunk: int | None, k: int) -> dict:
        ts = []
        for _ in range(k):
            gc.collect()
            t0 = time.perf_counter()
            ev = _evaluate(law, pop, on, chunk)
            ts.append(time.perf_counter() - t0)
            c = np.bincount(ev.status, minlength=len(STATUS_NAMES))
            if not np.array_equal(c, counts) or digest(ev.status, ev.reasons) != ref_digest:
                raise RuntimeError(f"chunk {chunk}: status counts or reasons differ from the reference")
            del ev
        s = summary(ts)
        return {"s": s, "rows_per_s_median": n / s["median"], "rows_per_s_best": n / s["min"]}

    # --- evaluate(law, pop, on) as a caller writes it, fresh call each run ---
    internal = _evaluate_has_chunk()
    res["evaluate_chunks_internally"] = internal
    res["evaluate_default_chunk"] = getattr(rules, "CHUNK_ROWS", None) if internal else None
    res["full"] = timed(None, runs)
    # ... and without any chunking, if evaluate chunks by default
    if internal:
        res["unchunked"] = timed(n, max(2, runs // 2 + 1))
    res["target_rows_per_s"] = TARGET_ROWS_PER_S

    # --- where the time goes: each group on the whole population (and per default chunk) ---
    group_runs = max(1, runs // 2 + 1)
    res["groups"] = _time_groups(law, pop, on, group_runs, ref_digest)
    if internal and res["evaluate_default_chunk"] and res["evaluate_default_chunk"] < n:
        res["groups_per_chunk"] = _time_groups(law, pop, on, group_runs, ref_digest, res["evaluate_default_chunk"])

    # --- chunk-size sweep ---
    chunks = {}
    for p in chunk_pows:
        size = 1 << p
        if size < n:
            chunks[str(size)] = timed(size, chunk_runs)
    res["chunked"] = chunks
    res["chunked_by"] = "evaluate(..., chunk=size)" if internal else "pop.slice(i, i + size) outside evaluate"
    if chunks:
        best = min(chunks, key=lambda k: chunks[k]["s"]["median"])
        res["best_chunk"] = int(best)
        res["best_chunk_rows_per_s"] = chunks[best]["rows_per_s_median"]
    rates = [res["full"]["rows_per_s_median"]] + [c["rows_per_s_median"] for c in chunks.values()]
    res["best_rows_per_s"] = max(rates)
    res["meets_target"] = res["full"]["rows_per_s_median"] >= TARGET_ROWS_PER_S
    res["meets_target_best_chunk"] = res["best_rows_per_s"] >= TARGET_ROWS_PER_S
    res["peak_rss_process_mib"] = maxrss_mib()
    # peak memory of one evaluation, each in a fresh process (this one's heap is warm and reused)
    mem = {"default": _run_probe(n, -1)}
    if internal:
        mem["unchunked"] = _run_probe(n, 0)
    if chunks and (not internal or res["best_chunk"] != res["evaluate_default_chunk"]):
        mem["best_chunk"] = _run_probe(n, res["best_chunk"])
    res["memory_fresh_process"] = mem
    return res, pop


def bench_rules_sim(n: int, runs: int) -> dict:
    """The rules over the simulation's own population: ``population.build_population`` sized to about
    ``n`` rows (men aged 8-65 in 2019, sorted by birth, as a campaign step sees them). Rows outside
    call-up age come in blocks, so whole chunks skip the deferral grounds."""
    from callup.population.build import build_population

    law = ru.law()
    res: dict = {"pinned_cpu": pin_one_core()}
    t0 = time.perf_counter()
    probe = build_population(scale=0.001, seed=SEED)
    sp = build_population(scale=min(1.0, 0.001 * n / len(probe.pop)), seed=SEED)
    pop = sp.pop
    res.update(rows=len(pop), scale=sp.scale, build_s=time.perf_counter() - t0, dates={})
    rng = np.random.default_rng(SEED + 2)
    for date in ("2019-10-15", "2024-10-15"):
        on = np.array([_days(date)], dtype=np.int32)
        ref = rules.evaluate(law, pop, on)
        for i in rng.choice(len(pop), size=200, replace=False):
            one = rules.evaluate(law, pop.take(np.array([i])), on)
            if one.status[0] != ref.status[i] or one.reasons[0] != ref.reasons[i]:
                raise RuntimeError(f"row {i}: one-row evaluation differs from the population evaluation")
        ref_digest = digest(ref.status, ref.reasons)
        ts = []
        for _ in range(runs):
            gc.collect()
            t0 = time.perf_counter()
            ev = rules.evaluate(law, pop, on)
            ts.append(time.perf_counter() - t0)
            if digest(ev.status, ev.reasons) != ref_digest:
                raise RuntimeError("results differ between runs")
            del ev
        s = summary(ts)
        counts = np.bincount(ref.status, minlength=len(STATUS_NAMES))
        res["dates"][date] = {
            "s": s,
            "rows_per_s_median": len(pop) / s["median"],
            "rows_per_s_best": len(pop) / s["min"],
            "status_counts": {STATUS_NAMES[k]: int(c) for k, c in enumerate(counts)},
            "meets_target": len(pop) / s["median"] >= TARGET_ROWS_PER_S,
        }
    return res


def _malloc_trim() -> None:
    """Give freed heap memory back to the OS (glibc), so the next peak is the evaluation's own."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def memory_probe(n: int, chunk: int) -> dict:
    """Run in a fresh process: build the population, then one evaluate: as called by default
    (chunk < 0), unchunked (chunk == 0) or in chunks of ``chunk`` rows."""
    pin_one_core()
    law = ru.law()
    on = np.array([_days(EVAL_DATE)], dtype=np.int32)
    rules.evaluate(law, columns.empty(1), on)  # imports, parameter tables
    base = current_rss_mib()
    pop = synthetic_population(n)
    gc.collect()
    _malloc_trim()
    reset_ok = reset_peak()
    before = current_rss_mib()
    t0 = time.perf_counter()
    _evaluate(law, pop, on, None if chunk < 0 else (chunk or n))
    t = time.perf_counter() - t0
    # VmHWM, not ru_maxrss: after fork+exec, ru_maxrss starts at the parent's peak (Linux keeps the
    # old mm's high-water mark in signal->maxrss, which clear_refs does not reset)
    peak = current_rss_mib("VmHWM")
    return {
        "rows": n,
        "chunk": "default" if chunk < 0 else (chunk or "none"),
        "rss_interpreter_mib": base,
        "rss_with_population_mib": before,
        "population_columns_mib": pop.nbytes / 2**20,
        "peak_rss_mib": peak,
        "evaluation_extra_mib": peak - before if reset_ok else None,
        "extra_bytes_per_row": (peak - before) * 2**20 / n if reset_ok else None,
        "first_call_s": t,
        "peak_reset_ok": reset_ok,
    }


def _run_probe(n: int, chunk: int) -> dict:
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--memprobe", str(n), "--chunk", str(chunk)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


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
    print(
        f"machine: {m['cpu_model']} (family/model {m['cpu_family_model']}, {m['cpu_mhz']} MHz), "
        f"{m['cores_online']} cores online, {m['memory_gib']} GiB"
    )
    print(f"caches (cpu0): {', '.join(f'{k} {v}' for k, v in m['caches_cpu0'].items())}")
    print(f"Python {m['python']} ({m['python_impl']}), NumPy {m['numpy']}, {m['platform']}")
    gs = m["git"]
    dirty = f" + uncommitted src changes (diff {gs['src_diff_digest']})" if gs["src_dirty"] else ""
    if gs.get("src_untracked_files"):
        dirty += f" + {gs['src_untracked_files']} untracked files in src/"
    loads = [m["loadavg_start"]] + [r[k]["loadavg_after"] for k in ("cli", "check", "rules") if k in r]
    print(f"code: commit {gs['commit']}{dirty}; load average (1 min) {', '.join(f'{x[0]:.2f}' for x in loads)}")
    print("=" * 78)

    c = r.get("cli")
    if c:
        w = c["wall_s"]
        print(f"\n1. CLI process: {c['command']}")
        print(
            f"   {w['n']} runs after 1 warm-up   median {w['median']:.3f} s   min {w['min']:.3f}   "
            f"max {w['max']:.3f}   target <= {c['target_s']} s: {_ok(c['meets_target'])}"
        )
        for label, s in c["context_s"].items():
            print(f"   {label:40} median {s['median']:.3f} s")
        f = c["in_fresh_process_s"]
        print(
            f"   in a fresh interpreter: imports {f['imports']:.3f} s, first check {f['first_check']:.3f} s, "
            f"second check {f['second_check'] * 1e3:.2f} ms"
        )

    k = r.get("check")
    if k:
        print(f"\n2. check(situation) in process (whole timeline), per call, pinned to cpu {k['pinned_cpu']}")
        print(
            f"   {'example':28} {'status':10} {'campaigns':>9} {'first ms':>9} {'median ms':>10} {'p90 ms':>8} "
            f"{'min ms':>7}"
        )
        for name, e in k["examples"].items():
            print(
                f"   {name:28} {e['status']:10} {e['timeline_campaigns']:>9} {e['first_call_ms']:>9.2f} "
                f"{e['median_ms']:>10.3f} {e['p90_ms']:>8.3f} {e['min_ms']:>7.3f}"
            )
        a = k["all"]
        print(
            f"   all {a['calls']} calls: median {a['median_ms']:.3f} ms, p90 {a['p90_ms']:.3f} ms, "
            f"p99 {a['p99_ms']:.3f} ms   target <= {k['target_ms']} ms: {_ok(k['meets_target'])}"
        )

    q = r.get("rules")
    if q:
        n = q["rows"]
        print(f"\n3. rules.evaluate over {n:,} rows on {EVAL_DATE}, one core (pinned to cpu {q['pinned_cpu']})")
        print(
            f"   population built in {q['build_s']:.1f} s, columns {q['population_mib']:.0f} MiB; "
            f"correctness: {q['sample_rows_checked']} one-row evaluations match, identical across runs"
        )
        print("   status counts: " + ", ".join(f"{k} {v:,}" for k, v in q["status_counts"].items()))

        def line(label: str, f: dict) -> None:
            s = f["s"]
            print(
                f"   {label:34} {s['n']} runs: median {s['median']:.3f} s (min {s['min']:.3f}, max {s['max']:.3f})"
                f"  {f['rows_per_s_median'] / 1e6:6.1f} M rows/s median, {f['rows_per_s_best'] / 1e6:.1f} best"
            )

        default = (
            f"evaluate(law, pop, on) [chunks of {q['evaluate_default_chunk']:,} inside]"
            if q["evaluate_chunks_internally"]
            else "evaluate(law, pop, on)"
        )
        line(default, q["full"])
        if "unchunked" in q:
            line("evaluate(..., chunk=N) [unchunked]", q["unchunked"])
        print(f"   peak RSS of this process (ru_maxrss) {q['peak_rss_process_mib']:.0f} MiB")
        for label, mp in q.get("memory_fresh_process", {}).items():
            extra = (
                f"+{mp['evaluation_extra_mib']:.0f} MiB for the evaluation ({mp['extra_bytes_per_row']:.0f} B/row)"
                if mp["evaluation_extra_mib"] is not None
                else "(peak reset not permitted)"
            )
            what = label if label != "best_chunk" else f"chunk {mp['chunk']:,}"
            print(
                f"   fresh process, {what:13}: peak {mp['peak_rss_mib']:.0f} MiB = with population "
                f"{mp['rss_with_population_mib']:.0f} MiB {extra}; first call {mp['first_call_s']:.2f} s"
            )
        for key, title in (("groups", "whole population"), ("groups_per_chunk", "summed over default chunks")):
            if key not in q:
                continue
            print(f"   time per group, called directly ({title}):")
            tot = sum(g["median"] for g in q[key].values())
            for name, g in sorted(q[key].items(), key=lambda kv: -kv[1]["median"]):
                print(
                    f"     {name:36} median {g['median'] * 1e3:8.1f} ms  ({100 * g['median'] / tot:4.1f}%)  "
                    f"range {g['min'] * 1e3:.1f}-{g['max'] * 1e3:.1f}"
                )
            print(f"     {'sum':36} median {tot * 1e3:8.1f} ms  = {n / tot / 1e6:.1f} M rows/s")
        if q["chunked"]:
            print(f"   chunk-size sweep ({q['chunked_by']}):")
            for size, cch in q["chunked"].items():
                line(f"  chunk {int(size):>9,}", cch)
            print(f"   best chunk {q['best_chunk']:,} rows: {q['best_chunk_rows_per_s'] / 1e6:.1f} M rows/s")
        print(
            f"   evaluate(law, pop, on): {q['full']['rows_per_s_median'] / 1e6:.1f} M rows/s; target >= "
            f"{q['target_rows_per_s'] / 1e6:.0f} M rows/s: {_ok(q['meets_target'])} "
            f"(best of all settings {q['best_rows_per_s'] / 1e6:.1f} M rows/s)"
        )
    q = r.get("rules_sim")
    if q:
        print(
            f"\n3b. rules.evaluate over the simulation population: {q['rows']:,} rows (scale {q['scale']:.3f}, "
            f"men aged 8-65 in 2019, sorted by birth), one core (cpu {q['pinned_cpu']}); built in {q['build_s']:.1f} s"
        )
        for date, d in q["dates"].items():
            s = d["s"]
            print(
                f"   {date}: {s['n']} runs: median {s['median']:.3f} s (min {s['min']:.3f}, max {s['max']:.3f})  "
                f"{d['rows_per_s_median'] / 1e6:.1f} M rows/s median; target >= "
                f"{TARGET_ROWS_PER_S / 1e6:.0f} M: {_ok(d['meets_target'])}"
            )
            print("      status counts: " + ", ".join(f"{k} {v:,}" for k, v in d["status_counts"].items()))
    print()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="1M rows and fewer repetitions")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "latest.json"), help="JSON results path")
    ap.add_argument("--rows", type=int, default=None, help="override the population size")
    ap.add_argument("--profile", action="store_true", help="also print cProfile of check() and evaluate()")
    ap.add_argument("--skip", default="", help="comma list of sections to skip: cli,check,rules,rules_sim")
    ap.add_argument("--memprobe", type=int, default=0, help=argparse.SUPPRESS)
    ap.add_argument("--chunk", type=int, default=-1, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.memprobe:
        print(json.dumps(memory_probe(args.memprobe, args.chunk)))
        return 0
    skip = set(filter(None, args.skip.split(",")))
    quick = args.quick
    n = args.rows or (1_000_000 if quick else 10_000_000)

    results: dict = {"quick": quick, "machine": machine_info()}
    if "cli" not in skip:
        print("running 1. CLI ...", file=sys.stderr, flush=True)
        results["cli"] = bench_cli(runs=5 if quick else 10)
        results["cli"]["loadavg_after"] = os.getloadavg()
    if "check" not in skip:
        print("running 2. in-process check ...", file=sys.stderr, flush=True)
        cpu = pin_one_core()  # after the CLI runs: child processes would inherit the pinning
        results["check"] = bench_check_inproc(calls=500 if quick else 2000)
        results["check"]["pinned_cpu"] = cpu
        results["check"]["loadavg_after"] = os.getloadavg()
    pop = None
    if "rules" not in skip:
        print(f"running 3. rules over {n:,} rows ...", file=sys.stderr, flush=True)
        results["rules"], pop = bench_rules(
            n,
            runs=3 if quick else 5,
            chunk_runs=2 if quick else 3,
            chunk_pows=[14, 15, 16, 17, 18, 20] if not quick else [14, 16, 18],
        )
        results["rules"]["loadavg_after"] = os.getloadavg()
    if "rules_sim" not in skip:
        print(f"running 3b. rules over the simulation population (~{n:,} rows) ...", file=sys.stderr, flush=True)
        results["rules_sim"] = bench_rules_sim(n, runs=3 if quick else 5)
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
