"""The synthetic population of men: built from bundled, cited figures and named assumptions.

``build_population(start, scale, seed, until)`` returns a :class:`SyntheticPopulation` whose ``pop``
holds the columns the rules read (:class:`callup.jurisdictions.ru.columns.Population`), ``sim`` the
simulation-only columns (latent health, alive, activity, end of service) and ``weight`` the national
men per row. ``summary(sp)`` gives its weighted counts. Data: :mod:`callup.population.sources`;
assumptions: ``assumptions.yaml`` via :func:`load_assumptions`.
"""

from __future__ import annotations

from .assumptions import Assumption, AssumptionError, Assumptions, load_assumptions
from .build import ACTIVITIES, N_CHILDREN, SimColumns, SyntheticPopulation, build_population
from .summary import summary

__all__ = [
    "ACTIVITIES",
    "N_CHILDREN",
    "Assumption",
    "AssumptionError",
    "Assumptions",
    "SimColumns",
    "SyntheticPopulation",
    "build_population",
    "load_assumptions",
    "summary",
]
