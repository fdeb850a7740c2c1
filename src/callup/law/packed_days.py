"""Day numbers in two bytes: how a population of fifty million men keeps its dates.

A date column of the rules is int32 day numbers (see :mod:`callup.law.dates`). A simulation stores
the same dates as ``uint16`` days since 1970-01-01 (:class:`PackedDays`), half the memory:

* 0 .. 65534 are the days 1970-01-01 .. 2149-06-05;
* ``PACKED_NEVER`` (65535) is :data:`~callup.law.dates.NEVER` (and any day after 2149-06-05);
* a day before 1970-01-01 (and :data:`~callup.law.dates.ALWAYS`) is stored as 1970-01-01. No rule
  encoded here (the law from 2019) can tell a day in 1969 from one in 1970: each compares a date
  column with a day of the call-up, and a packed date keeps every such comparison's answer.

Birth dates are not packed (men born before 1970 are in the population); the rules read
``birth_key`` anyway. Date *keys* (yyyymmdd, for "has the child reached age N") are packed as the
same two-byte days (:class:`PackedKeys`) and become keys again on unpacking.

The rules never read packed columns: :meth:`callup.jurisdictions.ru.columns.Population.unpacked`
turns each chunk they evaluate back into int32 days. Everywhere else a packed column must be read
with :func:`unpack_days`; arithmetic or comparison on the packed numbers raises ``TypeError`` rather
than silently answer about the wrong dates. Writing into a packed column packs the value (an int32
day, ``NEVER`` or another packed column), so ``column[rows] = day`` is always right.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .dates import NEVER, date_key, from_key

__all__ = ["PACKED_NEVER", "PackedDays", "PackedKeys", "compare_days", "pack_days", "pack_keys", "unpack",
           "unpack_days", "unpack_keys"]

PACKED_NEVER = 65535
"""The packed value of :data:`~callup.law.dates.NEVER`."""

_ALLOWED_FUNCTIONS = frozenset(
    getattr(np, name)
    for name in ("concatenate", "copy", "shape", "ndim", "size", "broadcast_to", "vstack", "hstack", "stack",
                 "empty_like", "result_type", "may_share_memory", "shares_memory", "take", "atleast_1d")
)


class PackedDays(np.ndarray):
    """uint16 day numbers since 1970-01-01 (see the module docstring); slicing keeps the type."""

    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        raise TypeError(f"packed days cannot be used in {ufunc.__name__}: read them with unpack_days() first")

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        if func not in _ALLOWED_FUNCTIONS:
            raise TypeError(f"packed days cannot be used in numpy.{func.__name__}: read them with unpack_days() first")
        raw = [a.view(np.ndarray) if isinstance(a, PackedDays) else a for a in args]
        if func in (np.concatenate, np.vstack, np.hstack, np.stack) and raw:
            raw[0] = [a.view(np.ndarray) if isinstance(a, PackedDays) else a for a in raw[0]]
        out = func(*raw, **kwargs)
        return out.view(type(self)) if isinstance(out, np.ndarray) and out.dtype == np.uint16 else out

    def __setitem__(self, key: Any, value: Any) -> None:
        super().__setitem__(key, pack_days(value).view(np.ndarray))

    def astype(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        raise TypeError("packed days: use unpack_days() to get int32 day numbers")


def pack_days(days: ArrayLike) -> PackedDays:
    """int32 day numbers (``NEVER``/``ALWAYS`` allowed) as :class:`PackedDays`; packed input is kept."""
    if isinstance(days, PackedDays):
        return days
    d = np.asarray(days)
    if d.dtype == np.uint16:
        return d.view(PackedDays)
    if d.dtype.kind not in "iu":
        raise TypeError(f"days must be integer day numbers, not {d.dtype}")
    return np.clip(d, 0, PACKED_NEVER).astype(np.uint16).view(PackedDays)


class PackedKeys(PackedDays):
    """yyyymmdd date keys stored as packed days: writing a key packs its day; :func:`unpack_keys`
    gives the keys back (``NEVER_KEY`` where none)."""

    def __setitem__(self, key: Any, value: Any) -> None:
        super().__setitem__(key, value if isinstance(value, PackedDays) else pack_days(from_key(value)))


def pack_keys(keys: ArrayLike) -> PackedKeys:
    """yyyymmdd keys (``NEVER_KEY`` allowed) as :class:`PackedKeys`; packed input is kept."""
    if isinstance(keys, PackedKeys):
        return keys
    return pack_days(from_key(keys)).view(PackedKeys)


@functools.cache
def _tables() -> tuple[NDArray[np.int32], NDArray[np.int32]]:
    """Every packed value's day and key (65,536 entries each, 256 KiB: one gather unpacks a column)."""
    days = np.arange(PACKED_NEVER + 1, dtype=np.int32)
    days[PACKED_NEVER] = NEVER
    keys = date_key(days)
    days.flags.writeable = keys.flags.writeable = False
    return days, keys


def unpack_keys(keys: ArrayLike) -> NDArray[np.int32]:
    """int32 yyyymmdd keys of a :class:`PackedKeys` column; int32 keys are returned as they are."""
    if not isinstance(keys, PackedKeys):
        return np.asarray(keys)
    return _tables()[1].take(keys.view(np.ndarray))


_COMPARE = {"<": np.less, "<=": np.less_equal, ">": np.greater, ">=": np.greater_equal, "==": np.equal,
            "!=": np.not_equal}


def compare_days(column: ArrayLike, op: str, day: int) -> NDArray[np.bool_]:
    """``column <op> day`` for a date column, packed or not. A packed column is compared in two bytes
    (the day is packed instead: exact for 1970-01-01 .. 2149-06-04 and NEVER), so a pass over fifty
    million men makes no four-byte copy of the column."""
    fn = _COMPARE[op]
    if isinstance(column, PackedDays) and not isinstance(column, PackedKeys):
        day = int(day)
        if day == NEVER or 0 <= day < PACKED_NEVER:
            return fn(column.view(np.ndarray), np.uint16(PACKED_NEVER if day == NEVER else day))
    return fn(unpack(column), day)


def unpack(column: ArrayLike) -> np.ndarray:
    """A column as the rules read it: keys for :class:`PackedKeys`, int32 days for
    :class:`PackedDays`, anything else unchanged."""
    return unpack_keys(column) if isinstance(column, PackedKeys) else unpack_days(column)


def unpack_days(days: ArrayLike) -> NDArray[np.int32]:
    """int32 day numbers of a packed column (``PACKED_NEVER`` becomes ``NEVER``); int32 input is kept."""
    raw = days.view(np.ndarray) if isinstance(days, PackedDays) else np.asarray(days)
    if raw.dtype != np.uint16:
        return raw
    return _tables()[0].take(raw)
