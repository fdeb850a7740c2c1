"""Per-row lookups of parameters whose values are not plain numbers (lists, mappings, durations).

``ParameterSet.values_at`` covers numbers and booleans. A rule that needs, say, a bitmask built
from a dated list of reason codes maps each dated entry once through a function, then picks the
entry in force for each row with one ``searchsorted``. The per-entry table is cached.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from callup.law.dates import to_day

_TABLES: dict[tuple[int, Callable], tuple[object, np.ndarray, np.ndarray]] = {}


def per_entry(law, path: str, on: np.ndarray, fn: Callable[[Any], Any], dtype, fill=None) -> np.ndarray:
    """``fn(value in force on each day of on)``, vectorised over ``on``.

    ``fill`` is used before the first dated value; without it, such a day is an error.
    """
    param = law[path]
    key = (id(param), fn)
    cached = _TABLES.get(key)
    if cached is None or cached[0] is not param:
        starts = np.array([to_day(v.start) for v in param.values], dtype=np.int64)
        table = np.array([fn(v.value) for v in param.values], dtype=dtype)
        cached = (param, starts, table)
        _TABLES[key] = cached
    _, starts, table = cached
    idx = np.searchsorted(starts, on, side="right") - 1
    if fill is None:
        if (idx < 0).any():
            first = param.values[0].start
            raise ValueError(f"no value of {path} in force before {first}")
        return table[idx]
    out = table[np.maximum(idx, 0)]
    return np.where(idx < 0, np.asarray(fill, dtype=dtype), out)
