"""Russia: 53-FZ "On military duty and military service", 113-FZ "On alternative civilian service",
KoAP ch. 21 and Criminal Code Art. 328, encoded from 2019-01-01.

``law()`` is the baseline parameter set (dated values with citations); ``vocabulary()`` the public
reason codes. Both are loaded once and cached.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from callup.law.reasons import Vocabulary

HERE = Path(__file__).parent
CODE = "ru"


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    return Vocabulary.load(HERE / "reasons.yaml")


def law():
    """The baseline Russian parameter set (cached)."""
    from callup.law.parameters import load_jurisdiction

    return load_jurisdiction(CODE)
