"""Legal cases: YAML files a lawyer can read, each a person on a date and what the law says about him.

Every file in ``src/callup/jurisdictions/ru/cases/`` is a list of cases::

    - name: ...                 # one sentence, unique; the pytest id
      article: "53-FZ Art. 24 p.2 'а'"
      covers: [deferral.study.bachelor]   # optional: parameters whose dated change this case sits beside
      date: 2022-10-15
      person: {...}             # the situation schema (callup.person.situation.Person)
      expect: {status: ..., reasons: [...], ...}
      xfail: "..."              # optional: the program disagrees with the law (reported, to be fixed)

The expected values were derived by hand from the law (shared/law/ru-facts.md and the parameter
files), not copied from the program. See ``_check_case`` for what each ``expect`` key compares.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest
import yaml

try:
    import callup  # noqa: F401
except ImportError:  # running from a checkout without an installed package
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from callup.jurisdictions import ru
from callup.person.check import check
from callup.person.situation import Situation

CASES_DIR = Path(__file__).resolve().parents[1] / "src" / "callup" / "jurisdictions" / "ru" / "cases"
MIN_CASES = 90
COVER_FROM = dt.date(2019, 1, 2)
COVER_TO = dt.date(2026, 6, 30)

CASE_KEYS = {"name", "article", "covers", "date", "person", "expect", "xfail", "note"}
EXPECT_KEYS = {
    "status",
    "reasons",
    "until",
    "age_out_date",
    "acs",
    "timeline",
    "campaign",
    "penalties",
    "summons",
    "warnings_contain",
    "warnings_absent",
}
STATUSES = {"liable", "deferred", "exempt", "not_subject", "not_liable"}


# --- loading --------------------------------------------------------------------------------------


def _case_files() -> list[Path]:
    return sorted(CASES_DIR.glob("*.yaml"))


def _load_file(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    if not isinstance(data, list):
        raise ValueError(f"{path.name}: expected a list of cases, got {type(data).__name__}")
    for case in data:
        if isinstance(case, dict):
            case["_file"] = path.name
    return data


def _all_cases() -> list[dict]:
    out: list[dict] = []
    for path in _case_files():
        try:
            out.extend(_load_file(path))
        except (yaml.YAMLError, ValueError):
            continue  # reported by test_every_case_file_parses
    return [c for c in out if isinstance(c, dict)]


CASES = _all_cases()


def _params():
    out = []
    for case in CASES:
        name = str(case.get("name", "<unnamed>"))
        marks = []
        if case.get("xfail"):
            marks.append(pytest.mark.xfail(reason=str(case["xfail"]), strict=True))
        out.append(pytest.param(case, id=name, marks=marks))
    return out


# --- comparing ------------------------------------------------------------------------------------


def _norm(value):
    """YAML values -> what the check's JSON holds: dates as ISO strings, recursively."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _norm(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_norm(v) for v in value]
    return value


def _get(block, dotted: str):
    """``block['a']['b']`` for ``'a.b'``; a missing key reads as None."""
    for part in dotted.split("."):
        if not isinstance(block, dict):
            return None
        block = block.get(part)
    return block


def _subset(actual, expected, where: str) -> list[str]:
    """Problems where ``expected`` (a mapping, keys may be dotted) is not a subset of ``actual``.

    A list under the key ``reasons`` is compared as a set; ``null`` matches a missing key. A
    campaign given as a plain string matches a campaign object by its name.
    """
    problems = []
    for key, exp in expected.items():
        got = _get(actual, key) if isinstance(actual, dict) else None
        here = f"{where}.{key}"
        if isinstance(exp, dict):
            if not isinstance(got, dict):
                problems.append(f"{here}: expected an object {exp}, got {got!r}")
            else:
                problems.extend(_subset(got, exp, here))
        elif isinstance(exp, str) and isinstance(got, dict) and "name" in got:
            if got["name"] != exp:
                problems.append(f"{here}: expected {exp!r}, got {got['name']!r}")
        elif key.split(".")[-1] == "reasons" and isinstance(exp, list):
            if not isinstance(got, list) or set(got) != set(exp):
                problems.append(f"{here}: expected {sorted(exp)}, got {got!r}")
        elif got != exp:
            problems.append(f"{here}: expected {exp!r}, got {got!r}")
    return problems


def _situation(case: dict) -> Situation:
    return Situation.model_validate({"date": case["date"], "person": case["person"]})


def _check_case(case: dict) -> list[str]:
    result = check(_situation(case))
    exp = _norm(case["expect"])
    problems: list[str] = []
    reasons = {r["code"]: r for r in result["reasons"]}

    if result["status"] != exp["status"]:
        problems.append(f"status: expected {exp['status']!r}, got {result['status']!r}")
    if "reasons" in exp and set(reasons) != set(exp["reasons"]):
        problems.append(f"reasons: expected {sorted(exp['reasons'])}, got {sorted(reasons)}")
    for code, until in (exp.get("until") or {}).items():
        got = reasons[code]["until"] if code in reasons else "<reason absent>"
        if got != until:
            problems.append(f"until.{code}: expected {until!r}, got {got!r}")
    if "age_out_date" in exp and result["age_out_date"] != exp["age_out_date"]:
        problems.append(f"age_out_date: expected {exp['age_out_date']!r}, got {result['age_out_date']!r}")
    if "acs" in exp:
        problems.extend(_subset(result["acs"], exp["acs"], "acs"))
    if "campaign" in exp:
        problems.extend(_subset(result["campaign"], exp["campaign"], "campaign"))
    if "summons" in exp:
        problems.extend(_subset(result.get("summons") or {}, exp["summons"], "summons"))
    timeline = {t["campaign"]: t for t in result["timeline"]}
    for name, want in (exp.get("timeline") or {}).items():
        row = timeline.get(name)
        if row is None:
            problems.append(f"timeline.{name}: campaign absent (have {sorted(timeline)})")
            continue
        want = want if isinstance(want, dict) else {"status": want}
        problems.extend(_subset(row, want, f"timeline.{name}"))
    penalties = {p["code"]: p for p in result["penalties"]}
    for code, want in (exp.get("penalties") or {}).items():
        if code == "absent":
            for absent in want:
                if absent in penalties:
                    problems.append(f"penalties.{absent}: expected absent, got {penalties[absent]}")
            continue
        if code not in penalties:
            problems.append(f"penalties.{code}: expected present, absent (have {sorted(penalties)})")
            continue
        if isinstance(want, list):
            lo, hi = want
            want = {"fine_max": hi} if lo is None else {"fine_min": lo, "fine_max": hi}
        problems.extend(_subset(penalties[code], want, f"penalties.{code}"))
    for text in exp.get("warnings_contain") or []:
        if not any(text in w for w in result["warnings"]):
            problems.append(f"warnings: none contains {text!r} (got {result['warnings']})")
    for text in exp.get("warnings_absent") or []:
        hits = [w for w in result["warnings"] if text in w]
        if hits:
            problems.append(f"warnings: expected none to contain {text!r}, got {hits}")
    return problems


# --- the cases ------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", _params())
def test_case(case):
    problems = _check_case(case)
    assert not problems, f"{case['_file']}: {case['name']}\n  " + "\n  ".join(problems)


# --- meta-tests -----------------------------------------------------------------------------------


def test_at_least_90_cases():
    assert len(CASES) >= MIN_CASES, f"only {len(CASES)} cases"


@pytest.mark.parametrize("path", _case_files(), ids=lambda p: p.name)
def test_every_case_file_parses(path):
    cases = _load_file(path)
    assert cases, f"{path.name}: no cases"
    for i, case in enumerate(cases):
        where = f"{path.name}[{i}]"
        assert isinstance(case, dict), f"{where}: expected a mapping"
        for key in ("name", "article", "date", "person", "expect"):
            assert case.get(key) not in (None, ""), f"{where}: missing {key}"
        assert isinstance(case["date"], dt.date), f"{where}: date must be YYYY-MM-DD"
        unknown = set(case) - CASE_KEYS - {"_file"}
        assert not unknown, f"{where} ({case['name']}): unknown keys {sorted(unknown)}"
        expect = case["expect"]
        assert isinstance(expect, dict) and expect.get("status") in STATUSES, f"{where}: expect.status"
        unknown = set(expect) - EXPECT_KEYS
        assert not unknown, f"{where} ({case['name']}): unknown expect keys {sorted(unknown)}"
        _situation(case)  # the person validates against the schema


def test_case_names_are_unique():
    seen: dict[str, str] = {}
    for case in CASES:
        name = case["name"]
        assert name not in seen, f"duplicate case name in {case['_file']} and {seen[name]}: {name}"
        seen[name] = case["_file"]


def test_every_reason_code_is_expected_by_a_passing_case():
    codes = set(ru.vocabulary().codes)
    expected = {c for case in CASES if not case.get("xfail") for c in case["expect"].get("reasons") or []}
    unknown = expected - codes
    assert not unknown, f"cases expect codes not in the vocabulary: {sorted(unknown)}"
    missing = codes - expected
    assert not missing, f"no (non-xfail) case expects: {sorted(missing)}"


def _covers() -> dict[str, list[dt.date]]:
    out: dict[str, list[dt.date]] = {}
    for case in CASES:
        for path in case.get("covers") or []:
            out.setdefault(path, []).append(case["date"])
    return out


def test_covered_law_changes_have_cases_on_both_sides():
    """For each parameter named in ``covers``, every dated value starting in 2019-01-02..2026-06-30 has
    a covering case dated in the previous value's period (before the change) and one dated in its own
    period (on or after the change)."""
    law = ru.law()
    problems = []
    covers = _covers()
    assert covers, "no case names a parameter in covers"
    for path, dates in sorted(covers.items()):
        assert path in law, f"covers names an unknown parameter {path!r}"
        values = law[path].values
        for i, v in enumerate(values):
            if not COVER_FROM <= v.start <= COVER_TO:
                continue
            prev_start = values[i - 1].start if i > 0 else dt.date.min
            next_start = values[i + 1].start if i + 1 < len(values) else dt.date.max
            if not any(prev_start <= d < v.start for d in dates):
                problems.append(f"{path} @ {v.start}: no case dated in [{prev_start}, {v.start})")
            if not any(v.start <= d < next_start for d in dates):
                problems.append(f"{path} @ {v.start}: no case dated in [{v.start}, {next_start})")
    assert not problems, "\n".join(problems)
