"""The columnar state of a simulation: the synthetic population plus the simulation columns."""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from callup.jurisdictions.ru.columns import owned_nbytes
from callup.law.dates import NEVER
from callup.law.packed_days import pack_days
from callup.population import ACTIVITIES, SyntheticPopulation

SERVICE_KINDS: tuple[str, ...] = ("none", "conscript", "contract", "acs", "mobilised")
"""What service a man is doing now, coded in ``SimState.in_service`` (0 = none)."""
ACS_STATUS: tuple[str, ...] = ("none", "applied", "approved", "rejected")

NONE, CONSCRIPT, CONTRACT, ACS, MOBILISED = range(5)


@dataclass
class SimState:
    """One row per man. ``sp`` holds the columns the rules read (``sp.pop``) and the build's
    simulation columns (``sp.sim``: latent health, alive - False for the dead and for an immigrant
    before ``sp.sim.arrives_on``); the rest is added here, in compact dtypes."""

    sp: SyntheticPopulation
    emigrated: np.ndarray  # bool: lives abroad now (deregistered or not)
    emigrated_on: np.ndarray  # packed day of the last departure, NEVER if none (read with unpack_days)
    summoned: np.ndarray  # uint8: summonses received
    ignored: np.ndarray  # uint8: summonses ignored
    fined: np.ndarray  # uint8: KoAP fines
    prosecuted: np.ndarray  # bool: Art. 328 prosecution
    in_service: np.ndarray  # int8 SERVICE_KINDS
    service_end: np.ndarray  # packed day the current service ends (NEVER: open-ended or none)
    acs_status: np.ndarray  # int8 ACS_STATUS
    sought_legal_aid: np.ndarray  # bool

    @property
    def pop(self):
        return self.sp.pop

    @property
    def alive(self) -> np.ndarray:
        return self.sp.sim.alive

    @property
    def weight(self) -> float:
        return self.sp.weight

    def __len__(self) -> int:
        return len(self.sp)

    @property
    def nbytes(self) -> int:
        own = sum(owned_nbytes(getattr(self, f.name)) for f in fields(self) if f.name != "sp")
        return own + self.sp.pop.nbytes + self.sp.sim.nbytes

    def rows_born_between(self, first_day: int, last_day: int) -> tuple[int, int]:
        """The contiguous row range of men born in [first_day, last_day] (rows are sorted by birth)."""
        birth = self.sp.pop.birth
        # the bounds in the column's dtype: a Python int would make numpy convert the whole column
        first, last = (np.asarray(max(min(d, 2**31 - 1), -(2**31)), dtype=birth.dtype) for d in (first_day, last_day))
        return int(np.searchsorted(birth, first, "left")), int(np.searchsorted(birth, last, "right"))


def new_state(sp: SyntheticPopulation) -> SimState:
    """The state on the population's start date: services in progress come from the build."""
    n = len(sp)
    activity = sp.sim.activity
    in_service = np.zeros(n, dtype=np.int8)
    for kind in ("conscript", "contract", "acs"):
        in_service[activity == ACTIVITIES.index(kind)] = SERVICE_KINDS.index(kind)
    # the state takes the build's column over (no second copy): only services in progress keep an end
    service_end = sp.sim.service_end
    service_end[in_service == 0] = NEVER
    acs_status = np.where(in_service == ACS, ACS_STATUS.index("approved"), 0).astype(np.int8)
    return SimState(
        sp=sp,
        emigrated=sp.pop.abroad.copy(),
        emigrated_on=pack_days(np.full(n, NEVER, dtype=np.int32)),
        summoned=np.zeros(n, dtype=np.uint8),
        ignored=np.zeros(n, dtype=np.uint8),
        fined=np.zeros(n, dtype=np.uint8),
        prosecuted=np.zeros(n, dtype=np.bool_),
        in_service=in_service,
        service_end=service_end,
        acs_status=acs_status,
        sought_legal_aid=np.zeros(n, dtype=np.bool_),
    )

