"""Reason codes: the public vocabulary of legal grounds, each with a bit in a uint64 mask.

A jurisdiction ships ``reasons.yaml``; its order fixes the bits. The rules return, per person, a
status code and a mask of the grounds that apply; this module turns masks back into codes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

KINDS = ("not_liable", "exempt", "not_subject", "deferral")

# Status codes returned by the rules, weakest first. The status of a person is the strongest kind of
# ground that applies: not_liable > exempt > not_subject > deferred > liable.
LIABLE, DEFERRED, NOT_SUBJECT, EXEMPT, NOT_LIABLE = 0, 1, 2, 3, 4
STATUS_NAMES: tuple[str, ...] = ("liable", "deferred", "not_subject", "exempt", "not_liable")
KIND_STATUS = {"deferral": DEFERRED, "not_subject": NOT_SUBJECT, "exempt": EXEMPT, "not_liable": NOT_LIABLE}


@dataclass(frozen=True)
class Reason:
    code: str
    bit: int
    kind: str
    parameters: tuple[str, ...]
    text: dict[str, str]


@dataclass(frozen=True, eq=False)
class Vocabulary:
    reasons: tuple[Reason, ...]

    @classmethod
    def load(cls, path: Path) -> Vocabulary:
        with open(path, encoding="utf-8") as fh:
            raw = yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        reasons = []
        for bit, (code, spec) in enumerate(raw.items()):
            if spec.get("kind") not in KINDS:
                raise ValueError(f"{path.name}: {code}.kind: expected one of {', '.join(KINDS)}")
            if not spec.get("parameters"):
                raise ValueError(f"{path.name}: {code}.parameters: at least one parameter is required")
            if set(spec.get("text", {})) != {"en", "ru"}:
                raise ValueError(f"{path.name}: {code}.text: expected texts 'en' and 'ru'")
            reasons.append(Reason(code, bit, spec["kind"], tuple(spec["parameters"]), dict(spec["text"])))
        if len(reasons) > 64:
            raise ValueError(f"{path.name}: at most 64 reason codes fit the mask, got {len(reasons)}")
        return cls(tuple(reasons))

    def __getitem__(self, code: str) -> Reason:
        try:
            return self._by_code[code]
        except KeyError:
            raise KeyError(f"unknown reason code {code!r}") from None

    def __contains__(self, code: str) -> bool:
        return code in self._by_code

    @property
    def _by_code(self) -> dict[str, Reason]:
        cache = self.__dict__.get("_cache")
        if cache is None:
            cache = {r.code: r for r in self.reasons}
            object.__setattr__(self, "_cache", cache)
        return cache

    def __post_init__(self) -> None:
        object.__setattr__(self, "_codes", tuple(r.code for r in self.reasons))

    @property
    def codes(self) -> tuple[str, ...]:
        return self._codes  # type: ignore[attr-defined]

    def bit(self, code: str) -> np.uint64:
        return np.uint64(1) << np.uint64(self[code].bit)

    def mask_of(self, codes) -> np.uint64:
        """The mask of an iterable of codes."""
        m = np.uint64(0)
        for c in codes:
            m |= self.bit(c)
        return m

    def kind_mask(self, kind: str) -> np.uint64:
        return self.mask_of(r.code for r in self.reasons if r.kind == kind)

    def codes_of(self, mask: int | np.integer) -> list[str]:
        """The codes set in one person's mask, in vocabulary order."""
        m = int(mask)
        codes = self.codes
        out = []
        while m:
            low = m & -m
            out.append(codes[low.bit_length() - 1])
            m ^= low
        return out

    def count_by_code(self, masks: np.ndarray, weights: np.ndarray | None = None) -> dict[str, float]:
        """How many rows (or how much weight) carry each code: a vectorised tally for populations."""
        out = {}
        for r in self.reasons:
            hit = (masks >> np.uint64(r.bit)) & np.uint64(1)
            out[r.code] = float(hit.sum() if weights is None else (hit.astype(bool) * weights).sum())
        return out
