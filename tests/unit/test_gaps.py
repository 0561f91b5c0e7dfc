"""The gap engine (docs/contract.md §4, §5): where every indicator stands at the as-of date, county by county and for
the city. Each test is a small plan built by hand — a 2021 work plan (2021-01-01..2021-12-31) over counties
a, b and c — and the records the counties sent, with the expected numbers worked out in the comments.

Day arithmetic used throughout (2021 is not a leap year):
  2021-01-01 → 2021-03-31 =  89 days      2021-01-01 → 2021-06-30 = 180 days
  2021-01-01 → 2021-12-31 = 364 days      2021-04-30 → 2021-06-30 =  61 days
  2021-06-30 → 2021-12-31 = 184 days      2021-12-01 → 2021-12-31 =  30 days
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mubiao.analysis.gaps import Completeness, GapRow, Gaps, MissingReports, compute_gaps, expected_at
from mubiao.models import (
    CITY,
    WORST_FIRST,
    County,
    Direction,
    Goal,
    Indicator,
    Kind,
    Milestone,
    Pace,
    Plan,
    Scope,
    Status,
    StatusThresholds,
)
from mubiao.readers.progress import Record, records_frame

START, END = dt.date(2021, 1, 1), dt.date(2021, 12, 31)
MARCH, JUNE, JULY = dt.date(2021, 3, 31), dt.date(2021, 6, 30), dt.date(2021, 7, 31)

# ------------------------------------------------------------------------------------------------ helpers


def indicator(id: str = "I1", kind: Kind = Kind.COUNT, target: float = 41, baseline: float = 0, *,
              goal: str = "G1", deadline: dt.date = END, pace: Pace | None = None,
              milestones: tuple[tuple[dt.date, float], ...] = (), **extra) -> Indicator:
    """An indicator with docs/contract.md §2's defaults (pace: linear for count/ratio, step for level/milestone)."""
    if pace is None:
        pace = Pace.LINEAR if kind in (Kind.COUNT, Kind.RATIO) else Pace.STEP
    return Indicator(id=id, name=f"指标{id}", goal=goal, kind=kind, target=float(target), baseline=float(baseline),
                     deadline=deadline, pace=pace, milestones=tuple(Milestone(d, float(t)) for d, t in milestones),
                     **extra)


def plan(*indicators: Indicator, counties: tuple[str, ...] = ("a", "b", "c"),
         status: StatusThresholds = StatusThresholds()) -> Plan:
    """A 2021 plan; indicators go to their goal (`ind.goal`), goals in order of first appearance."""
    goals: dict[str, list[Indicator]] = {}
    for ind in indicators:
        goals.setdefault(ind.goal, []).append(ind)
    return Plan(id="test-2021", title="测试计划", organization="测试局", start=START, end=END, status=status,
                counties=tuple(County(c, f"{c}县") for c in counties),
                goals=tuple(Goal(g, f"任务{g}", indicators=tuple(inds)) for g, inds in goals.items()))


def rec(county: str, period: str, value: float | None = None, *, indicator: str = "I1",
        numerator: float | None = None, denominator: float | None = None, done_on: dt.date | None = None) -> Record:
    return Record(county, period, indicator, value, numerator, denominator, done_on, None, f"{period}/{county}.csv", 2)


def gaps(the_plan: Plan, *records: Record, as_of: dt.date = JUNE) -> Gaps:
    return compute_gaps(the_plan, records_frame(records), as_of)


def row(result: Gaps, county: str | None = None, indicator_id: str = "I1") -> GapRow:
    found = [r for r in result.rows if r.county == county and r.indicator == indicator_id]
    assert len(found) == 1, found
    return found[0]


def one(ind: Indicator, *records: Record, as_of: dt.date = JUNE, county: str | None = "a", **plan_args) -> GapRow:
    """The row of `county` (None: the city) for a one-indicator plan."""
    return row(gaps(plan(ind, **plan_args), *records, as_of=as_of), county, ind.id)


def approx(x: float) -> object:
    return pytest.approx(x, rel=1e-9, abs=1e-9)


#: A count of 41 centres (the docs/contract.md §5 example), 41 in every county too.
CENTRES = indicator(per_county=41)

#: A step-paced level from 0 to 100 with a milestone of 50 at the end of March: at 2021-06-30 a county is
#: expected at exactly 50, i.e. p̂ = 0.5, so shortfall = 100 × (0.5 − x/100) = 50 − x.
STEPPED = indicator(kind=Kind.LEVEL, target=100, baseline=0, milestones=((MARCH, 50),))


# ------------------------------------------------------------------------------------ which record is used


def test_the_record_used_is_the_latest_up_to_the_as_of_month():
    r = one(CENTRES, rec("a", "2021-04", value=10), rec("a", "2021-06", value=15), rec("a", "2021-07", value=30))
    # July is after the as-of month (2021-06) and is not seen
    assert r.actual == 15 and r.reported_period == "2021-06" and r.stale is False


def test_records_need_not_come_in_order():
    r = one(CENTRES, rec("a", "2021-06", value=15), rec("a", "2021-04", value=10))
    assert r.actual == 15 and r.reported_period == "2021-06"


def test_a_record_from_an_earlier_month_is_used_but_stale():
    r = one(CENTRES, rec("a", "2021-04", value=10))
    assert r.actual == 10 and r.reported_period == "2021-04" and r.stale is True


def test_no_record_is_no_data_and_missing_is_never_zero():
    r = one(CENTRES, rec("b", "2021-06", value=10))
    assert r.status is Status.NO_DATA
    assert r.actual is None and r.progress is None and r.remaining is None
    assert r.reported_period is None and r.stale is False
    assert r.expected == approx(41 * 180 / 364)  # where it should stand is still known


def test_a_record_with_no_figures_is_not_a_report():
    r = one(CENTRES, rec("a", "2021-04", value=10), rec("a", "2021-06"))  # June: every figure blank
    assert r.actual == 10 and r.reported_period == "2021-04" and r.stale is True


def test_a_later_record_in_the_as_of_month_counts_even_for_a_mid_month_date():
    r = one(CENTRES, rec("a", "2021-06", value=15), as_of=dt.date(2021, 6, 15))
    assert r.actual == 15 and r.reported_period == "2021-06" and r.stale is False


# --------------------------------------------------------------------------------------- expected values


def test_linear_expected_between_start_and_deadline():
    # the docs/contract.md §5 example: 41 by year end from 0, at 2021-06-30: 41 × 180/364 = 20.274725…
    result = gaps(plan(CENTRES), rec("a", "2021-06", value=18))
    assert row(result, None).expected == approx(41 * 180 / 364)
    assert row(result, "a").expected == approx(41 * 180 / 364)


def test_linear_expected_from_a_baseline():
    rate = indicator(kind=Kind.RATIO, target=90, baseline=50, scale=100)
    # 50 + (90 − 50) × 180/364 = 69.78021978…
    assert one(rate, rec("a", "2021-06", 60), county=None).expected == approx(50 + 40 * 180 / 364)
    assert one(rate, rec("a", "2021-06", 60)).expected == approx(50 + 40 * 180 / 364)


def test_expected_before_start_is_the_baseline_and_after_the_deadline_the_target():
    points = [(START, 10.0), (END, 50.0)]
    assert expected_at(points, Pace.LINEAR, dt.date(2020, 11, 30)) == 10
    assert expected_at(points, Pace.LINEAR, START) == 10
    assert expected_at(points, Pace.LINEAR, END) == 50
    assert expected_at(points, Pace.LINEAR, dt.date(2022, 3, 31)) == 50
    assert expected_at(points, Pace.STEP, dt.date(2020, 11, 30)) == 10
    assert expected_at(points, Pace.STEP, dt.date(2022, 3, 31)) == 50
    early = indicator(per_county=41, deadline=dt.date(2021, 9, 30))
    assert one(early, as_of=dt.date(2020, 12, 31), county=None).expected == 0
    assert one(early, as_of=dt.date(2021, 12, 31), county=None).expected == 41
    assert one(early, as_of=dt.date(2021, 12, 31)).expected == 41


def test_linear_expected_goes_through_the_milestones():
    points = [(START, 10000.0), (JUNE, 10200.0), (END, 10500.0)]
    # 10000 + 200 × 89/180 at the end of March; 10200 + 300 × 31/184 at the end of July
    assert expected_at(points, Pace.LINEAR, MARCH) == approx(10000 + 200 * 89 / 180)
    assert expected_at(points, Pace.LINEAR, JUNE) == approx(10200)
    assert expected_at(points, Pace.LINEAR, JULY) == approx(10200 + 300 * 31 / 184)


def test_step_expected_takes_the_last_point_reached():
    points = [(START, 10000.0), (JUNE, 10200.0), (END, 10500.0)]
    assert expected_at(points, Pace.STEP, START) == 10000
    assert expected_at(points, Pace.STEP, dt.date(2021, 6, 29)) == 10000
    assert expected_at(points, Pace.STEP, JUNE) == 10200
    assert expected_at(points, Pace.STEP, dt.date(2021, 12, 30)) == 10200
    assert expected_at(points, Pace.STEP, END) == 10500
    dibao = indicator(kind=Kind.LEVEL, target=10500, baseline=10000, milestones=((JUNE, 10200),))
    assert one(dibao, county=None, as_of=dt.date(2021, 6, 29)).expected == 10000
    assert one(dibao, county=None, as_of=JUNE).expected == 10200
    assert one(dibao, county=None, as_of=END).expected == 10500


def test_county_rows_follow_the_milestones_as_fractions_of_the_way():
    # the plan: 0 → 40, with 10 by 2021-06-30, i.e. f = (10 − 0)/(40 − 0) = 0.25 of the way
    ind = indicator(target=40, milestones=((JUNE, 10),), allocation={"a": 8, "b": 20}, baselines={"a": 2})
    result = gaps(plan(ind), as_of=JUNE)
    assert row(result, "a").expected == approx(2 + 0.25 * (8 - 2))  # 3.5
    assert row(result, "b").expected == approx(0 + 0.25 * 20)  # 5
    assert row(result, None).expected == approx(10)  # the city keeps the plan's own points
    # linear pace, end of March: 0.25 × 89/180 of the way
    march = gaps(plan(ind), as_of=MARCH)
    assert row(march, "a").expected == approx(2 + 0.25 * 89 / 180 * 6)
    # after the milestone: 0.25 + 0.75 × 31/184 of the way at the end of July
    july = gaps(plan(ind), as_of=JULY)
    assert row(july, "b").expected == approx(20 * (0.25 + 0.75 * 31 / 184))


def test_county_milestone_fractions_with_step_pace_and_a_baseline():
    # the plan: 10000 → 10500 with 10200 by June 30: f = 200/500 = 0.4
    dibao = indicator(kind=Kind.LEVEL, target=10500, baseline=10000, milestones=((JUNE, 10200),),
                      allocation={"b": 12000}, baselines={"b": 11000})
    result = gaps(plan(dibao), as_of=JUNE)
    assert row(result, "a").expected == approx(10200)  # the plan's own target and baseline
    assert row(result, "b").expected == approx(11000 + 0.4 * (12000 - 11000))  # 11400
    assert row(gaps(plan(dibao), as_of=dt.date(2021, 6, 29)), "b").expected == approx(11000)


# --------------------------------------------------------------------------- progress, shortfall, remaining


def test_progress_expected_progress_shortfall_and_remaining():
    # the docs/contract.md §5 example: 18 of 41 at 2021-06-30
    r = one(CENTRES, rec("a", "2021-06", value=18))
    assert r.target == 41 and r.baseline == 0
    assert r.progress == approx(18 / 41)  # 0.439024…
    assert r.expected_progress == approx(180 / 364)  # 0.494505…
    assert r.shortfall == approx(100 * (180 / 364 - 18 / 41))  # 5.548110… percentage points
    assert r.remaining == approx(41 - 18)  # 23
    assert r.status is Status.AT_RISK  # 0 < 5.55 ≤ 20


def test_progress_from_a_county_baseline():
    ind = indicator(target=40, allocation={"a": 12}, baselines={"a": 2})
    r = one(ind, rec("a", "2021-06", value=7))
    # p = (7 − 2)/(12 − 2) = 0.5; x̂ = 2 + 10 × 180/364; p̂ = 180/364
    assert r.progress == approx(0.5)
    assert r.expected == approx(2 + 10 * 180 / 364)
    assert r.expected_progress == approx(180 / 364)
    assert r.shortfall == approx(100 * (180 / 364 - 0.5))  # −0.549…: ahead
    assert r.remaining == approx(5)
    assert r.status is Status.ON_TRACK


def test_ahead_of_pace_is_on_track_with_a_negative_shortfall():
    r = one(CENTRES, rec("a", "2021-06", value=30))
    assert r.shortfall == approx(100 * (180 / 364 - 30 / 41))  # −23.7…
    assert r.shortfall < 0 and r.status is Status.ON_TRACK


def test_far_behind_is_behind():
    r = one(CENTRES, rec("a", "2021-06", value=5))
    assert r.shortfall == approx(100 * (180 / 364 - 5 / 41))  # 37.25…
    assert r.status is Status.BEHIND


# ----------------------------------------------------------------------------------------------- boundaries


def test_exactly_on_target_is_met():
    r = one(CENTRES, rec("a", "2021-06", value=41))
    assert r.status is Status.MET and r.progress == approx(1) and r.remaining == 0
    assert one(CENTRES, rec("a", "2021-06", value=45)).status is Status.MET
    assert one(CENTRES, rec("a", "2021-06", value=45)).remaining == 0


def test_exactly_on_the_behind_threshold_is_at_risk_not_behind():
    # p̂ = 0.5 and x = 30: shortfall = 100 × (0.5 − 0.3) = 20 = behind → not above it
    r = one(STEPPED, rec("a", "2021-06", value=30))
    assert r.expected == approx(50) and r.expected_progress == approx(0.5)
    assert r.shortfall == approx(20)
    assert r.status is Status.AT_RISK


def test_just_above_the_behind_threshold_is_behind():
    r = one(STEPPED, rec("a", "2021-06", value=29.99))
    assert r.shortfall == approx(20.01)
    assert r.status is Status.BEHIND


def test_exactly_on_the_at_risk_threshold_is_on_track():
    r = one(STEPPED, rec("a", "2021-06", value=50))
    assert r.shortfall == approx(0) and r.status is Status.ON_TRACK
    assert one(STEPPED, rec("a", "2021-06", value=49.99)).status is Status.AT_RISK  # shortfall 0.01 > 0


def test_the_plans_own_thresholds():
    strict = StatusThresholds(at_risk=5, behind=10, due_soon_days=30)
    assert one(STEPPED, rec("a", "2021-06", value=45), status=strict).status is Status.ON_TRACK  # 5, not above 5
    assert one(STEPPED, rec("a", "2021-06", value=44), status=strict).status is Status.AT_RISK  # 6
    assert one(STEPPED, rec("a", "2021-06", value=40), status=strict).status is Status.AT_RISK  # 10, not above 10
    assert one(STEPPED, rec("a", "2021-06", value=39), status=strict).status is Status.BEHIND  # 11


def test_target_equal_to_baseline():
    # keep the standard at 100: p = 1 if met else 0, p̂ = 1
    keep = indicator(kind=Kind.LEVEL, target=100, baseline=100)
    held = one(keep, rec("a", "2021-06", value=100))
    assert held.status is Status.MET
    assert held.progress == 1 and held.expected_progress == 1 and held.shortfall == approx(0)
    assert held.remaining == 0 and held.expected == 100
    slipped = one(keep, rec("a", "2021-06", value=90))
    assert slipped.progress == 0 and slipped.expected_progress == 1
    assert slipped.shortfall == approx(100) and slipped.remaining == approx(10)
    assert slipped.status is Status.BEHIND


def test_decrease_direction():
    # a rate to bring down from 10 to 5 (linear): met when x ≤ 5, progress positive going down
    falling = indicator(kind=Kind.RATIO, target=5, baseline=10, direction=Direction.DECREASE, scale=100)
    r = one(falling, rec("a", "2021-06", value=7))
    assert r.progress == approx((7 - 10) / (5 - 10))  # 0.6
    assert r.expected == approx(10 - 5 * 180 / 364)
    assert r.expected_progress == approx(180 / 364)
    assert r.shortfall == approx(100 * (180 / 364 - 0.6))  # −10.5…
    assert r.remaining == approx(2) and r.status is Status.ON_TRACK
    assert one(falling, rec("a", "2021-06", value=5)).status is Status.MET
    lower = one(falling, rec("a", "2021-06", value=4))
    assert lower.status is Status.MET and lower.remaining == 0
    worse = one(falling, rec("a", "2021-06", value=12))
    assert worse.progress == approx(-0.4) and worse.status is Status.BEHIND
    assert worse.remaining == approx(7)


def test_missed_from_the_deadline_day_on():
    ind = indicator(per_county=41, deadline=dt.date(2021, 6, 15))
    day_before = one(ind, rec("a", "2021-06", value=30), as_of=dt.date(2021, 6, 14))
    assert day_before.status is Status.BEHIND
    on_the_day = one(ind, rec("a", "2021-06", value=30), as_of=dt.date(2021, 6, 15))
    # at the deadline x̂ = 41, p̂ = 1, shortfall = 100 × (1 − 30/41) = 26.8…; what is not met then is not met
    assert on_the_day.shortfall == approx(100 * (1 - 30 / 41))
    assert on_the_day.status is Status.MISSED
    assert one(ind, rec("a", "2021-06", value=41), as_of=dt.date(2021, 6, 15)).status is Status.MET
    assert one(ind, rec("a", "2021-06", value=30), as_of=dt.date(2021, 6, 16)).status is Status.MISSED
    assert one(ind, rec("a", "2021-06", value=41), as_of=dt.date(2021, 6, 16)).status is Status.MET
    assert one(ind, as_of=dt.date(2021, 6, 16)).status is Status.NO_DATA  # no_data comes first


def test_step_paced_row_due_soon_is_at_risk():
    # step pace, no milestones: until the deadline a county is expected at its baseline (p̂ = 0), so x = 50 is
    # ahead (shortfall −50); but with the deadline 30 days away and the target not met it is at_risk
    step = indicator(kind=Kind.LEVEL, target=100, baseline=0)
    assert one(step, rec("a", "2021-11", value=50), as_of=dt.date(2021, 11, 30)).status is Status.ON_TRACK  # 31 days
    due = one(step, rec("a", "2021-12", value=50), as_of=dt.date(2021, 12, 1))  # 30 days
    assert due.shortfall == approx(-50) and due.status is Status.AT_RISK
    assert one(step, rec("a", "2021-12", value=100), as_of=dt.date(2021, 12, 1)).status is Status.MET
    # a linear row ahead of pace is not touched by the rule
    linear = indicator(kind=Kind.LEVEL, target=100, baseline=0, pace=Pace.LINEAR)
    assert one(linear, rec("a", "2021-12", value=99), as_of=dt.date(2021, 12, 1)).status is Status.ON_TRACK


def test_count_with_no_county_target_is_no_target():
    unallocated = indicator(target=41)  # neither allocation nor per_county
    result = gaps(plan(unallocated), rec("a", "2021-06", value=18))
    a = row(result, "a")
    assert a.status is Status.NO_TARGET and a.actual == 18
    assert a.target is None and a.expected is None and a.progress is None and a.remaining is None
    assert row(result, "b").status is Status.NO_DATA  # no_data comes first
    city = row(result, None)
    assert city.target == 41 and city.actual == 18 and city.status is Status.AT_RISK  # 18 of 41, as in docs/contract.md §5


def test_allocation_before_per_county():
    ind = indicator(target=41, allocation={"a": 8}, per_county=5)
    result = gaps(plan(ind))
    assert row(result, "a").target == 8 and row(result, "b").target == 5


# --------------------------------------------------------------------------------------------------- ratios


def test_a_ratio_record_is_numerator_over_denominator_times_scale():
    per_10k = indicator(kind=Kind.RATIO, target=20, baseline=10, scale=10000)
    r = one(per_10k, rec("a", "2021-06", 99, numerator=9, denominator=6000))  # both given: value ignored
    assert r.actual == approx(9 / 6000 * 10000)  # 15


def test_a_ratio_record_with_only_its_own_rate():
    rate = indicator(kind=Kind.RATIO, target=90, baseline=50, scale=100)
    assert one(rate, rec("a", "2021-06", 72.5)).actual == 72.5


def test_a_zero_denominator_gives_no_ratio():
    rate = indicator(kind=Kind.RATIO, target=90, baseline=50, scale=100)
    # falls back to the record's own value …
    fallback = gaps(plan(rate), rec("a", "2021-06", 40, numerator=5, denominator=0))
    assert row(fallback, "a").actual == 40
    assert row(fallback, None).actual is None and row(fallback, None).counties_reporting == 0  # feeds no Σ
    # … or, with no value, the record is not usable and an earlier one is used
    earlier = one(rate, rec("a", "2021-05", 30), rec("a", "2021-06", numerator=5, denominator=0))
    assert earlier.actual == 30 and earlier.reported_period == "2021-05" and earlier.stale is True
    assert one(rate, rec("a", "2021-06", numerator=5, denominator=0)).status is Status.NO_DATA


def test_a_ratio_record_with_only_a_numerator_is_not_usable():
    rate = indicator(kind=Kind.RATIO, target=90, baseline=50, scale=100)
    r = one(rate, rec("a", "2021-06", numerator=5))
    assert r.status is Status.NO_DATA and r.actual is None


def test_city_ratio_sums_numerators_and_denominators():
    rate = indicator(kind=Kind.RATIO, target=90, baseline=50, scale=100)
    result = gaps(plan(rate), rec("a", "2021-06", numerator=30, denominator=40),
                  rec("b", "2021-05", numerator=10, denominator=60), rec("c", "2021-06", 50))
    city = row(result, None)
    # (30 + 10)/(40 + 60) × 100 = 40; c's own rate has no numerator and does not feed the city
    assert city.actual == approx(40)
    assert (city.counties_reporting, city.counties_total) == (2, 3)
    assert city.reported_period == "2021-06" and city.stale is True  # b's May record fed it
    assert row(result, "a").actual == approx(75) and row(result, "c").actual == 50


# ------------------------------------------------------------------------------------------------ city rows


def test_city_count_is_the_sum_of_the_counties_with_data():
    result = gaps(plan(CENTRES), rec("a", "2021-06", value=4), rec("b", "2021-06", value=6))
    city = row(result, None)
    assert city.actual == 10 and city.target == 41 and city.baseline == 0
    assert (city.counties_reporting, city.counties_total) == (2, 3) and city.partial
    # p = 10/41, p̂ = 180/364
    assert city.progress == approx(10 / 41) and city.remaining == approx(31)
    assert city.shortfall == approx(100 * (180 / 364 - 10 / 41))
    assert row(result, "c").status is Status.NO_DATA
    full = row(gaps(plan(CENTRES), *(rec(c, "2021-06", value=1) for c in "abc")), None)
    assert full.counties_reporting == 3 and not full.partial


def test_city_row_with_no_county_data_is_no_data():
    city = one(CENTRES, county=None)
    assert city.status is Status.NO_DATA and city.actual is None
    assert (city.counties_reporting, city.counties_total) == (0, 3)
    assert city.reported_period is None and city.stale is False


def test_city_reported_period_is_the_latest_feeding_period_and_stale_if_any_is():
    result = gaps(plan(CENTRES), rec("a", "2021-06", value=4), rec("b", "2021-04", value=6),
                  rec("c", "2021-05", value=1))
    city = row(result, None)
    assert city.actual == 11 and city.reported_period == "2021-06" and city.stale is True
    fresh = row(gaps(plan(CENTRES), *(rec(c, "2021-06", value=1) for c in "abc")), None)
    assert fresh.reported_period == "2021-06" and fresh.stale is False
    old = row(gaps(plan(CENTRES), rec("a", "2021-04", value=1), rec("b", "2021-05", value=1)), None)
    assert old.reported_period == "2021-05" and old.stale is True


def test_city_level_is_the_worst_county_value():
    dibao = indicator(kind=Kind.LEVEL, target=10500, baseline=10000)
    result = gaps(plan(dibao), rec("a", "2021-06", 10200), rec("b", "2021-06", 10000), rec("c", "2021-06", 10500))
    assert row(result, None).actual == 10000  # increase: the lowest
    assert row(result, None).counties_reporting == 3
    waiting = indicator(kind=Kind.LEVEL, target=10, baseline=30, direction=Direction.DECREASE)
    result = gaps(plan(waiting), rec("a", "2021-06", 12), rec("b", "2021-06", 25), rec("c", "2021-06", 9))
    assert row(result, None).actual == 25  # decrease: the highest


@pytest.mark.parametrize(
    "values, expected",
    [
        # STEPPED at 2021-06-30: 100 met, 50 on_track, 40 at_risk (shortfall 10), 20 behind (30), None no_data
        ((100, 50, 100), Status.ON_TRACK),
        ((100, None, 50), Status.NO_DATA),
        ((None, 40, 100), Status.AT_RISK),
        ((40, 20, 50), Status.BEHIND),
        ((100, 100, 100), Status.MET),
        ((None, None, None), Status.NO_DATA),
    ],
)
def test_city_level_status_is_the_worst_county_status(values, expected):
    records = [rec(c, "2021-06", v) for c, v in zip("abc", values) if v is not None]
    result = gaps(plan(STEPPED), *records)
    assert row(result, None).status is expected
    worst = min((row(result, c).status for c in "abc"), key=lambda s: s.severity)
    assert worst is expected


def test_city_level_status_missed_is_worst():
    ind = indicator(kind=Kind.LEVEL, target=100, baseline=0, deadline=dt.date(2021, 6, 15))
    result = gaps(plan(ind), rec("a", "2021-06", 100), rec("b", "2021-06", 90))  # c: no data
    assert [row(result, c).status for c in "abc"] == [Status.MET, Status.MISSED, Status.NO_DATA]
    assert row(result, None).status is Status.MISSED


def test_city_level_status_is_not_recomputed_from_the_city_figure():
    # a's own target is 200 (allocation): at 2021-06-30 it should stand at 0.5 × 200 = 100, and at 50 its
    # shortfall is 100 × (0.5 − 50/200) = 25 > 20: behind. b (50 of 100) is on pace and c (100) has met it.
    # The city figure is the lowest, 50, which on the plan's own 100 would be on track; the city status is
    # still the worst county status, behind.
    ind = indicator(kind=Kind.LEVEL, target=100, baseline=0, milestones=((MARCH, 50),), allocation={"a": 200})
    result = gaps(plan(ind), rec("a", "2021-06", 50), rec("b", "2021-06", 50), rec("c", "2021-06", 100))
    assert row(result, "a").shortfall == approx(25) and row(result, "a").status is Status.BEHIND
    assert row(result, "b").status is Status.ON_TRACK and row(result, "c").status is Status.MET
    city = row(result, None)
    assert city.actual == 50 and city.shortfall == approx(0)
    assert city.status is Status.BEHIND


def test_worst_first_order():
    assert WORST_FIRST == (Status.MISSED, Status.BEHIND, Status.AT_RISK, Status.NO_DATA, Status.NO_TARGET,
                           Status.ON_TRACK, Status.MET)
    assert [s.severity for s in WORST_FIRST] == list(range(7))


def test_milestone_city_is_the_share_done_among_all_counties():
    done = indicator(kind=Kind.MILESTONE, target=1, baseline=0)
    result = gaps(plan(done), rec("a", "2021-06", 1), rec("b", "2021-06", 0))  # c: nothing sent
    city = row(result, None)
    assert city.actual == approx(1 / 3) and city.target == 1 and city.baseline == 0
    assert (city.counties_reporting, city.counties_total) == (2, 3)
    assert city.progress == approx(1 / 3) and city.remaining == approx(2 / 3)
    assert row(result, "a").status is Status.MET and row(result, "a").actual == 1
    assert row(result, "c").status is Status.NO_DATA


def test_milestone_city_is_no_data_only_when_no_county_has_a_record():
    done = indicator(kind=Kind.MILESTONE, target=1, baseline=0)
    none_done = row(gaps(plan(done), rec("b", "2021-06", 0)), None)
    assert none_done.actual == 0 and none_done.status is not Status.NO_DATA
    assert row(gaps(plan(done)), None).status is Status.NO_DATA
    assert row(gaps(plan(done)), None).actual is None


def test_scope_city_indicator_has_one_row_from_the_citys_own_records():
    hotline = indicator("H1", target=12, baseline=0, scope=Scope.CITY)
    result = gaps(plan(CENTRES, hotline), rec(CITY, "2021-05", 6, indicator="H1"),
                  rec("a", "2021-06", 99, indicator="H1"))  # a county's record does not feed it
    rows = [r for r in result.rows if r.indicator == "H1"]
    assert len(rows) == 1
    (city,) = rows
    assert city.county is None and city.actual == 6
    assert city.counties_reporting is None and city.counties_total is None and not city.partial
    assert city.reported_period == "2021-05" and city.stale is True
    assert city.expected == approx(12 * 180 / 364)
    assert city.progress == approx(0.5)


def test_a_scope_city_indicator_with_no_record_is_no_data():
    hotline = indicator("H1", target=12, scope=Scope.CITY)
    (city,) = gaps(plan(hotline)).rows
    assert city.county is None and city.status is Status.NO_DATA and city.actual is None
    assert city.reported_period is None and city.stale is False
    assert city.expected == approx(12 * 180 / 364)


def test_the_citys_record_does_not_feed_a_county_indicator():
    result = gaps(plan(CENTRES), rec(CITY, "2021-06", 30), rec("a", "2021-06", 4))
    assert row(result, None).actual == 4 and row(result, None).counties_reporting == 1


# ----------------------------------------------------------------------------------------------- projection


def test_projection_from_the_last_three_records():
    # a: 6 (Mar), 10 (Apr), 12 (May), 18 (Jun); the last three are Apr..Jun:
    # slope = (18 − 10) / 61 days (Apr 30 → Jun 30); 184 days on to Dec 31: 18 + 8 × 184/61 = 42.131…
    records = [rec("a", "2021-03", 6), rec("a", "2021-04", 10), rec("a", "2021-05", 12), rec("a", "2021-06", 18)]
    r = one(CENTRES, *records)
    assert r.projected == approx(18 + 8 / 61 * 184)
    assert r.projected_status == "will_meet"  # ≥ 41
    # as of July (no July record) the projection still runs from June 30, the latest record's month end
    assert one(CENTRES, *records, as_of=JULY).projected == approx(18 + 8 / 61 * 184)
    short = one(indicator(per_county=43), *records)
    assert short.projected_status == "will_miss"  # 42.13 < 43


def test_projection_from_two_records():
    # 10 (Apr), 14 (Jun): slope 4/61 per day → 14 + 4 × 184/61 = 26.06… < 41
    r = one(CENTRES, rec("a", "2021-04", 10), rec("a", "2021-06", 14))
    assert r.projected == approx(14 + 4 / 61 * 184) and r.projected_status == "will_miss"


def test_no_projection_without_two_records_a_linear_pace_or_time_left():
    assert one(CENTRES, rec("a", "2021-06", 18)).projected is None
    assert one(CENTRES, rec("a", "2021-06", 18)).projected_status is None
    step = indicator(kind=Kind.LEVEL, target=100, baseline=0)
    assert one(step, rec("a", "2021-05", 10), rec("a", "2021-06", 20)).projected is None
    late = indicator(per_county=41, deadline=dt.date(2021, 6, 15))
    assert one(late, rec("a", "2021-05", 10), rec("a", "2021-06", 20)).projected is None


def test_projection_without_a_target_has_no_projected_status():
    r = one(indicator(target=41), rec("a", "2021-04", 10), rec("a", "2021-06", 14))  # count, no county target
    assert r.projected == approx(14 + 4 / 61 * 184) and r.projected_status is None


def test_city_projection_uses_the_city_figure_of_this_month_and_the_two_before():
    # a: 10 (Apr), 12 (May), 18 (Jun); b: 5 (Apr), 9 (Jun)
    # city: Apr 10 + 5 = 15, May 12 + 5 = 17, Jun 18 + 9 = 27 → 27 + (27 − 15) × 184/61 = 63.19…
    records = [rec("a", "2021-04", 10), rec("a", "2021-05", 12), rec("a", "2021-06", 18),
               rec("b", "2021-04", 5), rec("b", "2021-06", 9)]
    city = one(indicator(target=80), *records, county=None)
    assert city.actual == 27
    assert city.projected == approx(27 + 12 / 61 * 184)
    assert city.projected_status == "will_miss"  # < 80


# ------------------------------------------------------------------------------------- order, completeness


def test_rows_come_city_first_then_counties_in_plan_order():
    second = indicator("I2", kind=Kind.LEVEL, target=100, goal="G0")
    first = indicator("I1", goal="G9", per_county=3)
    result = gaps(plan(first, second, counties=("c", "a", "b")), rec("b", "2021-06", 1), as_of=JUNE)
    assert [(r.indicator, r.county) for r in result.rows] == [
        ("I1", None), ("I1", "c"), ("I1", "a"), ("I1", "b"),
        ("I2", None), ("I2", "c"), ("I2", "a"), ("I2", "b"),
    ]
    assert [r.goal for r in result.rows] == ["G9"] * 4 + ["G0"] * 4
    assert all(r.is_city == (r.county is None) for r in result.rows)


def test_completeness_of_the_as_of_month():
    two = indicator("I2", kind=Kind.LEVEL, target=100)
    hotline = indicator("H1", target=12, scope=Scope.CITY)
    result = gaps(plan(CENTRES, two, hotline),
                  rec("c", "2021-07", 1, indicator="I1"),  # a month too late
                  rec("b", "2021-05", 1, indicator="I2"),  # a month too early
                  rec("b", "2021-06", 1, indicator="I1"),
                  rec("a", "2021-06", 1, indicator="I2"),
                  rec("a", "2021-06", 1, indicator="I1"),
                  rec(CITY, "2021-06", 5, indicator="H1"))  # scope city: not counted
    done = result.completeness
    assert isinstance(done, Completeness)
    assert done.period == "2021-06" and result.period == "2021-06"
    assert (done.expected, done.reported) == (6, 3)  # 3 counties × 2 scope-county indicators
    assert done.rate == approx(0.5)
    assert done.missing == (MissingReports("b", ("I2",)), MissingReports("c", ("I1", "I2")))


def test_completeness_counts_a_record_with_any_figure():
    rate = indicator(kind=Kind.RATIO, target=90, baseline=50, scale=100)
    result = gaps(plan(rate), rec("a", "2021-06", numerator=5), rec("b", "2021-06"))  # b: all blank
    assert result.completeness.reported == 1
    assert [m.county for m in result.completeness.missing] == ["b", "c"]
    assert row(result, "a").status is Status.NO_DATA  # reported, but no usable figure


def test_completeness_with_no_indicators_due():
    hotline = indicator("H1", target=12, scope=Scope.CITY)
    done = gaps(plan(hotline), rec(CITY, "2021-06", 5, indicator="H1")).completeness
    assert (done.expected, done.reported, done.missing) == (0, 0, ())
    assert done.rate is None


def test_select_narrows_rows_and_completeness():
    two = indicator("I2", kind=Kind.LEVEL, target=100, goal="G2")
    result = gaps(plan(CENTRES, two), rec("a", "2021-06", 1, indicator="I1"), rec("b", "2021-06", 1, indicator="I2"))
    # a misses I2, b misses I1, c misses both: expected 6, reported 2

    only_a = result.select(counties=["a"])
    assert [(r.indicator, r.county) for r in only_a.rows] == [("I1", "a"), ("I2", "a")]
    assert (only_a.completeness.expected, only_a.completeness.reported) == (2, 1)
    assert only_a.completeness.missing == (MissingReports("a", ("I2",)),)

    city = result.select(counties=[CITY])
    assert [(r.indicator, r.county) for r in city.rows] == [("I1", None), ("I2", None)]
    assert city.completeness.expected == 0 and city.completeness.missing == ()

    goal = result.select(goals=["G2"])
    assert {r.indicator for r in goal.rows} == {"I2"} and len(goal.rows) == 4
    assert (goal.completeness.expected, goal.completeness.reported) == (3, 1)
    assert goal.completeness.missing == (MissingReports("a", ("I2",)), MissingReports("c", ("I2",)))

    no_data = result.select(statuses=[Status.NO_DATA])
    assert no_data.rows and all(r.status is Status.NO_DATA for r in no_data.rows)
    assert no_data.completeness == result.completeness  # statuses do not narrow completeness

    assert result.select().rows == result.rows and result.select().completeness == result.completeness


def test_indicators_narrow_the_computation():
    two = indicator("I2", kind=Kind.LEVEL, target=100)
    result = compute_gaps(plan(CENTRES, two), records_frame([]), JUNE, indicators=["I2"])
    assert {r.indicator for r in result.rows} == {"I2"}
    assert result.completeness.expected == 3


# -------------------------------------------------------------------------------------- properties (hypothesis)

PROPERTY = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FIVE = ("a", "b", "c", "d", "e")
MONTHS = st.sampled_from(["2021-04", "2021-05", "2021-06"])


@PROPERTY
@given(
    figures=st.lists(
        st.one_of(st.none(), st.tuples(st.integers(0, 10_000), st.integers(1, 10_000), MONTHS)),
        min_size=1, max_size=5,
    ),
    scale=st.sampled_from([1.0, 100.0, 10_000.0]),
)
def test_city_ratio_is_the_sum_of_numerators_over_the_sum_of_denominators(figures, scale):
    counties = FIVE[: len(figures)]
    rate = indicator(kind=Kind.RATIO, target=90, baseline=50, scale=scale)
    records = [rec(c, f[2], numerator=f[0], denominator=f[1]) for c, f in zip(counties, figures) if f is not None]
    city = one(rate, *records, county=None, counties=counties)
    fed = [f for f in figures if f is not None]
    assert city.counties_reporting == len(fed) and city.counties_total == len(counties)
    if fed:
        assert city.actual == approx(sum(f[0] for f in fed) / sum(f[1] for f in fed) * scale)
    else:
        assert city.actual is None and city.status is Status.NO_DATA


@PROPERTY
@given(
    values=st.lists(st.one_of(st.none(), st.tuples(st.integers(0, 1000), MONTHS)), min_size=1, max_size=5),
)
def test_city_count_is_the_sum_of_the_county_actual_values(values):
    counties = FIVE[: len(values)]
    records = [rec(c, v[1], v[0]) for c, v in zip(counties, values) if v is not None]
    result = gaps(plan(CENTRES, counties=counties), *records)
    actuals = [row(result, c).actual for c in counties]
    assert actuals == [None if v is None else v[0] for v in values]
    city = row(result, None)
    reported = [a for a in actuals if a is not None]
    assert city.counties_reporting == len(reported)
    assert city.actual == (sum(reported) if reported else None)


_DAYS = st.dates(min_value=dt.date(2020, 12, 1), max_value=dt.date(2022, 2, 28))


def _status_of(ind: Indicator, value: float, as_of: dt.date) -> Status:
    month = f"{as_of.year:04d}-{as_of.month:02d}"
    return one(ind, rec("a", month, value), as_of=as_of, counties=("a",)).status


@PROPERTY
@given(
    kind=st.sampled_from([Kind.COUNT, Kind.LEVEL, Kind.RATIO]),
    pace=st.sampled_from([Pace.LINEAR, Pace.STEP]),
    direction=st.sampled_from([Direction.INCREASE, Direction.DECREASE]),
    baseline=st.integers(0, 100),
    gain=st.integers(0, 100),
    value=st.floats(-50, 300, allow_nan=False),
    improvement=st.floats(0, 100, allow_nan=False),
    as_of=_DAYS,
)
def test_a_better_value_never_worsens_its_status(kind, pace, direction, baseline, gain, value, improvement, as_of):
    """Raising a value where more is better, or lowering it where less is better."""
    sign = 1 if direction is Direction.INCREASE else -1
    target = baseline + sign * gain
    ind = indicator(kind=kind, pace=pace, target=target, baseline=baseline if kind is not Kind.COUNT else 0,
                    per_county=target, baselines={"a": baseline}, direction=direction,
                    scale=100 if kind is Kind.RATIO else None)
    before, after = _status_of(ind, value, as_of), _status_of(ind, value + sign * improvement, as_of)
    assert after.severity >= before.severity, (before, after)
