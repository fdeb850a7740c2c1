"""A check result as readable text, in English or Russian (rich renderables for the terminal)."""

from __future__ import annotations

from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

LABELS = {
    "en": {
        "title": "Call-up check on {date} (Russia)",
        "status": "Status",
        "liable": "LIABLE to call-up",
        "deferred": "DEFERRED",
        "exempt": "EXEMPT",
        "not_subject": "NOT SUBJECT to call-up",
        "not_liable": "NOT LIABLE to call-up",
        "reasons": "Why",
        "no_reasons": "No ground for exemption or deferral was found in the facts given.",
        "code": "Code",
        "ground": "Ground",
        "article": "Article",
        "until": "Until",
        "conf": "Source",
        "age_out": "Leaves the call-up age on",
        "campaign": "Call-up",
        "in_window": "a call-up period is running",
        "not_in_window": "no call-up period is running",
        "current": "current campaign",
        "next": "next campaign",
        "acs": "Alternative civilian service (113-FZ)",
        "acs_yes": "May apply: file BEFORE {deadline} (last day {last}) for the {campaign} campaign; "
        "decision due by {due} (at the latest {due_ext}).",
        "acs_no": "Not available now: {why}",
        "timeline": "Timeline until he ages out",
        "penalties": "Penalties in force",
        "fine": "{lo}–{hi} RUB",
        "fine_upto": "fine up to {hi} RUB",
        "prison": "or up to {years} years in prison",
        "date": "Date",
        "deadlines": "Deadlines",
        "warnings": "Warnings",
        "summons": "Summons",
        "status_legend": "Source: P = legal text seen, S = secondary source, UNCONFIRMED = not confirmed.",
    },
    "ru": {
        "title": "Проверка на {date} (Россия)",
        "status": "Статус",
        "liable": "ПОДЛЕЖИТ призыву",
        "deferred": "ОТСРОЧКА",
        "exempt": "ОСВОБОЖДЁН",
        "not_subject": "НЕ ПОДЛЕЖИТ призыву",
        "not_liable": "НЕ ПРИЗЫВАЕТСЯ",
        "reasons": "Основания",
        "no_reasons": "По указанным фактам оснований для освобождения или отсрочки не найдено.",
        "code": "Код",
        "ground": "Основание",
        "article": "Статья",
        "until": "До",
        "conf": "Источник",
        "age_out": "Выходит из призывного возраста",
        "campaign": "Призыв",
        "in_window": "идёт призыв",
        "not_in_window": "призыв не идёт",
        "current": "текущая кампания",
        "next": "следующая кампания",
        "acs": "Альтернативная гражданская служба (113-ФЗ)",
        "acs_yes": "Можно подать заявление: ДО {deadline} (последний день {last}) на кампанию {campaign}; "
        "решение до {due} (не позднее {due_ext}).",
        "acs_no": "Сейчас недоступно: {why}",
        "timeline": "По кампаниям до выхода из призывного возраста",
        "penalties": "Действующие санкции",
        "fine": "{lo}–{hi} руб.",
        "fine_upto": "штраф до {hi} руб.",
        "prison": "или лишение свободы до {years} лет",
        "date": "Дата",
        "deadlines": "Сроки",
        "warnings": "Предупреждения",
        "summons": "Повестка",
        "status_legend": "Источник: P — текст закона, S — вторичный источник, UNCONFIRMED — не подтверждено.",
    },
}


ACS_REASONS = {
    "en": {
        "acs.no_ground": "no ground stated (beliefs or religion, or an indigenous way of life: 113-FZ Art. 2)",
        "acs.not_liable": "he is not liable to call-up, so there is nothing to replace",
        "acs.conflict": "he has a ground for deferral or exemption in every coming campaign (113-FZ Art. 3 p.2)",
        "acs.deadline_passed": "every filing deadline before he ages out has passed",
    },
    "ru": {
        "acs.no_ground": "не указано основание (убеждения или вероисповедание либо традиционный образ жизни "
        "коренного малочисленного народа: ст. 2 113-ФЗ)",
        "acs.not_liable": "он не подлежит призыву, заменять нечего",
        "acs.conflict": "у него есть основание для отсрочки или освобождения во всех предстоящих кампаниях "
        "(п. 2 ст. 3 113-ФЗ)",
        "acs.deadline_passed": "все сроки подачи до выхода из призывного возраста прошли",
    },
}


SUMMONS_LABELS = {
    "en": {
        "regime": "Delivery regime",
        "delivered": "Delivered (or deemed delivered) on",
        "exit_ban_from": "Exit from Russia banned from",
        "restrictions_from": "If he has not appeared, restrictions apply from",
        "missed": "He missed the appearance date: the KoAP 21.5 p.1 fine can apply.",
        "now": "(in force now)",
    },
    "ru": {
        "regime": "Порядок вручения",
        "delivered": "Вручена (или считается врученной)",
        "exit_ban_from": "Запрет выезда из России с",
        "restrictions_from": "При неявке ограничения применяются с",
        "missed": "Дата явки пропущена: возможен штраф по ч. 1 ст. 21.5 КоАП.",
        "now": "(действуют сейчас)",
    },
}


REGIMES = {
    "en": {"personal_signature": "in person, against signature", "register": "in person, by registered mail, "
           "electronically, or deemed delivered 7 days after placement in the Register of summons"},
    "ru": {"personal_signature": "лично под расписку", "register": "лично, заказным письмом, в личный кабинет "
           "или считается врученной через 7 дней после размещения в реестре повесток"},
}

RESTRICTIONS = {
    "en": {
        "no_individual_entrepreneur_registration": "no registration as an individual entrepreneur",
        "no_self_employed_registration": "no registration as self-employed",
        "no_vehicle_registration": "no registration of vehicles",
        "driving_licence_suspended": "the right to drive is suspended",
        "no_loans_or_credit": "no loans or credit",
        "no_real_estate_registration": "no registration of real-estate rights",
    },
    "ru": {
        "no_individual_entrepreneur_registration": "запрет регистрации в качестве индивидуального предпринимателя",
        "no_self_employed_registration": "запрет регистрации в качестве самозанятого",
        "no_vehicle_registration": "запрет регистрации транспортных средств",
        "driving_licence_suspended": "приостановление права управления транспортными средствами",
        "no_loans_or_credit": "запрет на получение кредитов и займов",
        "no_real_estate_registration": "приостановление регистрации прав на недвижимость",
    },
}


def _summons_text(s: dict, lang: str) -> str:
    """A summons' consequences as labelled lines, each with its article."""
    t = SUMMONS_LABELS[lang]
    lines = [f"{t['regime']}: {REGIMES[lang].get(s['regime'], s['regime'])} — {s['regime_citation']}"]
    if s.get("delivered"):
        lines.append(
            f"{t['delivered']}: {s['delivered']}"
            + (f" — {s['deemed_delivered_citation']}" if s.get("deemed_delivered_citation") else "")
        )
    if s.get("exit_ban_from"):
        lines.append(f"{t['exit_ban_from']}: {s['exit_ban_from']} — {s.get('exit_ban_citation', '')}")
    if s.get("restrictions_from"):
        now = f" {t['now']}" if s.get("restrictions_apply_now") else ""
        lines.append(f"{t['restrictions_from']}: {s['restrictions_from']}{now} — {s.get('restrictions_citation', '')}")
        words = RESTRICTIONS[lang]
        lines.extend(f"  • {words.get(r, r)}" for r in s.get("restrictions", []))
    if s.get("missed"):
        lines.append(t["missed"])
    return "\n".join(lines)


def _runs(timeline: list[dict]):
    """Consecutive campaigns with the same status and reasons, as (first, last) pairs."""
    runs: list[list[dict]] = []
    for row in timeline:
        if runs and (runs[-1][-1]["status"], runs[-1][-1]["reasons"]) == (row["status"], row["reasons"]):
            runs[-1].append(row)
        else:
            runs.append([row])
    return [(r[0], r[-1]) for r in runs]


def render(result: dict, lang: str = "en") -> Group:
    t = LABELS[lang]
    parts: list = []
    status = result["status"]
    colour = {"liable": "bold red", "deferred": "bold yellow"}.get(status, "bold green")
    head = Text.assemble((t[status], colour))
    parts.append(Panel(head, title=t["title"].format(date=result["date"]), expand=False))

    if result["reasons"]:
        table = Table(title=t["reasons"], show_lines=True)
        for col in ("code", "ground", "article", "until", "conf"):
            table.add_column(t[col], overflow="fold")
        for r in result["reasons"]:
            table.add_row(r["code"], r["text"], r["citation"], r.get("until") or r.get("since") or "—", r["status"])
        parts.append(table)
    else:
        parts.append(Text(t["no_reasons"]))

    if result["age_out_date"]:
        parts.append(Text(f"{t['age_out']}: {result['age_out_date']}"))
    camp = result["campaign"]
    line = f"{t['campaign']}: {t['in_window'] if camp['in_window'] else t['not_in_window']}"
    if camp["current"]:
        line += f"; {t['current']} {camp['current']['name']} ({camp['current']['start']} – {camp['current']['end']})"
    if camp["next"]:
        line += f"; {t['next']} {camp['next']['name']} ({camp['next']['start']} – {camp['next']['end']})"
    parts.append(Text(line))

    acs = result["acs"]
    if acs["may_apply"]:
        acs_line = t["acs_yes"].format(
            deadline=acs["next_deadline"],
            last=acs["last_day_to_file"],
            campaign=acs["for_campaign"]["name"],
            due=acs["decision_due"],
            due_ext=acs["decision_due_extended"],
        )
        if acs.get("note"):
            acs_line += " " + acs["note"]
    else:
        why = [ACS_REASONS[lang].get(code, code) for code in acs["reasons"]]
        acs_line = t["acs_no"].format(why="; ".join(why) or "—")
    parts.append(Panel(Text(acs_line), title=t["acs"], expand=False))

    if result["timeline"]:
        tl = Table(title=t["timeline"])
        for col in ("campaign", "status", "reasons"):
            tl.add_column(t.get(col, col))
        for first, last in _runs(result["timeline"]):
            span = first["campaign"] if first is last else f"{first['campaign']} … {last['campaign']}"
            status = t[first["status"]]
            if last.get("status_at_end"):
                status += " → " + t[last["status_at_end"]]
            tl.add_row(f"{span} ({first['start']} – {last['end']})", status, ", ".join(first["reasons"]))
        parts.append(tl)

    if result["deadlines"]:
        dl = Table(title=t["deadlines"])
        dl.add_column(t["date"])
        dl.add_column(t["ground"], overflow="fold")
        dl.add_column(t["article"], overflow="fold")
        for d in result["deadlines"]:
            dl.add_row(d["date"], d["text"], d["citation"])
        parts.append(dl)

    if result.get("summons"):
        parts.append(Panel(Text(_summons_text(result["summons"], lang)), title=t["summons"], expand=False))

    if result["penalties"]:
        pt = Table(title=t["penalties"], show_lines=True)
        pt.add_column(t["code"])
        pt.add_column(t["ground"], overflow="fold")
        pt.add_column(t["article"], overflow="fold")
        pt.add_column("RUB")
        for p in result["penalties"]:
            if p.get("fine_min") is not None:
                fine = t["fine"].format(lo=f"{p['fine_min']:,}", hi=f"{p['fine_max']:,}")
            else:
                fine = t["fine_upto"].format(hi=f"{p['fine_max']:,}") if p.get("fine_max") else "—"
            if p.get("imprisonment_years_max"):
                fine += "; " + t["prison"].format(years=p["imprisonment_years_max"])
            pt.add_row(p["code"], p["text"], p["citation"], fine)
        parts.append(pt)

    if result["warnings"]:
        parts.append(Text(t["warnings"] + ":", style="bold"))
        for w in result["warnings"]:
            parts.append(Text(f" • {w}"))
    parts.append(Text(t["status_legend"], style="dim"))
    parts.append(Text(result["disclaimer"], style="italic"))
    return Group(*parts)
