"""The gap engine (FORMATS §4): where every indicator stands at a date, in every county and for the city.

`compute_gaps(plan, progress, as_of)` takes the tidy progress table of `load_progress` and returns `Gaps`:
one row per indicator and county (and one city row per indicator), each with the numbers behind its status,
and the completeness of the as-of month.

The engine works on whole columns, never on one row at a time, so that the same code serves a city of ten
counties and a national plan of thousands (hundreds of thousands of rows, millions of records):
  - the records' indicator, county and month are turned into integer codes once (`_Records`);
  - the usable records are sorted once by (indicator, area, month, position in the table) (`_RecordIndex`),
    so a row's latest record, its record count and the records that set its pace are found by binary search;
  - the rows are kept as columns (`GapTable`, numpy arrays); `GapRow` objects are only made when `Gaps.rows`
    is first used, and the JSON renderer reads the columns directly.

Units: `progress` and `expected_progress` are fractions of the way from baseline to target (1 = target);
`shortfall` is in percentage points (100 × the difference of the two); `expected`, `actual`, `remaining`,
`target` and `baseline` are in the indicator's unit (a milestone city row: the share of counties done, 0..1).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields, replace
from functools import cached_property
from typing import TYPE_CHECKING, Iterable, Mapping, Sequence

from mubiao.collector import paused as collector_paused
from mubiao.models import CITY, WORST_FIRST, Direction, Indicator, Kind, Pace, Plan, Scope, Status
from mubiao.numbers import TOLERANCE, month_end, month_of, shift_month

if TYPE_CHECKING:
    import numpy
    import pandas

    from mubiao.readers.progress import ProgressRead

#: How many of a row's latest records set the pace of its projection.
PROJECTION_RECORDS = 3

#: The values of `projected_status`, by their code in `GapTable.projected_status` (0: none).
PROJECTED_STATUSES = (None, "will_meet", "will_miss")


@dataclass(frozen=True, slots=True)
class GapRow:
    """One indicator in one county (or for the city) at the as-of date. The fields, in order, are the row of
    FORMATS §5; a number that cannot be computed is None."""

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

    @property
    def is_city(self) -> bool:
        return self.county is None

    @property
    def partial(self) -> bool:
        """A city figure fed by fewer counties than report the indicator."""
        return self.counties_total is not None and (self.counties_reporting or 0) < self.counties_total


#: The field names of a row, in the order of FORMATS §5 (plus the projection).
ROW_FIELDS = tuple(f.name for f in fields(GapRow))

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
        with collector_paused():
            return tuple(map(GapRow, *(columns[name] for name in ROW_FIELDS)))

    def columns(self) -> dict[str, list]:
        """Each field of ROW_FIELDS as a list of the rows' values, as GapRow holds them."""
        inds = self.indicators
        by_indicator = {
            "goal": [ind.goal for ind in inds], "indicator": [ind.id for ind in inds],
            "name": [ind.name for ind in inds], "kind": [ind.kind.value for ind in inds],
            "direction": [ind.direction.value for ind in inds], "unit": [ind.unit for ind in inds],
            "owner": [ind.owner for ind in inds], "deadline": [ind.deadline for ind in inds],
        }
        columns = {name: lookup(values, self.indicator) for name, values in by_indicator.items()}
        columns["county"] = lookup([*self.counties, None], self.county)  # −1 (a city row) reads the None
        for name in NUMBER_FIELDS:
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


def run_starts(values: "numpy.ndarray") -> "numpy.ndarray":
    """Where each run of equal neighbouring values begins (the first at 0, when there are values)."""
    import numpy as np

    new_run = np.ones(len(values), dtype=bool)
    np.not_equal(values[1:], values[:-1], out=new_run[1:])
    return np.flatnonzero(new_run)


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
    """Who reported what for the as-of month, over the scope-county indicators (FORMATS §5)."""

    period: str
    expected: int
    """Counties × indicators: the (county, indicator) pairs due this month."""
    reported: int
    """The pairs with a record for exactly this month."""
    missing: tuple[MissingReports, ...]
    """In plan order: each county with a missing pair, and which indicators."""

    @property
    def rate(self) -> float | None:
        return self.reported / self.expected if self.expected else None


@dataclass(frozen=True)
class Gaps:
    """The gap report of a plan at a date: the rows in plan order (each indicator's city row first, then its
    counties in plan order) and the completeness of the as-of month. The rows are kept as columns (`table`);
    `rows` makes GapRow objects of them the first time it is used."""

    plan: Plan
    as_of: dt.date
    table: GapTable
    completeness: Completeness

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
        completeness = replace(self.completeness, expected=expected, reported=expected - unreported,
                               missing=tuple(missing))
        return replace(self, table=table.take(keep), completeness=completeness)

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


# ----------------------------------------------------------------------------------------------- the engine


def compute_gaps(
    plan: Plan,
    progress: "pandas.DataFrame | ProgressRead",
    as_of: dt.date | None = None,
    *,
    indicators: Sequence[str] | None = None,
) -> Gaps:
    """Every row of the plan at `as_of` (default: the last day of the latest month with data), FORMATS §4.

    `progress` is the tidy table of `load_progress` (or any DataFrame with its columns), or the `ProgressRead` of
    `read_progress`, whose coded columns are used as they are (no table is built). Records of counties
    the plan does not list for an indicator, and blank records, are not counted. `indicators` narrows the
    computation to some indicator ids (plan order is kept)."""
    chosen = plan.indicators if indicators is None else tuple(i for i in plan.indicators if i.id in set(indicators))
    records = _Records.of(plan, progress)
    if as_of is None:
        as_of = _latest_month_end(plan, records.latest_period())
    month = month_of(as_of)

    layout = _CountyLayout.of(plan, chosen)
    index = _RecordIndex.of(records, layout.chosen_in_plan, month)
    county_rows, county_assessed, county_found = _county_rows(plan, layout, as_of, records, index)
    city = _city_rows(plan, as_of, layout, county_assessed, county_found, records, index)
    table = _in_plan_order(plan, records, layout, (county_rows, county_assessed), city)
    completeness = _completeness(plan, layout, records, month)
    return Gaps(plan=plan, as_of=as_of, table=table, completeness=completeness)


def default_as_of(plan: Plan, progress: "pandas.DataFrame | ProgressRead") -> dt.date:
    """The last day of the latest month with a record that reports a figure (FORMATS §1). With no data at all:
    today, kept within the plan's period, so that the expected values still say where things should be."""
    return _latest_month_end(plan, _Records.of(plan, progress).latest_period())


def _latest_month_end(plan: Plan, latest_period: str | None) -> dt.date:
    if latest_period is not None:
        return month_end(latest_period)
    today = dt.date.today()
    return month_end(month_of(min(max(today, plan.start), plan.end)))


def reported_records(plan: Plan, progress: "pandas.DataFrame") -> "pandas.DataFrame":
    """The records that report something, sorted by month, with each one's value `x` as FORMATS §2 reads it
    (ratio: numerator / denominator × scale where both are given, else its own value) and `usable` when x is
    a number. `has_both`: a ratio record that can feed the city's Σnumerator / Σdenominator."""
    import numpy as np
    import pandas as pd

    records = _Records.of(plan, progress)
    kept = np.flatnonzero(records.reported & (records.indicator >= 0))
    kept = kept[np.argsort(records.period[kept], kind="stable")]  # by month, in table order within a month
    columns = {name: progress[name].to_numpy(dtype=object)[kept] for name in ("indicator", "county", "period")}
    parts = {name: progress[name].to_numpy(dtype="float64", na_value=np.nan)[kept]
             for name in ("numerator", "denominator")}
    return pd.DataFrame({**columns, "x": records.x[kept], **parts, "has_both": records.has_both[kept],
                         "usable": records.usable[kept]})


def _ratio_scale(ind: Indicator) -> float:
    import math

    if ind.kind is not Kind.RATIO:
        return math.nan
    return ind.scale if ind.scale is not None else 100.0


# ------------------------------------------------------------------------------------------------ the records


@dataclass(frozen=True)
class _Records:
    """Every record of the progress table (same length and order), as codes and numbers: `indicator` is a
    position in plan.indicators, `area` a position in plan.counties or `city_area` for the city's own records,
    `period` a position in `periods` (sorted months); −1 for an id or month the plan does not know. `x` is the
    value as FORMATS §2 reads it (NaN: none); `reported` a record with any figure or a completion date."""

    indicator: "numpy.ndarray"
    area: "numpy.ndarray"
    period: "numpy.ndarray"
    periods: tuple[str, ...]
    city_area: int
    areas: int
    """How many area codes there are (the plan's counties and the city)."""
    x: "numpy.ndarray"
    has_both: "numpy.ndarray"
    """A ratio record with a numerator and a non-zero denominator: it can feed Σnumerator / Σdenominator."""
    ratio_records: "numpy.ndarray"
    """The positions of those records (where `has_both`), in order; `ratio_numerator` and `ratio_denominator`
    are their parts. Only they are kept: most records are not ratios, and a copy of every record's parts would
    be hundreds of megabytes of NaN nationally."""
    ratio_numerator: "numpy.ndarray"
    ratio_denominator: "numpy.ndarray"
    reported: "numpy.ndarray"
    usable: "numpy.ndarray"
    """Records whose value x is a number."""

    @classmethod
    def of(cls, plan: Plan, progress: "pandas.DataFrame | ProgressRead") -> _Records:
        """The records of the tidy table, or of a `ProgressRead` (its coded columns: no table to build)."""
        import numpy as np

        if not hasattr(progress, "coded"):
            return cls._of_frame(plan, progress)
        coded, vocabulary = progress.coded, progress.vocabulary
        if vocabulary.indicators != tuple(ind.id for ind in plan.indicators) or \
                vocabulary.counties != (CITY, *(county.id for county in plan.counties)):
            return cls._of_frame(plan, progress.frame)  # read against another plan: by the ids, as a table
        # the vocabulary's counties are the city, then the plan's; its months every month of the plan, in order
        area = coded.county.astype(np.int32, copy=False) - 1
        area[coded.county == 0] = city_area = len(plan.counties)
        return cls._of_arrays(plan, indicator=coded.indicator.astype(np.int32, copy=False), area=area,
                              city_area=city_area, period=coded.period.astype(np.int32, copy=False),
                              periods=vocabulary.periods,
                              value=coded.value, numerator=coded.numerator, denominator=coded.denominator,
                              done_on=~np.isnat(coded.done_on))

    @classmethod
    def _of_frame(cls, plan: Plan, progress: "pandas.DataFrame") -> _Records:
        import numpy as np

        areas = {county.id: position for position, county in enumerate(plan.counties)}
        city_area = areas.setdefault(CITY, len(plan.counties))  # a plan county called `city` would be the city
        period, periods = _period_codes(progress["period"])
        return cls._of_arrays(
            plan, indicator=_codes(progress["indicator"], {ind.id: i for i, ind in enumerate(plan.indicators)}),
            area=_codes(progress["county"], areas), city_area=city_area, period=period, periods=periods,
            value=progress["value"].to_numpy(dtype="float64", na_value=np.nan),
            numerator=progress["numerator"], denominator=progress["denominator"],
            done_on=progress["done_on"].notna().to_numpy())

    @classmethod
    def _of_arrays(cls, plan: Plan, *, indicator: "numpy.ndarray", area: "numpy.ndarray", city_area: int,
                   period: "numpy.ndarray", periods: tuple[str, ...], value: "numpy.ndarray", numerator, denominator,
                   done_on: "numpy.ndarray") -> _Records:
        """`area`'s code `city_area` is the city's own records; `numerator` and `denominator`: float arrays (NaN:
        none) or the table's nullable columns; `done_on`: whether a record has a completion date."""
        import numpy as np

        x = np.array(value, dtype="float64", copy=True)  # a copy: x is written below
        no_value = np.isnan(x)
        no_numerator, no_denominator = (_missing(part) for part in (numerator, denominator))
        reported = done_on | ~(no_value & no_numerator & no_denominator)

        # per indicator once, then read for the records concerned; the extra last entry is read by code −1
        scale = np.array([*(_ratio_scale(ind) for ind in plan.indicators), np.nan])
        is_milestone = np.array([*(ind.kind is Kind.MILESTONE for ind in plan.indicators), False])
        undated = np.flatnonzero(done_on & no_value)
        x[undated[is_milestone[indicator[undated]]]] = 1.0  # a completion date alone says done

        both = np.flatnonzero(~(no_numerator | no_denominator))  # only these records' parts are read
        num, den = (_floats_at(part, both) for part in (numerator, denominator))
        is_ratio = ~np.isnan(num) & (np.abs(den) > TOLERANCE)  # (a nullable column may still hold a NaN)
        is_ratio &= ~np.isnan(scale[indicator[both]])  # of a ratio indicator
        ratios, num, den = both[is_ratio], num[is_ratio], den[is_ratio]
        with np.errstate(over="ignore"):  # the reader refuses such a record (D120); a caller's own table may not
            rate = num / den * scale[indicator[ratios]]
        x[ratios] = np.where(np.isfinite(rate), rate, np.nan)
        has_both = np.zeros(len(x), dtype=bool)
        has_both[ratios] = True
        return cls(indicator=indicator, area=area, period=period, periods=periods, city_area=city_area,
                   areas=len(plan.counties) + 1, x=x, has_both=has_both, ratio_records=ratios, ratio_numerator=num,
                   ratio_denominator=den, reported=reported, usable=~np.isnan(x))

    def ratio_parts(self, positions: "numpy.ndarray") -> tuple["numpy.ndarray", "numpy.ndarray"]:
        """The numerator and denominator of the records at these positions (NaN where a record is not one of
        `ratio_records`, or for −1)."""
        import numpy as np

        found = _at(self._ratio_number, positions, -1)
        return _at(self.ratio_numerator, found, np.nan), _at(self.ratio_denominator, found, np.nan)

    @cached_property
    def _ratio_number(self) -> "numpy.ndarray":
        """Each record's place among `ratio_records` (−1: not one of them): looked up, not searched, for the
        hundreds of thousands of rows asked about."""
        import numpy as np

        number = np.full(len(self.x), -1, dtype=np.int32 if len(self.ratio_records) < 2**31 else np.int64)
        number[self.ratio_records] = np.arange(len(self.ratio_records))
        return number

    def latest_period(self) -> str | None:
        """The latest month of a record that reports something for an indicator of the plan (None: none)."""
        periods = self.period[self.reported & (self.indicator >= 0) & (self.period >= 0)]
        return self.periods[int(periods.max())] if len(periods) else None

    def periods_before(self, month: str) -> int:
        """How many of the known months come before `month`: a record's month is before it when its code is
        below this number."""
        import bisect

        return bisect.bisect_left(self.periods, month)

    def periods_up_to(self, month: str) -> int:
        """How many of the known months are `month` or before it."""
        import bisect

        return bisect.bisect_right(self.periods, month)


def _missing(part) -> "numpy.ndarray":
    """Where a figure column (a float array with NaN, or a nullable table column) has no number."""
    import numpy as np

    return np.isnan(part) if isinstance(part, np.ndarray) else part.isna().to_numpy()


def _floats_at(part, positions: "numpy.ndarray") -> "numpy.ndarray":
    """A figure column's numbers at these positions, as floats."""
    import numpy as np

    if isinstance(part, np.ndarray):
        return part[positions].astype("float64", copy=False)
    return part.array[positions].to_numpy(dtype="float64")


def _codes(column: "pandas.Series", known: Mapping[str, int]) -> "numpy.ndarray":
    """The code `known[value]` of each value of a text column (−1 for a value not in `known`, or missing)."""
    factorized = _factorize(column)
    return factorized.recoded([known.get(value, -1) for value in factorized.distinct])


def _period_codes(column: "pandas.Series") -> tuple["numpy.ndarray", tuple[str, ...]]:
    """Each month's position among the distinct months, sorted (−1 where missing), and those months."""
    factorized = _factorize(column)
    months = sorted(value for value in factorized.distinct if isinstance(value, str) and value)
    rank = {month: position for position, month in enumerate(months)}
    return factorized.recoded([rank.get(value, -1) for value in factorized.distinct]), tuple(months)


@dataclass(frozen=True)
class _Factorized:
    """A column as codes into its `distinct` values: one code per run of `lengths` equal values (lengths None:
    one code per value); −1 for a missing value."""

    codes: "numpy.ndarray"
    lengths: "numpy.ndarray | None"
    distinct: list

    def recoded(self, new_codes: Sequence[int]) -> "numpy.ndarray":
        """Each value's new code, given for each distinct value (−1 for a missing value)."""
        import numpy as np

        per_run = np.array([*new_codes, -1], dtype=np.int32)[self.codes]  # code −1 reads the last entry
        return per_run if self.lengths is None else np.repeat(per_run, self.lengths)


def _factorize(column: "pandas.Series") -> _Factorized:
    """The column's distinct values and each value's code.

    A progress table comes file by file (one county and month each), so its county and month columns are made of
    long runs of one value: there each run is looked up once, many times faster than hashing every cell. A column
    whose first RUN_SAMPLE values already change often (the indicator column) is hashed cell by cell."""
    import numpy as np
    import pandas as pd

    values = column.to_numpy(dtype=object)
    try:
        starts = _run_starts(values)
    except TypeError:  # a missing value (pd.NA) has no truth value: read it as '', which no id or month is
        values = column.to_numpy(dtype=object, na_value="")
        starts = _run_starts(values)
    if starts is None:
        codes, distinct = pd.factorize(values)
        return _Factorized(codes, None, list(distinct))
    codes, distinct = pd.factorize(values[starts])
    return _Factorized(codes, np.diff(np.append(starts, len(values))), list(distinct))


#: How many values of a column `_factorize` looks at to decide whether it comes in runs.
RUN_SAMPLE = 4096


def _run_starts(values: "numpy.ndarray") -> "numpy.ndarray | None":
    """Where each run of equal values begins, or None when runs are short (under 4 values on average)."""
    if len(run_starts(values[:RUN_SAMPLE])) * 4 > min(len(values), RUN_SAMPLE):
        return None
    starts = run_starts(values)
    return starts if len(starts) * 4 <= len(values) else None


@dataclass(frozen=True)
class _RecordIndex:
    """The usable records up to the as-of month of the chosen indicators, sorted by (indicator, area, month,
    position in the table): a row's records are one stretch of it, oldest first, found by binary search.

    Each record's slot is indicator × areas × months + area × months + month (one indicator, area and month).
    `keys` are the records' slots shifted left by `shift` bits with the record's position in the progress table
    in those low bits, sorted, so one sort of one integer array orders everything; where the two would not fit in
    one integer (`shift` 0), `keys` are the slots and `positions` the positions."""

    keys: "numpy.ndarray"
    shift: int
    positions: "numpy.ndarray | None"
    areas: int
    months: int

    @classmethod
    def of(cls, records: _Records, chosen: "numpy.ndarray", month: str) -> _RecordIndex:
        """`chosen`: for each indicator of the plan, whether it is computed."""
        import numpy as np

        areas, months = records.areas, max(len(records.periods), 1)
        wanted = np.append(chosen, False)[records.indicator]  # the appended False is read by code −1
        wanted &= records.usable & (records.area >= 0) & (records.period >= 0)
        wanted &= records.period < records.periods_up_to(month)
        position = np.flatnonzero(wanted)
        slot = records.indicator[position].astype(np.int64)  # worked out in place: millions of records
        slot *= areas
        slot += records.area[position]
        slot *= months
        slot += records.period[position]
        shift = max(len(records.x) - 1, 1).bit_length()  # enough bits for any position in the table
        if (len(chosen) * areas * months) << shift < 2**63:
            slot <<= shift
            slot |= position
            slot.sort()
            return cls(keys=slot, shift=shift, positions=None, areas=areas, months=months)
        order = np.lexsort((position, slot))  # too many records to pack: the same order, more slowly
        return cls(keys=slot[order], shift=0, positions=position[order], areas=areas, months=months)

    def find(self, indicator: "numpy.ndarray", area: "numpy.ndarray") -> "_Found":
        """Where each (indicator, area)'s records are: the stretch [first, end) of the index."""
        import numpy as np

        start = (indicator.astype(np.int64) * self.areas + area) * self.months
        return _Found(self, start, self.first_at(start), self.first_at(start + self.months))

    def first_at(self, slot: "numpy.ndarray") -> "numpy.ndarray":
        """Where the records of each slot (and the slots after it) begin in the index."""
        import numpy as np

        return np.searchsorted(self.keys, slot << self.shift, side="left")

    def record_at(self, where: "numpy.ndarray") -> "numpy.ndarray":
        """The table position of the records at these places of the index (−1 stays −1)."""
        import numpy as np

        if self.positions is not None:
            return _at(self.positions, where, -1)
        return np.where(where >= 0, _at(self.keys, where, 0) & ((1 << self.shift) - 1), -1)


@dataclass(frozen=True)
class _Found:
    """The records of some (indicator, area) pairs in a `_RecordIndex`: pair i's are index[first[i]:end[i]],
    its slots starting at start[i]."""

    index: _RecordIndex
    start: "numpy.ndarray"
    first: "numpy.ndarray"
    end: "numpy.ndarray"

    @property
    def count(self) -> "numpy.ndarray":
        """How many records each pair has."""
        return self.end - self.first

    def latest(self) -> "numpy.ndarray":
        """The table position of each pair's latest record (−1: none)."""
        return self._record_at(self.end - 1, self.end > self.first)

    def pace_setter(self) -> "numpy.ndarray":
        """The table position of the earliest of each pair's latest PROJECTION_RECORDS records (−1: none)."""
        import numpy as np

        return self._record_at(np.maximum(self.end - PROJECTION_RECORDS, self.first), self.end > self.first)

    def latest_up_to(self, months_up_to: int) -> "numpy.ndarray":
        """The table position of each pair's latest record among the first `months_up_to` months (−1: none)."""
        end = self.index.first_at(self.start + months_up_to)
        return self._record_at(end - 1, end > self.first)

    def _record_at(self, where: "numpy.ndarray", exists: "numpy.ndarray") -> "numpy.ndarray":
        import numpy as np

        return self.index.record_at(np.where(exists, where, -1))


def _at(values: "numpy.ndarray", positions: "numpy.ndarray", missing: object) -> "numpy.ndarray":
    """`values[p]` for each position p, `missing` where p is −1."""
    import numpy as np

    if not len(values):
        return np.full(len(positions), missing, dtype=values.dtype)
    return np.where(positions >= 0, values[np.clip(positions, 0, len(values) - 1)], missing)


# -------------------------------------------------------------------------------------------- expected value


def _points(ind: Indicator, start: dt.date, baseline: float, target: float) -> list[tuple[dt.date, float]]:
    """(plan start, baseline), each milestone (date, target), (deadline, target)."""
    return [(start, baseline), *((m.date, m.target) for m in ind.milestones), (ind.deadline, target)]


def expected_at(points: Sequence[tuple[dt.date, float]], pace: Pace, day: dt.date) -> float:
    """The expected value at `day` along `points` (FORMATS §4): linear interpolation by calendar day between the
    points around it (before the first: its value; after the last: its value), or for step pace the value of
    the last point whose date is on or before `day`."""
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
    baseline to target, so a county stands at b_c + f × (T_c − b_c) on each milestone's date (FORMATS §4).
    Where the plan's target equals its baseline the milestones say nothing about the way: start to deadline."""
    span = ind.target - ind.baseline
    if abs(span) <= TOLERANCE:
        points = [(plan.start, 0.0), (ind.deadline, 1.0)]
    else:
        points = [(plan.start, 0.0), *((m.date, (m.target - ind.baseline) / span) for m in ind.milestones),
                  (ind.deadline, 1.0)]
    return expected_at(points, ind.pace, as_of)


def _county_targets(ind: Indicator, rows: Mapping[str, int], count: int) -> tuple["numpy.ndarray", "numpy.ndarray"]:
    """The target and baseline of `count` county rows (FORMATS §2), `rows` saying which row is which county's:
    what `Indicator.county_target` and `county_baseline` give one county at a time, NaN for no target."""
    import numpy as np

    if ind.kind is Kind.MILESTONE:
        target = np.ones(count)
    else:
        default = ind.per_county if ind.per_county is not None else (np.nan if ind.kind is Kind.COUNT else ind.target)
        target = np.full(count, default, dtype="float64")
        _override(target, rows, ind.allocation)
    baseline = np.full(count, 0.0 if ind.kind in (Kind.COUNT, Kind.MILESTONE) else ind.baseline, dtype="float64")
    _override(baseline, rows, ind.baselines)
    return target, baseline


def _override(values: "numpy.ndarray", rows: Mapping[str, int], by_county: Mapping[str, float]) -> None:
    """Set the value of each county named in `by_county` (a county that is not a row is left out)."""
    for county, value in by_county.items():
        row = rows.get(county)
        if row is not None and row < len(values):
            values[row] = value


# ------------------------------------------------------------------------------------------------ the rows


@dataclass(frozen=True)
class _CountyLayout:
    """Where the county rows are: one per (chosen scope-county indicator, reporting county), indicators in plan
    order and each one's counties in plan order. `indicator` and `area` are positions in plan.indicators and
    plan.counties; `block` is the position of the row's indicator among `chosen`, whose `sizes` say how many
    county rows each has (0 for scope city)."""

    chosen: tuple[Indicator, ...]
    chosen_in_plan: "numpy.ndarray"
    """For each indicator of the plan, whether it is among `chosen`."""
    positions: "numpy.ndarray"
    """The position in plan.indicators of each chosen indicator."""
    sizes: "numpy.ndarray"
    indicator: "numpy.ndarray"
    area: "numpy.ndarray"
    block: "numpy.ndarray"

    @classmethod
    def of(cls, plan: Plan, chosen: Sequence[Indicator]) -> _CountyLayout:
        import numpy as np

        in_plan = {ind.id: i for i, ind in enumerate(plan.indicators)}
        area_of = {county.id: i for i, county in enumerate(plan.counties)}
        every_county = np.arange(len(plan.counties), dtype=np.int32)
        areas = []
        for ind in chosen:
            counties = plan.reporting_counties(ind)
            if counties is plan.counties:
                areas.append(every_county)
            else:
                areas.append(np.array([area_of[county.id] for county in counties], dtype=np.int32))
        sizes = np.array([len(a) for a in areas], dtype=np.int64)
        positions = np.array([in_plan[ind.id] for ind in chosen], dtype=np.int32)
        chosen_in_plan = np.zeros(len(plan.indicators), dtype=bool)
        chosen_in_plan[positions] = True
        block = np.repeat(np.arange(len(chosen), dtype=np.int32), sizes)
        area = np.concatenate(areas) if areas else np.empty(0, dtype=np.int32)
        return cls(chosen=tuple(chosen), chosen_in_plan=chosen_in_plan, positions=positions, sizes=sizes,
                   indicator=positions[block], area=area, block=block)

    @property
    def starts(self) -> "numpy.ndarray":
        """Where each chosen indicator's county rows begin."""
        import numpy as np

        return np.cumsum(self.sizes) - self.sizes

    @cached_property
    def row_in_block(self) -> "numpy.ndarray":
        """Each county row's place among its indicator's rows."""
        import numpy as np

        return np.arange(len(self.block)) - self.starts[self.block]


@dataclass(frozen=True)
class _Rows:
    """Rows to assess, as columns (FORMATS §4): what `_assess` needs, and what the table keeps of them."""

    indicator: "numpy.ndarray"
    """Position in plan.indicators."""
    target: "numpy.ndarray"
    """NaN: a count row with no county target."""
    baseline: "numpy.ndarray"
    expected: "numpy.ndarray"
    x: "numpy.ndarray"
    """The actual value (NaN: none)."""
    period: "numpy.ndarray"
    """The month of the record used (city: the latest that fed it), a position in `_Records.periods` (−1: none)."""
    stale: "numpy.ndarray"
    records: "numpy.ndarray"
    """How many records the row has up to the as-of month (a city row: how many of this and the months before
    it, up to PROJECTION_RECORDS, have a city figure)."""
    pace_x: "numpy.ndarray"
    """The value of the earliest of the row's latest PROJECTION_RECORDS records (NaN: none)."""
    anchor_end: "numpy.ndarray"
    """The last day of the month the row's figure stands at (NaT: none): where its projection starts."""
    pace_end: "numpy.ndarray"
    """The last day of the month of `pace_x` (NaT: none)."""
    counties_reporting: "numpy.ndarray"
    """City rows of scope-county indicators: how many counties fed the figure (−1 elsewhere)."""
    counties_total: "numpy.ndarray"


@dataclass(frozen=True)
class _Assessed:
    """What `_assess` works out for each row (FORMATS §4); `status` holds severities, `projected_status`
    positions in PROJECTED_STATUSES."""

    expected: "numpy.ndarray"
    progress: "numpy.ndarray"
    expected_progress: "numpy.ndarray"
    shortfall: "numpy.ndarray"
    remaining: "numpy.ndarray"
    status: "numpy.ndarray"
    projected: "numpy.ndarray"
    projected_status: "numpy.ndarray"


def _county_rows(plan: Plan, layout: _CountyLayout, as_of: dt.date, records: _Records,
                 index: _RecordIndex) -> tuple[_Rows, _Assessed, _Found]:
    """The county rows (FORMATS §4): each one's target and baseline, its latest record up to the as-of month,
    assessed; and where each row's records are in `index`."""
    import numpy as np

    every_county = {county.id: row for row, county in enumerate(plan.counties)}  # the rows of most indicators
    targets, baselines, expected = [np.empty(0)], [np.empty(0)], [np.empty(0)]
    for ind, start, size in zip(layout.chosen, layout.starts, layout.sizes):
        if not size:
            continue
        rows = every_county if size == len(plan.counties) else {
            plan.counties[area].id: row for row, area in enumerate(layout.area[start:start + size])}
        target, baseline = _county_targets(ind, rows, int(size))
        fraction = _county_fraction(plan, ind, as_of)
        targets.append(target)
        baselines.append(baseline)
        expected.append(baseline + fraction * (target - baseline))

    found = index.find(layout.indicator, layout.area)
    latest, pace = found.latest(), found.pace_setter()
    period = _at(records.period, latest, -1)
    month_ends = _month_ends(records.periods)
    no_count = np.full(len(latest), -1, dtype=np.int64)
    rows = _Rows(
        indicator=layout.indicator, target=np.concatenate(targets), baseline=np.concatenate(baselines),
        expected=np.concatenate(expected), x=_at(records.x, latest, np.nan), period=period,
        stale=(period >= 0) & (period < records.periods_before(month_of(as_of))), records=found.count,
        pace_x=_at(records.x, pace, np.nan), anchor_end=_at(month_ends, period, np.datetime64("NaT")),
        pace_end=_at(month_ends, _at(records.period, pace, -1), np.datetime64("NaT")),
        counties_reporting=no_count, counties_total=no_count)
    return rows, _assess(plan, rows, as_of), found


@dataclass(frozen=True)
class _CityFigures:
    """The city figure of each chosen indicator rolled up from its county rows (NaN where none fed it)."""

    x: "numpy.ndarray"
    period: "numpy.ndarray"
    """The latest month among the records that fed it (−1: none)."""
    stale: "numpy.ndarray"
    """Whether any record that fed it is from before the month."""
    reporting: "numpy.ndarray"
    """How many counties fed it."""


def _city_figures(layout: _CountyLayout, records: _Records,
                  moments: Sequence[tuple["numpy.ndarray", str]]) -> list[_CityFigures]:
    """The city figure of each chosen indicator at each moment, from its county rows' latest records up to that
    month (a moment: those records' positions, and the month) (FORMATS §2): count the sum, level the worst county,
    ratio Σnumerator / Σdenominator × scale over records with both, milestone the share of counties done among all
    counties. Only the counties that fed the figure count as reporting. Sums are compensated, in row order
    (`compensated_sums`), all moments' at once: the sum runs row by row."""
    import numpy as np

    chosen = layout.chosen
    blocks = len(chosen)
    kind = np.array([ind.kind.value for ind in chosen], dtype=object)
    is_ratio = (kind == Kind.RATIO.value)[layout.block]
    scale = np.array([_ratio_scale(ind) for ind in chosen], dtype="float64")
    increase = np.array([ind.direction is Direction.INCREASE for ind in chosen], dtype=bool)

    read, summed = [], []
    for latest, month in moments:
        x = _at(records.x, latest, np.nan)
        period = _at(records.period, latest, -1)
        feeds = np.where(is_ratio, _at(records.has_both, latest, False), ~np.isnan(x))
        parts_numerator, parts_denominator = records.ratio_parts(latest)
        fed_x = _by_block(np.where(feeds, x, np.nan), layout, np.nan)
        summed += [fed_x, _by_block(np.where(feeds, parts_numerator, np.nan), layout, np.nan),
                   _by_block(np.where(feeds, parts_denominator, np.nan), layout, np.nan)]
        read.append((x, period, feeds, fed_x, month))
    sums = compensated_sums(np.hstack(summed)) if summed else np.empty(0)

    figures = []
    for number, (x, period, feeds, fed_x, month) in enumerate(read):
        summed_x, numerator, denominator = (sums[(3 * number + part) * blocks:(3 * number + part + 1) * blocks]
                                            for part in range(3))
        if len(fed_x):
            lowest, highest = np.fmin.reduce(fed_x, axis=0), np.fmax.reduce(fed_x, axis=0)  # NaN: none fed it
            latest_period = _by_block(np.where(feeds, period, -1).astype(np.int64), layout, -1).max(axis=0)
        else:  # no county rows at all (every chosen indicator is the city's own)
            lowest = highest = np.full(blocks, np.nan)
            latest_period = np.full(blocks, -1, dtype=np.int64)
        reporting = np.bincount(layout.block[feeds], minlength=blocks)
        done = np.bincount(layout.block[feeds & (x >= 0.5)], minlength=blocks)
        stale = np.bincount(layout.block[feeds & (period < records.periods_before(month))], minlength=blocks) > 0
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            value = np.select(
                [kind == Kind.COUNT.value, kind == Kind.LEVEL.value, kind == Kind.RATIO.value],
                [summed_x, np.where(increase, lowest, highest),
                 np.where(denominator != 0, numerator / denominator * scale, np.nan)],
                default=done / layout.sizes)
        value[np.isinf(value)] = np.nan  # a sum beyond what a float holds is no figure (the counties' are refused)
        fed_any = reporting > 0
        figures.append(_CityFigures(x=np.where(fed_any, value, np.nan), period=np.where(fed_any, latest_period, -1),
                                    stale=fed_any & stale, reporting=reporting))
    return figures


def _by_block(values: "numpy.ndarray", layout: _CountyLayout, fill: object) -> "numpy.ndarray":
    """The county rows' values as a matrix of (the largest block's size) × (blocks): column b holds block b's rows
    in their order, then `fill`."""
    import numpy as np

    size = int(layout.sizes.max(initial=0))
    matrix = np.full((size, len(layout.sizes)), fill, dtype=values.dtype)
    full = layout.sizes == size
    if not len(values):
        return matrix
    if len(values) == size * int(full.sum()):  # each block full or empty (every county reports, or the city)
        matrix[:, full] = values.reshape(-1, size).T
    else:
        matrix[layout.row_in_block, layout.block] = values
    return matrix


def compensated_sums(matrix: "numpy.ndarray") -> "numpy.ndarray":
    """The sum of each column, NaN skipped (0 for none), added row by row with Kahan's compensation, exactly as
    pandas sums a group (`groupby(...).sum()`, whose figures the city rows have always shown; a test holds the two
    together): y = value − c; t = sum + y; c = (t − sum) − y, reset to 0 when an infinity makes it NaN."""
    import numpy as np

    total = np.zeros(matrix.shape[1])
    compensation = np.zeros(matrix.shape[1])
    with np.errstate(invalid="ignore", over="ignore"):
        for row in matrix:  # one pass per county at most, each over every column at once
            present = ~np.isnan(row)
            y = row - compensation
            t = total + y
            c = (t - total) - y
            c[np.isnan(c)] = 0.0
            total = np.where(present, t, total)
            compensation = np.where(present, c, compensation)
    return total


def _city_rows(plan: Plan, as_of: dt.date, layout: _CountyLayout, county_assessed: _Assessed, county_found: _Found,
               records: _Records, index: _RecordIndex) -> tuple[_Rows, _Assessed]:
    """One city row per chosen indicator: rolled up from the county rows by kind, or, for a scope-city indicator,
    the city's own latest record (FORMATS §2, §4). A level city row takes the worst county status."""
    import numpy as np

    chosen = layout.chosen
    month = month_of(as_of)
    scope_city = np.array([ind.scope is Scope.CITY for ind in chosen], dtype=bool)
    milestone = np.array([ind.kind is Kind.MILESTONE for ind in chosen], dtype=bool)
    target = np.where(milestone, 1.0, np.array([ind.target for ind in chosen], dtype="float64"))
    baseline = np.where(milestone, 0.0, np.array([ind.baseline for ind in chosen], dtype="float64"))
    expected = np.array([expected_at(_points(ind, plan.start, b, t), ind.pace, as_of)
                         for ind, t, b in zip(chosen, target.tolist(), baseline.tolist())], dtype="float64")

    # the city figure now, and as of each of the months before (its recent "records", which set the pace)
    before = _months_before(month, plan, PROJECTION_RECORDS - 1)
    if not any(ind.pace is Pace.LINEAR and ind.scope is Scope.COUNTY for ind in chosen):
        before = []
    figures, *figures_before = _city_figures(layout, records, [
        (county_found.latest(), month),
        *((county_found.latest_up_to(records.periods_up_to(earlier_month)), earlier_month)
          for earlier_month in before)])
    earlier = np.zeros(len(chosen), dtype=np.int64)  # how many of those months have a city figure
    pace_x = np.full(len(chosen), np.nan)
    pace_end = np.full(len(chosen), np.datetime64("NaT"), dtype="datetime64[D]")
    for earlier_month, then_figures in zip(before, figures_before):  # oldest first: the first with one sets the pace
        then = then_figures.x
        first = ~np.isnan(then) & (earlier == 0)
        pace_x = np.where(first, then, pace_x)
        pace_end = np.where(first, np.datetime64(month_end(earlier_month), "D"), pace_end)
        earlier = earlier + ~np.isnan(then)
    has_now = ~np.isnan(figures.x)
    rolled = dict(x=figures.x, period=figures.period, stale=figures.stale,
                  records=np.where(has_now, earlier + 1, 0),
                  pace_x=np.where(has_now & (earlier > 0), pace_x, np.nan),
                  anchor_end=np.full(len(chosen), np.datetime64(month_end(month), "D")),
                  pace_end=np.where(has_now & (earlier > 0), pace_end, np.datetime64("NaT")))

    # the city's own records, for scope-city indicators
    found = index.find(layout.positions, np.full(len(chosen), records.city_area))
    latest, pace = found.latest(), found.pace_setter()
    period = _at(records.period, latest, -1)
    month_ends = _month_ends(records.periods)
    own = dict(x=_at(records.x, latest, np.nan), period=period,
               stale=(period >= 0) & (period < records.periods_before(month)), records=found.count,
               pace_x=_at(records.x, pace, np.nan), anchor_end=_at(month_ends, period, np.datetime64("NaT")),
               pace_end=_at(month_ends, _at(records.period, pace, -1), np.datetime64("NaT")))

    rows = _Rows(indicator=layout.positions, target=target, baseline=baseline, expected=expected,
                 **{name: np.where(scope_city, own[name], rolled[name]) for name in own},
                 counties_reporting=np.where(scope_city, -1, figures.reporting),
                 counties_total=np.where(scope_city, -1, layout.sizes))
    assessed = _assess(plan, rows, as_of)

    worst = np.full(len(chosen), len(WORST_FIRST), dtype=np.int8)  # above every severity: no county row yet
    np.minimum.at(worst, layout.block, county_assessed.status)
    worst[worst == len(WORST_FIRST)] = Status.NO_DATA.severity
    level = np.array([ind.kind is Kind.LEVEL for ind in chosen], dtype=bool) & ~scope_city
    return rows, replace(assessed, status=np.where(level, worst, assessed.status).astype(np.int8))


def _months_before(month: str, plan: Plan, count: int) -> list[str]:
    """Up to `count` months before `month`, oldest first, not before the plan's first month."""
    return [earlier for back in range(count, 0, -1) if (earlier := shift_month(month, -back)) >= plan.first_month]


def _month_ends(periods: Sequence[str]) -> "numpy.ndarray":
    """The last day of each `YYYY-MM` month, as datetime64[D]."""
    import numpy as np

    months = np.array(list(periods), dtype="datetime64[M]")
    return (months + 1).astype("datetime64[D]") - 1


def _assess(plan: Plan, rows: _Rows, as_of: dt.date) -> _Assessed:
    """Progress, expected progress, shortfall, remaining, status and projection of each row, from its actual
    value x, target, baseline and expected value (FORMATS §4)."""
    import numpy as np

    traits = _IndicatorTraits.of(plan)
    decrease = traits.decrease[rows.indicator]
    step = traits.step[rows.indicator]
    is_count = traits.count[rows.indicator]
    deadline = traits.deadline[rows.indicator]
    today = np.datetime64(as_of, "D")

    x, target, baseline, expected = rows.x, rows.target, rows.baseline, rows.expected
    has_x, has_target = ~np.isnan(x), ~np.isnan(target)
    with np.errstate(divide="ignore", invalid="ignore"):
        met = has_x & has_target & np.where(decrease, x <= target + TOLERANCE, x >= target - TOLERANCE)
        span = target - baseline
        flat = has_target & (np.abs(span) <= TOLERANCE)
        progress = np.where(flat, np.where(met, 1.0, 0.0), (x - baseline) / span)
        progress = np.where(has_x & has_target, progress, np.nan)
        expected_progress = np.where(flat, 1.0, (expected - baseline) / span)
        shortfall = 100.0 * (expected_progress - progress)
        remaining = np.where(met, 0.0, np.abs(target - x))
    thresholds = plan.status
    days_left = (deadline - today).astype(np.int64)
    status = np.select(
        [~has_x, is_count & ~has_target, met, days_left < 0,
         shortfall - thresholds.behind > TOLERANCE,
         (shortfall - thresholds.at_risk > TOLERANCE) | (step & (days_left <= thresholds.due_soon_days))],
        [Status.NO_DATA.severity, Status.NO_TARGET.severity, Status.MET.severity, Status.MISSED.severity,
         Status.BEHIND.severity, Status.AT_RISK.severity],
        default=Status.ON_TRACK.severity,
    ).astype(np.int8)

    projected = _projection(rows, traits.linear[rows.indicator], today, deadline)
    projected_met = np.where(decrease, projected <= target + TOLERANCE, projected >= target - TOLERANCE)
    has_projection = ~np.isnan(projected)
    return _Assessed(
        expected=np.where(has_target, expected, np.nan), progress=progress,
        expected_progress=np.where(has_target, expected_progress, np.nan), shortfall=shortfall,
        remaining=np.where(has_x & has_target, remaining, np.nan), status=status, projected=projected,
        projected_status=np.where(has_projection & has_target, np.where(projected_met, 1, 2), 0).astype(np.int8),
    )


@dataclass(frozen=True)
class _IndicatorTraits:
    """What `_assess` needs of each indicator of the plan, by its position in plan.indicators."""

    decrease: "numpy.ndarray"
    step: "numpy.ndarray"
    linear: "numpy.ndarray"
    count: "numpy.ndarray"
    deadline: "numpy.ndarray"

    @classmethod
    def of(cls, plan: Plan) -> _IndicatorTraits:
        import numpy as np

        inds = plan.indicators
        return cls(decrease=np.array([ind.direction is Direction.DECREASE for ind in inds], dtype=bool),
                   step=np.array([ind.pace is Pace.STEP for ind in inds], dtype=bool),
                   linear=np.array([ind.pace is Pace.LINEAR for ind in inds], dtype=bool),
                   count=np.array([ind.kind is Kind.COUNT for ind in inds], dtype=bool),
                   deadline=np.array([ind.deadline for ind in inds], dtype="datetime64[D]"))


def _projection(rows: _Rows, linear: "numpy.ndarray", today: "numpy.datetime64",
                deadline: "numpy.ndarray") -> "numpy.ndarray":
    """The value each linear-paced row reaches at its deadline if it keeps the pace of its recent records:
    latest + (latest − earliest of the last PROJECTION_RECORDS) / their days apart × days from the latest to
    the deadline. Each record stands at the last day of its month. NaN for step-paced rows, rows with fewer
    than two records, and rows whose deadline has passed."""
    import numpy as np

    x = rows.x
    ok = linear & (rows.records >= 2) & (deadline >= today) & ~np.isnan(x)
    ok &= ~np.isnat(rows.pace_end) & ~np.isnat(rows.anchor_end)
    last_end = np.where(ok, rows.anchor_end, today)
    first_end = np.where(ok, rows.pace_end, today)
    days = (last_end - first_end).astype(np.int64)
    ahead = np.maximum((deadline - last_end).astype(np.int64), 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        slope = (x - rows.pace_x) / days
        projected = x + slope * ahead
    return np.where(ok & (days > 0), projected, np.nan)


def _in_plan_order(plan: Plan, records: _Records, layout: _CountyLayout, county: tuple[_Rows, _Assessed],
                   city: tuple[_Rows, _Assessed]) -> GapTable:
    """The table of all rows in plan order: each chosen indicator's city row, then its county rows (FORMATS §5)."""
    import numpy as np

    city_at = np.arange(len(layout.chosen)) + layout.starts  # each city row goes before its county rows
    is_city = np.zeros(len(layout.chosen) + len(layout.indicator), dtype=bool)
    is_city[city_at] = True

    def merged(city_values: "numpy.ndarray", county_values: "numpy.ndarray") -> "numpy.ndarray":
        values = np.empty(len(is_city), dtype=np.result_type(city_values, county_values))
        values[is_city] = city_values
        values[~is_city] = county_values
        return values

    (city_rows, city_assessed), (county_rows, county_assessed) = city, county
    columns = {"indicator": merged(city_rows.indicator, county_rows.indicator),
               "county": merged(np.full(len(layout.chosen), -1, dtype=np.int32), layout.area),
               "actual": merged(city_rows.x, county_rows.x),
               "reported_period": merged(city_rows.period, county_rows.period)}
    for name in ("baseline", "target", "stale", "counties_reporting", "counties_total"):
        columns[name] = merged(getattr(city_rows, name), getattr(county_rows, name))
    for name in ("expected", "progress", "expected_progress", "shortfall", "remaining", "status", "projected",
                 "projected_status"):
        columns[name] = merged(getattr(city_assessed, name), getattr(county_assessed, name))
    return GapTable(indicators=plan.indicators, counties=tuple(county.id for county in plan.counties),
                    periods=records.periods, **columns)


def _completeness(plan: Plan, layout: _CountyLayout, records: _Records, month: str) -> Completeness:
    """For the as-of month, over the scope-county indicators: the (county, indicator) pairs due (the county
    rows) and those with a record of exactly this month (FORMATS §5)."""
    import numpy as np

    this_month = records.periods.index(month) if month in records.periods else -2
    sent = records.reported & (records.indicator >= 0) & (records.area >= 0) & (records.period == this_month)
    reported_pairs = np.zeros((len(plan.indicators), records.areas), dtype=bool)
    reported_pairs[records.indicator[sent], records.area[sent]] = True

    unreported = np.flatnonzero(~reported_pairs[layout.indicator, layout.area])
    unreported = unreported[np.argsort(layout.area[unreported], kind="stable")]  # by county, indicators in order
    areas = layout.area[unreported]
    ids = [ind.id for ind in plan.indicators]
    missing = []
    for area, rows in zip(*_runs(areas, unreported)):
        missing.append(MissingReports(plan.counties[area].id, tuple(ids[i] for i in layout.indicator[rows])))
    expected = len(layout.indicator)
    return Completeness(period=month, expected=expected, reported=expected - len(unreported),
                        missing=tuple(missing))


def _runs(keys: "numpy.ndarray", values: "numpy.ndarray") -> tuple[list, list]:
    """The runs of equal neighbours in `keys`: each run's key, and the part of `values` alongside it."""
    import numpy as np

    if not len(keys):
        return [], []
    starts = run_starts(keys)
    return keys[starts].tolist(), np.split(values, starts[1:])
