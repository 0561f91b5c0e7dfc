"""When the month's files came in (issue 20, part 6): `mubiao intake` writes down when it filed each file, and a
plan with a due day (`due_day = 5`) gets the month's on-time rate in `gaps` (terminal, JSON) and the report."""

from __future__ import annotations

import datetime as dt
import json
import shutil

from conftest import REPO
from mubiao.analysis.timeliness import due_date, read_receipts
from mubiao.readers.plan import load_plan

PLAN = REPO / "targets" / "wucheng-2022.toml"


def _run(*args):
    from typer.testing import CliRunner

    from mubiao.app import app

    return CliRunner().invoke(app, [str(a) for a in args])


def test_the_due_day_is_that_day_of_the_next_month():
    plan = load_plan(PLAN)
    assert plan.due_day == 5
    assert due_date(plan, "2022-06") == dt.date(2022, 7, 5)
    assert due_date(plan, "2022-12") == dt.date(2023, 1, 5)


def test_the_samples_june_counts_the_two_late_townships():
    """data/make_district.py's receipts: 琅琊镇 and 汤溪镇 sent June's file on 7月9日 and 7月10日."""
    result = _run("gaps", "--root", REPO, "--plan", "wucheng-2022", "--as-of", "2022-06", "-f", "json")
    on_time = json.loads(result.stdout)["completeness"]["on_time"]
    assert on_time["due"] == "2022-07-05" and on_time["expected"] == 18 and on_time["on_time"] == 16
    assert [late["county"] for late in on_time["late"]] == ["langya", "tangxi"]
    assert on_time["late"][0]["received"] == "2022-07-09T" + on_time["late"][0]["received"][11:]
    assert on_time["unknown"] == [] and abs(on_time["rate"] - 16 / 18) < 1e-12
    terminal = _run("gaps", "--root", REPO, "--plan", "wucheng-2022", "--as-of", "2022-06", "-g", "G01").stdout
    assert "2022-06 按时报送 16/18(截止 2022-07-05);逾期:琅琊镇 7月9日、汤溪镇 7月10日" in terminal


def test_a_township_that_did_not_send_is_neither_on_time_nor_late():
    """长山乡 never sent August's file: it is 未报送, and only counts against the rate."""
    result = _run("gaps", "--root", REPO, "--plan", "wucheng-2022", "--as-of", "2022-08", "-f", "json")
    on_time = json.loads(result.stdout)["completeness"]["on_time"]
    assert on_time["on_time"] == 17 and on_time["expected"] == 18 and on_time["late"] == []
    assert on_time["unknown"] == []


def test_intake_writes_down_when_and_a_file_put_in_by_hand_is_not_known(tmp_path):
    root = tmp_path / "ws"
    (root / "targets").mkdir(parents=True)
    shutil.copy(PLAN, root / "targets")
    inbox = tmp_path / "收件"
    inbox.mkdir()
    june = REPO / "data" / "wucheng-2022" / "2022-06"
    for unit in ("luodian", "yafan"):
        shutil.copy(june / f"{unit}.csv", inbox / f"{unit}6月.csv")
    assert _run("intake", inbox / "luodian6月.csv", "--root", root, "--received", "2022-07-04 16:20").exit_code == 0
    assert _run("intake", inbox / "yafan6月.csv", "--root", root, "--received", "2022-07-08").exit_code == 0
    again = _run("intake", inbox, "--root", root, "--received", "2022-07-20")  # already there: no new time
    assert again.exit_code == 0
    plan = load_plan(root / "targets" / "wucheng-2022.toml")
    receipts = read_receipts(plan, root)
    assert {key: r.received for key, r in receipts.items()} == {
        "2022-06/luodian.csv": dt.datetime(2022, 7, 4, 16, 20), "2022-06/yafan.csv": dt.datetime(2022, 7, 8)}
    shutil.copy(june / "andi.csv", root / "data" / "wucheng-2022" / "2022-06" / "andi.csv")  # by hand
    on_time = json.loads(_run("gaps", "--root", root, "-f", "json").stdout)["completeness"]["on_time"]
    assert on_time["on_time"] == 1 and [x["county"] for x in on_time["late"]] == ["yafan"]
    assert on_time["unknown"] == ["andi"]
    assert "D008" not in _run("check", "--root", root).stdout  # the receipts are no stray file
    bad = _run("intake", inbox, "--root", root, "--received", "7月4日")
    assert bad.exit_code == 2 and "--received" in bad.output


def test_a_plan_without_a_due_day_has_no_on_time_part():
    result = _run("gaps", "--root", REPO, "--plan", "jinhua-2021", "-f", "json")
    assert "on_time" not in json.loads(result.stdout)["completeness"]


def test_the_report_says_it_under_who_has_reported(tmp_path):
    out = tmp_path / "out"
    _run("report", "--root", REPO, "--plan", "wucheng-2022", "--as-of", "2022-06", "-o", out)
    text = (out / "report.md").read_text(encoding="utf-8")
    completeness = text.split("## 五、报送情况", 1)[1]
    assert "按时报送（截止 2022-07-05）的镇街 16 个，占应报 18 个的 88.9%。逾期报送 2 个：琅琊镇（7月9日）、汤溪镇（7月10日）。" \
        in completeness
    assert "逾期报送 2 个" in (out / "report.html").read_text(encoding="utf-8")


def test_a_view_of_some_units_counts_only_them():
    result = _run("gaps", "--root", REPO, "--plan", "wucheng-2022", "--as-of", "2022-06", "-c", "langya", "-f", "json")
    on_time = json.loads(result.stdout)["completeness"]["on_time"]
    assert on_time["expected"] == 1 and on_time["on_time"] == 0 and [x["county"] for x in on_time["late"]] == ["langya"]
