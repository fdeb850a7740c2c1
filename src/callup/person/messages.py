"""Warnings of a check, in English and Russian. Each message has a key; ``say`` fills it in."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "basis_unconfirmed": {
        "en": "{code}: its legal basis is UNCONFIRMED; check the current text of the law.",
        "ru": "{code}: правовое основание НЕ ПОДТВЕРЖДЕНО; проверьте действующий текст закона.",
    },
    "basis_part_unconfirmed": {
        "en": "{code}: part of its legal basis is UNCONFIRMED (see 'unconfirmed' in the reason).",
        "ru": "{code}: часть правового основания НЕ ПОДТВЕРЖДЕНА (см. поле 'unconfirmed').",
    },
    "acs_late": {
        "en": "The ACS filing deadline for {campaign} has passed ({deadline}). A late application must ask the "
        "commission to accept it and state why it is late; the rule for late applicants (113-FZ Art. 11 p.2) "
        "is {status} here.",
        "ru": "Срок подачи заявления на АГС для кампании {campaign} истёк ({deadline}). Заявление, поданное с "
        "опозданием, должно содержать просьбу принять его и причины пропуска срока; правило для опоздавших "
        "(п. 2 ст. 11 113-ФЗ) здесь имеет статус {status}.",
    },
    "age_boundary": {
        "en": "He leaves the call-up age on {date}, within a month of this date; the exact boundary day "
        "({rule}) is {status}.",
        "ru": "Он выходит из призывного возраста {date}, в пределах месяца от этой даты; точный день границы "
        "({rule}) имеет статус {status}.",
    },
    "feb29": {
        "en": "Born on 29 February: in common years his birthday is taken as {mmdd} ({status}).",
        "ru": "Родился 29 февраля: в невисокосные годы днём рождения считается {mmdd} ({status}).",
    },
    "health_date_missing": {
        "en": "health_category_date not given: the examination is assumed to be on the check date.",
        "ru": "Не указана дата освидетельствования: принята дата проверки.",
    },
    "health_g_expired": {
        "en": "The 12 months of the category Г deferral have passed: a new examination is due.",
        "ru": "12 месяцев отсрочки по категории «Г» истекли: предстоит повторное освидетельствование.",
    },
    "waiver_too_early": {
        "en": "Waiver of {code} is not possible before the waiver rule (53-FZ Art. 22 p.2.1) took effect; ignored.",
        "ru": "Отказ от {code} невозможен до вступления в силу п. 2.1 ст. 22 53-ФЗ; не учтён.",
    },
    "waiver_not_waivable": {
        "en": "{code} is not a waivable right (only 53-FZ Art. 23 p.2 and Art. 24 p.2); ignored.",
        "ru": "От {code} нельзя отказаться (только п. 2 ст. 23 и п. 2 ст. 24 53-ФЗ); не учтён.",
    },
    "master_start_missing": {
        "en": "study.start not given: the master's deferral needs enrolment in the year of the bachelor diploma, "
        "which cannot be checked without it.",
        "ru": "Не указана дата поступления: отсрочка для магистрантов требует поступления в год получения "
        "диплома бакалавра, без даты это проверить нельзя.",
    },
    "it_listing": {
        "en": "The IT deferral also needs the employer to submit him in its list on time; that is assumed.",
        "ru": "Для IT-отсрочки работодатель должен своевременно включить его в список; это предполагается.",
    },
    "abroad_revives": {
        "en": "Liability revives on return to live in Russia.",
        "ru": "При возвращении на постоянное жительство в Россию обязанность восстанавливается.",
    },
    "family_unchanged": {
        "en": "The timeline assumes the family circumstances stay as stated (no new children).",
        "ru": "Прогноз по кампаниям исходит из неизменных семейных обстоятельств (без новых детей).",
    },
    "register_not_operational": {
        "en": "The Register of summons was not yet operational on the placement date ({citation}); "
        "the 7-day rule could not work then.",
        "ru": "Реестр повесток ещё не работал в день размещения ({citation}); правило 7 дней тогда не действовало.",
    },
    "summons_lead_too_long": {
        "en": "The appearance date is more than {days} days after the summons was placed in the register "
        "({citation}); the summons may be defective.",
        "ru": "Дата явки наступает позже чем через {days} дней после размещения повестки в реестре ({citation}); "
        "повестка может быть оформлена с нарушением.",
    },
}


def say(lang: str, key: str, **values) -> str:
    return MESSAGES[key][lang].format(**values)
