"""The fast path of POST /api/check answers exactly as the FastAPI route does: same status, same
headers, same bytes, for valid situations, invalid ones and odd requests (it hands anything but the
plain case to the route)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from callup.person.load import parse_situation
from callup.web import Settings, create_app

EXAMPLES = sorted((Path(__file__).parent.parent / "examples").glob("*.yaml"))


@pytest.fixture(scope="module")
def clients(tmp_path_factory):
    fast = create_app(Settings(data_dir=tmp_path_factory.mktemp("fast"), fast_check=True))
    slow = create_app(Settings(data_dir=tmp_path_factory.mktemp("slow"), fast_check=False))
    with TestClient(fast) as f, TestClient(slow) as s:
        yield f, s


def _same(clients, url: str, content: bytes, headers: dict | None = None):
    headers = headers if headers is not None else {"content-type": "application/json"}
    a, b = (c.post(url, content=content, headers=headers) for c in clients)
    assert a.status_code == b.status_code, (a.text, b.text)
    assert a.content == b.content
    assert a.headers.raw == b.headers.raw
    return a


def _body(example: Path) -> bytes:
    sit = parse_situation(example.read_text(encoding="utf-8")).model_dump(mode="json", exclude_none=True)
    return json.dumps({**sit, "date": "2024-10-10"}).encode()


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
@pytest.mark.parametrize("query", ["", "?lang=en", "?lang=ru"])
def test_examples_byte_identical(clients, example, query):
    r = _same(clients, f"/api/check{query}", _body(example))
    assert r.status_code == 200 and r.headers["content-security-policy"]


def test_fast_path_is_taken(clients, monkeypatch):
    """The plain case does not reach the route (so the comparison above compares two paths)."""
    import callup.web.app as app_module

    calls = []
    real = app_module.check
    monkeypatch.setattr(app_module, "check", lambda *a, **k: calls.append(1) or real(*a, **k))
    fast, slow = clients
    body = _body(EXAMPLES[0])
    assert fast.post("/api/check", content=body, headers={"content-type": "application/json"}).status_code == 200
    assert calls == []
    assert slow.post("/api/check", content=body, headers={"content-type": "application/json"}).status_code == 200
    assert calls == [1]


@pytest.mark.parametrize(("query", "ctype", "content"), [
    ("?lang=de", "application/json", b'{"person": {"birth_date": "2001-01-01"}}'),
    ("?lang=en&lang=ru", "application/json", b'{"person": {"birth_date": "2001-01-01"}}'),
    ("?x=1", "application/json", b'{"person": {"birth_date": "2001-01-01"}}'),
    ("", "text/plain", b'{"person": {"birth_date": "2001-01-01"}}'),
    ("", "application/vnd.api+json", b'{"person": {"birth_date": "2001-01-01"}}'),
    ("", "application/json; charset=utf-8", b'{"person": {"birth_date": "2001-01-01"}}'),
    ("", "APPLICATION/JSON", b'{"date": "2024-10-10", "person": {"birth_date": "2001-01-01"}}'),
    ("", "application/json", b""),
    ("", "application/json", b"null"),
    ("", "application/json", b"[]"),
    ("", "application/json", b"{not json"),
    ("", "application/json", b'{"person": {"birth_date": NaN}}'),
    ("", "application/json", b'{"person": {"birth_date": "2001-01-01"}, "person": {"birth_date": "1990-01-01"}}'),
    ("", "application/json", b'{"date": "2000-01-01", "person": {"birth_date": "1980-01-01"}}'),
    ("", "application/json", b'{"date": "2020-01-01", "person": {"birth_date": "2021-01-01"}}'),
    ("", "application/json", b'{"person": {"birth_date": "2001-01-01", "waived": ["nope"]}}'),
    ("", "application/json", b'{"person": {"birth_date": "2001-01-01", "wife_pregnancy_weeks": 20.0}}'),
    ("", "application/json", '{"person": {"birth_date": "2001-01-01", "health_category": "Б"}}'.encode()),
    ("", "application/json", b"\xff\xfe"),
])
def test_odd_requests_identical(clients, query, ctype, content):
    _same(clients, f"/api/check{query}", content, {"content-type": ctype})


JSON = st.recursive(st.none() | st.booleans() | st.integers(-10**6, 10**6)
                    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=12)
                    | st.sampled_from(["2001-01-01", "1990-05-05", "2024-10-10", "А", "bachelor", "mail"]),
                    lambda kids: st.lists(kids, max_size=3) | st.dictionaries(st.text(max_size=8), kids, max_size=4),
                    max_leaves=12)
PERSON = st.fixed_dictionaries(
    {"birth_date": st.sampled_from(["2001-01-01", "1990-05-05", "2006-10-10"])},
    optional={"sex": st.sampled_from(["male", "female"]) | JSON, "health_category": st.sampled_from(["A", "B", "V"]),
              "children": st.lists(st.fixed_dictionaries({"birth_date": st.sampled_from(["2020-01-01", "2023-05-05"])}),
                                   max_size=2),
              "study": st.fixed_dictionaries({"level": st.sampled_from(["bachelor", "master", "spo"])}),
              "beliefs_conflict": st.booleans(), "registered": st.booleans() | JSON,
              "wife_pregnancy_weeks": st.integers(0, 45) | JSON, "it_worker": JSON, "summons": JSON})


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(person=PERSON, date=st.none() | st.dates().map(str), lang=st.sampled_from(["", "?lang=en", "?lang=ru"]))
def test_fuzz_identical(clients, person, date, lang):
    body = {"person": person} if date is None else {"date": date, "person": person}
    _same(clients, f"/api/check{lang}", json.dumps(body).encode())
