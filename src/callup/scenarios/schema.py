"""The schema of a scenario file (pydantic v2).

A scenario file::

    name: age-27
    description: >
      One paragraph: what is changed, why, and what it stands for.
    sources: ["439-FZ of 04.08.2023 ...", "https://..."]
    extends: baseline            # another scenario (bundled name or a file path); default baseline
    parameters:                  # the law: {parameter.path: {YYYY-MM-DD: value}}
      callup.age_max: {2024-01-01: 27}
    behaviour:                   # {name: value} or {name: {YYYY-MM-DD: value}}
      appear: 0.9
      reach_register: {2025-04-01: 0.8}
    events:
      war_start: {date: 2022-02-24, emigration_shock: 0.009}   # or: none
      mobilisation: {date: 2022-09-21, target: 300000}        # or: none
      emigration_shock: {date: 2023-06-01, share: 0.005}       # or a list of them
    quotas: {2024-spring: 150000}   # -> callup.quota on the campaign's first day
    signup_payment_factor: 2.0      # x the federal one-time contract payment
    signup_payments: {2022-09-21: 195000, 2024-08-01: 400000}  # or replace the table

Names, paths, ranges and campaigns are checked against the engine in :mod:`callup.scenarios.load`;
this module checks the shape.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

NONE_WORDS = ("none", "no", "false", "off")
NAME_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"


def _none(value: Any) -> Any:
    if value is None or value is False or (isinstance(value, str) and value.strip().lower() in NONE_WORDS):
        return None
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class WarStart(_Strict):
    """The start of the war: the first emigration wave, the war factors (contracts, legal aid)."""

    date: dt.date
    emigration_shock: float | None = Field(default=None, ge=0.0, le=1.0)


class Mobilisation(_Strict):
    """A partial mobilisation: its decree date and target (mobilisation.declared/target)."""

    date: dt.date
    target: int = Field(gt=0)
    emigration_shock: float | None = Field(default=None, ge=0.0, le=1.0)


class EmigrationShock(_Strict):
    """A one-time share of the men of 18 to emigration_age_max who leave in the step containing date."""

    date: dt.date
    share: float = Field(gt=0.0, le=1.0)


class Events(_Strict):
    war_start: WarStart | None = None
    mobilisation: Mobilisation | None = None
    emigration_shock: list[EmigrationShock] | None = None

    @field_validator("war_start", "mobilisation", mode="before")
    @classmethod
    def _allow_none(cls, value: Any) -> Any:
        return _none(value)

    @field_validator("emigration_shock", mode="before")
    @classmethod
    def _one_or_list(cls, value: Any) -> Any:
        value = _none(value)
        return [value] if isinstance(value, dict) else value


class ScenarioFile(_Strict):
    """One scenario file, before its names and values are checked against the engine."""

    name: str = Field(pattern=NAME_PATTERN)
    description: str = Field(min_length=1)
    sources: list[str] = []
    extends: str | None = "baseline"
    parameters: dict[str, dict[dt.date, Any]] = {}
    behaviour: dict[str, Any] = {}
    events: Events = Events()
    quotas: dict[str, int] = {}
    signup_payment_factor: float | None = Field(default=None, gt=0.0, le=100.0)
    signup_payments: dict[dt.date, float] | None = None

    @field_validator("extends", mode="before")
    @classmethod
    def _extends_none(cls, value: Any) -> Any:
        return None if value is None or (isinstance(value, str) and value.strip().lower() == "none") else value

    @field_validator("quotas")
    @classmethod
    def _positive_quotas(cls, value: dict[str, int]) -> dict[str, int]:
        for campaign, n in value.items():
            if n < 0:
                raise ValueError(f"quota of {campaign} must be >= 0, got {n}")
        return value


TOP_KEYS: tuple[str, ...] = tuple(ScenarioFile.model_fields)
