"""Wide tables: the summary sheet a city or a district fills itself (docs/progress-files.md, "Wide tables").

One row per area and one column per indicator (by area), or one row per indicator and one column per area (by
indicator). Neither has an indicator-id column, so neither has a header `header_row` finds; knowing the plan,
`wide_table` finds the row that names two indicators (or two areas) or more, and turns each filled cell of the
sheet into a row of a tidy table (area, indicator, 完成值), as a unit's own file would have it. Each such row
keeps the place of its cell (sheet row, column), so a finding names the cell as Excel does (`D7`).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Callable, Sequence

from mubiao.numbers import Cell, cell_text, is_blank
from mubiao.readers.columns import HEADER_SEARCH_ROWS, header_field, is_reference_column

if TYPE_CHECKING:
    from pathlib import Path

    from mubiao.readers.layout import Lookup
    from mubiao.readers.tables import RawTable, Sheet

#: An indicator named in a header cell with its unit after it: `城乡低保标准(元/年)`.
_UNIT_AFTER = re.compile(r"\s*[((\[【][^()\[\]【】]*[))\]】]\s*$")

#: The rows of a summary sheet that add up the others: never records (the whole's figure is rolled up).
TOTAL_ROWS = frozenset({"合计", "总计", "小计", "全区合计", "全市合计", "全县合计", "汇总", "total"})

#: The name `mubiao intake` files a summary sheet under, in its month's folder: no unit's name, so no unit's file.
SUMMARY_STEM = "汇总"

#: How many known names a header row needs to be taken as a wide table's.
AT_LEAST = 2

#: The columns of the tidy table made of a wide one, after the sheet's own: its indicator, area and figure.
_INDICATOR, _AREA, _VALUE = "indicator", "county", "value"


def reshaper(lookup: "Lookup") -> Callable[["Path", Sequence["Sheet"], str | None], "RawTable | None"]:
    """The hook `read_raw_table` calls when no sheet has a tidy header: `wide_table` with the plan's names."""
    return lambda path, sheets, encoding: wide_table(path, sheets, lookup, encoding)


def wide_table(path: "Path", sheets: Sequence["Sheet"], lookup: "Lookup",
               encoding: str | None = None) -> "RawTable | None":
    """The first sheet that is a wide table of the plan's indicators and areas, as a tidy RawTable (each filled
    cell a row, its place in `places`), or None when no sheet is one."""
    from mubiao.readers.tables import title_text

    for name, rows in sheets:
        for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
            indicators = _named(row, lambda cell: _indicator(lookup, cell))
            areas = _named(row, lookup.area)
            kinds = len(set(indicators.values())), len(set(areas.values()))  # (an id and its name are one)
            if kinds[0] >= AT_LEAST and kinds[0] >= kinds[1]:
                table = _by_area(path, rows, index, indicators, lookup, encoding)
            elif kinds[1] >= AT_LEAST:
                table = _by_indicator(path, rows, index, areas, lookup, encoding)
            else:
                continue
            if table is not None:
                from dataclasses import replace

                return replace(table, sheet=name if len(sheets) > 1 else None, above=title_text(rows[:index]))
    return None


def _indicator(lookup: "Lookup", cell: Cell) -> int | None:
    """The code of the indicator a header cell names (id, or exact name, with or without a unit in brackets)."""
    text = "".join(cell_text(cell).split())
    if not text:
        return None
    code = lookup.indicator_code.get(text)
    return code if code is not None else lookup.indicator_code.get(_UNIT_AFTER.sub("", text))


def _named(row: Sequence[Cell], code_of: Callable[[Cell], int | None]) -> dict[int, int]:
    """The 0-based columns of a row whose cell names something known, and its code."""
    return {j: code for j, cell in enumerate(row) if not is_blank(cell) and (code := code_of(cell)) is not None}


def _key_column(rows: list[list[Cell]], index: int, before: int, code_of: Callable[[Cell], int | None]) -> int | None:
    """The column left of `before` whose cells under the header name the most known things (an area, an
    indicator): the column the table's rows are keyed by."""
    counts = {}
    for j in range(before):
        counts[j] = sum(1 for row in rows[index + 1:] if j < len(row) and not is_blank(row[j])
                        and code_of(row[j]) is not None)
    best = max(counts, key=counts.__getitem__, default=None)
    return best if best is not None and counts[best] else None


def _by_area(path, rows, index, indicators, lookup, encoding) -> "RawTable | None":
    """One row per area, one column per indicator: each filled cell a record of its row's area."""
    area_at = _key_column(rows, index, min(indicators), lookup.area)
    if area_at is None:
        return None
    keys = [(number, j, area, lookup.indicators[indicators[j]].id, cell)
            for number, j, area, cell in _filled(rows, index, area_at, indicators, lambda c: _is_total(lookup, c))]
    return _tidy(path, rows[index], index, area_at, _AREA, keys, _extra(rows[index], indicators, area_at), encoding)


def _by_indicator(path, rows, index, areas, lookup, encoding) -> "RawTable | None":
    """One row per indicator, one column per area: each filled cell a record of its column's area."""
    indicator_at = _key_column(rows, index, min(areas), lambda cell: _indicator(lookup, cell))
    if indicator_at is None:
        return None
    header = rows[index]
    keys = [(number, j, indicator, header[j], cell)
            for number, j, indicator, cell in _filled(rows, index, indicator_at, areas, lambda c: False)]
    return _tidy(path, header, index, indicator_at, _INDICATOR, keys, _extra(header, areas, indicator_at), encoding,
                 by_indicator=True)


def _filled(rows, index, key_at: int, columns, skip: Callable[[Cell], bool]):
    """(sheet row, column, the row's key cell, the cell) of each filled cell of `columns` under the header, in
    the rows whose key cell is filled and not `skip`ped."""
    for number, row in enumerate(rows[index + 1:], start=index + 2):
        key = row[key_at] if key_at < len(row) else None
        if is_blank(key) or skip(key):
            continue
        for j in columns:
            if j < len(row) and not is_blank(row[j]):
                yield number, j, key, row[j]


def _is_total(lookup: "Lookup", cell: Cell) -> bool:
    """Whether a row of a summary sheet by area is its total: 合计, 总计 …, the whole's word (全区, 全区合计), or
    the bureau's own area named (婺城区, in 金华市婺城区民政局's sheet) where it is no unit's name."""
    text = "".join(cell_text(cell).split()).lower()
    whole = lookup.plan.levels.whole
    if text in TOTAL_ROWS or text.startswith(whole) or text.endswith("合计"):
        return True
    return len(text) >= 2 and text in lookup.plan.organization and lookup.area(text) is None


def _extra(header: Sequence[Cell], named: dict[int, int], key_at: int) -> list[int]:
    """The columns right of the key column that name nothing known and are no reference column: a finding each."""
    return [j for j, cell in enumerate(header) if j > key_at and j not in named and not is_blank(cell)
            and not is_reference_column(cell) and header_field(cell) is None
            and "".join(cell_text(cell).split()).lower() not in TOTAL_ROWS]


def _tidy(path, header, index, key_at, key_name, keys, extra, encoding, by_indicator: bool = False) -> "RawTable":
    """The tidy RawTable of `keys` (sheet row, column, the row's key cell, the column's, the figure): the key
    column where the sheet has it (a finding of it names the sheet's cell), then the column's key and the figure,
    each row with the place of its figure's cell."""
    from mubiao.readers.tables import RawTable

    width = key_at + 1
    tidy_header: list[Cell] = [None] * (width + 2)
    tidy_header[key_at] = key_name
    tidy_header[width], tidy_header[width + 1] = _AREA if by_indicator else _INDICATOR, _VALUE
    body, numbers, columns = [], [], []
    for number, j, key, other, value in keys:
        row: list[Cell] = [None] * (width + 2)
        row[key_at], row[width], row[width + 1] = key, other, value
        body.append(row)
        numbers.append(number)
        columns.append(j + 1)
    unread = tuple((index + 1, j + 1, cell_text(header[j])) for j in extra)
    return RawTable(path=path, header=tuple(tidy_header), header_row=index + 1, body=body, encoding=encoding,
                    width=width + 2, places=(tuple(numbers), tuple(columns)), wide_unread=unread,
                    wide="indicator" if by_indicator else "area")
