"""Areas within areas (docs/plan-format.md "parent", docs/gaps.md "areas within areas"): a region's rows are
rolled up from the units within it exactly as the whole's row is from every unit. The figures are worked by hand
from the invented province sample (data/make_province.py: its tables are the numbers used below) and from small
plans built here."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import REPO
from mubiao.analysis.gaps import compute_gaps
from mubiao.analysis.scoreboard import scoreboard
from mubiao.models import County, Goal, Indicator, Kind, Pace, Plan, Scope, Status
from mubiao.readers.progress import Record, records_frame
from mubiao.render.gaps import render_json
from mubiao.workspace import open_gaps

JUNE = dt.date(2024, 6, 30)


@pytest.fixture(scope="module")
def province():
    return open_gaps(REPO, "dongjiang-2024", None)


def row(gaps, area, indicator):
    found = [r for r in gaps.rows if r.county == area and r.indicator == indicator]
    assert len(found) == 1, found
    return found[0]


def test_the_sample_is_read_at_the_end_of_june(province):
    assert province.as_of == JUNE


def test_a_count_adds_up_at_every_level(province):
    # June: 江北区 2 + 江南区 1 + 云溪县 4 = 7; 青峰县 1 + 石门县 3 = 4; 沙河区 1 + 白水县 1 (May: June never came) = 2
    assert [row(province, a, "G01-zhongxin").actual for a in ("linjiang", "qingshan", "baisha", None)] == [7, 4, 2, 13]
    baisha = row(province, "baisha", "G01-zhongxin")
    assert (baisha.counties_reporting, baisha.counties_total, baisha.stale) == (2, 2, True)
    assert row(province, "qingshan", "G01-zhongxin").stale is False


def test_a_region_is_held_to_its_own_allocation_on_the_plans_way():
    gaps = open_gaps(REPO, "dongjiang-2024", None)
    linjiang = row(gaps, "linjiang", "G01-zhongxin")
    # allocation linjiang = 9; linear from 2024-01-01 to 2024-12-31: 181 of 365 days by June 30
    assert linjiang.target == 9 and linjiang.baseline == 0
    assert linjiang.expected == pytest.approx(9 * 181 / 365)
    assert linjiang.status is Status.ON_TRACK


def test_a_regions_count_target_is_the_sum_of_its_units_when_it_has_no_allocation(province):
    # G02-shegong: per_county = 2, no allocation: 临江市 has three counties → 6, 青山市 two → 4
    assert row(province, "linjiang", "G02-shegong").target == 6
    assert row(province, "qingshan", "G02-shegong").target == 4


def test_a_ratio_is_the_sum_of_numerators_over_the_sum_of_denominators_at_every_level(province):
    # nursing beds in June (n = 5 months after January): 江北区 500 + 50, 江南区 300 + 25, 云溪县 200 + 40
    linjiang = row(province, "linjiang", "G01-huli")
    assert linjiang.actual == pytest.approx((550 + 325 + 240) / (1000 + 600 + 500) * 100)
    qingshan = row(province, "qingshan", "G01-huli")
    assert qingshan.actual == pytest.approx((165 + 260) / (300 + 400) * 100)
    # 白水县's latest is May's (n = 4): 100 + 8 of 250
    whole = row(province, None, "G01-huli")
    assert whole.actual == pytest.approx((550 + 325 + 240 + 165 + 260 + 410 + 108) / 3750 * 100)


def test_a_level_region_stands_at_its_worst_unit_and_takes_its_status(province):
    # 临江市: 9360, 9360, 9000 (云溪县 never raised it): the worst is 9000, and 云溪县 is behind
    linjiang = row(province, "linjiang", "G02-dibao")
    assert linjiang.actual == 9000
    assert row(province, "yunxi", "G02-dibao").status is Status.BEHIND
    assert linjiang.status is Status.BEHIND
    # 青山市: 9300 and 9400, both on the milestone's 9300 → on track
    assert row(province, "qingshan", "G02-dibao").status is Status.ON_TRACK


def test_a_milestone_named_for_a_region_is_carried_by_its_units_only(province):
    rows = [r for r in province.rows if r.indicator == "G03-hunyin"]
    assert [r.county for r in rows] == [None, "qingshan", "qingfeng", "shimen"]
    qingshan = row(province, "qingshan", "G03-hunyin")
    assert (qingshan.actual, qingshan.counties_total) == (0.5, 2)  # 青峰县 done in April, 石门县 not


def test_a_city_scope_item_has_the_wholes_row_only(province):
    assert [r.county for r in province.rows if r.indicator == "G01-guihua"] == [None]


def test_a_region_row_precedes_the_areas_within_it(province):
    order = [r.county for r in province.rows if r.indicator == "G01-zhongxin"]
    assert order == [None, "linjiang", "jiangbei", "jiangnan", "yunxi", "qingshan", "qingfeng", "shimen",
                     "baisha", "shahe", "baishui"]


def test_completeness_counts_the_units_and_within_a_region_its_own(province):
    # 7 counties × 4 county-scope indicators + the 2 counties of 青山市 × G03-hunyin = 30 pairs, 白水县's 4 missing
    assert (province.completeness.expected, province.completeness.reported) == (30, 26)
    baisha = province.within("baisha")
    assert (baisha.completeness.expected, baisha.completeness.reported) == (8, 4)
    assert {r.county for r in baisha.rows} == {"baisha", "shahe", "baishui"}


def test_the_scoreboard_ranks_the_areas_directly_within(province):
    assert [s.county for s in scoreboard(province)] and {s.county for s in scoreboard(province)} == {
        "linjiang", "qingshan", "baisha"}
    assert {s.county for s in scoreboard(province.within("linjiang"))} == {"jiangbei", "jiangnan", "yunxi"}


def test_deeper_rows_say_their_level_and_parent_and_two_level_rows_do_not(province):
    rows = json.loads(render_json(province))["rows"]
    first = {(r["county"], r["indicator"]): r for r in rows}
    assert (first[(None, "G01-zhongxin")]["level"], first[(None, "G01-zhongxin")]["parent"]) == (0, None)
    assert (first[("linjiang", "G01-zhongxin")]["level"], first[("linjiang", "G01-zhongxin")]["parent"]) == (1, None)
    assert (first[("yunxi", "G01-zhongxin")]["level"], first[("yunxi", "G01-zhongxin")]["parent"]) == (2, "linjiang")
    city = json.loads(render_json(open_gaps(REPO, "jinhua-2021", dt.date(2021, 6, 30))))["rows"]
    assert all("level" not in r and "parent" not in r for r in city)


# ------------------------------------------------------------------------------ small plans, by hand

START, END = dt.date(2021, 1, 1), dt.date(2021, 12, 31)


def deep_plan(tree: dict[str, list[str]], *indicators: Indicator, top: tuple[str, ...] = ()) -> Plan:
    """A 2021 plan whose regions are `tree`'s keys (each with its areas) and whose units are the rest."""
    parent = {child: region for region, children in tree.items() for child in children}
    names = [*top, *(child for children in tree.values() for child in children)]
    areas = [County(a, f"{a}地", parent.get(a)) for a in dict.fromkeys([*tree, *names])]
    return Plan(id="deep-2021", title="测试", organization="测试省民政厅", start=START, end=END,
                counties=tuple(a for a in areas if a.id not in tree),
                regions=tuple(a for a in areas if a.id in tree),
                goals=(Goal("G1", "任务", indicators=tuple(indicators)),))


def count(**extra) -> Indicator:
    return Indicator(id="I1", name="指标", goal="G1", kind=Kind.COUNT, target=10, baseline=0, deadline=END,
                     pace=Pace.LINEAR, **extra)


def rec(area, value, period="2021-06", indicator="I1", **parts) -> Record:
    return Record(area, period, indicator, value, parts.get("numerator"), parts.get("denominator"), None, None,
                  f"{period}/{area}.csv", 2)


def test_a_region_without_allocations_below_it_has_no_count_target():
    plan = deep_plan({"r": ["a", "b"]}, count(allocation={"a": 4}))
    result = compute_gaps(plan, records_frame([rec("a", 2), rec("b", 1)]), dt.date(2021, 6, 30))
    region = row(result, "r", "I1")
    assert region.actual == 3 and region.target is None and region.status is Status.NO_TARGET


def test_regions_nest_to_any_depth():
    # 省 → 市 m → 县 k → 乡镇 t1, t2; 市 m also has 县 j (a unit)
    plan = deep_plan({"m": ["k", "j"], "k": ["t1", "t2"]}, count(per_county=2))
    result = compute_gaps(plan, records_frame([rec("t1", 1), rec("t2", 2), rec("j", 5)]), dt.date(2021, 6, 30))
    assert [row(result, a, "I1").actual for a in ("k", "m", None)] == [3, 8, 8]
    assert row(result, "k", "I1").target == 4 and row(result, "m", "I1").target == 6
    assert (row(result, "m", "I1").counties_reporting, row(result, "m", "I1").counties_total) == (3, 3)
    assert plan.depth("t1") == 3 and plan.ancestors("t1") == ("k", "m")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    shape=st.lists(st.integers(1, 3), min_size=1, max_size=4),
    values=st.lists(st.one_of(st.none(), st.integers(0, 500)), min_size=12, max_size=12),
)
def test_every_levels_count_is_the_sum_of_its_childrens(shape, values):
    """A province of len(shape) cities, city n with shape[n] counties: each rolled-up row's figure is the sum
    of the figures of the rows directly below it (None where none of them has one)."""
    tree = {f"m{n}": [f"m{n}c{k}" for k in range(size)] for n, size in enumerate(shape)}
    units = [unit for children in tree.values() for unit in children]
    plan = deep_plan(tree, count())
    records = [rec(unit, value) for unit, value in zip(units, values) if value is not None]
    result = compute_gaps(plan, records_frame(records), dt.date(2021, 6, 30))
    actual = {r.county: r.actual for r in result.rows}

    def summed(parts):
        known = [actual[p] for p in parts if actual[p] is not None]
        return sum(known) if known else None

    for region, children in tree.items():
        assert actual[region] == summed(children)
    assert actual[None] == summed(list(tree))


def test_a_milestone_regions_share_and_level_worst_by_hand():
    done = Indicator(id="I2", name="完成", goal="G1", kind=Kind.MILESTONE, target=1, baseline=0, deadline=END,
                     pace=Pace.STEP)
    level = Indicator(id="I3", name="标准", goal="G1", kind=Kind.LEVEL, target=100, baseline=80, deadline=END,
                      pace=Pace.STEP)
    plan = deep_plan({"r": ["a", "b", "c"], "s": ["d"]}, done, level)
    records = [rec("a", 1, indicator="I2"), rec("b", 0, indicator="I2"), rec("c", 1, indicator="I2"),
               rec("a", 90, indicator="I3"), rec("b", 85, indicator="I3"), rec("d", 95, indicator="I3")]
    result = compute_gaps(plan, records_frame(records), dt.date(2021, 6, 30))
    assert row(result, "r", "I2").actual == pytest.approx(2 / 3)
    assert row(result, None, "I2").actual == pytest.approx(2 / 4)
    assert row(result, "r", "I3").actual == 85 and row(result, "s", "I3").actual == 95
    assert row(result, None, "I3").actual == 85


def test_a_scope_city_indicator_gets_no_region_rows():
    own = Indicator(id="I4", name="本级", goal="G1", kind=Kind.MILESTONE, target=1, baseline=0, deadline=END,
                    pace=Pace.STEP, scope=Scope.CITY)
    plan = deep_plan({"r": ["a"]}, own)
    result = compute_gaps(plan, records_frame([rec("city", 1, indicator="I4")]), dt.date(2021, 6, 30))
    assert [(r.county, r.actual) for r in result.rows] == [(None, 1)]


def _run(*args):
    from typer.testing import CliRunner

    from mubiao.app import app

    return CliRunner().invoke(app, [str(a) for a in args])


def test_a_regions_view_heads_each_indicator_with_the_regions_own_target():
    shown = _run("gaps", "--root", REPO, "--plan", "dongjiang-2024", "--area", "临江市").stdout
    assert "目标 9 家 · 序时目标 4.5" in shown and "目标 6 个 · 序时目标 3" in shown and "目标 21 家" not in shown


def test_the_provinces_report_names_the_lagging_counties_under_a_city_on_track(tmp_path):
    assert _run("report", "--root", REPO, "--plan", "dongjiang-2024", "-o", tmp_path).exit_code == 0
    text = (tmp_path / "report.md").read_text(encoding="utf-8")
    shegong = text[text.index("社会工作站（G02-shegong）"):]
    assert "白沙市：1 / 4 个" in shegong and "白水县：0 / 2 个" in shegong and "两个站点场地已落实" in shegong
    assert "## 三、各市完成情况与排名" in text


def test_the_bureaus_own_row_is_named_in_the_plans_words():
    result = _run("gaps", "--root", REPO, "--plan", "wucheng-2022", "-c", "区本级", "-f", "json")
    rows = __import__("json").loads(result.stdout)["rows"]
    assert rows and all(r["county"] is None for r in rows)
