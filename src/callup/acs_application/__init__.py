"""The application for alternative civilian service (113-FZ), its autobiography skeleton and a one-page
deadline summary, built on the person check (same situation, same deadline rules).

    docs = generate(situation_text, statement_text, on=date)   # raises NotForHim / Incomplete / InputError
    paths = write_documents(docs, out_dir)

The identity and contact details come from an ``applicant:`` block in the situation file (see
:mod:`.applicant`); it is removed before the situation is parsed. The man's statement is used exactly
as written. Privacy: nothing is logged; files are written only to ``out_dir``.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import Incomplete, InputError, NotForHim

if TYPE_CHECKING:
    from .applicant import Applicant

__all__ = ["Documents", "Incomplete", "InputError", "NotForHim", "generate", "register", "write_documents"]

FILES = ("acs_application.docx", "acs_application.html", "autobiography.docx", "deadline_summary.html")


@dataclass
class Documents:
    files: dict[str, bytes]
    date: dt.date
    campaign: str
    deadline: str  # "до 1 апреля 2027 г."
    last_day: str  # ISO date of the last day to file
    late: bool
    warnings: list[str] = field(default_factory=list)


def register(app) -> None:
    from .cli import register as _register

    _register(app)


def _phrase(deadline: dt.date) -> str:
    from .content import d_long

    return f"до {d_long(deadline)}"


def _target(campaign: dict, deadline: dt.date, due: dt.date | str | None, due_ext: dt.date | str | None) -> dict:
    t = dict(campaign)
    t.update(
        _deadline=deadline.isoformat(),
        _deadline_phrase=_phrase(deadline),
        _last_day=(deadline - dt.timedelta(days=1)).isoformat(),
        _decision_due=str(due) if due else None,
        _decision_due_extended=str(due_ext) if due_ext else None,
    )
    return t


def _late_target(name: str, on: dt.date) -> dict:
    from callup.jurisdictions import ru
    from callup.jurisdictions.ru import acs as acs_rules
    from callup.jurisdictions.ru.calendar import campaign_named
    from callup.law.dates import from_day, to_day

    law = ru.law()
    c = campaign_named(law, name, as_of=to_day(on))
    due, ext = acs_rules.decision_due(law, c)
    return _target(c.as_json(), from_day(acs_rules.filing_deadline(law, c)), from_day(due), from_day(ext))


def _nearest_deadline(on: dt.date) -> dt.date:
    from callup.jurisdictions import ru

    law = ru.law()
    days = []
    for key in ("acs.deadline_autumn", "acs.deadline_spring"):
        m, d = (int(x) for x in law.value_at(key, on).split("-"))
        days += [dt.date(y, m, d) for y in (on.year, on.year + 1)]
    return min(x for x in days if x > on)


def _route(result: dict) -> list[str]:
    """Which route applies instead of ACS, from the check's reasons (code, text, article)."""
    out = []
    for r in result["reasons"]:
        cite = f" ({r['citation']})" if r.get("citation") else ""
        until = f", до {r['until']}" if r.get("until") else ""
        lead = {
            "deferral": "Ваш путь — отсрочка от призыва",
            "exempt": "Ваш путь — освобождение от призыва",
            "not_subject": "Вы не подлежите призыву, пока действует это основание",
            "not_liable": "Вы не подлежите призыву на военную службу, заменять её нечем",
        }.get(r.get("kind", ""), "Основание")
        if r["code"] == "age.below_min":
            lead = "Вы ещё не достигли призывного возраста"
        out.append(f"{lead} [{r['code']}]: {r['text'].rstrip('.')}{cite}{until}.")
    return out


def _refusal(result: dict, grounds: list[str], on: dt.date) -> str | None:
    acs = result["acs"]
    conflict = "113-FZ Art. 3 p.2"
    head = "Заявление об альтернативной гражданской службе не составлено: "
    if "acs.no_ground" in acs["reasons"]:
        return head + (
            "в ситуации не указано основание по ст. 2 113-ФЗ. Укажите person.beliefs_conflict: true "
            "(военная служба противоречит вашим убеждениям или вероисповеданию) или "
            "person.indigenous_traditional: true (коренной малочисленный народ, традиционный образ "
            "жизни)."
        )
    if not acs["may_apply"] and not ("acs.deadline_passed" in acs["reasons"] and acs.get("late_for")):
        lines = [head + "по проверке альтернативная гражданская служба сейчас не для вас."]
        lines += _route(result)
        if "acs.conflict" in acs["reasons"]:
            lines.append(
                "Пока есть основание для освобождения, отсрочки или вы не подлежите призыву, на АГС не "
                f"направляют ({conflict})."
            )
        return "\n".join(lines)
    if acs["may_apply"] and acs.get("note"):
        deadline = dt.date.fromisoformat(acs["next_deadline"])
        nearest = _nearest_deadline(on)
        if deadline > nearest:
            from .content import campaign_wording

            lines = [head + "подавать его ещё рано."]
            lines += _route(result)
            lines.append(f"Пока это так, на АГС не направляют ({conflict}).")
            lines.append(
                f"Ваш срок: {_phrase(deadline)} {campaign_wording(acs['for_campaign'])}; "
                f"запустите эту команду после {nearest.isoformat()}."
            )
            return "\n".join(lines)
    return None


def _completeness(sit, app: Applicant, statement: str, grounds: list[str], late: bool) -> list[str]:
    problems = []
    if not statement.strip():
        problems.append(
            "statement: the statement of your reasons is empty. Write, in your own words, why military "
            "service is impossible for you (113-FZ Art. 11: the application states the reasons and "
            "circumstances); the program never writes it for you."
        )
    for name, what in (
        ("full_name", "your surname, first name and patronymic"),
        ("address", "your address (where the commission sends notices)"),
        ("commissariat", "the military commissariat where you are on the military register"),
    ):
        if not getattr(app, name):
            problems.append(f"applicant.{name}: missing — give {what}.")
    if not (app.phone or app.email):
        problems.append(
            "applicant.phone / applicant.email: give at least one, so the commission can notify you of its session."
        )
    if app.ground in ("beliefs", "religion", "beliefs_and_religion") and "beliefs" not in grounds:
        problems.append(f"applicant.ground: {app.ground!r}, but the situation does not set person.beliefs_conflict.")
    if app.ground == "indigenous" and "indigenous" not in grounds:
        problems.append("applicant.ground: 'indigenous', but the situation does not set person.indigenous_traditional.")
    if "indigenous" in grounds and (app.ground in (None, "indigenous")) and not app.indigenous_people:
        problems.append("applicant.indigenous_people: name the indigenous small-numbered people you belong to.")
    if sit.person.study is not None and not app.studies_at:
        problems.append(
            f"applicant.studies_at: the situation says you study ({sit.person.study.level}); name the "
            "place of study — a reference (характеристика) from it must be attached."
        )
    if (app.works_at or app.studies_at or sit.person.study is not None) and not app.attachments.reference:
        where = " and ".join(
            x for x in ("work" if app.works_at else "", "study" if (app.studies_at or sit.person.study) else "") if x
        )
        problems.append(
            f"applicant.attachments.reference: you {where}, so a reference (характеристика) from your "
            f"place of {where} must be attached (113-FZ Art. 11); get it and set reference: true."
        )
    if late and not (app.delay_reasons or "").strip():
        problems.append(
            "applicant.delay_reasons: the filing deadline has passed; a late application asks the "
            "commission to accept it and states the reasons for the delay, in your own words "
            "(this rule is UNCONFIRMED in the encoded law)."
        )
    return problems


def _normalise(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").strip("\n").rstrip()


def generate(situation_text: str, statement_text: str, on: dt.date | None = None, lang: str = "ru") -> Documents:
    """The application (DOCX + printable HTML), the autobiography skeleton (DOCX) and the deadline summary
    (HTML) for the man described by ``situation_text`` (with its ``applicant:`` block) on ``on``."""
    from callup.person.check import SituationError, check

    from . import content, render
    from .applicant import split_input

    if lang != "ru":
        raise InputError(
            "--lang", f"the documents are written in Russian, the language of the commission; got {lang!r}"
        )
    sit, app = split_input(situation_text)
    date = on or sit.date or dt.date.today()
    try:
        result = check(sit, on=date, lang="ru")
    except SituationError as exc:
        raise InputError(exc.field, exc.message) from None
    person = sit.person
    grounds = [
        g for g, flag in (("beliefs", person.beliefs_conflict), ("indigenous", person.indigenous_traditional)) if flag
    ]
    refusal = _refusal(result, grounds, date)
    if refusal:
        raise NotForHim(refusal)
    acs = result["acs"]
    warnings: list[str] = []
    late_for = acs.get("late_for")
    late = bool(late_for) and (not acs["may_apply"] or bool((app.delay_reasons or "").strip()))
    if app.delay_reasons and not late_for:
        warnings.append("applicant.delay_reasons ignored: the filing deadline has not passed.")
    statement = _normalise(statement_text)
    problems = _completeness(sit, app, statement, grounds, late)
    if problems:
        raise Incomplete(problems)
    late_target = _late_target(late_for, date) if late_for else None
    if late:
        target = late_target
    else:
        target = _target(
            acs["for_campaign"],
            dt.date.fromisoformat(acs["next_deadline"]),
            acs["decision_due"],
            acs["decision_due_extended"],
        )
    if acs.get("application"):
        warnings.append(f"the situation says an ACS application was already filed on {acs['application']['date']}.")
    result["_birth_date"] = person.birth_date.isoformat()
    delay = _normalise(app.delay_reasons) if late and app.delay_reasons else None
    appl = content.application(result, app, statement, date, grounds, target, delay)
    bio = content.autobiography(app, result, grounds, date)
    summary = content.deadline_summary(result, app, date, target, delay, late_target)
    files = {
        "acs_application.docx": render.to_docx(appl, date),
        "acs_application.html": render.to_html(appl).encode("utf-8"),
        "autobiography.docx": render.to_docx(bio, date),
        "deadline_summary.html": render.to_html(summary).encode("utf-8"),
    }
    return Documents(
        files=files,
        date=date,
        campaign=target["name"],
        deadline=target["_deadline_phrase"],
        last_day=target["_last_day"],
        late=late,
        warnings=warnings,
    )


def write_documents(docs: Documents, out_dir: Path | str) -> list[Path]:
    """Write every file into ``out_dir`` (created if needed) atomically: each file goes to a temporary
    file in the same directory first and replaces its target only when all are written."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    temps: list[tuple[str, Path]] = []
    try:
        for name, data in docs.files.items():
            fd, tmp = tempfile.mkstemp(dir=out, prefix=".tmp-", suffix=".part")
            temps.append((name, Path(tmp)))
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
        paths = []
        for name, tmp in temps:
            target = out / name
            os.replace(tmp, target)
            paths.append(target)
        return paths
    finally:
        for _, tmp in temps:
            tmp.unlink(missing_ok=True)
