"""The ACS application (issue 6): each required part in the DOCX, the deadline text on both sides of
each deadline, the refusals with the route named, the statement verbatim, neutral metadata, and every
cited article defined by the encoded law."""

from __future__ import annotations

import datetime as dt
import html as html_lib
import io
import logging
import re
import zipfile
from pathlib import Path

import docx
import pytest
import typer
import yaml
from typer.testing import CliRunner

from callup.acs_application import (
    FILES,
    Incomplete,
    InputError,
    NotForHim,
    generate,
    register,
    write_documents,
)
from callup.acs_application.citations import CITES, cite, defined_articles, parse_reference

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "acs-application"

APPLICANT = {
    "full_name": "Иванов Иван Иванович",
    "birth_place": "г. Томск",
    "address": "634000, г. Томск, ул. Примерная, д. 1",
    "phone": "+7 900 000-00-00",
    "passport": "69 20 000000",
    "commissariat": "военный комиссариат Ленинского района г. Томска",
}
STATEMENT = (
    "Я  не могу держать оружие — ни при каких условиях.\n"
    "Вторая строка того же абзаца; знаки: «», <b>не тег</b> & 100 %.\n\n"
    "Второй абзац.   С пробелами внутри."
)


def situation(date: str, person: dict | None = None, applicant: dict | None = None, **extra) -> str:
    p = {"birth_date": "2004-01-01", "beliefs_conflict": True}
    p.update(person or {})
    a = dict(APPLICANT)
    a.update(applicant or {})
    data = {"date": date, "person": p, "applicant": {k: v for k, v in a.items() if v is not None}, **extra}
    return yaml.safe_dump(data, allow_unicode=True)


def docx_text(data: bytes) -> tuple[docx.document.Document, str]:
    d = docx.Document(io.BytesIO(data))
    return d, "\n".join(p.text for p in d.paragraphs)


def html_text(data: bytes) -> str:
    text = re.sub(r"<style>.*?</style>", "", data.decode("utf-8"), flags=re.S)
    return html_lib.unescape(re.sub(r"<[^>]+>", "\n", text))


@pytest.fixture(scope="module")
def example_docs():
    return generate((EXAMPLE / "situation.yaml").read_text("utf-8"), (EXAMPLE / "statement.txt").read_text("utf-8"))


# --- the application and its parts ---------------------------------------------------------------


def test_application_docx_has_every_required_part(example_docs):
    _, text = docx_text(example_docs.files["acs_application.docx"])
    statement = (EXAMPLE / "statement.txt").read_text("utf-8").strip()
    required = {
        "addressee": "В военный комиссариат Центрального района г. Новосибирска",
        "addressee is where he is registered": "где заявитель состоит на воинском учёте",
        "identity": "Заявитель: Иванов Иван Иванович",
        "birth date": "дата рождения: 01.06.2006",
        "passport": "паспорт: 50 20 000000",
        "address": "адрес места жительства: 630000, г. Новосибирск",
        "contact": "телефон: +7 900 000-00-00, эл. почта: ivanov@example.org",
        "title": "ЗАЯВЛЕНИЕ",
        "subject": "о замене военной службы по призыву альтернативной гражданской службой",
        "ground article": "ст. 2 Федерального закона от 25.07.2002 № 113-ФЗ «Об альтернативной гражданской службе»",
        "constitution": "ч. 3 ст. 59 Конституции Российской Федерации",
        "ground": "несение военной службы противоречит моим убеждениям",
        "timeliness": "Заявление подаю в срок, установленный п. 1 ст. 11 Федерального закона № 113-ФЗ: "
        "до 1 апреля 2026 г.",
        "reasons intro": "Причины и обстоятельства, побудившие меня ходатайствовать",
        "witnesses": "Лица, которые согласны подтвердить достоверность моих доводов:",
        "witness 1": "1. Петрова Анна Сергеевна (школьный учитель литературы, +7 900 111-11-11)",
        "witness 2": "2. Сидоров Олег Павлович",
        "requests": "Прошу:",
        "heard in his presence": "на заседании призывной комиссии в моём присутствии",
        "notified of the session": "уведомить меня о дате, времени и месте заседания призывной комиссии",
        "copy of the decision": "копию решения (заключения) призывной комиссии",
        "attachments": "Приложения:",
        "autobiography": "1. Автобиография",
        "reference": "2. Характеристика с места работы (ООО «Пример», продавец-консультант)",
        "other documents": "3. копия трудового договора",
        "date": "10.02.2026",
        "signature": "/ И. И. Иванов /",
        "signature labels": "(подпись)",
        "received mark": "вх. №",
        "filing note": "Памятка заявителю (этот лист не подаётся)",
        "in person": "Подайте заявление лично в военный комиссариат",
        "stamped copy": "входящий номер",
    }
    missing = [part for part, needle in required.items() if needle not in text]
    assert not missing, missing
    assert statement.split("\n\n")[0] in text
    # the order a commission expects: addressee, title, ground, statement, witnesses, requests, attachments, date
    order = [
        required[k]
        for k in (
            "addressee",
            "title",
            "ground",
            "reasons intro",
            "witnesses",
            "requests",
            "attachments",
            "signature",
            "filing note",
        )
    ]
    positions = [text.index(x) for x in order]
    assert positions == sorted(positions)
    # the printable HTML says the same
    h = html_text(example_docs.files["acs_application.html"])
    for part in ("addressee", "identity", "ground", "witnesses", "heard in his presence", "attachments", "in person"):
        assert required[part] in h, part
    assert 'class="pagebreak"' in example_docs.files["acs_application.html"].decode()


def test_autobiography_skeleton_and_summary(example_docs):
    _, bio = docx_text(example_docs.files["autobiography.docx"])
    for heading in ("АВТОБИОГРАФИЯ", "Семья", "Образование", "Работа", "Как сложились мои убеждения"):
        assert heading in bio
    assert "коренному" not in bio
    summary = html_text(example_docs.files["deadline_summary.html"])
    for needle in (
        "до 1 апреля 2026 г.",
        "последний день — 31 марта 2026 г.",
        "не позднее 30 апреля 2026 г.",
        "не позднее 31 мая 2026 г.",
        "Если срок пропущен",
        "UNCONFIRMED",
        "лично",
    ):
        assert needle in summary, needle


def test_no_witnesses_section_when_none_given():
    docs = generate(situation("2025-02-01"), STATEMENT)
    _, text = docx_text(docs.files["acs_application.docx"])
    assert "Лица, которые согласны" not in text
    assert "Характеристика" not in text  # he neither works nor studies


def test_indigenous_ground():
    docs = generate(
        situation(
            "2025-02-01",
            {"beliefs_conflict": False, "indigenous_traditional": True},
            {"ground": "indigenous", "indigenous_people": "ханты"},
        ),
        STATEMENT,
    )
    _, text = docx_text(docs.files["acs_application.docx"])
    assert "я отношусь к коренному малочисленному народу Российской Федерации (ханты)" in text
    assert "убеждениям" not in text
    _, bio = docx_text(docs.files["autobiography.docx"])
    assert "традиционный образ жизни" in bio


def test_religion_wording():
    docs = generate(situation("2025-02-01", applicant={"ground": "religion"}), STATEMENT)
    _, text = docx_text(docs.files["acs_application.docx"])
    assert "противоречит моему вероисповеданию" in text or "противоречит моим вероисповеданию" in text


# --- the statement is his, verbatim --------------------------------------------------------------


def test_statement_used_verbatim():
    docs = generate(situation("2025-02-01"), STATEMENT)
    d, _ = docx_text(docs.files["acs_application.docx"])
    paras = [p.text for p in d.paragraphs]
    start = next(i for i, p in enumerate(paras) if p.startswith("Причины и обстоятельства")) + 1
    end = next(i for i, p in enumerate(paras) if p == "Прошу:")
    assert "\n\n".join(paras[start:end]) == STATEMENT
    assert html_lib.escape(STATEMENT, quote=False) in docs.files["acs_application.html"].decode()


def test_windows_line_endings_are_normalised_only():
    docs = generate(situation("2025-02-01"), STATEMENT.replace("\n", "\r\n") + "\r\n")
    d, _ = docx_text(docs.files["acs_application.docx"])
    assert "Второй абзац.   С пробелами внутри." in [p.text for p in d.paragraphs]


# --- deadlines on both sides of each deadline ----------------------------------------------------


@pytest.mark.parametrize(
    ("date", "deadline", "wording", "due", "due_ext", "year_round"),
    [
        (
            "2024-09-30",
            "до 1 октября 2024 г.",
            "для призыва на военную службу в апреле – июле 2025 г.",
            "30 октября 2024 г.",
            "30 ноября 2024 г.",
            False,
        ),
        (
            "2024-10-01",
            "до 1 апреля 2025 г.",
            "для призыва на военную службу в октябре – декабре 2025 г.",
            "30 апреля 2025 г.",
            "31 мая 2025 г.",
            False,
        ),
        (
            "2025-03-31",
            "до 1 апреля 2025 г.",
            "для призыва на военную службу в октябре – декабре 2025 г.",
            "30 апреля 2025 г.",
            "31 мая 2025 г.",
            False,
        ),
        (
            "2025-04-01",
            "до 1 октября 2025 г.",
            "для отправки к месту прохождения военной службы с 1 апреля по 15 июля 2026 г.",
            "30 октября 2025 г.",
            "30 ноября 2025 г.",
            True,
        ),
        (
            "2025-09-30",
            "до 1 октября 2025 г.",
            "для отправки к месту прохождения военной службы с 1 апреля по 15 июля 2026 г.",
            "30 октября 2025 г.",
            "30 ноября 2025 г.",
            True,
        ),
        (
            "2025-10-01",
            "до 1 апреля 2026 г.",
            "для отправки к месту прохождения военной службы с 1 октября по 31 декабря 2026 г.",
            "30 апреля 2026 г.",
            "31 мая 2026 г.",
            True,
        ),
        (
            "2026-03-31",
            "до 1 апреля 2026 г.",
            "для отправки к месту прохождения военной службы с 1 октября по 31 декабря 2026 г.",
            "30 апреля 2026 г.",
            "31 мая 2026 г.",
            True,
        ),
        (
            "2026-04-01",
            "до 1 октября 2026 г.",
            "для отправки к месту прохождения военной службы с 1 апреля по 15 июля 2027 г.",
            "30 октября 2026 г.",
            "30 ноября 2026 г.",
            True,
        ),
    ],
)
def test_deadline_text_on_both_sides(date, deadline, wording, due, due_ext, year_round):
    docs = generate(situation(date), STATEMENT)
    assert docs.deadline == deadline and not docs.late
    _, text = docx_text(docs.files["acs_application.docx"])
    assert f"{deadline} {wording}" in text
    summary = html_text(docs.files["deadline_summary.html"])
    assert deadline in summary and wording in summary
    assert f"не позднее {due}" in summary and f"не позднее {due_ext}" in summary
    assert ("призыв проводится круглый год" in summary) is year_round


def test_late_application_asks_to_accept_it_and_states_his_reasons():
    # born 1997-05-01: his last campaign is 2026-autumn, whose deadline (1 April 2026) has passed
    text = situation("2026-11-27", {"birth_date": "1997-05-01"})
    with pytest.raises(Incomplete) as exc:
        generate(text, STATEMENT)
    assert any(p.startswith("applicant.delay_reasons") for p in exc.value.problems)
    reasons = "Мои убеждения окончательно сложились летом 2026 года,\nпосле работы в хосписе."
    docs = generate(situation("2026-11-27", {"birth_date": "1997-05-01"}, {"delay_reasons": reasons}), STATEMENT)
    assert docs.late
    d, body = docx_text(docs.files["acs_application.docx"])
    assert "Прошу принять настоящее заявление и рассмотреть его по существу" in body
    assert reasons in [p.text for p in d.paragraphs]
    assert "пропущен" in body
    summary = html_text(docs.files["deadline_summary.html"])
    assert "UNCONFIRMED" in summary and "п. 2 ст. 11 Федерального закона № 113-ФЗ" in summary
    assert "Для заявлений, поданных в срок: призывная комиссия" in summary
    assert "Для заявления, поданного с опозданием, срок рассмотрения в закодированном законе не установлен" in summary


def test_late_for_current_campaign_but_next_deadline_open():
    # 2026-02-10: too late for the 2026 spring dispatch, in time for the autumn one
    docs = generate(situation("2026-02-10"), STATEMENT)
    assert not docs.late and docs.deadline == "до 1 апреля 2026 г."
    summary = html_text(docs.files["deadline_summary.html"])
    assert "Срок подачи до 1 октября 2025 г." in summary and "уже прошёл" in summary
    late = generate(situation("2026-02-10", applicant={"delay_reasons": "Причины — мои."}), STATEMENT)
    assert late.late and late.campaign == "2026-spring"


# --- refusals ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("person", "needles"),
    [
        ({"birth_date": "2010-05-01"}, ["age.below_min", "рано", "до 1 октября 2027 г."]),
        ({"birth_date": "1990-05-01"}, ["age.above_max", "не подлежите призыву"]),
        (
            {"children": [{"birth_date": "2020-01-01"}, {"birth_date": "2022-01-01"}]},
            ["deferral.two_children", "отсрочка", "53-FZ Art. 24", "113-FZ Art. 3 p.2"],
        ),
        (
            {"study": {"level": "bachelor", "start": "2024-09-01", "end": "2028-06-30"}, "birth_date": "2006-05-01"},
            ["deferral.study.bachelor", "отсрочка", "2028"],
        ),
        (
            {"health_category": "В", "health_category_date": "2025-01-01"},
            ["exempt.health_v", "освобождение", "113-FZ Art. 3 p.2"],
        ),
        ({"citizenship": "kz"}, ["not_citizen", "не подлежите призыву"]),
        ({"criminal": "conviction"}, ["not_subject.conviction"]),
        ({"beliefs_conflict": False}, ["beliefs_conflict", "indigenous_traditional"]),
    ],
)
def test_refusals_name_the_route(person, needles):
    with pytest.raises(NotForHim) as exc:
        generate(situation("2026-11-27", person), STATEMENT)
    message = str(exc.value)
    assert message.startswith("Заявление об альтернативной гражданской службе не составлено")
    for needle in needles:
        assert needle in message, (needle, message)


# --- completeness --------------------------------------------------------------------------------


def test_empty_statement_is_refused():
    with pytest.raises(Incomplete) as exc:
        generate(situation("2025-02-01"), "  \n\n ")
    assert exc.value.problems[0].startswith("statement:")


def test_missing_identity_fields_are_each_named():
    text = situation("2025-02-01", applicant={"full_name": None, "address": None, "commissariat": None, "phone": None})
    with pytest.raises(Incomplete) as exc:
        generate(text, STATEMENT)
    fields = [p.split(":")[0] for p in exc.value.problems]
    assert fields == [
        "applicant.full_name",
        "applicant.address",
        "applicant.commissariat",
        "applicant.phone / applicant.email",
    ]


def test_no_applicant_block_at_all():
    text = yaml.safe_dump({"date": "2025-02-01", "person": {"birth_date": "2004-01-01", "beliefs_conflict": True}})
    with pytest.raises(Incomplete) as exc:
        generate(text, STATEMENT)
    assert "applicant.full_name" in str(exc.value)


@pytest.mark.parametrize(
    ("person", "applicant", "field"),
    [
        ({}, {"works_at": "ООО «Пример»"}, "applicant.attachments.reference"),
        ({"study": {"level": "bachelor", "full_time": False}}, {}, "applicant.studies_at"),
        (
            {"study": {"level": "bachelor", "full_time": False}},
            {"studies_at": "ТГУ"},
            "applicant.attachments.reference",
        ),
        ({"beliefs_conflict": False, "indigenous_traditional": True}, {}, "applicant.indigenous_people"),
        ({}, {"ground": "indigenous"}, "applicant.ground"),
    ],
)
def test_completeness(person, applicant, field):
    with pytest.raises(Incomplete) as exc:
        generate(situation("2025-02-01", person, applicant), STATEMENT)
    assert any(p.startswith(field) for p in exc.value.problems), exc.value.problems


def test_reference_present_for_part_time_student():
    text = situation(
        "2025-02-01",
        {"study": {"level": "bachelor", "full_time": False}},
        {"studies_at": "ТГУ, заочно", "attachments": {"reference": True}},
    )
    docs = generate(text, STATEMENT)
    _, body = docx_text(docs.files["acs_application.docx"])
    assert "Характеристика с места учёбы (ТГУ, заочно)" in body


def test_input_errors_name_the_field():
    with pytest.raises(InputError, match=r"applicant\.fullname"):
        generate(situation("2025-02-01", applicant={"fullname": "x"}), STATEMENT)
    with pytest.raises(InputError, match=r"person\.beliefs"):
        generate(situation("2025-02-01", {"beliefs": True}), STATEMENT)
    with pytest.raises(InputError, match="--lang"):
        generate(situation("2025-02-01"), STATEMENT, lang="en")
    with pytest.raises(InputError, match="YAML"):
        generate("person: [", STATEMENT)


# --- metadata, names, privacy --------------------------------------------------------------------


def test_metadata_is_neutral(example_docs):
    assert set(example_docs.files) == set(FILES)
    when = dt.datetime(2026, 2, 10)
    today = dt.date.today().isoformat()
    for name in ("acs_application.docx", "autobiography.docx"):
        data = example_docs.files[name]
        cp = docx.Document(io.BytesIO(data)).core_properties
        assert cp.author == "" and cp.last_modified_by == "" and cp.comments == ""
        assert cp.created.replace(tzinfo=None) == when and cp.modified.replace(tzinfo=None) == when
        assert cp.revision == 1
        z = zipfile.ZipFile(io.BytesIO(data))
        assert {i.date_time for i in z.infolist()} == {(2026, 2, 10, 0, 0, 0)}
        core = z.read("docProps/core.xml").decode()
        assert "lastModifiedBy" not in core and "python-docx" not in core
        app = z.read("docProps/app.xml").decode()
        assert "Application" not in app and "Company" not in app and "Template" not in app
        if today != "2026-02-10":
            for n in z.namelist():
                assert today.encode() not in z.read(n), n
    for name in ("acs_application.html", "deadline_summary.html"):
        page = example_docs.files[name].decode()
        assert "<meta" in page and "author" not in page.lower() and "generator" not in page.lower()
        assert today == "2026-02-10" or today not in page


def test_write_documents_only_into_out_dir(tmp_path, example_docs, caplog):
    caplog.set_level(logging.DEBUG)
    out = tmp_path / "out" / "nested"
    paths = write_documents(example_docs, out)
    assert sorted(p.name for p in paths) == sorted(FILES)
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES)  # no temporary files left behind
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    assert (out / "acs_application.docx").read_bytes() == example_docs.files["acs_application.docx"]
    write_documents(example_docs, out)  # replaces atomically
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES)
    assert not caplog.records


# --- every cited article comes from the encoded law -----------------------------------------------

RU_CITE = re.compile(r"(?<![А-Яа-яЁё])(?:(п|ч)\.\s*(\d+(?:\.\d+)?)\s+)?ст\.\s*(\d+)")
RU_LAW = re.compile(r"Конституци|(\d+)-ФЗ")
EN_CITE = re.compile(r"(\d+-FZ|Constitution)\s+Art\.\s*(\d+)(?:\s*p\.\s*(\d+))?")


def scan_citations(text: str) -> list[tuple[str, str, str | None]]:
    found = []
    for m in RU_CITE.finditer(text):
        law = RU_LAW.search(text, m.end(), m.end() + 120)
        assert law, f"an article with no law: {text[m.start() : m.end() + 60]!r}"
        found.append(
            ("Constitution" if law.group(0).startswith("Конституц") else f"{law.group(1)}-FZ", m.group(3), m.group(2))
        )
    assert len(EN_CITE.findall(text)) == text.count("Art."), "an English article citation with no law"
    found += [(law, art, part or None) for law, art, part in EN_CITE.findall(text)]
    return found


def all_texts(docs) -> str:
    parts = []
    for name, data in docs.files.items():
        parts.append(docx_text(data)[1] if name.endswith(".docx") else html_text(data))
    return "\n".join(parts)


def test_scanner_catches_an_undefined_article():
    defined = defined_articles()
    assert ("113-FZ", "99", None) not in defined
    assert scan_citations("см. п. 4 ст. 99 Федерального закона № 113-ФЗ") == [("113-FZ", "99", "4")]
    assert ("113-FZ", "12", "4") not in defined  # the refusal grounds are not encoded: never cite them


def test_every_cited_article_is_defined_by_the_law_files():
    defined = defined_articles()
    texts = [
        all_texts(generate((EXAMPLE / "situation.yaml").read_text("utf-8"), "Текст.")),
        all_texts(generate(situation("2024-09-30"), "Текст.")),
        all_texts(
            generate(situation("2026-11-27", {"birth_date": "1997-05-01"}, {"delay_reasons": "Причины."}), "Текст.")
        ),
        all_texts(
            generate(
                situation(
                    "2025-02-01",
                    {"beliefs_conflict": False, "indigenous_traditional": True},
                    {"indigenous_people": "ненцы"},
                ),
                "Текст.",
            )
        ),
    ]
    seen = set()
    for text in texts:
        for c in scan_citations(text):
            assert c in defined, f"cited but not defined by the law files: {c}"
            seen.add(c)
    assert {("113-FZ", "2", None), ("113-FZ", "11", "1"), ("113-FZ", "12", "3"), ("Constitution", "59", "3")} <= seen


@pytest.mark.parametrize("on", ["2019-01-01", "2023-12-31", "2024-01-01", "2026-01-01", "2026-11-27"])
def test_citation_catalogue_resolves_against_parameters(on):
    for key in CITES:
        assert cite(key, dt.date.fromisoformat(on))


def test_parse_reference():
    assert parse_reference("113-FZ Art. 11 p.2, Art. 12") >= {("113-FZ", "11", "2"), ("113-FZ", "12", None)}
    assert ("113-FZ", "11", "1") not in parse_reference("113-FZ Art. 12 p.3 (within one month of Art. 11 p.1)")
    assert ("Constitution", "59", "3") in parse_reference("113-FZ Art. 2; Constitution Art. 59 p.3")


# --- the command ---------------------------------------------------------------------------------


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        pass

    register(app)
    return app


def test_cli_writes_documents_and_prints_the_deadline(tmp_path):
    out = tmp_path / "docs"
    r = CliRunner().invoke(
        _app(),
        [
            "acs-application",
            str(EXAMPLE / "situation.yaml"),
            "--statement",
            str(EXAMPLE / "statement.txt"),
            "--out",
            str(out),
            "--date",
            "2026-03-01",
        ],
    )
    assert r.exit_code == 0, r.output
    assert "до 1 апреля 2026 г." in r.output and "2026-03-31" in r.output
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES)
    assert docx.Document(out / "acs_application.docx").core_properties.created.replace(tzinfo=None) == dt.datetime(
        2026, 3, 1
    )


def test_cli_refuses_with_exit_2(tmp_path):
    sit = tmp_path / "s.yaml"
    sit.write_text(
        situation("2026-11-27", {"children": [{"birth_date": "2020-01-01"}, {"birth_date": "2022-01-01"}]}),
        encoding="utf-8",
    )
    stmt = tmp_path / "st.txt"
    stmt.write_text(STATEMENT, encoding="utf-8")
    r = CliRunner().invoke(
        _app(), ["acs-application", str(sit), "--statement", str(stmt), "--out", str(tmp_path / "o")]
    )
    assert r.exit_code == 2
    assert "deferral.two_children" in r.output and "Traceback" not in r.output
    assert not (tmp_path / "o").exists()
    stmt.write_text("", encoding="utf-8")
    sit.write_text(situation("2025-02-01"), encoding="utf-8")
    r = CliRunner().invoke(_app(), ["acs-application", str(sit), "--statement", str(stmt)])
    assert r.exit_code == 2 and "statement:" in r.output
    r = CliRunner().invoke(_app(), ["acs-application", str(sit), "--statement", str(stmt), "--date", "2025-13-01"])
    assert r.exit_code == 2 and "--date" in r.output


def test_seventeen_year_old_applies_before_his_first_campaign():
    # 17 now, 18 on 2027-05-01: his first campaign is the 2027 autumn dispatch, deadline 1 April 2027 (the next one)
    docs = generate(situation("2026-11-27", {"birth_date": "2009-05-01"}), STATEMENT)
    assert docs.deadline == "до 1 апреля 2027 г." and not docs.late
    summary = html_text(docs.files["deadline_summary.html"])
    assert "не направляют (п. 2 ст. 3 Федерального закона № 113-ФЗ)" in summary
