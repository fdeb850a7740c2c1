"""Reading a situation from JSON or YAML text, with one clear message per problem."""

from __future__ import annotations

import json

import yaml
from pydantic import ValidationError

from callup.person.check import SituationError
from callup.person.situation import Situation

_BASE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _NoDatesLoader(_BASE):  # type: ignore[misc, valid-type]
    """YAML loader that leaves dates as text, so the schema reports a bad date by its field name."""


_NoDatesLoader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in _BASE.yaml_implicit_resolvers.items()
}

EXPECTED = {
    "date_from_datetime_parsing": "a date YYYY-MM-DD",
    "date_parsing": "a date YYYY-MM-DD",
    "date_type": "a date YYYY-MM-DD",
    "bool_parsing": "true or false",
    "bool_type": "true or false",
    "int_parsing": "a whole number",
    "int_type": "a whole number",
    "string_type": "a string",
    "list_type": "a list",
    "model_type": "an object with fields",
    "model_attributes_type": "an object with fields",
}


def _loc(loc) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def describe(error: ValidationError) -> str:
    """The first validation problem as 'field: expected ..., got ...'."""
    e = error.errors()[0]
    field = _loc(e["loc"]) or "situation"
    kind = e["type"]
    if kind == "literal_error":
        expected = "one of " + e["ctx"]["expected"].replace("'", "")
    elif kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        expected = e["msg"].lower()
    elif kind == "value_error":
        expected = e["msg"].removeprefix("Value error, ")
    else:
        expected = EXPECTED.get(kind, e["msg"])
    got = e.get("input")
    if kind == "extra_forbidden":
        return f"{field}: unknown field (check the spelling; the situation schema is in the README)"
    if kind == "missing":
        return f"{field}: required field is missing"
    if field.endswith("health_category"):
        expected += " (Cyrillic А, Б, В, Г, Д also accepted)"
    if kind == "model_type" or isinstance(got, dict):
        return f"{field}: expected {expected}"
    extra = f" ({len(error.errors()) - 1} more problem(s))" if len(error.errors()) > 1 else ""
    return f"{field}: expected {expected}, got {got!r}{extra}"


def parse_situation(text: str, source: str = "situation") -> Situation:
    """Parse JSON or YAML text into a Situation; SituationError names the field on failure."""
    stripped = text.lstrip()
    try:
        data = json.loads(text) if stripped.startswith("{") else yaml.load(text, Loader=_NoDatesLoader)
    except json.JSONDecodeError as exc:
        raise SituationError(source, f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise SituationError(source, f"not valid YAML{where}: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(data, dict):
        raise SituationError(source, "expected a mapping with at least 'person: {birth_date: YYYY-MM-DD}'")
    try:
        return Situation.model_validate(data)
    except ValidationError as exc:
        msg = describe(exc)
        field, _, rest = msg.partition(": ")
        raise SituationError(field, rest) from None
