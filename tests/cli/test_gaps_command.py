"""`mubiao gaps` and `mubiao show` on the sample workspace: the JSON of docs/contract.md §5 checked field by field and
against sums made here from the raw records, the terminal table at 80 and 160 columns, the other formats, and
the exit codes."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import pytest
from rich.cells import cell_len

from conftest import REPO
from mubiao import console
from mubiao.analysis.gaps import ROW_FIELDS, compute_gaps
from mubiao.formats import GapsFormat
from mubiao.readers.plan import load_plan
from mubiao.readers.progress import load_progress
from mubiao.render.gaps import GapsTable, ScoreboardTable

PLAN = ["--plan", "jinhua-2021", "--root", REPO]


@pytest.fixture(scope="module")
def sample():
    plan = load_plan(REPO / "targets" / "jinhua-2021.toml")
    return plan, load_progress(plan, REPO)


@pytest.fixture(scope="module")
def june_json():
    from typer.testing import CliRunner

    from mubiao.app import app

    result = CliRunner().invoke(app, ["gaps", *map(str, PLAN), "--as-of", "2021-06", "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# ------------------------------------------------------------------------------------------- JSON, §5


def test_json_has_the_fields_of_formats_section_5_in_order(june_json):
    assert list(june_json) == ["plan", "as_of", "period", "rows", "completeness"]
    assert (june_json["plan"], june_json["as_of"], june_json["period"]) == ("jinhua-2021", "2021-06-30", "2021-06")
    for row in june_json["rows"]:  # a task (督办事项) says its stage beside the contract's fields (docs/plan-format.md)
        assert tuple(row) == ROW_FIELDS + (("stage", "expected_stage") if row["kind"] == "task" else ()), row
    assert {row["kind"] for row in june_json["rows"]} >= {"count", "level", "ratio", "milestone", "task"}
    assert list(june_json["completeness"]) == ["period", "expected", "reported", "rate", "missing"]


def test_rows_come_in_plan_order_city_first_then_counties(june_json, sample):
    plan, _ = sample
    expected = []
    for ind in plan.indicators:
        expected.append((ind.id, None))
        expected += [(ind.id, county.id) for county in plan.reporting_counties(ind)]
    assert [(row["indicator"], row["county"]) for row in june_json["rows"]] == expected


def test_county_rows_have_null_county_counts_and_city_rows_say_how_many_fed_them(june_json):
    for row in june_json["rows"]:
        if row["county"] is not None:
            assert row["counties_reporting"] is None and row["counties_total"] is None


def _row(document, indicator, county=None):
    [row] = [r for r in document["rows"] if r["indicator"] == indicator and r["county"] == county]
    return row


def _latest(progress, indicator, month):
    """The latest record with a figure of each county up to `month`, found here without the engine."""
    latest = {}
    for record in progress.sort_values("period").itertuples():
        if record.indicator == indicator and record.period <= month and record.county != "city":
            if any(not _missing(getattr(record, f)) for f in ("value", "numerator", "denominator")):
                latest[record.county] = record
    return latest


def _missing(value):
    import pandas as pd

    return bool(pd.isna(value))


def test_city_count_is_the_sum_of_what_the_counties_reported(june_json, sample):
    _, progress = sample
    row = _row(june_json, "G03-zhongxin")
    counties = _latest(progress, "G03-zhongxin", "2021-06")
    assert row["actual"] == sum(float(r.value) for r in counties.values())
    # linear pace through the plan's milestone of 20 by 2021-06-30
    assert row["expected"] == 20
    assert row["progress"] == pytest.approx(row["actual"] / 41)
    assert row["expected_progress"] == pytest.approx(20 / 41)
    assert row["shortfall"] == pytest.approx(100 * (20 / 41 - row["actual"] / 41))
    assert row["remaining"] == 41 - row["actual"]
    assert (row["counties_reporting"], row["counties_total"]) == (10, 10)
    assert row["actual"] == 11 and row["status"] == "behind"  # 26.8% is 22 points behind 48.8%: more than 20
    wucheng = _row(june_json, "G03-zhongxin", "wucheng")
    # the county follows the milestone as a fraction of the way: 20/41 of its own target of 8
    assert wucheng["expected"] == pytest.approx(8 * 20 / 41)


def test_city_ratio_is_sum_of_numerators_over_sum_of_denominators(june_json, sample):
    _, progress = sample
    counties = _latest(progress, "G03-huliyuan", "2021-06")
    numerator = sum(float(r.numerator) for r in counties.values())
    denominator = sum(float(r.denominator) for r in counties.values())
    row = _row(june_json, "G03-huliyuan")  # 每万名老年人: scale 10000
    assert row["actual"] == pytest.approx(numerator / denominator * 10000)
    mean_of_rates = sum(float(r.numerator) / float(r.denominator) * 10000 for r in counties.values()) / len(counties)
    assert row["actual"] != pytest.approx(mean_of_rates)  # the sample is built so the two differ


def test_a_county_that_never_reported_is_no_data_and_the_city_figure_is_partial(sample):
    document = _document(sample)
    row = _row(document, "G08-anzangdian", "kaifaqu")
    assert (row["status"], row["actual"], row["progress"], row["reported_period"]) == ("no_data", None, None, None)
    city = _row(document, "G08-anzangdian")
    assert (city["counties_reporting"], city["counties_total"]) == (9, 10)
    assert {"county": "kaifaqu", "indicators": ["G08-anzangdian"]} in document["completeness"]["missing"]


def test_a_missing_month_is_stale_not_zero(sample):
    document = _document(sample, dt.date(2021, 8, 31))
    row = _row(document, "G03-shilaohua", "pujiang")  # pujiang sent nothing for 2021-08
    assert row["reported_period"] == "2021-07" and row["stale"] is True and row["actual"] > 0
    assert _row(document, "G03-shilaohua")["stale"] is True
    completeness = document["completeness"]
    missing = {m["county"]: m["indicators"] for m in completeness["missing"]}
    assert "G03-shilaohua" in missing["pujiang"]
    assert completeness["reported"] == completeness["expected"] - sum(len(v) for v in missing.values())
    assert completeness["rate"] == pytest.approx(completeness["reported"] / completeness["expected"])


def test_as_of_defaults_to_the_last_day_of_the_latest_month_with_data(sample):
    document = _document(sample)
    assert (document["as_of"], document["period"]) == ("2021-12-31", "2021-12")


def test_golden_json_of_the_sample_workspace(golden):
    golden("gaps-jinhua-2021-2021-06.json", _run("gaps", *PLAN, "--as-of", "2021-06", "--format", "json").stdout)


def test_golden_markdown_of_the_sample_workspace(golden, sample):
    from mubiao.render.gaps import render_md

    plan, progress = sample
    golden("gaps-jinhua-2021-2021-06.md", render_md(compute_gaps(plan, progress, dt.date(2021, 6, 30))))


def test_json_is_the_same_from_python_and_from_the_cli(sample, june_json):
    from mubiao.render.gaps import gaps_document

    plan, progress = sample
    assert gaps_document(compute_gaps(plan, progress, dt.date(2021, 6, 30))) == june_json


# ---------------------------------------------------------------------------------------- terminal


@pytest.mark.parametrize("width", [80, 160])
def test_the_table_fits_the_terminal_with_one_line_per_row(sample, width):
    plan, progress = sample
    gaps = compute_gaps(plan, progress, dt.date(2021, 6, 30))
    text = console.plain(GapsTable(gaps), width=width)
    lines = text.splitlines()
    assert max(cell_len(line) for line in lines) <= width
    statuses = ("已完成", "正常推进", "有风险", "滞后", "未完成", "未报送", "无目标")
    row_lines = [line for line in lines if line.startswith("   ") and line.split()[0] != "地区"
                 and any(word in line for word in statuses)]
    assert len(row_lines) == len(gaps.rows)  # every row on one line: nothing wrapped
    assert ("按近期进度预计" in text) == (width >= 120)
    city = next(line for line in row_lines if "全市" in line and "957 / 2200 户" in line)
    assert "有风险" in city and "10/10" in city and "┃" in city


def test_the_table_marks_stale_months_and_partial_city_figures(sample):
    plan, progress = sample
    text = console.plain(GapsTable(compute_gaps(plan, progress, dt.date(2021, 8, 31))), width=100)
    assert "2021-07*" in text and "* 该县本月未报" in text
    text = console.plain(GapsTable(compute_gaps(plan, progress)), width=100)
    assert " 9/10" in text and "部分数据" in text
    assert "其他视图:--by county" in text


def test_the_scoreboard_ranks_counties_by_mean_progress(sample):
    from mubiao.analysis.scoreboard import scoreboard

    plan, progress = sample
    gaps = compute_gaps(plan, progress, dt.date(2021, 6, 30))
    scores = scoreboard(gaps)
    assert [s.rank for s in scores] == sorted(s.rank for s in scores)
    means = [s.mean_progress for s in scores]
    assert means == sorted(means, reverse=True)
    assert scores[0].county == "yiwu" and scores[-1].county == "panan"  # the sample's storylines
    assert sum(scores[0].statuses.values()) == sum(1 for r in gaps.rows if r.county == "yiwu")
    text = console.plain(ScoreboardTable(gaps), width=80)
    assert max(cell_len(line) for line in text.splitlines()) <= 80 and "排名" in text


# ------------------------------------------------------------------------------------ other formats


def test_csv_has_the_json_columns_a_bom_and_neutralised_text(tmp_path):
    workspace = _workspace_with_hostile_name(tmp_path)
    out = tmp_path / "gaps.csv"
    result = _run("gaps", "--root", workspace, "--format", "csv", "-o", out)
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    lines = data.decode("utf-8-sig").splitlines()
    from mubiao.render.gaps import AREA_FIELDS, CSV_HEADINGS_ZH

    # one heading per JSON field, in the JSON's order (and those a deeper plan's rows add)
    assert list(CSV_HEADINGS_ZH) == [*ROW_FIELDS, *AREA_FIELDS, "refused"]
    assert lines[0] == ",".join(CSV_HEADINGS_ZH[name] for name in ROW_FIELDS)  # a Chinese plan: Chinese headings
    assert "'=HYPERLINK" in lines[1] and ",=HYPERLINK" not in data.decode("utf-8-sig")
    assert "已写入" in result.output


def test_markdown_escapes_cells_that_would_break_the_table(tmp_path):
    workspace = _workspace_with_hostile_name(tmp_path)
    text = _run("gaps", "--root", workspace, "--format", "md").stdout
    row = next(line for line in text.splitlines() if "HYPERLINK" in line)
    assert "a\\|b" in row and "&lt;script&gt;" in row and "<script>" not in text


def test_scoreboard_formats(sample):
    from mubiao.render.gaps import render_scoreboard_csv, render_scoreboard_json, render_scoreboard_md

    plan, progress = sample
    gaps = compute_gaps(plan, progress)
    document = json.loads(render_scoreboard_json(gaps))
    assert [c["rank"] for c in document["counties"]][:1] == [1]
    assert set(document["counties"][0]["statuses"]) == {"met", "on_track", "at_risk", "behind", "missed",
                                                        "no_data", "no_target"}
    assert render_scoreboard_md(gaps).startswith("# 2021年全市民政工作要点")
    assert render_scoreboard_csv(gaps).startswith("\ufeff排名,地区编号,地区,".encode())


def test_a_table_written_to_a_file_is_plain_text(tmp_path):
    out = tmp_path / "gaps.txt"
    _run("gaps", *PLAN, "-g", "G03", "-o", out)
    text = out.read_text(encoding="utf-8")
    assert "G03 实施养老服务" in text and "\x1b[" not in text


# ---------------------------------------------------------------------------------- filters, exits


def test_filters_narrow_the_rows():
    document = json.loads(_run("gaps", *PLAN, "--as-of", "2021-12-30", "-c", "婺城区", "-c", "city", "--goal", "G03",
                               "-s", "behind", "-s", "at_risk", "--owner", "养老服务处", "--format", "json").stdout)
    assert document["rows"]
    assert {r["county"] for r in document["rows"]} <= {"wucheng", None}
    assert {r["goal"] for r in document["rows"]} == {"G03"}
    assert {r["status"] for r in document["rows"]} <= {"behind", "at_risk"}
    assert {r["owner"] for r in document["rows"]} == {"yanglao"}


def test_fail_on_behind_exits_1_when_a_row_is_behind_or_missed():
    assert _run("gaps", *PLAN, "--fail-on", "behind", expect=1).exit_code == 1
    # only met rows shown: nothing at behind or worse
    assert _run("gaps", *PLAN, "-s", "met", "--fail-on", "behind").exit_code == 0
    # the day before the deadline, nothing is missed yet; on it, what is not met is missed
    assert _run("gaps", *PLAN, "--as-of", "2021-12-30", "--fail-on", "missed").exit_code == 0
    assert _run("gaps", *PLAN, "--as-of", "2021-12-31", "--fail-on", "missed", expect=1).exit_code == 1


def test_on_the_deadline_day_what_is_not_met_is_missed(sample):
    plan, progress = sample
    assert compute_gaps(plan, progress, dt.date(2021, 12, 30)).worst_status().value == "behind"
    assert compute_gaps(plan, progress, dt.date(2021, 12, 31)).worst_status().value == "missed"


@pytest.mark.parametrize(
    "args, message",
    [
        (["--as-of", "June"], "不是日期或月份"),
        (["-c", "wuchen"], "计划中没有县“wuchen”"),
        (["--goal", "G99"], "计划中没有任务“G99”"),
        (["--owner", "nobody"], "计划中没有责任处室“nobody”"),
    ],
)
def test_usage_errors_say_what_to_write(args, message):
    result = _run("gaps", *PLAN, *args, expect=2)
    assert message in result.output and "Traceback" not in result.output


# -------------------------------------------------------------------------------------------- show


def test_show_one_indicator_across_counties_and_months():
    result = _run("show", "G03-zhongxin", *PLAN, "--as-of", "2021-09")
    lines = result.stdout.splitlines()
    assert lines[0] == "G03-zhongxin 新建乡镇(街道)示范型居家养老服务中心"
    county_lines = [line for line in lines if line.split() and line.split()[0] in ("婺城区", "浦江县", "全市")]
    assert len(county_lines) == 3
    pujiang = next(line for line in county_lines if line.startswith("浦江县"))
    assert "·" in pujiang  # its missing August
    assert any(line.startswith("序时目标") for line in lines)
    periods = [line[:7] for line in lines if line[:4] == "2021" and line[4] == "-" and ":" in line]
    assert periods and periods == sorted(periods, reverse=True)  # notes newest first


def test_show_takes_a_name_and_suggests_the_closest_id():
    assert "G03-shilaohua" in _run("show", "困难老年人家庭适老化改造", *PLAN).stdout
    result = _run("show", "G03-zhongxn", *PLAN, expect=2)
    assert "是不是 G03-zhongxin" in result.output


# ------------------------------------------------------------------------------------------ helpers


def _document(sample, as_of=None):
    from mubiao.render.gaps import gaps_document

    plan, progress = sample
    return gaps_document(compute_gaps(plan, progress, as_of))


def _run(*args, expect=0):
    from typer.testing import CliRunner

    from mubiao.app import app

    result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exit_code == expect, result.output
    return result


def _workspace_with_hostile_name(tmp_path):
    """A one-indicator plan whose name would be a formula in Excel and break a Markdown table."""
    workspace = tmp_path / "ws"
    (workspace / "targets").mkdir(parents=True)
    (workspace / "targets" / "demo.toml").write_text(
        '[plan]\nid = "demo"\ntitle = "示例"\norganization = "某市民政局"\nstart = 2021-01-01\nend = 2021-12-31\n\n'
        '[[counties]]\nid = "a"\nname = "甲县"\n\n'
        '[[goals]]\nid = "G1"\ntitle = "任务"\n\n'
        '  [[goals.indicators]]\n  id = "G1-x"\n  name = \'=HYPERLINK("http://x","y") a|b <script>\'\n'
        '  kind = "count"\n  unit = "个"\n  target = 10\n  allocation = { a = 10 }\n',
        encoding="utf-8")
    month = workspace / "data" / "demo" / "2021-03"
    month.mkdir(parents=True)
    (month / "a.csv").write_text("指标编号,完成值\nG1-x,4\n", encoding="utf-8")
    return workspace


@pytest.mark.parametrize("output_format", list(GapsFormat))
def test_every_format_has_a_renderer_for_rows_and_for_the_scoreboard(sample, output_format):
    from mubiao.render.gaps import RENDERERS, SCOREBOARD_RENDERERS

    plan, progress = sample
    gaps = compute_gaps(plan, progress).select(goals=["G09"])
    assert "G09-yimin" in _text(RENDERERS[output_format](gaps))
    assert "婺城区" in _text(SCOREBOARD_RENDERERS[output_format](gaps))


def _text(rendered) -> str:
    if not isinstance(rendered, (str, bytes)) and hasattr(rendered, "__next__"):
        rendered = b"".join(rendered)
    if isinstance(rendered, bytes):
        return rendered.decode("utf-8-sig")
    return rendered if isinstance(rendered, str) else console.plain(rendered)


def test_reading_reports_each_progress_file_for_the_progress_bar():
    from contextlib import contextmanager

    from mubiao.workspace import open_gaps

    seen = []

    @contextmanager
    def reading(total):
        seen.append(total)
        yield lambda: seen.append("file")

    open_gaps(REPO, "jinhua-2021", "2021-03", reading=reading)
    total = len(list((REPO / "data" / "jinhua-2021").rglob("*.csv"))) + len(
        list((REPO / "data" / "jinhua-2021").rglob("*.xlsx")))
    assert seen[0] == total and seen.count("file") == total


@pytest.mark.parametrize("command", [["gaps", "-f", "json"], ["form", "--period", "2021-06"]])
def test_outputs_never_go_into_the_inputs(tmp_path, command):
    workspace = tmp_path / "ws"
    shutil.copytree(REPO / "targets", workspace / "targets")
    shutil.copytree(REPO / "data" / "jinhua-2021" / "2021-05", workspace / "data" / "jinhua-2021" / "2021-05")
    before = {p: p.read_bytes() for p in workspace.rglob("*") if p.is_file()}
    target = workspace / "data" / "jinhua-2021" / ("2021-05/wucheng.csv" if command[0] == "gaps" else "2021-06")
    result = _run(*command, "--plan", "jinhua-2021", "--root", workspace, "-o", target, expect=2)
    assert "不能把输出写进 data/" in result.output
    assert {p: p.read_bytes() for p in workspace.rglob("*") if p.is_file()} == before


def test_the_plain_view_of_a_huge_plan_is_the_terminal_view_without_its_colours():
    """Above PLAIN_ROWS rows the view is laid out with plain strings (rich takes 50 s for 100,000 indicators);
    it must be the very view rich lays out, line for line (as piped: wide, nothing wrapped)."""
    from mubiao.workspace import open_gaps

    gaps = open_gaps(REPO, "jinhua-2021", "2021-06")
    assert GapsTable(gaps).plain(True) == console.plain(GapsTable(gaps), width=400)


def test_a_view_of_more_than_plain_rows_rows_is_plain_text(monkeypatch):
    import mubiao.render.gaps as gaps_render
    from mubiao.workspace import open_gaps

    gaps = open_gaps(REPO, "jinhua-2021", "2021-06")
    assert isinstance(gaps_render.render_table(gaps), GapsTable)
    monkeypatch.setattr(gaps_render, "PLAIN_ROWS", len(gaps.rows) - 1)
    assert isinstance(gaps_render.render_table(gaps), str)


def test_an_english_plan_keeps_the_json_field_names_as_csv_headings(sample):
    from dataclasses import replace

    from mubiao.render.gaps import csv_headings

    plan, _ = sample
    assert csv_headings(replace(plan, language="en"), ROW_FIELDS) == list(ROW_FIELDS)


def test_with_no_data_the_as_of_date_is_today_kept_within_the_plan(sample):
    """docs/gaps.md: today, not the end of today's month (nor of the year)."""
    from dataclasses import replace

    from mubiao.analysis.gaps import _latest_month_end

    plan, _ = sample
    today = dt.date.today()
    assert _latest_month_end(replace(plan, start=dt.date(2000, 1, 1), end=dt.date(2199, 12, 31)), None) == today
    assert _latest_month_end(plan, None) == min(max(today, plan.start), plan.end)


def test_pace_figures_that_mean_nothing_are_not_shown(sample):
    """A yes/no item or a step-paced level before its date expects nothing yet: `60%(序时 0%) · 超前 60` would
    read as being ahead; the row says `60%` and the shortfall column `—` (issue 22)."""
    from dataclasses import replace

    from mubiao.labels import labels
    from mubiao.render.gaps import facts_text, progress_text, shortfall_text

    plan, progress = sample
    gaps = compute_gaps(plan, progress, dt.date(2021, 6, 30))
    words = labels(plan)
    row = next(r for r in gaps.rows if r.indicator == "G01-shizhe" and r.county is None)
    assert row.expected_progress == 0 and row.progress == 0.6
    assert progress_text(row, words) == "60%" and shortfall_text(row, words) == "—"
    assert "序时" not in facts_text(row, words) and "超前" not in facts_text(row, words)
    paced = replace(row, expected_progress=0.5, shortfall=-10.0)
    assert progress_text(paced, words) == "60%(序时 50%)" and "超前 10" in facts_text(paced, words)
