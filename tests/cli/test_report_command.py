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
