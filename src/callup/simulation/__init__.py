"""Population microsimulation of call-up campaigns: columnar state, ordered processes per campaign,
alignment to the decree quotas, behaviour as named parameters (``behaviour.yaml``).

``simulate(scenario, start, end, scale, seed)`` -> :class:`SimulationResult`;
``write_outputs(result, DIR)`` writes the tables; ``calibration_table`` compares with the targets.
"""

from __future__ import annotations

from .behaviour import Behaviour, BehaviourError, load_behaviour
from .calibration import calibration_table
from .outputs import write_outputs
from .run import SimulationError, SimulationResult, simulate
from .scenarios import SCENARIOS, Scenario, ScenarioError, load_scenario

__all__ = [
    "SCENARIOS",
    "Behaviour",
    "BehaviourError",
    "Scenario",
    "ScenarioError",
    "SimulationError",
    "SimulationResult",
    "calibration_table",
    "load_behaviour",
    "load_scenario",
    "simulate",
    "write_outputs",
]
