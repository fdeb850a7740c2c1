"""Scenarios: "what if" as data. A YAML file (schema: :mod:`callup.scenarios.schema`) that extends
another scenario and overrides the law, the behaviour, the events of 2022 and the quotas; the bundled
ones are in ``bundled/``. ``load_scenario(NAME|FILE)`` -> :class:`Scenario`.
"""

from __future__ import annotations

from .load import SCENARIOS, describe, load_scenario
from .model import Events, Scenario, ScenarioError
from .schema import ScenarioFile

__all__ = ["SCENARIOS", "Events", "Scenario", "ScenarioError", "ScenarioFile", "describe", "load_scenario"]
