"""Every article the ACS documents cite, in one place, checked against the encoded law.

A citation names a parameter; the article (and part) it prints must appear in that parameter's
``reference`` on the date of the documents, so a template can never cite an article the law files
do not define (:func:`cite` raises otherwise). ``defined_articles`` lists everything the law files
define, for the test that scans the generated text.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from callup.jurisdictions import ru

LAW_NAMES = {
    "113-FZ": "Федерального закона от 25.07.2002 № 113-ФЗ «Об альтернативной гражданской службе»",
    "Constitution": "Конституции Российской Федерации",
}
SHORT_NAMES = {"113-FZ": "Федерального закона № 113-ФЗ", "Constitution": "Конституции Российской Федерации"}
PART_WORD = {"Constitution": "ч."}  # laws are divided into пункты, the Constitution into части


@dataclass(frozen=True)
class Cite:
    parameter: str
    law: str
    article: str
    part: str | None = None


CITES: dict[str, Cite] = {
    "constitution": Cite("acs.grounds", "Constitution", "59", "3"),
    "grounds": Cite("acs.grounds", "113-FZ", "2"),
    "who": Cite("acs.age_min", "113-FZ", "3", "1"),
    "conflict": Cite("acs.conflict_rule", "113-FZ", "3", "2"),
    "term": Cite("acs.term_months", "113-FZ", "5"),
    "application": Cite("acs.deadline_autumn", "113-FZ", "11"),
    "filing": Cite("acs.deadline_autumn", "113-FZ", "11", "1"),
    "late": Cite("acs.late_application", "113-FZ", "11", "2"),
    "late_decision": Cite("acs.late_application", "113-FZ", "12"),
    "decision": Cite("acs.decision_months", "113-FZ", "12", "3"),
}

_LAW_RE = re.compile(r"^\s*(\d+-FZ|Constitution)\b")
_ART_RE = re.compile(r"Art\.\s*(\d+)(?:\s*p\.\s*(\d+(?:\.\d+)?))?")


def parse_reference(reference: str) -> set[tuple[str, str, str | None]]:
    """(law, article, part) triples named by a parameter reference, e.g. '113-FZ Art. 11 p.2, Art. 12'.
    Parenthesised comments are ignored; a part-less article is recorded with part None."""
    text = re.sub(r"\([^()]*\)", "", reference)
    out: set[tuple[str, str, str | None]] = set()
    for piece in text.split(";"):
        law = _LAW_RE.match(piece)
        if not law:
            continue
        head = piece.split(" as amended")[0]
        for art, part in _ART_RE.findall(head):
            out.add((law.group(1), art, part or None))
            out.add((law.group(1), art, None))
    return out


def defined_articles(law=None) -> set[tuple[str, str, str | None]]:
    """Every (law, article, part) the parameter files define, over all dates."""
    law = law or ru.law()
    out: set[tuple[str, str, str | None]] = set()
    for path in law:
        for entry in law[path].values:
            out |= parse_reference(entry.reference)
    return out


class CitationError(LookupError):
    pass


def entry(key: str, on: dt.date, law=None):
    c = CITES[key]
    law = law or ru.law()
    e = law.entry_at(c.parameter, on) or law[c.parameter].values[0]
    if (c.law, c.article, c.part) not in parse_reference(e.reference):
        raise CitationError(f"{key}: {c.parameter} on {on} does not cite {c.law} Art. {c.article} p.{c.part}")
    return e


def cite(key: str, on: dt.date, full: bool = False, law=None) -> str:
    """The Russian citation, e.g. 'п. 1 ст. 11 Федерального закона № 113-ФЗ'."""
    c = CITES[key]
    entry(key, on, law)
    part = f"{PART_WORD.get(c.law, 'п.')} {c.part} " if c.part else ""
    return f"{part}ст. {c.article} {(LAW_NAMES if full else SHORT_NAMES)[c.law]}"


def status(key: str, on: dt.date, law=None) -> tuple[str, str | None]:
    """The status (P, S, UNCONFIRMED) of the cited rule and what of it is unconfirmed."""
    e = entry(key, on, law)
    return e.status, e.unconfirmed
