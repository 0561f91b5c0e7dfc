"""The workbook of the monthly report (`gaps.xlsx`): the report's rows as tables a planning officer filters,
sorts and prints in Excel.

Four sheets, named in the plan's language (`ReportLabels.sheets`), each one flat table under a title line:

1. 全市    one row per indicator: its city row, with the counties' notes on it when it is lagging;
2. 分县    one row per indicator and county, with the county's note when the row is lagging;
3. 分处室  one row per responsible department: its indicators counted by status;
4. 未报送  one row per (county, indicator) pair not reported for the data month.

Numbers stay numbers (a missing one is an empty cell, never 0), progress is a fraction shown as a percentage,
deadlines are real dates. Notes and names are typed by counties and planners: every text cell is stored as
text, never as a formula (CWE-1236), and carries Excel's quote prefix when it starts like one, so that editing
the cell does not turn it into a formula either.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from operator import itemgetter
from types import MappingProxyType
from typing import Any, Callable, Generic, Mapping, Sequence, TypeVar

from rich.cells import cell_len

from mubiao.analysis.gaps import GapRow
from mubiao.analysis.notes import Note
from mubiao.analysis.report import LAGGING, OwnerSummary, Report
from mubiao.labels import Labels, ReportLabels, labels, report_labels, report_words, worded
from mubiao.models import Kind, Plan, Status
from mubiao.render.cells import FORMULA_STARTS
from mubiao.render.colours import STATUS_COLOURS
from mubiao.render.gaps import SUMMARY_ORDER, actual_text, area_name, owner_name, paced, refusal_text
from mubiao.render.package import DEFAULT_STAMP, stable_package
from mubiao.render.xlsx import storable

Row = TypeVar("Row")


@dataclass(frozen=True)
class Headings:
    """The column headings the shared `Labels` do not have."""

    goal: str
    indicator_id: str
    indicator_name: str
    kind: str
    unit: str
    baseline: str
    target: str
    actual: str
    progress: str
    expected_progress: str
    shortfall: str
    """Percentage points, and the heading says so."""
    remaining: str
    deadline: str
    counties_reporting: str
    counties_total: str
    projected_status: str
    notes: str
    """The city row's column of the lagging counties' notes."""
    note: str
    """A county row's own note."""
    note_line: str
    """One note in the city row's notes: `{area}` and `{text}`."""
    note_month: str
    """After the area of a note from an earlier month: `{}` is the month."""
    kinds: Mapping[str, str]
    """The word for each indicator kind."""


HEADINGS_ZH = Headings(
    goal="任务", indicator_id="指标编号", indicator_name="指标名称", kind="类型", unit="计量单位", baseline="基期值",
    target="目标值", actual="完成值", progress="完成进度", expected_progress="序时进度",
    shortfall="对照序时(百分点)", remaining="剩余", deadline="截止日期", counties_reporting="报送县数",
    counties_total="应报县数", projected_status="预计结果", notes="各地说明", note="备注",
    note_line="{area}:{text}", note_month="({})",
    kinds=MappingProxyType({Kind.COUNT.value: "累计数", Kind.LEVEL.value: "水平值", Kind.RATIO.value: "比率",
                            Kind.MILESTONE.value: "节点任务", Kind.TASK.value: "督办事项"}),
)

HEADINGS_EN = Headings(
    goal="goal", indicator_id="indicator id", indicator_name="indicator", kind="kind", unit="unit",
    baseline="baseline", target="target", actual="actual", progress="progress", expected_progress="expected progress",
    shortfall="vs pace (points)", remaining="remaining", deadline="deadline", counties_reporting="counties reporting",
    counties_total="counties due", projected_status="projection", notes="notes", note="note",
    note_line="{area}: {text}", note_month=" ({})",
    kinds=MappingProxyType({kind.value: kind.value for kind in Kind}),
)

#: Number formats. Progress is a fraction (0.4945 shows 49.5%); the shortfall is in percentage points.
PERCENT = "0.0%"
#: The shortfall, in words: a positive shortfall is behind the pace (`落后 22.0`), a negative one ahead (`超前 5.0`);
#: still a number, to sort and filter by.
POINTS = '"落后 "0.0;"超前 "0.0;0'
POINTS_EN = '"behind "0.0;"ahead "0.0;0'
COUNT = "0"
#: Units that count whole things: a projection in them is shown whole (2,782 户, not 2,781.92 户).
WHOLE_UNITS = frozenset("户家个人次场所张名处条项件座支")
DATE = "yyyy-mm-dd"
#: Values in the indicator's unit get the first that shows them whole: 18 as 18, 10500 as 10,500, 2.5 as 2.5.
#: (`#,##0.##` would show 18 as "18.", so the format is chosen per cell.)
WHOLE, DECIMAL = "#,##0", "#,##0.0#"

HEADER_FILL = "D9E1F2"
BORDER_GREY = "A6A6A6"
#: Column widths in characters (a CJK character counts 2), and the height of one line of text in points.
MIN_WIDTH, MAX_WIDTH, LINE_HEIGHT = 6, 60, 15
#: The title line is row 1, the header row 2; the rows start on row 3.
TITLE_ROW, HEADER_ROW = 1, 2


@dataclass(frozen=True)
class Column(Generic[Row]):
    """One column of a sheet: its heading and how a row gives its cell."""

    heading: str
    value: Callable[[Row], Any]
    """The cell: text, a number, a date, a Status (shown as its word, in its colours) or None (empty)."""
    number_format: str | None = None
    """For numbers; None: WHOLE or DECIMAL, whichever shows the value (values in the indicator's unit)."""
    wrap: bool = False
    """Long text (notes, lists) wraps within the column instead of running over the next ones."""
    colour: Status | None = None
    """A count of this status: nonzero cells get the status's colours."""


@dataclass(frozen=True)
class Words:
    """Every word a sheet needs, in the plan's language."""

    labels: Labels
    report: ReportLabels
    headings: Headings


def render_xlsx(report: Report) -> bytes:
    """The report's workbook (`gaps.xlsx`): the sheets 全市, 分县, 分处室 and 未报送 in this order, each a
    filterable table with a frozen header. The same report gives the same bytes.

    Written by XlsxWriter, a row at a time (a province's 分县 sheet has 400,000 cells: openpyxl took 12 s)."""
    import io

    import xlsxwriter

    plan = report.plan
    words = Words(*report_words(plan, report.gaps.area),
                  HEADINGS_EN if plan.language == "en" else worded(HEADINGS_ZH, plan))
    buffer = io.BytesIO()
    # in memory: no temporary files (which rules out XlsxWriter's constant_memory mode, so it is not asked for)
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False,
                                        "strings_to_urls": False})
    title = words.report.title.format(title=plan.title)
    # properties are XML too: no control characters
    book.set_properties({"title": storable(title), "author": storable(plan.organization), "created": DEFAULT_STAMP})
    byline = words.report.byline.format(organization=plan.organization, as_of=report.as_of.isoformat(),
                                        period=report.gaps.period)
    heading = f"{title} · {byline}"
    city, counties, owners, missing = words.report.sheets
    statuses = words.labels.statuses
    formats = _Formats(book)
    _write_table(book.add_worksheet(city), formats, heading, _city_columns(report, words), report.city_rows,
                 statuses, frozen=3)  # goal, indicator id, name
    _write_table(book.add_worksheet(counties), formats, heading, _county_columns(report, words),
                 [row for row in report.gaps.rows if row.county != report.gaps.area], statuses, frozen=4)  # and the area
    _write_table(book.add_worksheet(owners), formats, heading, _owner_columns(plan, words), report.owners, statuses,
                 frozen=1)
    _write_table(book.add_worksheet(missing), formats, heading, *_missing_table(report, words), statuses, frozen=1)
    book.close()
    return stable_package(buffer.getvalue())  # the same report is the same file


# ------------------------------------------------------------------------------------------------ the sheets


def _indicator_columns(plan: Plan, words: Words) -> list[Column[GapRow]]:
    """What names an indicator: the columns shared by the city and county sheets."""
    h = words.headings
    goal_titles = {goal.id: f"{goal.id} {goal.title}" for goal in plan.goals}
    return [
        Column(h.goal, lambda row: goal_titles.get(row.goal, row.goal)),
        Column(h.indicator_id, lambda row: row.indicator),
        Column(h.indicator_name, lambda row: row.name),
        Column(h.kind, lambda row: h.kinds.get(row.kind, row.kind)),
        Column(h.unit, lambda row: row.unit),
        Column(words.labels.owner, lambda row: owner_name(plan, row.owner) if row.owner else None),
    ]


def _figure_columns(words: Words) -> list[Column[GapRow]]:
    """Where a row stands: target, actual, progress against the pace, status."""
    h, w = words.headings, words.labels

    def number(name: str) -> Callable[[GapRow], float | None]:
        # a milestone is done or not: its baseline, target and the like are not numbers anyone reads
        return lambda row: None if _said_in_words(row) else getattr(row, name)

    def done(row: GapRow) -> str | None:
        # a milestone's figure in words: `是`/`否`, or `8/10 县完成` on the city row, as the other report files say
        # it (its own column: 完成值 holds numbers only, for a filter or a sum)
        return actual_text(row, w) if _said_in_words(row) and row.actual is not None else None

    return [
        Column(h.baseline, number("baseline")),
        Column(h.target, number("target")),
        Column(w.expected, number("expected")),
        Column(h.actual, number("actual")),
        Column("done" if words.headings is HEADINGS_EN else "完成情况", done),
        Column(h.progress, lambda row: None if row.is_task else row.progress, PERCENT),
        # a pace that says nothing (a yes/no item's, a step-paced level's before its date) is left blank, as
        # in the report
        Column(h.expected_progress, lambda row: row.expected_progress if paced(row) and not row.is_task else None,
               PERCENT),
        Column(h.shortfall, lambda row: row.shortfall if paced(row) and not row.is_task else None,
               POINTS_EN if words.headings is HEADINGS_EN else POINTS),
        Column(h.remaining, number("remaining")),
        Column(w.status, lambda row: row.status),
        Column(h.deadline, lambda row: row.deadline, DATE),
        Column(w.reported, lambda row: row.reported_period),
    ]


def _said_in_words(row: GapRow) -> bool:
    """A yes/no item or a task: its figure is said in words (是, 推进中), its numbers are no one's to read."""
    return row.kind in (Kind.MILESTONE.value, Kind.TASK.value)


def _projection_columns(words: Words) -> list[Column[GapRow]]:
    verdicts = {"will_meet": words.labels.will_meet, "will_miss": words.labels.will_miss}
    return [
        Column(words.labels.projected, lambda row: None if row.projected is None else (
            round(row.projected) if row.unit in WHOLE_UNITS else row.projected)),
        Column(words.headings.projected_status, lambda row: verdicts.get(row.projected_status or "")),
    ]


def _city_columns(report: Report, words: Words) -> list[Column[GapRow]]:
    h = words.headings
    notes = {lagging.row.indicator: lagging.notes for lagging in report.every_lagging}

    def notes_text(row: GapRow) -> str | None:
        lines = [_note_line(report, note, words) for note in notes.get(row.indicator, ())]
        return "\n".join(lines) or None

    return [
        *_indicator_columns(report.plan, words),
        *_figure_columns(words),
        Column(h.counties_reporting, lambda row: row.counties_reporting, COUNT),
        Column(h.counties_total, lambda row: row.counties_total, COUNT),
        *_projection_columns(words),
        *_refused_column(report, words),
        Column(h.notes, notes_text, wrap=True),
    ]


def _county_columns(report: Report, words: Words) -> list[Column[GapRow]]:
    # report.lagging holds the newest note of each lagging county: the note that explains that row
    notes = {(lagging.row.indicator, note.county): note.text
             for lagging in report.every_lagging for note in lagging.notes}
    return [
        Column(words.labels.county, lambda row: area_name(report.plan, row.county, words.labels)),
        *_indicator_columns(report.plan, words),
        *_figure_columns(words),
        *_projection_columns(words),
        *_refused_column(report, words),
        Column(words.headings.note, lambda row: notes.get((row.indicator, row.county)), wrap=True),
    ]


def _refused_column(report: Report, words: Words) -> list[Column[GapRow]]:
    """A column saying which later figure of a row was refused and why, when any was (`Gaps.refused`)."""
    gaps = report.gaps
    if not gaps.any_refused:
        return []
    heading = "refused figure" if words.headings is HEADINGS_EN else "未采用的报送"
    return [Column(heading, lambda row: refusal_text(gaps.refusal(row)), wrap=True)]


def _owner_columns(plan: Plan, words: Words) -> list[Column[OwnerSummary]]:
    separator = words.labels.list_separator
    names = {ind.id: ind.name for ind in plan.indicators}

    def count_of(status: Status) -> Callable[[OwnerSummary], int]:
        return lambda owner: owner.statuses.get(status, 0)

    return [
        Column(words.labels.owner, lambda owner: owner_name(plan, owner.owner)),
        Column(words.report.indicators_and_tasks if any(ind.is_task for ind in plan.indicators) else
               words.report.indicators, lambda owner: owner.indicators, COUNT),
        *(Column(words.labels.statuses[status], count_of(status), COUNT, colour=status) for status in SUMMARY_ORDER),
        Column(words.report.lagging_indicators,
               lambda owner: separator.join(names.get(i, i) for i in owner.lagging) or None, wrap=True),
    ]


def _missing_table(report: Report, words: Words) -> tuple[list[Column], list[tuple]]:
    """The (county, indicator) pairs not reported for the data month, as rows of cells; when there are none,
    one row that says so (an empty table would leave the reader wondering whether the sheet was filled)."""
    plan, completeness = report.plan, report.gaps.completeness
    w, h = words.labels, words.headings
    headings = [w.county, h.indicator_id, h.indicator_name, w.owner, w.reported]
    columns = [Column(heading, itemgetter(index)) for index, heading in enumerate(headings)]
    if not completeness.missing:
        return columns, [(words.report.all_reported, None, None, None, None)]
    indicators = {ind.id: ind for ind in plan.indicators}
    rows = []
    for entry in completeness.missing:
        for indicator_id in entry.indicators:
            found = indicators.get(indicator_id)
            rows.append((area_name(plan, entry.county, w), indicator_id,
                         found.name if found else None,
                         owner_name(plan, found.owner) if found and found.owner else None,
                         completeness.period))
    return columns, rows


def _note_line(report: Report, note: Note, words: Words) -> str:
    """`婺城区:text`; a note written before the data month says when (`永康市(2021-11):text`): the situation
    may have changed since."""
    area = area_name(report.plan, note.county, words.labels)
    if note.period != report.gaps.period:
        area += words.headings.note_month.format(note.period)
    return words.headings.note_line.format(area=area, text=note.text)


# ------------------------------------------------------------------------------------------------ the writer


@dataclass(frozen=True)
class StatusWord:
    """A status cell: the word shown, and the status that colours it."""

    status: Status
    word: str


class _Formats:
    """The cell formats of a workbook, each made once (a format is a style a workbook keeps one copy of)."""

    def __init__(self, book) -> None:
        self.book = book
        self.made: dict[tuple, Any] = {}

    def heading(self, text: str, title: bool = False) -> Any:
        """The format of the title line or of a column heading (with the quote prefix when it starts like a
        formula: a plan's title is typed by a planner)."""
        look = ("title" if title else "header", text.startswith(FORMULA_STARTS))
        if look not in self.made:
            style = {"bold": True, "font_size": 14} if title else {
                "bold": True, "border": 1, "border_color": f"#{BORDER_GREY}", "bg_color": f"#{HEADER_FILL}",
                "align": "center", "valign": "vcenter"}
            self.made[look] = self.book.add_format(style | ({"quote_prefix": True} if look[1] else {}))
        return self.made[look]

    def of(self, value: Any, column: Column) -> Any:
        """A data cell's format: thin borders, top-aligned (wrapped in a wrapping column); a status in its colours;
        a number or a date in the column's format; text that starts like a formula with Excel's quote prefix."""
        look = (column.wrap, column.colour, *_look(value, column))
        if look not in self.made:
            style: dict[str, Any] = {"border": 1, "border_color": f"#{BORDER_GREY}", "valign": "top"}
            if column.wrap:
                style["text_wrap"] = True
            if isinstance(value, StatusWord):
                style |= _colours(value.status)
            elif isinstance(value, str) and value.startswith(FORMULA_STARTS):
                style["quote_prefix"] = True
            elif isinstance(value, dt.date):
                style["num_format"] = column.number_format or DATE
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                style["num_format"] = column.number_format or _value_format(value)
                if column.colour is not None and value:
                    style |= _colours(column.colour)
            self.made[look] = self.book.add_format(style)
        return self.made[look]


def _colours(status: Status) -> dict[str, Any]:
    colours = STATUS_COLOURS[status]
    return {"bg_color": f"#{colours.fill}", "font_color": f"#{colours.strong}", "bold": status in LAGGING}


def _write_table(sheet, formats: _Formats, title: str, columns: Sequence[Column], rows: Sequence,
                 statuses: Mapping[Status, str], frozen: int = 0) -> None:
    """The title on row 1, the header on row 2 (bold, filled, frozen, filtered, repeated on every printed
    page), then a row per item; columns as wide as their content, printed landscape on A4, one page wide.
    `statuses` are the words status cells show."""
    values = [[_cell_value(column.value(item), statuses) for column in columns] for item in rows]
    widths = [_width(column, [line[index] for line in values]) for index, column in enumerate(columns)]
    for number, width in enumerate(widths):
        sheet.set_column(number, number, width)
    sheet.freeze_panes(HEADER_ROW, frozen)  # the header, and the columns that say which row it is
    sheet.autofilter(HEADER_ROW - 1, 0, HEADER_ROW - 1 + max(len(rows), 1), len(columns) - 1)
    sheet.repeat_rows(HEADER_ROW - 1)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.write_string(TITLE_ROW - 1, 0, storable(title), formats.heading(storable(title), title=True))
    for number, column in enumerate(columns):
        sheet.write_string(HEADER_ROW - 1, number, storable(column.heading), formats.heading(storable(column.heading)))
    for row_number, line in enumerate(values, start=HEADER_ROW):
        lines = max([1, *(_wrapped_lines(value, width) for column, value, width in zip(columns, line, widths)
                          if column.wrap and isinstance(value, str))])
        if lines > 1:  # Excel does not grow a row for wrapped text it did not lay out itself
            sheet.set_row(row_number, lines * LINE_HEIGHT)
        for number, (column, value) in enumerate(zip(columns, line)):
            _put_value(sheet, row_number, number, value, formats.of(value, column))


def _cell_value(value: Any, statuses: Mapping[Status, str]) -> Any:
    """The value as it is written: a status as its word; text as a workbook can hold it; a number that is not
    finite (which a workbook cannot hold) as no number."""
    if isinstance(value, Status):
        return StatusWord(value, statuses[value])
    if isinstance(value, str):
        return storable(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _put_value(sheet, row: int, column: int, value: Any, cell_format: Any) -> None:
    """Write a value: None leaves the cell empty (missing is never 0); text is stored as text whatever it starts
    with."""
    if isinstance(value, StatusWord):
        sheet.write_string(row, column, value.word, cell_format)
    elif isinstance(value, str):
        sheet.write_string(row, column, value, cell_format)
    elif isinstance(value, dt.date):
        sheet.write_datetime(row, column, dt.datetime.combine(value, dt.time()), cell_format)
    elif isinstance(value, (int, float)):
        sheet.write_number(row, column, value, cell_format)
    else:
        sheet.write_blank(row, column, None, cell_format)


def _look(value: Any, column: Column) -> tuple:
    """What decides a cell's format within its column: the status, the number format, the colour, the quote."""
    if isinstance(value, StatusWord):
        return ("status", value.status)
    if isinstance(value, str):
        return ("text", value.startswith(FORMULA_STARTS))  # the quote prefix
    if isinstance(value, dt.date):
        return ("date", column.number_format)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return ("number", column.number_format or _value_format(value), bool(value) and column.colour is not None)
    return (type(value).__name__,)


def _value_format(value: float) -> str:
    return WHOLE if round(value, 2) == round(value) else DECIMAL


def _shown(value: Any, column: Column) -> str:
    """About what Excel shows for a value, to size its column."""
    if value is None:
        return ""
    if isinstance(value, StatusWord):
        return value.word
    if isinstance(value, str):
        return value
    if isinstance(value, dt.date):
        return "yyyy-mm-dd"
    if column.number_format == PERCENT:
        return f"{value * 100:.1f}%"
    if column.number_format in (POINTS, POINTS_EN):
        return f"落后 {abs(value):.1f}"  # (as wide as what Excel shows, in either language)
    if column.number_format == COUNT:
        return f"{value:.0f}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _width(column: Column, values: Sequence[Any]) -> int:
    """As wide as the heading and the widest line of the cells, plus a margin, within MIN_WIDTH..MAX_WIDTH."""
    widest = max((cell_len(line) for value in values for line in _shown(value, column).split("\n")), default=0)
    return min(max(widest, cell_len(column.heading), MIN_WIDTH) + 2, MAX_WIDTH)


def _wrapped_lines(text: str, width: int) -> int:
    """How many lines a wrapped text takes in a column `width` characters wide (CJK characters count 2)."""
    usable = max(width - 2, 1)
    return sum(max(1, math.ceil(cell_len(line) / usable)) for line in text.split("\n"))
