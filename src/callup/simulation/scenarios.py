"""Scenarios of the simulation: a name (or a YAML file) -> behaviour values, the law they run under and
the events of 2022. The schema, the loader and the bundled files are in :mod:`callup.scenarios`; this
module keeps the simulation's public names.
"""

from __future__ import annotations

from callup.scenarios.load import SCENARIOS, load_scenario
from callup.scenarios.model import Events, Scenario, ScenarioError

__all__ = ["SCENARIOS", "Events", "Scenario", "ScenarioError", "load_scenario"]
