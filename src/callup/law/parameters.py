"""Dated legal parameters, one per YAML file (the OpenFisca format), validated at load.

A parameter is one legal quantity or switch with the dates on which its value changed, each value
citing the law it comes from and how well that citation is supported::

    description: Upper age limit of call-up (liable "until" this age)
    description_ru: Предельный возраст призыва
    metadata: {unit: year}
    values:
      1998-04-02:
        value: 27
        metadata: {reference: "53-FZ Art. 22 p.1 'а'", status: P}
      2024-01-01:
        value: 30
        metadata: {reference: "53-FZ Art. 22 p.1 'а' as amended by 439-FZ of 04.08.2023", status: P}

* The path of a parameter is its file path under the parameters root, without ``.yaml``, with
  ``/`` -> ``.`` (``deferral/pregnancy_min_weeks.yaml`` -> ``deferral.pregnancy_min_weeks``).
* ``status`` says how the value is known: ``P`` primary legal text seen, ``S`` secondary source
  only, ``UNCONFIRMED`` not confirmed (kept, but flagged). An optional ``unconfirmed`` names the part
  of an otherwise P/S entry that is not confirmed (a letter, a start date, a law number).
  Scenario overrides carry the status ``override``.
* A value is in force from its date until the next dated value. ``value: null`` means "no value
  from this date" (e.g. a limit that was abolished).

Everything is validated when the files are read; any problem raises :class:`ParameterError` naming
the file and the key path. Values are deep-frozen (lists -> tuples, mappings -> :class:`FrozenMap`),
so a loaded :class:`ParameterSet` is immutable and can be cached and shared; a reform is a new set
built with :meth:`ParameterSet.with_overrides`.

Dates are ``datetime.date`` or *day numbers*: ``int`` days since 1970-01-01 (the convention of
``callup.law.dates``). :meth:`Parameter.values_at` looks up a whole array of day numbers at once.
"""

from __future__ import annotations

import bisect
import datetime as dt
import difflib
import functools
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import yaml

__all__ = [
    "OVERRIDE_STATUS",
    "STATUSES",
    "DatedValue",
    "FrozenMap",
    "Parameter",
    "ParameterError",
    "ParameterSet",
    "UnknownParameterError",
    "load_jurisdiction",
]

STATUSES: tuple[str, ...] = ("P", "S", "UNCONFIRMED")
"""Statuses allowed in parameter files: primary text seen, secondary source, not confirmed."""
OVERRIDE_STATUS = "override"
"""Status of a value inserted by :meth:`ParameterSet.with_overrides`."""

_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()
_TOP_KEYS = ("description", "description_ru", "metadata", "values", "documentation")
_ENTRY_KEYS = ("value", "metadata")
_ENTRY_META_KEYS = ("reference", "status", "unconfirmed", "note", "url")
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_SEGMENT_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_MISSING: Any = object()


class ParameterError(ValueError):
    """A parameter file is invalid, a parameter is unknown, or no value is in force on a date."""


class UnknownParameterError(ParameterError, KeyError):
    """No parameter has this path (also a ``KeyError``, so ``in`` and ``Mapping.get`` work)."""

    __str__ = ValueError.__str__  # not KeyError's repr-quoting


# --- immutable values -------------------------------------------------------------------------


class FrozenMap(dict):
    """A read-only ``dict`` (still a ``dict`` for ``json.dumps`` and ``isinstance``); hashable."""

    __slots__ = ()

    def _readonly(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("parameter values are read-only; use ParameterSet.with_overrides")

    __setitem__ = __delitem__ = __ior__ = _readonly
    clear = pop = popitem = setdefault = update = _readonly

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(frozenset(self.items()))

    def __reduce__(self) -> tuple[Any, ...]:
        return (FrozenMap, (dict(self),))

    def __repr__(self) -> str:
        return f"FrozenMap({dict.__repr__(self)})"


def _freeze(value: Any) -> Any:
    """Deep-freeze a YAML value: lists -> tuples, mappings -> FrozenMap."""
    if isinstance(value, list | tuple):
        return tuple(_freeze(v) for v in value)
    if isinstance(value, Mapping):
        return FrozenMap({k: _freeze(v) for k, v in value.items()})
    return value


# --- dates ------------------------------------------------------------------------------------


def _to_day(d: dt.date | int | np.integer) -> int:
    """A ``datetime.date`` or an int day number -> int day number (days since 1970-01-01)."""
    if isinstance(d, dt.date):
        return d.toordinal() - _EPOCH_ORDINAL
    if isinstance(d, int | np.integer) and not isinstance(d, bool | np.bool_):
        return int(d)
    raise ParameterError(f"expected a datetime.date or an int day number, got {d!r}")


def _day_text(day: int) -> str:
    try:
        return dt.date.fromordinal(day + _EPOCH_ORDINAL).isoformat()
    except (ValueError, OverflowError):
        return f"day {day}"


def _parse_date(key: Any) -> dt.date | None:
    """A YAML date key (``datetime.date`` or ``'YYYY-MM-DD'``) -> date; None if it is not one."""
    if isinstance(key, dt.datetime):
        return None
    if isinstance(key, dt.date):
        return key
    if isinstance(key, str) and _DATE_RE.fullmatch(key):
        try:
            return dt.date.fromisoformat(key)
        except ValueError:
            return None
    return None


# --- the data model ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DatedValue:
    """One value of a parameter, in force from ``start`` until the next value's start.

    ``status`` is P, S or UNCONFIRMED (see the module docstring), or ``override`` for a value set
    by a scenario. ``unconfirmed`` names what is not confirmed in a P/S entry.
    """

    start: dt.date
    value: Any
    reference: str
    status: str
    unconfirmed: str | None = None
    note: str | None = None
    url: str | None = None

    @property
    def day(self) -> int:
        """``start`` as a day number (days since 1970-01-01)."""
        return self.start.toordinal() - _EPOCH_ORDINAL


def _value_kind(values: Iterable[Any]) -> str | None:
    """'bool', 'int' or 'float' if every non-null value is of that numeric kind, else None."""
    present = [v for v in values if v is not None]
    if not present:
        return None
    if all(isinstance(v, bool) for v in present):
        return "bool"
    if any(isinstance(v, bool) or not isinstance(v, int | float) for v in present):
        return None
    return "int" if all(isinstance(v, int) for v in present) else "float"


_KIND_DTYPES: dict[str, type] = {"bool": np.bool_, "int": np.int64, "float": np.float64}


@dataclass(frozen=True)
class Parameter:
    """One legal parameter: its dated values, in increasing order of start date.

    ``source`` is the file it was read from (relative to the parameters root's parent), or None.
    Lookup tables for :meth:`entry_at` and :meth:`values_at` are built once, here.
    """

    path: str
    description: str
    description_ru: str | None
    unit: str | None
    values: tuple[DatedValue, ...]
    source: str | None = None
    metadata: Mapping[str, Any] = field(default_factory=FrozenMap)
    documentation: str | None = None

    _days: list[int] = field(init=False, repr=False, compare=False)
    _starts: np.ndarray = field(init=False, repr=False, compare=False)
    _table: np.ndarray | None = field(init=False, repr=False, compare=False)
    _valid: np.ndarray = field(init=False, repr=False, compare=False)
    _all_valid: bool = field(init=False, repr=False, compare=False)
    _kind: str | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        where = self.source or self.path
        if not self.values:
            raise ParameterError(f"{where}: values: must not be empty")
        days = [v.day for v in self.values]
        for a, b, v in zip(days, days[1:], self.values[1:], strict=False):
            if b <= a:
                raise ParameterError(f"{where}: values.{v.start}: dates must be strictly increasing")
        kind = _value_kind(v.value for v in self.values)
        valid = np.array([False] + [v.value is not None for v in self.values], dtype=np.bool_)
        table = None
        if kind is not None:
            fill = False if kind == "bool" else 0
            table = np.array(
                [fill] + [fill if v.value is None else v.value for v in self.values], dtype=_KIND_DTYPES[kind]
            )
        put = object.__setattr__
        put(self, "_days", days)
        put(self, "_starts", np.array(days, dtype=np.int32))
        put(self, "_table", table)
        put(self, "_valid", valid)
        put(self, "_all_valid", bool(valid[1:].all()))
        put(self, "_kind", kind)

    @property
    def kind(self) -> str | None:
        """'bool', 'int' or 'float' if :meth:`values_at` can vectorise this parameter, else None."""
        return self._kind

    @property
    def first_start(self) -> dt.date:
        """The date of the first value."""
        return self.values[0].start

    def entry_at(self, d: dt.date | int) -> DatedValue | None:
        """The dated value in force on ``d`` (a date or a day number); None before the first one."""
        i = bisect.bisect_right(self._days, _to_day(d)) - 1
        return self.values[i] if i >= 0 else None

    def value_at(self, d: dt.date | int) -> Any:
        """The value in force on ``d``. ``None`` if that value is ``null`` (e.g. a limit that was
        abolished); :class:`ParameterError` before the first dated value."""
        entry = self.entry_at(d)
        if entry is None:
            day = _to_day(d)
            raise ParameterError(f"no value of {self.path} in force on {_day_text(day)}")
        return entry.value

    def values_at(self, days: np.ndarray, dtype: Any = None, *, fill: Any = _MISSING) -> np.ndarray:
        """Vectorised lookup of a numeric or boolean parameter on an array of day numbers.

        Returns an array shaped like ``days``: bool, int64 or float64 (the parameter's kind), or
        ``dtype`` if given. A day before the first value, or on which the value is ``null``, is an
        error unless ``fill`` is given, which is then used for it.
        """
        table = self._table
        if table is None:
            raise ParameterError(
                f"{self.path} is not numeric or boolean (value {self.values[-1].value!r}); use value_at"
            )
        arr = days if isinstance(days, np.ndarray) else np.asarray(days)
        if arr.dtype.kind not in "iu":
            raise ParameterError(f"{self.path}: days must be integer day numbers, got dtype {arr.dtype}")
        idx = np.searchsorted(self._starts, arr, side="right")
        out = table[idx]
        if fill is _MISSING:
            ok = idx.astype(np.bool_) if self._all_valid else self._valid[idx]
            if not ok.all():
                bad = int(arr.ravel()[np.flatnonzero(~ok.ravel())[0]])
                raise ParameterError(f"no value of {self.path} in force on {_day_text(bad)}")
        else:
            out = np.where(self._valid[idx], out, fill)
        if dtype is not None:
            out = out.astype(dtype, copy=False)
        return out


def _with_entries(param: Parameter, entries: Mapping[dt.date, DatedValue]) -> Parameter:
    merged = {v.start: v for v in param.values}
    merged.update(entries)
    return Parameter(
        path=param.path,
        description=param.description,
        description_ru=param.description_ru,
        unit=param.unit,
        values=tuple(merged[d] for d in sorted(merged)),
        source=param.source,
        metadata=param.metadata,
        documentation=param.documentation,
    )


# --- reading and validating files -------------------------------------------------------------

_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """The fast safe loader; an impossible date (2024-13-01) stays a string for validation."""


def _construct_timestamp(loader: Any, node: yaml.Node) -> Any:
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


def _duplicate_key(node: yaml.Node, path: tuple[str, ...]) -> tuple[str, int] | None:
    """The key path and line of the first repeated mapping key (YAML would silently keep one)."""
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else repr(key_node)
            if key in seen:
                return ".".join((*path, key)), key_node.start_mark.line + 1
            seen.add(key)
            found = _duplicate_key(value_node, (*path, key))
            if found:
                return found
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            found = _duplicate_key(item, (*path, str(i)))
            if found:
                return found
    return None


def _read_yaml(file: Path, name: str) -> Any:
    try:
        text = file.read_bytes()
    except OSError as exc:
        raise ParameterError(f"{name}: cannot read: {exc}") from None
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        dup = _duplicate_key(node, ())
        if dup:
            what = "date" if re.fullmatch(r"values\.[^.]+", dup[0]) else "key"
            raise ParameterError(f"{name}: {dup[0]}: duplicate {what} (line {dup[1]})")
        return loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f"line {mark.line + 1}: " if mark is not None else ""
        problem = exc.problem or exc.context or "malformed"
        raise ParameterError(f"{name}: {line}invalid YAML: {problem}") from None
    except yaml.YAMLError as exc:
        raise ParameterError(f"{name}: invalid YAML: {exc}") from None
    finally:
        loader.dispose()


def _optional_str(obj: Mapping[str, Any], key: str, prefix: str) -> str | None:
    """``obj[key]`` if present: it must be a non-empty string (error named ``prefix + key``)."""
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ParameterError(f"{prefix}{key}: expected a non-empty string, got {value!r}")
    return value


def _parse_entry(start: dt.date, entry: Any, where: str) -> DatedValue:
    if not isinstance(entry, Mapping):
        raise ParameterError(f"{where}: expected a mapping with 'value' and 'metadata', got {entry!r}")
    keys = set(entry)
    if keys != set(_ENTRY_KEYS):
        extra = sorted(map(str, keys - set(_ENTRY_KEYS)))
        missing = [k for k in _ENTRY_KEYS if k not in keys]
        what = f"unknown key(s) {', '.join(extra)}" if extra else f"missing key(s) {', '.join(missing)}"
        raise ParameterError(f"{where}: {what}; an entry has exactly 'value' and 'metadata'")
    meta = entry["metadata"]
    mwhere = f"{where}.metadata"
    if not isinstance(meta, Mapping):
        raise ParameterError(f"{mwhere}: expected a mapping, got {meta!r}")
    unknown = sorted(map(str, set(meta) - set(_ENTRY_META_KEYS)))
    if unknown:
        raise ParameterError(f"{mwhere}: unknown key(s) {', '.join(unknown)} (allowed: {', '.join(_ENTRY_META_KEYS)})")
    reference = meta.get("reference")
    if not isinstance(reference, str) or not reference.strip():
        raise ParameterError(f"{mwhere}.reference: a non-empty citation of the law is required")
    status = meta.get("status")
    if status not in STATUSES:
        raise ParameterError(f"{mwhere}.status: expected one of {', '.join(STATUSES)}, got {status!r}")
    return DatedValue(
        start=start,
        value=_freeze(entry["value"]),
        reference=reference,
        status=status,
        unconfirmed=_optional_str(meta, "unconfirmed", mwhere + "."),
        note=_optional_str(meta, "note", mwhere + "."),
        url=_optional_str(meta, "url", mwhere + "."),
    )


def _parse_parameter(data: Any, path: str, name: str) -> Parameter:
    if not isinstance(data, Mapping):
        raise ParameterError(f"{name}: expected a mapping with 'description' and 'values', got {data!r}")
    unknown = sorted(map(str, set(data) - set(_TOP_KEYS)))
    if unknown:
        raise ParameterError(f"{name}: {unknown[0]}: unknown top-level key (allowed: {', '.join(_TOP_KEYS)})")
    description = data.get("description")
    if not isinstance(description, str) or not description.strip():
        raise ParameterError(f"{name}: description: a non-empty string is required")
    description_ru = _optional_str(data, "description_ru", f"{name}: ")
    documentation = _optional_str(data, "documentation", f"{name}: ")
    metadata = data.get("metadata") or {}
    if not isinstance(metadata, Mapping):
        raise ParameterError(f"{name}: metadata: expected a mapping, got {metadata!r}")
    unit = metadata.get("unit")
    if unit is not None and not isinstance(unit, str):
        raise ParameterError(f"{name}: metadata.unit: expected a string, got {unit!r}")
    values = data.get("values")
    if not isinstance(values, Mapping) or not values:
        raise ParameterError(f"{name}: values: expected a non-empty mapping of dates to entries")
    entries: dict[dt.date, DatedValue] = {}
    for key, entry in values.items():
        start = _parse_date(key)
        if start is None:
            raise ParameterError(f"{name}: values.{key}: not a date (expected YYYY-MM-DD)")
        if start in entries:
            raise ParameterError(f"{name}: values.{key}: duplicate date {start}")
        entries[start] = _parse_entry(start, entry, f"{name}: values.{start}")
    return Parameter(
        path=path,
        description=description,
        description_ru=description_ru,
        unit=unit,
        values=tuple(entries[d] for d in sorted(entries)),
        source=name,
        metadata=_freeze(metadata),
        documentation=documentation,
    )


def _path_of(rel: Path, name: str) -> str:
    parts = rel.with_suffix("").parts
    for part in parts:
        if not _SEGMENT_RE.fullmatch(part):
            raise ParameterError(f"{name}: {part!r} is not a valid path segment (letters, digits, _)")
    return ".".join(parts)


# --- the set ----------------------------------------------------------------------------------


class ParameterSet(Mapping[str, Parameter]):
    """A read-only mapping of parameter paths to :class:`Parameter`, with dated lookups.

    Build one with :meth:`load` (or :func:`load_jurisdiction`); derive a reform with
    :meth:`with_overrides`, which leaves this set unchanged.
    """

    __slots__ = ("_params", "_root")
    _params: dict[str, Parameter]
    _root: Path | None

    suffix: ClassVar[str] = ".yaml"

    def __init__(self, params: Mapping[str, Parameter], root: Path | None = None) -> None:
        self._params = dict(params)
        self._root = root

    @classmethod
    def load(cls, root: Path | str) -> ParameterSet:
        """Read and validate every ``*.yaml`` under ``root`` (recursively)."""
        root = Path(root)
        if not root.is_dir():
            raise ParameterError(f"{root}: no such parameters directory")
        params: dict[str, Parameter] = {}
        for file in sorted(root.rglob("*" + cls.suffix)):
            rel = file.relative_to(root)
            name = f"{root.name}/{rel.as_posix()}"
            path = _path_of(rel, name)
            params[path] = _parse_parameter(_read_yaml(file, name), path, name)
        if not params:
            raise ParameterError(f"{root}: no parameter files (*.yaml)")
        return cls(params, root)

    @property
    def root(self) -> Path | None:
        """The directory the set was loaded from (None for a set built in memory)."""
        return self._root

    def __getitem__(self, path: str) -> Parameter:
        try:
            return self._params[path]
        except (KeyError, TypeError):
            close = difflib.get_close_matches(str(path), self._params, n=3, cutoff=0.6)
            hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
            raise UnknownParameterError(f"unknown parameter {path!r}{hint}") from None

    def __contains__(self, path: object) -> bool:
        return path in self._params

    def __iter__(self) -> Iterator[str]:
        return iter(self._params)

    def __len__(self) -> int:
        return len(self._params)

    def __repr__(self) -> str:
        where = f" from {self._root}" if self._root else ""
        return f"<ParameterSet of {len(self)} parameters{where}>"

    def entry_at(self, path: str, d: dt.date | int) -> DatedValue | None:
        """``self[path].entry_at(d)``."""
        return self[path].entry_at(d)

    def value_at(self, path: str, d: dt.date | int) -> Any:
        """``self[path].value_at(d)``."""
        return self[path].value_at(d)

    def values_at(self, path: str, days: np.ndarray, dtype: Any = None, *, fill: Any = _MISSING) -> np.ndarray:
        """``self[path].values_at(days, dtype, fill=fill)``."""
        return self[path].values_at(days, dtype, fill=fill)

    def statuses_used(self, paths: Iterable[str], d: dt.date | int) -> dict[str, str | None]:
        """For each path, the status of the value in force on ``d`` (None before its first value)."""
        out: dict[str, str | None] = {}
        for path in paths:
            entry = self[path].entry_at(d)
            out[path] = entry.status if entry else None
        return out

    def with_overrides(
        self,
        overrides: Mapping[str, Mapping[dt.date | str, Any]],
        reference: str = "scenario override",
    ) -> ParameterSet:
        """A new set in which each ``{path: {date: value}}`` is inserted, replacing a value with the
        same start date, with status ``override``. This set is not changed."""
        if not isinstance(overrides, Mapping):
            raise ParameterError(f"overrides: expected {{path: {{date: value}}}}, got {overrides!r}")
        if not isinstance(reference, str) or not reference.strip():
            raise ParameterError("overrides: reference must be a non-empty string")
        params = dict(self._params)
        for path, dated in overrides.items():
            param = self[path]
            if not isinstance(dated, Mapping):
                raise ParameterError(f"overrides.{path}: expected a mapping {{date: value}}, got {dated!r}")
            entries: dict[dt.date, DatedValue] = {}
            for key, value in dated.items():
                start = _parse_date(key)
                if start is None:
                    raise ParameterError(f"overrides.{path}.{key}: not a date (expected YYYY-MM-DD)")
                entries[start] = DatedValue(start, _freeze(value), reference, OVERRIDE_STATUS)
            params[path] = _with_entries(param, entries)
        return ParameterSet(params, self._root)


_JURISDICTIONS = Path(__file__).resolve().parent.parent / "jurisdictions"


@functools.cache  # = lru_cache(maxsize=None)
def load_jurisdiction(code: str) -> ParameterSet:
    """The parameters of a jurisdiction (``callup/jurisdictions/<code>/parameters``), loaded once.

    The set is immutable, so the cache never needs invalidating (``load_jurisdiction.cache_clear``
    exists for tests that edit files).
    """
    if not isinstance(code, str) or not re.fullmatch(r"[a-z]{2,8}", code):
        raise ParameterError(f"jurisdiction code must be 2-8 lower-case letters, got {code!r}")
    root = _JURISDICTIONS / code / "parameters"
    if not root.is_dir():
        known = sorted(p.parent.name for p in _JURISDICTIONS.glob("*/parameters") if p.is_dir())
        raise ParameterError(f"unknown jurisdiction {code!r} (known: {', '.join(known) or 'none'})")
    return ParameterSet.load(root)
