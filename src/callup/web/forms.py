"""The check form: its fields, their Russian and English labels, and the form -> situation mapping."""

from __future__ import annotations

from typing import Any


class FormError(ValueError):
    pass


# (name, kind, options) - kind: date, bool, select, int; labels in TEXT
FIELDS: list[tuple[str, str, tuple[str, ...]]] = [
    ("date", "date", ()),
    ("birth_date", "date", ()),
    ("sex", "select", ("male", "female")),
    ("registered", "bool_default_true", ()),
    ("lives_abroad_permanently", "bool", ()),
    ("in_reserve", "bool", ()),
    ("health_category", "select", ("", "A", "B", "V", "G", "D")),
    ("health_category_date", "date", ()),
    ("study_level", "select", ("", "school", "spo", "bachelor", "specialist", "master", "postgraduate",
                               "preparatory")),
    ("study_full_time", "bool_default_true", ()),
    ("study_accredited", "bool_default_true", ()),
    ("study_end", "date", ()),
    ("diploma_level", "select", ("", "spo", "bachelor", "specialist", "master", "postgraduate")),
    ("diploma_date", "date", ()),
    ("child1", "date", ()),
    ("child2", "date", ()),
    ("wife_pregnancy_weeks", "int", ()),
    ("single_father", "bool", ()),
    ("cares_for_relative", "bool", ()),
    ("served", "select", ("none", "conscript", "contract", "acs", "foreign_treaty")),
    ("criminal", "select", ("none", "serving_sentence", "conviction", "under_investigation")),
    ("beliefs_conflict", "bool", ()),
    ("it_worker", "bool", ()),
    ("summons_method", "select", ("", "in_person", "mail", "electronic", "register", "work_or_school")),
    ("summons_appearance_date", "date", ()),
    ("summons_appeared", "bool", ()),
]

PERSON_BOOLS = ("registered", "lives_abroad_permanently", "in_reserve", "single_father", "cares_for_relative",
                "beliefs_conflict")


def _on(values: dict[str, str], name: str) -> bool:
    return values.get(name) in ("on", "true", "1", "yes")


def situation_of(values: dict[str, str]) -> dict[str, Any]:
    """The situation dict of the submitted form (empty fields left out; the schema validates it)."""
    v = {k: s.strip() for k, s in values.items()}
    person: dict[str, Any] = {"birth_date": v["birth_date"]} if v.get("birth_date") else {}
    for name in ("sex", "health_category", "health_category_date", "served", "criminal"):
        if v.get(name):
            person[name] = v[name]
    for name in PERSON_BOOLS:
        person[name] = _on(v, name)
    if v.get("wife_pregnancy_weeks"):
        person["wife_pregnancy_weeks"] = v["wife_pregnancy_weeks"]
    if v.get("study_level"):
        study: dict[str, Any] = {"level": v["study_level"], "full_time": _on(v, "study_full_time"),
                                 "accredited": _on(v, "study_accredited")}
        if v.get("study_end"):
            study["end"] = v["study_end"]
        person["study"] = study
    if v.get("diploma_level") or v.get("diploma_date"):
        person["diplomas"] = [{"level": v.get("diploma_level") or None, "date": v.get("diploma_date") or None}]
    children = [{"birth_date": v[c]} for c in ("child1", "child2") if v.get(c)]
    if children:
        person["children"] = children
    if _on(v, "it_worker"):
        person["it_worker"] = {"accredited_employer": True, "full_time": True, "listed_specialty": True}
    if v.get("summons_method"):
        s: dict[str, Any] = {"method": v["summons_method"], "appeared": _on(v, "summons_appeared")}
        if v.get("summons_appearance_date"):
            s["appearance_date"] = v["summons_appearance_date"]
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
            "wife_pregnancy_weeks": "Wife's pregnancy (weeks)", "single_father": "Raises a child alone",
            "cares_for_relative": "Cares for a relative who needs constant care", "served": "Service already done",
            "criminal": "Criminal record", "beliefs_conflict": "Military service conflicts with his beliefs (ACS)",
            "it_worker": "Works full time in a listed IT specialty at an accredited IT company",
            "summons_method": "Summons received: how", "summons_appearance_date": "Summons: appearance date",
            "summons_appeared": "Appeared on the summons",
        },
        "sections": {"date": "Person", "health_category": "Health", "study_level": "Education",
                     "child1": "Family", "served": "Service and record", "summons_method": "Summons"},
        "status": "Status", "reasons": "Reasons", "article": "Article", "until": "Until", "since": "Since",
        "timeline": "Campaigns until he ages out", "campaign": "Campaign", "dates": "Dates",
        "acs": "Alternative civilian service (ACS)", "may_apply": "May apply", "yes": "yes", "no": "no",
        "last_day": "Last day to file", "decision_due": "Decision due", "term": "Term (months)",
        "deadlines": "Deadlines", "penalties": "Penalties", "fine": "Fine (RUB)", "warnings": "Warnings",
        "none": "none", "again": "Another check", "age_out": "Ages out of call-up on",
        "note": "Law encoded up to {law}.",
        "scenario": "Scenario", "scale": "Scale (sample fraction, at most {max})", "seed": "Seed",
        "from": "First campaign", "to": "Last campaign", "report": "Also make the HTML report and charts",
        "run": "Run", "progress": "Progress", "running": "running", "download": "Download",
        "campaigns": "Campaigns", "years": "Years", "charts": "Charts", "failed": "The run failed",
        "refresh": "This page refreshes by itself every 2 seconds.", "new_run": "Another run",
        "options": {"male": "male", "female": "female", "none": "none", "school": "school", "spo": "college (SPO)",
                    "in_person": "in person", "work_or_school": "at work or school",
                    "register": "register of summonses"},
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
            "single_father": "Воспитывает ребёнка один", "cares_for_relative": "Ухаживает за родственником",
            "served": "Уже проходил службу", "criminal": "Судимость / уголовное дело",
            "beliefs_conflict": "Военная служба противоречит убеждениям (АГС)",
            "it_worker": "Работает в аккредитованной ИТ-компании по специальности из перечня",
            "summons_method": "Повестка: как получена", "summons_appearance_date": "Повестка: дата явки",
            "summons_appeared": "Явился по повестке",
        },
        "sections": {"date": "Человек", "health_category": "Здоровье", "study_level": "Образование",
                     "child1": "Семья", "served": "Служба и судимость", "summons_method": "Повестка"},
        "status": "Статус", "reasons": "Основания", "article": "Статья", "until": "До", "since": "С",
        "timeline": "Призывные кампании до предельного возраста", "campaign": "Кампания", "dates": "Даты",
        "acs": "Альтернативная гражданская служба (АГС)", "may_apply": "Может подать заявление", "yes": "да",
        "no": "нет", "last_day": "Последний день подачи", "decision_due": "Срок решения",
        "term": "Срок (месяцев)", "deadlines": "Сроки", "penalties": "Ответственность", "fine": "Штраф (руб.)",
        "warnings": "Предупреждения", "none": "нет", "again": "Новая проверка",
        "age_out": "Выходит из призывного возраста",
        "note": "Закон учтён по {law}.",
        "scenario": "Сценарий", "scale": "Масштаб (доля выборки, не более {max})", "seed": "Зерно",
        "from": "Первая кампания", "to": "Последняя кампания", "report": "Также сделать HTML-отчёт и графики",
        "run": "Запустить", "progress": "Ход расчёта", "running": "идёт расчёт", "download": "Скачать",
        "campaigns": "Кампании", "years": "Годы", "charts": "Графики", "failed": "Расчёт не удался",
        "refresh": "Страница обновляется сама каждые 2 секунды.", "new_run": "Новый расчёт",
        "options": {"male": "мужской", "female": "женский", "A": "А", "B": "Б", "V": "В", "G": "Г", "D": "Д",
                    "school": "школа", "spo": "СПО", "bachelor": "бакалавриат", "specialist": "специалитет",
                    "master": "магистратура", "postgraduate": "аспирантура", "preparatory": "подготовительное",
                    "none": "нет", "conscript": "по призыву", "contract": "по контракту", "acs": "АГС",
                    "foreign_treaty": "в другом государстве (договор)", "serving_sentence": "отбывает наказание",
                    "conviction": "неснятая судимость", "under_investigation": "под следствием или судом",
                    "in_person": "лично под подпись", "mail": "по почте", "electronic": "электронная (Госуслуги)",
                    "register": "реестр повесток", "work_or_school": "по месту работы или учёбы"},
        "statuses": {"liable": "подлежит призыву", "deferred": "отсрочка", "exempt": "освобождён",
                     "not_subject": "не подлежит призыву", "not_liable": "не несёт воинской обязанности"},
    },
}
