"""Penalties for breaches of call-up duties, as in force on a date (KoAP ch. 21, UK Art. 328).

KoAP 21.5 p.1: failure to appear on a summons without good reason (500-3,000 RUB or a warning until
2023-09-30; 10,000-30,000 from 2023-10-01, 404-FZ). UK Art. 328 p.1: "Уклонение от призыва на
военную службу при отсутствии законных оснований для освобождения от этой службы" - a fine up to
200,000 RUB or up to 18 months' income, forced labour up to 2 years, arrest up to 6 months, or
imprisonment up to 2 years. The amounts are parameters; this module only says which apply.
"""

from __future__ import annotations

import datetime as dt

PENALTIES: dict[str, dict] = {
    "koap.21.5.1": {
        "parameter": "penalties.koap_21_5_1",
        "en": "Failure to appear at the military commissariat on a summons without good reason.",
        "ru": "Неявка без уважительной причины по повестке военного комиссариата.",
    },
    "koap.21.5.notify": {
        "parameter": "penalties.koap_21_5_notify",
        "en": "Not reporting, within two weeks, a change of family status, education, work, post or address.",
        "ru": (
            "Несообщение в двухнедельный срок об изменении семейного положения, образования, "
            "места работы, должности или места жительства."
        ),
    },
    "koap.21.5.departure": {
        "parameter": "penalties.koap_21_5_departure",
        "en": "Leaving the place of residence or stay for more than 3 months without telling the commissariat.",
        "ru": "Выезд с места жительства или пребывания на срок более 3 месяцев без уведомления военного комиссариата.",
    },
    "koap.21.5.abroad": {
        "parameter": "penalties.koap_21_5_abroad",
        "en": "Not reporting a departure from the Russian Federation for more than 6 months.",
        "ru": "Несообщение о выезде из Российской Федерации на срок более 6 месяцев.",
    },
    "koap.21.6": {
        "parameter": "penalties.koap_21_6",
        "en": "Evading a medical examination or treatment ordered by the call-up commission.",
        "ru": "Уклонение от медицинского освидетельствования или обследования (лечения).",
    },
    "uk.328.1": {
        "parameter": "penalties.uk_328_1",
        "en": "Evading call-up without lawful grounds for exemption (a crime).",
        "ru": (
            "Уклонение от призыва на военную службу при отсутствии законных оснований для освобождения (преступление)."
        ),
    },
    "uk.328.2": {
        "parameter": "penalties.uk_328_2",
        "en": "Evading alternative civilian service (a crime).",
        "ru": "Уклонение от прохождения альтернативной гражданской службы (преступление).",
    },
}


def penalties_at(law, on: dt.date, codes: list[str], lang: str = "en") -> list[dict]:
    """The penalties ``codes`` as in force on ``on``; codes not yet in force are left out."""
    out = []
    for code in codes:
        spec = PENALTIES[code]
        entry = law.entry_at(spec["parameter"], on)
        if entry is None or entry.value is None:
            continue
        v = dict(entry.value)
        item = {
            "code": code,
            "text": spec[lang],
            "citation": entry.reference,
            "status": entry.status,
            "fine_min": v.pop("min", None),
            "fine_max": v.pop("max", v.get("fine_rub_max")),
        }
        if entry.unconfirmed:
            item["unconfirmed"] = entry.unconfirmed
        item.update(v)
        out.append(item)
    return out
