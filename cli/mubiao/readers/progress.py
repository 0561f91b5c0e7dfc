"""County progress files -> one tidy table of records (FORMATS §3).

`read_progress(plan, root)` reads every progress file of a plan and never raises for a bad file: each problem
becomes a Finding at its file, row and column, and what could be read becomes a `Record`.
`load_progress(plan, root)` is the strict form that analysis uses: the records as a pandas DataFrame, or a
ProgressError at the first error-level finding.

A blank cell is "not reported" and stays None (a missing figure in the DataFrame) all the way through.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from functools import cached_property, partial
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Mapping, Sequence

from mubiao.checks.findings import RULES, Finding, Severity, raise_first_error
from mubiao.collector import paused as collector_paused
from mubiao.errors import ProgressError
from mubiao.models import CITY, Indicator, Kind, Plan, Scope
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
)
from mubiao.readers.columns import FIGURE_FIELDS, header_field, is_reference_column, suggest_field
from mubiao.readers.tables import TABLE_SUFFIXES, RawTable, read_raw_table, trim_row
from mubiao.suggest import closest

if TYPE_CHECKING:
    import threading

    import pandas

    from mubiao.readers.batch import BatchRead, BatchReader, FileRead, RecordColumns, Vocabulary
    from mubiao.readers.cache import Cached

#: The columns of the tidy table, in order.
TIDY_COLUMNS = ("county", "period", "indicator", "value", "numerator", "denominator", "done_on", "note", "file", "row")

#: Names by which the city itself (市本级) reports, besides its id `city`.
CITY_NAMES = ("市本级",)

_PERIOD_FOLDER = re.compile(r"\d{4}-\d{2}")


@dataclass(frozen=True, slots=True)
class Record:
    """One row of a progress file: what a county reported for one indicator in one month.

    Figures are None when their cell was blank (not reported, never zero). `value` is the number as reported
    (a milestone's done flag as 1.0/0.0; a ratio's own rate, already on the indicator's scale)."""

    county: str
    """County id, or `city` for the city itself (市本级)."""
    period: str
    """The month reported, `YYYY-MM`."""
    indicator: str
    value: float | None
    numerator: float | None
    denominator: float | None
    done_on: dt.date | None
    note: str | None
    file: str
    row: int
    """The row in the file, 1-based as Excel shows it."""
    columns: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)
    """The file's column (1-based) of each field, for pointing findings at a cell."""

    @property
    def figures(self) -> tuple:
        """What the record says: two records with equal figures repeat each other."""
        return (self.value, self.numerator, self.denominator, self.done_on)

    @property
    def has_figure(self) -> bool:
        """True when the record reports anything (a row with every figure blank is not a report)."""
        return any(figure is not None for figure in self.figures)


@dataclass(frozen=True)
class ProgressRead:
    """Everything read from a plan's progress files: the files, the records, and every finding."""

    files: tuple[Path, ...]
    coded: "RecordColumns"
    """The records as coded columns (see `mubiao.readers.batch`)."""
    vocabulary: "Vocabulary"
    findings: tuple[Finding, ...]
    columns: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    """Each file's column (1-based) of each field, by file name."""

    @cached_property
    def frame(self) -> "pandas.DataFrame":
        """The records as the tidy table (see `load_progress`)."""
        return tidy_frame(self.vocabulary, [str(path) for path in self.files], self.coded)

    @cached_property
    def records(self) -> tuple[Record, ...]:
        """The records one by one (for a city's files; a country's are better kept in `frame`)."""
        return self.coded.records(range(len(self.coded)), self.vocabulary, [str(path) for path in self.files],
                                  self.columns)

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.ERROR)


def progress_folder(plan: Plan, root: str | Path = ".") -> Path:
    """`data/<plan-id>/` in the workspace."""
    return Path(root) / "data" / plan.id


def progress_files(plan: Plan, root: str | Path = ".") -> list[Path]:
    """Every progress file of the plan (`data/<plan-id>/**/*.csv|.tsv|.xlsx`), sorted by path.

    Hidden files and folders, and the `~$…` lock files Excel leaves beside an open workbook, are not read."""
    folder = progress_folder(plan, root)
    if not folder.is_dir():
        return []
    found: list[tuple[tuple[str, ...], str]] = []
    _scan(str(folder), (), found)
    return [Path(path) for _, path in sorted(found)]  # sorted by parts, as paths sort


def _scan(folder: str, parts: tuple[str, ...], found: list[tuple[tuple[str, ...], str]]) -> None:
    """Add the progress files under `folder` to `found` as (parts of the path below the plan's folder, path).
    `os.scandir` says what each entry is without a stat (but for a link)."""
    import os

    with os.scandir(folder) as entries:
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            if entry.is_dir(follow_symlinks=False):  # a linked folder is not walked (it could loop)
                _scan(entry.path, (*parts, name), found)
            elif (os.path.splitext(name)[1].lower() in TABLE_SUFFIXES and not name.startswith("~$")
                  and entry.is_file()):  # not a pipe or a socket that happens to end in .csv
                found.append(((*parts, name), entry.path))


def read_progress(
    plan: Plan,
    root: str | Path = ".",
    files: Iterable[Path] | None = None,
    on_file: Callable[[Path], None] | None = None,
    *,
    on_count: Callable[[int], None] | None = None,
    by_row: bool = False,
    cache: bool = True,
    cache_behind: bool = False,
) -> ProgressRead:
    """Read the plan's progress files (by default every file `progress_files` finds) into records and findings;
    `on_count(n)` is called once the n files are listed, before any is read, and `on_file(path)` as each file is
    read (for a progress bar: its total, and each step).

    Findings that need several records (duplicates, a cumulative count going down) look across all files read.
    CSV rows are read column by column, many files at once (`mubiao.readers.batch`); `by_row` reads every row
    by the row rules instead, which gives the same result more slowly (the reference the tests hold the fast
    way to). With `cache`, what each file gave is kept under `.mubiao-cache/` in the root and only files that
    changed since are read again (`mubiao.readers.cache`; never with `by_row`). `cache_behind`: the cache is
    written by a thread while the caller goes on (a command's process waits for it before it ends; the next
    read in the same process waits for it before it starts).
    """
    from concurrent.futures import ThreadPoolExecutor

    import numpy as np

    from mubiao.checks.progress import cross_record_findings  # the rules that span records live with the checks
    from mubiao.readers import cache as kept
    from mubiao.readers.batch import BatchReader, RecordColumns

    reader = BatchReader(plan, _PlanLookup(plan))
    use_cache = cache and not by_row
    wait_for_caches()  # one still being written by an earlier read: read it whole (and fork no thread)
    with ThreadPoolExecutor(1) as loader:  # the cache is read while the files are listed and stat-ed: both wait on I/O
        loading = loader.submit(kept.load, root, plan, reader.vocabulary) if use_cache else None
        files = list(progress_files(plan, root) if files is None else files)
        started = kept.now_ns()
        text_names = [str(path) for path in files]
        names = _cache_names(text_names, root) if use_cache else [None] * len(files)
        stamps = [kept.Stamp.of(text) if name else None for text, name in zip(text_names, names)]
        if on_count is not None:
            on_count(len(files))
        loaded = loading.result() if loading else kept.Loaded({}, RecordColumns.empty())
    cached, kept_records = loaded.entries, loaded.records
    hits = {i: cached[name] for i, name in enumerate(names)
            if name in cached and stamps[i] is not None and cached[name].stamp == stamps[i]}

    # what the workers send and the cache gives are many objects, none in a cycle: the collector would walk them
    # again and again for nothing
    with collector_paused():
        unread = [i for i in range(len(files)) if i not in hits]
        batches = _read_batches(reader, [files[i] for i in unread], on_file, by_row)
        fresh = RecordColumns.concat([batch.records for batch in batches])
        fresh = fresh.in_files(np.asarray(unread, dtype=np.int32)[fresh.file]) if len(fresh) else fresh
        by_file: dict[int, FileRead] = dict(zip(unread, [file for batch in batches for file in batch.files]))
        records = fresh
        if hits:
            records = RecordColumns.concat([fresh, _still_valid(kept_records, hits, len(cached))])
            if (np.diff(records.file) < 0).any():  # each file's rows are in order already
                records = records.take(np.argsort(records.file, kind="stable"))
            for i, entry in hits.items():
                by_file[i] = entry.file_read(files[i])
                if on_file is not None:
                    on_file(files[i])
        ordered = [by_file[i] for i in range(len(files))]
        columns = {text: file.columns for text, file in zip(text_names, ordered)}
        findings = [finding for file in ordered for finding in file.findings]
        if not unread and len(hits) == len(cached) and loaded.across is not None:
            across = loaded.across  # the same files as they were when these were found: the same findings
        else:
            across = cross_record_findings(plan, records, reader.vocabulary, text_names, columns)
        findings.extend(across)
        if use_cache and (unread or loaded.across is None):  # (a cache of an earlier mubiao may lack them)
            keep = partial(_keep, root, plan, names, stamps, ordered, records, started, across,
                           only_if_whole=not unread)
            if cache_behind:
                _keep_behind(keep)
            else:
                keep()
        return ProgressRead(files=tuple(files), coded=records, vocabulary=reader.vocabulary,
                            findings=tuple(sorted(findings, key=Finding.sort_key)), columns=columns)


def _cache_names(files: Sequence[str], root: str | Path) -> list[str | None]:
    """Each file's name in the cache: its path from the workspace root (None for a file outside it: not kept)."""
    prefix = str(Path(root))
    return [_cache_name(text, prefix) for text in files]


def _cache_name(text: str, prefix: str) -> str | None:
    if prefix == ".":
        return None if text.startswith(("/", "..")) else Path(text).as_posix()
    if text.startswith(prefix + "/"):  # how progress_files spells them: cheaper than Path.relative_to
        return text[len(prefix) + 1 :]
    try:
        return Path(text).relative_to(prefix).as_posix()
    except ValueError:
        return None


def _still_valid(records: "RecordColumns", hits: Mapping[int, "Cached"], count: int) -> "RecordColumns":
    """The cached records of the files still as they were, numbered as files of this read."""
    import numpy as np

    now = np.full(count, -1, dtype=np.int64)  # each cached file's place in this read (-1: changed or gone)
    now[[entry.number for entry in hits.values()]] = list(hits)
    place = now[records.file]
    if (place >= 0).all():  # every file as it was: no copy
        return records.in_files(place)
    return records.take(place >= 0).in_files(place[place >= 0])


#: Caches being written by a thread (`read_progress(cache_behind=True)`).
_caches_behind: list["threading.Thread"] = []


def _keep_behind(keep: Callable[[], None]) -> None:
    """Run `keep` in a thread: writing a national cache (hundreds of megabytes, mostly copied and checksummed
    without the GIL) goes on while the gaps are computed and rendered. Not a daemon: the process waits for it."""
    import threading

    def quietly() -> None:
        try:
            keep()
        except Exception:  # noqa: BLE001 - a cache not written costs time next run, never this run's result
            pass

    thread = threading.Thread(target=quietly, name="mubiao-cache-behind")
    _caches_behind.append(thread)
    thread.start()


def wait_for_caches() -> None:
    """Wait until every cache being written behind (`cache_behind`) is written."""
    while _caches_behind:
        _caches_behind.pop().join()


def _keep(root, plan: Plan, names: list[str | None], stamps: list, files: list["FileRead"],
          records: "RecordColumns", started: int, across: list[Finding], only_if_whole: bool = False) -> None:
    """Save what every settled file gave (see `mubiao.readers.cache`), and the findings across records when
    every file is kept (they are of these files and no others). `only_if_whole`: save only then."""
    import numpy as np

    from mubiao.readers import cache as kept

    chosen = [i for i, (name, stamp) in enumerate(zip(names, stamps))
              if name is not None and stamp is not None and stamp.settled(started)]
    if not chosen or (only_if_whole and len(chosen) < len(files)):
        return
    number = np.full(len(files), -1, dtype=np.int64)  # each kept file's number in the cache
    number[chosen] = np.arange(len(chosen))
    if len(chosen) < len(files):
        records = records.take(number[records.file] >= 0)
    records = records.in_files(number[records.file])
    kept.save(root, plan, [(names[i], stamps[i], files[i]) for i in chosen], records,
              across if len(chosen) == len(files) else None)


#: Files per batch, and from how many files a read is spread over processes (below it, starting them costs
#: more than it saves).
BATCH_FILES = 256
PARALLEL_FROM = 2 * BATCH_FILES


def _read_batches(reader: "BatchReader", files: list[Path], on_file: Callable[[Path], None] | None,
                  by_row: bool) -> list["BatchRead"]:
    """The files read in batches: in as many processes as there are cores when there are many files."""
    starts = range(0, len(files), BATCH_FILES)
    workers = _workers()
    if len(files) < PARALLEL_FROM or workers < 2:
        return [reader.read(files[start : start + BATCH_FILES], start, on_file, fast=not by_row) for start in starts]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    global _worker_reader
    _worker_reader = reader  # inherited by the forked workers, never pickled
    batches = []
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        jobs = [(files[start : start + BATCH_FILES], start, not by_row) for start in starts]
        for batch in pool.map(_read_batch, jobs):
            batches.append(batch)
            for file in batch.files:
                if on_file is not None:
                    on_file(file.path)
    return batches


_worker_reader: "BatchReader | None" = None


def _read_batch(job: tuple[list[Path], int, bool]) -> "BatchRead":
    files, start, fast = job
    return _worker_reader.read(files, start, fast=fast)


def _workers() -> int:
    """How many processes may read at once: the cores this process may use, where processes can be forked."""
    import multiprocessing
    import os

    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def load_progress(
    plan: Plan,
    root: str | Path = ".",
    files: Iterable[Path] | None = None,
    on_file: Callable[[Path], None] | None = None,
) -> "pandas.DataFrame":
    """Every progress record of the plan as one tidy DataFrame, with the columns `TIDY_COLUMNS`.

    value/numerator/denominator are nullable floats (missing stays missing, never 0); done_on is a datetime64
    column (NaT when blank); file and row say where each record came from. `files` and `on_file` are as for
    `read_progress`.
    Raises ProgressError at the first error-level finding; warnings do not stop loading.
    """
    return read_progress_or_raise(plan, root, files, on_file).frame


def read_progress_or_raise(plan: Plan, root: str | Path = ".", files: Iterable[Path] | None = None,
                           on_file: Callable[[Path], None] | None = None, *,
                           on_count: Callable[[int], None] | None = None,
                           cache_behind: bool = False) -> ProgressRead:
    """`read_progress`, raising ProgressError at the first error-level finding as `load_progress` does; the
    records stay coded (`compute_gaps` takes them so, without building the table)."""
    read = read_progress(plan, root, files, on_file, on_count=on_count, cache_behind=cache_behind)
    raise_first_error(read.findings, ProgressError, progress_folder(plan, root))
    return read


def tidy_frame(vocabulary: "Vocabulary", files: list[str], records: "RecordColumns") -> "pandas.DataFrame":
    """Coded record columns as the tidy DataFrame (see `load_progress`)."""
    import numpy as np
    import pandas as pd

    def text(names: Iterable[str], codes: "np.ndarray") -> "pd.arrays.StringArray":
        return pd.arrays.StringArray(np.array(list(names), dtype=object)[codes] if len(codes) else
                                     np.empty(0, dtype=object))

    notes = records.note.copy()
    notes[notes == None] = pd.NA  # noqa: E711 (element-wise); StringArray takes NA as missing, fast
    return pd.DataFrame({
        "county": text(vocabulary.counties, records.county),
        "period": text(vocabulary.periods, records.period),
        "indicator": text(vocabulary.indicators, records.indicator),
        "value": pd.array(records.value, dtype="Float64"),
        "numerator": pd.array(records.numerator, dtype="Float64"),
        "denominator": pd.array(records.denominator, dtype="Float64"),
        "done_on": records.done_on.astype("datetime64[s]"),
        "note": pd.arrays.StringArray(notes),
        "file": text(files, records.file),
        "row": pd.array(records.row.astype(np.int64), dtype="Int64"),
    }, columns=list(TIDY_COLUMNS))


def records_frame(records: Iterable[Record]) -> "pandas.DataFrame":
    """Records as the tidy DataFrame (see `load_progress`)."""
    import pandas as pd

    records = list(records)
    frame = pd.DataFrame({name: [getattr(r, name) for r in records] for name in TIDY_COLUMNS}, columns=TIDY_COLUMNS)
    for name in ("value", "numerator", "denominator"):
        frame[name] = frame[name].astype("Float64")
    for name in ("county", "period", "indicator", "note", "file"):
        frame[name] = frame[name].astype("string")
    frame["done_on"] = pd.to_datetime(frame["done_on"])
    frame["row"] = frame["row"].astype("Int64")
    return frame


class _PlanLookup:
    """What every file of a plan is read against, built once per read: indicators by id, and county ids and
    names (and `city`/市本级) to county ids."""

    def __init__(self, plan: Plan) -> None:
        self.indicators = {ind.id: ind for ind in plan.indicators}
        self.ids: dict[str, str] = {CITY: CITY, **{name: CITY for name in CITY_NAMES}}
        for county in plan.counties:
            self.ids[county.id] = county.id
            self.ids["".join(county.name.split())] = county.id
        self.names = {county.id: county.name for county in plan.counties} | {CITY: "市本级"}

    def find(self, cell: Cell) -> str | None:
        return self.ids.get("".join(cell_text(cell).split()))

    def suggest(self, cell: Cell) -> str:
        if guess := closest(cell_text(cell), self.ids):
            return f"(是不是“{guess}”?)"
        names = [name for county, name in self.names.items() if county != CITY]
        return f"(应为:{'、'.join(names)},或 市本级)" if len(names) <= 20 else "(见计划中的县)"

    def label(self, county: str) -> str:
        return self.names.get(county, county)


def cell_ref(row: int, column: int | None) -> str:
    """An Excel cell reference (`I5`), or `第5行` when the column is not known."""
    if column is None:
        return f"第{row}行"
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return f"{letters}{row}"


def cell_finding(file: str, code: str, message: str, row: int | None = None, column: int | None = None) -> Finding:
    """A finding in a progress file; one with a row starts its message with the cell (`I5:`, or `第5行:`)."""
    if row is not None:
        message = f"{cell_ref(row, column)}:{message}"
    return Finding(file, row, column, code, RULES[code].severity, message)


class _FileReader:
    """Reads one progress file into records and findings."""

    def __init__(self, plan: Plan, path: Path, lookup: _PlanLookup) -> None:
        self.plan = plan
        self.path = path
        self.file = str(path)
        self.counties = lookup
        self.indicators = lookup.indicators
        self.findings: list[Finding] = []
        self.columns: dict[str, int] = {}
        self.path_county: str | None = None
        self.path_period: str | None = None
        self.table: RawTable | None = None

    def add(self, code: str, message: str, row: int | None = None, column: int | None = None) -> None:
        self.findings.append(cell_finding(self.file, code, message, row, column))

    def open(self) -> RawTable | None:
        """Read the file, map its columns and take the county and month its path gives. None, with findings,
        when the file cannot be read on."""
        try:
            raw = read_raw_table(self.path)
        except ProgressError as exc:
            self.add(exc.code or "D001", exc.described(), exc.line, exc.column)
            return None
        self._map_columns(raw)
        path_county, path_period = self._from_path(raw)
        if path_county is False or path_period is False:
            return None
        self.path_county, self.path_period = path_county, path_period
        self.table = raw
        return raw

    def read(self) -> tuple[list[Record], list[Finding]]:
        """The whole file, row by row."""
        raw = self.open()
        if raw is None:
            return [], self.findings
        records = [record for number, cells in enumerate(raw.body, start=raw.header_row + 1)
                   if (record := self.row(number, cells))]
        return records, self.findings

    def row(self, number: int, cells: list[Cell]) -> Record | None:
        """The record of a row of the opened file as read (trailing empty cells still there), or None (with
        findings) when it has none; a blank line is no row."""
        if all(is_blank(cell) for cell in cells):
            return None
        if (column := self.table.beyond_header(cells)) is not None:
            extra = "、".join(f"“{cell_text(cell)}”" for cell in cells[column - 1:] if not is_blank(cell))
            cell_count = len(cells) if self.table.csv else len(trim_row(cells))
            self.add("D107", f"这一行有 {cell_count} 格,表头只有 {self.table.width} 列"
                             f"{(',多出' + extra) if extra else ''};数字中的逗号(10,800)会把一格拆成两格,"
                             f"请去掉逗号或给单元格加引号。这一行未读取", number, column)
            return None
        return self.record(number, tuple(trim_row(cells)))

    def _map_columns(self, table: RawTable) -> None:
        unknown: list[tuple[int, Cell]] = []  # columns no field is read from, and no suggestion was made for
        for column, cell in enumerate(table.header, start=1):
            name = header_field(cell)
            if name is None:
                if not is_blank(cell) and not is_reference_column(cell):
                    if guess := suggest_field(cell):
                        self.add("D103", f"未知的列“{cell_text(cell)}”,不会被读取(是不是“{guess}”?)",
                                 table.header_row, column)
                    else:
                        unknown.append((column, cell))
            elif name in self.columns:
                first = cell_ref(table.header_row, self.columns[name])
                self.add("D104", f"“{cell_text(cell)}”与 {first} 是同一列({name}),只读取第一列",
                         table.header_row, column)
            else:
                self.columns[name] = column
        if not any(name in self.columns for name in FIGURE_FIELDS):
            self.add("D102", "没有完成值、分子、分母或完成日期列,读不出任何数字", table.header_row)
        elif "value" not in self.columns:  # a renamed 完成值 column: the counts in it would go unread, unsaid
            for column, cell in unknown:
                self.add("D103", f"未知的列“{cell_text(cell)}”,不会被读取;文件没有“完成值”列,累计数、水平值和"
                                 f"完成标志都读不到(如果这一列就是完成值,请把列名改为“完成值”)",
                         table.header_row, column)

    def _from_path(self, table: RawTable) -> tuple[str | None | bool, str | None | bool]:
        """The county and period the path gives (None: it gives none; False: the file cannot be read on)."""
        county = self.counties.find(self.path.stem)
        period: str | None | bool = None
        folder = self.path.parent.name
        if _PERIOD_FOLDER.fullmatch(folder):
            try:
                period = parse_period(folder)
            except CellError:
                self.add("D112", f"目录名“{folder}”不是有效的月份")
                period = False
        if period and not self._period_in_plan(period):
            self.add("D113", f"目录的月份 {period} 不在计划期({self.plan.first_month} 至 {self.plan.last_month})内")
            period = False
        if county is None and "county" not in self.columns:
            self.add("D105", f"无法确定填报单位:没有县(市、区)列,文件名“{self.path.stem}”也不是县的编号或名称",
                     table.header_row)
            county = False
        if period is None and "period" not in self.columns:
            self.add("D106", "无法确定报告期:文件不在 YYYY-MM 月份目录下,也没有月份列", table.header_row)
            period = False
        return county, period

    def _period_in_plan(self, period: str) -> bool:
        return self.plan.first_month <= period <= self.plan.last_month

    def _cell(self, cells: tuple[Cell, ...], name: str) -> Cell:
        column = self.columns.get(name)
        return cells[column - 1] if column is not None and column <= len(cells) else None

    def record(self, row: int, cells: tuple[Cell, ...]) -> Record | None:
        """The record of one row, or None (with findings) when it has none: the rules of FORMATS §3, cell by
        cell."""
        path_county, path_period = self.path_county, self.path_period

        def cell(name: str) -> Cell:
            return self._cell(cells, name)

        def at(name: str) -> int | None:
            return self.columns.get(name)

        indicator_cell = cell("indicator")
        if is_blank(indicator_cell):
            if any(not is_blank(cell(name)) for name in FIGURE_FIELDS):
                self.add("D110", "这一行有数字,但没有指标编号", row, at("indicator"))
            return None  # a footer such as 填报人/联系电话 carries no figure
        indicator = self.indicators.get(cell_text(indicator_cell))
        if indicator is None:
            guess = closest(cell_text(indicator_cell), self.indicators)
            hint = f"(是不是“{guess}”?)" if guess else "(见计划中的指标编号)"
            self.add("D110", f"计划中没有指标“{cell_text(indicator_cell)}”{hint}", row, at("indicator"))
            return None

        county = self._county(row, cell("county"), path_county)
        period = self._period(row, cell("period"), path_period)
        if county is None or period is None or not self._in_scope(row, indicator, county):
            return None
        figures = _Figures(self, row, indicator, county)
        value, numerator, denominator, done_on = figures.read(cell)
        if figures.failed:
            return None
        note_cell = cell("note")
        note = str(note_cell).strip() if not is_blank(note_cell) else None  # as written: renderers fold lines
        return Record(county, period, indicator.id, value, numerator, denominator, done_on, note,
                      self.file, row, self.columns)

    def _county(self, row: int, cell: Cell, path_county: str | None) -> str | None:
        if is_blank(cell):
            if path_county is None:
                self.add("D105", "县(市、区)为空,文件名也不是县的编号或名称", row, self.columns.get("county"))
            return path_county
        county = self.counties.find(cell)
        if county is None:
            self.add("D111", f"计划中没有县“{cell_text(cell)}”{self.counties.suggest(cell)}", row,
                     self.columns.get("county"))
        elif path_county is not None and county != path_county:
            self.add("D114", f"县“{cell_text(cell)}”与文件名“{self.path.stem}”"
                             f"({self.counties.label(path_county)})不一致", row, self.columns.get("county"))
            return None
        return county

    def _period(self, row: int, cell: Cell, path_period: str | None) -> str | None:
        column = self.columns.get("period")
        if is_blank(cell):
            if path_period is None:
                self.add("D106", "月份为空,文件也不在 YYYY-MM 月份目录下", row, column)
            return path_period
        try:
            period = parse_period(cell)
        except CellError as exc:
            self.add("D112", str(exc), row, column)
            return None
        if path_period is not None and period != path_period:
            self.add("D114", f"月份 {period} 与所在目录 {path_period} 不一致", row, column)
            return None
        if not self._period_in_plan(period):
            self.add("D113", f"月份 {period} 不在计划期({self.plan.first_month} 至 {self.plan.last_month})内",
                     row, column)
            return None
        return period

    def _in_scope(self, row: int, indicator: Indicator, county: str) -> bool:
        column = self.columns.get("indicator")
        if indicator.scope is Scope.CITY and county != CITY:
            self.add("D115", f"{indicator.id} 由市本级报送(scope = \"city\"),{self.counties.label(county)}不应报送",
                     row, column)
            return False
        if indicator.scope is Scope.COUNTY and county == CITY:
            self.add("D116", f"{indicator.id} 按县报送,市本级的数字不计入全市", row, column)
        elif indicator.counties is not None and county != CITY and county not in indicator.counties:
            self.add("D117", f"{indicator.id} 只由 {'、'.join(map(self.counties.label, indicator.counties))} 报送,"
                             f"{self.counties.label(county)}的数字不会被使用", row, column)
        return True


class _Figures:
    """Reads the figures of one row the way its indicator's kind asks (FORMATS §2 kinds)."""

    def __init__(self, reader: _FileReader, row: int, indicator: Indicator, county: str) -> None:
        self.reader = reader
        self.row = row
        self.indicator = indicator
        self.county = county
        self.failed = False

    def add(self, code: str, message: str, name: str) -> None:
        self.reader.add(code, message, self.row, self.reader.columns.get(name))
        self.failed = self.failed or RULES[code].severity is Severity.ERROR

    def _guard(self, name: str, parse: Callable[[], object]):
        try:
            return parse()
        except CellError as exc:
            self.add("D126" if name == "done_on" else "D125" if self._is_flag(name) else "D120", str(exc), name)
            return None

    def _is_flag(self, name: str) -> bool:
        return name == "value" and self.indicator.kind is Kind.MILESTONE

    def read(self, cell: Callable[[str], Cell]):
        ind = self.indicator
        done_on = self._guard("done_on", lambda: parse_date(cell("done_on")))
        numerator = denominator = None
        if ind.kind is Kind.MILESTONE:
            value = self._guard("value", lambda: parse_done_flag(cell("value")))
            if value is None and done_on is not None and not self.failed:
                value = 1.0  # a completion date alone says it is done
        elif ind.kind is Kind.RATIO:
            numerator = self._part(cell, "numerator")
            denominator = self._part(cell, "denominator")
            value = self._number(cell, "value")
            self._ratio_rules(value, numerator, denominator)
        else:
            value = self._number(cell, "value")
            if ind.kind is Kind.COUNT and value is not None and value < 0:
                self.add("D121", f"累计数不能为负({format_number(value)})", "value")
        if not self.failed:
            self._far_above_target(value, numerator, denominator)
        return value, numerator, denominator, done_on

    def _number(self, cell: Callable[[str], Cell], name: str) -> float | None:
        ind = self.indicator
        number = self._guard(name, lambda: parse_number(cell(name), ind.unit))
        if number is None:
            return None
        if not number.percent or ind.unit == "%":
            return number.value
        if ind.kind is Kind.RATIO and ind.scale:
            return number.value / 100 * ind.scale  # 90% of a per-10k ratio is 9000
        self.add("D120", f"“{cell_text(cell(name))}”带 %,但 {ind.id} 的单位是“{ind.unit or '无'}”", name)
        return None

    def _part(self, cell: Callable[[str], Cell], name: str) -> float | None:
        number = self._guard(name, lambda: parse_number(cell(name)))
        if number is None:
            return None
        if number.percent:
            label = "分子" if name == "numerator" else "分母"
            self.add("D120", f"{label}应填人数、个数等数字,不能带 %(“{cell_text(cell(name))}”)", name)
            return None
        if number.value < 0:
            self.add("D121", f"{'分子' if name == 'numerator' else '分母'}不能为负({format_number(number.value)})", name)
        return number.value

    def _ratio_rules(self, value: float | None, numerator: float | None, denominator: float | None) -> None:
        if denominator is not None and abs(denominator) <= TOLERANCE:
            self.add("D122", "分母为 0,比例无法计算", "denominator")
        elif numerator is not None and denominator is not None:
            if not math.isfinite(numerator / denominator * (self.indicator.scale or 100)):
                self.add("D120", f"分子 {format_number(numerator)} ÷ 分母 {format_number(denominator)} 超出了可计算的"
                                 f"范围,请核对单位或位数", "numerator")
            elif self.indicator.scale == 100 and numerator > denominator + TOLERANCE:
                self.add("D123", f"分子 {format_number(numerator)} 大于分母 {format_number(denominator)},"
                                 f"百分比将超过 100%", "numerator")
        elif (numerator is None) != (denominator is None):
            missing = "分母" if denominator is None else "分子"
            self.add("D128", f"只填了{'分子' if denominator is None else '分母'},缺少{missing},比例无法计算",
                     "denominator" if denominator is None else "numerator")
        if value is not None and (numerator is None or denominator is None):
            self.add("D124", f"比例只填了完成值 {format_number(value)},没有分子、分母,无法汇总到全市", "value")

    def _far_above_target(self, value: float | None, numerator: float | None, denominator: float | None) -> None:
        ind = self.indicator
        if ind.direction.value != "increase" or ind.kind is Kind.MILESTONE:
            return
        actual = value
        if ind.kind is Kind.RATIO and numerator is not None and denominator and ind.scale:
            actual = numerator / denominator * ind.scale
        target = ind.target if self.county == CITY else ind.county_target(self.county)
        if actual is not None and target and target > 0 and actual > 10 * target + TOLERANCE:
            name = "numerator" if ind.kind is Kind.RATIO and value is None else "value"
            whose = "全市目标" if self.county == CITY else "本县目标"
            self.add("D127", f"{format_number(actual)} 超过{whose} {format_number(target)} 的 10 倍,"
                             f"请核对单位或是否多填了位数", name)
