"""Fill-in forms: what they list, how they look in Excel, and that a filled form reads back to its numbers."""

import csv
import datetime as dt
import io
import shutil

import openpyxl
import pytest

from conftest import REPO
from mubiao import load_plan
from mubiao.forms import HEADERS, build_forms, form_counties
from mubiao.models import Kind
from mubiao.readers.progress import Record, read_progress
from mubiao.formats import FormFormat
from mubiao.render.forms import RENDERERS, render_csv, render_xlsx

PLAN = load_plan(REPO / "targets" / "jinhua-2021.toml")
INJECTION = '=HYPERLINK("http://x","y")'


def _forms(period="2021-07", records=(), counties=None):
    return build_forms(PLAN, records, period, form_counties(PLAN, counties))


def test_a_form_per_county_and_one_for_the_city():
    forms = _forms()
    assert [f.county.id for f in forms] == [c.id for c in PLAN.counties] + ["city"]
    by_county = {f.county.id: [row.indicator.id for row in f.rows] for f in forms}
    assert "G03-guihua-xian" in by_county["lanxi"] and "G03-guihua-xian" not in by_county["wucheng"]
    assert "G07-yingjianjinjian" in by_county["wuyi"] and "G07-yingjianjinjian" not in by_county["lanxi"]
    assert all(PLAN.indicator(i).scope.value == "city" for i in by_county["city"])
    assert not any(PLAN.indicator(i).scope.value == "city" for i in by_county["wucheng"])
    order = [ind.id for ind in PLAN.indicators]
    assert by_county["wucheng"] == sorted(by_county["wucheng"], key=order.index)


def test_the_county_target_and_the_last_value_before_the_month():
    def record(period, value=None, numerator=None, denominator=None):
        return Record("wucheng", period, indicator, value, numerator, denominator, None, None, "x.csv", 2)

    indicator = "G03-zhongxin"
    records = [record("2021-05", 3), record("2021-06", 5), record("2021-07", 6), record("2021-04", 2)]
    (form,) = _forms("2021-07", records, ["wucheng"])
    row = next(r for r in form.rows if r.indicator.id == indicator)
    assert row.target == 8  # 婺城区's allocation
    assert row.last_reported == "5(2021年6月)"  # July's own record is not "last"
    assert row.instructions == "填2021年1月以来累计数"
    indicator = "G03-huliyuan"
    (form,) = _forms("2021-07", [record("2021-06", None, 171, 95000)], ["婺城区"])
    assert next(r for r in form.rows if r.indicator.id == indicator).last_reported == "171/95000(2021年6月)"


def test_csv_form_is_utf8_with_bom_and_crlf_for_excel():
    data = render_csv(_forms(counties=["wucheng"])[0])
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
    header = data[3:].decode("utf-8").split("\r\n")[0]
    assert header.split(",") == list(HEADERS)


def test_xlsx_form_locks_reference_cells_and_validates_input():
    form = _forms(counties=["wucheng"])[0]
    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(form)))
    sheet = book.active
    assert sheet.protection.sheet
    assert sheet["A1"].value == "婺城区2021年7月工作进度填报表"
    assert [c.value for c in sheet[3]] == list(HEADERS)
    columns = {header: index for index, header in enumerate(HEADERS, start=1)}
    for number, row in enumerate(form.rows, start=4):
        assert sheet.cell(number, columns["指标编号"]).value == row.indicator.id
        assert sheet.cell(number, columns["指标编号"]).protection.locked
        assert not sheet.cell(number, columns["完成值"]).protection.locked
        assert not sheet.cell(number, columns["备注"]).protection.locked
        ratio = row.indicator.kind is Kind.RATIO
        assert sheet.cell(number, columns["分子"]).protection.locked is not ratio
    kinds = sorted(v.type for v in sheet.data_validations.dataValidation)
    assert kinds == ["date", "decimal", "decimal", "list"]


def _fill(form):
    """What a county writes into each input column of its form, by kind."""
    filled = {}
    for index, row in enumerate(form.rows):
        kind = row.indicator.kind
        note = INJECTION if index == 0 else f"第{index}项进展:已完成阶段任务\n下一步继续推进"
        if kind is Kind.MILESTONE:
            filled[row.indicator.id] = {"完成值": "是", "完成日期": dt.date(2021, 7, 10 + index % 10), "备注": note}
        elif kind is Kind.RATIO:
            filled[row.indicator.id] = {"分子": 150 + index, "分母": 95000, "备注": note}
        elif kind is Kind.LEVEL:
            filled[row.indicator.id] = {"完成值": round(row.target * 1.02, 2)}
        elif row.indicator.is_task:  # a 督办事项 (市本级): its stage word, dated once done
            filled[row.indicator.id] = ({"完成值": "已完成", "完成日期": dt.date(2021, 7, 10 + index % 10), "备注": note}
                                        if index % 2 else {"完成值": "推进中", "备注": note})
        else:
            filled[row.indicator.id] = {"完成值": index % 5, "备注": note}
    return filled


def _expected(form, filled):
    expected = set()
    for row in form.rows:
        cells = filled[row.indicator.id]
        value = cells.get("完成值")
        stages = row.indicator.stages
        expected.add((
            row.indicator.id,
            1.0 if value == "是" else stages.index(value) / (len(stages) - 1) if value in stages
            else None if value is None else float(value),
            None if "分子" not in cells else float(cells["分子"]),
            None if "分母" not in cells else float(cells["分母"]),
            cells.get("完成日期"),
            cells.get("备注"),
        ))
    return expected


def _workspace(tmp_path):
    (tmp_path / "targets").mkdir()
    shutil.copy(PLAN.path, tmp_path / "targets")
    folder = tmp_path / "data" / PLAN.id / "2021-07"
    folder.mkdir(parents=True)
    return folder


def _read_back(tmp_path, form):
    read = read_progress(PLAN, tmp_path)
    assert not read.findings, read.findings
    assert all(r.county == form.county.id and r.period == "2021-07" for r in read.records)
    return {(r.indicator, r.value, r.numerator, r.denominator, r.done_on, r.note) for r in read.records}


@pytest.mark.parametrize("county", ["wucheng", "wuyi", "city"])
def test_a_filled_xlsx_form_reads_back_to_its_numbers(tmp_path, county):
    form = _forms(counties=[county])[0]
    filled = _fill(form)
    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(form)))
    sheet = book.active
    columns = {header: index for index, header in enumerate(HEADERS, start=1)}
    for number in range(4, sheet.max_row + 1):
        for header, value in filled[sheet.cell(number, columns["指标编号"]).value].items():
            cell = sheet.cell(number, columns[header], value)
            if header == "备注":
                cell.data_type = "s"  # as Excel stores typed text
    book.save(_workspace(tmp_path) / f"{county}.xlsx")
    assert _read_back(tmp_path, form) == _expected(form, filled)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk"])  # Excel's "CSV UTF-8" and its "CSV (逗号分隔)"
def test_a_filled_csv_form_reads_back_to_its_numbers(tmp_path, encoding):
    form = _forms(counties=["wucheng"])[0]
    filled = _fill(form)
    rows = list(csv.reader(io.StringIO(render_csv(form).decode("utf-8-sig"), newline="")))
    columns = {header: index for index, header in enumerate(rows[0])}
    for row in rows[1:]:
        for header, value in filled[row[columns["指标编号"]]].items():
            row[columns[header]] = f"{value:%Y/%m/%d}" if isinstance(value, dt.date) else str(value)
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    (_workspace(tmp_path) / "wucheng.csv").write_bytes(buffer.getvalue().encode(encoding))
    assert _read_back(tmp_path, form) == _expected(form, filled)


def test_an_unfilled_form_reads_back_as_nothing_reported(tmp_path):
    form = _forms(counties=["wucheng"])[0]
    (_workspace(tmp_path) / "wucheng.xlsx").write_bytes(render_xlsx(form))
    read = read_progress(PLAN, tmp_path)
    assert not read.findings
    assert len(read.records) == len(form.rows) and not any(r.has_figure for r in read.records)


def test_every_form_format_has_a_renderer():
    assert set(RENDERERS) == set(FormFormat)


def test_text_never_becomes_a_formula():
    from dataclasses import replace

    form = _forms(counties=["wucheng"])[0]
    row = replace(form.rows[0], indicator=replace(form.rows[0].indicator, name=INJECTION))
    form = replace(form, rows=(row,))
    assert b"'=HYPERLINK" in render_csv(form)
    sheet = openpyxl.load_workbook(io.BytesIO(render_xlsx(form))).active
    assert sheet.cell(4, HEADERS.index("指标名称") + 1).data_type == "s"
    assert sheet.cell(4, HEADERS.index("指标名称") + 1).value == INJECTION
