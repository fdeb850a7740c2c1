"""The applicant's identity and contact details, kept OUT of the situation schema.

They come from an optional ``applicant:`` block of the same YAML/JSON file as the situation; it is
removed before the situation is parsed, so ``callup check`` never sees it. Nothing is stored or logged.

    applicant:
      full_name: Иванов Иван Иванович
      birth_place: г. Новосибирск            # optional
      address: 630000, г. Новосибирск, ул. Ленина, д. 1, кв. 1
      phone: +7 900 000-00-00                # phone or email: at least one
      email: ivanov@example.org
      passport: 50 20 123456, выдан ... 01.02.2021   # optional, recommended
      commissariat: военный комиссариат Центрального района г. Новосибирска
      ground: beliefs      # beliefs | religion | beliefs_and_religion | indigenous (default: from the situation)
      indigenous_people: ханты                # required for the indigenous ground
      works_at: ООО «Пример», продавец         # optional
      studies_at: НГУ, 2 курс, заочно          # optional (also implied by person.study)
      attachments:
        reference: true                        # characterisation from work/study is attached
        other: [копия диплома]
      witnesses:                               # optional: persons who agree to confirm his reasons
        - {full_name: Петров Пётр Петрович, contact: "+7 900 111-11-11", relation: школьный учитель}
      delay_reasons: ...                       # only for a late application, in his own words
"""

from __future__ import annotations

import contextlib
import json
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from callup.person.load import _NoDatesLoader, describe, parse_situation

from .errors import InputError


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Witness(_Strict):
    full_name: str
    contact: str | None = Field(None, description="Address or phone where the commission can reach him or her.")
    relation: str | None = Field(None, description="Who the person is to the applicant.")


class Attachments(_Strict):
    reference: bool = Field(False, description="A characterisation (характеристика) from work or study is attached.")
    other: list[str] = Field(default_factory=list)


class Applicant(_Strict):
    full_name: str | None = None
    birth_place: str | None = None
    address: str | None = None
    phone: str | None = None
    email: str | None = None
    passport: str | None = None
    commissariat: str | None = None
    ground: Literal["beliefs", "religion", "beliefs_and_religion", "indigenous"] | None = None
    indigenous_people: str | None = None
    works_at: str | None = None
    studies_at: str | None = None
    attachments: Attachments = Field(default_factory=Attachments)
    witnesses: list[Witness] = Field(default_factory=list)
    delay_reasons: str | None = None


def split_input(text: str, source: str = "SITUATION"):
    """(Situation, Applicant) from one file: the ``applicant`` block is removed before the situation
    is parsed by the check's own parser (same clear errors)."""
    from callup.person.check import SituationError

    stripped = text.lstrip()
    try:
        data = json.loads(text) if stripped.startswith("{") else yaml.load(text, Loader=_NoDatesLoader)
    except (json.JSONDecodeError, yaml.YAMLError):
        data = None  # let parse_situation report the syntax error with its position
    raw = data.pop("applicant", None) if isinstance(data, dict) else None
    if isinstance(data, dict):
        with contextlib.suppress(TypeError, ValueError):  # not representable as JSON: parse the text as given
            text = json.dumps(data, ensure_ascii=False)

    try:
        situation = parse_situation(text, source=source)
    except SituationError as exc:
        raise InputError(exc.field, exc.message) from None
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise InputError("applicant", "expected an object with fields (full_name, address, commissariat, ...)")
    try:
        applicant = Applicant.model_validate(raw)
    except ValidationError as exc:
        raise InputError("applicant." + describe(exc).split(": ", 1)[0], describe(exc).split(": ", 1)[1]) from None
    return situation, applicant
