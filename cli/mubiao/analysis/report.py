"""The monthly report (月度通报, `mubiao report`): everything its sections show, computed once from the gap rows.

The report is a view of `Gaps`, not a second engine: every number in it is a field of a `GapRow` (or a count of
them), so the HTML, Markdown, Excel and JSON files agree with `mubiao gaps` by construction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Mapping

from mubiao.analysis.gaps import GapRow, Gaps, compute_gaps, count_statuses
from mubiao.analysis.notes import Note, latest_notes
from mubiao.analysis.scoreboard import CountyScore, scoreboard
from mubiao.models import CITY, Plan, Status

if TYPE_CHECKING:
    import pandas

    from mubiao.readers.progress import ProgressRead

#: The statuses the 滞后与未完成指标 section lists, worst first.
LAGGING = (Status.MISSED, Status.BEHIND)


@dataclass(frozen=True)
class Lagging:
    """An indicator that is missed or behind: for the city, or in at least one county."""

    row: GapRow
    """The indicator's city row (the one row of a scope-city indicator)."""
    counties: tuple[GapRow, ...]
    """The county rows that are missed or behind, worst first, then in plan order."""
    notes: tuple[Note, ...]
    """The newest note of each lagging county (and of the row itself for a scope-city indicator), in the order
    of `counties`."""


@dataclass(frozen=True)
class OwnerSummary:
    """One responsible department (分处室情况): its indicators' city rows counted by status."""

    owner: str
    """Owner id."""
    statuses: Mapping[Status, int]
    """Every status present (maybe 0), worst first."""
    lagging: tuple[str, ...]
    """The ids of its indicators whose city row is missed or behind, in plan order."""

    @property
    def indicators(self) -> int:
        return sum(self.statuses.values())


@dataclass(frozen=True)
class Report:
    """The monthly report of a plan at a date."""

    gaps: Gaps
    overview: Mapping[Status, int]
    """总体情况: the indicators (their city rows) counted by status, every status present, worst first."""
    lagging: tuple[Lagging, ...]
    """滞后与未完成指标: the indicators whose own (city) row is missed or behind, worst first (missed, then
    behind; a larger shortfall first; plan order among equals)."""
    scores: tuple[CountyScore, ...]
    """各县(市、区)完成情况与排名: the county scoreboard, best rank first."""
    grid: Mapping[str, Mapping[str, GapRow]]
    """The county × indicator grid: indicator id → county id → the county row (scope-county indicators only,
    both in plan order)."""
    owners: tuple[OwnerSummary, ...]
    """分处室情况, in plan order (owners with no indicator are left out)."""
    counties_lagging: tuple[Lagging, ...] = ()
    """The indicators on track (or met) for the city with some counties missed or behind: listed apart, under
    their own heading, for a card under 滞后 whose status says 正常推进 would contradict itself. Most lagging
    counties first, then plan order."""

    @property
    def every_lagging(self) -> tuple[Lagging, ...]:
        """Both lists: every indicator with a row missed or behind."""
        return self.lagging + self.counties_lagging

    @property
    def plan(self) -> Plan:
        return self.gaps.plan

    @property
    def as_of(self) -> dt.date:
        return self.gaps.as_of

    @property
    def city_rows(self) -> tuple[GapRow, ...]:
        """One row per indicator: its city row (or the one row of a scope-city indicator), in plan order."""
        return tuple(row for row in self.gaps.rows if row.county == self.gaps.area)


def build_report(plan: Plan, progress: "pandas.DataFrame | ProgressRead", as_of: dt.date | None = None,
                 area: str | None = None) -> Report:
    """The monthly report at `as_of` (default: the last day of the latest month with data), of the whole or
    of one region of a deeper plan (`area`: its rows and those within it, `Gaps.within`)."""
    gaps = compute_gaps(plan, progress, as_of).within(area)
    return report_of(gaps, latest_notes(plan, progress, gaps.period))


def report_of(gaps: Gaps, notes: Mapping[tuple[str, str], Note]) -> Report:
    """The report of computed gap rows; `notes` maps (indicator id, county id or `city`) to the newest note."""
    plan = gaps.plan
    city_rows = [row for row in gaps.rows if row.county == gaps.area]  # the whole's, or the region's (--area)
    county_rows: dict[str, list[GapRow]] = {}  # the areas the grid shows: a province's cities
    within_rows: dict[str, list[GapRow]] = {}  # the areas the lagging lists name: its cities and their counties
    for row in gaps.rows:
        if row.county is not None and row.county != gaps.area:
            within_rows.setdefault(row.indicator, []).append(row)
            if gaps.directly_within(row.county):
                county_rows.setdefault(row.indicator, []).append(row)

    lagging, counties_lagging = [], []
    for row in city_rows:
        counties = sorted((r for r in within_rows.get(row.indicator, []) if r.status in LAGGING),
                          key=lambda r: r.status.severity)  # stable: plan order among equals
        if row.status in LAGGING or counties:
            own = [(row.indicator, CITY)] if gaps.area is None else []  # a region's report: no bureau's own note
            keys = [(row.indicator, r.county) for r in counties] or own
            item = Lagging(row, tuple(counties), tuple(notes[key] for key in keys if key in notes))
            (lagging if row.status in LAGGING else counties_lagging).append(item)
    lagging.sort(key=lambda item: (item.row.status.severity, -(item.row.shortfall or 0.0)))
    counties_lagging.sort(key=lambda item: -len(item.counties))

    grid = {indicator: MappingProxyType({r.county: r for r in rows}) for indicator, rows in county_rows.items()}
    owners = []
    for owner in plan.owners:
        rows = [row for row in city_rows if row.owner == owner.id]
        if rows:
            owners.append(OwnerSummary(owner.id, MappingProxyType(count_statuses(rows)),
                                       tuple(row.indicator for row in rows if row.status in LAGGING)))
    return Report(gaps, MappingProxyType(count_statuses(city_rows)), tuple(lagging), scoreboard(gaps),
                  MappingProxyType(grid), tuple(owners), tuple(counties_lagging))
