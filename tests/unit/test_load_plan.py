import dataclasses
import datetime as dt

import pytest

from conftest import FIXTURES, expected_findings
from mubiao import PlanError, load_plan
from mubiao.models import Direction, Kind, Pace, Scope

VALID = FIXTURES / "plans" / "valid"
INVALID = FIXTURES / "plans" / "invalid"


@pytest.fixture(scope="module")
def plan():
    return load_plan(VALID / "every-key.toml")


def test_minimal_plan_takes_every_default():
    plan = load_plan(VALID / "minimal.toml")
    assert (plan.id, plan.language, plan.source) == ("minimal", "zh", None)
    assert (plan.status.at_risk, plan.status.behind, plan.status.due_soon_days) == (0.0, 20.0, 30)
    assert plan.counties == plan.owners == plan.goals == ()


def test_plan_keys(plan):
    assert plan.organization == "金华市民政局"
    assert (plan.start, plan.end) == (dt.date(2021, 1, 1), dt.date(2021, 12, 31))
    assert (plan.status.at_risk, plan.status.behind, plan.status.due_soon_days) == (5.0, 25.0, 45)
    assert [c.id for c in plan.counties] == ["wucheng", "jindong", "panan"]
    assert plan.owner("yanglao").name == "养老服务处"


def test_indicators_come_in_plan_order(plan):
    assert [i.id for i in plan.indicators] == ["G02-dibao", "G02-days", "G03-centres", "G03-carers", "G03-plan"]


def test_defaults_by_kind(plan):
    centres, carers, milestone = plan.indicator("G03-centres"), plan.indicator("G03-carers"), plan.indicator("G03-plan")
    assert centres.pace is Pace.STEP  # given
    assert carers.pace is Pace.LINEAR  # ratio default
    assert milestone.pace is Pace.STEP  # milestone default
    assert plan.indicator("G02-days").pace is Pace.STEP  # level default
    assert carers.owner == "yanglao"  # from the goal
    assert carers.deadline == dt.date(2021, 12, 31)  # plan end
    assert milestone.deadline == dt.date(2021, 9, 30)
    assert (milestone.target, milestone.baseline) == (1.0, 0.0)
    assert centres.baseline == 0.0 and centres.direction is Direction.INCREASE and centres.scope is Scope.COUNTY


def test_county_targets_and_baselines(plan):
    dibao, centres, carers = plan.indicator("G02-dibao"), plan.indicator("G03-centres"), plan.indicator("G03-carers")
    assert dibao.county_target("wucheng") == 10800  # allocation
    assert dibao.county_target("panan") == 10500  # level: the plan target
    assert dibao.county_baseline("wucheng") == 10200 and dibao.county_baseline("panan") == 10000
    assert centres.county_target("panan") == 2  # per_county
    assert centres.county_baseline("panan") == 0
    assert carers.county_baseline("panan") == 12  # ratio: the plan baseline
    assert plan.indicator("G03-plan").county_target("wucheng") == 1


def test_count_without_county_target_has_none():
    plan = load_plan(INVALID.parent / "valid" / "every-key.toml")
    count = dataclasses.replace(plan.indicator("G03-centres"), per_county=None)
    assert count.county_target("wucheng") is None


def test_reporting_counties(plan):
    assert [c.id for c in plan.reporting_counties(plan.indicator("G03-plan"))] == ["wucheng", "jindong"]
    assert plan.reporting_counties(plan.indicator("G02-days")) == ()  # scope city
    assert len(plan.reporting_counties(plan.indicator("G02-dibao"))) == 3


def test_decrease_direction(plan):
    days = plan.indicator("G02-days")
    assert days.direction is Direction.DECREASE and days.kind is Kind.LEVEL and days.scope is Scope.CITY


def test_model_is_frozen(plan):
    with pytest.raises(dataclasses.FrozenInstanceError):
        plan.id = "other"  # type: ignore[misc]
    with pytest.raises(TypeError):
        plan.indicator("G02-dibao").allocation["wucheng"] = 1  # type: ignore[index]


def test_invalid_plan_raises_at_its_first_error():
    path = INVALID / "p105-bad-kind.toml"
    ((code, line),) = expected_findings(path)
    with pytest.raises(PlanError) as raised:
        load_plan(path)
    assert (raised.value.code, raised.value.line) == (code, line)
    assert f"p105-bad-kind.toml:{line}:" in raised.value.one_line()


def test_warnings_do_not_stop_loading():
    plan = load_plan(INVALID / "p209-allocation-does-not-sum.toml")
    assert plan.indicator("G01-centres").allocation["b"] == 3


def test_syntax_error_carries_the_parser_position():
    path = INVALID / "p001-toml-syntax-two-values.toml"
    with pytest.raises(PlanError) as raised:
        load_plan(path)
    assert [(raised.value.code, raised.value.line)] == expected_findings(path)
