"""The gap engine works on whole columns (codes, one sorted index of the records, numpy arithmetic) so that a national
plan (millions of records) is computed in a second or two. These tests hold its parts to what they stand for, and
the whole engine to a plain reference that works FORMATS §4 out one row at a time, on small random plans and
records: missing and stale records, level cities, milestones, ratios fed by some counties only, targets equal to
baselines, decreasing indicators, scope-city indicators, counties outside the plan, several records in a month."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mubiao.analysis.gaps import (
    PROJECTION_RECORDS,
    ROW_FIELDS,
    GapRow,
    _county_fraction,
    _county_targets,
    _factorize,
    _months_before,
    _Records,
    _RecordIndex,
    compute_gaps,
    expected_at,
)
from mubiao.models import CITY, Direction, Kind, Pace, Scope, Status, StatusThresholds
from mubiao.numbers import TOLERANCE, month_end, month_of
from mubiao.readers.progress import Record, records_frame
from test_gaps import END, JUNE, MARCH, START, indicator, plan, rec

MONTHS = [f"2021-{m:02d}" for m in range(1, 13)]


# --------------------------------------------------------------------------------------- codes of a text column


@pytest.mark.parametrize("values", [
    [], ["a"], ["a", "a", "b", "b", "b", "a"], ["x", "y"] * 3000, ["a"] * 5000 + ["b"] * 5000 + ["a"],
    ["a", None, None, "b", None], ["2021-01"] * 3 + [pd.NA, "2021-02"],
])
def test_factorize_gives_each_value_its_distinct_value_in_runs_or_not(values):
    column = pd.Series(values, dtype="string" if any(v is pd.NA for v in values) else object)
    factorized = _factorize(column)
    codes = factorized.recoded(list(range(len(factorized.distinct))))
    assert len(codes) == len(values)
    for value, code in zip(values, codes.tolist()):
        if value is None or value is pd.NA:
            assert code == -1 or factorized.distinct[code] == ""  # missing: no code, or read as ''
        else:
            assert factorized.distinct[code] == value


def test_a_county_column_in_runs_is_looked_up_run_by_run():
    column = pd.Series(["a"] * 1000 + ["b"] * 1000 + ["a"] * 1000, dtype="string")
    factorized = _factorize(column)
    assert factorized.lengths is not None and factorized.lengths.tolist() == [1000, 1000, 1000]
    shuffled = _factorize(pd.Series(["a", "b"] * 1500, dtype="string"))
    assert shuffled.lengths is None


# ------------------------------------------------------------------------------------------- county targets


@pytest.mark.parametrize("ind", [
    indicator(per_county=4), indicator(allocation={"a": 8, "c": 2.5}), indicator(allocation={"a": 8}, per_county=3),
    indicator(baselines={"b": 7}), indicator(Kind.LEVEL, 100, 50, allocation={"a": 90}, baselines={"c": 40}),
    indicator(Kind.RATIO, 90, 80, per_county=85), indicator(Kind.MILESTONE, 1, 0, allocation={"a": 5}),
    indicator(allocation={"elsewhere": 3, "b": 1}),
])
def test_county_targets_are_what_the_indicator_gives_county_by_county(ind):
    counties = ["c", "a", "b"]
    target, baseline = _county_targets(ind, {county: row for row, county in enumerate(counties)}, len(counties))
    for row, county in enumerate(counties):
        expected = ind.county_target(county)
        assert (np.isnan(target[row]) if expected is None else target[row] == expected)
        assert baseline[row] == ind.county_baseline(county)


# -------------------------------------------------------------------------------------------- the record index


def _random_cases(seed: int, count: int) -> list[tuple[str, str, str, float | None]]:
    """`count` records on a few rows: each row gets a history, with several records in some months."""
    rng = np.random.default_rng(seed)
    return [(str(rng.choice(["I1", "I2", "I3"])), str(rng.choice(["a", "b", CITY, "zz"])),
             str(rng.choice(MONTHS[:6])), None if rng.random() < 0.2 else float(rng.integers(0, 9)))
            for _ in range(count)]


@pytest.mark.parametrize("packed", [True, False])
@pytest.mark.parametrize("seed, count", [(1, 0), (2, 1), (3, 12), (4, 60), (5, 200), (6, 400)])
def test_the_index_finds_each_rows_records_in_month_then_table_order(seed, count, packed):
    cases = _random_cases(seed, count)
    the_plan = plan(indicator("I1"), indicator("I2"), indicator("I3"), counties=("a", "b"))
    records = _Records.of(the_plan, records_frame([rec(c, p, v, indicator=i) for i, c, p, v in cases]))
    if not packed:  # slots too large to pack with the record's position into one integer: the same order
        records = replace(records, areas=2**62 // (3 * max(len(records.periods), 1)) + 1)
    chosen = np.array([True, False, True])
    index = _RecordIndex.of(records, chosen, "2021-04")
    assert (index.positions is None) == packed

    pairs = [(i, a) for i in range(3) for a in range(3)]  # a, b and the city
    found = index.find(np.array([i for i, _ in pairs]), np.array([a for _, a in pairs]))
    areas = ["a", "b", CITY]
    for k, (i, a) in enumerate(pairs):
        mine = sorted((p, position) for position, (ind, county, p, v) in enumerate(cases)
                      if ind == f"I{i + 1}" and county == areas[a] and v is not None and p <= "2021-04"
                      and chosen[i])
        positions = [position for _, position in mine]
        assert found.count[k] == len(positions)
        assert found.latest()[k] == (positions[-1] if positions else -1)
        assert found.pace_setter()[k] == (positions[max(len(positions) - PROJECTION_RECORDS, 0)] if positions else -1)
        up_to_march = [position for p, position in mine if p <= "2021-03"]
        assert found.latest_up_to(records.periods_up_to("2021-03"))[k] == (up_to_march[-1] if up_to_march else -1)


# ------------------------------------------------------------------------------------------ table and selection


def test_the_rows_are_made_from_the_columns_once_and_selected_by_column():
    the_plan = plan(indicator("I1", per_county=4, owner="o1"), indicator("I2", Kind.LEVEL, 100, 50, goal="G2"),
                    indicator("I3", Kind.COUNT, 10, scope=Scope.CITY, goal="G2", owner="o2"))
    records = [rec("a", "2021-06", 2), rec("b", "2021-05", 5), rec("a", "2021-06", 60, indicator="I2"),
               rec(CITY, "2021-06", 4, indicator="I3")]
    gaps = compute_gaps(the_plan, records_frame(records), JUNE)
    assert gaps.rows is gaps.rows  # made once
    assert all(isinstance(row, GapRow) for row in gaps.rows)
    assert gaps.worst_status() is min((row.status for row in gaps.rows), key=lambda s: s.severity)

    def kept(counties=None, owners=None, goals=None, statuses=None):
        return [row for row in gaps.rows
                if (counties is None or row.county in {None if c == CITY else c for c in counties})
                and (owners is None or row.owner in owners) and (goals is None or row.goal in goals)
                and (statuses is None or row.status in statuses)]

    for narrowed in (dict(counties=["a"]), dict(counties=[CITY, "c"]), dict(owners=["o2"]), dict(goals=["G2"]),
                     dict(statuses=[Status.NO_DATA, Status.MET]), dict(counties=["b"], goals=["G1"]),
                     dict(statuses=[])):
        selected = gaps.select(**narrowed)
        assert list(selected.rows) == kept(**narrowed)
        assert selected.worst_status() == (min((r.status for r in selected.rows), key=lambda s: s.severity)
                                           if selected.rows else None)
    assert gaps.select() is gaps


# --------------------------------------------------------------------------- the engine against a plain reference


def reference_rows(the_plan, records: list[Record], as_of: dt.date) -> list[tuple]:
    """Every row (as a tuple of ROW_FIELDS), worked out one row at a time from FORMATS §4 with plain Python."""
    month = month_of(as_of)

    def x_of(ind, r):
        if (ind.kind is Kind.RATIO and r.numerator is not None and r.denominator is not None
                and abs(r.denominator) > TOLERANCE):
            return r.numerator / r.denominator * (ind.scale if ind.scale is not None else 100.0)
        if r.value is None and ind.kind is Kind.MILESTONE and r.done_on is not None:
            return 1.0
        return r.value

    def history(ind, area, up_to):
        """The usable records of a row up to a month, oldest first (table order within a month)."""
        found = [(r.period, position, x_of(ind, r), r) for position, r in enumerate(records)
                 if r.indicator == ind.id and r.county == area and r.period <= up_to and x_of(ind, r) is not None]
        return sorted(found, key=lambda f: (f[0], f[1]))

    def summed(values):  # pandas adds a group's figures with Kahan's compensation, in row order
        total = compensation = 0.0
        for value in values:
            y = value - compensation
            t = total + y
            compensation = t - total - y
            total = t
        return total

    def city_figure(ind, up_to):
        counties = the_plan.reporting_counties(ind)
        fed = []
        for county in counties:
            found = history(ind, county.id, up_to)
            if found:
                period, _, x, r = found[-1]
                if ind.kind is not Kind.RATIO or (r.numerator is not None and r.denominator is not None
                                                  and abs(r.denominator) > TOLERANCE):
                    fed.append((period, x, r))
        if not fed:
            return None, None, False, 0
        xs = [x for _, x, _ in fed]
        if ind.kind is Kind.COUNT:
            x = summed(xs)
        elif ind.kind is Kind.LEVEL:
            x = min(xs) if ind.direction is Direction.INCREASE else max(xs)
        elif ind.kind is Kind.RATIO:
            numerator, denominator = summed([r.numerator for _, _, r in fed]), summed([r.denominator for *_, r in fed])
            x = numerator / denominator * (ind.scale if ind.scale is not None else 100.0) if denominator else None
        else:
            x = sum(1 for v in xs if v >= 0.5) / len(counties)
        return x, max(p for p, _, _ in fed), any(p < up_to for p, _, _ in fed), len(fed)

    def assessed(ind, x, target, baseline, expected, records_count, pace_x, anchor, pace_period):
        decrease = ind.direction is Direction.DECREASE
        met = (x is not None and target is not None
               and (x <= target + TOLERANCE if decrease else x >= target - TOLERANCE))
        progress = expected_progress = shortfall = remaining = None
        if target is not None:
            span = target - baseline
            flat = abs(span) <= TOLERANCE
            expected_progress = 1.0 if flat else (expected - baseline) / span
            if x is not None:
                progress = (1.0 if met else 0.0) if flat else (x - baseline) / span
                shortfall = 100.0 * (expected_progress - progress)
                remaining = 0.0 if met else abs(target - x)
        days_left = (ind.deadline - as_of).days
        thresholds = the_plan.status
        if x is None:
            status = Status.NO_DATA
        elif ind.kind is Kind.COUNT and target is None:
            status = Status.NO_TARGET
        elif met:
            status = Status.MET
        elif days_left < 0:
            status = Status.MISSED
        elif shortfall is not None and shortfall - thresholds.behind > TOLERANCE:
            status = Status.BEHIND
        elif ((shortfall is not None and shortfall - thresholds.at_risk > TOLERANCE)
              or (ind.pace is Pace.STEP and days_left <= thresholds.due_soon_days)):
            status = Status.AT_RISK
        else:
            status = Status.ON_TRACK
        projected = projected_status = None
        if (ind.pace is Pace.LINEAR and records_count >= 2 and ind.deadline >= as_of and x is not None
                and anchor is not None and pace_period is not None):
            last_end, first_end = month_end(anchor), month_end(pace_period)
            days = (last_end - first_end).days
            if days > 0:
                projected = x + (x - pace_x) / days * max((ind.deadline - last_end).days, 0)
                if target is not None:
                    will = projected <= target + TOLERANCE if decrease else projected >= target - TOLERANCE
                    projected_status = "will_meet" if will else "will_miss"
        return dict(expected=expected if target is not None else None, progress=progress,
                    expected_progress=expected_progress, shortfall=shortfall, remaining=remaining, status=status,
                    projected=projected, projected_status=projected_status)

    def row(ind, county, target, baseline, x, period, stale, reporting, total, figures):
        return GapRow(goal=ind.goal, indicator=ind.id, name=ind.name, kind=ind.kind.value,
                      direction=ind.direction.value, unit=ind.unit, owner=ind.owner, county=county,
                      baseline=baseline, target=target, actual=x, deadline=ind.deadline, reported_period=period,
                      stale=stale, counties_reporting=reporting, counties_total=total, **figures)

    rows = []
    any_linear = any(ind.pace is Pace.LINEAR and ind.scope is Scope.COUNTY for ind in the_plan.indicators)
    for ind in the_plan.indicators:
        target, baseline = (1.0, 0.0) if ind.kind is Kind.MILESTONE else (ind.target, ind.baseline)
        expected = expected_at([(the_plan.start, baseline), *((m.date, m.target) for m in ind.milestones),
                                (ind.deadline, target)], ind.pace, as_of)
        county_rows = []
        for county in the_plan.reporting_counties(ind):
            found = history(ind, county.id, month)
            c_target, c_baseline = ind.county_target(county.id), ind.county_baseline(county.id)
            c_expected = None if c_target is None else c_baseline + _county_fraction(the_plan, ind, as_of) * (
                c_target - c_baseline)
            x, period = (found[-1][2], found[-1][0]) if found else (None, None)
            pace = found[max(len(found) - PROJECTION_RECORDS, 0)] if found else None
            figures = assessed(ind, x, c_target, c_baseline, c_expected, len(found), pace and pace[2], period,
                               pace and pace[0])
            county_rows.append(row(ind, county.id, c_target, c_baseline, x, period,
                                   period is not None and period < month, None, None, figures))
        if ind.scope is Scope.CITY:
            found = history(ind, CITY, month)
            x, period = (found[-1][2], found[-1][0]) if found else (None, None)
            pace = found[max(len(found) - PROJECTION_RECORDS, 0)] if found else None
            figures = assessed(ind, x, target, baseline, expected, len(found), pace and pace[2], period,
                               pace and pace[0])
            city = row(ind, None, target, baseline, x, period, period is not None and period < month, None, None,
                       figures)
        else:
            x, period, stale, reporting = city_figure(ind, month)
            earlier = [(m, city_figure(ind, m)[0]) for m in _months_before(month, the_plan, PROJECTION_RECORDS - 1)
                       if any_linear]
            earlier = [(m, v) for m, v in earlier if v is not None]
            count = len(earlier) + 1 if x is not None else 0
            pace_period, pace_x = earlier[0] if earlier and x is not None else (None, None)
            figures = assessed(ind, x, target, baseline, expected, count, pace_x, month, pace_period)
            if ind.kind is Kind.LEVEL:
                figures["status"] = min((r.status for r in county_rows), key=lambda s: s.severity,
                                        default=Status.NO_DATA)
            city = row(ind, None, target, baseline, x, period, stale, reporting,
                       len(the_plan.reporting_counties(ind)), figures)
        rows += [city, *county_rows]
    return [tuple(getattr(r, name) for name in ROW_FIELDS) for r in rows]


def _plans() -> st.SearchStrategy:
    """Small plans over counties a, b, c: any kind, direction, pace and scope, targets equal to baselines, county
    targets and baselines for some counties, milestones, an indicator some counties do not report."""
    kind = st.sampled_from(list(Kind))
    number = st.sampled_from([0.0, 1.0, 5.0, 10.0, 12.5, 40.0, 100.0])

    @st.composite
    def one(draw, number_of):
        k = draw(kind)
        target, baseline = draw(number), draw(number)
        extra = {}
        if k is not Kind.MILESTONE:
            if draw(st.booleans()):
                extra["allocation"] = draw(st.dictionaries(st.sampled_from("abc"), number, max_size=2))
            if draw(st.booleans()):
                extra["per_county"] = draw(number)
            if draw(st.booleans()):
                extra["baselines"] = draw(st.dictionaries(st.sampled_from("abc"), number, max_size=2))
        if k is Kind.RATIO:
            extra["scale"] = draw(st.sampled_from([None, 1.0, 100.0]))
        milestones = ()
        if draw(st.booleans()) and k is not Kind.MILESTONE:
            milestones = ((MARCH, (target + baseline) / 2),)
        scope = draw(st.sampled_from([Scope.COUNTY, Scope.COUNTY, Scope.CITY]))
        counties = draw(st.sampled_from([None, ("a", "c"), ()])) if scope is Scope.COUNTY else None
        return indicator(f"I{number_of}", k, 1 if k is Kind.MILESTONE else target,
                         0 if k is Kind.MILESTONE else baseline, goal=f"G{number_of % 2}",
                         direction=draw(st.sampled_from(list(Direction))),
                         pace=draw(st.sampled_from([None, Pace.LINEAR, Pace.LINEAR, Pace.STEP])),
                         milestones=milestones,
                         deadline=draw(st.sampled_from([JUNE, END, dt.date(2021, 4, 15)])), scope=scope,
                         counties=counties, **extra)

    @st.composite
    def plans(draw):
        indicators = [draw(one(i)) for i in range(draw(st.integers(1, 3)))]
        thresholds = StatusThresholds(at_risk=draw(st.sampled_from([0.0, 5.0])), behind=20.0)
        return plan(*indicators, status=thresholds)

    return plans()


def _records(indicator_ids: list[str], counties: list[str], min_size: int, max_size: int) -> st.SearchStrategy:
    figure = st.one_of(st.none(), st.sampled_from([0.0, 0.3, 1.0, 2.0, 3.5, 7.0, 9.0, 10.0, 12.5, 40.0, 99.0, 120.0]))
    record = st.builds(
        lambda ind, county, period, value, numerator, denominator, done: rec(
            county, period, value, indicator=ind, numerator=numerator, denominator=denominator,
            done_on=dt.date(2021, 2, 3) if done else None),
        st.sampled_from([*indicator_ids, indicator_ids[0], "unknown"]), st.sampled_from(counties),
        st.sampled_from(MONTHS[:6]), figure, figure, st.one_of(figure, st.just(0.0)), st.booleans())
    return st.lists(record, min_size=min_size, max_size=max_size)


AS_OF_DATES = [START, MARCH, dt.date(2021, 4, 15), dt.date(2021, 5, 31), JUNE, JUNE, END, dt.date(2020, 12, 31)]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_the_engine_agrees_with_a_row_by_row_reference(data):
    the_plan = data.draw(_plans())
    records = data.draw(_records([ind.id for ind in the_plan.indicators], ["a", "b", "c", CITY, "zz"], 0, 30))
    _agree(the_plan, records, data.draw(st.sampled_from(AS_OF_DATES)))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_the_engine_agrees_with_the_reference_on_long_histories(data):
    """Many records on few rows: several months each, several records in a month, projections from three."""
    the_plan = data.draw(_plans())
    records = data.draw(_records([ind.id for ind in the_plan.indicators], ["a", "b", CITY], 30, 60))
    _agree(the_plan, records, data.draw(st.sampled_from(AS_OF_DATES)))


def _agree(the_plan, records: list[Record], as_of: dt.date) -> None:
    computed = [tuple(getattr(r, name) for name in ROW_FIELDS)
                for r in compute_gaps(the_plan, records_frame(records), as_of).rows]
    assert computed == reference_rows(the_plan, records, as_of)


def test_the_reference_itself_on_a_worked_example():
    """A guard on the guard: the reference gives the numbers test_gaps.py works out by hand."""
    the_plan = plan(indicator(per_county=41))
    [city, a, *_] = reference_rows(the_plan, [rec("a", "2021-06", 15), rec("a", "2021-04", 10)], JUNE)
    fields = dict(zip(ROW_FIELDS, a))
    assert (fields["actual"], fields["reported_period"], fields["stale"]) == (15, "2021-06", False)
    assert dict(zip(ROW_FIELDS, city))["counties_reporting"] == 1


def test_a_table_of_plain_numpy_columns_gives_the_same_rows():
    """`load_progress`'s nullable columns, or plain float64 and object ones as a script may build them."""
    the_plan = plan(indicator(per_county=4), indicator("I2", Kind.RATIO, 90, 80, scale=100.0),
                    indicator("I3", Kind.MILESTONE, 1, 0))
    records = [rec("a", "2021-05", 1), rec("a", "2021-06", 3), rec("b", "2021-06", None),
               rec("a", "2021-06", numerator=7, denominator=9, indicator="I2"),
               rec("b", "2021-06", done_on=dt.date(2021, 6, 2), indicator="I3")]
    nullable = records_frame(records)
    plain = nullable.astype({"county": object, "period": object, "indicator": object, "value": "float64",
                             "numerator": "float64", "denominator": "float64"})
    assert compute_gaps(the_plan, plain, JUNE).rows == compute_gaps(the_plan, nullable, JUNE).rows
    assert plain["value"].tolist()[:2] == [1.0, 3.0]  # the caller's table is left as it was


def test_the_city_sums_are_added_exactly_as_pandas_adds_a_group():
    # the city rows' sums have always been pandas' compensated sums; compensated_sums must give the same bits
    import numpy as np
    import pandas as pd

    from mubiao.analysis.gaps import compensated_sums

    rng = np.random.default_rng(7)
    for _ in range(200):
        rows, columns = int(rng.integers(0, 60)), int(rng.integers(1, 12))
        values = np.round(rng.normal(0, 10.0 ** rng.integers(-3, 12), (rows, columns)), int(rng.integers(0, 4)))
        values[rng.random((rows, columns)) < 0.2] = np.nan
        values[rng.random((rows, columns)) < 0.02] = rng.choice([0.1, 1e-300, 1e15, -1e15, 123456789.123])
        frame = pd.DataFrame({"value": values.T.ravel(), "group": np.repeat(np.arange(columns), rows)})
        expected = frame.groupby("group")["value"].sum().reindex(range(columns), fill_value=0.0).to_numpy()
        assert np.array_equal(compensated_sums(values), expected)
    # a sum beyond what a float holds is no figure either way (the city row maps it to none)
    assert not np.isfinite(compensated_sums(np.array([[1e308], [1e308], [0.0]])))[0]


@pytest.mark.parametrize("sizes", [[3, 3, 3], [3, 0, 3, 0], [3, 1, 0, 2], [0, 0], [2]],
                         ids=["full", "full-and-empty", "partial", "all-empty", "one"])
def test_county_rows_become_a_matrix_of_blocks_whatever_their_sizes(sizes):
    """`_by_block` reshapes when each block is full or empty, and scatters otherwise: the same matrix."""
    import numpy as np

    from mubiao.analysis.gaps import _by_block, _CountyLayout

    sizes = np.array(sizes, dtype=np.int64)
    block = np.repeat(np.arange(len(sizes), dtype=np.int32), sizes)
    layout = _CountyLayout(chosen=(), chosen_in_plan=np.zeros(0, bool), positions=np.zeros(len(sizes), np.int32),
                           sizes=sizes, indicator=block, area=np.zeros(len(block), np.int32), block=block)
    values = np.arange(len(block), dtype=np.float64) + 1
    expected = np.full((int(sizes.max(initial=0)), len(sizes)), np.nan)
    for number, (start, size) in enumerate(zip(np.cumsum(sizes) - sizes, sizes)):
        expected[:size, number] = values[start:start + size]
    assert np.array_equal(_by_block(values, layout, np.nan), expected, equal_nan=True)
