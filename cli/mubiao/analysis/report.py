"""The monthly report (月度通报, `mubiao report`): everything its sections show, computed once from the gap rows.

The report is a view of `Gaps`, not a second engine: every number in it is a field of a `GapRow` (or a count of
them), so the HTML, Markdown, Excel and JSON files agree with `mubiao gaps` by construction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
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
class FollowUp:
    """An item of 下一步要求 (督办): an indicator behind or missed, as one owner or one area must act on it."""

    row: GapRow
    """For an owner, the indicator's city row; for an area, the area's own row."""
    areas: tuple[GapRow, ...]
    """For an owner, the areas missed or behind on it (worst first); empty for an area's item."""
    by: dt.date | None
    """When the next figure is due: the indicator's next milestone after the as-of date, else its deadline; None
    from the deadline day on (到期未完成, then 逾期)."""


@dataclass(frozen=True)
class FollowUps:
    """下一步要求: the items behind or missed, for each owner (处室) and for each area, both in plan order."""

    owners: tuple[tuple[str | None, tuple[FollowUp, ...]], ...] = ()
    """Owner id (None: the items no owner is named for, last) → its items."""
    areas: tuple[tuple[str, tuple[FollowUp, ...]], ...] = ()
    """The areas directly within the report's whole (a province's: its cities) → their items."""


@dataclass(frozen=True)
class Report:
    """The monthly report of a plan at a date."""

    gaps: Gaps
    overview: Mapping[Status, int]
    """总体情况: the indicators (their city rows) counted by status, every status present, worst first; the
    tasks without a number (督办事项) are counted apart, in `tasks`."""
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
    follow_ups: FollowUps = FollowUps()
    """下一步要求 / 督办: who must act on what, by when."""
    issue: int | None = None
    """The report's number (第6期): `report --issue N`, or counted from the plan's `first_issue`."""
    tasks: Mapping[Status, int] = field(default_factory=lambda: MappingProxyType({}))
    """The tasks (督办事项: their city rows) counted by status, as `overview` (empty: the plan has none)."""
    counties_lagging: tuple[Lagging, ...] = ()
    """The indicators on track (or met) for the city with some counties missed or behind: listed apart, under
    their own heading, for a card under 滞后 whose status says 正常推进 would contradict itself. Most lagging
    counties first, then plan order."""

    def numbered(self, issue: int | None = None) -> "Report":
        """The report with its number: `issue`, else the plan's `first_issue` counted on one a month from the
        plan's first month (`first_issue = 1`: June's report of a year's plan is 第6期), else none."""
        from dataclasses import replace

        if issue is None and self.plan.first_issue is not None:
            year, month = map(int, self.gaps.period.split("-"))
            issue = self.plan.first_issue + (year - self.plan.start.year) * 12 + month - self.plan.start.month
        return replace(self, issue=issue)

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
    tasks = [row for row in city_rows if row.is_task]
    return Report(gaps, MappingProxyType(count_statuses(row for row in city_rows if not row.is_task)),
                  tuple(lagging), scoreboard(gaps), MappingProxyType(grid), tuple(owners),
                  follow_ups=_follow_ups(gaps, lagging + counties_lagging),
                  tasks=MappingProxyType(count_statuses(tasks) if tasks else {}),
                  counties_lagging=tuple(counties_lagging))


def _follow_ups(gaps: Gaps, items: list[Lagging]) -> FollowUps:
    """Each lagging indicator for its owner (with its areas behind; no owner: a group of its own) and for each
    area directly within the whole that is behind on it (a province's city, not also its county)."""
    plan = gaps.plan
    by = {ind.id: _next_date(ind, gaps.as_of) for ind in plan.indicators}
    order = {ind.id: n for n, ind in enumerate(plan.indicators)}
    items = sorted(items, key=lambda item: order[item.row.indicator])
    owners: dict[str | None, list[FollowUp]] = {}
    areas: dict[str, list[FollowUp]] = {}
    for item in items:
        owners.setdefault(item.row.owner, []).append(FollowUp(item.row, item.counties, by[item.row.indicator]))
        for row in item.counties:
            if gaps.directly_within(row.county):
                areas.setdefault(row.county, []).append(FollowUp(row, (), by[row.indicator]))
    owner_order = [owner.id for owner in plan.owners if owner.id in owners] + [o for o in owners if o is None]
    area_order = [area.id for area in plan.areas]
    return FollowUps(tuple((o, tuple(owners[o])) for o in owner_order),
                     tuple((a, tuple(areas[a])) for a in area_order if a in areas))


def _next_date(ind, as_of: dt.date) -> dt.date | None:
    """The indicator's next milestone after `as_of`, else its deadline; None from the deadline day on (due)."""
    coming = [m.date for m in ind.milestones if m.date > as_of]
    return min(coming) if coming else ind.deadline if ind.deadline > as_of else None
