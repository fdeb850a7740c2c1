"""`callup check` as a user meets it: the JSON shape, both languages, and bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "callup.cli", *args], input=stdin, capture_output=True, text=True, cwd=ROOT
    )


def test_json_has_the_stable_shape():
    out = run("check", str(EXAMPLES / "student-bachelor.yaml"), "--json")
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    for key in (
        "date",
        "jurisdiction",
        "status",
        "reasons",
        "age_out_date",
        "campaign",
        "acs",
        "timeline",
        "penalties",
        "warnings",
    ):
        assert key in result
    assert result["date"] == "2022-10-15"
    assert result["jurisdiction"] == "ru"
    assert result["status"] == "deferred"
    reason = result["reasons"][0]
    assert reason["code"] == "deferral.study.bachelor"
    assert reason["citation"].startswith("53-FZ Art. 24 p.2")
    assert reason["until"] == "2025-06-30"
    assert reason["status"] in ("P", "S", "UNCONFIRMED")
    assert set(result["campaign"]) >= {"in_window", "current", "next"}
    assert set(result["acs"]) >= {"may_apply", "reasons", "next_deadline", "for_campaign"}
    assert result["timeline"][0]["campaign"] == "2022-autumn"
    assert set(result["timeline"][0]) >= {"campaign", "start", "end", "status", "reasons"}
    fines = {p["code"]: (p["fine_min"], p["fine_max"]) for p in result["penalties"]}
    assert fines["koap.21.5.1"] == (500, 3000)


def test_date_option_overrides_the_situation_date():
    out = run("check", str(EXAMPLES / "student-bachelor.yaml"), "--json", "--date", "2025-10-15")
    result = json.loads(out.stdout)
    assert result["date"] == "2025-10-15"
    assert result["status"] == "liable"
    assert {p["code"]: p["fine_min"] for p in result["penalties"]}["koap.21.5.1"] == 10000


@pytest.mark.parametrize("lang, word", [("en", "DEFERRED"), ("ru", "ОТСРОЧКА")])
def test_readable_text_in_both_languages(lang, word):
    out = run("check", str(EXAMPLES / "student-bachelor.yaml"), "--lang", lang)
    assert out.returncode == 0, out.stderr
    assert word in out.stdout
    assert "24" in out.stdout  # the article


def test_situation_from_standard_input():
    out = run("check", "-", "--json", stdin='{"date": "2024-04-15", "person": {"birth_date": "2001-03-10"}}')
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["status"] == "liable"


BAD = [
    ("{not json", "not valid JSON"),
    ("person: [unclosed", "not valid YAML"),
    ("person: {birth_date: 2001-02-30}", "person.birth_date: expected a date"),
    ("person: {birth_date: 2001-01-01, sex: robot}", "person.sex: expected one of male or female"),
    ("person: {birth_date: 2001-01-01, childrens: []}", "person.childrens: unknown field"),
    ("person: {birth_date: 2001-01-01, health_category: Z}", "person.health_category"),
    ("person: {birth_date: 2001-01-01, children: [{birth_date: soon}]}", "person.children[0].birth_date"),
    ("person: {birth_date: 2001-01-01, study: {level: kindergarten}}", "person.study.level"),
    ("person: {birth_date: 2001-01-01, wife_pregnancy_weeks: many}", "person.wife_pregnancy_weeks"),
    ("person: {birth_date: 2001-01-01, waived: [deferral.nonsense]}", "person.waived[0]"),
    ("date: 2020-01-01\nperson: {birth_date: 2021-01-01}", "person.birth_date: 2021-01-01 is after the check date"),
    ("date: 2020-01-01", "person: required field is missing"),
    ("date: 2000-01-01\nperson: {birth_date: 1980-01-01}", "date: 2000-01-01 is before 2019-01-01"),
    ("- 1\n- 2", "expected a mapping"),
]


@pytest.mark.parametrize("text, message", BAD)
def test_bad_input_gets_one_clear_message_and_exit_2(text, message):
    out = run("check", "-", "--json", stdin=text)
    assert out.returncode == 2
    assert out.stdout == ""
    assert message in out.stderr
    assert "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "args, message",
    [
        (["--date", "2022-13-01"], "--date: expected a date YYYY-MM-DD"),
        (["--lang", "de"], "--lang: expected en or ru"),
    ],
)
def test_bad_options(args, message):
    out = run("check", str(EXAMPLES / "student-bachelor.yaml"), *args)
    assert out.returncode == 2
    assert message in out.stderr


def test_missing_file():
    out = run("check", "no-such-file.yaml")
    assert out.returncode == 2
    assert "no such file" in out.stderr
