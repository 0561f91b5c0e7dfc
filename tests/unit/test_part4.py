"""What the sample plans' comments said could not be encoded (issue 21 part 4), by hand: targets stated as growth
over last year (增长5%), stock counts (现有总数) with per-area baselines, quotas per department."""

from __future__ import annotations

import datetime as dt
import textwrap

import pytest

from mubiao.analysis.gaps import compute_gaps
from mubiao.checks.plan import check_plan_file
from mubiao.models import CITY, County, Status
from mubiao.readers.plan import load_plan
from mubiao.readers.progress import Record, records_frame

D = dt.date
HEAD = """
[plan]
id = "t-2021"
title = "2021年工作要点"
organization = "测试市民政局"
start = 2021-01-01
end = 2021-12-31

[[counties]]
id = "a"
name = "甲县"

[[counties]]
id = "b"
name = "乙县"

[[owners]]
id = "bgs"
name = "办公室"

[[owners]]
id = "jz"
name = "社会救助处"

[[goals]]
id = "G1"
title = "工作"
owner = "bgs"
"""


def plan(body: str, tmp_path):
    path = tmp_path / "t-2021.toml"
    path.write_text(textwrap.dedent(HEAD) + textwrap.dedent(body), encoding="utf-8")
    return load_plan(path)


def codes(body: str, tmp_path) -> list[str]:
    path = tmp_path / "t-2021.toml"
    path.write_text(textwrap.dedent(HEAD) + textwrap.dedent(body), encoding="utf-8")
    return [f.code for f in check_plan_file(path)]


GROWTH = """
  [[goals.indicators]]
  id = "dibao"
  name = "低保标准"
  kind = "level"
  unit = "元/年"
  baseline = 10000
  growth = 5
  baselines = { b = 12000 }

  [[goals.indicators]]
  id = "shankuan"
  name = "募集善款"
  kind = "count"
  unit = "万元"
  growth = 5
  last_year = 1200
  scope = "city"
"""


def test_a_target_stated_as_growth_is_worked_out_from_last_year(tmp_path):
    p = plan(GROWTH, tmp_path)
    dibao, shankuan = p.indicator("dibao"), p.indicator("shankuan")
    assert dibao.target == 10500 and shankuan.target == 1260  # 10000 × 1.05; 1200 × 1.05
    assert dibao.county_targets(["a", "b"]) == [10500, 12600]  # each area from its own baseline


def test_growth_met_at_the_grown_figure(tmp_path):
    p = plan(GROWTH, tmp_path)
    records = [Record("a", "2021-12", "dibao", 10500, None, None, None, None, "2021-12/a.csv", 2),
               Record("b", "2021-12", "dibao", 12599, None, None, None, None, "2021-12/b.csv", 2)]
    rows = {r.county: r for r in compute_gaps(p, records_frame(records), as_of=D(2021, 12, 31)).rows
            if r.indicator == "dibao"}
    assert rows["a"].status is Status.MET and rows["b"].status is Status.MISSED


@pytest.mark.parametrize("body, code", [
    (GROWTH.replace("growth = 5\n  baselines", "growth = 5\n  target = 10500\n  baselines"), "P227"),
    (GROWTH.replace("  last_year = 1200\n", ""), "P227"),
    (GROWTH.replace("growth = 5\n  baselines", "target = 10500\n  last_year = 9000\n  baselines"), "P227"),
    ('\n  [[goals.indicators]]\n  id = "x"\n  name = "某标准"\n  kind = "level"\n  unit = "元"\n  target = 1\n'
     '  stock = true\n', "P227"),
])
def test_growth_and_stock_where_they_cannot_be_is_p227(body, code, tmp_path):
    assert code in codes(body, tmp_path)


STOCK = """
  [[goals.indicators]]
  id = "zhan"
  name = "居家养老服务站"
  kind = "count"
  unit = "个"
  stock = true
  baseline = 305
  target = 400
  baselines = { a = 200, b = 105 }
  allocation = { a = 250, b = 150 }
"""


def test_a_stock_count_runs_from_where_each_area_stood(tmp_path):
    from mubiao.forms import instructions

    p = plan(STOCK, tmp_path)
    records = [Record("a", "2021-06", "zhan", 225, None, None, None, None, "2021-06/a.csv", 2),
               Record("b", "2021-06", "zhan", 105, None, None, None, None, "2021-06/b.csv", 2)]
    rows = {r.county: r for r in compute_gaps(p, records_frame(records), as_of=D(2021, 6, 30)).rows}
    assert rows["a"].progress == pytest.approx(25 / 50)   # (225 − 200) / (250 − 200)
    assert rows["b"].progress == 0                         # where it stood
    assert rows[None].actual == 330 and rows[None].progress == pytest.approx(25 / 95)  # (330 − 305) / (400 − 305)
    assert instructions(p, p.indicator("zhan")) == "填现有总数(含以前建成的)"


@pytest.mark.parametrize("stock, warned", [(True, False), (False, True)])
def test_a_stock_may_fall_without_d203(stock, warned, tmp_path):
    from mubiao.checks.progress import check_progress_files

    (tmp_path / "targets").mkdir()
    body = STOCK if stock else STOCK.replace("  stock = true\n", "")
    (tmp_path / "targets" / "t-2021.toml").write_text(textwrap.dedent(HEAD) + textwrap.dedent(body), encoding="utf-8")
    for month, value in (("2021-05", 230), ("2021-06", 228)):  # a station closed in June
        folder = tmp_path / "data" / "t-2021" / month
        folder.mkdir(parents=True)
        (folder / "a.csv").write_text(f"indicator,value\nzhan,{value}\n", encoding="utf-8")
    found = [f.code for f in check_progress_files([tmp_path / "data/t-2021/2021-06/a.csv"])]
    assert ("D203" in found) is warned


DEPARTMENTS = """
  [[goals.indicators]]
  id = "xinxi"
  name = "信息被录用数"
  kind = "count"
  unit = "条"
  target = 4
  departments = ["bgs", "jz"]
  source = "局机关业务处室被录用数不得少于4条"
"""


def test_a_quota_per_department_is_one_row_per_department(tmp_path):
    p = plan(DEPARTMENTS, tmp_path)
    ids = [(i.id, i.name, i.owner, i.target, i.scope.value) for i in p.indicators]
    assert ids == [("xinxi.bgs", "信息被录用数(办公室)", "bgs", 4, "city"),
                   ("xinxi.jz", "信息被录用数(社会救助处)", "jz", 4, "city")]
    records = [Record("city", "2021-12", "xinxi.bgs", 5, None, None, None, None, "2021-12/city.csv", 2),
               Record("city", "2021-12", "xinxi.jz", 3, None, None, None, None, "2021-12/city.csv", 3)]
    rows = {r.indicator: r.status for r in compute_gaps(p, records_frame(records), as_of=D(2021, 12, 31)).rows}
    assert rows == {"xinxi.bgs": Status.MET, "xinxi.jz": Status.MISSED}


def test_a_department_not_among_the_owners_is_p108(tmp_path):
    assert "P108" in codes(DEPARTMENTS.replace('"jz"]', '"jzz"]'), tmp_path)
    assert "P106" in codes(DEPARTMENTS.replace('"jz"]', '"jz", "jz"]'), tmp_path)


OWN = """
  [[goals.indicators]]
  id = "zhongxin"
  name = "新建服务中心"
  kind = "count"
  unit = "家"
  target = 10
  own_counts = true
  allocation = { a = 3, b = 3 }

  [[goals.indicators]]
  id = "fugai"
  name = "覆盖率"
  kind = "ratio"
  unit = "%"
  scale = 100
  target = 90
  own_counts = true
"""


def test_the_citys_own_figures_count_into_the_whole_where_the_plan_says(tmp_path):
    p = plan(OWN, tmp_path)

    def rec(county, indicator, value=None, num=None, den=None):
        return Record(county, "2021-06", indicator, value, num, den, None, None, f"2021-06/{county}.csv", 2)

    records = [rec("a", "zhongxin", 3), rec("b", "zhongxin", 2), rec("city", "zhongxin", 4),
               rec("a", "fugai", num=8, den=10), rec("b", "fugai", num=5, den=10), rec("city", "fugai", num=6, den=10)]
    gaps = compute_gaps(p, records_frame(records), as_of=D(2021, 6, 30))
    whole = {r.indicator: r for r in gaps.rows if r.county is None}
    assert whole["zhongxin"].actual == 9                      # 3 + 2 + 市本级 4
    assert whole["fugai"].actual == pytest.approx(100 * 19 / 30)  # Σ parts with 市本级's
    assert (whole["zhongxin"].counties_reporting, whole["zhongxin"].counties_total) == (3, 3)  # and 市本级
    assert gaps.completeness.own_expected == 2 and not gaps.completeness.own_missing
    alone = compute_gaps(p, records_frame([rec("city", "zhongxin", 4)]), as_of=D(2021, 6, 30))
    row = next(r for r in alone.rows if r.indicator == "zhongxin" and r.county is None)
    assert row.actual == 4 and row.partial  # none of the counties reported: partial, not the whole
    no_own = compute_gaps(p, records_frame(records[:2] + records[3:5]), as_of=D(2021, 6, 30))
    rows = {r.indicator: r for r in no_own.rows if r.county is None}
    assert rows["zhongxin"].actual == 5 and rows["zhongxin"].partial  # the counties' without 市本级's: partial
    assert rows["fugai"].partial and (rows["fugai"].counties_reporting, rows["fugai"].counties_total) == (2, 3)


def test_without_own_counts_the_citys_figure_is_left_out_and_said(tmp_path):
    p = plan(OWN.replace("  own_counts = true\n", ""), tmp_path)
    records = [Record("a", "2021-06", "zhongxin", 3, None, None, None, None, "2021-06/a.csv", 2),
               Record("city", "2021-06", "zhongxin", 4, None, None, None, None, "2021-06/city.csv", 2)]
    whole = next(r for r in compute_gaps(p, records_frame(records), as_of=D(2021, 6, 30)).rows
                 if r.indicator == "zhongxin" and r.county is None)
    assert whole.actual == 3


def test_own_counts_on_a_city_indicator_or_a_milestone_is_p227(tmp_path):
    assert "P227" in codes(OWN.replace("  own_counts = true\n  allocation", "  own_counts = true\n  scope = \"city\"\n  allocation"), tmp_path)


def test_an_area_without_a_baseline_of_its_own_grows_as_the_plan(tmp_path):
    p = plan(GROWTH.replace("  growth = 5\n  baselines", "  growth = 5\n  last_year = 11000\n  baselines"), tmp_path)
    assert p.indicator("dibao").target == 11550  # last year's 11000 × 1.05
    assert p.indicator("dibao").county_targets(["a", "b"]) == [11550, 12600]


def test_a_rule_may_name_a_departments_row(tmp_path):
    body = DEPARTMENTS + '\n[[rules]]\nid = "R1"\nname = "办公室不少于社会救助处"\nrule = "{xinxi.bgs} >= {xinxi.jz}"\n'
    assert codes(body, tmp_path) == []
    assert "P225" in codes(body.replace("{xinxi.bgs}", "{xinxi}"), tmp_path)  # the parent is no row of its own


@pytest.mark.parametrize("body, code", [
    ('\n  [[goals.indicators]]\n  id = "r"\n  name = "覆盖率"\n  kind = "ratio"\n  unit = "%"\n  scale = 100\n'
     '  baseline = 98\n  growth = 5\n', "P207"),  # 98 × 1.05 = 102.9 %
    ('\n  [[goals.indicators]]\n  id = "r"\n  name = "覆盖率"\n  kind = "ratio"\n  unit = "%"\n  scale = 100\n'
     '  target = 90\n  stretch = 105\n', "P207"),
    ('\n  [[goals.indicators]]\n  id = "l"\n  name = "标准"\n  kind = "level"\n  unit = "元"\n  growth = 5\n', "P227"),
    (STOCK.replace("  baseline = 305\n", ""), "P227"),
])
def test_a_target_worked_out_beyond_what_it_can_be_is_found(body, code, tmp_path):
    assert code in codes(body, tmp_path)


def test_the_citys_own_share_may_be_allocated_and_adds_up_with_the_counties(tmp_path):
    from mubiao.forms import build_forms

    assert "P209" in codes(OWN, tmp_path)  # 3 + 3 of 10: the city's share is not said
    body = OWN.replace("allocation = { a = 3, b = 3 }", "allocation = { a = 3, b = 3, city = 4 }")
    assert codes(body, tmp_path) == []
    p = plan(body, tmp_path)
    assert p.indicator("zhongxin").county_targets(["a", "b"]) == [3, 3]
    city_form = next(f for f in build_forms(p, [], "2021-06", [County(CITY, "市本级")]) if f.county.id == CITY)
    assert next(r.target for r in city_form.rows if r.indicator.id == "zhongxin") == 4
