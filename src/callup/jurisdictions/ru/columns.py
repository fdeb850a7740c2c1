"""The columns the Russian rules read: one array per attribute, one row per man.

The same :class:`Population` holds one person (the check) or forty million (the simulation).
Dates are int32 day numbers (days since 1970-01-01, see :mod:`callup.law.dates`); a date that has
not happened is ``NEVER``. Birth dates are also kept as ``yyyymmdd`` keys, so that "has he reached
age N on day D" is one integer comparison per row (see :func:`callup.law.dates.age_threshold_key`).
Wide attributes (diplomas per level, children) are stored level-major / child-major, shape (k, N),
so that each slice is contiguous.

A population is *unpacked* (the date columns of :data:`DAY_FIELDS` are int32 day numbers: what the
rules read, and what a person's check builds) or *packed* (the same columns as two-byte
:class:`~callup.law.packed_days.PackedDays`: how the simulation stores fifty million men). The rules
unpack each chunk they evaluate (:meth:`Population.unpacked`), so both give the same answers.
Columns that hold one value for every row may be a zero-stride broadcast (no memory; read-only).
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

import numpy as np

from callup.law.dates import NEVER, NEVER_KEY, date_key
from callup.law.packed_days import PackedDays, pack_days, pack_keys, unpack

STUDY_LEVELS: tuple[str, ...] = (
    "school",
    "spo",
    "bachelor",
    "specialist",
    "master",
    "postgraduate",
    "preparatory",
)
"""Study levels, coded 1..7 in ``study_level`` (0 = not studying); bit ``code-1`` in ``deferrals_used``."""

DAY_FIELDS: tuple[str, ...] = (
    "health_date",
    "study_start",
    "study_end",
    "diploma",
    "pregnancy_start",
    "it_contract_start",
    "it_graduated",
    "acs_applied",
)
"""Date columns (int32 day numbers) that a packed population stores as two-byte PackedDays."""
KEY_FIELDS: tuple[str, ...] = ("child_birth_key",)
"""Date-key columns (int32 yyyymmdd) that a packed population stores as two-byte PackedKeys."""
PACKED_FIELDS = frozenset(DAY_FIELDS + KEY_FIELDS)
"""Every column a packed population stores in two bytes."""


def pack_column(name: str, column: np.ndarray) -> np.ndarray:
    """Column ``name`` packed: PackedKeys for the :data:`KEY_FIELDS`, PackedDays for the others."""
    return pack_keys(column) if name in KEY_FIELDS else pack_days(column)

HEALTH_CATEGORIES: tuple[str, ...] = ("A", "B", "V", "G", "D")
"""Fitness categories А Б В Г Д (53-FZ Art. 5.1), coded 1..5 in ``health`` (0 = not examined)."""

SERVED: tuple[str, ...] = ("none", "conscript", "contract", "acs", "foreign_treaty")
CRIMINAL: tuple[str, ...] = ("none", "serving_sentence", "conviction", "under_investigation")


def level_code(level: str) -> int:
    return STUDY_LEVELS.index(level) + 1


def health_code(category: str) -> int:
    return HEALTH_CATEGORIES.index(category) + 1


@dataclass
class Population:
    """Columnar state of men (and, for completeness, women) as the rules see it."""

    birth: np.ndarray  # int32 day
    birth_key: np.ndarray  # int32 yyyymmdd, derived from birth
    male: np.ndarray  # bool
    citizen: np.ndarray  # bool
    registered: np.ndarray  # bool
    abroad: np.ndarray  # bool: permanently resides abroad
    reserve: np.ndarray  # bool
    health: np.ndarray  # int8, HEALTH_CATEGORIES code, 0 = unknown
    health_date: np.ndarray  # int32 day of the examination that set the category
    study_level: np.ndarray  # int8, STUDY_LEVELS code, 0 = none
    study_full_time: np.ndarray  # bool
    study_accredited: np.ndarray  # bool
    study_start: np.ndarray  # int32 day
    study_end: np.ndarray  # int32 day (end of the standard term)
    diploma: np.ndarray  # int32 day, shape (7, N): date of the diploma of each level, NEVER if none
    deferrals_used: np.ndarray  # uint8 bitmask of levels whose study deferral was used for earlier study
    child_birth_key: np.ndarray  # int32 yyyymmdd, shape (K, N); NEVER_KEY where no child
    child_disabled: np.ndarray  # bool, shape (K, N)
    pregnancy_start: np.ndarray  # int32 day the wife's pregnancy began, NEVER if none
    single_father: np.ndarray  # bool
    cares_for_relative: np.ndarray  # bool
    guardian: np.ndarray  # bool
    degree: np.ndarray  # bool: candidate or doctor of sciences
    relative_died: np.ndarray  # bool
    served: np.ndarray  # int8, SERVED code index
    criminal: np.ndarray  # int8, CRIMINAL code index
    it_accredited: np.ndarray  # bool
    it_full_time: np.ndarray  # bool
    it_listed: np.ndarray  # bool: higher education in a listed specialty
    it_contract_start: np.ndarray  # int32 day
    it_graduated: np.ndarray  # int32 day of the higher-education diploma
    public_service: np.ndarray  # bool
    elected: np.ndarray  # bool
    beliefs: np.ndarray  # bool: military service conflicts with his beliefs or religion
    indigenous: np.ndarray  # bool: small-numbered indigenous people, traditional way of life
    acs_applied: np.ndarray  # int32 day of his ACS application, NEVER if none
    waived: np.ndarray  # uint64 reason-bit mask of rights he waived (53-FZ Art. 22 p.2.1)

    def __len__(self) -> int:
        return int(self.birth.shape[0])

    def take(self, index: np.ndarray) -> Population:
        """Rows ``index`` (repeats allowed) as a new population."""
        out = {}
        for f in fields(self):
            col = getattr(self, f.name)
            out[f.name] = col[:, index] if col.ndim == 2 else col[index]
        return Population(**out)

    def slice(self, start: int, stop: int) -> Population:
        """A view of rows ``start:stop`` (no copy)."""
        out = {}
        for f in fields(self):
            col = getattr(self, f.name)
            out[f.name] = col[:, start:stop] if col.ndim == 2 else col[start:stop]
        return Population(**out)

    @property
    def is_packed(self) -> bool:
        return isinstance(self.health_date, PackedDays)

    def packed(self) -> Population:
        """The same rows with the :data:`DAY_FIELDS` packed into two bytes (a copy of those columns)."""
        if self.is_packed:
            return self
        return replace(self, **{name: pack_column(name, getattr(self, name)) for name in PACKED_FIELDS})

    def unpacked(self) -> Population:
        """The same rows with int32 day numbers in the :data:`DAY_FIELDS` (what the rules read); the
        other columns are shared, not copied. An unpacked population is returned as it is."""
        if not self.is_packed:
            return self
        return replace(self, **{name: unpack(getattr(self, name)) for name in PACKED_FIELDS})

    def rule_view(self) -> Population:
        """The rows as the rules read them: this population if it is unpacked; for a packed one a view
        that unpacks each date column the first time a rule reads it (a chunk of men no rule needs
        dates for - children, old men - unpacks nothing)."""
        return self if not self.is_packed else _RuleView(self)  # type: ignore[return-value]

    def with_columns(self, **columns: np.ndarray) -> Population:
        pop = replace(self, **columns)
        if "birth" in columns:
            pop.birth_key = date_key(pop.birth)
        return pop

    @property
    def nbytes(self) -> int:
        """Bytes the columns hold (a zero-stride broadcast column holds none)."""
        return sum(owned_nbytes(getattr(self, f.name)) for f in fields(self))


class _RuleView:
    """A packed population's columns, each packed one unpacked on first read (see ``rule_view``)."""

    def __init__(self, packed: Population):
        self.__dict__["_packed"] = packed

    def __getattr__(self, name: str) -> np.ndarray:
        value = getattr(self.__dict__["_packed"], name)
        if name in PACKED_FIELDS:
            value = unpack(value)
        self.__dict__[name] = value
        return value

    def __len__(self) -> int:
        return len(self.__dict__["_packed"])


def owned_nbytes(column: np.ndarray) -> int:
    """Memory of ``column``'s elements: 0 for a zero-stride broadcast of one value."""
    return 0 if column.size and 0 in column.strides else int(column.nbytes)


def empty(n: int, n_children: int = 1) -> Population:
    """``n`` rows of the default man: male citizen, registered, no grounds, no data (unpacked)."""

    def full(value, dtype, shape=(n,)):
        return np.full(shape, value, dtype=dtype)

    birth = full(NEVER, np.int32)
    return Population(
        birth=birth,
        birth_key=full(NEVER_KEY, np.int32),
        male=full(True, np.bool_),
        citizen=full(True, np.bool_),
        registered=full(True, np.bool_),
        abroad=full(False, np.bool_),
        reserve=full(False, np.bool_),
        health=full(0, np.int8),
        health_date=full(NEVER, np.int32),
        study_level=full(0, np.int8),
        study_full_time=full(False, np.bool_),
        study_accredited=full(False, np.bool_),
        study_start=full(NEVER, np.int32),
        study_end=full(NEVER, np.int32),
        diploma=full(NEVER, np.int32, (len(STUDY_LEVELS), n)),
        deferrals_used=full(0, np.uint8),
        child_birth_key=full(NEVER_KEY, np.int32, (max(n_children, 1), n)),
        child_disabled=full(False, np.bool_, (max(n_children, 1), n)),
        pregnancy_start=full(NEVER, np.int32),
        single_father=full(False, np.bool_),
        cares_for_relative=full(False, np.bool_),
        guardian=full(False, np.bool_),
        degree=full(False, np.bool_),
        relative_died=full(False, np.bool_),
        served=full(0, np.int8),
        criminal=full(0, np.int8),
        it_accredited=full(False, np.bool_),
        it_full_time=full(False, np.bool_),
        it_listed=full(False, np.bool_),
        it_contract_start=full(NEVER, np.int32),
        it_graduated=full(NEVER, np.int32),
        public_service=full(False, np.bool_),
        elected=full(False, np.bool_),
        beliefs=full(False, np.bool_),
        indigenous=full(False, np.bool_),
        acs_applied=full(NEVER, np.int32),
        waived=full(0, np.uint64),
    )


def concat(pops: list[Population]) -> Population:
    """Stack populations row-wise (child columns are padded to the widest); packed if the first is."""
    k = max(p.child_birth_key.shape[0] for p in pops)
    packed = pops[0].is_packed
    out = {}
    for f in fields(Population):
        cols = [getattr(p, f.name) for p in pops]
        if f.name in PACKED_FIELDS:
            cols = [unpack(c) for c in cols]
        if f.name in ("child_birth_key", "child_disabled"):
            fill = NEVER_KEY if f.name == "child_birth_key" else False
            cols = [np.vstack([c, np.full((k - c.shape[0], c.shape[1]), fill, dtype=c.dtype)]) for c in cols]
        joined = np.concatenate(cols, axis=1 if cols[0].ndim == 2 else 0)
        out[f.name] = pack_column(f.name, joined) if packed and f.name in PACKED_FIELDS else joined
    return Population(**out)
