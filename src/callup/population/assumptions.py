"""The named, ranged and sourced assumptions of the synthetic population (``assumptions.yaml``).

An assumption is a number (``value``) or a table interpolated linearly between knots (``by_age``,
keyed by age in full years on the start date; ``by_year``, keyed by a calendar year), flat beyond
its first and last knot. Each has a plausible ``range`` (for a table: the range of a factor the whole
table may be multiplied by), a ``unit`` and a ``source`` - the data figure it is derived from, or
"assumption - " and the reasoning. Everything is checked when the file is read; a bad entry raises
:class:`AssumptionError` naming its path.

The calibration moves assumptions with :meth:`Assumptions.with_overrides` (a number, or a factor for
a table); the result is checked against the same ranges.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
import yaml

__all__ = ["Assumption", "AssumptionError", "Assumptions", "load_assumptions"]

FILE = "assumptions.yaml"
_KINDS = ("value", "by_age", "by_year")


class AssumptionError(ValueError):
    """An assumption entry is malformed, missing, or outside its range."""


@dataclass(frozen=True)
class Assumption:
    path: str
    kind: str  # value | by_age | by_year
    value: float | None  # for kind == "value"
    knots: np.ndarray | None  # x of a table
    levels: np.ndarray | None  # y of a table (already multiplied by factor)
    factor: float  # 1.0 unless overridden
    range: tuple[float, float]
    unit: str
    source: str

    def at(self, x: Any) -> np.ndarray:
        """Table value(s) at ``x`` (ages or years); a number broadcast for kind ``value``."""
        if self.kind == "value":
            return np.full(np.shape(x), self.value, dtype=np.float64)
        return np.interp(np.asarray(x, dtype=np.float64), self.knots, self.levels)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"path": self.path, "unit": self.unit, "range": list(self.range), "source": self.source}
        if self.kind == "value":
            out["value"] = self.value
        else:
            out[self.kind] = {float(k): float(v) for k, v in zip(self.knots, self.levels, strict=True)}
            out["factor"] = self.factor
        return out


def _is_share(unit: str) -> bool:
    return unit.lstrip().startswith(("share", "relative", "probability"))


def _parse(path: str, raw: Any, factor: float = 1.0) -> Assumption:
    if not isinstance(raw, Mapping):
        raise AssumptionError(f"{path}: expected a mapping with value/by_age/by_year, range, unit, source")
    kinds = [k for k in _KINDS if k in raw]
    if len(kinds) != 1:
        raise AssumptionError(f"{path}: give exactly one of {', '.join(_KINDS)} (found {kinds or 'none'})")
    kind = kinds[0]
    source = str(raw.get("source") or "").strip()
    unit = str(raw.get("unit") or "").strip()
    if not source:
        raise AssumptionError(f"{path}: a source is required (a data figure, or 'assumption - ' and the reasoning)")
    if not unit:
        raise AssumptionError(f"{path}: a unit is required")
    rng = raw.get("range")
    if not (isinstance(rng, list | tuple) and len(rng) == 2 and all(isinstance(v, int | float) for v in rng)):
        raise AssumptionError(f"{path}: range must be [low, high], got {rng!r}")
    lo, hi = float(rng[0]), float(rng[1])
    if lo > hi:
        raise AssumptionError(f"{path}: range {rng!r} is empty")
    share = _is_share(unit)
    if kind == "value":
        v = raw["value"]
        if not isinstance(v, int | float) or isinstance(v, bool):
            raise AssumptionError(f"{path}: value must be a number, got {v!r}")
        v = float(v)
        if not lo <= v <= hi:
            raise AssumptionError(f"{path}: value {v} is outside its range [{lo}, {hi}]")
        if share and not 0.0 <= v <= 1.0:
            raise AssumptionError(f"{path}: a share must be within [0, 1], got {v}")
        return Assumption(path, kind, v, None, None, 1.0, (lo, hi), unit, source)
    table = raw[kind]
    if not isinstance(table, Mapping) or not table:
        raise AssumptionError(f"{path}: {kind} must be a non-empty mapping of knot -> number")
    try:
        items = sorted((float(k), float(v)) for k, v in table.items())
    except (TypeError, ValueError):
        raise AssumptionError(f"{path}: {kind} knots and values must be numbers") from None
    knots = np.array([k for k, _ in items])
    levels = np.array([v for _, v in items]) * factor
    if not lo <= factor <= hi:
        raise AssumptionError(f"{path}: factor {factor} is outside its range [{lo}, {hi}]")
    if share and ((levels < 0).any() or (levels > 1).any()):
        raise AssumptionError(f"{path}: a share must be within [0, 1] (after the factor {factor})")
    knots.flags.writeable = False
    levels.flags.writeable = False
    return Assumption(path, kind, None, knots, levels, factor, (lo, hi), unit, source)


class Assumptions(Mapping[str, Assumption]):
    """All assumptions by path (``"study.leave_after_grade_9"``)."""

    def __init__(self, raw: Mapping[str, Any], factors: Mapping[str, float] | None = None):
        if not isinstance(raw, Mapping):
            raise AssumptionError(f"{FILE}: expected a mapping of groups")
        self._raw = raw
        factors = dict(factors or {})
        self._items: dict[str, Assumption] = {}
        for group, entries in raw.items():
            if not isinstance(entries, Mapping):
                raise AssumptionError(f"{group}: expected a mapping of assumptions")
            for name, entry in entries.items():
                path = f"{group}.{name}"
                self._items[path] = _parse(path, entry, factors.pop(path, 1.0))
        if factors:
            raise AssumptionError(f"unknown assumption(s): {sorted(factors)}")

    def __getitem__(self, path: str) -> Assumption:
        try:
            return self._items[path]
        except KeyError:
            raise AssumptionError(f"no assumption {path!r}") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def value(self, path: str) -> float:
        a = self[path]
        if a.kind != "value":
            raise AssumptionError(f"{path} is a table ({a.kind}); use at()")
        return float(a.value)

    def at(self, path: str, x: Any) -> np.ndarray:
        return self[path].at(x)

    def with_overrides(self, overrides: Mapping[str, float]) -> Assumptions:
        """A new set with ``{path: number}`` replacing a value, or multiplying a table (a factor)."""
        raw = copy.deepcopy(dict(self._raw))
        factors = {p: a.factor for p, a in self._items.items() if a.factor != 1.0}
        for path, new in overrides.items():
            a = self[path]
            if not isinstance(new, int | float) or isinstance(new, bool):
                raise AssumptionError(f"{path}: override must be a number, got {new!r}")
            if a.kind == "value":
                group, name = path.split(".", 1)
                raw[group] = dict(raw[group])
                raw[group][name] = {**raw[group][name], "value": new}
            else:
                factors[path] = float(new)
        return Assumptions(raw, factors)

    def as_dict(self) -> dict[str, dict[str, Any]]:
        return {p: a.as_dict() for p, a in self._items.items()}


@lru_cache(maxsize=1)
def load_assumptions() -> Assumptions:
    """The bundled ``callup/population/assumptions.yaml``, checked (cached; immutable)."""
    text = resources.files("callup.population").joinpath(FILE).read_text(encoding="utf-8")
    return Assumptions(yaml.safe_load(text))
