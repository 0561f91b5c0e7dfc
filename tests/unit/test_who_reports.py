"""Who is expected to report (issue 19, part 4): an indicator carried by the areas its allocation names
(`counties = "allocated"`), and the bureau's own row (市本级), which the completeness and the report count
beside the counties' pairs (docs/gaps.md, "Completeness")."""

from __future__ import annotations

import datetime as dt
import shutil

from conftest import REPO
from mubiao.analysis.gaps import compute_gaps
from mubiao.models import CITY
from mubiao.readers.plan import load_plan
from mubiao.readers.progress import Record, records_frame
from mubiao.render.report_md import render_md
from mubiao.workspace import open_gaps

PLAN = """\
[plan]
id = "who-2021"
title = "测试计划"
organization = "测试市民政局"
start = 2021-01-01
end = 2021-12-31

[[counties]]
id = "a"
name = "甲县"

[[counties]]
id = "b"
name = "乙县"

[[counties]]
id = "c"
name = "丙县"

[[goals]]
id = "G01"
title = "社会事务"

  [[goals.indicators]]
  id = "G01-zhan"
  name = "新建社会工作站"
  kind = "count"
  unit = "个"
  target = 3
  allocation = { a = 2, c = 1 }
  counties = "allocated"

  [[goals.indicators]]
  id = "G01-guihua"
  name = "编制专项规划"
  kind = "milestone"
  scope = "city"
"""


def _plan(tmp_path):
    path = tmp_path / "targets" / "who-2021.toml"
    path.parent.mkdir(parents=True)
    path.write_text(PLAN, encoding="utf-8")
    return load_plan(path)


def rec(area, indicator, value, period="2021-06"):
    return Record(area, period, indicator, value, None, None, None, None, f"{period}/{area}.csv", 2)


def test_only_the_allocated_areas_have_rows_and_are_due(tmp_path):
    plan = _plan(tmp_path)
    result = compute_gaps(plan, records_frame([rec("a", "G01-zhan", 1)]), dt.date(2021, 6, 30))
    assert [r.county for r in result.rows if r.indicator == "G01-zhan"] == [None, "a", "c"]
    done = result.completeness
    assert (done.expected, done.reported) == (2, 1)
    assert [(m.county, m.indicators) for m in done.missing] == [("c", ("G01-zhan",))]  # 乙县 is never 未报送


def test_the_bureaus_own_indicators_are_counted_beside_the_counties(tmp_path):
    plan = _plan(tmp_path)
    silent = compute_gaps(plan, records_frame([rec("a", "G01-zhan", 1)]), dt.date(2021, 6, 30)).completeness
    assert (silent.own_expected, silent.own_missing) == (1, ("G01-guihua",))
    assert silent.every_missing[-1].county == CITY
    sent = compute_gaps(plan, records_frame([rec("city", "G01-guihua", 1)]), dt.date(2021, 6, 30)).completeness
    assert (sent.own_expected, sent.own_missing) == (1, ())
    # the contract's figures are the counties' pairs only
    assert (silent.expected, sent.expected) == (2, 2)


def test_the_report_says_when_the_city_itself_has_not_sent(tmp_path):
    shutil.copytree(REPO / "targets", tmp_path / "targets")
    shutil.copytree(REPO / "data" / "jinhua-2021", tmp_path / "data" / "jinhua-2021")
    (tmp_path / "data" / "jinhua-2021" / "2021-06" / "city.csv").unlink()
    gaps = open_gaps(tmp_path, "jinhua-2021", dt.date(2021, 6, 30))
    assert gaps.completeness.own_expected == len(gaps.completeness.own_missing) > 0
    from mubiao.analysis.report import report_of

    text = render_md(report_of(gaps, {}))
    assert f"市本级应报 {gaps.completeness.own_expected} 项，已报 0 项。" in text
    assert "| 市本级 |" in text
    full = open_gaps(REPO, "jinhua-2021", dt.date(2021, 6, 30)).completeness
    assert full.own_missing == () and full.own_expected == gaps.completeness.own_expected
