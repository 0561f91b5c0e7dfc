"""The gap engine's work (docs/contract.md §4, docs/gaps.md): the latest record of each row and the roll-ups to the
city are queries over the records (DuckDB); expected values, progress, status and projection are plain numpy.

The records come from the store of a read (`ProgressRead`) or from a caller's tidy DataFrame, seen through one
view, `engine_records`: each record's area, month (year × 12 + month − 1) and indicator as codes (the area 0 is
the city itself, then the plan's counties in order; an indicator its place in the plan), its figures (NULL: not
reported), and `seq`, which breaks the ties between records of one month (see `_KEY`).
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Iterator, Sequence

import numpy as np

from mubiao.models import CITY, WORST_FIRST, Direction, Form, Indicator, Kind, Pace, Plan, Status
from mubiao.numbers import TOLERANCE

if TYPE_CHECKING:
    import duckdb

#: The paces whose projection (the value at the deadline at the recent records' pace) means something: a way
#: that runs evenly over the plan. Work done once (`none`, `step`) or by the season (`profile`) is not projected.
PROJECTED = (Pace.LINEAR, Pace.QUARTERLY)

#: How many of a row's latest records set the pace of its projection.
PROJECTION_RECORDS = 3

#: A record's key orders the records of a row: its month, then `seq` (below 2**48): in a store, the file it came
#: from (as the store numbers them: a file read later comes later) and its row; in a DataFrame, its place there.
_KEY = "(period::BIGINT << 48) | seq"

#: A record that reports anything: a figure, a part of one, or a date done.
_REPORTS = "(value IS NOT NULL OR numerator IS NOT NULL OR denominator IS NOT NULL OR dated)"

_VALUES = f"""
    CREATE OR REPLACE TEMP VIEW engine_x AS
    SELECT indicator, county, period, {_KEY} AS key, numerator, denominator, has_both, x FROM engine_records"""


@contextmanager
def records(plan: Plan, progress) -> Iterator["duckdb.DuckDBPyConnection"]:
    """A connection in which `engine_records` holds the records of `progress` (what `read_progress` read: its store;
    or a tidy DataFrame: a database of its own, closed afterwards), with the plan's tables and the records' values
    (`prepare`), and `engine_x`: each usable-or-not record's key and value."""
    from mubiao.readers.store import BOTH, VALUE

    if hasattr(progress, "store"):
        connection = progress.store.connection
        prepare(connection, plan)
        connection.execute("""CREATE OR REPLACE TEMP VIEW engine_records AS
            SELECT (file::BIGINT << 24) | least("row", 16777215) AS seq, county, period, indicator, value, numerator,
                   denominator, done_on IS NOT NULL AS dated, note, x, has_both
            FROM records""")
        connection.execute(_VALUES)
        yield connection
        return
    connection = _memory().cursor()  # its temporary tables and views are its own, gone when it closes
    areas = {area: code for area, code in plan.area_codes.items() if code <= len(plan.counties)}
    connection.execute("CREATE TEMP TABLE engine_ids AS SELECT unnest($area)::VARCHAR AS id, "
                       "unnest($code)::INTEGER AS code", {"area": list(areas), "code": list(areas.values())})
    connection.execute("CREATE TEMP TABLE engine_indicator_ids AS SELECT unnest($id)::VARCHAR AS id, "
                       "unnest($code)::INTEGER AS code",
                       {"id": [ind.id for ind in plan.indicators], "code": list(range(len(plan.indicators)))})
    frame = progress[["county", "period", "indicator", "value", "numerator", "denominator", "done_on", "note"]]
    connection.register("engine_frame", frame.assign(engine_seq=np.arange(len(frame))))

    def number(name: str) -> str:  # a float column's NaN (no figure) as NULL
        return f"CASE WHEN isnan(f.{name}::DOUBLE) THEN NULL ELSE f.{name}::DOUBLE END"

    try:
        prepare(connection, plan)
        connection.execute(f"""CREATE TEMP VIEW engine_read AS
            SELECT f.engine_seq AS seq, a.code AS county,
                   CAST(substr(f.period, 1, 4) AS INTEGER) * 12 + CAST(substr(f.period, 6, 2) AS INTEGER) - 1
                       AS period,
                   i.code AS indicator, {number("value")} AS value, {number("numerator")} AS numerator,
                   {number("denominator")} AS denominator, f.done_on, f.note
            FROM engine_frame f JOIN engine_ids a ON a.id = f.county JOIN engine_indicator_ids i ON i.id = f.indicator
            WHERE regexp_full_match(f.period, '[0-9]{{4}}-(0[1-9]|1[0-2])')""")
        connection.execute(f"""CREATE TEMP VIEW engine_records AS
            SELECT r.seq, r.county, r.period, r.indicator, r.value, r.numerator, r.denominator,
                   r.done_on IS NOT NULL AS dated, r.note, {VALUE} AS x, {BOTH} AS has_both
            FROM engine_read r JOIN engine_indicators i USING (indicator)""")
        connection.execute(_VALUES)
        yield connection
    finally:
        connection.close()


@lru_cache(maxsize=1)
def _memory() -> "duckdb.DuckDBPyConnection":
    """A database in memory, where a caller's DataFrames are worked on (one per process: a new database costs
    more than a small plan's whole computation)."""
    import duckdb

    return duckdb.connect(config={"threads": 1})


def prepare(connection: "duckdb.DuckDBPyConnection", plan: Plan) -> None:
    """The plan's indicators and areas as the engine's queries need them (`engine_indicators`, `engine_listed`,
    `engine_within`: which units each rolled-up area holds)."""
    inds = plan.indicators
    connection.execute("""
        CREATE OR REPLACE TEMP TABLE engine_indicators AS
        SELECT unnest($indicator)::INTEGER AS indicator, unnest($kind)::VARCHAR AS kind,
               unnest($scale)::DOUBLE AS scale, unnest($restricted)::BOOLEAN AS restricted,
               unnest($own)::BOOLEAN AS own""", {
        "indicator": list(range(len(inds))), "kind": [ind.kind.value for ind in inds],
        "scale": [ind.ratio_scale for ind in inds], "restricted": [ind.counties is not None for ind in inds],
        "own": [ind.own_counts for ind in inds]})
    codes = plan.area_codes
    area = {county.id: codes[county.id] for county in plan.counties}
    listed = [(i, area[county.id]) for i, ind in enumerate(inds) if ind.counties is not None
              for county in plan.reporting_counties(ind)]
    connection.execute("CREATE OR REPLACE TEMP TABLE engine_listed AS SELECT unnest($i)::INTEGER AS indicator, "
                       "unnest($c)::INTEGER AS county", {"i": [i for i, _ in listed], "c": [c for _, c in listed]})
    # the whole holds every unit (and the city's own figures, which count into it where the plan says: `own`); each
    # region those within it
    within = [(0, 0), *((0, code) for code in area.values())]
    within += [(codes[r], code) for county, code in area.items() for r in plan.ancestors(county)]
    connection.execute("CREATE OR REPLACE TEMP TABLE engine_within AS SELECT unnest($a)::INTEGER AS area, "
                       "unnest($c)::INTEGER AS county", {"a": [a for a, _ in within], "c": [c for _, c in within]})


def latest_month(connection: "duckdb.DuckDBPyConnection") -> int | None:
    """The latest month of a record that reports anything (None: no record does)."""
    return connection.execute(f"SELECT max(period) FROM engine_records WHERE {_REPORTS}").fetchone()[0]


# ------------------------------------------------------------------------------------------- the queries


@dataclass(frozen=True)
class Latest:
    """Each (indicator, area) with a usable record up to the as-of month: its latest record's x, month and parts,
    how many usable records it has, the x and month of the earliest of its latest PROJECTION_RECORDS, and its
    latest record up to each of the months before (`before`: x, numerator, denominator per month)."""

    indicator: np.ndarray
    area: np.ndarray
    records: np.ndarray
    x: np.ndarray
    period: np.ndarray
    numerator: np.ndarray
    denominator: np.ndarray
    pace_x: np.ndarray
    pace_period: np.ndarray
    before: list[tuple[np.ndarray, np.ndarray, np.ndarray]]


def latest(connection: "duckdb.DuckDBPyConnection", chosen: Sequence[int], month: int,
           months_before: Sequence[int]) -> Latest:
    """The latest records of the rows of the `chosen` indicators (codes) up to `month`, and up to each of
    `months_before` (docs/contract.md §4).

    One pass finds, for each row, the keys of the records it needs (its latest PROJECTION_RECORDS, its latest up to
    each month before): an aggregate of keys alone is cheap, where carrying each figure along was not (a national
    read: 0.9 s against 2 s). A second pass picks those records' figures, joined back to each row."""
    earlier = "".join(f", max(key) FILTER (period <= {m}) AS key_{n}" for n, m in enumerate(months_before))
    connection.execute(f"""
        CREATE OR REPLACE TEMP TABLE engine_keys AS
        SELECT indicator, county, count(*) AS records, max(key, {PROJECTION_RECORDS}) AS newest {earlier}
        FROM engine_x WHERE x IS NOT NULL AND period <= $month AND indicator IN (SELECT unnest($chosen))
        GROUP BY indicator, county""", {"month": month, "chosen": list(chosen)})
    wanted = " UNION ALL ".join(["SELECT unnest(newest) FROM engine_keys",
                                 *(f"SELECT key_{n} FROM engine_keys" for n in range(len(months_before)))])
    connection.execute(f"""
        CREATE OR REPLACE TEMP TABLE engine_picked AS
        SELECT key, x, numerator, denominator, has_both FROM engine_x
        WHERE x IS NOT NULL AND period <= $month AND key IN ({wanted})""", {"month": month})
    picked = "".join(f"""
        LEFT JOIN engine_picked b{n} ON b{n}.key = k.key_{n}""" for n in range(len(months_before)))
    connection.execute(f"""
        CREATE OR REPLACE TEMP TABLE engine_latest AS
        SELECT k.indicator, k.county, k.records, l.x, l.key >> 48 AS period, l.numerator, l.denominator,
               l.has_both, p.x AS pace_x, p.key >> 48 AS pace_period
               {"".join(f", b{n}.x AS x_{n}, b{n}.numerator AS numerator_{n}, b{n}.denominator AS denominator_{n}, "
                        f"b{n}.has_both AS has_both_{n}" for n in range(len(months_before)))}
        FROM engine_keys k JOIN engine_picked l ON l.key = k.newest[1]
             JOIN engine_picked p ON p.key = k.newest[-1] {picked}""")
    found = connection.execute("SELECT * FROM engine_latest").fetchnumpy()
    columns = {name: _filled(values) for name, values in found.items()}
    return Latest(columns["indicator"].astype(np.int64), columns["county"].astype(np.int64),
                  columns["records"].astype(np.int64), columns["x"], columns["period"].astype(np.int64),
                  columns["numerator"], columns["denominator"], columns["pace_x"],
                  columns["pace_period"].astype(np.int64),
                  [(columns[f"x_{n}"], columns[f"numerator_{n}"], columns[f"denominator_{n}"])
                   for n in range(len(months_before))])


def reported_pairs(connection: "duckdb.DuckDBPyConnection", month: int) -> tuple[np.ndarray, np.ndarray]:
    """The (indicator, area) pairs with a record that reports anything for exactly `month`."""
    found = connection.execute(f"SELECT DISTINCT indicator, county FROM engine_records WHERE period = ? AND {_REPORTS}",
                               [month]).fetchnumpy()
    return found["indicator"].astype(np.int64), found["county"].astype(np.int64)


def _filled(values) -> np.ndarray:
    """A fetched column as a plain array: NULL as NaN (numbers) or −1 (codes and months)."""
    if isinstance(values, np.ma.MaskedArray):
        fill = -1 if values.dtype.kind in "iu" else (False if values.dtype.kind == "b" else np.nan)
        return values.astype(np.float64 if values.dtype.kind == "f" else values.dtype).filled(fill)
    return np.asarray(values)


@dataclass(frozen=True)
class Figures:
    """The figure of each rolled-up row (the whole's, or a region's, of one chosen indicator) at a moment (NaN
    where no unit fed it), rolled up by kind from its units' latest records up to that moment (docs/contract.md
    §2): the latest month among the records that fed it (−1: none), whether any of them is from before the as-of
    month, and how many units fed it."""

    x: np.ndarray
    period: np.ndarray
    stale: np.ndarray
    reporting: np.ndarray


def rolled_up(connection: "duckdb.DuckDBPyConnection", chosen: Sequence[Indicator], positions: Sequence[int],
              area: np.ndarray, block: np.ndarray, sizes: np.ndarray, month: int,
              moment: int | None = None) -> Figures:
    """The figure of each rolled-up row (`area`: 0 for the whole, else a region's code; `block`: its indicator's
    place among the `chosen`, whose codes are `positions`; `sizes`: how many units report it there) from the
    latest records of the units within it (`engine_latest`, `engine_within`) up to the as-of `month`, or
    (`moment` n) up to the n-th of the months before it: count Σx, level the worst unit, ratio Σnumerator /
    Σdenominator × scale over the records that have both, milestone the share of its units done, task the stage of
    the least advanced unit (the whole has reached a stage when every unit has: while one has not reported, the
    first stage). Only the units
    that report the indicator count, and the city's own figures where the plan counts them in (`own_counts`: 市本级
    is then one more of those reporting, `sizes` counts it). Sums are exact (DuckDB's fsum, as math.fsum: whatever the order)."""
    x, numerator, denominator, has_both = ("x", "numerator", "denominator", "has_both") if moment is None else (
        f"x_{moment}", f"numerator_{moment}", f"denominator_{moment}", f"has_both_{moment}")
    found = connection.execute(f"""
        SELECT area, indicator, count(*) AS reporting,
               fsum(x) AS total, min(x) AS lowest, max(x) AS highest,
               fsum(numerator) AS numerator, fsum(denominator) AS denominator,
               count(*) FILTER (WHERE x >= 0.5) AS done, max(period) AS period, bool_or(period < $month) AS stale
        FROM (SELECT w.area, l.indicator, l.{x} AS x, l.{numerator} AS numerator,
                     l.{denominator} AS denominator, l.period,
                     CASE WHEN i.kind = 'ratio' THEN coalesce(l.{has_both}, false) ELSE l.{x} IS NOT NULL END AS feeds
              FROM engine_latest l JOIN engine_indicators i USING (indicator) JOIN engine_within w USING (county)
              WHERE (l.county > 0 OR i.own)
                    AND (NOT i.restricted OR l.county = 0 OR (l.indicator, l.county) IN (SELECT * FROM engine_listed)))
        WHERE feeds GROUP BY area, indicator""", {"month": month}).fetchnumpy()
    place = {(int(a), int(code)): n for n, (a, code) in enumerate(zip(area.tolist(),
                                                                       np.asarray(positions)[block].tolist()))}
    at = np.array([place.get((int(a), int(code)), -1) for a, code in zip(found["area"], found["indicator"])],
                  dtype=np.int64)
    keep = at >= 0
    at = at[keep]

    def spread(name: str, fill) -> np.ndarray:
        values = np.full(len(area), fill, dtype=np.float64 if isinstance(fill, float) else np.int64)
        values[at] = _filled(found[name])[keep]
        return values

    inds = [chosen[b] for b in block.tolist()]
    reporting, done = spread("reporting", 0), spread("done", 0)
    total, lowest, highest = spread("total", np.nan), spread("lowest", np.nan), spread("highest", np.nan)
    summed_numerator, summed_denominator = spread("numerator", np.nan), spread("denominator", np.nan)
    scale = np.array([ind.ratio_scale for ind in inds], dtype=np.float64)
    increase = np.array([ind.direction is Direction.INCREASE for ind in inds], dtype=bool)
    kinds = np.array([ind.kind.value for ind in inds], dtype=object)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        value = np.select(
            [kinds == Kind.COUNT.value, kinds == Kind.LEVEL.value, kinds == Kind.RATIO.value,
             kinds == Kind.TASK.value],
            [total, np.where(increase, lowest, highest),
             np.where(summed_denominator != 0, summed_numerator / summed_denominator * scale, np.nan),
             # (an area that has not reported has shown no stage: the whole is at the first until every one has)
             np.where(reporting >= sizes, lowest, np.minimum(lowest, 0.0))],
            default=done / np.maximum(sizes, 1))
    value[np.isinf(value)] = np.nan  # a sum beyond what a float holds is no figure (the units' are refused)
    fed = reporting > 0
    stale = np.zeros(len(area), dtype=bool)
    stale[at] = _filled(found["stale"])[keep].astype(bool)
    return Figures(x=np.where(fed, value, np.nan), period=np.where(fed, spread("period", -1), -1),
                   stale=fed & stale, reporting=reporting)


# ---------------------------------------------------------------------------------------- assessing rows


@dataclass(frozen=True)
class Rows:
    """Rows to assess, as columns (docs/contract.md §4)."""

    indicator: np.ndarray
    """Position in plan.indicators."""
    target: np.ndarray
    """NaN: a count row with no county target."""
    baseline: np.ndarray
    expected: np.ndarray
    x: np.ndarray
    """The actual value (NaN: none)."""
    period: np.ndarray
    """The month of the record used (city: the latest that fed it), as a month number (−1: none)."""
    stale: np.ndarray
    records: np.ndarray
    """How many usable records the row has up to the as-of month (a city row: how many of this and the months
    before it, up to PROJECTION_RECORDS, have a city figure)."""
    pace_x: np.ndarray
    """The value of the earliest of the row's latest PROJECTION_RECORDS records (NaN: none)."""
    pace_period: np.ndarray
    """The month of `pace_x` (−1: none)."""
    anchor_period: np.ndarray
    """The month the row's figure stands at (−1: none): where its projection starts."""
    counties_reporting: np.ndarray
    """City rows of scope-county indicators: how many counties fed the figure (−1 elsewhere)."""
    counties_total: np.ndarray


@dataclass(frozen=True)
class Assessed:
    """What `assess` works out for each row; `status` holds severities, `projected_status` 0 (none), 1 (will
    meet) or 2 (will miss)."""

    expected: np.ndarray
    progress: np.ndarray
    expected_progress: np.ndarray
    shortfall: np.ndarray
    remaining: np.ndarray
    status: np.ndarray
    projected: np.ndarray
    projected_status: np.ndarray


def assess(plan: Plan, rows: Rows, as_of: dt.date) -> Assessed:
    """Progress, expected progress, shortfall, remaining, status and projection of each row, from its actual
    value x, target, baseline and expected value (docs/contract.md §4)."""
    inds = plan.indicators
    decrease = np.array([ind.direction is Direction.DECREASE for ind in inds] or [False])[rows.indicator]
    # the paces that ask by steps: within due_soon_days of its deadline a row they pace is at risk until met
    step = np.array([ind.pace in (Pace.STEP, Pace.NONE, Pace.QUARTERLY) or ind.form is Form.KEEP
                     for ind in inds] or [False])[rows.indicator]
    is_count = np.array([ind.kind is Kind.COUNT for ind in inds] or [False])[rows.indicator]
    keep = np.array([ind.form is Form.KEEP for ind in inds] or [False])[rows.indicator]
    linear = np.array([ind.pace in PROJECTED and ind.form is not Form.KEEP for ind in inds] or [False])[rows.indicator]
    deadline = np.array([ind.deadline for ind in inds] or [as_of], dtype="datetime64[D]")[rows.indicator]
    today = np.datetime64(as_of, "D")

    x, target, baseline, expected = rows.x, rows.target, rows.baseline, rows.expected
    has_x, has_target = ~np.isnan(x), ~np.isnan(target)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        met = has_x & has_target & np.where(decrease, x <= target + TOLERANCE, x >= target - TOLERANCE)
        span = target - baseline
        flat = has_target & (np.abs(span) <= TOLERANCE)
        progress = np.where(flat, np.where(met, 1.0, 0.0), (x - baseline) / span)
        progress = np.where(has_x & has_target, progress, np.nan)
        expected_progress = np.where(flat, 1.0, (expected - baseline) / span)
        # a target to keep (form = "keep") is asked for all the time: progress is the share of it held
        # (1 − the gap as a share of the target: 20000 of 21000 holds 95.2 %; a target of 0 or below holds 0 once
        # breached, never more than it is)
        size = np.abs(target)
        held = np.where(size > TOLERANCE, 1.0 - np.abs(x - target) / np.where(size > TOLERANCE, size, 1.0), 0.0)
        progress = np.where(keep & has_x & has_target, np.where(met, 1.0, np.clip(held, 0.0, 1.0)), progress)
        expected_progress = np.where(keep, 1.0, expected_progress)
        expected = np.where(keep, target, expected)
        shortfall = 100.0 * (expected_progress - progress)
        remaining = np.where(met, 0.0, np.abs(target - x))
    thresholds = plan.status
    days_left = (deadline - today).astype(np.int64)
    # a task (docs/plan-format.md "Tasks") is behind once a node's date has passed with its stage not reached,
    # and at risk within due_soon_days of a node it has not reached, as of its deadline
    task = np.array([ind.is_task for ind in inds] or [False])[rows.indicator]
    node_missed = task & has_x & (x < expected - TOLERANCE)
    node_near = task & has_x & _node_near(inds, rows.indicator, x, as_of, thresholds.due_soon_days)
    status = np.select(
        [~has_x, is_count & ~has_target, met, days_left <= 0,  # on the deadline day, what is not met is not met
         node_missed | (~task & (shortfall - thresholds.behind > TOLERANCE)),
         (~task & (shortfall - thresholds.at_risk > TOLERANCE)) | node_near |
         (step & (days_left <= thresholds.due_soon_days))],
        [Status.NO_DATA.severity, Status.NO_TARGET.severity, Status.MET.severity, Status.MISSED.severity,
         Status.BEHIND.severity, Status.AT_RISK.severity],
        default=Status.ON_TRACK.severity,
    ).astype(np.int8)

    projected = _projection(rows, linear, today, deadline)
    # a projection goes no further than a figure can: no count or ratio below 0, no percentage above 100
    # (a rate that rose 5 points a month is not heading for 119%)
    percent = np.array([ind.kind is Kind.RATIO and ind.ratio_scale == 100 for ind in inds] or [False])[rows.indicator]
    projected = np.where(np.isnan(projected), projected,
                         np.clip(projected, 0.0, np.where(percent, 100.0, np.inf)))
    projected_met = np.where(decrease, projected <= target + TOLERANCE, projected >= target - TOLERANCE)
    has_projection = ~np.isnan(projected)
    return Assessed(
        expected=np.where(has_target, expected, np.nan), progress=progress,
        expected_progress=np.where(has_target, expected_progress, np.nan), shortfall=shortfall,
        remaining=np.where(has_x & has_target, remaining, np.nan), status=status, projected=projected,
        projected_status=np.where(has_projection & has_target, np.where(projected_met, 1, 2), 0).astype(np.int8),
    )


def _node_near(inds: Sequence[Indicator], indicator: np.ndarray, x: np.ndarray, as_of: dt.date,
               days: int) -> np.ndarray:
    """Whether each task row has a node within `days` after the as-of date (on it included) whose stage its figure
    has not reached."""
    near = np.zeros(len(indicator), dtype=bool)
    for code in (code for code, ind in enumerate(inds) if ind.is_task and ind.milestones):
        due = [m.target for m in inds[code].milestones if 0 <= (m.date - as_of).days <= days]
        if due:
            rows = indicator == code
            near[rows] = x[rows] < max(due) - TOLERANCE
    return near


def month_ends(months: np.ndarray) -> np.ndarray:
    """The last day of each month number (NaT for −1)."""
    ends = (months - 1970 * 12 + 1).astype("datetime64[M]").astype("datetime64[D]") - np.timedelta64(1, "D")
    return np.where(months >= 0, ends, np.datetime64("NaT"))


def _projection(rows: Rows, linear: np.ndarray, today: np.datetime64, deadline: np.ndarray) -> np.ndarray:
    """The value each linear-paced row reaches at its deadline if it keeps the pace of its recent records:
    latest + (latest − earliest of the last PROJECTION_RECORDS) / their days apart × days from the latest to
    the deadline. Each record stands at the last day of its month. NaN for step-paced rows, rows with fewer
    than two records, and rows whose deadline has come."""
    x = rows.x
    ok = linear & (rows.records >= 2) & (deadline > today) & ~np.isnan(x)  # (on the deadline day: nothing ahead)
    ok &= (rows.pace_period >= 0) & (rows.anchor_period >= 0)
    last_end = np.where(ok, month_ends(rows.anchor_period), today)
    first_end = np.where(ok, month_ends(rows.pace_period), today)
    days = (last_end - first_end).astype(np.int64)
    ahead = np.maximum((deadline - last_end).astype(np.int64), 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        slope = (x - rows.pace_x) / days
        projected = x + slope * ahead
    return np.where(ok & (days > 0), projected, np.nan)


def worst_status(block: np.ndarray, status: np.ndarray, blocks: int) -> np.ndarray:
    """The worst of the `status` of the rows in each block (`block[i]`: row i's block; no_data for a block
    without rows)."""
    worst = np.full(blocks, len(WORST_FIRST), dtype=np.int8)  # above every severity: no row yet
    np.minimum.at(worst, block, status)
    worst[worst == len(WORST_FIRST)] = Status.NO_DATA.severity
    return worst
