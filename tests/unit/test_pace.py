"""Pace that fits the work (issue 21, part 3): `none`, `quarterly` and `profile` beside `linear` and `step`,
hand-worked on a 2021 plan (2021-01-01..2021-12-31, target 40, baseline 0) as in tests/unit/test_gaps.py.

  2021-01-01 → 2021-03-31 =  89 days      2021-01-01 → 2021-06-30 = 180 days
  2021-01-01 → 2021-09-30 = 272 days      2021-01-01 → 2021-12-31 = 364 days
"""

from __future__ import annotations

import datetime as dt

import pytest

from mubiao.analysis.gaps import expected_at, paced_points
from mubiao.models import Pace, Status

from test_gaps import END, JUNE, MARCH, START, indicator, one, rec

D = dt.date
POINTS = [(START, 0.0), (END, 40.0)]


def expected(pace: Pace, day: dt.date, **extra) -> float:
    return expected_at(*paced_points(POINTS, indicator(target=40, pace=pace, **extra)), day)


@pytest.mark.parametrize("day, value", [
    (D(2021, 3, 30), 0.0), (MARCH, 0.0), (JUNE, 0.0), (D(2021, 12, 30), 0.0), (END, 40.0)])
def test_none_asks_for_nothing_before_the_deadline(day, value):
    assert expected(Pace.NONE, day) == value


@pytest.mark.parametrize("day, value", [
    (D(2021, 3, 30), 0.0),            # before the first quarter's end: nothing asked yet
    (MARCH, 40 * 89 / 364),           # 9.78: the linear way at 3-31
    (D(2021, 5, 15), 40 * 89 / 364),  # within the second quarter: still the first quarter's
    (JUNE, 40 * 180 / 364),           # 19.78
    (D(2021, 9, 30), 40 * 272 / 364), # 29.89
    (END, 40.0)])
def test_quarterly_asks_for_the_linear_way_at_each_quarters_end(day, value):
    assert expected(Pace.QUARTERLY, day) == pytest.approx(value)


#: A provincial assessment in the fourth quarter: nothing until August, 30 % by September, 60 % by October …
AUTUMN = (0, 0, 0, 0, 0, 0, 0, 0, 30, 60, 90, 100)


@pytest.mark.parametrize("day, value", [
    (JUNE, 0.0), (D(2021, 8, 31), 0.0),
    (D(2021, 9, 15), 40 * 0.30 * 15 / 30),  # 6: halfway through September, linear between the month ends
    (D(2021, 9, 30), 12.0), (D(2021, 10, 31), 24.0), (END, 40.0)])
def test_a_profile_asks_for_its_cumulative_share_at_each_months_end(day, value):
    assert expected(Pace.PROFILE, day, profile=AUTUMN) == pytest.approx(value)


def test_a_quarterly_milestone_off_a_quarter_end_is_asked_for_on_its_date():
    """A milestone of 15 on 5-15: `quarterly` asks for it from that day (the linear way would ask 14.8 at 6-30
    only), and at 6-30 for the line's value again."""
    points = [(START, 0.0), (D(2021, 5, 15), 15.0), (END, 40.0)]
    ind = indicator(target=40, pace=Pace.QUARTERLY, milestones=((D(2021, 5, 15), 15),))
    moved, how = paced_points(points, ind)
    assert expected_at(moved, how, D(2021, 5, 14)) == pytest.approx(expected_at(points, Pace.LINEAR, MARCH))
    assert expected_at(moved, how, D(2021, 5, 15)) == 15.0
    assert expected_at(moved, how, JUNE) == pytest.approx(expected_at(points, Pace.LINEAR, JUNE))


def test_a_quarterly_row_short_near_its_deadline_is_at_risk():
    """In the last quarter a quarterly row is asked for the 9-30 value only: 30 days before the deadline, not met,
    it is at risk (as a step), never on track until the day it is missed."""
    quarterly = indicator(target=40, pace=Pace.QUARTERLY, per_county=40)
    assert one(quarterly, rec("a", "2021-11", 35), as_of=D(2021, 12, 1)).status is Status.AT_RISK


def test_the_city_row_follows_the_same_pace_as_its_counties():
    quarterly = indicator(target=40, pace=Pace.QUARTERLY, per_county=40)
    city = one(quarterly, rec("a", "2021-05", 10), rec("b", "2021-05", 10), rec("c", "2021-05", 10),
               as_of=D(2021, 5, 31), county=None)
    assert city.expected == pytest.approx(40 * 89 / 364)  # the first quarter's end, not 5-31's straight line
    autumn = indicator(target=40, pace=Pace.PROFILE, profile=AUTUMN, per_county=40)
    assert one(autumn, rec("a", "2021-10", 10), as_of=D(2021, 10, 31), county=None).expected == pytest.approx(24.0)


def test_a_profile_of_a_plan_starting_on_a_months_last_day_begins_with_the_next_month():
    start = D(2021, 1, 31)
    ends = __import__("mubiao.analysis.gaps", fromlist=["month_ends_between"]).month_ends_between(start, END)
    assert ends[0] == D(2021, 2, 28) and len(ends) == 11  # and P221 counts these 11


def test_milestones_keep_working_with_each_pace():
    """A milestone of 20 at 6-30: `none` asks for it from that day, `quarterly` at the quarter's end it falls on,
    `profile` replaces its share there."""
    milestone = ((JUNE, 20),)
    points = [(START, 0.0), (JUNE, 20.0), (END, 40.0)]
    for pace, extra in ((Pace.NONE, {}), (Pace.QUARTERLY, {}), (Pace.PROFILE, {"profile": AUTUMN})):
        ind = indicator(target=40, pace=pace, milestones=milestone, **extra)
        assert expected_at(*paced_points(points, ind), JUNE) == pytest.approx(20.0), pace
    ind = indicator(target=40, pace=Pace.NONE, milestones=milestone)
    assert expected_at(*paced_points(points, ind), D(2021, 6, 29)) == 0.0


def test_once_a_year_work_is_on_track_in_june_under_none_and_at_risk_when_due_soon():
    """Nothing done by June: linear says 滞后 (0 against 19.8), `none` says 正常推进 until the deadline is near
    (due_soon_days, 30 by default), then 有风险, and 未完成 on the deadline day."""
    linear = one(indicator(target=40, per_county=40), rec("a", "2021-06", 0))
    assert linear.status is Status.BEHIND
    once = indicator(target=40, pace=Pace.NONE, per_county=40)
    assert one(once, rec("a", "2021-06", 0)).status is Status.ON_TRACK
    assert one(once, rec("a", "2021-06", 0)).expected_progress == 0  # no 序时 to show (render.gaps.paced)
    assert one(once, rec("a", "2021-11", 10), as_of=D(2021, 11, 30)).status is Status.ON_TRACK  # 31 days left
    assert one(once, rec("a", "2021-11", 10), as_of=D(2021, 12, 1)).status is Status.AT_RISK  # 30: due soon
    assert one(once, rec("a", "2021-11", 10), as_of=D(2021, 12, 1)).expected == 0
    assert one(once, rec("a", "2021-12", 10), as_of=END).status is Status.MISSED


def test_a_profile_flags_only_what_falls_behind_its_season():
    autumn = indicator(target=40, pace=Pace.PROFILE, profile=AUTUMN, per_county=40)
    assert one(autumn, rec("a", "2021-06", 0)).status is Status.ON_TRACK  # 0 asked in June
    row = one(autumn, rec("a", "2021-10", 10), as_of=D(2021, 10, 31))  # 24 asked, 10 done: 35 points behind
    assert row.expected == pytest.approx(24.0) and row.status is Status.BEHIND


def test_a_profile_is_not_projected_a_quarterly_pace_is():
    autumn = indicator(target=40, pace=Pace.PROFILE, profile=AUTUMN, per_county=40)
    assert one(autumn, rec("a", "2021-05", 0), rec("a", "2021-06", 0)).projected is None
    quarterly = indicator(target=40, pace=Pace.QUARTERLY, per_county=40)
    assert one(quarterly, rec("a", "2021-05", 8), rec("a", "2021-06", 10)).projected is not None
