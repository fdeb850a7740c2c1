"""The situation a person describes: what the check needs to know, and nothing more.

Every field is optional except ``person.birth_date``; defaults describe the ordinary case (a male
Russian citizen, on the military register, living in Russia, with no grounds). Unknown fields are
rejected, so a typo never silently drops a ground. Nothing here is stored or logged.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

_CYRILLIC = {"А": "A", "Б": "B", "В": "V", "Г": "G", "Д": "D", "а": "A", "б": "B", "в": "V", "г": "G", "д": "D"}


def _health(value):
    if isinstance(value, str):
        v = value.strip()
        return _CYRILLIC.get(v, v.upper())
    return value


HealthCategory = Annotated[Literal["A", "B", "V", "G", "D"] | None, BeforeValidator(_health)]
StudyLevel = Literal["school", "spo", "bachelor", "specialist", "master", "postgraduate", "preparatory"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Study(Strict):
    """Current studies (53-FZ Art. 24 p.2)."""

    level: StudyLevel
    full_time: bool = True
    accredited: bool = True
    start: dt.date | None = Field(None, description="Enrolment date; defaults to 'already studying'.")
    end: dt.date | None = Field(None, description="End of the standard term of the programme.")


class Diploma(Strict):
    level: StudyLevel
    date: dt.date


class Child(Strict):
    birth_date: dt.date
    disabled: bool = False


class ItWorker(Strict):
    """IT employment (Указ 83, ПП 490)."""

    accredited_employer: bool = False
    full_time: bool = False
    listed_specialty: bool = False
    tenure_days: int | None = Field(None, ge=0, description="Days worked for this employer by the check date.")
    contract_start: dt.date | None = None
    graduated: dt.date | None = Field(None, description="Date of the higher-education diploma.")


class Summons(Strict):
    """A summons he received (53-FZ Art. 31, 7.1)."""

    method: Literal["in_person", "mail", "electronic", "register", "work_or_school"] = "in_person"
    placed_in_register: dt.date | None = None
    delivered: dt.date | None = None
    appearance_date: dt.date | None = None
    appeared: bool = False


class Person(Strict):
    birth_date: dt.date
    sex: Literal["male", "female"] = "male"
    citizenship: str = Field("ru", description='"ru" for Russian citizens, any other code otherwise.')
    registered: bool = True
    lives_abroad_permanently: bool = False
    in_reserve: bool = False
    health_category: HealthCategory = None
    health_category_date: dt.date | None = None
    study: Study | None = None
    diplomas: list[Diploma] = Field(default_factory=list)
    study_deferrals_used: list[StudyLevel] = Field(
        default_factory=list, description="Levels whose study deferral was used for EARLIER studies."
    )
    children: list[Child] = Field(default_factory=list)
    wife_pregnancy_weeks: int | None = Field(None, ge=0, le=45)
    single_father: bool = False
    cares_for_relative: bool = False
    guardian_of_minor_sibling: bool = False
    academic_degree: Literal["candidate", "doctor"] | None = None
    relative_died_in_service: bool = False
    served: Literal["none", "conscript", "contract", "acs", "foreign_treaty"] = "none"
    criminal: Literal["none", "serving_sentence", "conviction", "under_investigation"] = "none"
    it_worker: ItWorker | None = None
    public_service_deferral: bool = False
    elected_official: bool = False
    beliefs_conflict: bool = False
    indigenous_traditional: bool = False
    acs_application_date: dt.date | None = None
    waived: list[str] = Field(default_factory=list, description="Reason codes of rights he has waived.")
    summons: Summons | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Person:
        if self.study and self.study.start and self.study.end and self.study.end < self.study.start:
            raise ValueError("study.end: must not be before study.start")
        return self


class Situation(Strict):
    """What is checked: a person, on a date, in a jurisdiction."""

    date: dt.date | None = Field(None, description="Date of the check; --date overrides; default today.")
    jurisdiction: Literal["ru"] = "ru"
    person: Person
