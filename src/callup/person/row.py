"""A situation becomes a one-row population: the same columns the simulation holds for millions."""

from __future__ import annotations

import numpy as np

from callup.jurisdictions.ru.columns import CRIMINAL, SERVED, STUDY_LEVELS, empty, health_code, level_code
from callup.law.dates import ALWAYS, date_key, to_day
from callup.law.reasons import Vocabulary
from callup.person.situation import Person


def person_row(person: Person, on: int, vocab: Vocabulary):
    """The columns of one man described by ``person``, as known on day ``on``."""
    pop = empty(1, n_children=max(len(person.children), 1))
    birth = np.array([to_day(person.birth_date)], dtype=np.int32)
    pop.birth = birth
    pop.birth_key = date_key(birth)
    pop.male[0] = person.sex == "male"
    pop.citizen[0] = person.citizenship.lower() in ("ru", "rus", "russia")
    pop.registered[0] = person.registered
    pop.abroad[0] = person.lives_abroad_permanently
    pop.reserve[0] = person.in_reserve
    if person.health_category:
        pop.health[0] = health_code(person.health_category)
        pop.health_date[0] = to_day(person.health_category_date) if person.health_category_date else on
    if person.study:
        s = person.study
        pop.study_level[0] = level_code(s.level)
        pop.study_full_time[0] = s.full_time
        pop.study_accredited[0] = s.accredited
        pop.study_start[0] = to_day(s.start) if s.start else ALWAYS
        pop.study_end[0] = to_day(s.end) if s.end else to_day(None)
    for d in person.diplomas:
        i = STUDY_LEVELS.index(d.level)
        pop.diploma[i, 0] = min(int(pop.diploma[i, 0]), to_day(d.date))
    used = 0
    for level in person.study_deferrals_used:
        used |= 1 << (level_code(level) - 1)
    pop.deferrals_used[0] = used
    for k, child in enumerate(person.children):
        pop.child_birth_key[k, 0] = date_key(np.int32(to_day(child.birth_date)))
        pop.child_disabled[k, 0] = child.disabled
    if person.wife_pregnancy_weeks is not None:
        pop.pregnancy_start[0] = on - 7 * person.wife_pregnancy_weeks
    pop.single_father[0] = person.single_father
    pop.cares_for_relative[0] = person.cares_for_relative
    pop.guardian[0] = person.guardian_of_minor_sibling
    pop.degree[0] = person.academic_degree is not None
    pop.relative_died[0] = person.relative_died_in_service
    pop.served[0] = SERVED.index(person.served)
    pop.criminal[0] = CRIMINAL.index(person.criminal)
    if person.it_worker:
        it = person.it_worker
        pop.it_accredited[0] = it.accredited_employer
        pop.it_full_time[0] = it.full_time
        pop.it_listed[0] = it.listed_specialty
        if it.contract_start:
            pop.it_contract_start[0] = to_day(it.contract_start)
        elif it.tenure_days is not None:
            pop.it_contract_start[0] = on - it.tenure_days
        if it.graduated:
            pop.it_graduated[0] = to_day(it.graduated)
    pop.public_service[0] = person.public_service_deferral
    pop.elected[0] = person.elected_official
    pop.beliefs[0] = person.beliefs_conflict
    pop.indigenous[0] = person.indigenous_traditional
    if person.acs_application_date:
        pop.acs_applied[0] = to_day(person.acs_application_date)
    pop.waived[0] = vocab.mask_of(c for c in person.waived if c in vocab)
    return pop
