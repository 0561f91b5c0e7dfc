"""The gap engine (FORMATS §4): where every indicator stands at a date, in every county and for the city.

`compute_gaps(plan, progress, as_of)` takes the tidy progress table of `load_progress` and returns `Gaps`:
one row per indicator and county (and one city row per indicator), each with the numbers behind its status,
and the completeness of the as-of month. The arithmetic is done on whole columns (numpy), so the same code
serves a city of ten counties and a national plan of thousands.

Units: `progress` and `expected_progress` are fractions of the way from baseline to target (1 = target);
`shortfall` is in percentage points (100 × the difference of the two); `expected`, `actual`, `remaining`,
`target` and `baseline` are in the indicator's unit (a milestone city row: the share of counties done, 0..1).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING, Iterable, Sequence

from mubiao.models import CITY, WORST_FIRST, Direction, Indicator, Kind, Pace, Plan, Scope, Status
from mubiao.numbers import TOLERANCE, month_end, month_of, shift_month

if TYPE_CHECKING:
    import numpy
    import pandas

#: How many of a row's latest records set the pace of its projection.
PROJECTION_RECORDS = 3


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
    counties in plan order) and the completeness of the as-of month."""

    plan: Plan
    as_of: dt.date
    rows: tuple[GapRow, ...]
    completeness: Completeness

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
        county_ids = None if counties is None else {None if c == CITY else c for c in counties}
        owner_ids = None if owners is None else set(owners)
        goal_ids = None if goals is None else set(goals)
        wanted = None if statuses is None else {Status(s) for s in statuses}

        def keep(row: GapRow) -> bool:
            return ((county_ids is None or row.county in county_ids)
                    and (owner_ids is None or row.owner in owner_ids)
                    and (goal_ids is None or row.goal in goal_ids)
                    and (wanted is None or row.status in wanted))

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
        return replace(self, rows=tuple(row for row in self.rows if keep(row)), completeness=completeness)

    def worst_status(self) -> Status | None:
        """The worst status among the rows (None when there are none)."""
        return min((row.status for row in self.rows), key=lambda s: s.severity, default=None)

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
    progress: "pandas.DataFrame",
    as_of: dt.date | None = None,
    *,
    indicators: Sequence[str] | None = None,
) -> Gaps:
    """Every row of the plan at `as_of` (default: the last day of the latest month with data), FORMATS §4.

    `progress` is the tidy table of `load_progress` (or any DataFrame with its columns). Records of counties
    the plan does not list for an indicator, and blank records, are not counted. `indicators` narrows the
    computation to some indicator ids (plan order is kept)."""
    chosen = plan.indicators if indicators is None else tuple(i for i in plan.indicators if i.id in set(indicators))
    records = reported_records(plan, progress)
    if as_of is None:
        as_of = _latest_month_end(plan, records)
    month = month_of(as_of)
    usable = records[records["usable"]]
    upto = usable[usable["period"] <= month]

    county_rows = _county_rows(plan, chosen, as_of, upto)
    city_rows = _city_rows(plan, chosen, as_of, county_rows, usable)
    rows = _ordered_rows(plan, chosen, county_rows, city_rows)
    completeness = _completeness(plan, chosen, records, month)
    return Gaps(plan=plan, as_of=as_of, rows=rows, completeness=completeness)


def default_as_of(plan: Plan, progress: "pandas.DataFrame") -> dt.date:
    """The last day of the latest month with a record that reports a figure (FORMATS §1). With no data at all:
    today, kept within the plan's period, so that the expected values still say where things should be."""
    return _latest_month_end(plan, reported_records(plan, progress))


def _latest_month_end(plan: Plan, records: "pandas.DataFrame") -> dt.date:
    if len(records):
        return month_end(str(records["period"].max()))
    today = dt.date.today()
    return month_end(month_of(min(max(today, plan.start), plan.end)))


def reported_records(plan: Plan, progress: "pandas.DataFrame") -> "pandas.DataFrame":
    """The records that report something, sorted by month, with each one's value `x` as FORMATS §2 reads it
    (ratio: numerator / denominator × scale where both are given, else its own value) and `usable` when x is
    a number. `has_both`: a ratio record that can feed the city's Σnumerator / Σdenominator."""
    import numpy as np
    import pandas as pd

    figures = ["value", "numerator", "denominator"]
    numbers = {name: progress[name].astype("float64").to_numpy(na_value=np.nan) for name in figures}
    done_on = progress["done_on"].notna().to_numpy()
    reported = done_on | np.logical_or.reduce([~np.isnan(numbers[name]) for name in figures])

    # per indicator once, then looked up for every record (a map, not a Python loop over the records)
    ids = progress["indicator"].astype(object)
    scale = ids.map({ind.id: _ratio_scale(ind) for ind in plan.indicators}).to_numpy(dtype="float64", na_value=np.nan)
    milestones = {ind.id: ind.kind is Kind.MILESTONE for ind in plan.indicators}
    is_milestone = ids.map(milestones).eq(True).to_numpy(dtype=bool)
    indicator = ids.to_numpy()
    value = numbers["value"]
    value = np.where(is_milestone & np.isnan(value) & done_on, 1.0, value)  # a completion date alone says done
    num, den = numbers["numerator"], numbers["denominator"]
    has_both = ~np.isnan(num) & ~np.isnan(den) & (np.abs(den) > TOLERANCE) & ~np.isnan(scale)
    with np.errstate(divide="ignore", invalid="ignore"):
        x = np.where(has_both, num / den * scale, value)

    frame = pd.DataFrame({
        "indicator": indicator,
        "county": progress["county"].astype(object).to_numpy(),
        "period": progress["period"].astype(object).to_numpy(),
        "x": x, "numerator": num, "denominator": den, "has_both": has_both,
        "usable": ~np.isnan(x),
    })
    frame = frame[reported & np.isin(indicator, [ind.id for ind in plan.indicators])]
    return frame.sort_values("period", kind="stable").reset_index(drop=True)


def _ratio_scale(ind: Indicator) -> float:
    import math

    if ind.kind is not Kind.RATIO:
        return math.nan
    return ind.scale if ind.scale is not None else 100.0


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


# ------------------------------------------------------------------------------------------------ the rows


def _county_rows(
    plan: Plan, chosen: Sequence[Indicator], as_of: dt.date, upto: "pandas.DataFrame"
) -> "pandas.DataFrame":
    """One row per (indicator, county) for the scope-county indicators, with the latest record up to the
    as-of month, assessed (FORMATS §4)."""
    import numpy as np
    import pandas as pd

    columns: dict[str, list] = {name: [] for name in ("indicator", "county", "target", "baseline", "expected")}
    for ind in chosen:
        if ind.scope is Scope.CITY:
            continue
        fraction = _county_fraction(plan, ind, as_of)
        for county in plan.reporting_counties(ind):
            target = ind.county_target(county.id)
            baseline = ind.county_baseline(county.id)
            columns["indicator"].append(ind.id)
            columns["county"].append(county.id)
            columns["target"].append(np.nan if target is None else target)
            columns["baseline"].append(baseline)
            columns["expected"].append(np.nan if target is None else baseline + fraction * (target - baseline))
    rows = pd.DataFrame(columns).astype({"indicator": object, "county": object, "target": "float64",
                                         "baseline": "float64", "expected": "float64"})
    rows = _with_latest(rows, upto, ["indicator", "county"])
    rows = _with_pace(rows, upto, ["indicator", "county"])
    return _assess(plan, rows, as_of)


def _with_latest(rows: "pandas.DataFrame", upto: "pandas.DataFrame", keys: list[str]) -> "pandas.DataFrame":
    """Each row's latest record (upto is sorted by month): x, numerator, denominator, has_both, period."""
    latest = upto.drop_duplicates(keys, keep="last")[[*keys, "x", "numerator", "denominator", "has_both", "period"]]
    merged = rows.merge(latest, on=keys, how="left", sort=False)
    merged["has_both"] = merged["has_both"].eq(True).to_numpy(dtype=bool)
    return merged


def _with_pace(rows: "pandas.DataFrame", upto: "pandas.DataFrame", keys: list[str]) -> "pandas.DataFrame":
    """Each row's number of records, and the earliest of its latest PROJECTION_RECORDS (x and month)."""
    grouped = upto.groupby(keys, sort=False)
    counts = grouped.size().rename("records").reset_index()
    first = grouped.tail(PROJECTION_RECORDS).drop_duplicates(keys, keep="first")[[*keys, "x", "period"]]
    first = first.rename(columns={"x": "pace_x", "period": "pace_period"})
    merged = rows.merge(counts, on=keys, how="left", sort=False).merge(first, on=keys, how="left", sort=False)
    merged["records"] = merged["records"].fillna(0).astype(int)
    return merged


def _city_rows(
    plan: Plan, chosen: Sequence[Indicator], as_of: dt.date, county_rows: "pandas.DataFrame",
    usable: "pandas.DataFrame",
) -> "pandas.DataFrame":
    """One city row per indicator: rolled up from the county rows by kind, or, for a scope-city indicator,
    the city's own latest record (FORMATS §2, §4)."""
    import numpy as np
    import pandas as pd

    month = month_of(as_of)
    city_records = usable[(usable["county"] == CITY) & (usable["period"] <= month)]
    own = pd.DataFrame({"indicator": pd.Series([ind.id for ind in chosen if ind.scope is Scope.CITY], dtype=object)})
    own = _with_pace(_with_latest(own, city_records, ["indicator"]), city_records, ["indicator"])
    own_by_id = own.set_index("indicator")

    rolled = _rollup(plan, county_rows, month)
    # the city's own recent "records" (its figure as of the two months before this one) set its projection's
    # pace; only linear-paced indicators are projected
    before = _months_before(month, plan, PROJECTION_RECORDS - 1)
    if not any(ind.pace is Pace.LINEAR and ind.scope is Scope.COUNTY for ind in chosen):
        before = []
    keys = county_rows[["indicator", "county"]]
    earlier = [_rollup(plan, _with_latest(keys, usable[usable["period"] <= m], ["indicator", "county"]), m)
               for m in before]
    worst = _worst_status(county_rows)

    columns: dict[str, list] = {name: [] for name in (
        "indicator", "target", "baseline", "expected", "x", "period", "stale_any", "counties_reporting",
        "counties_total", "records", "pace_x", "pace_period", "worst")}
    for ind in chosen:
        target, baseline = (1.0, 0.0) if ind.kind is Kind.MILESTONE else (ind.target, ind.baseline)
        columns["indicator"].append(ind.id)
        columns["target"].append(target)
        columns["baseline"].append(baseline)
        columns["expected"].append(expected_at(_points(ind, plan.start, baseline, target), ind.pace, as_of))
        if ind.scope is Scope.CITY:
            record = own_by_id.loc[ind.id]
            columns["x"].append(record["x"])
            columns["period"].append(record["period"])
            columns["stale_any"].append(False)
            columns["counties_reporting"].append(None)
            columns["counties_total"].append(None)
            columns["records"].append(record["records"])
            columns["pace_x"].append(record["pace_x"])
            columns["pace_period"].append(record["pace_period"])
            columns["worst"].append(None)
            continue
        figure = rolled.get(ind.id, _CityFigure.empty(len(plan.reporting_counties(ind))))
        columns["x"].append(figure.x)
        columns["period"].append(figure.period)
        columns["stale_any"].append(figure.stale)
        columns["counties_reporting"].append(figure.reporting)
        columns["counties_total"].append(figure.total)
        series = [(m, e[ind.id].x) for m, e in zip(before, earlier) if ind.id in e]
        series = [(m, x) for m, x in series if not np.isnan(x)]
        has_now = not np.isnan(figure.x)
        columns["records"].append(len(series) + 1 if has_now else 0)
        columns["pace_x"].append(series[0][1] if series and has_now else np.nan)
        columns["pace_period"].append(series[0][0] if series and has_now else None)
        columns["worst"].append(worst.get(ind.id, Status.NO_DATA) if ind.kind is Kind.LEVEL else None)
    rows = pd.DataFrame(columns)
    rows = rows.astype({"target": "float64", "baseline": "float64", "expected": "float64", "x": "float64",
                        "pace_x": "float64"})
    # a city row's month is the current one when it has a figure now; its staleness comes from what fed it
    rows["anchor_period"] = np.where(rows["indicator"].isin(own["indicator"]), rows["period"], month)
    assessed = _assess(plan, rows, as_of)
    assessed["stale"] = np.where(assessed["indicator"].isin(own["indicator"]), assessed["stale"],
                                 assessed["stale_any"].eq(True).to_numpy(dtype=bool))
    level = assessed["worst"].notna()
    assessed.loc[level, "status"] = [status.value for status in assessed.loc[level, "worst"]]
    return assessed


def _months_before(month: str, plan: Plan, count: int) -> list[str]:
    """Up to `count` months before `month`, oldest first, not before the plan's first month."""
    return [earlier for back in range(count, 0, -1) if (earlier := shift_month(month, -back)) >= plan.first_month]


@dataclass(frozen=True)
class _CityFigure:
    x: float
    period: str | None
    stale: bool
    reporting: int
    total: int

    @classmethod
    def empty(cls, total: int) -> "_CityFigure":
        return cls(float("nan"), None, False, 0, total)


def _rollup(plan: Plan, county_rows: "pandas.DataFrame", month: str) -> dict[str, _CityFigure]:
    """The city figure of each scope-county indicator from its county rows (FORMATS §2): count the sum, level
    the worst county, ratio Σnumerator / Σdenominator × scale over records with both, milestone the share of
    counties done among all counties. Only the counties that fed the figure count as reporting."""
    import numpy as np

    by_id = {ind.id: ind for ind in plan.indicators}
    totals = county_rows.groupby("indicator", sort=False).size()
    is_ratio = county_rows["indicator"].map(lambda i: by_id[i].kind is Kind.RATIO).to_numpy(dtype=bool)
    x = county_rows["x"].to_numpy(dtype="float64")
    feeds = np.where(is_ratio, county_rows["has_both"].to_numpy(dtype=bool), ~np.isnan(x))
    feeding = county_rows.loc[feeds, ["indicator", "x", "numerator", "denominator", "period"]].assign(
        done=lambda f: (f["x"] >= 0.5).astype(int), stale=lambda f: (f["period"] < month).astype(int))
    sums = feeding.groupby("indicator", sort=False).agg(
        total_x=("x", "sum"), lowest=("x", "min"), highest=("x", "max"), numerator=("numerator", "sum"),
        denominator=("denominator", "sum"), reporting=("x", "size"), done=("done", "sum"), stale=("stale", "max"),
        period=("period", "max"))
    figures: dict[str, _CityFigure] = {}
    for indicator_id, total in totals.items():
        ind = by_id[indicator_id]
        if indicator_id not in sums.index:
            figures[indicator_id] = _CityFigure.empty(int(total))
            continue
        found = sums.loc[indicator_id]
        if ind.kind is Kind.COUNT:
            value = found["total_x"]
        elif ind.kind is Kind.LEVEL:
            value = found["lowest"] if ind.direction is Direction.INCREASE else found["highest"]
        elif ind.kind is Kind.RATIO:
            value = found["numerator"] / found["denominator"] * _ratio_scale(ind) if found["denominator"] else np.nan
        else:
            value = found["done"] / total
        figures[indicator_id] = _CityFigure(float(value), str(found["period"]), bool(found["stale"]),
                                            int(found["reporting"]), int(total))
    return figures


def _worst_status(county_rows: "pandas.DataFrame") -> dict[str, Status]:
    """The worst county status of each indicator (the status of a level city row)."""
    worst: dict[str, Status] = {}
    for indicator_id, value in zip(county_rows["indicator"], county_rows["status"]):
        status = Status(value)
        current = worst.get(indicator_id)
        if current is None or status.severity < current.severity:
            worst[indicator_id] = status
    return worst


def _assess(plan: Plan, rows: "pandas.DataFrame", as_of: dt.date) -> "pandas.DataFrame":
    """Progress, expected progress, shortfall, remaining, status and projection of each row, from its actual
    value x, target, baseline and expected value (FORMATS §4). Rows hold an `indicator` column; a missing
    target (NaN) is a count row with no county target."""
    import numpy as np

    by_id = {ind.id: ind for ind in plan.indicators}
    inds = [by_id[i] for i in rows["indicator"]]
    decrease = np.array([ind.direction is Direction.DECREASE for ind in inds], dtype=bool)
    step = np.array([ind.pace is Pace.STEP for ind in inds], dtype=bool)
    is_count = np.array([ind.kind is Kind.COUNT for ind in inds], dtype=bool)
    deadline = np.array([ind.deadline for ind in inds], dtype="datetime64[D]")
    today = np.datetime64(as_of, "D")

    x = rows["x"].to_numpy(dtype="float64")
    target = rows["target"].to_numpy(dtype="float64")
    baseline = rows["baseline"].to_numpy(dtype="float64")
    expected = rows["expected"].to_numpy(dtype="float64")
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
    days_left = (deadline - today).astype(int)
    status = np.select(
        [~has_x, is_count & ~has_target, met, days_left < 0,
         shortfall - thresholds.behind > TOLERANCE,
         (shortfall - thresholds.at_risk > TOLERANCE) | (step & (days_left <= thresholds.due_soon_days))],
        [Status.NO_DATA.value, Status.NO_TARGET.value, Status.MET.value, Status.MISSED.value, Status.BEHIND.value,
         Status.AT_RISK.value],
        default=Status.ON_TRACK.value,
    )

    period = rows["period"].astype(object)
    anchor = (rows["anchor_period"] if "anchor_period" in rows else period).astype(object)
    month = month_of(as_of)
    projected = _projection(rows, inds, anchor, x, today, deadline)
    projected_met = np.where(decrease, projected <= target + TOLERANCE, projected >= target - TOLERANCE)
    has_projection = ~np.isnan(projected)

    assessed = rows.copy()
    assessed["expected"] = np.where(has_target, expected, np.nan)
    assessed["progress"] = progress
    assessed["expected_progress"] = np.where(has_target, expected_progress, np.nan)
    assessed["shortfall"] = shortfall
    assessed["remaining"] = np.where(has_x & has_target, remaining, np.nan)
    assessed["status"] = status
    assessed["stale"] = (period.notna() & (period.where(period.notna(), month) < month)).to_numpy(dtype=bool)
    assessed["projected"] = projected
    assessed["projected_status"] = np.where(has_projection & has_target,
                                            np.where(projected_met, "will_meet", "will_miss"), None)
    return assessed


def _projection(rows: "pandas.DataFrame", inds: list[Indicator], anchor: "pandas.Series", x: "numpy.ndarray",
                today: "numpy.datetime64", deadline: "numpy.ndarray") -> "numpy.ndarray":
    """The value each linear-paced row reaches at its deadline if it keeps the pace of its recent records:
    latest + (latest − earliest of the last PROJECTION_RECORDS) / their days apart × days from the latest to
    the deadline. Each record stands at the last day of its month. NaN for step-paced rows, rows with fewer
    than two records, and rows whose deadline has passed."""
    import numpy as np

    linear = np.array([ind.pace is Pace.LINEAR for ind in inds], dtype=bool)
    ok = linear & (rows["records"].to_numpy() >= 2) & (deadline >= today) & ~np.isnan(x)
    pace_period = rows["pace_period"].astype(object)
    ok &= pace_period.notna().to_numpy() & anchor.notna().to_numpy()
    last_end = _month_ends(anchor.where(ok, "2000-01"))
    first_end = _month_ends(pace_period.where(ok, "2000-01"))
    days = (last_end - first_end).astype(int)
    ahead = np.maximum((deadline - last_end).astype(int), 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        slope = (x - rows["pace_x"].to_numpy(dtype="float64")) / days
        projected = x + slope * ahead
    return np.where(ok & (days > 0), projected, np.nan)


def _month_ends(periods: "pandas.Series") -> "numpy.ndarray":
    import numpy as np

    months = np.array(periods.astype(str).to_numpy(), dtype="datetime64[M]")
    return (months + 1).astype("datetime64[D]") - 1


def _ordered_rows(
    plan: Plan, chosen: Sequence[Indicator], county_rows: "pandas.DataFrame", city_rows: "pandas.DataFrame",
) -> tuple[GapRow, ...]:
    """GapRows in plan order: each indicator's city row, then its counties in plan order (FORMATS §5)."""
    by_indicator: dict[str, list[GapRow]] = {ind.id: [] for ind in chosen}
    by_id = {ind.id: ind for ind in chosen}
    for frame, city in ((city_rows, True), (county_rows, False)):
        for record in frame.to_dict("records"):
            ind = by_id[record["indicator"]]
            by_indicator[ind.id].append(_gap_row(ind, record, city))
    return tuple(row for ind in chosen for row in by_indicator[ind.id])


def _gap_row(ind: Indicator, record: dict, city: bool) -> GapRow:
    import math

    def number(name: str) -> float | None:
        value = record.get(name)
        return None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)

    def count(name: str) -> int | None:
        value = record.get(name)
        return None if value is None or (isinstance(value, float) and math.isnan(value)) else int(value)

    period = record.get("period")
    return GapRow(
        goal=ind.goal, indicator=ind.id, name=ind.name, kind=ind.kind.value, direction=ind.direction.value,
        unit=ind.unit, owner=ind.owner, county=None if city else record["county"],
        baseline=number("baseline"), target=number("target"), expected=number("expected"), actual=number("x"),
        progress=number("progress"), expected_progress=number("expected_progress"),
        shortfall=number("shortfall"), remaining=number("remaining"), status=Status(record["status"]),
        deadline=ind.deadline, reported_period=period if isinstance(period, str) else None,
        stale=bool(record["stale"]),
        counties_reporting=count("counties_reporting") if city else None,
        counties_total=count("counties_total") if city else None,
        projected=number("projected"),
        projected_status=record["projected_status"] if isinstance(record.get("projected_status"), str) else None,
    )


def _completeness(plan: Plan, chosen: Sequence[Indicator], records: "pandas.DataFrame", month: str) -> Completeness:
    """For the as-of month, over the scope-county indicators: the (county, indicator) pairs due and those with
    a record of exactly this month (FORMATS §5)."""
    this_month = records[records["period"] == month]
    reported_pairs = set(zip(this_month["county"], this_month["indicator"]))
    expected = 0
    missing: dict[str, list[str]] = {county.id: [] for county in plan.counties}
    for ind in chosen:
        if ind.scope is Scope.CITY:
            continue
        for county in plan.reporting_counties(ind):
            expected += 1
            if (county.id, ind.id) not in reported_pairs:
                missing[county.id].append(ind.id)
    unreported = sum(len(ids) for ids in missing.values())
    return Completeness(
        period=month, expected=expected, reported=expected - unreported,
        missing=tuple(MissingReports(county, tuple(ids)) for county, ids in missing.items() if ids),
    )
