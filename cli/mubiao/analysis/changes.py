"""Since last month (docs/gaps.md, "Since an earlier month"): what changed between the gap rows of two months.

`Gaps.before` holds the rows of the month compared with (the month before, or `--since`), computed from the
same read; this module says, row by row, what changed (status, figure: 环比, a record become stale), which rows
fell behind and which recovered, and how each area's rank moved on the scoreboard.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Mapping

from mubiao.models import Status

if TYPE_CHECKING:
    from mubiao.analysis.gaps import GapRow, Gaps

#: The statuses a row "falls behind" into, and recovers from.
BEHIND = (Status.BEHIND, Status.MISSED)


@dataclass(frozen=True)
class RowChange:
    """One row (an indicator in an area, or the whole's) in the month compared with and now."""

    before: "GapRow"
    now: "GapRow"

    @property
    def change(self) -> float | None:
        """The figure's change (环比), in the indicator's unit (rounded to 9 decimals: 0.8 − 0.7 is 0.1, not
        0.10000000000000009); None without both figures."""
        if self.before.actual is None or self.now.actual is None:
            return None
        return round(self.now.actual - self.before.actual, 9)

    @property
    def fell_behind(self) -> bool:
        """Behind or missed now, and not then."""
        return self.now.status in BEHIND and self.before.status not in BEHIND

    @property
    def became_stale(self) -> bool:
        """Its figure is an older month's now (沿用旧数据: the area did not report it this month), and was not."""
        return self.now.stale and not self.before.stale

    @property
    def recovered(self) -> bool:
        """Behind or missed then, and not now (nor without data now)."""
        return self.before.status in BEHIND and self.now.status not in (*BEHIND, Status.NO_DATA)


@dataclass(frozen=True)
class Changes:
    """What changed since `since` (the month compared with, `YYYY-MM`)."""

    since: str
    area: str | None
    """The area the rows are of (`Gaps.area`): its own row is the "whole's"."""
    rows: Mapping[tuple[str | None, str], RowChange]
    """(area id or None, indicator id) → the row then and now, for the rows of both months."""
    ranks: Mapping[str, tuple[int | None, int | None]]
    """Area id → its scoreboard rank then and now."""
    regions: frozenset[str] = frozenset()
    """The plan's regions (areas rolled up from others): they report nothing, so they never stop reporting."""

    def fell_behind(self, whole: bool) -> tuple[RowChange, ...]:
        """The rows fallen behind: the whole's (`whole`; an indicator's own row) or the areas'."""
        return tuple(c for c in self.rows.values() if c.fell_behind and (c.now.county == self.area) == whole)

    def recovered(self, whole: bool) -> tuple[RowChange, ...]:
        return tuple(c for c in self.rows.values() if c.recovered and (c.now.county == self.area) == whole)

    def became_stale(self) -> tuple[RowChange, ...]:
        """The units' rows whose figure is now an older month's and was not (a unit that stopped reporting; a
        region's rolled-up row that turns stale with it is not counted again)."""
        return tuple(c for c in self.rows.values()
                     if c.became_stale and c.now.county != self.area and c.now.county not in self.regions)

    def moves(self) -> "Moves":
        """What a sentence of the changes says: the whole's rows missed at their deadline, fallen behind and
        recovered, and how many of the areas' rows fell behind (or were missed) and recovered."""
        fell = self.fell_behind(True)
        return Moves(tuple(c for c in fell if c.now.status is Status.MISSED),
                     tuple(c for c in fell if c.now.status is not Status.MISSED), self.recovered(True),
                     len(self.fell_behind(False)), len(self.recovered(False)), self.became_stale())

    def rank_move(self, county: str) -> int | None:
        """How many places an area rose (negative: fell); None when it had no rank then or now."""
        before, now = self.ranks.get(county, (None, None))
        return None if before is None or now is None else before - now


@dataclass(frozen=True)
class Moves:
    """`Changes.moves`."""

    missed: tuple[RowChange, ...]
    fell: tuple[RowChange, ...]
    recovered: tuple[RowChange, ...]
    areas_fell: int
    areas_recovered: int
    stale: tuple[RowChange, ...] = ()
    """The areas' rows that became stale (`Changes.became_stale`)."""


def changes(gaps: "Gaps") -> Changes | None:
    """The changes between `gaps.before` and `gaps` (None when there is nothing to compare with); `Gaps.changes`
    keeps them, worked out once."""
    from mubiao.analysis.scoreboard import scoreboard

    before = gaps.before
    if before is None:
        return None
    then = {(row.county, row.indicator): row for row in before.rows}
    rows = {(row.county, row.indicator): RowChange(then[key], row) for row in gaps.rows
            if (key := (row.county, row.indicator)) in then}
    ranks_then = {score.county: score.rank for score in scoreboard(before)}
    ranks = {score.county: (ranks_then.get(score.county), score.rank) for score in scoreboard(gaps)}
    return Changes(before.period, gaps.area, rows, ranks, frozenset(region.id for region in gaps.plan.regions))


def arrow(move: int | None) -> str:
    """`↑2`, `↓1`, or nothing (no move, or no rank to compare)."""
    if not move:
        return ""
    return f"↑{move}" if move > 0 else f"↓{-move}"
