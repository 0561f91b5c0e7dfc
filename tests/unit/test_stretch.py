"""Stretch targets and ranges (issue 21 part 2): "确保10个、力争15个" (`stretch`) and "10-15个" (`range = true`):
met at the firm target (the lower end), the stretch reported beside it, for the whole (a plan's number)."""

from __future__ import annotations

import datetime as dt
import functools
import tempfile
import textwrap
from pathlib import Path

import pytest

from mubiao.analysis.gaps import compute_gaps
from mubiao.labels import ZH
from mubiao.models import Status
from mubiao.readers.plan import load_plan
from mubiao.readers.progress import Record, records_frame
from mubiao.render.gaps import actual_target_text, gaps_document

D = dt.date
PLAN = """
[plan]
id = "s-2022"
title = "2022年工作要点"
organization = "测试区民政局"
start = 2022-01-01
end = 2022-12-31

[[owners]]
id = "sz"
name = "社会组织管理科"

[[goals]]
id = "G1"
title = "社会组织"
owner = "sz"

  [[goals.indicators]]
  id = "chuangtou"
  name = "公益创投项目"
  kind = "count"
  unit = "个"
  target = 10
  stretch = 15
  range = true
  scope = "city"

  [[goals.indicators]]
  id = "chizheng"
  name = "新增持证社工"
  kind = "count"
  unit = "人"
  target = 500
  stretch = 600
  scope = "city"

  [[goals.indicators]]
  id = "shixian"
  name = "办理时限"
  kind = "level"
  unit = "个工作日"
  baseline = 20
  target = 15
  stretch = 10
  direction = "decrease"
  scope = "city"
"""


@functools.cache
def plan():
    folder = Path(tempfile.mkdtemp())
    (folder / "s-2022.toml").write_text(textwrap.dedent(PLAN), encoding="utf-8")
    return load_plan(folder / "s-2022.toml")


def row(indicator: str, value: float, as_of: dt.date = D(2022, 12, 31)):
    records = [Record("city", "2022-12", indicator, value, None, None, None, None, "2022-12/city.csv", 2)]
    gaps = compute_gaps(plan(), records_frame(records), as_of=as_of)
    return next(r for r in gaps.rows if r.indicator == indicator), gaps


@pytest.mark.parametrize("indicator, value, status, reached", [
    ("chuangtou", 9, Status.MISSED, False), ("chuangtou", 10, Status.MET, False),  # met at the lower end
    ("chuangtou", 15, Status.MET, True), ("chizheng", 599, Status.MET, False), ("chizheng", 600, Status.MET, True),
    ("shixian", 15, Status.MET, False), ("shixian", 10, Status.MET, True), ("shixian", 16, Status.MISSED, False)])
def test_met_at_the_firm_target_and_the_stretch_reported_beside_it(indicator, value, status, reached):
    found, _ = row(indicator, value)
    assert found.status is status and found.stretch_met is reached


def test_the_target_is_said_as_the_plan_says_it():
    assert actual_target_text(row("chuangtou", 12)[0], ZH) == "12 / 10-15 个"
    assert actual_target_text(row("chizheng", 550)[0], ZH) == "550 / 500 人(力争 600)"


def test_the_json_row_carries_the_stretch():
    found = next(r for r in gaps_document(row("chizheng", 610)[1])["rows"] if r["indicator"] == "chizheng")
    assert (found["target"], found["stretch"], found["range"], found["stretch_met"]) == (500, 600, False, True)


def _draft_sentence(indicator: str, value: float) -> str:
    from mubiao.analysis.summary import build_summary
    from mubiao.render.summary import draft_summary, render_md

    records = [Record("city", "2022-12", indicator, value, None, None, None, None, "2022-12/city.csv", 2)]
    text = render_md(draft_summary(build_summary(plan(), records_frame(records), D(2022, 12, 31))))
    return next(line for line in text.splitlines() if "（一）" in line)


@pytest.mark.parametrize("indicator, value, words", [
    ("chuangtou", 12, "完成公益创投项目12个，达到10-15个的目标。"),
    ("chuangtou", 16, "完成公益创投项目16个，超额完成目标（10-15个）。"),
    ("chuangtou", 7, "公益创投项目完成7个，距目标10-15个尚差3个。"),
    ("chizheng", 550, "完成新增持证社工550人，超额完成目标（500人），距力争目标600人尚差50人。"),
    ("chizheng", 600, "超额完成目标（500人），达到力争目标600人。"),
    ("shixian", 12, "办理时限降至12个工作日，低于15个工作日的目标，距力争目标10个工作日尚差2个工作日。"),
])
def test_a_draft_says_what_the_figure_came_to_against_the_stretch(indicator, value, words):
    assert words in _draft_sentence(indicator, value)


def test_a_stretch_not_beyond_the_target_or_a_range_without_its_end_is_p224(tmp_path):
    from mubiao.checks.plan import check_plan_file

    text = textwrap.dedent(PLAN).replace("stretch = 600", "stretch = 400").replace(
        "  stretch = 15\n  range = true", "  range = true").replace("stretch = 10\n", "stretch = 18\n")
    path = tmp_path / "s-2022.toml"
    path.write_text(text, encoding="utf-8")
    found = [(f.code, f.line) for f in check_plan_file(path)]
    assert [code for code, _ in found] == ["P224"] * 3, found
