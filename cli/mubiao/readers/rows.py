"""The rules of a progress file's rows (docs/progress-files.md), written once, for whole columns of rows.

Every row of every file goes through `read_rows`, whichever way its file was split into cells (Python's csv
module, an xlsx sheet, or many CSV bodies at once by `mubiao.readers.bulk`). A column's cells are read once per
distinct cell (a month column holds one text, an indicator column a few hundred), by the functions of
`mubiao.numbers`; the rules that compare cells are comparisons of whole columns. Each rule is one mask over the
rows, and its finding is worded from the row's own cells, as it names the cell to mend (`I5:…`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cached_property
from typing import Callable, Sequence

import numpy as np

from mubiao.checks.findings import RULES, Finding
from mubiao.models import Kind
from mubiao.note_parts import joined
from mubiao.numbers import (
    TOLERANCE,
    Cell,
    CellError,
    cell_text,
    format_number,
    is_blank,
    parse_date,
    parse_done_flag,
    parse_number,
    parse_period,
    parse_stage,
)
from mubiao.readers.columns import FIGURE_FIELDS
from mubiao.readers.layout import _KINDS, FileOrigin, Layout, Lookup, cell_finding, month_number, month_text
from mubiao.suggest import closest

#: The fields of a record, as columns (`Records`).
RECORD_FIELDS = ("county", "period", "indicator", "value", "numerator", "denominator", "done_on", "note", "file",
                 "row")

_PLAIN_NUMBER = re.compile(r"-?[0-9]{1,15}(?:\.[0-9]{1,15})?")  # read as float(text) by parse_number too
_EPOCH = dt.date(1970, 1, 1)
_NAT = np.iinfo(np.int64).min
_BLANK, _UNKNOWN, _BAD = -2, -1, -3  # codes of a cell that says nothing, names nothing known, cannot be read


class Column:
    """A column of cells as a code per row into its distinct cells (the same text, the same code)."""

    def __init__(self, codes: np.ndarray, cells: list[Cell]) -> None:
        self.codes = codes
        self.cells = cells

    @classmethod
    def of(cls, cells: Sequence[Cell]) -> Column:
        """A column of cells as Python holds them (True, 1 and 1.0 are three cells: they read differently)."""
        index: dict[tuple, int] = {}
        codes = np.fromiter((index.setdefault((type(cell), cell), len(index)) for cell in cells), np.int32,
                            len(cells))
        return cls(codes, [cell for _, cell in index])

    def read(self, read: Callable[[Cell], object], dtype=object, rows: np.ndarray | None = None) -> np.ndarray:
        """`read` of each row's cell (of these `rows` only, if given), worked out once per distinct cell."""
        return self.table(read, dtype)[self.codes if rows is None else self.codes[rows]]

    def table(self, read: Callable[[Cell], object], dtype=object, among: np.ndarray | None = None,
              fill: object = None) -> np.ndarray:
        """`read` of each distinct cell, in the order of the codes; with `among` (a mask of rows), only of the
        cells of those rows, `fill` for the others."""
        wanted = range(len(self.cells)) if among is None else np.unique(self.codes[among]).tolist()
        table = np.full(max(len(self.cells), 1), fill if dtype is object or fill is not None else 0, dtype=dtype)
        for code in wanted:
            table[code] = read(self.cells[code])  # one by one: a tuple read must stay one object
        return table

    @cached_property
    def plain(self) -> np.ndarray:
        """Each distinct cell as the number it is when no unit can change it: NaN when blank, inf when it is to be
        read with its row's unit (`41家`, `１２`, `90%`: anything but a plain number)."""
        return np.array([_plain_number(cell) for cell in self.cells] or [np.nan], dtype=np.float64)

    def cell(self, row: int) -> Cell:
        return self.cells[self.codes[row]]


class ArrowColumn(Column):
    """A pyarrow column of text, made a Column when first read (a column no rule reads is never encoded)."""

    def __init__(self, array) -> None:  # noqa: D107 - (the parent's attributes are made on first use)
        self.array = array

    @cached_property
    def _encoded(self):
        return self.array.dictionary_encode()

    @cached_property
    def codes(self) -> np.ndarray:
        from mubiao.readers.bulk import integers

        return integers(self._encoded.indices).astype(np.int32, copy=False)

    @cached_property
    def cells(self) -> list:
        return self._encoded.dictionary.to_pylist()

    @cached_property
    def plain(self) -> np.ndarray:
        """As `Column.plain`, the plain numbers found and read by pyarrow, in C (a national read has millions of
        distinct figures): the same pattern, read as the same float."""
        import pyarrow as pa
        import pyarrow.compute as pc

        from mubiao.readers.bulk import booleans, numbers

        texts = self._encoded.dictionary
        matched = pc.match_substring_regex(texts, pattern=f"^{_PLAIN_NUMBER.pattern}$")
        found = booleans(matched)
        plain = np.full(max(len(texts), 1), np.inf)
        plain[np.flatnonzero(found)] = numbers(pc.cast(texts.filter(matched), pa.float64()))
        for code in np.flatnonzero(~found).tolist():
            if is_blank(self.cells[code]):
                plain[code] = np.nan
        return plain


@dataclass
class Rows:
    """Rows of files that share one layout, as columns: `columns[j]` holds each row's cell of column j + 1 (and
    there may be more columns than the header has: cells beyond it)."""

    layout: Layout
    columns: list[Column]
    origin: np.ndarray
    """Each row's file, as its position among the `origins` `read_rows` is given."""
    number: np.ndarray
    """Each row's number in its file, 1-based as Excel shows it."""
    beyond: np.ndarray
    """The 1-based column of the first cell beyond the header in each row (D107), 0 where there is none."""
    length: np.ndarray
    """How many cells each row has, as the finding of a row beyond the header counts them."""
    value_at: np.ndarray | None = None
    """A wide table's: the sheet's column of each row's figure, which a finding of its 完成值 names."""

    @classmethod
    def of_lists(cls, layout: Layout, rows: Sequence[Sequence[Cell]], origin: int, first_number: int,
                 csv: bool, places: tuple[Sequence[int], Sequence[int]] | None = None) -> Rows:
        """The rows of one file as read by `read_raw_table` (each as long as it was written); `places`: a wide
        table's sheet row and column of each row's figure."""
        from mubiao.readers.tables import trim_row

        width = max([layout.width, *map(len, rows)])
        padded = [list(row) + [None] * (width - len(row)) for row in rows]
        columns = [Column.of([row[j] for row in padded]) for j in range(width)] if padded else \
            [Column(np.empty(0, np.int32), []) for _ in range(width)]
        beyond = np.zeros(len(rows), dtype=np.int32)
        length = np.zeros(len(rows), dtype=np.int32)
        for number, row in enumerate(rows):
            length[number] = len(row) if csv else len(trim_row(list(row)))
            if len(row) > layout.width:  # a CSV's separators say the cell is there; an xlsx cell must say something
                extra = [j for j in range(layout.width, len(row)) if csv or not is_blank(row[j])]
                beyond[number] = extra[0] + 1 if extra else 0
        numbers = np.arange(first_number, first_number + len(rows), dtype=np.int32) if places is None else \
            np.asarray(places[0], dtype=np.int32)
        return cls(layout, columns, np.full(len(rows), origin, dtype=np.int32), numbers, beyond, length,
                   None if places is None else np.asarray(places[1], dtype=np.int32))

    def __len__(self) -> int:
        return len(self.number)

    def field(self, name: str) -> Column | None:
        column = self.layout.columns.get(name)
        return self.columns[column - 1] if column is not None else None


@dataclass
class Records:
    """Records as columns (RECORD_FIELDS): area, month and indicator codes, figures as float64 (NaN: blank),
    `done_on` as datetime64[D] (NaT: blank), `note` str or None, `file` a position among the read's files."""

    county: np.ndarray
    period: np.ndarray
    indicator: np.ndarray
    value: np.ndarray
    numerator: np.ndarray
    denominator: np.ndarray
    done_on: np.ndarray
    note: np.ndarray
    file: np.ndarray
    row: np.ndarray

    def __len__(self) -> int:
        return len(self.row)

    @classmethod
    def keys_only(cls, county: np.ndarray, period: np.ndarray, indicator: np.ndarray, file: np.ndarray,
                  row: np.ndarray, column: np.ndarray | None = None) -> Records:
        """Records of keys only, no figure and no note (refused rows: `read_rows`); `value` holds `column`, a wide
        table's column of the refused figure (NaN: none)."""
        count = len(row)
        nothing = np.full(count, np.nan)
        return cls(county=county.astype(np.int32), period=period.astype(np.int32),
                   indicator=indicator.astype(np.int32), value=nothing if column is None else column.astype(np.float64),
                   numerator=nothing, denominator=nothing,
                   done_on=np.full(count, _NAT, dtype=np.int64).view("datetime64[D]"),
                   note=np.full(count, None, dtype=object), file=file.astype(np.int32), row=row.astype(np.int32))

    @classmethod
    def concat(cls, parts: Sequence[Records]) -> Records:
        if not parts:
            empty = {"done_on": np.empty(0, "datetime64[D]"), "note": np.empty(0, object),
                     **{name: np.empty(0, np.float64) for name in ("value", "numerator", "denominator")}}
            return cls(**{name: empty.get(name, np.empty(0, np.int32)) for name in RECORD_FIELDS})
        return cls(**{name: np.concatenate([getattr(part, name) for part in parts]) for name in RECORD_FIELDS})


def read_rows(rows: Rows, origins: Sequence[FileOrigin], lookup: Lookup,
              findings: list[Finding], refused: list[Records] | None = None) -> Records:
    """The records of `rows`, adding to `findings` what the rules say of them: each row's cells are checked the
    way its indicator asks (docs/progress-files.md), and a row with an error-level finding gives no record.

    A refused row whose area, month and indicator are known (its figure is what was wrong) is added to `refused`,
    as a record without figures: the row of the gaps it was for says that this month's figure was refused."""
    rules = _RowRules(rows, origins, lookup, findings)
    records = rules.records()
    if refused is not None and len(rules.refused):
        refused.append(rules.refused)
    return records


#: Unknown indicator ids given a did-you-mean per read: a file of 200,000 made-up ids would take 20 s for it.
SUGGESTED_IDS = 1_000


#: What a form's footer rows start with: who filled it in, who checked it, how to reach them.
_FOOTER = re.compile(r"\s*(?:填表人|填报人|制表人|审核人|审核|负责人|单位负责人|分管领导|联系人|联系电话|电话|填表日期|填报日期)"
                     r"\s*[:：]")


def is_footer(cell: Cell) -> bool:
    """Whether a cell opens a form's footer row (`填表人:张三`): the row is no record, and nothing to say of."""
    return isinstance(cell, str) and _FOOTER.match(cell) is not None


def _rows(count: int) -> str:
    """How many rows one finding stands for, after its message (nothing for one)."""
    return f"(本文件共 {count} 行如此,只在第一行列出;请把文件移到对应的目录,或改正这一列)" if count > 1 else ""


class _RowRules:
    def __init__(self, rows: Rows, origins: Sequence[FileOrigin], lookup: Lookup, findings: list[Finding]) -> None:
        self.rows, self.lookup, self.findings = rows, lookup, findings
        self.origins = origins
        self.names = [origin.name for origin in origins]
        self.path_area = np.array([origin.area for origin in origins] or [-1], dtype=np.int64)[rows.origin]
        self.path_month = np.array([origin.month for origin in origins] or [-1], dtype=np.int64)[rows.origin]
        self.failed = np.zeros(len(rows), dtype=bool)
        self.refused = Records.concat([])

    def at(self, name: str) -> int | None:
        return self.rows.layout.columns.get(name)

    def add(self, code: str, where: np.ndarray, message: Callable[[int], str], column: int | None | np.ndarray,
            ) -> None:
        """A finding of `code` at each row of the mask `where`, worded by `message(row)`, at `column` (one for all,
        or one per row); an error fails the row's figures."""
        rows = self.rows
        value = self.at("value") if rows.value_at is not None else None
        for i in np.flatnonzero(where).tolist():
            at = column[i] if isinstance(column, np.ndarray) else column
            if value is not None and at == value:  # a wide table's figure: the cell of the sheet it was in
                at = int(rows.value_at[i])
            self.findings.append(cell_finding(self.names[rows.origin[i]], code, message(i), int(rows.number[i]),
                                              None if at is None or at < 0 else int(at)))
        if RULES[code].severity.value == "error":
            self.failed |= where

    def add_once(self, code: str, where: np.ndarray, key: np.ndarray, message: Callable[[int, int], str],
                 column: int | None) -> None:
        """As `add`, but one finding per file and value of `key`, at the first such row, worded by
        `message(row, rows)` with the number of rows it stands for (a file in the wrong month folder is one
        finding, not one per row); every row of `where` fails as `add` fails it."""
        first: dict[tuple[int, int], int] = {}
        count: dict[int, int] = {}
        for i in np.flatnonzero(where).tolist():
            at = first.setdefault((int(self.rows.origin[i]), int(key[i])), i)
            count[at] = count.get(at, 0) + 1
        shown = np.zeros(len(self.rows), dtype=bool)
        shown[list(count)] = True
        self.add(code, shown, lambda i: message(i, count[i]), column)
        if RULES[code].severity.value == "error":
            self.failed |= where

    def text(self, name: str, row: int) -> str:
        return cell_text(self.rows.field(name).cell(row))

    def blank(self, name: str) -> np.ndarray:
        column = self.rows.field(name)
        if column is None:
            return np.ones(len(self.rows), dtype=bool)
        if name in ("value", "numerator", "denominator"):  # (a plain number is not blank, nor anything inf)
            return np.isnan(column.plain)[column.codes]
        return column.read(is_blank, bool)

    def records(self) -> Records:
        rows = self.rows
        indicator_blank = self.blank("indicator")
        blank_row = indicator_blank.copy()  # every cell blank (a blank line): nothing to say of it
        for column in rows.columns:
            candidates = np.flatnonzero(blank_row)
            if not len(candidates):
                break
            blank_row[candidates] = column.read(is_blank, bool, candidates)
        live = ~blank_row
        for column in {id(c): c for c in (rows.columns[:1] + [rows.field("indicator")]) if c is not None}.values():
            live &= ~column.read(is_footer, bool)  # 填表人:张三  审核人:李四  联系电话: a form's signature rows
        self._beyond_header(live & (rows.beyond > 0))
        live &= rows.beyond == 0

        indicator = self._indicators(live, indicator_blank)
        live &= indicator >= 0
        area = self._areas(live)
        month = self._months(live)
        live &= (area >= 0) & (month >= 0)
        live &= ~self._scope(live, indicator, area)
        value, numerator, denominator, done_on = self._figures(live, indicator, area)
        kept = live & ~self.failed
        refused = live & self.failed
        self.refused = Records.keys_only(area[refused], month[refused], indicator[refused], rows.origin[refused],
                                         rows.number[refused],
                                         None if rows.value_at is None else rows.value_at[refused])
        note = self._notes()
        return Records(county=area[kept].astype(np.int32), period=month[kept].astype(np.int32),
                       indicator=indicator[kept].astype(np.int32), value=value[kept], numerator=numerator[kept],
                       denominator=denominator[kept], done_on=done_on[kept], note=note[kept],
                       file=rows.origin[kept], row=rows.number[kept])

    def _notes(self) -> np.ndarray:
        """Each row's note: its 备注, with its 存在问题 and 下步措施 when the file has those columns, as one labelled
        text (note_parts.joined); None where all are blank."""
        texts = []
        for name in ("note", "problem", "measure"):
            column = self.rows.field(name)
            texts.append(column.read(lambda cell: None if is_blank(cell) else str(cell).strip())
                         if column is not None else None)
        if texts[1] is None and texts[2] is None:
            return texts[0] if texts[0] is not None else np.full(len(self.rows), None, dtype=object)
        blank = np.full(len(self.rows), None, dtype=object)
        return np.array([joined(*parts) for parts in zip(*(t if t is not None else blank for t in texts))],
                        dtype=object)

    def _beyond_header(self, ragged: np.ndarray) -> None:
        rows, width = self.rows, self.rows.layout.width

        def message(i: int) -> str:
            cells = [rows.columns[j].cell(i) for j in range(rows.beyond[i] - 1, len(rows.columns))]
            extra = "、".join(f"“{cell_text(cell)}”" for cell in cells if not is_blank(cell))
            return (f"这一行有 {rows.length[i]} 格,表头只有 {width} 列{(',多出' + extra) if extra else ''};"
                    f"数字中的逗号(10,800)会把一格拆成两格,请去掉逗号或给单元格加引号。这一行未读取")

        self.add("D107", ragged, message, rows.beyond)

    def _indicators(self, live: np.ndarray, blank: np.ndarray) -> np.ndarray:
        """Each row's indicator code (−1: none known); D110 for a row with figures and no known indicator."""
        lookup, column = self.lookup, self.rows.field("indicator")
        codes = column.read(lambda cell: lookup.indicator_code.get(cell_text(cell),
                                                                   lookup.indicator_code.get("".join(cell_text(cell).split()),
                                                                                             _UNKNOWN)), np.int64)
        figures = np.zeros(len(self.rows), dtype=bool)
        for name in FIGURE_FIELDS:
            figures |= ~self.blank(name)
        self.add("D110", live & blank & figures, lambda i: "这一行有数字,但没有指标编号", self.at("indicator"))

        guesses: dict[str, str | None] = {}

        def unknown(i: int) -> str:
            text = self.text("indicator", i)
            if text not in guesses and len(guesses) < SUGGESTED_IDS:  # (difflib: 0.1 ms an id)
                guesses[text] = closest(text, lookup.indicator_code)
            guess = guesses.get(text)
            return f"计划中没有指标“{text}”{f'(是不是“{guess}”?)' if guess else '(见计划中的指标编号)'}"

        self.add("D110", live & ~blank & (codes == _UNKNOWN), unknown, self.at("indicator"))
        return np.where(blank, _UNKNOWN, codes)

    def _areas(self, live: np.ndarray) -> np.ndarray:
        """Each row's area code (−1: none): its cell, else its file's name (D105, D111, D114)."""
        lookup, column, at = self.lookup, self.rows.field("county"), self.at("county")
        cell = np.full(len(self.rows), _BLANK) if column is None else column.read(
            lambda c: _BLANK if is_blank(c) else (_UNKNOWN if (code := lookup.area(c)) is None else code), np.int64)
        path = self.path_area
        blank = cell == _BLANK
        self.add("D105", live & blank & (path < 0), lambda i: lookup.say("县(市、区)为空,文件名也不是县的编号或名称"), at)
        self.add("D111", live & (cell == _UNKNOWN),
                 lambda i: f"{lookup.say('计划中没有县')}“{self.text('county', i)}”{lookup.suggest(column.cell(i))}", at)
        disagree = (cell >= 0) & (path >= 0) & (cell != path)
        self.add_once("D114", live & disagree, cell, lambda i, n: f"{lookup.say('县')}“{self.text('county', i)}”与文件名"
                                                               f"“{self.origins[self.rows.origin[i]].stem}”"
                                                               f"({lookup.label(path[i])})不一致{_rows(n)}", at)
        return np.where(blank, path, np.where(disagree, _UNKNOWN, cell))

    def _months(self, live: np.ndarray) -> np.ndarray:
        """Each row's month (−1: none): its cell, else its file's folder (D106, D112, D113, D114)."""
        lookup, column, at = self.lookup, self.rows.field("period"), self.at("period")

        def read(cell: Cell) -> int | str:
            if is_blank(cell):
                return _BLANK
            try:
                return month_number(parse_period(cell))
            except CellError as exc:
                return str(exc)

        if column is None:
            parsed, bad, cell = None, np.zeros(len(self.rows), dtype=bool), np.full(len(self.rows), _BLANK)
        else:
            table = column.table(read)
            parsed = table[column.codes]
            bad = np.array([isinstance(p, str) for p in table], dtype=bool)[column.codes]
            cell = np.array([_BAD if isinstance(p, str) else p for p in table], dtype=np.int64)[column.codes]
        path = self.path_month
        blank = cell == _BLANK
        self.add("D106", live & blank & (path < 0), lambda i: "月份为空,文件也不在 YYYY-MM 月份目录下", at)
        self.add("D112", live & bad, lambda i: parsed[i], at)
        disagree = (cell >= 0) & (path >= 0) & (cell != path)
        self.add_once("D114", live & disagree, cell,
                      lambda i, n: f"月份 {month_text(cell[i])} 与所在目录 {month_text(path[i])} 不一致{_rows(n)}", at)
        outside = (cell >= 0) & ~disagree & ((cell < lookup.first_month) | (cell > lookup.last_month))
        self.add("D113", live & outside,
                 lambda i: f"月份 {month_text(cell[i])} 不在计划期({lookup.plan_months()})内", at)
        return np.where(blank, path, np.where(disagree | outside, -1, cell))

    def _scope(self, live: np.ndarray, indicator: np.ndarray, area: np.ndarray) -> np.ndarray:
        """D115 (returned: those rows give no record), D116, D117: who may report the indicator."""
        lookup, at = self.lookup, self.at("indicator")
        ind = np.maximum(indicator, 0)
        city_scope = lookup.city_scope[ind]
        by_city = area == 0
        refused = live & city_scope & ~by_city
        self.add("D115", refused, lambda i: f"{lookup.indicators[ind[i]].id} {lookup.say('由市本级报送')}(scope = \"city\"),"
                                            f"{lookup.label(area[i])}不应报送", at)
        self.add("D116", live & ~city_scope & by_city & ~lookup.own_counts[ind],
                 lambda i: f"{lookup.indicators[ind[i]].id} {lookup.say('按县报送,市本级的数字不计入全市')}", at)

        def unlisted(i: int) -> str:
            ind_ = lookup.indicators[ind[i]]
            names = "、".join(lookup.plan.area_name(county) for county in ind_.counties)
            return f"{ind_.id} 只由 {names} 报送,{lookup.label(area[i])}的数字不会被使用"

        not_listed = ~lookup.listed[ind, np.maximum(area, 0)]
        self.add("D117", live & ~city_scope & ~by_city & not_listed, unlisted, at)
        return refused

    def _figures(self, live: np.ndarray, indicator: np.ndarray,
                 area: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """value, numerator, denominator and done_on of each live row, read as its indicator's kind asks (D120 to
        D128; NaN/NaT where blank or not read)."""
        lookup = self.lookup
        ind = np.maximum(indicator, 0)
        kind = lookup.kind[ind]
        milestone, ratio, count, task = (live & (kind == _KINDS.index(k))
                                         for k in (Kind.MILESTONE, Kind.RATIO, Kind.COUNT, Kind.TASK))

        done_on = self._parsed("done_on", parse_date, "D126", live,
                               lambda day: _NAT if day is None else (day - _EPOCH).days, np.int64).view("datetime64[D]")
        flag = self._parsed("value", parse_done_flag, "D125", milestone, lambda f: np.nan if f is None else f)
        flag = np.where(milestone, flag, self._stages(task, ind))
        flag = np.where(np.isnan(flag) & ~np.isnat(done_on), 1.0, flag)  # a completion date alone says it is done
        number = self._values(live & ~milestone & ~task, ind)
        value = np.where(milestone | task, flag, number)
        self.add("D121", count & (value < 0), lambda i: f"累计数不能为负({format_number(value[i])})", self.at("value"))

        numerator = self._part("numerator", "分子", ratio)
        denominator = self._part("denominator", "分母", ratio)
        self._ratio_rules(ratio, ind, value, numerator, denominator)
        self._far_above_target(live & ~self.failed & lookup.increase[ind] & ~milestone & ~task, ind, area, value,
                               numerator, denominator, ratio)
        return value, numerator, denominator, done_on

    def _parsed(self, name: str, parse: Callable[[Cell], object], code: str, where: np.ndarray,
                number: Callable[[object], float | int], dtype=np.float64) -> np.ndarray:
        """`number(parse(cell))` of each row's cell of a field (`number(None)` where blank or not read), and `code`
        at the rows of `where` whose cell cannot be read."""
        column = self.rows.field(name)
        if column is None:
            return np.full(len(self.rows), number(None), dtype=dtype)

        def read(cell: Cell):
            try:
                return parse(cell)
            except CellError as exc:
                return _Unread(str(exc))  # its message only: an exception would keep its frames (and rows) alive

        parsed = column.table(read, among=where)  # (only the cells of the rows it is read for)
        bad = np.array([isinstance(p, _Unread) for p in parsed], dtype=bool)
        self.add(code, where & bad[column.codes], lambda i: parsed[column.codes[i]].message, self.at(name))
        return np.array([number(None if isinstance(p, _Unread) else p) for p in parsed], dtype=dtype)[column.codes]

    def _values(self, where: np.ndarray, ind: np.ndarray) -> np.ndarray:
        """The 完成值 of count, level and ratio rows as numbers (D120): a plain number reads the same for any unit,
        anything else (`41家`, `90%`, `１，５００`) is read with its row's unit, once per distinct cell and unit."""
        lookup, column = self.lookup, self.rows.field("value")
        value = np.full(len(self.rows), np.nan)
        if column is None:
            return value
        plain = column.plain[column.codes]
        unit_digit = np.array([bool(i.unit) and i.unit.strip()[-1:].isdigit() for i in lookup.indicators]
                              or [False])[ind]  # a unit ending in a digit is cut off a plain number too
        value = np.where(where & ~unit_digit & ~np.isinf(plain), plain, np.nan)
        read: dict[tuple[int, int], float | str | tuple[float, str]] = {}
        messages: dict[int, str] = {}
        notes: dict[int, str] = {}
        for i in np.flatnonzero(where & (np.isinf(plain) | unit_digit)).tolist():
            key = (int(column.codes[i]), int(ind[i]))
            if key not in read:
                read[key] = _with_unit(column.cells[key[0]], lookup.indicators[key[1]])
            if isinstance(read[key], str):
                messages[i] = read[key]
            elif isinstance(read[key], tuple):
                value[i], notes[i] = read[key]
            else:
                value[i] = read[key]
        unread = np.zeros(len(self.rows), dtype=bool)
        unread[list(messages)] = True
        self.add("D120", unread, messages.__getitem__, self.at("value"))
        noted = np.zeros(len(self.rows), dtype=bool)
        noted[list(notes)] = True
        self.add("D129", noted, notes.__getitem__, self.at("value"))
        return value

    def _stages(self, where: np.ndarray, ind: np.ndarray) -> np.ndarray:
        """The 完成值 of task rows: the share of the way of the stage word (D130 for a word the task has not),
        read once per distinct cell and task."""
        column = self.rows.field("value")
        value = np.full(len(self.rows), np.nan)
        if column is None:
            return value
        read: dict[tuple[int, int], float | str | None] = {}
        messages: dict[int, str] = {}
        for i in np.flatnonzero(where).tolist():
            key = (int(column.codes[i]), int(ind[i]))
            if key not in read:
                try:
                    read[key] = parse_stage(column.cells[key[0]], self.lookup.indicators[key[1]].stages)
                except CellError as exc:
                    read[key] = str(exc)
            if isinstance(read[key], str):
                messages[i] = read[key]
            elif read[key] is not None:
                value[i] = read[key]
        unread = np.zeros(len(self.rows), dtype=bool)
        unread[list(messages)] = True
        self.add("D130", unread, messages.__getitem__, self.at("value"))
        return value

    def _part(self, name: str, label: str, where: np.ndarray) -> np.ndarray:
        """A ratio's 分子 or 分母 as a number (D120, and D121 for one below zero, which is still read): a plain number
        as it is, anything else by `parse_number` (a % is not a part: inf here, D120 below)."""
        column = self.rows.field(name)
        if column is None:
            return np.full(len(self.rows), np.nan)
        table = column.plain.copy()
        messages: dict[int, str] = {}
        for code in np.unique(column.codes[where & np.isinf(table)[column.codes]]).tolist():
            try:
                number = parse_number(column.cells[code])
                table[code] = np.nan if number is None else (np.inf if number.percent else number.value)
            except CellError as exc:
                messages[code], table[code] = str(exc), np.nan
        unread = where & np.isin(column.codes, list(messages))
        self.add("D120", unread, lambda i: messages[int(column.codes[i])], self.at(name))
        number = table[column.codes]
        percent = where & np.isposinf(number)
        self.add("D120", percent, lambda i: f"{label}应填人数、个数等数字,不能带 %(“{self.text(name, i)}”)",
                 self.at(name))
        number = np.where(where & ~percent, number, np.nan)
        self.add("D121", where & (number < 0), lambda i: f"{label}不能为负({format_number(number[i])})",
                 self.at(name))
        return number

    def _ratio_rules(self, ratio: np.ndarray, ind: np.ndarray, value: np.ndarray, numerator: np.ndarray,
                     denominator: np.ndarray) -> None:
        lookup = self.lookup
        has_numerator, has_denominator = ~np.isnan(numerator), ~np.isnan(denominator)
        zero = has_denominator & (np.abs(np.where(has_denominator, denominator, 1.0)) <= TOLERANCE)
        self.add("D122", ratio & zero, lambda i: "分母为 0,比例无法计算", self.at("denominator"))
        both = ratio & has_numerator & has_denominator & ~zero
        scale = lookup.scale[ind]
        with np.errstate(all="ignore"):
            rate = numerator / np.where(both, denominator, 1.0) * np.where(scale == 0, 100.0, scale)
        beyond = both & ~np.isfinite(rate)
        self.add("D120", beyond, lambda i: f"分子 {format_number(numerator[i])} ÷ 分母 {format_number(denominator[i])}"
                                           f" 超出了可计算的范围,请核对单位或位数", self.at("numerator"))
        self.add("D123", both & ~beyond & (scale == 100) & (numerator > denominator + TOLERANCE),
                 lambda i: f"分子 {format_number(numerator[i])} 大于分母 {format_number(denominator[i])},"
                           f"百分比将超过 100%", self.at("numerator"))
        one = ratio & ~zero & (has_numerator != has_denominator)
        self.add("D128", one, lambda i: f"只填了{'分子' if has_numerator[i] else '分母'},缺少"
                                        f"{'分母' if has_numerator[i] else '分子'},比例无法计算",
                 np.where(has_numerator, self.at("denominator") or -1, self.at("numerator") or -1))
        self.add("D124", ratio & ~np.isnan(value) & ~(has_numerator & has_denominator),
                 lambda i: f"比例只填了完成值 {format_number(value[i])},没有分子、分母,{lookup.say('无法汇总到全市')}",
                 self.at("value"))

    def _far_above_target(self, where: np.ndarray, ind: np.ndarray, area: np.ndarray, value: np.ndarray,
                          numerator: np.ndarray, denominator: np.ndarray, ratio: np.ndarray) -> None:
        """D127: a figure more than ten times its target (a unit mistaken, digits typed twice)."""
        scale = self.lookup.scale[ind]
        from_parts = ratio & ~np.isnan(numerator) & ~np.isnan(denominator) & (denominator != 0) & (scale != 0)
        with np.errstate(all="ignore"):
            actual = np.where(from_parts, numerator / np.where(from_parts, denominator, 1.0) * scale, value)
            target = self.lookup.target[ind, np.maximum(area, 0)]
            far = where & (target > 0) & (actual > 10 * target + TOLERANCE)
        column = np.where(ratio & np.isnan(value), self.at("numerator") or -1, self.at("value") or -1)
        words = self.lookup.say("全市目标"), self.lookup.say("本县目标")
        self.add("D127", far, lambda i: f"{format_number(actual[i])} 超过{words[0] if area[i] == 0 else words[1]} "
                                        f"{format_number(target[i])} 的 10 倍,请核对单位或是否多填了位数", column)


@dataclass(frozen=True)
class _Unread:
    """A cell that cannot be read, and why."""

    message: str


def _plain_number(cell: Cell) -> float:
    """A cell's number where no unit can change it (NaN: blank; inf: to be read with the row's unit)."""
    if type(cell) is str:
        if _PLAIN_NUMBER.fullmatch(cell):
            return float(cell)
        return np.nan if is_blank(cell) else np.inf
    if type(cell) in (int, float) and cell == cell and abs(cell) != float("inf"):
        return float(cell)
    return np.nan if cell is None else np.inf


def _with_unit(cell: Cell, ind) -> float | str | tuple[float, str]:
    """The 完成值 of a cell of this indicator (NaN: blank), or the message of why it cannot be read; with what a
    person should know of how it was read, where `parse_number` read it leniently (D129)."""
    try:
        number = parse_number(cell, ind.unit, lenient=True)
    except CellError as exc:
        return str(exc)
    if number is None:
        return np.nan
    if number.note is not None and (not number.percent or ind.unit == "%"):
        return number.value, number.note
    if not number.percent or ind.unit == "%":
        return number.value
    if ind.kind is Kind.RATIO and ind.scale:
        return number.value / 100 * ind.scale  # 90% of a per-10k ratio is 9000
    return f"“{cell_text(cell)}”带 %,但 {ind.id} 的单位是“{ind.unit or '无'}”"
