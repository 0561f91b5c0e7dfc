"""Did-you-mean: the one way every message finds the name a user probably meant."""

from __future__ import annotations

import difflib
from typing import Iterable


def closest(value: str, candidates: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The candidate most like `value` (difflib's ratio at least `cutoff`), or None when none is close."""
    close = difflib.get_close_matches(value, list(candidates), n=1, cutoff=cutoff)
    return close[0] if close else None
