"""The web API and pages (issue 5): shapes equal `callup check --json`, limits give 4xx, security
headers, privacy (nothing about the person in files or logs), and fuzzing against the schema."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from callup.cli import app as cli_app
from callup.person.load import parse_situation
from callup.web import Settings, create_app

EXAMPLES = sorted((Path(__file__).parent.parent / "examples").glob("*.yaml"))


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("webdata")


@pytest.fixture(scope="module")
def client(data_dir):
    with TestClient(create_app(Settings(data_dir=data_dir, max_jobs=2, max_body_bytes=16 * 1024))) as c:
        yield c


def _wait(client, job_id, timeout=60.0):
    t0 = time.time()
    while time.time() - t0 < timeout:
        j = client.get(f"/api/jobs/{job_id}").json()
        if j["status"] in ("done", "failed"):
            return j
        time.sleep(0.2)
    raise AssertionError("job did not finish")


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
@pytest.mark.parametrize("lang", ["en", "ru"])
def test_check_equals_cli_json(client, example, lang):
    date = "2024-10-10"
    cli = CliRunner().invoke(cli_app, ["check", str(example), "--json", "--date", date, "--lang", lang])
    assert cli.exit_code == 0, cli.output
    sit = parse_situation(example.read_text(encoding="utf-8")).model_dump(mode="json", exclude_none=True)
    sit["date"] = date
    r = client.post(f"/api/check?lang={lang}", json=sit)
    assert r.status_code == 200, r.text
    assert r.json() == json.loads(cli.output)


@pytest.mark.parametrize(("body", "field"), [
    ({"person": {}}, "person.birth_date"),
    ({"person": {"birth_date": "2001-02-30"}}, "person.birth_date"),
    ({"person": {"birth_date": "2001-01-01", "helth_category": "A"}}, "person.helth_category"),
    ({"person": {"birth_date": "2001-01-01", "wife_pregnancy_weeks": 99}}, "person.wife_pregnancy_weeks"),
    ({"date": "2020-01-01", "person": {"birth_date": "2021-01-01"}}, "person.birth_date"),
    ({"date": "2000-01-01", "person": {"birth_date": "1980-01-01"}}, "date"),
    ({"person": {"birth_date": "2001-01-01", "waived": ["nope"]}}, "person.waived[0]"),
    ([], "situation"),
])
def test_check_422_names_the_field(client, body, field):
    r = client.post("/api/check", json=body)
    assert r.status_code == 422
    assert r.json()["field"] == field
    assert r.json()["detail"].startswith(field)


def test_check_bad_json_and_lang(client):
    r = client.post("/api/check", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 422 and "JSON" in r.json()["detail"]
    r = client.post("/api/check?lang=de", json={"person": {"birth_date": "2001-01-01"}})
    assert r.status_code == 422 and r.json()["field"] == "lang"


def test_body_limit(client):
    r = client.post("/api/check", content=b"{" + b" " * 20000 + b"}", headers={"content-type": "application/json"})
    assert r.status_code == 413
    assert "too large" in r.json()["detail"]
    assert r.headers["x-frame-options"] == "DENY"


def test_read_endpoints(client):
    assert client.get("/api/health").json()["status"] == "ok"
    params = client.get("/api/parameters").json()["parameters"]
    assert len(params) > 10
    path = params[0]["path"]
    one = client.get(f"/api/parameters/{path}").json()
    assert one["path"] == path and one["values"] and all(v["citation"] for v in one["values"])
    assert client.get("/api/parameters/no.such.thing").status_code == 404
    names = [s["name"] for s in client.get("/api/scenarios").json()["scenarios"]]
    assert names[0] == "baseline" and "no-war" in names
    schema = client.get("/openapi.json").json()
    assert "/api/check" in schema["paths"] and "/api/simulate" in schema["paths"]


def test_docs_are_local(client):
    page = client.get("/docs").text
    assert "/static/swagger/swagger-ui-bundle.js" in page and "http" not in page.split("<body>")[1].replace(
        'href="/openapi.json"', "")
    assert client.get("/static/swagger/swagger-ui-bundle.js").status_code == 200
    assert client.get("/static/docs.js").status_code == 200


def test_security_headers_and_no_cookies(client):
    for r in (client.get("/"), client.get("/api/health"), client.post("/api/check", json={"person": {}}),
              client.get("/nowhere")):
        csp = r.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
        assert r.headers["referrer-policy"] == "no-referrer"
        assert r.headers["x-frame-options"] == "DENY"
        assert r.headers["x-content-type-options"] == "nosniff"
        assert "set-cookie" not in r.headers
    assert "<script" not in client.get("/").text


def test_simulate_limits(client):
    r = client.post("/api/simulate", json={"scale": 0.5})
    assert r.status_code == 422 and "--max-scale" in r.json()["detail"]
    assert client.post("/api/simulate", json={"scenario": "/etc/passwd"}).status_code == 422
    assert client.post("/api/simulate", json={"from": "2030-spring", "to": "2030-autumn"}).status_code == 422
    assert client.post("/api/simulate", json={"from": "2024-spring", "to": "2024-autumn"}).status_code == 422
    assert client.post("/api/simulate", json={"from": "2019-autumn", "to": "2019-spring"}).status_code == 422
    assert client.post("/api/simulate", json={"seed": -1}).status_code == 422
    assert client.get("/api/jobs/nope").status_code == 404


def test_too_many_jobs(tmp_path):
    with TestClient(create_app(Settings(data_dir=tmp_path, max_jobs=1))) as c:
        first = c.post("/api/simulate", json={"scale": 0.002, "from": "2019-spring", "to": "2022-autumn"})
        assert first.status_code == 202
        second = c.post("/api/simulate", json={"scale": 0.002})
        assert second.status_code == 429 and "--max-jobs" in second.json()["detail"]
        assert _wait(c, first.json()["id"], 120)["status"] == "done"


def test_simulate_job(client):
    r = client.post("/api/simulate", json={"scenario": "no-war", "scale": 0.002, "seed": 3})
    assert r.status_code == 202
    job = _wait(client, r.json()["id"])
    assert job["status"] == "done", job["error"]
    # the default span is the whole calibrated history and its predictions, 2019-spring..2025-autumn
    names = [c["campaign"] for c in job["result"]["campaigns"]]
    assert names[0] == "2019-spring" and names[-1] == "2025-autumn" and len(names) == 14
    assert job["progress"]["done"] == job["progress"]["total"] == 14
    mobilised = {y["year"]: y["mobilised"] for y in job["result"]["years"]}
    assert mobilised[2022] == 0  # no war, no mobilisation
    csv = client.get(job["files"]["campaigns.csv"])
    assert csv.status_code == 200 and csv.text.startswith("campaign")
    assert client.get(f"/api/jobs/{job['id']}/files/../../etc/passwd").status_code == 404


def test_pages_without_javascript(client):
    home = client.get("/?lang=ru")
    assert home.status_code == 200 and 'method="post"' in home.text and "Дата рождения" in home.text
    r = client.post("/check", data={"lang": "en", "date": "2021-04-12", "birth_date": "1998-06-06",
                                    "registered": "on", "child1": "2019-12-01", "wife_pregnancy_weeks": "23"})
    assert r.status_code == 200
    assert 'id="status"' in r.text and "deferred" in r.text and "Not legal advice" in r.text
    assert "53-FZ" in r.text
    bad = client.post("/check", data={"lang": "en", "birth_date": ""})
    assert bad.status_code == 422 and "person.birth_date" in bad.text
    run = client.post("/explorer", data={"scenario": "baseline", "scale": "0.002", "seed": "1",
                                         "first": "2019-spring", "last": "2019-spring"}, follow_redirects=False)
    assert run.status_code == 303
    url = run.headers["location"]
    job_id = url.split("/")[-1].split("?")[0]
    running = client.get(url).text
    assert 'http-equiv="refresh"' in running or "done" in running
    _wait(client, job_id)
    done = client.get(url).text
    assert 'id="campaigns"' in done and "campaigns.csv" in done and 'http-equiv="refresh"' not in done
    over = client.post("/explorer", data={"scale": "0.9"})
    assert over.status_code == 422 and "--max-scale" in over.text


def test_privacy_nothing_stored_or_logged(tmp_path, caplog, capfd):
    """Distinctive values sent to the check appear in no file under the data folder and in no log line."""
    data = tmp_path / "data"
    marks = ["1987-06-05", "2011-09-17", "2013-04-29", "1999-12-13"]
    caplog.set_level(logging.DEBUG)
    with TestClient(create_app(Settings(data_dir=data))) as c:
        for i in range(20):
            body = {"date": "2024-10-10", "person": {"birth_date": marks[i % 2], "children": [
                {"birth_date": marks[2]}], "health_category_date": marks[3], "wife_pregnancy_weeks": 37}}
            assert c.post("/api/check?lang=ru", json=body).status_code == 200
            form = {"lang": "en", "birth_date": marks[i % 2], "child1": marks[2], "health_category": "A",
                    "health_category_date": marks[3], "wife_pregnancy_weeks": "37", "date": "2024-10-10"}
            assert c.post("/check", data=form).status_code == 200
        c.post("/api/check", json={"person": {"birth_date": "1987-06-05", "sex": "x-distinct-mark"}})
        r = c.post("/api/simulate", json={"scale": 0.002})
        _wait(c, r.json()["id"])
    out, err = capfd.readouterr()
    logged = "\n".join(rec.getMessage() for rec in caplog.records) + out + err
    assert "/api/check" in logged  # the access log is on, with the path only
    for m in [*marks, "x-distinct-mark", "wife_pregnancy_weeks"]:
        assert m not in logged
    for p in [*data.rglob("*"), *Path(tmp_path).rglob("*")]:
        if p.is_file():
            content = p.read_bytes()
            for m in [*marks, "x-distinct-mark"]:
                assert m.encode() not in content, p


JSON = st.recursive(st.none() | st.booleans() | st.integers(-10**6, 10**6)
                    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=12)
                    | st.sampled_from(["2001-01-01", "1900-02-29", "А", "bachelor"]),
                    lambda kids: st.lists(kids, max_size=3) | st.dictionaries(st.text(max_size=8), kids, max_size=4),
                    max_leaves=12)
PERSON_KEYS = ["sex", "citizenship", "registered", "health_category", "health_category_date", "study",
               "diplomas", "children", "wife_pregnancy_weeks", "served", "criminal", "it_worker", "summons", "waived",
               "study_deferrals_used", "academic_degree", "acs_application_date"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(person=st.fixed_dictionaries({"birth_date": st.sampled_from(["2001-01-01", "1990-05-05", "2010-10-10"]) | JSON},
                                    optional={k: JSON for k in PERSON_KEYS}),
       date=st.none() | st.dates().map(str) | JSON, lang=st.sampled_from(["en", "ru", "xx"]))
def test_fuzz_check_never_500(client, person, date, lang):
    body = {"person": person} if date is None else {"date": date, "person": person}
    r = client.post(f"/api/check?lang={lang}", json=body)
    assert r.status_code in (200, 422), r.text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=JSON)
def test_fuzz_any_body_never_500(client, body):
    for url in ("/api/check", "/api/simulate?x=1"):
        r = client.post(url, json=body)
        assert r.status_code < 500, r.text
        if r.status_code == 202:  # a valid simulation request: let it finish so the job limit frees up
            _wait(client, r.json()["id"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=200) | st.sampled_from([b'{"person": {"birth_date": "2001-01-01", "sex": Infinity}}',
                                                      b'{"person": {"birth_date": NaN}}', b"\xff\xfe", b"null"]))
def test_fuzz_raw_bytes_never_500(client, raw):
    for url in ("/api/check", "/api/simulate"):
        r = client.post(url, content=raw, headers={"content-type": "application/json"})
        assert 400 <= r.status_code < 500, r.text


def test_serve_command_binds_localhost_by_default(monkeypatch):
    import typer
    import uvicorn

    from callup.web import register

    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append(kw))
    app = typer.Typer()
    register(app)

    @app.command("other")
    def _other() -> None:  # a second command, so `serve` is addressed by name as in callup
        pass

    r = CliRunner().invoke(app, ["serve", "--max-scale", "0.01", "--max-jobs", "1"])
    assert r.exit_code == 0, r.output
    assert calls[0]["host"] == "127.0.0.1" and calls[0]["port"] == 8000 and calls[0]["access_log"] is False
    assert CliRunner().invoke(app, ["serve", "--max-scale", "2"]).exit_code != 0



def strategy_of(schema: dict, doc: dict, depth: int = 0) -> st.SearchStrategy:
    """Hypothesis values for a JSON schema of /openapi.json (the subset FastAPI/pydantic emit): mostly
    valid shapes, with a share of arbitrary JSON anywhere to probe the validation."""
    if "$ref" in schema:
        return strategy_of(doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]], doc, depth)
    if "anyOf" in schema:
        return st.one_of([strategy_of(s, doc, depth) for s in schema["anyOf"]])
    if "enum" in schema or "const" in schema:
        return st.sampled_from(schema.get("enum") or [schema["const"]])
    kind = schema.get("type")
    if kind == "object" and "properties" in schema and depth < 4:
        props = {k: strategy_of(v, doc, depth + 1) | (JSON if depth else st.nothing())
                 for k, v in schema["properties"].items()}
        required = set(schema.get("required", ()))
        return st.fixed_dictionaries({k: v for k, v in props.items() if k in required},
                                     optional={k: v for k, v in props.items() if k not in required})
    if kind == "array":
        return st.lists(strategy_of(schema.get("items", {}), doc, depth + 1), max_size=3)
    if kind == "string" and schema.get("format") == "date":
        return st.dates(dt.date(1940, 1, 1), dt.date(2040, 12, 31)).map(str)
    if kind == "string":
        return st.from_regex(schema["pattern"], fullmatch=True) if "pattern" in schema else st.text(max_size=10)
    if kind == "integer":
        return st.integers(schema.get("minimum", -100), schema.get("maximum", 10**6))
    if kind == "number":
        return st.floats(schema.get("exclusiveMinimum", schema.get("minimum", -10.0)), schema.get("maximum", 10.0),
                         allow_nan=False, exclude_min="exclusiveMinimum" in schema)
    if kind == "boolean":
        return st.booleans()
    return JSON


def test_fuzz_from_openapi_schema(client):
    """Bodies generated from the published /openapi.json itself: a valid-shaped situation gets 200 or a
    422 naming the field (an impossible date, a birth after the check), never a 500."""
    doc = client.get("/openapi.json").json()

    @settings(max_examples=int(os.environ.get("CALLUP_FUZZ_EXAMPLES", "150")), deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(body=strategy_of({"$ref": "#/components/schemas/Situation"}, doc), lang=st.sampled_from(["en", "ru"]))
    def run(body, lang):
        r = client.post(f"/api/check?lang={lang}", json=body)
        assert r.status_code in (200, 422), r.text
        if r.status_code == 422:
            assert r.json()["field"] and r.json()["detail"]

    run()

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(body=strategy_of({"$ref": "#/components/schemas/SimulateRequest"}, doc))
    def run_sim(body):
        r = client.post("/api/simulate", json=body)
        assert r.status_code in (202, 422, 429), r.text
        if r.status_code == 202:
            _wait(client, r.json()["id"])

    run_sim()


# --- the check form covers the whole situation schema -----------------------------------------
BASE = {"lang": "en", "date": "2024-10-10", "birth_date": "2001-03-03", "registered": "on"}
FORM_CASES = [  # (extra form fields, the equivalent extra person fields)
    ({"sex": "female"}, {"sex": "female"}),
    ({"citizenship": "kz"}, {"citizenship": "kz"}),
    ({"academic_degree": "candidate"}, {"academic_degree": "candidate"}),
    ({"academic_degree": "doctor", "waived": ["exempt.degree"]},
     {"academic_degree": "doctor", "waived": ["exempt.degree"]}),
    ({"study_level": "master", "study_full_time": "on", "study_accredited": "on", "study_start": "2023-09-01",
      "study_end": "2025-06-30", "diploma1_level": "bachelor", "diploma1_date": "2023-06-30",
      "diploma2_level": "spo", "diploma2_date": "2019-06-30", "study_deferrals_used": ["spo", "bachelor"]},
     {"study": {"level": "master", "full_time": True, "accredited": True, "start": "2023-09-01",
                "end": "2025-06-30"},
      "diplomas": [{"level": "bachelor", "date": "2023-06-30"}, {"level": "spo", "date": "2019-06-30"}],
      "study_deferrals_used": ["spo", "bachelor"]}),
    ({"child1": "2020-01-01", "child1_disabled": "on", "single_father": "on"},
     {"children": [{"birth_date": "2020-01-01", "disabled": True}], "single_father": True}),
    ({"child1": "2020-01-01", "child2": "2022-02-02", "child3": "2023-03-03", "child3_disabled": "on"},
     {"children": [{"birth_date": "2020-01-01"}, {"birth_date": "2022-02-02"},
                   {"birth_date": "2023-03-03", "disabled": True}]}),
    ({"it_accredited_employer": "on", "it_full_time": "on", "it_listed_specialty": "on", "it_tenure_days": "400",
      "it_contract_start": "2023-01-01", "it_graduated": "2022-06-30"},
     {"it_worker": {"accredited_employer": True, "full_time": True, "listed_specialty": True, "tenure_days": 400,
                    "contract_start": "2023-01-01", "graduated": "2022-06-30"}}),
    ({"it_accredited_employer": "on"}, {"it_worker": {"accredited_employer": True}}),
    ({"beliefs_conflict": "on", "acs_application_date": "2024-03-01"},
     {"beliefs_conflict": True, "acs_application_date": "2024-03-01"}),
    ({"indigenous_traditional": "on"}, {"indigenous_traditional": True}),
    ({"summons_method": "register", "summons_placed_in_register": "2024-09-01", "summons_appearance_date":
      "2024-10-01"},
     {"summons": {"method": "register", "placed_in_register": "2024-09-01", "appearance_date": "2024-10-01"}}),
    ({"summons_method": "mail", "summons_delivered": "2024-09-20", "summons_appearance_date": "2024-10-20",
      "summons_appeared": "on"},
     {"summons": {"method": "mail", "delivered": "2024-09-20", "appearance_date": "2024-10-20",
                  "appeared": True}}),
    ({"relative_died_in_service": "on"}, {"relative_died_in_service": True}),
    ({"relative_died_in_service": "on", "waived": ["exempt.relative_died"]},
     {"relative_died_in_service": True, "waived": ["exempt.relative_died"]}),
    ({"served": "contract"}, {"served": "contract"}),
    ({"criminal": "under_investigation"}, {"criminal": "under_investigation"}),
    ({"public_service_deferral": "on"}, {"public_service_deferral": True}),
    ({"elected_official": "on"}, {"elected_official": True}),
    ({"guardian_of_minor_sibling": "on"}, {"guardian_of_minor_sibling": True}),
    ({"lives_abroad_permanently": "on"}, {"lives_abroad_permanently": True}),
    ({"in_reserve": "on"}, {"in_reserve": True}),
]


@pytest.mark.parametrize(("extra", "person"), FORM_CASES, ids=[",".join(sorted(e)) for e, _ in FORM_CASES])
def test_form_field_gives_the_check_of_the_situation(client, extra, person):
    from callup.person.check import check
    from callup.person.situation import Situation
    from callup.web import forms

    want = Situation.model_validate({"date": "2024-10-10", "person": {"birth_date": "2001-03-03", **person}})
    form = {**BASE, **extra}
    flat = {k: "\n".join(v) if isinstance(v, list) else v for k, v in form.items()}
    assert Situation.model_validate(forms.situation_of(flat)) == want
    expected = check(want, lang="en")
    r = client.post("/check", data=form)
    assert r.status_code == 200, r.text[:2000]
    assert f'data-status="{expected["status"]}"' in r.text
    for reason in expected["reasons"]:
        assert f'<code class="code">{reason["code"]}</code>' in r.text
    assert len(expected["timeline"]) == r.text.count('<td class="status-')


def test_form_lists_every_situation_field():
    from callup.person.situation import ItWorker, Person, Summons
    from callup.web import forms

    names = {name for name, _kind, _ in forms.FIELDS}
    covered = {"study", "diplomas", "children", "it_worker", "summons"}
    for field in Person.model_fields:
        assert field in names or field in covered, field
    for model, prefix in ((ItWorker, "it_"), (Summons, "summons_")):
        for field in model.model_fields:
            assert prefix + field in names, field
    assert set(forms.WAIVABLE) >= {"exempt.degree", "deferral.study.master"}
    for lang in ("en", "ru"):
        assert names <= set(forms.TEXT[lang]["labels"]), names - set(forms.TEXT[lang]["labels"])


def test_result_page_shows_human_text(client):
    import re

    from callup.jurisdictions import ru

    form = {**BASE, "lang": "ru", "study_level": "bachelor", "study_full_time": "on", "study_accredited": "on",
            "study_end": "2026-06-30", "summons_method": "mail", "summons_delivered": "2024-09-20",
            "summons_appearance_date": "2024-10-01"}
    r = client.post("/check", data=form)
    assert r.status_code == 200
    text = r.text
    assert ru.vocabulary()["deferral.study.bachelor"].text["ru"] in text
    assert "ОТСРОЧКА" in text or "отсрочк" in text.lower()
    without_codes = re.sub(r'<code class="code">[^<]*</code>', "", text)
    assert "deferral." not in without_codes
    assert 'id="summons"' in text and "Порядок вручения" in text and '"regime"' not in text
    en = client.post("/check", data={**BASE, "date": "2024-10-10", "birth_date": "1980-01-01"}).text
    assert "acs.not_liable" not in en and "nothing to replace" in en


def test_explorer_compares_several_scenarios(client):
    too_many = client.post("/explorer", data={"scenario": ["baseline", "no-war", "no-mobilisation", "age-27",
                                                           "bonus-x2"], "scale": "0.002"})
    assert too_many.status_code == 422 and "at most 4" in too_many.text
    dup = client.post("/api/simulate", json={"scale": 0.002, "scenarios": ["baseline", "baseline"]})
    assert dup.status_code == 422
    over = client.post("/explorer", data={"scenario": ["baseline", "age-27"], "scale": "0.9"})
    assert over.status_code == 422 and "--max-scale" in over.text
    run = client.post("/explorer", data={"scenario": ["baseline", "age-27"], "scale": "0.002", "seed": "3",
                                         "first": "2019-spring", "last": "2019-autumn", "report": "on"},
                      follow_redirects=False)
    assert run.status_code == 303
    url = run.headers["location"]
    job = _wait(client, url.split("/")[-1].split("?")[0], 180)
    assert job["status"] == "done", job["error"]
    cmp = job["result"]["comparison"]
    assert cmp["reference"] == "baseline" and cmp["scenarios"] == ["baseline", "age-27"]
    assert {r["measure"] for r in cmp["differences"]} >= {"drafted"}
    assert "comparison_summary_years.csv" in job["files"] and "report.html" in job["files"]
    done = client.get(url).text
    assert 'id="differences-1"' in done and "age-27 − baseline" in done and 'http-equiv="refresh"' not in done
    assert client.get(job["files"]["comparison_summary_years.csv"]).status_code == 200
