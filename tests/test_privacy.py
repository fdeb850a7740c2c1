"""A person's check writes nothing, logs nothing and sends nothing: people using it face real risk."""

from __future__ import annotations

import builtins
import logging
import os
import socket
import subprocess
import sys
from pathlib import Path

from callup.person.check import check
from callup.person.load import parse_situation

ROOT = Path(__file__).resolve().parents[1]
DISTINCT = "1997-06-05"  # a birth date no file of the project contains
SITUATION = f"""
date: 2020-01-01
person:
  birth_date: {DISTINCT}
  beliefs_conflict: true
  children: [{{birth_date: 2019-09-09}}]
"""


def _tree(path: Path) -> dict[str, float]:
    return {str(p): p.stat().st_mtime for p in path.rglob("*")}


def test_the_command_leaves_no_file_and_says_nothing_on_stderr(tmp_path):
    home, tmp, work = tmp_path / "home", tmp_path / "tmp", tmp_path / "work"
    for d in (home, tmp, work):
        d.mkdir()
    env = {
        **os.environ,
        "HOME": str(home),
        "TMPDIR": str(tmp),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    before_project = _tree(ROOT / "src")
    out = subprocess.run(
        [sys.executable, "-m", "callup.cli", "check", "-", "--json"],
        input=SITUATION,
        capture_output=True,
        text=True,
        cwd=work,
        env=env,
    )
    assert out.returncode == 0, out.stderr
    assert "2027-06-05" in out.stdout  # his 30th birthday: the answer goes to him, and only there
    assert out.stderr == ""
    for d in (home, tmp, work):
        assert list(d.rglob("*")) == [], f"the check wrote into {d}"
    assert _tree(ROOT / "src") == before_project


def test_in_process_no_write_no_log_no_network(monkeypatch, caplog):
    opened_for_writing: list[str] = []
    real_open = builtins.open

    def spy_open(file, mode="r", *args, **kwargs):
        if any(m in mode for m in "wax+"):
            opened_for_writing.append(str(file))
        return real_open(file, mode, *args, **kwargs)

    def no_network(*args, **kwargs):
        raise AssertionError("the check tried to open a network connection")

    monkeypatch.setattr(builtins, "open", spy_open)
    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    caplog.set_level(logging.DEBUG)
    for _ in range(3):
        result = check(parse_situation(SITUATION))
    assert result["status"] == "liable"  # 22 years old with one child: no ground
    assert opened_for_writing == []
    assert caplog.records == []
