"""The rows of many CSV progress files read at once, column by column (the fast way; issue 7).

The rules of a row (`_FileReader.record` in `mubiao.readers.progress`) are plain Python, some 40 µs a row: fine
for a city's hundred files, minutes for a country's 34,000. Here the rows of a batch of files are decided column
by column instead. Each distinct text of a column is read once, by the same functions the row rules use (a month
column holds one text, an indicator column a few hundred), and the rules that compare cells are numpy
comparisons of whole columns.

A row is taken this way only when it is certainly clean: every cell reads without a finding and no rule of the
row rules would say anything about it. Every other row (a blank line, a footer, a number with a unit the fast
parse does not know, an unknown county, a negative count, a ratio without its denominator…) goes to the row
rules, which keep their own words for what is wrong. Both ways give the same records and findings;
tests/unit/test_progress_batch.py reads the same files both ways and compares.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from itertools import repeat, zip_longest
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Mapping, Sequence

import numpy as np

from mubiao.checks.findings import Finding
from mubiao.collector import paused as collector_paused
from mubiao.models import CITY, Kind, Plan, Scope
from mubiao.numbers import (
    TOLERANCE,
    CellError,
    cell_text,
    is_blank,
    parse_date,
    parse_done_flag,
    parse_number,
    parse_period,
)
from mubiao.readers.columns import FIGURE_FIELDS

if TYPE_CHECKING:
    from mubiao.readers.progress import Record, _FileReader, _PlanLookup

#: The fields a record is read from, in the order the batch keeps their columns.
FIELDS = ("indicator", "county", "period", "value", "numerator", "denominator", "done_on", "note")

#: A number the fast parse takes as it is: ASCII digits, an optional minus and decimals, short enough to be
#: exact. Anything else (full-width digits, `1,500`, `41家`, `90%`, `1e3`) is read by `parse_number`.
_PLAIN_NUMBER = re.compile(r"-?[0-9]{1,15}(?:\.[0-9]{1,15})?")

#: Codes the distinct texts of a column are read into. Real codes (indexes into a vocabulary) are ≥ 0.
_BLANK = -2  # the cell says nothing: the path's county or month stands
_UNREADABLE = -1  # the row rules must look at it

_KIND_CODES = {Kind.COUNT: 0, Kind.LEVEL: 1, Kind.RATIO: 2, Kind.MILESTONE: 3}
_COUNT, _LEVEL, _RATIO, _MILESTONE = range(4)

_EPOCH = dt.date(1970, 1, 1)
_NAT = np.iinfo(np.int64).min  # NaT as an int64 day number
_BAD_DATE = _NAT + 1


@dataclass(frozen=True)
class Vocabulary:
    """What the coded columns of records index into: the plan's areas, months and indicators."""

    counties: tuple[str, ...]
    """`city` first, then the plan's counties in plan order."""
    periods: tuple[str, ...]
    """Every month of the plan, `YYYY-MM`, in order."""
    indicators: tuple[str, ...]
    """The plan's indicators in plan order."""

    @classmethod
    def of(cls, plan: Plan) -> "Vocabulary":
        return cls(
            counties=(CITY, *(county.id for county in plan.counties)),
            periods=tuple(_months(plan.first_month, plan.last_month)),
            indicators=tuple(ind.id for ind in plan.indicators),
        )


def _months(first: str, last: str) -> list[str]:
    year, month = int(first[:4]), int(first[5:7])
    months = []
    while f"{year:04d}-{month:02d}" <= last:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


@dataclass
class RecordColumns:
    """Records as columns, coded against a Vocabulary. Missing figures are NaN (NaT for dates), a missing
    note None; `file` indexes the read's list of files and `row` is the row in that file (1-based)."""

    county: np.ndarray  # int32
    period: np.ndarray  # int32
    indicator: np.ndarray  # int32
    value: np.ndarray  # float64
    numerator: np.ndarray  # float64
    denominator: np.ndarray  # float64
    done_on: np.ndarray  # datetime64[D]
    note: np.ndarray  # object: str or None
    file: np.ndarray  # int32
    row: np.ndarray  # int32

    NAMES = ("county", "period", "indicator", "value", "numerator", "denominator", "done_on", "note", "file", "row")

    def __len__(self) -> int:
        return len(self.row)

    @classmethod
    def empty(cls) -> "RecordColumns":
        return cls.concat([])

    @classmethod
    def concat(cls, parts: Sequence["RecordColumns"]) -> "RecordColumns":
        """The records of `parts`, one after the other."""
        parts = [part for part in parts if len(part)] or parts[:1]  # no copy of a cache's millions for nothing
        if not parts:
            return cls(*(np.empty(0, dtype=dtype) for dtype in _DTYPES))
        if len(parts) == 1:
            return parts[0]
        return cls(*(np.concatenate([getattr(part, name) for part in parts]) for name in cls.NAMES))

    def take(self, index: np.ndarray) -> "RecordColumns":
        """The records at `index` (positions or a boolean mask)."""
        return RecordColumns(*(getattr(self, name)[index] for name in self.NAMES))

    def in_files(self, file: np.ndarray) -> "RecordColumns":
        """The same records, said to come from these files (a new object; the arrays are shared)."""
        return replace(self, file=file.astype(np.int32, copy=False))

    def records(self, positions: Iterable[int], vocabulary: Vocabulary, files: Sequence[str],
                columns: Mapping[str, Mapping[str, int]]) -> list["Record"]:
        """The records at these positions, one by one."""
        from mubiao.readers.progress import Record

        def figure(array: np.ndarray, at: int) -> float | None:
            return None if np.isnan(array[at]) else float(array[at])

        out = []
        for at in positions:
            file = files[self.file[at]]
            done_on = self.done_on[at]
            out.append(Record(
                vocabulary.counties[self.county[at]], vocabulary.periods[self.period[at]],
                vocabulary.indicators[self.indicator[at]], figure(self.value, at), figure(self.numerator, at),
                figure(self.denominator, at), None if np.isnat(done_on) else done_on.astype(dt.date),
                self.note[at], file, int(self.row[at]), columns.get(file, {}),
            ))
        return out

    @classmethod
    def of_records(cls, records: Sequence["Record"], vocabulary: Vocabulary,
                   file_index: int | Sequence[int]) -> "RecordColumns":
        """Records read by the row rules, coded; `file_index` is the file of each (one number: of them all)."""
        counties = {name: code for code, name in enumerate(vocabulary.counties)}
        periods = {name: code for code, name in enumerate(vocabulary.periods)}
        indicators = {name: code for code, name in enumerate(vocabulary.indicators)}

        def floats(name: str) -> np.ndarray:
            return np.array([np.nan if (x := getattr(r, name)) is None else x for r in records], dtype=np.float64)

        return cls(
            county=np.array([counties[r.county] for r in records], dtype=np.int32),
            period=np.array([periods[r.period] for r in records], dtype=np.int32),
            indicator=np.array([indicators[r.indicator] for r in records], dtype=np.int32),
            value=floats("value"),
            numerator=floats("numerator"),
            denominator=floats("denominator"),
            done_on=np.array([np.datetime64("NaT") if r.done_on is None else np.datetime64(r.done_on, "D")
                              for r in records], dtype="datetime64[D]"),
            note=np.array([r.note for r in records] + [None], dtype=object)[:-1],
            file=np.broadcast_to(np.asarray(file_index, dtype=np.int32), (len(records),)).copy(),
            row=np.array([r.row for r in records], dtype=np.int32),
        )


_DTYPES = (np.int32, np.int32, np.int32, np.float64, np.float64, np.float64, "datetime64[D]", object, np.int32,
           np.int32)


@dataclass
class FileRead:
    """What one file gave: its findings and its column of each field (for pointing findings at cells)."""

    path: Path
    findings: list[Finding]
    columns: dict[str, int]


@dataclass
class BatchRead:
    """What a batch of files gave: one FileRead per file, in order, and all their records, in file and row
    order (`records.file` counts from the batch's `first` file)."""

    files: list[FileRead]
    records: RecordColumns


class _IndicatorTable:
    """Per indicator (by code), what the row rules ask of its rows, as arrays to index with a column of codes."""

    def __init__(self, plan: Plan, vocabulary: Vocabulary) -> None:
        inds = plan.indicators
        county_code = {county: code for code, county in enumerate(vocabulary.counties)}
        self.kind = np.array([_KIND_CODES[ind.kind] for ind in inds], dtype=np.int8)
        self.scale = np.array([ind.scale or 0.0 for ind in inds], dtype=np.float64)
        self.increase = np.array([ind.direction.value == "increase" for ind in inds], dtype=bool)
        self.city_scope = np.array([ind.scope is Scope.CITY for ind in inds], dtype=bool)
        self.units = [ind.unit for ind in inds]
        #: allowed[i, c]: county c may report indicator i without a finding (D115, D116, D117).
        self.allowed = np.ones((len(inds), len(vocabulary.counties)), dtype=bool)
        #: target[i, c]: the target a row of county c is held to for D127 (NaN when there is none).
        self.target = np.full((len(inds), len(vocabulary.counties)), np.nan)
        for i, ind in enumerate(inds):
            if ind.scope is Scope.CITY:
                self.allowed[i, 1:] = False
            else:
                self.allowed[i, 0] = False  # D116: a county indicator reported by the city
                if ind.counties is not None:
                    listed = np.zeros(len(vocabulary.counties), dtype=bool)
                    listed[[county_code[c] for c in ind.counties if c in county_code]] = True
                    self.allowed[i, 1:] &= listed[1:]
            if ind.kind is Kind.MILESTONE:
                self.target[i, 1:] = 1.0
            elif ind.per_county is not None:
                self.target[i, 1:] = ind.per_county
            elif ind.kind is not Kind.COUNT:
                self.target[i, 1:] = ind.target
            for county, target in ind.allocation.items():
                if county in county_code:
                    self.target[i, county_code[county]] = target
            self.target[i, 0] = ind.target


class _Distinct:
    """A column's distinct texts, each read once: `codes` maps every row to its distinct text."""

    def __init__(self, column: Sequence[str]) -> None:
        index = {text: code for code, text in enumerate(dict.fromkeys(column))}  # hashing in C, faster than pandas
        self.codes = np.fromiter(map(index.__getitem__, column), np.int64, len(column))
        self.texts = list(index)

    def read(self, parse: Callable[[str], object], dtype, failed: object) -> np.ndarray:
        """`parse` of every row's text, through its distinct text; `failed` where parse raises CellError."""
        results = []
        for text in self.texts:
            try:
                results.append(parse(text))
            except CellError:
                results.append(failed)
        return np.array(results, dtype=dtype)[self.codes] if results else np.empty(0, dtype=dtype)


class BatchReader:
    """Reads batches of a plan's progress files; built once per read of a plan."""

    def __init__(self, plan: Plan, lookup: "_PlanLookup") -> None:
        self.plan = plan
        self.lookup = lookup
        self.vocabulary = Vocabulary.of(plan)
        self.indicators = _IndicatorTable(plan, self.vocabulary)
        self._county_code = {county: code for code, county in enumerate(self.vocabulary.counties)}
        self._period_code = {period: code for code, period in enumerate(self.vocabulary.periods)}
        self._indicator_code = {ind: code for code, ind in enumerate(self.vocabulary.indicators)}

    def read(self, paths: Sequence[Path], first: int = 0, on_file: Callable[[Path], None] | None = None,
             fast: bool = True) -> BatchRead:
        """Read these files (the `first`-th of the read onwards). `fast` False reads every row by the row
        rules, the reference the fast way is tested against.

        Python's cycle collector is paused meanwhile: a batch's rows are tens of thousands of lists, which set it
        off again and again to walk every object alive (a tenth of the time), and none of them is in a cycle."""
        with collector_paused():
            return self._read(paths, first, on_file, fast)

    def _read(self, paths: Sequence[Path], first: int, on_file: Callable[[Path], None] | None,
              fast: bool) -> BatchRead:
        from mubiao.readers.progress import _FileReader

        files: list[FileRead] = []
        parts: list[RecordColumns] = []
        pending: list[tuple[int, _FileReader, list[list], int]] = []  # file number, reader, body, header row
        for offset, path in enumerate(paths):
            reader = _FileReader(self.plan, path, self.lookup)
            if fast and path.suffix.lower() != ".xlsx":
                raw = reader.open()
                if raw is not None and raw.body:
                    pending.append((first + offset, reader, raw.body, raw.header_row))
            else:  # an xlsx has typed cells: the row rules read it (counties send few)
                records, _ = reader.read()
                parts.append(RecordColumns.of_records(records, self.vocabulary, first + offset))
            files.append(FileRead(path, reader.findings, reader.columns))
            if on_file is not None:
                on_file(path)
        if pending:
            parts.append(self._read_rows(pending))
        records = RecordColumns.concat(parts)
        order = np.lexsort((records.row, records.file))
        if not np.array_equal(order, np.arange(len(order))):
            records = records.take(order)
        return BatchRead(files, records)

    def _read_rows(self, pending: list) -> RecordColumns:
        """The records of the body rows of these opened CSV files: clean rows column by column, the rest by the
        row rules."""
        rows = _Rows(pending, self._county_code, self._period_code)
        clean, columns = self._clean_rows(rows)
        fast = RecordColumns(
            county=columns["county"][clean].astype(np.int32),
            period=columns["period"][clean].astype(np.int32),
            indicator=columns["indicator"][clean].astype(np.int32),
            value=columns["value"][clean],
            numerator=columns["numerator"][clean],
            denominator=columns["denominator"][clean],
            done_on=columns["done_on"][clean],
            note=columns["note"][clean],
            file=rows.file[clean],
            row=rows.number[clean],
        )
        # a row with no indicator and no figure (a blank line, a footer, the empty rows of a sheet Excel saved
        # down to row 1,048,576) gives the row rules nothing to say: no record, no finding
        silent = ~rows.ragged
        for name in ("indicator", *FIGURE_FIELDS):
            silent &= rows.distinct(name).read(is_blank, bool, False)
        slow, slow_files = [], []
        for position in np.flatnonzero(~clean & ~silent):
            if (record := self._by_row_rules(rows, position)) is not None:
                slow.append(record)
                slow_files.append(rows.file[position])
        return RecordColumns.concat([fast, RecordColumns.of_records(slow, self.vocabulary, slow_files)])

    def _by_row_rules(self, rows: "_Rows", position: int) -> "Record | None":
        reader, cells, number = rows.origin(position)
        return reader.row(number, cells)

    def _clean_rows(self, rows: "_Rows") -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """Which rows are certainly clean, and every row's fields as the row rules would read them (valid
        where the row is clean)."""
        table = self.indicators
        lookup = self.lookup

        indicator = rows.distinct("indicator").read(
            lambda text: self._indicator_code.get(cell_text(text), _UNREADABLE), np.int32, _UNREADABLE)
        clean = (indicator >= 0) & ~rows.ragged
        indicator = np.where(clean, indicator, 0)

        def county_code(text: str) -> int:
            if is_blank(text):
                return _BLANK
            county = lookup.find(text)
            return _UNREADABLE if county is None else self._county_code[county]

        county = rows.distinct("county").read(county_code, np.int32, _UNREADABLE)
        clean &= (county == _BLANK) | (county >= 0) & ((rows.path_county < 0) | (county == rows.path_county))
        county = np.where(county == _BLANK, rows.path_county, county)
        clean &= county >= 0

        def period_code(text: str) -> int:
            if is_blank(text):
                return _BLANK
            return self._period_code.get(parse_period(text), _UNREADABLE)

        period = rows.distinct("period").read(period_code, np.int32, _UNREADABLE)
        clean &= (period == _BLANK) | (period >= 0) & ((rows.path_period < 0) | (period == rows.path_period))
        period = np.where(period == _BLANK, rows.path_period, period)
        clean &= period >= 0

        county = np.where(clean, county, 0)
        clean &= table.allowed[indicator, county]
        kind = table.kind[indicator]

        done_on, done_ok = self._dates(rows.distinct("done_on"))
        clean &= done_ok
        value, numerator, denominator, figures_ok = self._figures(rows, kind, indicator, done_on)
        clean &= figures_ok
        clean &= ~self._far_above_target(kind, indicator, county, value, numerator, denominator)

        notes = rows.distinct("note").read(lambda text: None if is_blank(text) else str(text).strip(),
                                                    object, None)
        return clean, {"county": county, "period": period, "indicator": indicator, "value": value,
                       "numerator": numerator, "denominator": denominator, "done_on": done_on, "note": notes}

    def _dates(self, column: "_Distinct") -> tuple[np.ndarray, np.ndarray]:
        """The 完成日期 column as dates (NaT when blank), and which rows read without a finding."""
        def day(text: str) -> int:
            found = parse_date(text)
            return _NAT if found is None else (found - _EPOCH).days

        days = column.read(day, np.int64, _BAD_DATE)
        ok = days != _BAD_DATE
        return np.where(ok, days, _NAT).view("datetime64[D]"), ok

    def _figures(self, rows: "_Rows", kind: np.ndarray, indicator: np.ndarray,
                 done_on: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """value, numerator, denominator as the row rules read them for each row's kind, and which rows they
        read without a finding."""
        table = self.indicators
        milestone = kind == _MILESTONE
        ratio = kind == _RATIO
        values = rows.distinct("value")
        number, number_ok = self._numbers(values, ~milestone, indicator)
        flag = values.read(lambda text: np.nan if (f := parse_done_flag(text)) is None else f,
                                      np.float64, np.inf)
        flag_ok = flag != np.inf
        flag = np.where(np.isnan(flag) & ~np.isnat(done_on), 1.0, flag)  # a completion date alone says done
        value = np.where(milestone, flag, number)
        ok = np.where(milestone, flag_ok, number_ok)
        ok &= ~((kind == _COUNT) & (value < 0))  # D121

        numerator, numerator_ok = self._numbers(rows.distinct("numerator"), ratio)
        denominator, denominator_ok = self._numbers(rows.distinct("denominator"), ratio)
        numerator = np.where(ratio, numerator, np.nan)
        denominator = np.where(ratio, denominator, np.nan)
        has_numerator, has_denominator = ~np.isnan(numerator), ~np.isnan(denominator)
        scale = table.scale[indicator]
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            rate = numerator / denominator * np.where(scale == 0, 100.0, scale)
            ratio_findings = (
                ~numerator_ok | ~denominator_ok
                | has_numerator & has_denominator & ~np.isfinite(rate)  # D120: beyond what a float holds
                | (numerator < 0) | (denominator < 0)  # D121
                | has_denominator & (np.abs(denominator) <= TOLERANCE)  # D122
                | (scale == 100) & (numerator > denominator + TOLERANCE)  # D123
                | (has_numerator != has_denominator)  # D128
                | ~np.isnan(value) & ~(has_numerator & has_denominator)  # D124
            )
        ok &= ~(ratio & ratio_findings)
        return value, numerator, denominator, ok

    def _numbers(self, distinct: "_Distinct", needed: np.ndarray,
                 indicator: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """A figure column as numbers (NaN when blank) and which rows read without a finding, for the `needed`
        rows (the others are NaN and fine). Plain numbers are read once per distinct text; any other text
        (`41家`, `1,500`, `90%`) by `parse_number` with the row's unit (`indicator` None: no unit, as for
        numerator and denominator), once per distinct text and unit."""

        def plain(text: str) -> float:
            if _PLAIN_NUMBER.fullmatch(text):
                return float(text)
            return np.nan if is_blank(text) else np.inf  # inf: not a plain number, read below

        numbers = distinct.read(plain, np.float64, np.inf)
        ok = np.ones(len(numbers), dtype=bool)
        units = self.indicators.units
        read: dict[tuple[str, str | None], tuple[float, bool]] = {}
        for position in np.flatnonzero(needed & (numbers == np.inf)):
            key = (distinct.texts[distinct.codes[position]], None if indicator is None else units[indicator[position]])
            if key not in read:
                read[key] = _unit_number(*key)
            numbers[position], ok[position] = read[key]
        numbers[~needed] = np.nan
        return numbers, ok

    def _far_above_target(self, kind: np.ndarray, indicator: np.ndarray, county: np.ndarray, value: np.ndarray,
                          numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
        """D127: rows whose figure is more than ten times their target."""
        table = self.indicators
        scale = table.scale[indicator]
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            from_parts = (kind == _RATIO) & ~np.isnan(numerator) & ~np.isnan(denominator) & (denominator != 0) \
                & (scale != 0)
            actual = np.where(from_parts, numerator / denominator * scale, value)
            target = table.target[indicator, county]
            return table.increase[indicator] & (kind != _MILESTONE) & (target > 0) \
                & (actual > 10 * target + TOLERANCE)


def _unit_number(text: str, unit: str | None) -> tuple[float, bool]:
    """A figure that is not a plain number, as the row rules read it: (value, read without a finding)."""
    try:
        number = parse_number(text, unit)
    except CellError:
        return np.nan, False
    if number is None:
        return np.nan, True
    if number.percent and unit != "%":
        return np.nan, False  # a % where the unit is not %: the row rules decide
    return number.value, True


class _Rows:
    """The body rows of a batch of opened CSV files, as columns of text, with where each row came from."""

    def __init__(self, pending: list, county_code: dict[str, int], period_code: dict[str, int]) -> None:
        self._files = pending
        buffers: dict[str, list] = {name: [] for name in FIELDS}
        files, numbers, starts, path_counties, path_periods, ragged = [], [], [], [], [], []
        start = 0
        for file_index, reader, body, header_row in pending:
            count = len(body)
            transposed = list(zip_longest(*body, fillvalue=""))
            width = reader.table.width
            if len(transposed) > width:  # some row has a cell beyond the header (D107): the row rules say which
                ragged.append(np.fromiter((len(row) > width for row in body), dtype=bool, count=count))
            else:
                ragged.append(np.zeros(count, dtype=bool))
            for name, buffer in buffers.items():
                column = reader.columns.get(name)
                buffer.extend(transposed[column - 1] if column is not None and column <= len(transposed)
                              else repeat("", count))
            files.append(np.full(count, file_index, dtype=np.int32))
            numbers.append(np.arange(header_row + 1, header_row + 1 + count, dtype=np.int32))
            starts.append(start)
            start += count
            path_counties.append(county_code.get(reader.path_county, -1))
            path_periods.append(period_code.get(reader.path_period, -1))
        self._columns = buffers
        self._distinct: dict[str, _Distinct] = {}
        self._starts = np.array(starts)
        self.file = np.concatenate(files)
        self.number = np.concatenate(numbers)
        #: Rows with a cell beyond the header (D107).
        self.ragged = np.concatenate(ragged)
        counts = [len(body) for _, _, body, _ in pending]
        #: The county and month each row's path gives (-1: none).
        self.path_county = np.repeat(np.array(path_counties, dtype=np.int32), counts)
        self.path_period = np.repeat(np.array(path_periods, dtype=np.int32), counts)

    def column(self, name: str) -> list[str]:
        return self._columns[name]

    def distinct(self, name: str) -> _Distinct:
        """The distinct texts of a column (made once)."""
        if name not in self._distinct:
            self._distinct[name] = _Distinct(self._columns[name])
        return self._distinct[name]

    def origin(self, position: int) -> tuple["_FileReader", list, int]:
        """The reader, the cells and the row number of the row at `position`."""
        which = int(np.searchsorted(self._starts, position, side="right")) - 1
        _, reader, body, _ = self._files[which]
        return reader, body[position - self._starts[which]], int(self.number[position])
