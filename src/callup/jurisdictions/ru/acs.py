"""Alternative civilian service (113-FZ): who may be sent, and the filing deadlines.

Art. 2: a citizen has the right to replace military service with ACS when "несение военной службы
противоречит его убеждениям или вероисповеданию", or when he belongs to a small-numbered indigenous
people, leads a traditional way of life and carries on traditional crafts. Art. 3 p.2: ACS is not for
those who have grounds for exemption from call-up, for a deferral, or are not subject to call-up.
Art. 11 p.1: the application is filed "до 1 апреля" for the October-December call-up and "до 1
октября" for the April-July call-up of the next year (from 2026 worded by dispatch periods, 412-FZ).
Art. 12 p.3: the commission decides within one month of the end of that deadline, extendable by one.
"""

from __future__ import annotations

import numpy as np

from callup.jurisdictions.ru.calendar import Campaign
from callup.jurisdictions.ru.columns import Population
from callup.jurisdictions.ru.rules import feb29_convention
from callup.law.dates import add_months, age_threshold_key, from_day, to_day
from callup.law.reasons import LIABLE


def has_acs_ground(pop: Population) -> np.ndarray:
    """113-FZ Art. 2: beliefs or religion, or an indigenous traditional way of life."""
    return pop.beliefs | pop.indigenous


def acs_in_age(law, pop: Population, on: np.ndarray) -> np.ndarray:
    """113-FZ Art. 3 p.1: men aged 18 to 27 (30 from 2024-01-01), not in the reserve."""
    feb29 = feb29_convention(law)
    age_min = law.values_at("acs.age_min", on)
    age_max = law.values_at("acs.age_max", on)
    return (
        (pop.birth_key <= age_threshold_key(on, age_min, feb29))
        & (pop.birth_key > age_threshold_key(on, age_max, feb29))
        & ~pop.reserve
    )


def may_be_sent(law, pop: Population, on: np.ndarray, status: np.ndarray) -> np.ndarray:
    """113-FZ Art. 3: he has an ACS ground, is of ACS age, and - under the conflict rule - has no
    ground for exemption, deferral or "not subject" (``status`` is the rules' status on ``on``)."""
    conflict_rule = law.values_at("acs.conflict_rule", on, dtype=np.bool_, fill=True)
    free = (status == LIABLE) | (~conflict_rule & (status != 4))
    return has_acs_ground(pop) & acs_in_age(law, pop, on) & free


def filing_deadline(law, campaign: Campaign) -> int:
    """The first day on which it is too late to apply for ``campaign`` (apply *before* it)."""
    if campaign.season == "autumn":
        mmdd = law.value_at("acs.deadline_autumn", campaign.start)
        return to_day(f"{campaign.year:04d}-{mmdd}")
    mmdd = law.value_at("acs.deadline_spring", campaign.start)
    return to_day(f"{campaign.year - 1:04d}-{mmdd}")


def decision_due(law, campaign: Campaign) -> tuple[int, int]:
    """113-FZ Art. 12 p.3: the decision is due within one month "со дня окончания срока подачи
    заявлений", at the latest two months when the chair extends the term. The filing period ends on the
    last day before the deadline (31 March / 30 September); a month from then ends on the
    corresponding day, or the last day of a shorter month (Civil Code Art. 192 p.3): 30 April, 31 May."""
    last_filing_day = np.int32(filing_deadline(law, campaign) - 1)
    months = int(law.value_at("acs.decision_months", from_day(int(last_filing_day))))
    extra = int(law.value_at("acs.decision_extension_months", from_day(int(last_filing_day))))
    due = int(add_months(last_filing_day, months))
    return due, int(add_months(last_filing_day, months + extra))
