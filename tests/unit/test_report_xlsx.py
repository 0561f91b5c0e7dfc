"""The report's workbook (`gaps.xlsx`) as a planning officer opens it in Excel: four sheets in order, each a
filterable table with a frozen header, numbers as numbers in readable formats, statuses in their colours,
and the counties' notes shown exactly as typed — never run as formulas.

Most tests read the sample workspace (jinhua-2021, as of 2021-12-31); the formula tests put hostile notes on
panan's lagging rows, and a tiny English plan checks the other language and the names planners type.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import pytest
from openpyxl import load_workbook
from rich.cells import cell_len

from mubiao.analysis.report import build_report
from mubiao.models import County, Goal, Indicator, Kind, Owner, Pace, Plan, Status
from mubiao.readers.progress import Record, load_progress, records_frame
from mubiao.render.colours import STATUS_COLOURS
from mubiao.render.report_xlsx import MAX_WIDTH, render_xlsx
from mubiao.workspace import open_plan

REPO = "/work/main"
HEADER_ROW, FIRST_ROW = 2, 3

#: Notes a county could type that a spreadsheet would run as formulas (CWE-1236), on panan's lagging rows.
HOSTILE_NOTES = {
    "G03-zhongxin": '=HYPERLINK("http://x","y")',
    "G04-wanshan": "+1+cmd|' /C calc'!A0",
    "G04-shegongzhan": "-2+3",
    "G09-hunyin3a": "@SUM(1,2)",
}


@pytest.fixture(scope="module")
def sample():
    plan = open_plan(REPO, "jinhua-2021")
    return plan, load_progress(plan, REPO)


@pytest.fixture(scope="module")
def report(sample):
    return build_report(*sample)


@pytest.fixture(scope="module")
def book(report):
    return load_workbook(io.BytesIO(render_xlsx(report)))


@pytest.fixture(scope="module")
def hostile_bytes(sample):
    plan, progress = sample
    progress = progress.copy()
    for indicator, note in HOSTILE_NOTES.items():
        rows = progress[(progress["county"] == "panan") & (progress["indicator"] == indicator)]
        progress.loc[rows["period"].idxmax(), "note"] = note  # the newest record's note is the one shown
    return render_xlsx(build_report(plan, progress))


@pytest.fixture(scope="module")
def hostile_book(hostile_bytes):
    return load_workbook(io.BytesIO(hostile_bytes))


def headers(sheet) -> list[str]:
    return [cell.value for cell in sheet[HEADER_ROW] if cell.value is not None]


def column_of(sheet, heading: str) -> int:
    return headers(sheet).index(heading) + 1


def find_row(sheet, **wanted: str) -> int:
    """The number of the one data row whose cells under the given headings hold the given values."""
    columns = {column_of(sheet, heading): value for heading, value in wanted.items()}
    found = [row for row in range(FIRST_ROW, sheet.max_row + 1)
             if all(sheet.cell(row=row, column=c).value == v for c, v in columns.items())]
    assert len(found) == 1, (wanted, found)
    return found[0]


def cell(sheet, row: int, heading: str):
    return sheet.cell(row=row, column=column_of(sheet, heading))


# ------------------------------------------------------------------------------------------------ the sheets


def test_the_four_sheets_come_in_order_with_chinese_names(book):
    assert book.sheetnames == ["全市", "分县", "分处室", "未报送"]


def test_every_sheet_has_a_title_and_a_frozen_filtered_header_printed_on_every_page(book):
    for sheet in book:
        assert sheet["A1"].value.startswith("2021年全市民政工作要点推进情况通报"), sheet.title
        assert "截至 2021-12-31" in sheet["A1"].value
        # the header frozen, and the columns that say which row it is: goal, id and name (and the county)
        assert sheet.freeze_panes == {"全市": "D3", "分县": "E3"}.get(sheet.title, "B3"), sheet.title
        last = sheet.cell(row=HEADER_ROW, column=len(headers(sheet))).column_letter
        assert sheet.auto_filter.ref == f"A2:{last}{sheet.max_row}", sheet.title
        assert sheet.print_title_rows == "$2:$2", sheet.title
        assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9
        # one page wide (1 is the default, which a workbook may leave unsaid), as many pages high as it takes
        assert sheet.page_setup.fitToWidth in (1, None) and sheet.page_setup.fitToHeight == 0
        assert sheet.sheet_properties.pageSetUpPr.fitToPage


def test_header_cells_are_bold_and_filled(book):
    for sheet in book:
        for header in sheet[HEADER_ROW]:
            if header.value is not None:
                assert header.font.b and header.fill.fgColor.rgb.endswith("D9E1F2"), (sheet.title, header.value)


def test_the_city_sheet_has_one_row_per_indicator_under_chinese_headings(book, report):
    sheet = book["全市"]
    assert headers(sheet) == [
        "任务", "指标编号", "指标名称", "类型", "计量单位", "责任处室", "基期值", "目标值", "序时目标", "完成值",
        "完成情况", "完成进度", "序时进度", "对照序时(百分点)", "剩余", "状态", "截止日期", "数据月份", "报送县数", "应报县数",
        "按近期进度预计", "预计结果", "各地说明"]
    ids = [sheet.cell(row=row, column=2).value for row in range(FIRST_ROW, sheet.max_row + 1)]
    assert ids == [row.indicator for row in report.city_rows]


def test_the_county_sheet_is_every_county_row_with_its_area(book, report):
    sheet = book["分县"]
    names = headers(sheet)
    assert names[:3] == ["地区", "任务", "指标编号"] and names[-1] == "备注"
    assert "报送县数" not in names  # a county row has no counties reporting
    county_rows = [row for row in report.gaps.rows if row.county is not None]
    assert sheet.max_row - HEADER_ROW == len(county_rows)
    assert cell(sheet, FIRST_ROW, "地区").value == "婺城区"


def test_the_owner_sheet_counts_each_owners_indicators_by_status(book, report):
    sheet = book["分处室"]
    assert headers(sheet) == ["责任处室", "指标和督办事项数", "已完成", "正常推进", "有风险", "滞后", "未完成", "未报送", "无目标",
                              "滞后与未完成的指标"]
    row = find_row(sheet, 责任处室="社会救助处")
    summary = next(owner for owner in report.owners if owner.owner == "jiuzhu")
    assert cell(sheet, row, "指标和督办事项数").value == summary.indicators == 7 + 5  # its 7 indicators and 5 督办事项
    # on the deadline day (2021-12-31) what is not met is not met (未完成)
    assert cell(sheet, row, "未完成").value == summary.statuses[Status.MISSED] == 2
    assert cell(sheet, row, "滞后与未完成的指标").value == "特困人员基本生活标准城乡一体化、救助机制创新至少1项取得成效"
    # a count above zero wears its status's colour; a zero stays plain
    assert cell(sheet, row, "未完成").fill.fgColor.rgb.endswith(STATUS_COLOURS[Status.MISSED].fill)
    assert cell(sheet, row, "滞后").fill.fill_type is None


def test_the_not_reported_sheet_lists_kaifaqu_anzangdian(book):
    sheet = book["未报送"]
    assert headers(sheet) == ["地区", "指标编号", "指标名称", "责任处室", "数据月份"]
    rows = list(sheet.iter_rows(min_row=FIRST_ROW, values_only=True))
    assert rows == [("金华开发区", "G08-anzangdian", "建有生态安葬点的乡镇(街道)比例", "社会事务处", "2021-12")]


# ------------------------------------------------------------------------------------------------ the cells


def test_progress_is_a_fraction_shown_as_a_percentage(book, report):
    sheet = book["全市"]
    row = find_row(sheet, 指标编号="G03-zhongxin")
    progress = cell(sheet, row, "完成进度")
    assert progress.value == pytest.approx(40 / 41) and progress.number_format == "0.0%"
    assert cell(sheet, row, "序时进度").number_format == "0.0%"
    assert cell(sheet, row, "对照序时(百分点)").value == pytest.approx(2.4390243902439)


def test_values_show_whole_numbers_whole_and_others_with_decimals(book):
    sheet = book["全市"]
    row = find_row(sheet, 指标编号="G03-zhongxin")
    assert cell(sheet, row, "完成值").value == 40 and cell(sheet, row, "完成值").number_format == "#,##0"
    ratio = find_row(sheet, 指标编号="G08-anzangdian")
    assert cell(sheet, ratio, "完成值").value == pytest.approx(87.68115942)
    assert cell(sheet, ratio, "完成值").number_format == "#,##0.0#"  # 87.68, not 88
    assert cell(sheet, ratio, "报送县数").value == 9 and cell(sheet, ratio, "应报县数").value == 10


def test_a_milestone_says_whether_it_is_done_instead_of_a_target(book):
    """In words, in a column of its own: 完成值 holds numbers only (issue 22: one kind of value per column)."""
    sheet = book["全市"]
    row = find_row(sheet, 指标编号="G01-shizhe")
    assert cell(sheet, row, "完成情况").value == "10/10 县完成" and cell(sheet, row, "完成值").value is None
    numbers = [cell(sheet, r, "完成值").value for r in range(FIRST_ROW, sheet.max_row + 1)]
    assert all(value is None or isinstance(value, (int, float)) for value in numbers)
    assert cell(sheet, row, "目标值").value is None and cell(sheet, row, "类型").value == "节点任务"


def test_the_deadline_is_a_date_cell(book):
    deadline = cell(book["全市"], FIRST_ROW, "截止日期")
    assert deadline.is_date and deadline.value.date() == dt.date(2021, 12, 31)
    assert deadline.number_format == "yyyy-mm-dd"


def test_status_cells_show_the_word_in_the_status_colours(book):
    sheet = book["分县"]
    row = find_row(sheet, 地区="磐安县", 指标编号="G03-zhongxin")
    status = cell(sheet, row, "状态")
    assert status.value == "未完成"  # on the deadline day
    assert status.fill.fgColor.rgb.endswith(STATUS_COLOURS[Status.MISSED].fill)
    assert status.font.color.rgb.endswith(STATUS_COLOURS[Status.MISSED].strong)


def test_a_missing_number_is_an_empty_cell_never_zero(book):
    sheet = book["分县"]
    row = find_row(sheet, 地区="金华开发区", 指标编号="G08-anzangdian")
    for heading in ("完成值", "完成进度", "对照序时(百分点)", "剩余", "数据月份", "按近期进度预计"):
        assert cell(sheet, row, heading).value is None, heading
    assert cell(sheet, row, "状态").value == "未报送"
    assert cell(sheet, row, "目标值").value == 85  # what can be known still is


def test_columns_are_as_wide_as_their_content_counting_chinese_double(book, report):
    sheet = book["全市"]
    names = sheet.column_dimensions[sheet.cell(row=HEADER_ROW, column=column_of(sheet, "指标名称")).column_letter]
    longest = max(cell_len(row.name) for row in report.city_rows)
    # (a workbook keeps a width as Excel lays it out in pixels: up to a character's fraction wider)
    assert longest <= names.width <= MAX_WIDTH + 1
    notes = sheet.column_dimensions[sheet.cell(row=HEADER_ROW, column=column_of(sheet, "各地说明")).column_letter]
    assert round(notes.width) in (MAX_WIDTH, MAX_WIDTH + 1)  # the long notes are capped, and wrap


# ------------------------------------------------------------------------------------------------ the notes


def test_the_city_sheet_gathers_the_lagging_counties_notes_with_the_month_of_older_ones(book):
    sheet = book["全市"]
    notes = cell(sheet, find_row(sheet, 指标编号="G02-jizhi"), "各地说明")
    assert notes.value == "东阳市:机制创新方案已起草,拟在马宅镇试点\n磐安县(2021-11):正在总结经验,拟报市局评审"
    assert notes.alignment.wrap_text
    assert sheet.row_dimensions[notes.row].height == 30  # two lines
    assert cell(sheet, find_row(sheet, 指标编号="G01-shizhe"), "各地说明").value is None


def test_the_county_sheet_shows_a_lagging_countys_own_note(book):
    sheet = book["分县"]
    row = find_row(sheet, 地区="磐安县", 指标编号="G09-hunyin3a")
    assert cell(sheet, row, "备注").value == "场地改造方案已报县政府,资金待落实"


@pytest.mark.parametrize("indicator", sorted(HOSTILE_NOTES))
def test_a_note_that_looks_like_a_formula_stays_the_countys_text(hostile_book, indicator):
    sheet = hostile_book["分县"]
    note = cell(sheet, find_row(sheet, 地区="磐安县", 指标编号=indicator), "备注")
    assert note.data_type == "s" and note.value == HOSTILE_NOTES[indicator]
    assert note.quotePrefix  # Excel keeps it text even when someone edits the cell


def test_the_city_sheet_quotes_the_hostile_note_as_it_was_written(hostile_book):
    sheet = hostile_book["全市"]
    notes = cell(sheet, find_row(sheet, 指标编号="G03-zhongxin"), "各地说明").value
    assert '磐安县:=HYPERLINK("http://x","y")' in notes.split("\n")


def test_no_cell_anywhere_is_a_formula(hostile_book, hostile_bytes):
    formulas = [(sheet.title, c.coordinate) for sheet in hostile_book for row in sheet.iter_rows() for c in row
                if c.data_type == "f"]
    assert formulas == []
    with zipfile.ZipFile(io.BytesIO(hostile_bytes)) as archive:
        sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/")]
        assert sheets and not any(re.search(rb"<f[ >]", archive.read(name)) for name in sheets)


def test_the_same_report_is_the_same_file(report):
    assert render_xlsx(report) == render_xlsx(report)


# ------------------------------------------------------------------------------------ an English hand-made plan


JUNE = dt.date(2021, 6, 30)


@pytest.fixture(scope="module")
def english_book():
    """A plan in English whose planner typed names that start like formulas; both counties report in June."""
    centres = Indicator(id="I1", name="=centres opened", goal="G1", kind=Kind.COUNT, target=20, baseline=0,
                        deadline=dt.date(2021, 12, 31), pace=Pace.LINEAR, unit="centres", owner="o1", per_county=10)
    plan = Plan(id="test-2021", title="=2021 work plan", organization="@bureau", start=dt.date(2021, 1, 1),
                end=dt.date(2021, 12, 31), language="en",
                counties=(County("a", "north"), County("b", "\x07=south")),
                owners=(Owner("o1", "+services"),), goals=(Goal("G1", "care", indicators=(centres,)),))
    records = [Record("a", "2021-06", "I1", 10500.0, None, None, None, None, "a.csv", 2),
               Record("b", "2021-06", "I1", 0.4945, None, None, None, "-\x01 behind: =SUM(A1)", "b.csv", 2)]
    return load_workbook(io.BytesIO(render_xlsx(build_report(plan, records_frame(records), JUNE))))


def test_an_english_plan_gets_english_sheets_and_headings(english_book):
    assert english_book.sheetnames == ["City", "Counties", "Owners", "Not reported"]
    city = english_book["City"]
    assert headers(city)[:3] == ["goal", "indicator id", "indicator"]
    assert cell(city, FIRST_ROW, "status").value in ("on track", "behind", "at risk", "met")
    assert headers(english_book["Counties"])[0] == "Area"


def test_when_everyone_reported_the_not_reported_sheet_says_so(english_book):
    sheet = english_book["Not reported"]
    assert sheet["A3"].value == "Every county has reported every indicator this month."
    assert sheet.max_row == FIRST_ROW


def test_names_a_planner_typed_stay_text_wherever_they_appear(english_book):
    assert english_book["City"]["A1"].value.startswith("=2021 work plan: progress report")
    assert english_book["City"]["A1"].data_type == "s" and english_book["City"]["A1"].quotePrefix
    counties = english_book["Counties"]
    assert cell(counties, FIRST_ROW, "indicator").value == "=centres opened"
    # a control character XML cannot hold is dropped, and what is left is still quoted
    south = cell(counties, FIRST_ROW + 1, "Area")
    assert south.value == "=south" and south.data_type == "s" and south.quotePrefix
    assert not cell(counties, FIRST_ROW, "Area").quotePrefix  # "north" needs no quote
    assert cell(counties, FIRST_ROW + 1, "note").value == "- behind: =SUM(A1)"
    assert english_book["Owners"]["A3"].value == "+services"
    cells = [c for sheet in english_book for row in sheet.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]


def test_formats_show_10500_with_a_separator_and_a_fraction_with_decimals(english_book):
    counties = english_book["Counties"]
    big, small = cell(counties, FIRST_ROW, "actual"), cell(counties, FIRST_ROW + 1, "actual")
    assert big.value == 10500 and big.number_format == "#,##0"
    assert small.value == pytest.approx(0.4945) and small.number_format == "#,##0.0#"


def test_the_shortfall_reads_as_words_and_projections_of_things_are_whole(book, sample):
    """对照序时 is a number (sortable) shown as 落后 2.4 / 超前 5.0, not a bare +2.4 that reads backwards; a
    projection in 户 or 家 is a whole number (issue 22): in June (on the deadline day nothing is projected)."""
    import datetime as dt

    sheet = book["全市"]
    row = find_row(sheet, 指标编号="G03-zhongxin")
    shortfall = cell(sheet, row, "对照序时(百分点)")
    assert shortfall.number_format == '"落后 "0.0;"超前 "0.0;0'
    sheet = load_workbook(io.BytesIO(render_xlsx(build_report(*sample, as_of=dt.date(2021, 6, 30)))))["全市"]
    projected = [cell(sheet, r, "按近期进度预计").value for r in range(3, sheet.max_row + 1)
                 if cell(sheet, r, "计量单位").value in ("户", "家", "个")]
    numbers = [value for value in projected if isinstance(value, (int, float))]
    assert numbers and all(float(value).is_integer() for value in numbers)


def test_a_pace_that_says_nothing_is_blank_in_the_workbook(sample):
    """June: a yes/no item not yet due has no 序时进度 or 对照序时 (`0%` and `超前 100` would be noise); a count
    paced by the year has both (issue 22, part 7)."""
    import datetime as dt

    june = load_workbook(io.BytesIO(render_xlsx(build_report(*sample, as_of=dt.date(2021, 6, 30)))))["全市"]
    task = find_row(june, 指标编号="G02-dibao-zhengce")  # done early, due at year end
    assert cell(june, task, "序时进度").value is None and cell(june, task, "对照序时(百分点)").value is None
    count = find_row(june, 指标编号="G03-zhongxin")
    assert 0.4 < cell(june, count, "序时进度").value < 0.6
    assert cell(june, count, "对照序时(百分点)").value > 0  # behind its pace
