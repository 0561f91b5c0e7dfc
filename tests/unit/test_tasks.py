"""Tasks without a number (督办事项, issue 21 part 1): a task reports a stage word; its status at the as-of date is
worked out like an indicator's, by hand here on a 2022 plan (2022-01-01..2022-12-31, due_soon_days 30).

The task of the tests has the nodes 6-30 完成方案 and 9-30 开展试点, so its stages are
未启动 (0), 推进中 (1/4), 完成方案 (2/4), 开展试点 (3/4), 已完成 (1).
"""

from __future__ import annotations

import datetime as dt
import functools
import tempfile
import textwrap
from pathlib import Path

import pytest

from mubiao.analysis.gaps import compute_gaps

from mubiao.models import DEFAULT_STAGES, Kind, Scope, Status
from mubiao.numbers import CellError, parse_stage
from mubiao.readers.plan import load_plan, task_stages
from mubiao.readers.progress import Record, records_frame

D = dt.date
STAGES = ("未启动", "推进中", "完成方案", "开展试点", "已完成")

PLAN = """
[plan]
id = "t-2022"
title = "2022年工作要点"
organization = "测试区民政局"
start = 2022-01-01
end = 2022-12-31

[[counties]]
id = "a"
name = "甲镇"

[[counties]]
id = "b"
name = "乙镇"

[[owners]]
id = "jz"
name = "社会救助科"

[[goals]]
id = "G1"
title = "社会救助"
owner = "jz"

[[goals.tasks]]
id = "T1"
name = "构建“1+8+X”大救助体系"
source = "构建“1+8+X”大救助体系"
milestones = [{ date = 2022-06-30, stage = "完成方案" }, { date = 2022-09-30, stage = "开展试点" }]

[[goals.tasks]]
id = "T2"
name = "推进婚俗改革"
counties = "all"
deadline = 2022-10-31
"""


@functools.cache
def plan():
    """The plan, read as `mubiao` reads it: checked first (an error would raise)."""
    folder = Path(tempfile.mkdtemp())
    (folder / "t-2022.toml").write_text(textwrap.dedent(PLAN), encoding="utf-8")
    return load_plan(folder / "t-2022.toml")


def status(task: str, stage: str | None, as_of: dt.date, county: str = "city", done_on: dt.date | None = None):
    """The status of the task's row for `county` with one record, of the as-of month, at `stage`."""
    the_plan = plan()
    ind = the_plan.indicator(task)
    value = None if stage is None else ind.stages.index(stage) / (len(ind.stages) - 1)
    period = f"{as_of.year}-{as_of.month:02d}"
    records = [Record(county, period, task, value, None, None, done_on, None, f"{period}/{county}.csv", 2)]
    gaps = compute_gaps(the_plan, records_frame(records), as_of=as_of)
    wanted = None if county == "city" else county
    return next(r for r in gaps.rows if r.indicator == task and r.county == wanted)


def test_a_task_is_read_with_its_stages_and_is_the_bureaus_own_unless_it_names_areas():
    p = plan()
    t1, t2 = p.indicator("T1"), p.indicator("T2")
    assert t1.kind is Kind.TASK and t1.scope is Scope.CITY and t1.stages == STAGES
    assert [(m.date, m.target, m.stage) for m in t1.milestones] == [
        (D(2022, 6, 30), 0.5, "完成方案"), (D(2022, 9, 30), 0.75, "开展试点")]
    assert t1.owner == "jz" and t1.deadline == D(2022, 12, 31)
    assert t2.scope is Scope.COUNTY and t2.counties is None and t2.stages == DEFAULT_STAGES


def test_stages_named_by_the_plan_are_kept_and_nodes_not_repeated():
    assert task_stages({"stages": ["未启动", "在建", "建成"]}) == ("未启动", "在建", "建成")
    nodes = [{"date": D(2022, 9, 30), "stage": "开展试点"}, {"date": D(2022, 6, 30), "stage": "推进中"}]
    assert task_stages({"milestones": nodes}) == ("未启动", "推进中", "开展试点", "已完成")


@pytest.mark.parametrize("cell, share", [
    ("未启动", 0.0), ("推进中", 0.25), (" 完成方案 ", 0.5), ("开展试点。", 0.75), ("已完成", 1.0),
    ("进行中", 0.25), ("完成", 1.0), ("未开始", 0.0), ("", None), ("—", None)])
def test_a_stage_word_reads_as_the_share_of_the_way(cell, share):
    assert parse_stage(cell, STAGES) == share


@pytest.mark.parametrize("cell", ["50%", "1", "差不多了", "完成一半"])
def test_anything_but_a_stage_word_is_refused_naming_the_words(cell):
    with pytest.raises(CellError, match="未启动、推进中、完成方案、开展试点、已完成"):
        parse_stage(cell, STAGES)


# ---------------------------------------------------------------------------------------------- statuses

@pytest.mark.parametrize("stage, as_of, expected", [
    ("已完成", D(2022, 3, 31), Status.MET),             # done is done, whenever
    ("推进中", D(2022, 5, 30), Status.ON_TRACK),        # 31 days before the 6-30 node: not yet near it
    ("推进中", D(2022, 5, 31), Status.AT_RISK),         # 30 days before it, its stage not reached
    ("完成方案", D(2022, 5, 31), Status.ON_TRACK),      # near the node, but its stage is reached
    ("推进中", D(2022, 6, 29), Status.AT_RISK),
    ("推进中", D(2022, 6, 30), Status.BEHIND),          # the node's day has come, 完成方案 not reached
    ("完成方案", D(2022, 6, 30), Status.ON_TRACK),
    ("完成方案", D(2022, 8, 31), Status.AT_RISK),       # 30 days before 9-30 开展试点
    ("开展试点", D(2022, 8, 31), Status.ON_TRACK),
    ("完成方案", D(2022, 9, 30), Status.BEHIND),        # the second node passed undone
    ("开展试点", D(2022, 11, 30), Status.ON_TRACK),     # 31 days before the deadline
    ("开展试点", D(2022, 12, 1), Status.AT_RISK),       # 30 days: due soon and not done
    ("开展试点", D(2022, 12, 31), Status.MISSED),       # the deadline's day, not done
    ("已完成", D(2022, 12, 31), Status.MET),
    (None, D(2022, 6, 30), Status.NO_DATA),             # not reported is not 未启动
])
def test_a_tasks_status_by_its_nodes_and_deadline(stage, as_of, expected):
    assert status("T1", stage, as_of).status is expected


def test_the_row_says_its_stage_and_the_stage_due():
    row = status("T1", "推进中", D(2022, 7, 31))
    assert (row.stage, row.expected_stage) == ("推进中", "完成方案")
    assert status("T1", "推进中", D(2022, 3, 31)).expected_stage is None  # no node passed yet


def test_a_task_without_nodes_is_on_track_until_due_soon():
    assert status("T2", "未启动", D(2022, 9, 30), county="a").status is Status.ON_TRACK  # 31 days before 10-31
    assert status("T2", "推进中", D(2022, 10, 1), county="a").status is Status.AT_RISK   # 30 days before
    assert status("T2", "推进中", D(2022, 10, 31), county="a").status is Status.MISSED


def test_a_completion_date_alone_says_done():
    assert status("T2", None, D(2022, 10, 31), county="a", done_on=D(2022, 10, 20)).status is Status.MET


def test_the_whole_stands_at_its_least_advanced_area_and_says_it_is_partial():
    the_plan = plan()
    records = [Record("a", "2022-09", "T2", 1.0, None, None, None, None, "2022-09/a.csv", 2),
               Record("b", "2022-09", "T2", 0.5, None, None, None, None, "2022-09/b.csv", 2)]
    gaps = compute_gaps(the_plan, records_frame(records), as_of=D(2022, 9, 30))
    whole = next(r for r in gaps.rows if r.indicator == "T2" and r.county is None)
    assert whole.stage == "推进中" and whole.status is Status.ON_TRACK and not whole.partial
    gaps = compute_gaps(the_plan, records_frame(records[:1]), as_of=D(2022, 10, 31))
    whole = next(r for r in gaps.rows if r.indicator == "T2" and r.county is None)
    # one area of two reported 已完成: the whole is not done (the other has shown no stage), and partial
    assert whole.stage == "未启动" and whole.partial and whole.status is Status.MISSED
    assert whole.counties_reporting == 1 and whole.counties_total == 2


# ---------------------------------------------------------------------------------------------- checks

def findings(extra: str, tmp_path) -> list[tuple[str, str]]:
    from mubiao.checks.plan import check_plan_file

    path = tmp_path / "t-2022.toml"
    path.write_text(textwrap.dedent(PLAN) + textwrap.dedent(extra), encoding="utf-8")
    return [(f.code, f.message) for f in check_plan_file(path)]


def test_the_sample_task_plan_is_clean(tmp_path):
    assert findings("", tmp_path) == []


@pytest.mark.parametrize("task, code, words", [
    ('milestones = [{ date = 2022-06-30, stage = "验收" }]\nstages = ["未启动", "推进中", "已完成"]', "P223",
     "“验收”不在 stages"),
    ('stages = ["未启动", "推进中", "推进中", "已完成"]', "P223", "“推进中”重复"),
    ('milestones = [{ date = 2022-06-30, stage = "未启动" }]', "P223", "未开始的状态"),
    ('stages = ["未启动", "方案", "试点", "已完成"]\n'
     'milestones = [{ date = 2022-06-30, stage = "试点" }, { date = 2022-09-30, stage = "方案" }]', "P223",
     "排在上一个节点的阶段“试点”之前"),
    ('milestones = [{ date = 2023-01-31, stage = "完成方案" }]', "P202", "节点日期 2023-01-31 在计划期"),
    ('deadline = 2022-06-30\nmilestones = [{ date = 2022-06-30, stage = "完成方案" }]', "P203", "应早于完成时限"),
    ('counties = ["a", "z"]', "P109", "z"),
    ('kind = "count"', "P101", "kind"),
])
def test_a_badly_encoded_task_is_found_at_its_key(task, code, words, tmp_path):
    found = findings(f'\n[[goals.tasks]]\nid = "T9"\nname = "某事项"\n{task}\n', tmp_path)
    assert any(c == code and words in m for c, m in found), found
    assert all("督办事项 T9" in m for c, m in found if c.startswith("P2"))


def test_a_task_id_may_not_repeat_an_indicator_id(tmp_path):
    found = findings('\n[[goals.indicators]]\nid = "T1"\nname = "某指标"\nkind = "milestone"\n', tmp_path)
    assert [c for c, _ in found] == ["P106"]


def test_a_goal_of_tasks_alone_is_not_empty(tmp_path):
    assert "P213" not in [c for c, _ in findings("", tmp_path)]


# ---------------------------------------------------------------------------------------------- in words

@pytest.mark.parametrize("stage, as_of, words", [
    ("推进中", D(2022, 7, 31), "节点“6月底完成方案”未完成"),
    ("推进中", D(2022, 6, 1), "节点“6月底完成方案”临近"),
    ("完成方案", D(2022, 9, 1), "节点“9月底开展试点”临近"),
    ("开展试点", D(2022, 12, 1), "期限12月底临近"),
    ("开展试点", D(2022, 12, 31), "期限12月底已到期"),
    ("完成方案", D(2022, 7, 31), "下一节点“9月底开展试点”"),
    ("已完成", D(2022, 7, 31), ""),
])
def test_a_tasks_status_is_said_by_the_node_or_deadline_it_stands_on(stage, as_of, words):
    from mubiao.labels import ZH
    from mubiao.render.gaps import task_text

    assert task_text(status("T1", stage, as_of), ZH) == words


def test_a_day_is_said_as_a_plan_says_it():
    from mubiao.labels import EN, ZH
    from mubiao.render.gaps import day_words

    assert day_words(D(2022, 6, 30), 2022, ZH) == "6月底"
    assert day_words(D(2022, 6, 15), 2022, ZH) == "6月15日"
    assert day_words(D(2025, 12, 31), 2021, ZH) == "2025年12月底"  # a five-year plan's deadline, said in 2021
    assert day_words(D(2023, 2, 28), 2023, ZH) == "2月底"
    assert day_words(D(2022, 6, 30), 2022, EN) == "end of June"


def test_the_json_row_of_a_task_names_its_stage():
    from mubiao.render.gaps import gaps_document

    the_plan = plan()
    records = [Record("city", "2022-07", "T1", 0.25, None, None, None, None, "2022-07/city.csv", 2)]
    rows = gaps_document(compute_gaps(the_plan, records_frame(records), as_of=D(2022, 7, 31)))["rows"]
    row = next(r for r in rows if r["indicator"] == "T1")
    assert (row["stage"], row["expected_stage"], row["status"]) == ("推进中", "完成方案", "behind")
    assert next(r for r in rows if r["indicator"] == "T2")["stage"] is None  # T2 not reported


def test_the_scoreboard_counts_an_areas_tasks_by_status_but_not_in_its_mean_progress():
    from mubiao.analysis.scoreboard import scoreboard

    records = [Record("a", "2022-09", "T2", 1.0, None, None, None, None, "2022-09/a.csv", 2),
               Record("b", "2022-09", "T2", 0.5, None, None, None, None, "2022-09/b.csv", 2)]
    scores = {s.county: s for s in scoreboard(compute_gaps(plan(), records_frame(records), as_of=D(2022, 9, 30)))}
    assert scores["a"].statuses[Status.MET] == 1 and scores["b"].statuses[Status.ON_TRACK] == 1
    assert scores["a"].mean_progress is None and scores["b"].mean_progress is None  # a stage is no share of a way
