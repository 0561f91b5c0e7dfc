"""Small helpers for numbers as planners read them."""

from __future__ import annotations

#: Comparisons of computed numbers use this tolerance (FORMATS §4).
TOLERANCE = 1e-9


def format_number(value: float | int | None) -> str:
    """`10500` rather than `10500.0`, `0.95` rather than `0.9500000001`; '—' for a missing number."""
    if value is None:
        return "—"
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.10g}"
