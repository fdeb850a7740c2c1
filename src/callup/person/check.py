"""One person's check: the situation becomes a one-row population, the rules run on it (and on the
same row at each coming campaign, for the timeline), and the answer is explained with citations.

Privacy: this module computes and returns. It writes no file, logs nothing and sends nothing.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import numpy as np

from callup.jurisdictions import ru
from callup.jurisdictions.ru import acs as acs_rules
from callup.jurisdictions.ru import calendar, summons
from callup.jurisdictions.ru.penalties import penalties_at
from callup.jurisdictions.ru.rules import age_out_day, evaluate
from callup.law.dates import NEVER, from_day, to_day
from callup.law.reasons import STATUS_NAMES
from callup.person.messages import say
from callup.person.row import person_row
from callup.person.situation import Situation

STATUS_RANK = {"P": 0, "S": 1, "UNCONFIRMED": 2, "override": 1}
LAW_ENCODED_FROM = dt.date(2019, 1, 1)
"""The first day the Russian law is encoded for (issue 2: "Russia, 2019-01-01 to today")."""
LAW_ENCODED_TO = dt.date(2026, 3, 31)
"""The newest legal sources behind the encoded law (see shared/law/ru-facts.md)."""


class SituationError(ValueError):
    """A situation that cannot be checked; ``field`` names the offending field."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def _iso(day: int | None) -> str | None:
    if day is None or day >= NEVER:
        return None
    return _iso_of(int(day))


@lru_cache(maxsize=8192)
def _iso_of(day: int) -> str | None:
    d = from_day(day)
    return d.isoformat() if d else None


def _weakest(statuses: list[str]) -> str:
    return max(statuses, key=lambda s: STATUS_RANK.get(s, 2)) if statuses else "UNCONFIRMED"


def explain_reason(law, vocab, code: str, on: dt.date, lang: str, until: int | None, warnings: list[str]) -> dict:
    """A reason code with its text, the article in force on ``on`` and its weakest status."""
    reason = vocab[code]
    entries = [law.entry_at(p, on) for p in reason.parameters]
    entries = [e for e in entries if e is not None]
    citation = entries[0].reference if entries else ""
    status = _weakest([e.status for e in entries])
    item = {
        "code": code,
        "kind": reason.kind,
        "text": reason.text[lang],
        "citation": citation,
        "until": _iso(until),
        "status": status,
    }
    unconfirmed = [f"{p}: {e.unconfirmed}" for p, e in zip(reason.parameters, entries, strict=False) if e.unconfirmed]
    if unconfirmed:
        item["unconfirmed"] = unconfirmed
    if status == "UNCONFIRMED":
        warnings.append(say(lang, "basis_unconfirmed", code=code))
    elif unconfirmed:
        warnings.append(say(lang, "basis_part_unconfirmed", code=code))
    return item


def check(situation: Situation, on: dt.date | None = None, lang: str = "en", law=None) -> dict:
    """Status, reasons, deadlines and options of one person on a date (the stable JSON shape)."""
    law = law or ru.law()
    vocab = ru.vocabulary()
    date = on or situation.date or dt.date.today()
    person = situation.person
    if date < LAW_ENCODED_FROM:
        raise SituationError(
            "date", f"{date} is before {LAW_ENCODED_FROM}: the law is encoded from {LAW_ENCODED_FROM} to today"
        )
    if person.birth_date > date:
        raise SituationError("person.birth_date", f"{person.birth_date} is after the check date {date}")
    for i, code in enumerate(person.waived):
        if code not in vocab:
            raise SituationError(f"person.waived[{i}]", f"unknown reason code {code!r}; see `callup reasons`")
    day = to_day(date)
    warnings: list[str] = []

    row = person_row(person, day, vocab)
    ev = evaluate(law, row, np.array([day], dtype=np.int32), explain=True)
    status = STATUS_NAMES[int(ev.status[0])]
    age_out = int(age_out_day(law, row.birth_key, row.birth)[0])

    reasons = []
    for code in vocab.codes_of(ev.reasons[0]):
        until = ev.until.get(code)
        u = int(until[0]) if until is not None else None
        item = explain_reason(law, vocab, code, date, lang, u, warnings)
        if code == "age.above_max":
            item["since"] = _iso(age_out)
        reasons.append(item)

    # the timeline: the same row, evaluated on the first and the last day of each campaign until he
    # ages out, in one call (a status can change inside a window: an 18th birthday, a deferral's end)
    campaigns = calendar.campaigns_between(law, day, age_out - 1, as_of=day) if age_out > day else []
    timeline = []
    if campaigns:
        k = len(campaigns)
        firsts = [max(day, c.start) for c in campaigns]
        lasts = [max(first, min(c.end, age_out - 1)) for c, first in zip(campaigns, firsts, strict=True)]
        dates = np.array(firsts + lasts, dtype=np.int32)
        rows = row.take(np.zeros(2 * k, dtype=np.intp))
        ev_t = evaluate(law, rows, dates)
        for i, c in enumerate(campaigns):
            st, st_end = STATUS_NAMES[int(ev_t.status[i])], STATUS_NAMES[int(ev_t.status[k + i])]
            item = {
                "campaign": c.name,
                "start": _iso(c.start),
                "end": _iso(c.end),
                "checked_on": _iso(firsts[i]),
                "status": st,
                "reasons": vocab.codes_of(ev_t.reasons[i]),
            }
            if st_end != st or ev_t.reasons[k + i] != ev_t.reasons[i]:
                item["status_at_end"] = st_end
                item["reasons_at_end"] = vocab.codes_of(ev_t.reasons[k + i])
            timeline.append(item)
        both = acs_rules.may_be_sent(law, rows, dates, ev_t.status)
        sendable = both[:k] | both[k:]
    else:
        sendable = np.zeros(0, dtype=bool)
    acs_block = _acs(law, person, row, day, campaigns, timeline, sendable, lang, warnings)

    position = calendar.position(law, day)
    campaign = {
        "in_window": position["in_window"],
        "year_round": position["year_round"],
        "current": position["current"].as_json() if position["current"] else None,
        "next": position["next"].as_json() if position["next"] else None,
    }

    codes = _penalty_codes(person, status, [r["code"] for r in reasons])
    penalties = penalties_at(law, date, codes, lang)

    result = {
        "date": date.isoformat(),
        "jurisdiction": situation.jurisdiction,
        "status": status,
        "reasons": reasons,
        "age_out_date": _iso(age_out),
        "campaign": campaign,
        "acs": acs_block,
        "timeline": timeline,
        "penalties": penalties,
        "deadlines": _deadlines(law, status, reasons, acs_block, position, lang, person.summons is not None),
        "warnings": warnings,
        "law_as_of": LAW_ENCODED_TO.isoformat(),
        "disclaimer": DISCLAIMER[lang].format(date=date.isoformat()),
    }
    if person.summons is not None:
        result["summons"] = summons.consequences(law, person.summons, date)
        for key, values in result["summons"].pop("warnings"):
            warnings.append(say(lang, key, **values))
    _general_warnings(law, person, date, day, status, reasons, age_out, lang, warnings)
    return result


def _penalty_codes(person, status: str, reason_codes: list[str]) -> list[str]:
    """Which penalties concern him. Registration duties (KoAP 21.5-21.6) bind every man on the
    register; UK 328 p.1 punishes evasion only "при отсутствии законных оснований для освобождения",
    so it is listed only for a man with no ground at all; UK 328 p.2 for a man in or applying for ACS."""
    if status == "not_liable":
        # left for good while still registered: he had to deregister first (53-FZ Art. 10 p.1)
        return ["koap.21.5.abroad"] if "abroad" in reason_codes and person.registered else []
    codes = ["koap.21.5.1", "koap.21.5.notify", "koap.21.5.departure", "koap.21.5.abroad", "koap.21.6"]
    if status == "liable":
        codes.append("uk.328.1")
    if person.acs_application_date or person.served == "acs":
        codes.append("uk.328.2")
    return codes


DISCLAIMER = {
    "en": "Not legal advice. The law as encoded in callup, applied to the facts you gave, on {date}. "
    "Confirm with a lawyer and the current text of the law.",
    "ru": "Это не юридическая консультация. Закон в том виде, как он закодирован в callup, применён к "
    "указанным вами фактам на {date}. Проверьте у юриста и по действующему тексту закона.",
}


def _acs(law, person, row, day, campaigns, timeline, sendable, lang, warnings) -> dict:
    """113-FZ: may he apply, by when, for which campaign."""
    ground = bool(acs_rules.has_acs_ground(row)[0])
    term = law.entry_at("acs.term_months", from_day(day))
    term_mil = law.entry_at("acs.term_months_military_orgs", from_day(day))
    block: dict = {
        "may_apply": False,
        "reasons": [],
        "next_deadline": None,
        "last_day_to_file": None,
        "for_campaign": None,
        "decision_due": None,
        "decision_due_extended": None,
        "term_months": term.value if term else None,
        "term_months_military_orgs": term_mil.value if term_mil else None,
        "citation": "113-FZ Art. 2, 3, 11, 12",
    }
    if not ground:
        block["reasons"].append("acs.no_ground")
    if not timeline:
        block["reasons"].append("acs.not_liable")
        return block
    candidates = [(c, acs_rules.filing_deadline(law, c)) for c, ok in zip(campaigns, sendable, strict=True) if ok]
    open_ = [(c, d) for c, d in candidates if d > day]
    if ground and not candidates:
        vocab = ru.vocabulary()
        blocking = sorted({code for t in timeline for code in t["reasons"]})
        if blocking and all(vocab[c].kind != "not_liable" for c in blocking):
            block["reasons"].append("acs.conflict")
            block["reasons"].extend(blocking)
        else:
            block["reasons"].append("acs.not_liable")
    if ground and candidates and candidates[0][1] <= day:
        late = candidates[0][0]
        block["late_for"] = late.name
        entry = law.entry_at("acs.late_application", from_day(day))
        warnings.append(
            say(
                lang,
                "acs_late",
                campaign=late.name,
                deadline=_iso(candidates[0][1]),
                status=entry.status if entry else "UNCONFIRMED",
            )
        )
    if ground and open_:
        c, deadline = open_[0]
        due, due_ext = acs_rules.decision_due(law, c)
        block.update(
            {
                "may_apply": True,
                "next_deadline": _iso(deadline),
                "last_day_to_file": _iso(deadline - 1),
                "for_campaign": c.as_json(),
                "decision_due": _iso(due),
                "decision_due_extended": _iso(due_ext),
            }
        )
        if timeline[0]["status"] != "liable":
            block["note"] = (
                "ACS is not for a man with a ground for deferral or exemption (113-FZ Art. 3 p.2); "
                f"the deadline given is for {c.name}, the first campaign in which he has none."
            )
    elif ground and candidates:
        block["reasons"].append("acs.deadline_passed")
    if person.acs_application_date:
        applied = to_day(person.acs_application_date)
        target = next(((c, d) for c, d in candidates if d > applied), None)
        block["application"] = {
            "date": person.acs_application_date.isoformat(),
            "for_campaign": target[0].name if target else None,
            "timely": target is not None and target == (candidates[0] if candidates else None),
        }
    return block


DEADLINE_TEXT = {
    "en": {
        "ends": "Last day of this deferral; tell the commissariat within two weeks of any change.",
        "acs": "Last day to file an ACS application for {campaign}.",
        "appear": "If no summons has come, appear at the commissariat within two weeks of the start of the "
        "call-up (dispatch) period.",
    },
    "ru": {
        "ends": "Последний день отсрочки; об изменениях сообщите в военкомат в двухнедельный срок.",
        "acs": "Последний день подачи заявления о замене на АГС на кампанию {campaign}.",
        "appear": "Если повестки не было, явиться в военкомат в двухнедельный срок со дня начала призыва "
        "(периода отправки).",
    },
}


def _deadlines(law, status, reasons, acs_block, position, lang, summoned: bool = False) -> list[dict]:
    text = DEADLINE_TEXT[lang]
    out = []
    for r in reasons:
        if r["kind"] == "deferral" and r["until"]:
            out.append(
                {
                    "code": f"ends.{r['code']}",
                    "date": r["until"],
                    "citation": r["citation"],
                    "text": text["ends"],
                }
            )
    if acs_block and acs_block.get("may_apply"):
        out.append(
            {
                "code": "acs.filing",
                "date": acs_block["last_day_to_file"],
                "citation": "113-FZ Art. 11 p.1",
                "text": text["acs"].format(campaign=acs_block["for_campaign"]["name"]),
            }
        )
    nxt = position["next"]
    if nxt and status == "liable" and not summoned:
        entry = law.entry_at("summons.appear_without_summons_days", from_day(nxt.start))
        if entry is not None and entry.value:
            out.append(
                {
                    "code": "appear_without_summons",
                    "date": _iso(nxt.start + int(entry.value)),
                    "citation": entry.reference,
                    "status": entry.status,
                    "text": text["appear"],
                }
            )
    return sorted(out, key=lambda x: x["date"])


def _general_warnings(law, person, date, day, status, reasons, age_out, lang, warnings) -> None:
    boundary = law.entry_at("callup.age_boundary_rule", date)
    if boundary is not None and age_out < NEVER and abs(age_out - day) <= 31:
        warnings.append(say(lang, "age_boundary", date=_iso(age_out), rule=boundary.value, status=boundary.status))
    if person.birth_date.month == 2 and person.birth_date.day == 29:
        rule = law.entry_at("callup.feb29_birthday", date)
        warnings.append(say(lang, "feb29", mmdd=rule.value, status=rule.status))
    if person.health_category and not person.health_category_date:
        warnings.append(say(lang, "health_date_missing"))
    if (
        person.health_category == "G"
        and not any(r["code"] == "deferral.health_g" for r in reasons)
        and status != "not_liable"
    ):
        warnings.append(say(lang, "health_g_expired"))
    allowed = law.entry_at("waiver.allowed", date)
    waivable = set(law.value_at("waiver.waivable", date) or [])
    for code in person.waived:
        if allowed is None or not allowed.value:
            warnings.append(say(lang, "waiver_too_early", code=code))
        elif code not in waivable:
            warnings.append(say(lang, "waiver_not_waivable", code=code))
    if person.study and person.study.level == "master" and person.study.start is None:
        warnings.append(say(lang, "master_start_missing"))
    if any(r["code"] == "deferral.it" for r in reasons):
        warnings.append(say(lang, "it_listing"))
    if any(r["code"] == "abroad" for r in reasons):
        warnings.append(say(lang, "abroad_revives"))
    if person.wife_pregnancy_weeks is not None or person.children:
        warnings.append(say(lang, "family_unchanged"))
