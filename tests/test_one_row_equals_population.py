"""One encoding of the law: a person's one-row result equals his row in a population result."""

from __future__ import annotations

import datetime as dt

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from callup.jurisdictions import ru
from callup.jurisdictions.ru.columns import concat
from callup.jurisdictions.ru.rules import evaluate
from callup.law.dates import to_day
from callup.person.row import person_row
from callup.person.situation import Person

LEVELS = ["school", "spo", "bachelor", "specialist", "master", "postgraduate", "preparatory"]
dates = st.dates(dt.date(1985, 1, 1), dt.date(2026, 6, 30))


@st.composite
def persons(draw) -> Person:
    birth = draw(st.dates(dt.date(1988, 1, 1), dt.date(2010, 12, 31)))
    data: dict = {"birth_date": birth}
    if draw(st.booleans()):
        start = draw(dates)
        data["study"] = {
            "level": draw(st.sampled_from(LEVELS)),
            "start": start,
            "end": start + dt.timedelta(days=draw(st.integers(200, 2200))),
            "full_time": draw(st.booleans()),
            "accredited": draw(st.booleans()),
        }
    data["diplomas"] = [
        {"level": draw(st.sampled_from(LEVELS)), "date": draw(dates)} for _ in range(draw(st.integers(0, 2)))
    ]
    data["study_deferrals_used"] = draw(st.lists(st.sampled_from(LEVELS), max_size=2))
    data["children"] = [
        {"birth_date": draw(dates), "disabled": draw(st.booleans())} for _ in range(draw(st.integers(0, 3)))
    ]
    if draw(st.booleans()):
        data["health_category"] = draw(st.sampled_from(["A", "B", "V", "G", "D"]))
        data["health_category_date"] = draw(dates)
    for flag in (
        "single_father",
        "cares_for_relative",
        "guardian_of_minor_sibling",
        "lives_abroad_permanently",
        "in_reserve",
        "relative_died_in_service",
        "public_service_deferral",
        "elected_official",
        "beliefs_conflict",
    ):
        data[flag] = draw(st.booleans())
    data["served"] = draw(st.sampled_from(["none", "none", "conscript", "acs", "foreign_treaty"]))
    data["criminal"] = draw(st.sampled_from(["none", "none", "serving_sentence", "conviction"]))
    data["sex"] = draw(st.sampled_from(["male", "male", "male", "female"]))
    if draw(st.booleans()):
        data["wife_pregnancy_weeks"] = draw(st.integers(0, 40))
    if draw(st.booleans()):
        data["it_worker"] = {
            "accredited_employer": True,
            "full_time": True,
            "listed_specialty": True,
            "tenure_days": draw(st.integers(0, 1000)),
            "graduated": draw(dates),
        }
    if draw(st.booleans()):
        data["waived"] = draw(st.lists(st.sampled_from(["deferral.study.bachelor", "exempt.degree"]), max_size=2))
        data["academic_degree"] = "candidate"
    return Person.model_validate(data)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(people=st.lists(persons(), min_size=1, max_size=12), on=st.dates(dt.date(2019, 1, 1), dt.date(2026, 6, 30)))
def test_the_one_row_result_equals_that_row_of_the_population_result(people, on):
    law, vocab = ru.law(), ru.vocabulary()
    day = to_day(on)
    rows = [person_row(p, day, vocab) for p in people]
    whole = evaluate(law, concat(rows), np.array([day], dtype=np.int32))
    for i, row in enumerate(rows):
        one = evaluate(law, row, np.array([day], dtype=np.int32))
        assert one.status[0] == whole.status[i]
        assert one.reasons[0] == whole.reasons[i]


@settings(max_examples=40, deadline=None)
@given(person=persons(), on=st.lists(st.dates(dt.date(2019, 1, 1), dt.date(2026, 6, 30)), min_size=1, max_size=8))
def test_a_date_per_row_equals_one_date_at_a_time(person, on):
    """The timeline evaluates one man at many dates in one call; it must agree with date-by-date."""
    law, vocab = ru.law(), ru.vocabulary()
    first = to_day(on[0])
    row = person_row(person, first, vocab)
    days = np.array([to_day(d) for d in on], dtype=np.int32)
    many = evaluate(law, row.take(np.zeros(len(on), dtype=np.intp)), days)
    for i, d in enumerate(days):
        one = evaluate(law, row, np.array([d], dtype=np.int32))
        assert one.status[0] == many.status[i]
        assert one.reasons[0] == many.reasons[i]
