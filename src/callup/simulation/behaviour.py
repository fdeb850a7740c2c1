"""Behaviour parameters: one named number each, with a plausible range and a source (behaviour.yaml).

These are what a calibration may move. Policy inputs (law, quotas, payments) are not here.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).parent


class BehaviourError(ValueError):
    """A behaviour name or value that does not exist or lies outside its range."""


@dataclass(frozen=True)
class Parameter:
    """One behaviour: its value, plausible range, unit and source."""

    name: str
    value: float
    range: tuple[float, float]
    unit: str
    source: str


class Behaviour(Mapping[str, float]):
    """The behaviour values by name (a read-only mapping name -> float), with their metadata."""

    def __init__(self, params: Mapping[str, Parameter]):
        self._params = dict(params)

    def __getitem__(self, name: str) -> float:
        return self._params[name].value

    def __iter__(self) -> Iterator[str]:
        return iter(self._params)

    def __len__(self) -> int:
        return len(self._params)

    def parameter(self, name: str) -> Parameter:
        return self._params[name]

    def with_overrides(self, overrides: Mapping[str, Any]) -> Behaviour:
        """A new set with ``{name: value}`` replaced; unknown names and values outside the range raise."""
        params = dict(self._params)
        for name, value in overrides.items():
            if name not in params:
                raise BehaviourError(f"behaviour {name!r}: unknown name (allowed: {', '.join(sorted(params))})")
            p = params[name]
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise BehaviourError(
                    f"behaviour {name!r}: expected a number in [{p.range[0]}, {p.range[1]}], got {value!r}"
                )
            if not p.range[0] <= float(value) <= p.range[1]:
                raise BehaviourError(f"behaviour {name!r}: {value!r} is outside its range [{p.range[0]}, {p.range[1]}]")
            params[name] = Parameter(name, float(value), p.range, p.unit, p.source)
        return Behaviour(params)

    def as_dict(self) -> dict[str, dict[str, Any]]:
        return {
            n: {"value": p.value, "range": list(p.range), "unit": p.unit, "source": p.source}
            for n, p in self._params.items()
        }


@cache
def load_behaviour() -> Behaviour:
    """The bundled behaviour values (behaviour.yaml), checked: each has a value inside its range."""
    raw = yaml.safe_load((HERE / "behaviour.yaml").read_text(encoding="utf-8"))
    params = {}
    for name, entry in raw.items():
        lo, hi = (float(x) for x in entry["range"])
        value = float(entry["value"])
        if not lo <= value <= hi:
            raise BehaviourError(f"behaviour.yaml {name}: value {value} outside its range [{lo}, {hi}]")
        params[name] = Parameter(name, value, (lo, hi), str(entry["unit"]), str(entry["source"]))
    return Behaviour(params)
