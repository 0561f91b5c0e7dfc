"""The gap engine (queries over the records, then numpy) held to a plain reference that works docs/contract.md §4 out
one row at a time, on small random plans and records: missing and stale records, level cities, milestones, ratios
fed by some counties only, targets equal to baselines, decreasing indicators, scope-city indicators, counties
outside the plan, several records in a month. Through the one entry point, `compute_gaps`."""

from __future__ import annotations

import datetime as dt
import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mubiao.analysis.engine import PROJECTION_RECORDS
from mubiao.analysis.gaps import ROW_FIELDS, GapRow, _county_fraction, compute_gaps, expected_at
from mubiao.models import CITY, Direction, Kind, Pace, Scope, Status, StatusThresholds
from mubiao.numbers import TOLERANCE, month_end, month_of, shift_month
from mubiao.readers.progress import Record, records_frame
from test_gaps import END, JUNE, MARCH, START, indicator, plan, rec

MONTHS = [f"2021-{m:02d}" for m in range(1, 13)]


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
    """Every row (as a tuple of ROW_FIELDS), worked out one row at a time from docs/contract.md §4 with plain Python."""
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

    def summed(values):  # the city's sums are exact, whatever the order of the counties
        return math.fsum(values)

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
        elif days_left <= 0:  # on the deadline day, what is not met is missed
            status = Status.MISSED
        elif shortfall is not None and shortfall - thresholds.behind > TOLERANCE:
            status = Status.BEHIND
        elif ((shortfall is not None and shortfall - thresholds.at_risk > TOLERANCE)
              or (ind.pace is Pace.STEP and days_left <= thresholds.due_soon_days)):
            status = Status.AT_RISK
        else:
            status = Status.ON_TRACK
        projected = projected_status = None
        if (ind.pace is Pace.LINEAR and records_count >= 2 and ind.deadline > as_of and x is not None
                and anchor is not None and pace_period is not None):
            last_end, first_end = month_end(anchor), month_end(pace_period)
            days = (last_end - first_end).days
            if days > 0:
                projected = x + (x - pace_x) / days * max((ind.deadline - last_end).days, 0)
                ceiling = 100.0 if ind.kind is Kind.RATIO and ind.ratio_scale == 100 else float("inf")
                projected = min(max(projected, 0.0), ceiling)  # no figure below 0, no percentage above 100
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
            earlier = [(m, city_figure(ind, m)[0]) for m in months_before(month, the_plan) if any_linear]
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


def months_before(month: str, the_plan) -> list[str]:
    """Up to PROJECTION_RECORDS − 1 months before `month`, oldest first, not before the plan's first month."""
    return [earlier for back in range(PROJECTION_RECORDS - 1, 0, -1)
            if (earlier := shift_month(month, -back)) >= the_plan.first_month]


def _plans() -> st.SearchStrategy:
    """Small plans over counties a, b, c: any kind, direction, pace and scope, targets equal to baselines, county
    targets and baselines for some counties, milestones, an indicator some counties do not report."""
    kind = st.sampled_from([k for k in Kind if k is not Kind.TASK])  # (tasks: tests/unit/test_tasks.py)
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


def test_the_engine_gives_the_same_from_a_read_as_from_its_table(tmp_path):
    """`compute_gaps` of what `read_progress` read (the store's records) and of its tidy DataFrame agree."""
    from conftest import REPO
    from mubiao.readers.plan import load_plan
    from mubiao.readers.progress import read_progress

    the_plan = load_plan(REPO / "targets" / "jinhua-2021.toml")
    with read_progress(the_plan, REPO, cache=False) as read:
        frame = read.frame
        for as_of in (dt.date(2021, 3, 31), JUNE, dt.date(2021, 8, 15), dt.date(2021, 12, 31)):
            assert compute_gaps(the_plan, read, as_of).rows == compute_gaps(the_plan, frame, as_of).rows
