"""What a resolved scenario is at run time: a name, behaviour values, the law, the events and the
population assumptions it moves.

:class:`Scenario` is built by :func:`callup.scenarios.load.load_scenario` (or directly, e.g. by the
calibration: ``Scenario("baseline", behaviour, law)``; every later field has a default that is the
bundled history).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from callup.law.dates import to_day

INVASION_DAY = to_day("2022-02-24")
MOBILISATION_DAY = to_day("2022-09-21")


class ScenarioError(ValueError):
    """A scenario name, file or value that cannot be used (the message names the file, the line, the
    field and the allowed values)."""


@dataclass(frozen=True)
class Events:
    """The dated shocks the engine knows, as day numbers (days since 1970-01-01); None = it did not
    happen. ``war_start`` drives the 2022-02-24 emigration wave, the war factors on contracts and legal
    aid and the post-war emigration rate; ``mobilisation`` the second wave and leaving on a summons
    (the mobilisation itself follows the law's ``mobilisation.*``); ``emigration_shocks`` are extra
    one-time shares of the men of 18 to ``emigration_age_max`` who leave in the step containing the day."""

    war_start: int | None = INVASION_DAY
    mobilisation: int | None = MOBILISATION_DAY
    emigration_shocks: tuple[tuple[int, float], ...] = ()


@dataclass(frozen=True)
class Scenario:
    name: str
    behaviour: Any  # callup.simulation.behaviour.Behaviour
    law: Any  # callup.law.parameters.ParameterSet
    description: str = ""
    events: Events = field(default_factory=Events)
    behaviour_dated: tuple[tuple[str, tuple[tuple[int, float], ...]], ...] = ()
    """Dated behaviour values ``(name, ((day, value), ...))``: each applies from the first campaign step
    on or after its day (before the first day, ``behaviour`` holds)."""
    signup_payments: tuple[tuple[int, float], ...] | None = None
    """The federal one-time contract payment table ``((from_day, roubles), ...)``; None = the bundled one."""
    signup_payment_factor: float = 1.0
    assumptions: Mapping[str, float] = field(default_factory=dict)
    """Population assumptions moved from ``population/assumptions.yaml`` (``{path: value}``; a table's
    value is its factor), applied to the build: the calibrated ones of ``baseline_fit.yaml``."""
    sources: tuple[str, ...] = ()
    file: str | None = None
    chain: tuple[str, ...] = ()
    """The files resolved, this scenario's first, down to the root."""
    provenance: dict = field(default_factory=dict, compare=False, repr=False)
    """Where each override came from: ``{("parameters", path, date) | ("behaviour", name): "file:line"}``."""

    def behaviour_on(self, day: int) -> Any:
        """The behaviour values in force on ``day`` (dated overrides applied)."""
        if not self.behaviour_dated:
            return self.behaviour
        now: dict[str, float] = {}
        for name, entries in self.behaviour_dated:
            for start, value in entries:
                if start <= day:
                    now[name] = value
        return self.behaviour.with_overrides(now) if now else self.behaviour

    def payment_at(self, day: int) -> float:
        """The federal one-time contract payment on ``day`` × ``signup_payment_factor``."""
        if self.signup_payments is None:
            from callup.simulation.run import signup_payment

            base = signup_payment(day)
        else:
            base = 0.0
            for start, pay in self.signup_payments:
                if start <= day:
                    base = pay
        return base * self.signup_payment_factor


def day_text(day: int | None) -> str:
    if day is None:
        return "none"
    return (dt.date(1970, 1, 1) + dt.timedelta(days=int(day))).isoformat()
