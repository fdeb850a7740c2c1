"""Scenarios: a name (or a YAML file) -> behaviour values and the law they run under.

A file is ``extends: baseline`` plus ``behaviour: {name: value}`` and ``parameters: {path: {YYYY-MM-DD:
value}}`` (a reform as data, applied with :meth:`ParameterSet.with_overrides`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from callup.law.parameters import ParameterError

from .behaviour import Behaviour, BehaviourError, load_behaviour

SCENARIOS: tuple[str, ...] = ("baseline",)
"""The bundled scenario names."""


class ScenarioError(ValueError):
    """A scenario name, file or value that cannot be used."""


@dataclass(frozen=True)
class Scenario:
    name: str
    behaviour: Behaviour
    law: Any  # callup.law.parameters.ParameterSet


def _baseline() -> Scenario:
    from callup.jurisdictions import ru

    return Scenario("baseline", load_behaviour(), ru.law())


def load_scenario(spec: str) -> Scenario:
    """``baseline`` or the path of a scenario YAML file."""
    if spec in SCENARIOS:
        return _baseline()
    path = Path(spec)
    if not path.is_file():
        raise ScenarioError(
            f"scenario {spec!r}: not a known name (allowed: {', '.join(SCENARIOS)}) and no such file"
        )
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ScenarioError(f"scenario {spec!r}: cannot read it as YAML ({exc})") from None
    if not isinstance(raw, dict):
        raise ScenarioError(f"scenario {spec!r}: expected a mapping with extends/behaviour/parameters")
    unknown = set(raw) - {"extends", "behaviour", "parameters", "name", "description"}
    if unknown:
        raise ScenarioError(
            f"scenario {spec!r}: unknown key(s) {', '.join(sorted(unknown))} "
            "(allowed: extends, behaviour, parameters, name, description)"
        )
    base = raw.get("extends", "baseline")
    if base not in SCENARIOS:
        raise ScenarioError(f"scenario {spec!r}: extends {base!r} (allowed: {', '.join(SCENARIOS)})")
    scen = _baseline()
    behaviour = raw.get("behaviour") or {}
    params = raw.get("parameters") or {}
    if not isinstance(behaviour, dict):
        raise ScenarioError(f"scenario {spec!r}: behaviour must be a mapping name: value, got {behaviour!r}")
    if not isinstance(params, dict):
        raise ScenarioError(f"scenario {spec!r}: parameters must be a mapping path: {{date: value}}")
    try:
        b = scen.behaviour.with_overrides(behaviour)
    except BehaviourError as exc:
        raise ScenarioError(f"scenario {spec!r}: {exc}") from None
    law = scen.law
    if params:
        for p in params:
            if p not in law:
                raise ScenarioError(f"scenario {spec!r}: unknown parameter {p!r} (see the files under parameters/)")
        try:
            law = law.with_overrides(params, reference=f"scenario {path.name}")
        except ParameterError as exc:
            raise ScenarioError(f"scenario {spec!r}: {exc}") from None
    return Scenario(str(raw.get("name", path.stem)), b, law)
