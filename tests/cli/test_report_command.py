"""`mubiao report` on the sample workspace: the four files, golden Markdown and JSON, the same bytes on every
run, county text that stays text (a formula in Excel, markup in HTML), and outputs that never land in inputs."""

from __future__ import annotations

import io
import shutil

import pytest

from conftest import REPO

PLAN = ["--plan", "jinhua-2021"]
FILES = ["report.html", "report.md", "gaps.xlsx", "gaps.json"]
HOSTILE = '=HYPERLINK("http://x","y")'


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    """A copy of the sample workspace whose 磐安县 December note on G03-zhongxin (a lagging row, so the note
    is in the report) is a formula."""
    root = tmp_path_factory.mktemp("workspace")
    shutil.copytree(REPO / "targets", root / "targets")
    shutil.copytree(REPO / "data", root / "data")
    panan = root / "data" / "jinhua-2021" / "2021-12" / "panan.csv"
    text = panan.read_text(encoding="utf-8-sig")
    original = ",,,,完成2家,"  # its 备注 (the December file has 存在问题 and 下步措施 after it)
    assert text.count(original) == 1
    panan.write_text(text.replace(original, ',,,,"' + HOSTILE.replace('"', '""') + '",'), encoding="utf-8-sig")
    return root


@pytest.fixture(scope="module")
def written(workspace):
    from typer.testing import CliRunner

    from mubiao.app import app

    result = CliRunner().invoke(app, ["report", *PLAN, "--root", str(workspace)])
    assert result.exit_code == 0, result.output
    folder = workspace / "reports" / "jinhua-2021" / "2021-12"
    return folder, result


def test_report_writes_the_four_files_into_reports_plan_month(written):
    folder, result = written
    assert sorted(p.name for p in folder.iterdir()) == sorted(FILES)
    assert str(folder) in result.stdout.replace("\n", "")


def test_a_second_run_writes_the_same_bytes(written, workspace, cli, tmp_path):
    folder, _ = written
    assert cli("report", *PLAN, "--root", workspace, "-o", tmp_path).exit_code == 0
    for name in ["report.html", "report.md", "gaps.json"]:
        assert (tmp_path / name).read_bytes() == (folder / name).read_bytes(), name
    assert _cells(tmp_path / "gaps.xlsx") == _cells(folder / "gaps.xlsx")
    assert (tmp_path / "gaps.xlsx").read_bytes() == (folder / "gaps.xlsx").read_bytes()


def test_the_json_is_the_gaps_json(written, workspace, cli):
    folder, _ = written
    result = cli("gaps", *PLAN, "--root", workspace, "--format", "json", "--since", "上月")  # the report compares
    assert (folder / "gaps.json").read_text(encoding="utf-8") == result.stdout


def test_the_sample_report_matches_its_golden_markdown_and_json(cli, tmp_path, golden):
    assert cli("report", *PLAN, "--root", REPO, "-o", tmp_path).exit_code == 0
    golden("report-jinhua-2021-2021-12.md", (tmp_path / "report.md").read_text(encoding="utf-8"))
    golden("report-jinhua-2021-2021-12.json", (tmp_path / "gaps.json").read_text(encoding="utf-8"))


def test_a_report_to_stdout_is_refused_and_writes_no_folder_named_dash(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli("report", *PLAN, "--root", REPO, "-o", "-")
    assert result.exit_code == 2 and "标准输出" in result.output
    assert not (tmp_path / "-").exists() and not (REPO / "-").exists()


def test_the_june_report_matches_its_golden_markdown(cli, tmp_path, golden):
    """Mid-year, where 序时进度 matters: the since-last-month part, the worst first, the follow-up by pace."""
    assert cli("report", "--plan", "jinhua-2021", "--as-of", "2021-06", "--root", REPO, "-o", tmp_path).exit_code == 0
    golden("report-jinhua-2021-2021-06.md", (tmp_path / "report.md").read_text(encoding="utf-8"))


def test_the_first_screen_says_what_leadership_must_look_at(cli, tmp_path):
    """一、总体情况 names the furthest behind, the areas with most behind or missed and who has not reported,
    before the charts (issue 22, part 1)."""
    assert cli("report", *PLAN, "--root", REPO, "-o", tmp_path).exit_code == 0
    text = (tmp_path / "report.md").read_text(encoding="utf-8")
    overview = text[text.index("## 一、总体情况"):text.index("| 状态 |")]
    assert "差距最大的是编制2035年金华市区殡葬设施布局建设规划（0%，序时 100%）" in overview
    assert "滞后和未完成最多的是磐安县（15 项）、东阳市（4 项）" in overview
    assert "金华开发区 1 项未报送" in overview
    assert overview.index("需重点关注") < overview.index("与 2021-11 相比")


def test_the_follow_up_names_who_must_do_what_by_when(cli, tmp_path):
    """六、下一步要求: each owner's items with the areas short and what they still need; each area's items with
    their owner; the deadline, 到期未完成 on it and 已逾期 after it (issue 22, part 3)."""
    assert cli("report", *PLAN, "--root", REPO, "-o", tmp_path).exit_code == 0
    text = (tmp_path / "report.md").read_text(encoding="utf-8")
    part = text[text.index("## 六、下一步要求"):text.index("## 七、全部指标明细")]
    owners, areas = part.split("### （二）各县（市、区）")
    # on the deadline day what is not done is 到期未完成 (after it: 已逾期)
    assert ("2. 新建乡镇（街道）示范型居家养老服务中心：全市还需 1 家，到期未完成（期限 2021-12-31）；东阳市还需 1 家、"
            "磐安县还需 1 家。") in owners
    assert "1. 特困人员基本生活标准城乡一体化：婺城区、永康市、磐安县到期未完成（期限 2021-12-31）。" in owners
    panan = areas[areas.index("**磐安县**"):]
    assert "困难老年人家庭适老化改造（养老服务处）：还需 26 户，到期未完成（期限 2021-12-31）。" in panan
    assert "**金华开发区**" not in areas  # it is missing a report, not behind: 五、报送情况 says so


def test_a_mid_year_follow_up_gives_the_pace_and_the_next_date(cli, tmp_path):
    assert cli("report", "--plan", "jinhua-2021", "--as-of", "2021-06", "--root", REPO, "-o", tmp_path).exit_code == 0
    text = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert ("新建乡镇（街道）示范型居家养老服务中心：全市还需 30 家（按序时应达 20 家，现为 11 家），2021-12-31 前；"
            "金东区还需 4 家") in text


def test_issue_number_from_the_flag_or_counted_from_the_plan(cli, tmp_path):
    assert cli("report", *PLAN, "--root", REPO, "-o", tmp_path, "--issue", "7").exit_code == 0
    text = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert text.startswith("# 2021年全市民政工作要点推进情况通报（2021年12月）\n\n第7期 · 金华市民政局")
    # without the flag and without first_issue: no number
    assert cli("report", *PLAN, "--root", REPO, "-o", tmp_path / "plain").exit_code == 0
    assert "期 ·" not in (tmp_path / "plain" / "report.md").read_text(encoding="utf-8").splitlines()[2]


def test_first_issue_counts_one_a_month(tmp_path, cli):
    shutil.copytree(REPO / "targets", tmp_path / "targets")
    shutil.copytree(REPO / "data", tmp_path / "data")
    plan = tmp_path / "targets" / "jinhua-2021.toml"
    plan.write_text(plan.read_text(encoding="utf-8").replace('language = "zh"', 'language = "zh"\nfirst_issue = 3', 1),
                    encoding="utf-8")
    assert cli("check", "--root", tmp_path).exit_code == 0
    assert cli("report", "--plan", "jinhua-2021", "--as-of", "2021-06", "--root", tmp_path, "-o", tmp_path / "o").exit_code == 0
    assert "第8期 · " in (tmp_path / "o" / "report.md").read_text(encoding="utf-8")  # 3 in January, 8 in June


def test_duban_writes_one_numbered_notice_per_owner_and_area(cli, tmp_path):
    """`--duban`: a 督办单 for each owner and each area with items, Word and Markdown, numbered in that order."""
    result = cli("report", *PLAN, "--root", REPO, "-o", tmp_path, "--duban", "--issue", "12")
    assert result.exit_code == 0 and "督办单 14 份" in result.stdout
    notices = sorted((tmp_path / "督办单").glob("*.md"))
    assert [p.stem for p in notices][:2] == ["督办单-01-社会救助处", "督办单-02-养老服务处"]
    assert len(notices) == len(list((tmp_path / "督办单").glob("*.docx"))) == 14
    first = notices[0].read_text(encoding="utf-8")
    assert first.startswith("# 督办单〔2021〕第12期-1号\n\n社会救助处：\n")  # numbered by the report: unique in a year
    assert "《2021年全市民政工作要点推进情况通报（2021年12月）》（第12期）" in first
    assert "1.特困人员基本生活标准城乡一体化：婺城区、永康市、磐安县到期未完成" in first
    panan = next(p for p in notices if p.stem.endswith("磐安县民政局")).read_text(encoding="utf-8")
    assert "磐安县民政局：" in panan and "困难老年人家庭适老化改造（养老服务处）：还需 26 户" in panan
    assert not any(p.stem.endswith("金华开发区民政局") for p in notices)  # no bureau of its own, and not behind


def test_a_formula_note_is_plain_text_in_the_workbook(written):
    from openpyxl import load_workbook

    folder, _ = written
    book = load_workbook(folder / "gaps.xlsx")
    assert book.sheetnames == ["全市", "分县", "分处室", "未报送"]
    found = [cell for sheet in book for row in sheet.iter_rows() for cell in row
             if isinstance(cell.value, str) and "HYPERLINK" in cell.value]
    assert found, "the note should be in the workbook"
    assert all(cell.data_type == "s" for cell in found)
    assert any(HOSTILE in cell.value for cell in found)
    assert not [cell for sheet in book for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]


def test_a_formula_note_is_escaped_text_in_the_html_and_markdown(written):
    folder, _ = written
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert "=HYPERLINK(&#34;http://x&#34;,&#34;y&#34;)" in html or "=HYPERLINK(&quot;http://x&quot;,&quot;y&quot;)" in html
    assert HOSTILE not in html and "<a " not in html
    assert "HYPERLINK" in (folder / "report.md").read_text(encoding="utf-8")


def test_report_never_writes_into_the_inputs(workspace, cli):
    result = cli("report", *PLAN, "--root", workspace, "-o", workspace / "data" / "out")
    assert result.exit_code == 2
    assert not (workspace / "data" / "out").exists()


def test_fail_on_sets_the_exit_code_and_still_writes(workspace, cli, tmp_path):
    result = cli("report", *PLAN, "--root", workspace, "-o", tmp_path, "--fail-on", "behind")
    assert result.exit_code == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(FILES)
    assert cli("report", *PLAN, "--root", workspace, "-o", tmp_path / "b", "--as-of", "2021-11",
               "--fail-on", "missed").exit_code == 0


def test_as_of_picks_the_month_folder(workspace, cli):
    assert cli("report", *PLAN, "--root", workspace, "--as-of", "2021-06").exit_code == 0
    june = workspace / "reports" / "jinhua-2021" / "2021-06"
    assert '"as_of": "2021-06-30"' in (june / "gaps.json").read_text(encoding="utf-8")


def _cells(path):
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(path.read_bytes()))
    return {sheet.title: [[(c.value, c.data_type, c.number_format) for c in row] for row in sheet.iter_rows()]
            for sheet in book}


def test_a_progress_bar_shows_on_a_terminal_and_not_when_piped(workspace, cli, tmp_path, monkeypatch):
    from rich.console import Console

    from mubiao import console

    piped = cli("report", *PLAN, "--root", workspace, "-o", tmp_path / "piped")
    assert "生成月度通报" not in piped.output
    terminal = Console(file=io.StringIO(), force_terminal=True, width=100)
    monkeypatch.setattr(console, "stderr", lambda: terminal)
    assert cli("report", *PLAN, "--root", workspace, "-o", tmp_path / "tty").exit_code == 0
    drawn = terminal.file.getvalue()
    assert "读取进度文件" in drawn and "生成月度通报" in drawn


def test_a_province_counts_the_units_that_stopped_reporting_not_their_regions_again(cli, tmp_path):
    """白水县 sent nothing in June: its 4 rows became stale; its city 白沙市's rolled-up rows with them are not 4
    more, and the follow-up goes to the cities, each once."""
    assert cli("report", "--plan", "dongjiang-2024", "--root", REPO, "-o", tmp_path).exit_code == 0
    text = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "白水县本月有 4 项未报、沿用以前的数据" in text and "白沙市、白水县本月" not in text
    areas = text[text.index("### （二）"):text.index("## 七、")]
    assert areas.startswith("### （二）各市") and "**云溪县**" not in areas


def test_items_with_no_owner_are_followed_up_under_their_own_heading(tmp_path, cli):
    shutil.copytree(REPO / "targets", tmp_path / "targets")
    shutil.copytree(REPO / "data", tmp_path / "data")
    plan = tmp_path / "targets" / "jinhua-2021.toml"
    text = plan.read_text(encoding="utf-8").replace('owner = "shiwu"\n', "")
    plan.write_text(text, encoding="utf-8")
    assert cli("report", *PLAN, "--root", tmp_path, "-o", tmp_path / "o", "--duban").exit_code == 0
    report = (tmp_path / "o" / "report.md").read_text(encoding="utf-8")
    part = report[report.index("## 六、"):report.index("## 七、")]
    assert "**未明确责任处室**" in part and "编制2035年金华市区殡葬设施布局建设规划" in part
    assert not list((tmp_path / "o" / "督办单").glob("*未明确*"))  # nobody to address a notice to


def test_duban_numbers_differ_by_month_and_a_rerun_leaves_no_old_notice(cli, tmp_path):
    assert cli("report", *PLAN, "--root", REPO, "--as-of", "2021-06", "-o", tmp_path, "--duban").exit_code == 0
    first = sorted((tmp_path / "督办单").glob("*.md"))[0].read_text(encoding="utf-8")
    assert first.startswith("# 督办单〔2021〕6月-1号")  # June's first notice: not December's number
    assert cli("report", *PLAN, "--root", REPO, "--as-of", "2021-12", "-o", tmp_path, "--duban").exit_code == 0
    december = {p.name for p in (tmp_path / "督办单").iterdir()}
    assert len(december) == 28 and all("12月-" in (tmp_path / "督办单" / name).read_text(encoding="utf-8")
                                         for name in december if name.endswith(".md"))
