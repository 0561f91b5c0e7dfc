"""Renderers of fill-in forms: CSV (UTF-8 with BOM, so Excel opens it in Chinese) and xlsx (reference columns
locked, input cells validated). Both return bytes; the command writes them."""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Sequence

from rich.console import Group
from rich.table import Table
from rich.text import Text

from mubiao.formats import FormFormat
from mubiao.forms import HEADERS, INPUT_HEADERS, REFERENCE_HEADERS, Form, FormRow, headers
from mubiao.models import Kind
from mubiao.numbers import format_number
from mubiao.render.cells import csv_bytes, neutralise_formula
from mubiao.render.xlsx import put_text, stable_xlsx, storable

def _reference_cells(form: Form, row: FormRow) -> list[str]:
    ind = row.indicator
    target = "完成" if ind.kind is Kind.MILESTONE else ind.stages[-1] if ind.is_task else (
        "" if row.target is None else format_number(row.target))
    return [form.county.name, form.period_label, ind.id, ind.name, ind.unit or "", target, row.last_reported,
            row.instructions]


def render_csv(form: Form) -> bytes:
    """The form as CSV: UTF-8 with BOM and CRLF line ends, as Excel writes "CSV UTF-8"; header first."""
    rows = [[neutralise_formula(text) for text in _reference_cells(form, row)] + [""] * len(INPUT_HEADERS)
            for row in form.rows]
    return csv_bytes([headers(form.plan), *rows])


#: The note above an xlsx form's header, for the person filling it in.
FORM_NOTE = (
    "填写说明:灰色为参考信息,已锁定;请在白色单元格填写。累计类指标填年初以来的累计数;比例类指标填分子、分母;"
    "完成类指标填“是”或“否”,已完成的填完成日期;督办事项在下拉列表中选状态(未启动、推进中、已完成等),进展写在备注。不填表示未报送(不会按 0 计算)。请勿修改表头。"
)
_WIDTHS = {"县(市、区)": 11, "月份": 10, "指标编号": 18, "指标名称": 36, "计量单位": 12, "本县目标": 9,
           "上次填报": 22, "填报说明": 24, "完成值": 10, "分子": 10, "分母": 10, "完成日期": 12, "备注": 40,
           "存在问题": 30, "下步措施": 30}


def render_xlsx(form: Form) -> bytes:
    """The form as an xlsx workbook: a title, a note, the header on row 3, reference cells grey and locked
    (the sheet is protected without a password), input cells open and validated by kind."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    book.properties.creator = storable(form.plan.organization)  # properties are XML too: no control characters
    book.properties.title = storable(form.title)
    sheet = book.active
    sheet.title = "填报表"
    last_column = get_column_letter(len(HEADERS))
    grey = PatternFill("solid", fgColor="EDEDED")
    header_fill = PatternFill("solid", fgColor="D9E1F2")
    thin = Side(style="thin", color="A6A6A6")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    open_cell = Protection(locked=False)

    put_text(sheet["A1"], form.title).font = Font(bold=True, size=16)
    sheet.merge_cells(f"A1:{last_column}1")
    put_text(sheet["A2"], f"{form.subtitle}。{FORM_NOTE}").alignment = Alignment(wrap_text=True, vertical="top")
    sheet.merge_cells(f"A2:{last_column}2")
    sheet.row_dimensions[2].height = 48
    for column, (header, shown) in enumerate(zip(HEADERS, headers(form.plan)), start=1):
        cell = sheet.cell(row=3, column=column, value=shown)
        cell.font, cell.fill, cell.border = Font(bold=True), header_fill, border
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(column)].width = _WIDTHS[header]

    count_rule = _validation(DataValidation, "decimal", "greaterThanOrEqual", "0", "请填不小于 0 的数字(不带单位)")
    number_rule = _validation(DataValidation, "decimal", "between", "-1E+15", "请填数字(不带单位)", "1E+15")
    flag_rule = DataValidation(type="list", formula1='"是,否"', allow_blank=True, showErrorMessage=True,
                               errorTitle="格式不对", error="请选择“是”或“否”")
    date_rule = _validation(DataValidation, "date", "greaterThan", "36526", "请填日期,如 2021-08-16")
    for rule in (count_rule, number_rule, flag_rule, date_rule):
        sheet.add_data_validation(rule)

    stage_rules: dict[tuple[str, ...], object] = {}  # a task's stage words, one drop-down per list of them

    def stage_rule(stages: tuple[str, ...]):
        if stages not in stage_rules:
            words = ",".join(stages)
            rule = DataValidation(type="list", formula1=f'"{words}"', allow_blank=True, showErrorMessage=True,
                                  errorTitle="格式不对", error=f"请选择该事项的状态:{'、'.join(stages)}")
            sheet.add_data_validation(rule)
            stage_rules[stages] = rule
        return stage_rules[stages]

    inputs = {name: len(REFERENCE_HEADERS) + index for index, name in enumerate(INPUT_HEADERS, start=1)}
    for number, row in enumerate(form.rows, start=4):
        for column, text in enumerate(_reference_cells(form, row), start=1):
            cell = sheet.cell(row=number, column=column)
            if text:
                put_text(cell, text)  # text stays text: a name starting with = is no formula
            cell.fill, cell.border = grey, border
            cell.alignment = Alignment(vertical="center", wrap_text=column in (4, 7, 8))
        kind = row.indicator.kind
        applies = {"完成值": True, "分子": kind is Kind.RATIO, "分母": kind is Kind.RATIO,
                   "完成日期": kind.done_or_not, "备注": True, "存在问题": True, "下步措施": True}
        for name, column in inputs.items():
            cell = sheet.cell(row=number, column=column)
            cell.border = border
            if not applies[name]:
                cell.fill = grey  # not used by this kind: left locked
                continue
            cell.protection = open_cell
            if name in ("备注", "存在问题", "下步措施"):
                cell.alignment = Alignment(wrap_text=True, vertical="center")
                cell.number_format = "@"
            elif name == "完成日期":
                cell.number_format = "yyyy-mm-dd"
                date_rule.add(cell)
            elif name == "完成值" and kind is Kind.MILESTONE:
                flag_rule.add(cell)
            elif name == "完成值" and kind is Kind.TASK:
                stage_rule(row.indicator.stages).add(cell)
            elif kind is Kind.COUNT or name in ("分子", "分母"):
                count_rule.add(cell)
            else:
                number_rule.add(cell)

    sheet.freeze_panes = "E4"
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False  # let people widen a column
    sheet.protection.formatRows = False
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "3:3"
    return stable_xlsx(book)  # the same form is the same file


def _validation(factory, kind: str, operator: str, low: str, message: str, high: str | None = None):
    return factory(type=kind, operator=operator, formula1=low, formula2=high, allow_blank=True,
                   showErrorMessage=True, errorTitle="格式不对", error=message)


def render_written(forms: Sequence[Form], paths: Sequence[Path], progress_errors: int = 0) -> Group:
    """What `mubiao form` wrote: a line per county (indicators, how many have a last value, the file)."""
    folder = paths[0].parent if paths else Path(".")
    period = forms[0].period_label if forms else ""
    grid = Table(box=None, padding=(0, 2), pad_edge=True, show_edge=False)
    grid.add_column(forms[0].plan.levels.units if forms else "县(市、区)")
    grid.add_column("指标数", justify="right")
    grid.add_column("有上次填报", justify="right")
    grid.add_column("文件")
    for form, path in zip(forms, paths):
        with_last = sum(bool(row.last_reported) for row in form.rows)
        grid.add_row(form.county.name, str(len(form.rows)), str(with_last), path.name)
    parts = [Text.assemble(("✓ ", "bold green"), f"已生成{period}填报表 {len(forms)} 份 → {folder}"), grid]
    if progress_errors:
        parts.append(Text.assemble(("! ", "bold yellow"), f"进度文件中有 {progress_errors} 个错误,"
                                   "“上次填报”只用了能读出的记录;运行 mubiao check 查看"))
    return Group(*parts)


RENDERERS: dict[FormFormat, Callable[[Form], bytes]] = {
    FormFormat.XLSX: render_xlsx,
    FormFormat.CSV: render_csv,
}
