"""Files as counties really send them (issue 20, part 1): every format is read into the same records as the
workbook it was saved from, or refused with how to save it; nothing under a plan's folder is passed over in
silence. The fixtures are written by LibreOffice from the sample's June workbook of 东阳市
(tests/fixtures/progress/formats/make_format_fixtures.py says how each was made)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import REPO
from mubiao.errors import ProgressError
from mubiao.readers.tables import read_raw_table, read_table, table_kind

FORMATS = REPO / "tests" / "fixtures" / "progress" / "formats"
SOURCE = REPO / "data" / "jinhua-2021" / "2021-06" / "dongyang.xlsx"


def _as_text(table) -> list[list[str]]:
    """The rows as their text (a date cell and its ISO text read the same to the row rules)."""
    def text(cell) -> str:
        if cell is None:
            return ""
        if hasattr(cell, "date") and hasattr(cell, "hour"):
            return cell.date().isoformat()
        return str(cell)
    return [[text(cell) for cell in row] for _, row in table.rows]


@pytest.mark.parametrize("name, kind", [("dongyang.xls", "xls"), ("dongyang.txt", "text"),
                                        ("dongyang-html.xls", "html"), ("instructions-first.xls", "xls"),
                                        ("instructions-first.xlsx", "xlsx")])
def test_each_format_reads_as_the_workbook_it_was_saved_from(name, kind):
    path = FORMATS / name
    assert table_kind(path) == kind
    table, source = read_table(path), read_table(SOURCE)
    assert table.header == source.header and table.header_row == source.header_row == 2
    assert _as_text(table) == _as_text(source)


def test_the_sheet_with_the_header_is_read_in_a_workbook_of_several():
    raw = read_raw_table(FORMATS / "instructions-first.xlsx")
    assert raw.sheet == "6月填报" and raw.unread == ()


def test_a_workbook_of_two_returns_reads_the_first_and_names_the_other():
    raw = read_raw_table(FORMATS / "two-months.xlsx")
    assert (raw.sheet, raw.unread) == ("5月", ("6月",))


@pytest.mark.parametrize("name, words", [("dongyang.et", "WPS 表格文件"), ("encrypted.xlsx", "打开密码")])
def test_formats_nothing_here_reads_are_refused_with_how_to_save_them(name, words):
    with pytest.raises(ProgressError) as refused:
        read_table(FORMATS / name)
    assert refused.value.code == "D007" and words in str(refused.value) and refused.value.hint


def _workspace(tmp_path: Path, replacement: str | None = None) -> Path:
    root = tmp_path / "ws"
    (root / "targets").mkdir(parents=True)
    shutil.copy(REPO / "targets" / "jinhua-2021.toml", root / "targets")
    shutil.copytree(REPO / "data" / "jinhua-2021", root / "data" / "jinhua-2021")
    if replacement is not None:
        (root / "data" / "jinhua-2021" / "2021-06" / "dongyang.xlsx").unlink()
        suffix = Path(replacement).suffix
        shutil.copy(FORMATS / replacement, root / "data" / "jinhua-2021" / "2021-06" / f"dongyang{suffix}")
    return root


def _run(*args):
    from typer.testing import CliRunner

    from mubiao.app import app

    return CliRunner().invoke(app, [str(a) for a in args])


@pytest.mark.parametrize("replacement", ["dongyang.xls", "dongyang.txt", "dongyang-html.xls",
                                         "instructions-first.xls"])
def test_a_return_in_any_format_gives_the_same_gaps(tmp_path, replacement):
    expected = json.loads(_run("gaps", "--root", _workspace(tmp_path / "a"), "--as-of", "2021-06",
                               "-f", "json").stdout)
    root = _workspace(tmp_path / "b", replacement)
    assert _run("check", "--root", root, "--strict").exit_code == 0
    assert json.loads(_run("gaps", "--root", root, "--as-of", "2021-06", "-f", "json").stdout) == expected


def test_nothing_under_a_plans_folder_is_passed_over_in_silence(tmp_path):
    root = _workspace(tmp_path)
    june = root / "data" / "jinhua-2021" / "2021-06"
    shutil.copy(FORMATS / "dongyang.et", june / "pujiang.et")
    (june / "情况说明.docx").write_bytes(b"PK\x03\x04")
    (june / "照片.jpg").write_bytes(b"\xff\xd8\xff")
    (root / "data" / "README.md").write_text("本目录放各县报送的文件。", encoding="utf-8")  # the workspace's own
    result = _run("check", "--root", root)
    assert result.exit_code == 1
    assert "D007" in result.stdout and "pujiang.et" in result.stdout
    assert result.stdout.count("D008") == 2 and "README.md" not in result.stdout
    assert "1 个错误,2 个警告" in result.stdout.replace("，", ",")
    (june / "pujiang.et").unlink()
    shown = _run("gaps", "--root", root, "--as-of", "2021-06")  # the warnings are said where the figures are
    assert shown.exit_code == 0 and "另有 2 条警告" in shown.stderr  # (check words them)


# ------------------------------------------------------------------------- layouts: title rows, names


def _district(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    (root / "targets").mkdir(parents=True)
    shutil.copy(REPO / "targets" / "wucheng-2022.toml", root / "targets")
    shutil.copytree(REPO / "data" / "wucheng-2022", root / "data" / "wucheng-2022")
    return root


def _titled_workbook(source: Path, target: Path, title_rows: list[list], keep_month: bool = True) -> None:
    """罗店镇's return as a township's own workbook: title rows above the form's header, no area column (and no
    month column unless `keep_month`), a signature footer."""
    import csv
    import io

    import openpyxl

    rows = list(csv.reader(io.StringIO(source.read_text(encoding="utf-8-sig"))))
    drop = {0} if keep_month else {0, 1}
    book = openpyxl.Workbook()
    sheet = book.active
    for row in title_rows:
        sheet.append(row)
    for row in rows:
        sheet.append([cell for n, cell in enumerate(row) if n not in drop])
    sheet.append(["填表人:张三", None, "审核人:李四", None, "联系电话:0579-1234567"])
    target.parent.mkdir(parents=True, exist_ok=True)
    book.save(target)


def test_a_file_named_as_the_township_names_it_is_read_by_its_title_rows(tmp_path):
    expected = _run("gaps", "--root", _district(tmp_path / "a"), "-f", "json").stdout
    root = _district(tmp_path / "b")
    march = root / "data" / "wucheng-2022" / "2022-03"
    _titled_workbook(march / "luodian.csv", march / "罗店镇2022年3月民政重点工作进展情况表.xlsx",
                     [["罗店镇2022年3月民政重点工作进展情况表"], ["填报单位:罗店镇", None, "填报日期:2022年4月5日"]])
    (march / "luodian.csv").unlink()
    assert _run("check", "--root", root, "--strict", march).exit_code == 0
    assert _run("gaps", "--root", root, "-f", "json").stdout == expected


def test_the_month_comes_from_the_title_where_no_folder_says_it_and_never_from_a_fill_in_date(tmp_path):
    root = _district(tmp_path)
    plan_folder = root / "data" / "wucheng-2022"
    source = plan_folder / "2022-03" / "luodian.csv"
    _titled_workbook(source, plan_folder / "附件2.xlsx", [["罗店镇2022年3月民政重点工作进展情况表"],
                                                       ["填报单位:罗店镇"]], keep_month=False)
    _titled_workbook(source, plan_folder / "附件3.xlsx", [["民政重点工作进展情况表"],
                                                       ["填报单位:罗店镇", "填报日期:2022年4月5日"]], keep_month=False)
    source.unlink()
    shown = _run("check", "--root", root).stdout
    assert "附件2.xlsx" not in shown  # 2022年3月 in its title: March's return of 罗店镇
    assert "附件3.xlsx" in shown and "D106" in shown  # a fill-in date is not the period


# ------------------------------------------------------------------ layouts: wide tables, merged headers


def _records(root: Path, files: list[Path]) -> dict[tuple[str, str], tuple]:
    """(unit, indicator) → (value, numerator, denominator) of what these files of the district sample read as."""
    import math

    from mubiao.readers.plan import load_plan
    from mubiao.readers.progress import read_progress

    plan = load_plan(root / "targets" / "wucheng-2022.toml")
    with read_progress(plan, root, files, cache=False) as read:
        def plain(x):
            return None if x is None or (isinstance(x, float) and math.isnan(x)) else x
        return {(r.county, r.indicator): (plain(r.value), plain(r.numerator), plain(r.denominator))
                for r in read.records}, read.findings


@pytest.mark.parametrize("name", ["wide-by-area.xlsx", "wide-by-area.xls", "wide-by-indicator.xlsx"])
def test_a_summary_sheet_reads_as_the_townships_own_files(tmp_path, name):
    """The district's summary sheet (a row per township or a row per indicator) gives the very records the
    townships' June CSVs give for its indicators; its 合计 row is no record, its 其他 column is said (D103)."""
    import sys

    sys.path.insert(0, str(FORMATS))
    from make_format_fixtures import WIDE

    root = _district(tmp_path)
    june = root / "data" / "wucheng-2022" / "2022-06"
    placed = june / f"汇总{Path(name).suffix}"
    shutil.copy(FORMATS / name, placed)
    wide, findings = _records(root, [placed])
    own, _ = _records(root, sorted(p for p in june.glob("*.csv") if p.stem != "city"))
    expected = {key: figures for key, figures in own.items() if key[1] in WIDE and figures[0] is not None}
    assert wide == expected and len(wide) > 40
    codes = [(f.code, f.line, f.column) for f in findings]
    if name.startswith("wide-by-area"):
        assert codes == [("D103", 2, 7)]  # G2: 其他
    else:
        assert codes == []


def test_a_wide_tables_bad_cell_is_named_as_excel_names_it(tmp_path):
    import openpyxl

    root = _district(tmp_path)
    june = root / "data" / "wucheng-2022" / "2022-06"
    book = openpyxl.load_workbook(FORMATS / "wide-by-area.xlsx")
    sheet = book.active
    sheet["D5"] = "三家"  # 新建乡镇(街道)社会工作站 of the third township
    placed = june / "汇总.xlsx"
    book.save(placed)
    _, findings = _records(root, [placed])
    bad = [f for f in findings if f.code == "D120"]
    assert [(f.line, f.column) for f in bad] == [(5, 4)] and bad[0].message.startswith("D5:")


def test_a_two_row_header_of_merged_cells_is_read_as_one(tmp_path):
    root = _district(tmp_path)
    june = root / "data" / "wucheng-2022" / "2022-06"
    placed = june / "罗店镇.xlsx"
    shutil.copy(FORMATS / "merged-header.xlsx", placed)
    merged, findings = _records(root, [placed])
    own, _ = _records(root, [june / "luodian.csv"])
    assert merged == own and findings == ()


def test_a_wide_tables_refused_cells_say_each_its_own_cell(tmp_path):
    """Two bad cells on one sheet row: each row of the gaps names its own cell (review of issue 20)."""
    import json

    import openpyxl

    root = _district(tmp_path)
    june = root / "data" / "wucheng-2022" / "2022-06"
    for path in june.glob("*.csv"):
        if path.stem != "city":
            path.unlink()
    book = openpyxl.load_workbook(FORMATS / "wide-by-area.xlsx")
    sheet = book.active
    sheet["D3"], sheet["E3"] = "一", "二"  # 安地镇's 社会工作站 and 儿童之家
    sheet.append([None, "全区", 1, 2, 3])  # the whole's row: no records, no errors
    book.save(june / "汇总.xlsx")
    rows = json.loads(_run("gaps", "--root", root, "--as-of", "2022-06", "-f", "json").stdout)["rows"]
    refused = {r["indicator"]: r["refused"]["message"] for r in rows if r["county"] == "andi" and "refused" in r}
    assert refused["G04-shegongzhan"].startswith("D3:") and refused["G01-ertongzhijia"].startswith("E3:")
    found = _run("check", "--root", root, june).stdout
    assert "全区" not in found


def test_a_csv_with_a_two_row_header_reads_every_column(tmp_path):
    root = _district(tmp_path)
    june = root / "data" / "wucheng-2022" / "2022-06"
    text = (june / "luodian.csv").read_text(encoding="utf-8-sig").splitlines()
    header = text[0].split(",")
    top = [cell if cell not in ("分子", "分母", "完成日期", "备注") else "" for cell in header]
    under = [cell if cell in ("分子", "分母", "完成日期", "备注") else "" for cell in header]
    placed = june / "罗店镇.csv"
    placed.write_text("\n".join([",".join(top), ",".join(under), *text[1:]]) + "\n", encoding="utf-8-sig")
    own, _ = _records(root, [june / "luodian.csv"])
    (june / "luodian.csv").unlink()
    merged, findings = _records(root, [placed])
    assert merged == own and findings == ()
