"""The check form: its fields, their Russian and English labels, and the form -> situation mapping."""

from __future__ import annotations

import re
from typing import Any

from markupsafe import Markup, escape


class FormError(ValueError):
    pass


# (name, kind, options) - kind: date, bool, bool_default_true, select, multi, int, text; labels in TEXT
LEVELS = ("school", "spo", "bachelor", "specialist", "master", "postgraduate", "preparatory")


def _waivable() -> tuple[str, ...]:
    """The reason codes a person may waive, as the law stands today."""
    import datetime as dt

    from callup.jurisdictions import ru

    return tuple(ru.law().value_at("waiver.waivable", dt.date.today()))


WAIVABLE = _waivable()
N_DIPLOMAS = 2
N_CHILDREN = 3

FIELDS: list[tuple[str, str, tuple[str, ...]]] = [
    ("date", "date", ()),
    ("birth_date", "date", ()),
    ("sex", "select", ("male", "female")),
    ("citizenship", "text", ()),
    ("registered", "bool_default_true", ()),
    ("lives_abroad_permanently", "bool", ()),
    ("in_reserve", "bool", ()),
    ("health_category", "select", ("", "A", "B", "V", "G", "D")),
    ("health_category_date", "date", ()),
    ("study_level", "select", ("", *LEVELS)),
    ("study_full_time", "bool_default_true", ()),
    ("study_accredited", "bool_default_true", ()),
    ("study_start", "date", ()),
    ("study_end", "date", ()),
    *[f for i in range(1, N_DIPLOMAS + 1)
      for f in ((f"diploma{i}_level", "select", ("", *LEVELS)), (f"diploma{i}_date", "date", ()))],
    ("study_deferrals_used", "multi", LEVELS),
    ("academic_degree", "select", ("", "candidate", "doctor")),
    *[f for i in range(1, N_CHILDREN + 1)
      for f in ((f"child{i}", "date", ()), (f"child{i}_disabled", "bool", ()))],
    ("wife_pregnancy_weeks", "int", ()),
    ("single_father", "bool", ()),
    ("cares_for_relative", "bool", ()),
    ("guardian_of_minor_sibling", "bool", ()),
    ("relative_died_in_service", "bool", ()),
    ("served", "select", ("none", "conscript", "contract", "acs", "foreign_treaty")),
    ("criminal", "select", ("none", "serving_sentence", "conviction", "under_investigation")),
    ("public_service_deferral", "bool", ()),
    ("elected_official", "bool", ()),
    ("it_worker", "bool", ()),
    ("it_accredited_employer", "bool", ()),
    ("it_full_time", "bool", ()),
    ("it_listed_specialty", "bool", ()),
    ("it_tenure_days", "int", ()),
    ("it_contract_start", "date", ()),
    ("it_graduated", "date", ()),
    ("beliefs_conflict", "bool", ()),
    ("indigenous_traditional", "bool", ()),
    ("acs_application_date", "date", ()),
    ("waived", "multi", WAIVABLE),
    ("summons_method", "select", ("", "in_person", "mail", "electronic", "register", "work_or_school")),
    ("summons_placed_in_register", "date", ()),
    ("summons_delivered", "date", ()),
    ("summons_appearance_date", "date", ()),
    ("summons_appeared", "bool", ()),
]
MULTI = tuple(name for name, kind, _ in FIELDS if kind == "multi")

PERSON_BOOLS = ("registered", "lives_abroad_permanently", "in_reserve", "single_father", "cares_for_relative",
                "beliefs_conflict", "guardian_of_minor_sibling", "relative_died_in_service",
                "public_service_deferral", "elected_official", "indigenous_traditional")


def _on(values: dict[str, str], name: str) -> bool:
    return values.get(name) in ("on", "true", "1", "yes")


def _many(values: dict[str, str], name: str) -> list[str]:
    """A multi-select's values: the app joins the repeated form keys with newlines."""
    return [x.strip() for x in values.get(name, "").splitlines() if x.strip()]


def situation_of(values: dict[str, str]) -> dict[str, Any]:
    """The situation dict of the submitted form (empty fields left out; the schema validates it)."""
    v = {k: s.strip() for k, s in values.items()}
    person: dict[str, Any] = {"birth_date": v["birth_date"]} if v.get("birth_date") else {}
    for name in ("sex", "citizenship", "health_category", "health_category_date", "served", "criminal",
                 "academic_degree", "acs_application_date"):
        if v.get(name):
            person[name] = v[name]
    for name in PERSON_BOOLS:
        person[name] = _on(v, name)
    if v.get("wife_pregnancy_weeks"):
        person["wife_pregnancy_weeks"] = v["wife_pregnancy_weeks"]
    if v.get("study_level"):
        study: dict[str, Any] = {"level": v["study_level"], "full_time": _on(v, "study_full_time"),
                                 "accredited": _on(v, "study_accredited")}
        for part in ("start", "end"):
            if v.get(f"study_{part}"):
                study[part] = v[f"study_{part}"]
        person["study"] = study
    diplomas = [{"level": v.get(f"diploma{i}_level") or None, "date": v.get(f"diploma{i}_date") or None}
                for i in range(1, N_DIPLOMAS + 1) if v.get(f"diploma{i}_level") or v.get(f"diploma{i}_date")]
    if diplomas:
        person["diplomas"] = diplomas
    for name in MULTI:
        if _many(v, name):
            person[name] = _many(v, name)
    children = [{"birth_date": v[f"child{i}"], "disabled": _on(v, f"child{i}_disabled")}
                for i in range(1, N_CHILDREN + 1) if v.get(f"child{i}")]
    if children:
        person["children"] = children
    it_flags = ("accredited_employer", "full_time", "listed_specialty")
    it_dates = ("tenure_days", "contract_start", "graduated")
    if _on(v, "it_worker") or any(_on(v, f"it_{k}") for k in it_flags) or any(v.get(f"it_{k}") for k in it_dates):
        # the old single box meant all three conditions; the detailed boxes refine it
        detailed = any(_on(v, f"it_{k}") for k in it_flags)
        it: dict[str, Any] = {k: _on(v, f"it_{k}") if detailed else _on(v, "it_worker") for k in it_flags}
        for k in it_dates:
            if v.get(f"it_{k}"):
                it[k] = v[f"it_{k}"]
        person["it_worker"] = it
    if v.get("summons_method"):
        s: dict[str, Any] = {"method": v["summons_method"], "appeared": _on(v, "summons_appeared")}
        for k in ("placed_in_register", "delivered", "appearance_date"):
            if v.get(f"summons_{k}"):
                s[k] = v[f"summons_{k}"]
        person["summons"] = s
    out: dict[str, Any] = {"person": person}
    if v.get("date"):
        out["date"] = v["date"]
    return out


TEXT: dict[str, dict[str, Any]] = {
    "en": {
        "title": "Military service check", "explorer": "Scenario explorer", "check": "Check", "api": "API",
        "intro": "Where you stand under Russian military-service law on a date: status, reasons with articles, "
                 "deadlines, alternative civilian service (ACS) and penalties. Nothing you enter is stored, "
                 "logged or sent anywhere; the form is sent by POST and never appears in a URL.",
        "submit": "Check", "other_lang": "Русский", "other_lang_code": "ru",
        "labels": {
            "date": "Date of the check (empty: today)", "birth_date": "Date of birth (required)", "sex": "Sex",
            "registered": "On the military register", "lives_abroad_permanently": "Lives permanently abroad",
            "in_reserve": "Already in the reserve", "health_category": "Health category (A, B, V, G, D)",
            "health_category_date": "Date of the health category", "study_level": "Studying now: level",
            "study_full_time": "Full-time study", "study_accredited": "State-accredited programme",
            "study_end": "End of the standard study term", "diploma_level": "Diploma: level",
            "diploma_date": "Diploma: date", "child1": "Child 1: date of birth", "child2": "Child 2: date of birth",
            "citizenship": "Citizenship (country code; ru = Russia)", "study_start": "Enrolment date",
            "diploma1_level": "Diploma 1: level", "diploma1_date": "Diploma 1: date",
            "diploma2_level": "Diploma 2: level", "diploma2_date": "Diploma 2: date",
            "study_deferrals_used": "Study deferrals already used for earlier studies (levels)",
            "academic_degree": "Academic degree", "child1_disabled": "Child 1 is disabled",
            "child2_disabled": "Child 2 is disabled", "child3": "Child 3: date of birth",
            "child3_disabled": "Child 3 is disabled",
            "guardian_of_minor_sibling": "Guardian of a minor brother or sister",
            "relative_died_in_service": "A father or brother died in military service",
            "public_service_deferral": "Serves in a body with a service deferral (police, fire service, ...)",
            "elected_official": "Elected official (deputy, head of a municipality)",
            "it_accredited_employer": "IT: the employer is an accredited IT company",
            "it_full_time": "IT: works full time", "it_listed_specialty": "IT: specialty is on the list",
            "it_tenure_days": "IT: days worked for this employer", "it_contract_start": "IT: contract start",
            "it_graduated": "IT: date of the higher-education diploma",
            "indigenous_traditional": "Belongs to an indigenous small people and leads its traditional way of life",
            "acs_application_date": "ACS application filed on",
            "waived": "Rights he has waived (several allowed)",
            "summons_placed_in_register": "Summons: placed in the register on",
            "summons_delivered": "Summons: delivered on",
            "wife_pregnancy_weeks": "Wife's pregnancy (weeks)", "single_father": "Raises a child alone",
            "cares_for_relative": "Cares for a relative who needs constant care", "served": "Service already done",
            "criminal": "Criminal record", "beliefs_conflict": "Military service conflicts with his beliefs (ACS)",
            "it_worker": "Works full time in a listed IT specialty at an accredited IT company (all three)",
            "summons_method": "Summons received: how", "summons_appearance_date": "Summons: appearance date",
            "summons_appeared": "Appeared on the summons",
        },
        "sections": {"date": "Person", "health_category": "Health", "study_level": "Education",
                     "child1": "Family", "served": "Service, record and office", "it_worker": "IT work",
                     "beliefs_conflict": "Alternative civilian service and waivers", "summons_method": "Summons"},
        "status": "Status", "reasons": "Reasons", "article": "Article", "until": "Until", "since": "Since",
        "timeline": "Campaigns until he ages out", "campaign": "Campaign", "dates": "Dates",
        "acs": "Alternative civilian service (ACS)", "summons": "Summons", "may_apply": "May apply",
        "yes": "yes", "no": "no",
        "last_day": "Last day to file", "decision_due": "Decision due", "term": "Term (months)",
        "deadlines": "Deadlines", "penalties": "Penalties", "fine": "Fine (RUB)", "warnings": "Warnings",
        "none": "none", "again": "Another check", "age_out": "Ages out of call-up on",
        "note": "Law encoded up to {law}.",
        "scenario": "Scenario", "scale": "Scale (sample fraction, at most {max})", "seed": "Seed",
        "from": "First campaign", "to": "Last campaign", "report": "Also make the HTML report and charts",
        "run": "Run", "progress": "Progress", "running": "running", "download": "Download",
        "campaigns": "Campaigns", "years": "Years", "charts": "Charts", "failed": "The run failed",
        "refresh": "This page refreshes by itself every 2 seconds.",
        "pick": "Pick one scenario to run it, or 2 to 4 to compare them (the first ticked is the reference).",
        "differences": "Differences from {ref} per year (national units)",
        "first_diff": "Identical to {ref} before {c} (common random numbers).",
        "no_diff": "Identical to {ref} in every campaign.", "new_run": "Another run",
        "runs": "Runs of a comparison (seeds seed, seed+1, ...; at most {max}): mean and 90% interval",
        "runs_note": "Mean of {n} runs (seeds {first}-{last}); in brackets the 90% interval of the difference "
                     "across runs.",
        "recent": "Recent runs",
        "options": {"male": "male", "female": "female", "none": "none", "school": "school", "spo": "college (SPO)",
                    "in_person": "in person", "work_or_school": "at work or school",
                    "register": "register of summonses", "candidate": "candidate of sciences",
                    "doctor": "doctor of sciences", "foreign_treaty": "in another state (treaty)"},
        "statuses": {},
    },
    "ru": {
        "title": "Проверка по воинской обязанности", "explorer": "Сценарии", "check": "Проверка", "api": "API",
        "intro": "Ваше положение по закону о воинской обязанности на дату: статус, основания со статьями, "
                 "сроки, альтернативная гражданская служба (АГС) и ответственность. Введённые данные не "
                 "сохраняются, не записываются в журналы и никуда не отправляются; форма отправляется POST "
                 "и никогда не попадает в адрес страницы.",
        "submit": "Проверить", "other_lang": "English", "other_lang_code": "en",
        "labels": {
            "date": "Дата проверки (пусто: сегодня)", "birth_date": "Дата рождения (обязательно)", "sex": "Пол",
            "registered": "Состоит на воинском учёте", "lives_abroad_permanently": "Постоянно проживает за рубежом",
            "in_reserve": "Уже в запасе", "health_category": "Категория годности (А, Б, В, Г, Д)",
            "health_category_date": "Дата категории годности", "study_level": "Учится сейчас: уровень",
            "study_full_time": "Очная форма", "study_accredited": "Аккредитованная программа",
            "study_end": "Окончание нормативного срока обучения", "diploma_level": "Диплом: уровень",
            "diploma_date": "Диплом: дата", "child1": "Ребёнок 1: дата рождения",
            "child2": "Ребёнок 2: дата рождения", "wife_pregnancy_weeks": "Срок беременности жены (недель)",
            "citizenship": "Гражданство (код страны; ru = Россия)", "study_start": "Дата зачисления",
            "diploma1_level": "Диплом 1: уровень", "diploma1_date": "Диплом 1: дата",
            "diploma2_level": "Диплом 2: уровень", "diploma2_date": "Диплом 2: дата",
            "study_deferrals_used": "Отсрочки по учёбе, уже использованные раньше (уровни)",
            "academic_degree": "Учёная степень", "child1_disabled": "Ребёнок 1 — инвалид",
            "child2_disabled": "Ребёнок 2 — инвалид", "child3": "Ребёнок 3: дата рождения",
            "child3_disabled": "Ребёнок 3 — инвалид",
            "guardian_of_minor_sibling": "Опекун несовершеннолетнего брата или сестры",
            "relative_died_in_service": "Отец или брат погиб при прохождении военной службы",
            "public_service_deferral": "Служит в органе с правом на отсрочку (полиция, МЧС, ...)",
            "elected_official": "Выборное должностное лицо (депутат, глава муниципалитета)",
            "it_accredited_employer": "ИТ: работодатель — аккредитованная ИТ-компания",
            "it_full_time": "ИТ: работает полный день", "it_listed_specialty": "ИТ: специальность из перечня",
            "it_tenure_days": "ИТ: дней работы у этого работодателя", "it_contract_start": "ИТ: начало договора",
            "it_graduated": "ИТ: дата диплома о высшем образовании",
            "indigenous_traditional": "Относится к коренному малочисленному народу и ведёт традиционный образ жизни",
            "acs_application_date": "Заявление на АГС подано",
            "waived": "Права, от которых он отказался (можно несколько)",
            "summons_placed_in_register": "Повестка: размещена в реестре",
            "summons_delivered": "Повестка: вручена",
            "single_father": "Воспитывает ребёнка один", "cares_for_relative": "Ухаживает за родственником",
            "served": "Уже проходил службу", "criminal": "Судимость / уголовное дело",
            "beliefs_conflict": "Военная служба противоречит убеждениям (АГС)",
            "it_worker": "Работает в аккредитованной ИТ-компании по специальности из перечня",
            "summons_method": "Повестка: как получена", "summons_appearance_date": "Повестка: дата явки",
            "summons_appeared": "Явился по повестке",
        },
        "sections": {"date": "Человек", "health_category": "Здоровье", "study_level": "Образование",
                     "child1": "Семья", "served": "Служба, судимость, должность", "it_worker": "Работа в ИТ",
                     "beliefs_conflict": "АГС и отказ от прав", "summons_method": "Повестка"},
        "status": "Статус", "reasons": "Основания", "article": "Статья", "until": "До", "since": "С",
        "timeline": "Призывные кампании до предельного возраста", "campaign": "Кампания", "dates": "Даты",
        "acs": "Альтернативная гражданская служба (АГС)", "summons": "Повестка",
        "may_apply": "Может подать заявление", "yes": "да",
        "no": "нет", "last_day": "Последний день подачи", "decision_due": "Срок решения",
        "term": "Срок (месяцев)", "deadlines": "Сроки", "penalties": "Ответственность", "fine": "Штраф (руб.)",
        "warnings": "Предупреждения", "none": "нет", "again": "Новая проверка",
        "age_out": "Выходит из призывного возраста",
        "note": "Закон учтён по {law}.",
        "scenario": "Сценарий", "scale": "Масштаб (доля выборки, не более {max})", "seed": "Зерно",
        "from": "Первая кампания", "to": "Последняя кампания", "report": "Также сделать HTML-отчёт и графики",
        "run": "Запустить", "progress": "Ход расчёта", "running": "идёт расчёт", "download": "Скачать",
        "campaigns": "Кампании", "years": "Годы", "charts": "Графики", "failed": "Расчёт не удался",
        "refresh": "Страница обновляется сама каждые 2 секунды.",
        "pick": "Выберите один сценарий для расчёта или от 2 до 4 для сравнения (первый отмеченный — базовый).",
        "differences": "Отличия от {ref} по годам (в масштабе страны)",
        "first_diff": "Совпадает с {ref} до кампании {c} (общие случайные числа).",
        "no_diff": "Совпадает с {ref} во всех кампаниях.", "new_run": "Новый расчёт",
        "runs": "Прогонов при сравнении (зёрна seed, seed+1, ...; не более {max}): среднее и 90% интервал",
        "runs_note": "Среднее по {n} прогонам (зёрна {first}-{last}); в скобках 90% интервал разницы между "
                     "прогонами.",
        "recent": "Недавние расчёты",
        "options": {"male": "мужской", "female": "женский", "A": "А", "B": "Б", "V": "В", "G": "Г", "D": "Д",
                    "school": "школа", "spo": "СПО", "bachelor": "бакалавриат", "specialist": "специалитет",
                    "master": "магистратура", "postgraduate": "аспирантура", "preparatory": "подготовительное",
                    "none": "нет", "conscript": "по призыву", "contract": "по контракту", "acs": "АГС",
                    "foreign_treaty": "в другом государстве (договор)", "serving_sentence": "отбывает наказание",
                    "conviction": "неснятая судимость", "under_investigation": "под следствием или судом",
                    "in_person": "лично под подпись", "mail": "по почте", "electronic": "электронная (Госуслуги)",
                    "register": "реестр повесток", "work_or_school": "по месту работы или учёбы",
                    "candidate": "кандидат наук", "doctor": "доктор наук"},
        "statuses": {"liable": "подлежит призыву", "deferred": "отсрочка", "exempt": "освобождён",
                     "not_subject": "не подлежит призыву", "not_liable": "не несёт воинской обязанности"},
    },
}


# --- human text for the result page (the CLI's wording, reused, not copied) ------------------
def reason_text(code: str, lang: str) -> str:
    """A reason code's text in the language (the code itself if the vocabulary lacks it)."""
    from callup.jurisdictions import ru

    try:
        return ru.vocabulary()[code].text[lang]
    except (KeyError, AttributeError):
        return code


def status_text(status: str, lang: str) -> str:
    from callup.person.render import LABELS

    return LABELS[lang].get(status, status)


def acs_reason_text(code: str, lang: str) -> str:
    from callup.person.render import ACS_REASONS

    return ACS_REASONS[lang].get(code, code)


def summons_lines(summons: dict, lang: str) -> list[str]:
    from callup.person.render import _summons_text

    return _summons_text(summons, lang).splitlines()


_CODE = re.compile(r"\b(?:deferral|exempt|not_subject|not_liable|liable|acs)\.[a-z0-9_.]*[a-z0-9_]")


def mark_codes(text: str, lang: str) -> Markup:
    """A message with each reason code in it shown as its text followed by the code in a code cell."""
    out, last = [], 0
    for m in _CODE.finditer(text):
        code = m.group(0)
        human = reason_text(code, lang)
        if human == code:
            human = acs_reason_text(code, lang)
        out.append(escape(text[last:m.start()]))
        out.append(Markup('{} <code class="code">{}</code>').format(human if human != code else "", code))
        last = m.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)
