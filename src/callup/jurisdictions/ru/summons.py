"""A summons and its consequences (53-FZ Art. 31 and 7.1, as amended by 127-FZ and 437-FZ of 2023).

Before 2023-04-14 a summons was handed over in person against signature (Art. 31 p.2, old text).
From 2023-04-14 it is also delivered by registered mail, through the personal account, or it is
"deemed delivered" 7 days after being placed in the Register of summons (operational from
2024-11-01). From placement he may not leave the country (Art. 7.1 p.1, 437-FZ); 20 days after the
appearance date, without good reason, further restrictions apply (driving, credit, property, ...).
"""

from __future__ import annotations

import datetime as dt


def consequences(law, summons, on: dt.date) -> dict:
    """Delivery date, exit ban, restrictions and warnings for one summons, as the law stood.

    ``summons`` has the fields of :class:`callup.person.situation.Summons`. Warnings are returned as
    (message key, values) pairs for the caller to word in the user's language.
    """
    placed = summons.placed_in_register
    basis = placed or summons.delivered or on
    regime = law.entry_at("summons.regime", basis)
    out: dict = {"regime": regime.value, "regime_citation": regime.reference, "warnings": []}

    deemed = summons.delivered
    if placed is not None:
        days = law.entry_at("summons.deemed_delivered_days", placed)
        if days is not None and days.value is not None:
            by_register = placed + dt.timedelta(days=int(days.value))
            deemed = min(deemed, by_register) if deemed else by_register
            out["deemed_delivered_citation"] = days.reference
            operational = law.entry_at("summons.registers_operational", placed)
            if operational is not None and not operational.value:
                out["warnings"].append(("register_not_operational", {"citation": operational.reference}))
    out["delivered"] = deemed.isoformat() if deemed else None

    trigger = law.entry_at("summons.exit_ban_trigger", basis)
    ban_from = None
    if trigger is not None:
        if trigger.value == "placed_in_register":
            ban_from = placed or summons.delivered
        elif trigger.value == "deemed_delivered":
            ban_from = deemed
        out["exit_ban_citation"] = trigger.reference
    out["exit_ban_from"] = ban_from.isoformat() if ban_from and not summons.appeared else None

    appear = summons.appearance_date
    if appear is not None:
        after = law.entry_at("summons.restrictions_after_days", appear)
        if after is not None and after.value is not None and not summons.appeared:
            # the 20 calendar days run from the day after the stated date (Civil Code Art. 191), so the
            # measures start on the 21st day
            start = appear + dt.timedelta(days=int(after.value) + 1)
            out["restrictions_from"] = start.isoformat()
            out["restrictions"] = list(law.value_at("summons.restrictions", appear) or [])
            out["restrictions_citation"] = after.reference
            out["restrictions_apply_now"] = on >= start
        lead = law.entry_at("summons.max_days_to_appearance", placed) if placed else None
        if lead is not None and lead.value is not None and (appear - placed).days > int(lead.value):
            out["warnings"].append(("summons_lead_too_long", {"days": lead.value, "citation": lead.reference}))
        out["missed"] = (on > appear) and not summons.appeared
    return out
