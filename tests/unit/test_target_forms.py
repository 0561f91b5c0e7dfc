"""Target forms (issue 21, part 2): `form = "keep"`, a target to hold (不低于50%, 达到21000元 where the standard
already stands at 22524元, 不超过): met while the figure holds, the target may be at or past the baseline, and
what falls short is short of the whole target from the first day, hand-worked on the plan of test_gaps.py."""

from __future__ import annotations

import datetime as dt

import pytest

from mubiao.models import Direction, Form, Kind, Status

from test_gaps import END, JUNE, indicator, one, rec

FLOOR = indicator(kind=Kind.LEVEL, target=21000, baseline=22524, form=Form.KEEP, unit="元/年")


def test_a_standard_that_holds_is_met_and_says_it_all_along():
    row = one(FLOOR, rec("a", "2021-06", 22524))
    assert row.status is Status.MET and row.progress == 1.0 and row.expected == 21000
    assert row.expected_progress == 1.0  # asked for from the first day: no way from a baseline to walk


@pytest.mark.parametrize("value, status, progress", [
    (21000, Status.MET, 1.0),                     # at the floor: held
    (20000, Status.AT_RISK, 20000 / 21000),       # 4.8 points below: above at_risk (0), not above behind (20)
    (16800, Status.AT_RISK, 0.8),                 # exactly 20 points below: not above behind
    (15000, Status.BEHIND, 15000 / 21000),        # 28.6 points below
])
def test_a_standard_below_its_floor_is_short_of_the_whole_floor(value, status, progress):
    row = one(FLOOR, rec("a", "2021-06", value))
    assert row.status is status and row.progress == pytest.approx(progress)
    assert row.shortfall == pytest.approx(100 * (1 - progress))


def test_below_the_floor_on_the_deadline_is_missed():
    assert one(FLOOR, rec("a", "2021-12", 20000), as_of=END).status is Status.MISSED


def test_a_ceiling_holds_while_the_figure_stays_at_or_under_it():
    ceiling = indicator(kind=Kind.LEVEL, target=30, baseline=25, form=Form.KEEP, direction=Direction.DECREASE,
                        unit="个工作日")
    assert one(ceiling, rec("a", "2021-06", 30)).status is Status.MET
    over = one(ceiling, rec("a", "2021-06", 33))  # 3 over a ceiling of 30: holds 90 % of it
    assert over.status is Status.AT_RISK and over.progress == pytest.approx(0.9)


def test_a_target_of_zero_or_below_is_short_once_breached_never_held():
    """A ceiling of 0 (零事故) breached, a floor of −5 fallen to −10: short, not on track (review of issue 21)."""
    zero = indicator(kind=Kind.LEVEL, target=0, baseline=0, form=Form.KEEP, direction=Direction.DECREASE, unit="起")
    breached = one(zero, rec("a", "2021-06", 2))
    assert breached.status is Status.BEHIND and breached.progress == 0.0
    negative = indicator(kind=Kind.LEVEL, target=-5, baseline=-5, form=Form.KEEP, unit="℃")
    fallen = one(negative, rec("a", "2021-06", -10))
    assert fallen.status is Status.BEHIND and fallen.progress == 0.0


def test_a_ratio_floor_rolls_up_as_sums_and_holds_for_the_city():
    """不低于50%: the city's 26/50 = 52% holds though county b's 11/25 = 44% does not."""
    floor = indicator(kind=Kind.RATIO, target=50, baseline=51.77, form=Form.KEEP, scale=100, unit="%")
    records = [rec("a", "2021-06", numerator=15, denominator=25), rec("b", "2021-06", numerator=11, denominator=25)]
    assert one(floor, *records, county=None).status is Status.MET
    assert one(floor, *records, county="b").status is Status.AT_RISK


def test_a_target_to_keep_is_not_projected():
    """A ratio floor (linear by default, so projected were it a target to reach) has no projection."""
    floor = indicator(kind=Kind.RATIO, target=50, baseline=51.77, form=Form.KEEP, scale=100, unit="%")
    records = [rec("a", "2021-05", numerator=12, denominator=25), rec("a", "2021-06", numerator=13, denominator=25)]
    assert one(floor, *records).projected is None
    reach = indicator(kind=Kind.RATIO, target=60, baseline=40, scale=100, unit="%")
    assert one(reach, *records).projected is not None  # (the same records, a target to reach: projected)


def test_a_target_to_keep_is_at_risk_near_its_deadline_whatever_its_pace():
    """Like a step: not held 30 days before the deadline is at risk (a ratio's default pace is linear)."""
    floor = indicator(kind=Kind.RATIO, target=50, baseline=51.77, form=Form.KEEP, scale=100, unit="%")
    row = one(floor, rec("a", "2021-11", numerator=49, denominator=100), as_of=dt.date(2021, 12, 1))
    assert row.status is Status.AT_RISK
