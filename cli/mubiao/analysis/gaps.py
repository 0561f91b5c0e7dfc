"""Where every indicator stands at a date, in every county and for the city (docs/contract.md §4-5).

`compute_gaps(plan, progress, as_of)` takes what `read_progress` read (or any tidy DataFrame of records, as
`load_progress` gives) and returns `Gaps`: one row per indicator and county (and one city row per indicator),
each with the numbers behind its status, and the completeness of the as-of month. The rows are kept as columns
(`GapTable`, numpy arrays); `GapRow` objects are made when `Gaps.rows` is first used, and `Gaps.frame()` gives
them as a pandas DataFrame. How they are computed is in `mubiao.analysis.engine`.

Units: `progress` and `expected_progress` are fractions of the way from baseline to target (1 = target);
`shortfall` is in percentage points (100 × the difference of the two); `expected`, `actual`, `remaining`,
`target` and `baseline` are in the indicator's unit (a milestone city row: the share of counties done, 0..1).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields, replace
from functools import cached_property
from typing import TYPE_CHECKING, Iterable, Mapping, Sequence

from mubiao.models import CITY, WORST_FIRST, Indicator, Kind, Milestone, Pace, Plan, Scope, Status, stage_at
from mubiao.numbers import TOLERANCE, month_end, month_of, reaches

if TYPE_CHECKING:
    import numpy
    import pandas

    from mubiao.analysis.changes import Changes
    from mubiao.analysis.timeliness import Timeliness
    from mubiao.readers.progress import ProgressRead, ReadProblems

#: The values of `projected_status`, by their code in `GapTable.projected_status` (0: none).
PROJECTED_STATUSES = (None, "will_meet", "will_miss")


@dataclass(frozen=True)
class Refusal:
    """A unit's figure of an indicator (or its whole file) for a month, refused for an error: the row of the gaps
    stands at an earlier record, or at none (docs/progress-files.md, "One bad file")."""

    period: str
    """The month the refused figure was for, `YYYY-MM`."""
    file: str
    """The file from its plan's folder on (`2021-06/pujiang.csv`)."""
    line: int | None
    """The row of the file (None: the file as a whole could not be read)."""
    code: str
    message: str

    def as_dict(self) -> dict:
        return {"period": self.period, "file": self.file, "line": self.line, "code": self.code,
                "message": self.message}


@dataclass(frozen=True, slots=True)
class GapRow:
    """One indicator in one county (or for the city) at the as-of date. The fields, in order, are the row of
    docs/contract.md §5; a number that cannot be computed is None."""

    goal: str
    indicator: str
    name: str
    kind: str
    direction: str
    unit: str | None
    owner: str | None
    """Owner id (the responsible department)."""
    county: str | None
    """County id; None on the city row (and on the one row of a scope-city indicator)."""
    baseline: float | None
    target: float | None
    """None on a count row with no county target."""
    expected: float | None
    """Where the row should stand at the as-of date (序时目标), in the indicator's unit."""
    actual: float | None
    """The reported value (city: rolled up from the counties); None when nothing was reported."""
    progress: float | None
    """Fraction of the way from baseline to target: (actual − baseline) / (target − baseline)."""
    expected_progress: float | None
    """Fraction of the way the pace expects by the as-of date (序时进度)."""
    shortfall: float | None
    """Percentage points below the expected progress (negative when ahead)."""
    remaining: float | None
    """How far the actual value still is from the target (0 once met)."""
    status: Status
    deadline: dt.date
    reported_period: str | None
    """The month of the record used (city: the latest month among the records that fed it)."""
    stale: bool
    """True when the record used is from a month before the as-of month (city: any of them is)."""
    counties_reporting: int | None
    """City rows of scope-county indicators: how many counties fed the city figure."""
    counties_total: int | None
    """City rows of scope-county indicators: how many counties report the indicator."""
    projected: float | None
    """Linear-paced rows with two records or more: the value at the deadline at the pace of recent records."""
    projected_status: str | None
    """`will_meet` or `will_miss` when there is a projection and a target."""

    stages: tuple[str, ...] = ()
    """A task's stage words (not a field of the contract's row: `stage` and `expected_stage` say them)."""
    nodes: tuple[Milestone, ...] = ()
    """A task's nodes: the stage due by each date (not a field of the contract's row)."""
    stretch: float | None = None
    """The whole's row of an indicator with a stretch target (力争), or the upper end of its range (`ranged`); not a
    field of the contract's row."""
    ranged: bool = False

    @property
    def stretch_met(self) -> bool | None:
        """Whether the figure reaches the stretch target (None: no stretch, or no figure)."""
        if self.stretch is None or self.actual is None:
            return None
        return reaches(self.actual, self.stretch, self.direction == "decrease")

    @property
    def is_city(self) -> bool:
        return self.county is None

    @property
    def is_task(self) -> bool:
        return self.kind == Kind.TASK.value

    @property
    def stage(self) -> str | None:
        """A task row's stage (a rolled-up row's: the least advanced area's), None when not reported."""
        return _stage(self.stages, self.actual)

    @property
    def expected_stage(self) -> str | None:
        """The stage a task row should have reached by the as-of date (its last node passed), None before any."""
        return _stage(self.stages, self.expected) if self.expected else None

    @property
    def partial(self) -> bool:
        """A city figure fed by fewer counties than report the indicator."""
        return self.counties_total is not None and (self.counties_reporting or 0) < self.counties_total


def _stage(stages: tuple[str, ...], share: float | None) -> str | None:
    return stage_at(stages, share) if stages and share is not None else None


#: The field names of a row, in the order of docs/contract.md §5 (plus the projection).
#: The fields a row holds beside the contract's: a task's stages and nodes, a stretch target.
EXTRA_FIELDS = ("stages", "nodes", "stretch", "ranged")
ROW_FIELDS = tuple(f.name for f in fields(GapRow) if f.name not in EXTRA_FIELDS)

#: The fields of a row that are numbers in the indicator's unit (or fractions): NaN in `GapTable`, None in a row.
NUMBER_FIELDS = ("baseline", "target", "expected", "actual", "progress", "expected_progress", "shortfall",
                 "remaining", "projected")


@dataclass(frozen=True, eq=False)
class GapTable:
    """The rows of a gap report as columns: one numpy array per field, row i across all of them, in the order of
    `Gaps.rows`. Codes stand for what repeats: `indicator` is a position in `indicators`, `county` a position in
    `counties` (−1 on city rows), `status` a severity (the position in WORST_FIRST), `reported_period` a position
    in `periods` (−1: none). Numbers that cannot be computed are NaN; counts that do not apply are −1."""

    indicators: tuple[Indicator, ...]
    counties: tuple[str, ...]
    """County ids, in plan order."""
    periods: tuple[str, ...]
    """The months (`YYYY-MM`) that `reported_period` refers to, in order."""
    indicator: "numpy.ndarray"
    county: "numpy.ndarray"
    baseline: "numpy.ndarray"
    target: "numpy.ndarray"
    expected: "numpy.ndarray"
    actual: "numpy.ndarray"
    progress: "numpy.ndarray"
    expected_progress: "numpy.ndarray"
    shortfall: "numpy.ndarray"
    remaining: "numpy.ndarray"
    status: "numpy.ndarray"
    reported_period: "numpy.ndarray"
    stale: "numpy.ndarray"
    counties_reporting: "numpy.ndarray"
    counties_total: "numpy.ndarray"
    projected: "numpy.ndarray"
    projected_status: "numpy.ndarray"
    """A position in PROJECTED_STATUSES (0: none)."""

    #: The fields that hold one value per row (all but the lookup tables).
    COLUMNS = ("indicator", "county", "baseline", "target", "expected", "actual", "progress", "expected_progress",
               "shortfall", "remaining", "status", "reported_period", "stale", "counties_reporting",
               "counties_total", "projected", "projected_status")

    def __len__(self) -> int:
        return len(self.indicator)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, GapTable):
            return NotImplemented
        return self.rows() == other.rows()

    __hash__ = None  # type: ignore[assignment]  # equal by content, like the tuple of rows it stands for

    def take(self, which: "numpy.ndarray") -> GapTable:
        """The rows picked by `which` (a boolean mask or positions), in that order."""
        return replace(self, **{name: getattr(self, name)[which] for name in self.COLUMNS})

    def rows(self) -> tuple[GapRow, ...]:
        """The rows as GapRow objects (a number that cannot be computed is None)."""
        columns = self.columns()
        from itertools import repeat

        extras: list = [repeat(()), repeat(()), repeat(None), repeat(False)]  # (most plans: none of them, no cost)
        if any(ind.is_task for ind in self.indicators):
            tasks = [ind if ind.is_task else None for ind in self.indicators]
            extras[0] = lookup([ind.stages if ind else () for ind in tasks], self.indicator)
            extras[1] = lookup([ind.milestones if ind else () for ind in tasks], self.indicator)
        if any(ind.stretch is not None for ind in self.indicators):
            whole = (self.county < 0).tolist()  # a stretch target is the plan's, for the whole
            extras[2] = [value if at_whole else None for value, at_whole in
                         zip(lookup([ind.stretch for ind in self.indicators], self.indicator), whole)]
            extras[3] = lookup([ind.ranged for ind in self.indicators], self.indicator)
        return tuple(map(GapRow, *(columns[name] for name in ROW_FIELDS), *extras))

    def columns(self, numbers: bool = True) -> dict[str, list]:
        """Each field of ROW_FIELDS as a list of the rows' values, as GapRow holds them (without the NUMBER_FIELDS
        when `numbers` is False)."""
        inds = self.indicators
        by_indicator = {
            "goal": [ind.goal for ind in inds], "indicator": [ind.id for ind in inds],
            "name": [ind.name for ind in inds], "kind": [ind.kind.value for ind in inds],
            "direction": [ind.direction.value for ind in inds], "unit": [ind.unit for ind in inds],
            "owner": [ind.owner for ind in inds], "deadline": [ind.deadline for ind in inds],
        }
        columns = {name: lookup(values, self.indicator) for name, values in by_indicator.items()}
        columns["county"] = lookup([*self.counties, None], self.county)  # −1 (a city row) reads the None
        for name in NUMBER_FIELDS if numbers else ():
            columns[name] = _none_for_nan(getattr(self, name))
        columns["status"] = lookup(list(WORST_FIRST), self.status)
        columns["reported_period"] = lookup([*self.periods, None], self.reported_period)
        columns["stale"] = self.stale.tolist()
        for name in ("counties_reporting", "counties_total"):
            counts = getattr(self, name).astype(object)
            counts[getattr(self, name) < 0] = None
            columns[name] = counts.tolist()
        columns["projected_status"] = lookup(list(PROJECTED_STATUSES), self.projected_status)
        return columns


def lookup(values: Sequence, codes: "numpy.ndarray") -> list:
    """`values[code]` for each code, as a list (a code of −1 reads the last value)."""
    import numpy as np

    table = np.empty(len(values), dtype=object)
    table[:] = values
    return table[codes].tolist()


def _none_for_nan(numbers: "numpy.ndarray") -> list:
    """The numbers as Python floats, None where NaN."""
    import numpy as np

    values = numbers.astype(object)
    values[np.isnan(numbers)] = None
    return values.tolist()


@dataclass(frozen=True)
class MissingReports:
    """A county that has not reported some indicators for the as-of month."""

    county: str
    indicators: tuple[str, ...]


@dataclass(frozen=True)
class Completeness:
    """Who reported what for the as-of month, over the scope-county indicators (docs/contract.md §5)."""

    period: str
    expected: int
    """Counties × indicators: the (county, indicator) pairs due this month."""
    reported: int
    """The pairs with a record for exactly this month."""
    missing: tuple[MissingReports, ...]
    """In plan order: each county with a missing pair, and which indicators."""
    own_expected: int = 0
    """The bureau's own (市本级) indicators (scope city) due this month: beside the counties' pairs, never in
    `expected` (docs/contract.md §5 counts the counties' only)."""
    own_missing: tuple[str, ...] = ()
    """Those of them with no record of this month, in plan order."""

    @property
    def rate(self) -> float | None:
        return self.reported / self.expected if self.expected else None

    @property
    def every_missing(self) -> tuple[MissingReports, ...]:
        """`missing`, then the bureau's own row (`city`) when it has not sent some of its indicators."""
        own = (MissingReports(CITY, self.own_missing),) if self.own_missing else ()
        return self.missing + own


@dataclass(frozen=True)
class Gaps:
    """The gap report of a plan at a date: the rows in plan order (each indicator's city row first, then its
    counties in plan order) and the completeness of the as-of month. The rows are kept as columns (`table`);
    `rows` makes GapRow objects of them the first time it is used."""

    plan: Plan
    as_of: dt.date
    table: GapTable
    completeness: Completeness
    area: str | None = None
    """The region these rows are of (`within`; None: the whole): its areas are the ones a scoreboard ranks."""
    problems: "ReadProblems | None" = None
    """The errors of the files read that the rows went on without (`mubiao.workspace` sets it), if any."""
    before: "Gaps | None" = None
    """The rows of an earlier month to compare with (`mubiao.analysis.changes`), from the same read, if asked."""
    timeliness: "Timeliness | None" = None
    """When the month's files came in against the plan's due day (`mubiao.workspace` sets it), if it names one."""
    refused: "Mapping[tuple[str | None, str], Refusal]" = field(default_factory=dict)
    """(area id, or None for a scope-city row; indicator id) → why a later month's figure than the row's record
    was refused (`Refusal`): only the rows whose figure would be newer but for an error."""
    unreported_since: str | None = None
    """The month asked to compare with (`YYYY-MM`) when nothing at all was reported for it: nothing is compared
    then (a month without reports says nothing of what changed), and the outputs say so."""

    @cached_property
    def changes(self) -> "Changes | None":
        """What changed since `before` (`mubiao.analysis.changes`), None without it: worked out once, for every
        renderer that says it."""
        from mubiao.analysis.changes import changes

        return changes(self)

    @cached_property
    def any_refused(self) -> bool:
        """Whether a row of these (the view's, after `select`) has a refused later figure: its legend, its
        column."""
        return bool(self.refused) and any(self.refusal(row) is not None for row in self.rows)

    def refusal(self, row: GapRow) -> "Refusal | None":
        """Why this row's figure for a later month than its record's was refused, if it was."""
        return self.refused.get((row.county, row.indicator)) if self.refused else None

    @cached_property
    def rows(self) -> tuple[GapRow, ...]:
        """The rows, in plan order."""
        return self.table.rows()

    @property
    def period(self) -> str:
        """The as-of month, `YYYY-MM`."""
        return month_of(self.as_of)

    def frame(self) -> "pandas.DataFrame":
        """The rows as a DataFrame with the columns ROW_FIELDS (status as its string value)."""
        import pandas as pd

        frame = pd.DataFrame([_plain(row) for row in self.rows], columns=list(ROW_FIELDS))
        return frame

    def select(
        self,
        counties: Iterable[str] | None = None,
        owners: Iterable[str] | None = None,
        goals: Iterable[str] | None = None,
        statuses: Iterable[Status] | None = None,
    ) -> Gaps:
        """The rows of these counties (`city` for city rows), owners, goals and statuses (None: all).

        Completeness is narrowed to the chosen counties and indicators; statuses do not narrow it."""
        import numpy as np

        if counties is None and owners is None and goals is None and statuses is None:
            return self
        if counties is None and self.area is not None:  # the rows are a region's (`within`): they stay so
            counties = self._inside(self.area)
        county_ids = None if counties is None else {None if c == CITY else c for c in counties}
        owner_ids = None if owners is None else set(owners)
        goal_ids = None if goals is None else set(goals)
        wanted = None if statuses is None else {Status(s) for s in statuses}

        table = self.table
        keep = np.ones(len(table), dtype=bool)
        if county_ids is not None:
            positions = [-1 if None in county_ids else -2,  # −1 is a city row; −2 is no row at all
                         *(i for i, county in enumerate(table.counties) if county in county_ids)]
            keep &= np.isin(table.county, positions)
        indicator_kept = np.array([(owner_ids is None or ind.owner in owner_ids)
                                   and (goal_ids is None or ind.goal in goal_ids) for ind in table.indicators],
                                  dtype=bool)
        if len(table.indicators):
            keep &= indicator_kept[table.indicator]
        if wanted is not None:
            keep &= np.isin(table.status, [status.severity for status in wanted])

        indicators = {ind.id for ind in self.plan.indicators
                      if (owner_ids is None or ind.owner in owner_ids) and (goal_ids is None or ind.goal in goal_ids)}
        missing = []
        for entry in self.completeness.missing:
            if county_ids is not None and entry.county not in county_ids:
                continue
            chosen = tuple(i for i in entry.indicators if i in indicators)
            if chosen:
                missing.append(MissingReports(entry.county, chosen))
        expected = sum(len(self.plan.reporting_counties(ind)) if county_ids is None else
                       sum(1 for c in self.plan.reporting_counties(ind) if c.id in county_ids)
                       for ind in self.plan.indicators if ind.id in indicators)
        unreported = sum(len(m.indicators) for m in missing)
        own = county_ids is None or None in county_ids  # (`city` was read as None above)
        own_due = {i for i in indicators if self.plan.indicator(i).scope is Scope.CITY} if own else set()
        completeness = replace(self.completeness, expected=expected, reported=expected - unreported,
                               missing=tuple(missing), own_expected=len(own_due),
                               own_missing=tuple(i for i in self.completeness.own_missing if i in own_due))
        timeliness = self.timeliness
        if timeliness is not None and county_ids is not None:  # the units of the view only
            timeliness = timeliness.narrowed({c for c in county_ids if c is not None})
        return replace(self, table=table.take(keep), completeness=completeness, timeliness=timeliness)

    def directly_within(self, county: str | None) -> bool:
        """Whether a row's area (None: the whole's row) is directly within the area these rows are of (`area`):
        a city's counties, a province's cities; what a report ranks and lists."""
        if county is None or county == self.area:
            return False
        return (self.plan.ancestors(county) or (None,))[0] == self.area

    def within(self, area: str | None) -> Gaps:
        """The rows of a region (or a unit) and of every area within it, its completeness that of its units
        (`mubiao gaps --area`); None: all of them."""
        if area is None:
            return self
        return replace(self.select(counties=self._inside(area)), area=area,
                       before=None if self.before is None else self.before.within(area))

    def _inside(self, area: str) -> set[str]:
        """An area and the areas within it."""
        return {area, *(a.id for a in self.plan.areas if area in self.plan.ancestors(a.id))}

    def worst_status(self) -> Status | None:
        """The worst status among the rows (None when there are none)."""
        if not len(self.table):
            return None
        return WORST_FIRST[int(self.table.status.min())]

    def fails(self, fail_on: Status | None) -> bool:
        """Whether a row stands at `fail_on` or worse (`--fail-on`; never when `fail_on` is None)."""
        worst = self.worst_status()
        return fail_on is not None and worst is not None and worst.severity <= fail_on.severity


def count_statuses(rows: Iterable[GapRow]) -> dict[Status, int]:
    """How many rows stand at each status (every status present, worst first)."""
    counts = {status: 0 for status in WORST_FIRST}
    for row in rows:
        counts[row.status] += 1
    return counts


def _plain(row: GapRow) -> dict:
    values = {name: getattr(row, name) for name in ROW_FIELDS}
    values["status"] = row.status.value
    return values


# ----------------------------------------------------------------------------------------------- the rows


def compute_gaps(
    plan: Plan,
    progress: "pandas.DataFrame | ProgressRead",
    as_of: dt.date | None = None,
    *,
    indicators: Sequence[str] | None = None,
) -> Gaps:
    """Every row of the plan at `as_of` (default: the last day of the latest month with data), docs/contract.md §4.

    `progress` is what `read_progress` read, or a tidy DataFrame with the columns of `load_progress` (county,
    period, indicator, value, numerator, denominator, done_on). Records of counties the plan does not list for an
    indicator, of ids it does not know, and blank records, are not counted. `indicators` narrows the computation
    to some indicator ids (plan order is kept)."""
    import numpy as np

    from mubiao.analysis import engine
    from mubiao.readers.layout import month_number

    with engine.records(plan, progress) as connection:
        if as_of is None:
            as_of = _latest_month_end(plan, engine.latest_month(connection))
        month = month_number(month_of(as_of))
        wanted = None if indicators is None else set(indicators)
        positions = [i for i, ind in enumerate(plan.indicators) if wanted is None or ind.id in wanted]
        chosen = [plan.indicators[i] for i in positions]
        linear = any(ind.pace in engine.PROJECTED and ind.scope is Scope.COUNTY for ind in chosen)
        before = [m for m in range(month - engine.PROJECTION_RECORDS + 1, month)
                  if m >= month_number(plan.first_month)] if linear else []
        latest = engine.latest(connection, positions, month, before[::-1])
        layout = _Layout.of(plan, chosen, positions)
        county = _county_rows(plan, layout, latest, as_of, month)
        county_assessed = engine.assess(plan, county, as_of)
        wholes = _Wholes.of(plan, layout)
        rolled = _rolled_rows(connection, plan, layout, wholes, latest, as_of, month, before)
        rolled_assessed = engine.assess(plan, rolled, as_of)
        level = np.array([ind.kind is Kind.LEVEL and ind.scope is Scope.COUNTY for ind in chosen],
                         dtype=bool)[wholes.block]
        worst = engine.worst_status(wholes.member_whole, county_assessed.status[wholes.member_row], len(wholes.area))
        rolled_assessed = replace(rolled_assessed,
                                  status=np.where(level, worst, rolled_assessed.status).astype(np.int8))
        table = _in_plan_order(plan, layout, wholes, (rolled, rolled_assessed), (county, county_assessed))
        completeness = _completeness(plan, layout, engine.reported_pairs(connection, month), month_of(as_of))
        refused = _refused(connection, plan, table, month) if hasattr(progress, "store") else {}
    return Gaps(plan=plan, as_of=as_of, table=table, completeness=completeness, refused=refused)


def _refused(connection, plan: Plan, table: GapTable, month: int) -> dict[tuple[str | None, str], Refusal]:
    """`Gaps.refused`: of each unit row (and scope-city row), the latest figure refused for a month after its
    record's and not after `month`, with the first error of its row (of its cell, in a wide table), or of its
    file, for a file not read (whatever line that error names: a D002 at line 1)."""
    from mubiao.checks.findings import RULES, Severity
    from mubiao.readers.layout import from_plan_folder, month_number, month_text

    found = connection.execute("""
        SELECT r.county, r.indicator, r.period, f.name, r."row", d.line, d.code, d.message
        FROM refused r JOIN read_files f USING (file)
             JOIN findings d ON d.file = r.file AND (r."row" = 0 OR (d.line = r."row"
                                                     AND (r."column" IS NULL OR d."column" = r."column")))
        WHERE r.period <= ? ORDER BY r.period, f.position, r."row", d.line NULLS FIRST, d."column" NULLS FIRST""",
                               [month]).fetchall()
    latest: dict[tuple[int, int], Refusal] = {}
    for county, indicator, period, name, _, line, code, message in found:
        if RULES[code].severity is Severity.ERROR:
            refusal = Refusal(month_text(period), from_plan_folder(name, plan.id), line, code, message)
            key = (county, indicator)
            if key not in latest or latest[key].period < refusal.period:  # (a month's first error says why)
                latest[key] = refusal
    if not latest:
        return {}
    code = plan.area_codes
    units = len(plan.counties)
    positions = {ind.id: i for i, ind in enumerate(plan.indicators)}
    areas = [*table.counties, None]
    periods = [*table.periods, None]
    refused = {}
    for county, indicator, period in zip(table.county.tolist(), table.indicator.tolist(),
                                         table.reported_period.tolist()):
        ind = table.indicators[indicator]
        area = areas[county]
        if area is None and ind.scope is not Scope.CITY:
            continue  # a rolled-up row: its units' rows say it
        where = 0 if area is None else code[area]
        if where > units:
            continue  # a region's row: rolled up too
        position = positions[ind.id]
        refusal = max((r for r in (latest.get((where, position)), latest.get((where, -1))) if r is not None),
                      key=lambda r: r.period, default=None)
        reported = periods[period]
        if refusal is not None and (reported is None or month_number(refusal.period) > month_number(reported)):
            refused[(area, ind.id)] = refusal
    return refused


def default_as_of(plan: Plan, progress: "pandas.DataFrame | ProgressRead") -> dt.date:
    """The last day of the latest month with a record that reports a figure (docs/contract.md §1). With no data
    at all: today, kept within the plan's period, so that the expected values still say where things should be."""
    from mubiao.analysis import engine

    with engine.records(plan, progress) as connection:
        return _latest_month_end(plan, engine.latest_month(connection))


def _latest_month_end(plan: Plan, latest_month: int | None) -> dt.date:
    from mubiao.readers.layout import month_text

    if latest_month is not None:
        return month_end(month_text(latest_month))
    return min(max(dt.date.today(), plan.start), plan.end)  # today itself, not its month's end (docs/gaps.md)


def reported_records(plan: Plan, progress: "pandas.DataFrame | ProgressRead",
                     indicator: str) -> dict[tuple[str, str], float]:
    """(county id, month) → the value x (as docs/contract.md §2 reads it) of one indicator's records that have one;
    of several in a month, the last in the read's order."""
    from mubiao.analysis import engine
    from mubiao.readers.layout import month_text

    with engine.records(plan, progress) as connection:
        rows = connection.execute("SELECT county, period, arg_max(x, key) FROM engine_x WHERE x IS NOT NULL AND "
                                  "indicator = ? GROUP BY ALL", [plan.indicators.index(plan.indicator(indicator))])
        areas = (CITY, *(county.id for county in plan.counties))
        return {(areas[county], month_text(period)): x for county, period, x in rows.fetchall()}


@dataclass(frozen=True)
class _Layout:
    """Where the county rows are: one per (chosen scope-county indicator, reporting county), indicators in plan
    order and each one's counties in plan order. `indicator` is a position in plan.indicators, `area` a county's
    code (its place in plan.counties + 1), `block` the row's indicator's place among the chosen, whose `sizes` say
    how many county rows each has (0 for scope city)."""

    chosen: tuple[Indicator, ...]
    positions: "numpy.ndarray"
    sizes: "numpy.ndarray"
    indicator: "numpy.ndarray"
    area: "numpy.ndarray"
    block: "numpy.ndarray"
    counties: list[list[str]]
    """The ids of each chosen indicator's counties."""

    @classmethod
    def of(cls, plan: Plan, chosen: Sequence[Indicator], positions: Sequence[int]) -> _Layout:
        import numpy as np

        code = plan.area_codes
        counties = [[county.id for county in plan.reporting_counties(ind)] for ind in chosen]
        sizes = np.array([len(ids) for ids in counties], dtype=np.int64)
        block = np.repeat(np.arange(len(chosen), dtype=np.int64), sizes)
        area = np.array([code[c] for ids in counties for c in ids], dtype=np.int64)
        positions = np.asarray(positions, dtype=np.int64)
        return cls(tuple(chosen), positions, sizes, positions[block] if len(block) else block, area, block, counties)


def _county_rows(plan: Plan, layout: _Layout, latest, as_of: dt.date, month: int):
    """The county rows: each one's target and baseline (the indicator's own rules, docs/contract.md §2), its
    latest record, and where its pace says it should be."""
    import numpy as np

    from mubiao.analysis.engine import Rows

    targets, baselines, expected = [np.empty(0)], [np.empty(0)], [np.empty(0)]
    for ind, counties in zip(layout.chosen, layout.counties):
        target = np.array([np.nan if t is None else t for t in ind.county_targets(counties)], dtype=np.float64)
        baseline = np.array(ind.county_baselines(counties), dtype=np.float64)
        targets.append(target)
        baselines.append(baseline)
        expected.append(baseline + _county_fraction(plan, ind, as_of) * (target - baseline))
    found = _found(latest, layout.indicator, layout.area, len(plan.indicators), len(plan.counties))
    period = _at(latest.period, found, -1)
    none = np.full(len(found), -1, dtype=np.int64)
    return Rows(indicator=layout.indicator, target=np.concatenate(targets), baseline=np.concatenate(baselines),
                expected=np.concatenate(expected), x=_at(latest.x, found, np.nan), period=period,
                stale=(period >= 0) & (period < month), records=_at(latest.records, found, 0),
                pace_x=_at(latest.pace_x, found, np.nan), pace_period=_at(latest.pace_period, found, -1),
                anchor_period=period, counties_reporting=none, counties_total=none)


@dataclass(frozen=True)
class _Wholes:
    """The rolled-up rows: the whole's row of each chosen indicator (area 0, in the order of the chosen), then
    each region's row of each indicator that some unit within it reports. `block` is the row's indicator's place
    among the chosen, `sizes` how many units report it there; each unit row of `_Layout` belongs to its
    indicator's whole row and to the rows of the regions it is within (`member_row` → `member_whole`)."""

    area: "numpy.ndarray"
    block: "numpy.ndarray"
    sizes: "numpy.ndarray"
    member_row: "numpy.ndarray"
    member_whole: "numpy.ndarray"

    @classmethod
    def of(cls, plan: Plan, layout: _Layout) -> _Wholes:
        import numpy as np

        blocks = len(layout.chosen)
        # the whole's row of an indicator whose city's own figures count into it (`own_counts`) has 市本级 as one
        # more area reporting: without its figures, the whole is partial
        area, block = [0] * blocks, list(range(blocks))
        sizes = [size + ind.own_counts for size, ind in zip(layout.sizes.tolist(), layout.chosen)]
        member_row, member_whole = [np.arange(len(layout.block))], [layout.block]
        if plan.regions:  # a deeper plan: a row per region and indicator, in the order of plan.regions
            code = plan.area_codes
            rows: dict[tuple[int, int], list[int]] = {}
            for row, (b, county) in enumerate(zip(layout.block.tolist(), layout.area.tolist())):
                for region in plan.ancestors(plan.counties[county - 1].id):
                    rows.setdefault((code[region], b), []).append(row)
            pairs = sorted(rows, key=lambda pair: (pair[1], pair[0]))
            for n, pair in enumerate(pairs, start=blocks):
                area.append(pair[0])
                block.append(pair[1])
                sizes.append(len(rows[pair]))
                member_row.append(np.array(rows[pair], dtype=np.int64))
                member_whole.append(np.full(len(rows[pair]), n, dtype=np.int64))
        return cls(np.array(area, dtype=np.int64), np.array(block, dtype=np.int64), np.array(sizes, dtype=np.int64),
                   np.concatenate(member_row).astype(np.int64), np.concatenate(member_whole).astype(np.int64))


def region_targets(plan: Plan, ind: Indicator) -> dict[str, tuple[float, float]]:
    """Each region's target and baseline of an indicator (docs/gaps.md, "areas within areas"), in one pass from
    the units up: its own `allocation` and `baselines` entries where the plan gives them; else, for a count, the
    sums of those of the areas directly within it that report the indicator (no target, NaN, when one of them
    has none); else, as a unit's, `per_county` or the plan's. A milestone's is 1 and 0."""
    if ind.kind.done_or_not:
        return {region.id: (1.0, 0.0) for region in plan.regions}
    reporting = {county.id for county in plan.reporting_counties(ind)}
    regions = {region.id for region in plan.regions}
    target: dict[str, float | None] = {}
    baseline: dict[str, float] = {}
    for area in reversed(plan.areas):  # the areas within a region come after it in plan.areas: here, before
        if area.id not in regions:
            if area.id in reporting:
                target[area.id] = ind.county_targets([area.id])[0]
                baseline[area.id] = ind.county_baselines([area.id])[0]
            continue
        parts = [child.id for child in plan.children(area.id) if child.id in target]
        if not parts:
            continue  # no unit within it reports the indicator: it has no row
        summed = ind.kind is Kind.COUNT
        if area.id in ind.allocation:
            target[area.id] = ind.allocation[area.id]
        elif summed:
            found = [target[part] for part in parts]
            target[area.id] = None if None in found else sum(found)
        else:
            target[area.id] = ind.county_targets([area.id])[0]
        if area.id in ind.baselines:
            baseline[area.id] = ind.baselines[area.id]
        else:
            baseline[area.id] = sum(baseline[part] for part in parts) if summed else ind.county_baselines([area.id])[0]
    return {area: (float("nan") if target[area] is None else target[area], baseline[area])
            for area in target if area in regions}


def _rolled_rows(connection, plan: Plan, layout: _Layout, wholes: _Wholes, latest, as_of: dt.date, month: int,
                 before: list[int]):
    """The rolled-up rows (`_Wholes`): rolled up from the unit rows by kind or, for a scope-city indicator, the
    city's own latest record (docs/contract.md §2, §4); their figures as of the months `before` (oldest first)
    set the pace of their projections. The whole's target, baseline and pace are the plan's; a region's are its
    own (`region_targets`), on the way the plan's milestones set, as a unit's are."""
    import numpy as np

    from mubiao.analysis import engine

    chosen = [layout.chosen[b] for b in wholes.block.tolist()]
    whole = wholes.area == 0
    areas = [area.id for area in plan.coded_areas]
    scope_city = np.array([ind.scope is Scope.CITY for ind in chosen], dtype=bool) & whole
    milestone = np.array([ind.kind.done_or_not for ind in chosen], dtype=bool)
    target = np.where(milestone, 1.0, np.array([ind.target for ind in chosen], dtype=np.float64))
    baseline = np.where(milestone, 0.0, np.array([ind.baseline for ind in chosen], dtype=np.float64))
    expected = np.empty(len(chosen), dtype=np.float64)
    of_regions: dict[str, dict[str, tuple[float, float]]] = {}  # per indicator, worked out once
    for n, (ind, area) in enumerate(zip(chosen, wholes.area.tolist())):
        if area:
            if ind.id not in of_regions:
                of_regions[ind.id] = region_targets(plan, ind)
            target[n], baseline[n] = of_regions[ind.id][areas[area - 1]]
            expected[n] = baseline[n] + _county_fraction(plan, ind, as_of) * (target[n] - baseline[n])
        else:
            expected[n] = expected_at(*paced_points(_points(ind, plan.start, baseline[n], target[n]), ind),
                                      as_of)

    def figures(moment: int | None = None) -> engine.Figures:
        return engine.rolled_up(connection, layout.chosen, layout.positions, wholes.area, wholes.block,
                                wholes.sizes, month, moment)

    now = figures()
    earlier = np.zeros(len(chosen), dtype=np.int64)  # how many of the months before have a figure
    pace_x = np.full(len(chosen), np.nan)
    pace_period = np.full(len(chosen), -1, dtype=np.int64)
    for moment, earlier_month in reversed(list(enumerate(before[::-1]))):  # oldest first: the first sets the pace
        then = figures(moment).x
        first = ~np.isnan(then) & (earlier == 0)
        pace_x = np.where(first, then, pace_x)
        pace_period = np.where(first, earlier_month, pace_period)
        earlier += ~np.isnan(then)
    has_now = ~np.isnan(now.x)
    paced = has_now & (earlier > 0)
    found = _found(latest, layout.positions[wholes.block], np.zeros(len(chosen), dtype=np.int64),
                   len(plan.indicators), len(plan.counties))
    own_period = _at(latest.period, found, -1)
    return engine.Rows(
        indicator=layout.positions[wholes.block], target=target, baseline=baseline, expected=expected,
        x=np.where(scope_city, _at(latest.x, found, np.nan), now.x),
        period=np.where(scope_city, own_period, now.period),
        stale=np.where(scope_city, (own_period >= 0) & (own_period < month), now.stale),
        records=np.where(scope_city, _at(latest.records, found, 0), np.where(has_now, earlier + 1, 0)),
        pace_x=np.where(scope_city, _at(latest.pace_x, found, np.nan), np.where(paced, pace_x, np.nan)),
        pace_period=np.where(scope_city, _at(latest.pace_period, found, -1), np.where(paced, pace_period, -1)),
        anchor_period=np.where(scope_city, own_period, np.where(has_now, month, -1)),
        counties_reporting=np.where(scope_city, -1, now.reporting),
        counties_total=np.where(scope_city, -1, wholes.sizes))


def _found(latest, indicator: "numpy.ndarray", area: "numpy.ndarray", indicators: int,
           counties: int) -> "numpy.ndarray":
    """The place in `latest` of each (indicator, area) pair (−1: it has no record)."""
    import numpy as np

    where = np.full((max(indicators, 1), counties + 1), -1, dtype=np.int64)
    where[latest.indicator, latest.area] = np.arange(len(latest.indicator))
    return where[indicator, area] if len(indicator) else np.empty(0, dtype=np.int64)


def _at(values: "numpy.ndarray", positions: "numpy.ndarray", missing: object) -> "numpy.ndarray":
    """`values[p]` for each position p, `missing` where p is −1."""
    import numpy as np

    if not len(values):
        return np.full(len(positions), missing, dtype=np.asarray([missing]).dtype)
    return np.where(positions >= 0, values[np.clip(positions, 0, len(values) - 1)], missing)


def _points(ind: Indicator, start: dt.date, baseline: float, target: float) -> list[tuple[dt.date, float]]:
    """(plan start, baseline), each milestone (date, target), (deadline, target)."""
    return [(start, baseline), *((m.date, m.target) for m in ind.milestones), (ind.deadline, target)]


def paced_points(points: list[tuple[dt.date, float]], ind: Indicator) -> tuple[list[tuple[dt.date, float]], Pace]:
    """The points an indicator's expected value moves along, and how it moves between them (linear or step), for
    its pace (docs/plan-format.md "Pace"): `points` are (start, baseline), the milestones and (deadline, target).

    - `none`: as `step`, only the milestones and the deadline ask for anything;
    - `quarterly`: the linear way (through the milestones), asked for at each quarter's end: a step at 3-31,
      6-30, 9-30, 12-31 (and the milestones and the deadline);
    - `profile`: the plan's cumulative share at each month's end, linear in between; a milestone on a date
      replaces the share there."""
    if ind.pace is Pace.NONE:
        return points, Pace.STEP
    start, deadline = points[0][0], points[-1][0]
    if ind.pace is Pace.QUARTERLY:
        quarters = [end for end in month_ends_between(start, deadline) if end.month % 3 == 0]
        asked = dict((day, expected_at(points, Pace.LINEAR, day)) for day in quarters)
        asked.update(points[1:])  # the milestones and the deadline are asked for on their own dates
        return [points[0], *sorted(asked.items())], Pace.STEP
    if ind.pace is Pace.PROFILE and ind.profile:
        baseline, target = points[0][1], points[-1][1]
        ends = month_ends_between(start, deadline)
        shares = dict((day, baseline + share / 100 * (target - baseline)) for day, share in zip(ends, ind.profile))
        shares.update(points[1:])
        return [points[0], *sorted(shares.items())], Pace.LINEAR
    return points, Pace.STEP if ind.pace is Pace.STEP else Pace.LINEAR


def month_ends_between(start: dt.date, end: dt.date) -> list[dt.date]:
    """The last day of each month after `start` up to `end` (the month of `end` included, at its last day or at
    `end` if that is earlier)."""
    import calendar

    days, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        last = dt.date(year, month, calendar.monthrange(year, month)[1])
        if last > start:
            days.append(min(last, end))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return days


def expected_at(points: Sequence[tuple[dt.date, float]], pace: Pace, day: dt.date) -> float:
    """The expected value at `day` along `points` (docs/contract.md §4): linear interpolation by calendar day
    between the points around it (before the first: its value; after the last: its value), or for step pace the
    value of the last point whose date is on or before `day`."""
    if pace is Pace.STEP:
        reached = [value for date, value in points if date <= day]
        return reached[-1] if reached else points[0][1]
    if day <= points[0][0]:
        return points[0][1]
    for (d0, v0), (d1, v1) in zip(points, points[1:]):
        if d0 <= day <= d1:
            span = (d1 - d0).days
            return v1 if span <= 0 else v0 + (v1 - v0) * (day - d0).days / span
    return points[-1][1]


def _county_fraction(plan: Plan, ind: Indicator, as_of: dt.date) -> float:
    """How far along (0..1) a county should be: the plan's milestones as fractions of the plan's way from
    baseline to target, so a county stands at b_c + f × (T_c − b_c) on each milestone's date (docs/contract.md
    §4). Where the plan's target equals its baseline the milestones say nothing about the way: start to deadline."""
    span = ind.target - ind.baseline
    if abs(span) <= TOLERANCE:
        points = [(plan.start, 0.0), (ind.deadline, 1.0)]
    else:
        points = [(plan.start, 0.0), *((m.date, (m.target - ind.baseline) / span) for m in ind.milestones),
                  (ind.deadline, 1.0)]
    return expected_at(*paced_points(points, ind), as_of)


def _in_plan_order(plan: Plan, layout: _Layout, wholes: _Wholes, rolled, county) -> GapTable:
    """The table of all rows in plan order: each chosen indicator's whole row, then its areas' rows in the order
    of plan.areas (a region's row before the rows of the areas within it)."""
    import numpy as np

    from mubiao.readers.layout import month_text

    codes = plan.area_codes
    place = np.zeros(len(codes) + 1, dtype=np.int64)
    place[[codes[area.id] for area in plan.areas]] = np.arange(1, len(plan.areas) + 1)  # the whole's is 0
    block = np.concatenate([wholes.block, layout.block])
    order = np.lexsort((place[np.concatenate([wholes.area, layout.area])], block))
    is_rolled = np.zeros(len(block), dtype=bool)
    is_rolled[:len(wholes.block)] = True

    def merged(rolled_values: "numpy.ndarray", county_values: "numpy.ndarray") -> "numpy.ndarray":
        values = np.empty(len(block), dtype=np.result_type(rolled_values, county_values))
        values[is_rolled] = rolled_values
        values[~is_rolled] = county_values
        return values[order]

    (rolled_rows, rolled_assessed), (county_rows, county_assessed) = rolled, county
    period = merged(rolled_rows.period, county_rows.period)
    months = np.unique(period[period >= 0])
    columns = {"indicator": merged(rolled_rows.indicator, county_rows.indicator),
               "county": merged(wholes.area - 1, layout.area - 1),
               "actual": merged(rolled_rows.x, county_rows.x),
               "reported_period": np.where(period >= 0, np.searchsorted(months, period), -1)}
    for name in ("baseline", "target", "stale", "counties_reporting", "counties_total"):
        columns[name] = merged(getattr(rolled_rows, name), getattr(county_rows, name))
    for name in ("expected", "progress", "expected_progress", "shortfall", "remaining", "status", "projected",
                 "projected_status"):
        columns[name] = merged(getattr(rolled_assessed, name), getattr(county_assessed, name))
    return GapTable(indicators=plan.indicators,
                    counties=tuple(area.id for area in plan.coded_areas),
                    periods=tuple(month_text(int(m)) for m in months), **columns)


def _completeness(plan: Plan, layout: _Layout, reported: tuple, month: str) -> Completeness:
    """For the as-of month, over the scope-county indicators: the (county, indicator) pairs due (the county
    rows) and those with a record of exactly this month (docs/contract.md §5)."""
    import numpy as np

    sent = np.zeros((max(len(plan.indicators), 1), len(plan.counties) + 1), dtype=bool)
    sent[reported[0], reported[1]] = True
    unsent = np.flatnonzero(~sent[layout.indicator, layout.area]) if len(layout.indicator) else np.empty(0, int)
    unsent = unsent[np.argsort(layout.area[unsent], kind="stable")]  # by county, indicators in order
    areas = layout.area[unsent]
    starts = np.flatnonzero(np.r_[True, areas[1:] != areas[:-1]]) if len(areas) else np.empty(0, int)
    ids = [ind.id for ind in plan.indicators]
    missing = [MissingReports(plan.counties[int(areas[start]) - 1].id, tuple(ids[i] for i in layout.indicator[rows]))
               for start, rows in zip(starts, np.split(unsent, starts[1:]))]
    expected = len(layout.indicator)
    own = [int(i) for i, ind in zip(layout.positions, layout.chosen) if ind.scope is Scope.CITY or ind.own_counts]
    return Completeness(period=month, expected=expected, reported=expected - len(unsent), missing=tuple(missing),
                        own_expected=len(own), own_missing=tuple(ids[i] for i in own if not sent[i, 0]))
