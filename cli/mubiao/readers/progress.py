"""County progress files -> records and findings, kept in the store (docs/contract.md §3, docs/progress-files.md).

`read_progress(plan, root)` reads every progress file of a plan and never raises for a bad file: each problem
becomes a Finding at its file, row and column, and what could be read becomes a record. Only files that changed
since the last read are read (`mubiao.readers.store`). `load_progress(plan, root)` is the strict form: the records
as a pandas DataFrame, or a ProgressError at the first error-level finding.

A file is split into cells by Python's csv module or openpyxl (`mubiao.readers.tables`), or together with the
other files of its layout (`mubiao.readers.bulk`, for the plain CSV files nearly every county sends); its rows
then go through the one set of row rules (`mubiao.readers.rows`). A blank cell is "not reported" and stays None
(a missing figure) all the way through.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Mapping, Sequence

from mubiao.checks.findings import Finding, Severity, raise_first_error
from mubiao.errors import ProgressError
from mubiao.models import Plan
from mubiao.readers.tables import TABLE_SUFFIXES

if TYPE_CHECKING:
    import pandas

    from mubiao.checks.progress import Across
    from mubiao.readers.layout import Layout, Lookup
    from mubiao.readers.listing import Listing
    from mubiao.readers.rows import Records
    from mubiao.readers.store import FileEntry, Stamp, Store
    from mubiao.readers.tables import RawTable

#: The columns of the tidy table, in order.
TIDY_COLUMNS = ("county", "period", "indicator", "value", "numerator", "denominator", "done_on", "note", "file", "row")

#: Bytes of files read before their rows are checked and stored: what a read holds at a time.
BATCH_BYTES = 16 * 2**20


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


#: The records of a read with the plan's ids, each file named as the read names it, in file and row order.
_TIDY_QUERY = """
    SELECT a.id AS county, printf('%04d-%02d', r.period // 12, r.period % 12 + 1) AS period, i.id AS indicator,
           r.value, r.numerator, r.denominator, r.done_on, r.note, f.name AS file, r."row", s.columns
    FROM records r JOIN read_files f USING (file) JOIN files s USING (file)
         JOIN areas a USING (county) JOIN indicators i USING (indicator)
    ORDER BY f.position, r."row" """


@dataclass(frozen=True)
class ReadProblems:
    """The errors of a read that the commands went on past (their rows, or their files, not counted: docs/
    progress-files.md, "One bad file"), and how many warnings the files have (`mubiao check` words them)."""

    errors: tuple[Finding, ...] = ()
    warnings: int = 0

    @property
    def files(self) -> tuple[str, ...]:
        """The files with an error, in order."""
        return tuple(dict.fromkeys(f.file for f in self.errors))


@dataclass(frozen=True, eq=False)
class ProgressRead:
    """Everything read from a plan's progress files: the files, their records (in `store`), and every finding."""

    plan: Plan
    files: tuple[Path, ...]
    store: "Store"
    """Holds the records of exactly these files; its temporary table `read_files` gives each file's place among
    `files` (`position`) and its name as the read names it."""
    file_findings: tuple[Finding, ...]
    """The findings of each file and of its rows."""
    across: "Across"
    """The findings across records (D201–D206)."""

    def close(self) -> None:
        """Let go of the store (another process waits for it meanwhile); the records are gone with it."""
        self.store.close()

    def __enter__(self) -> ProgressRead:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @cached_property
    def findings(self) -> tuple[Finding, ...]:
        """Every finding, sorted by file and place."""
        return tuple(sorted([*self.file_findings, *self.across.findings()], key=Finding.sort_key))

    @property
    def errors(self) -> tuple[Finding, ...]:
        """The error-level findings, sorted (the warnings of a national read are not even worded)."""
        found = [f for f in (*self.file_findings, *self.across.errors()) if f.severity is Severity.ERROR]
        return tuple(sorted(found, key=Finding.sort_key))

    @property
    def problems(self) -> "ReadProblems":
        """What a command that goes on past bad files says about them (`ReadProblems`)."""
        warnings = sum(f.severity is Severity.WARNING for f in self.file_findings)
        return ReadProblems(self.errors, warnings)

    @cached_property
    def frame(self) -> "pandas.DataFrame":
        """The records as the tidy table (see `load_progress`)."""
        return _tidy_frame(self.store.connection.execute(_TIDY_QUERY).fetchdf())

    @cached_property
    def records(self) -> tuple[Record, ...]:
        """The records one by one (for a city's files; a country's are better queried)."""
        from mubiao.readers.store import columns_of

        return tuple(Record(*row[:10], columns_of(row[10]))
                     for row in self.store.connection.execute(_TIDY_QUERY).fetchall())


def progress_folder(plan: Plan, root: str | Path = ".") -> Path:
    """`data/<plan-id>/` in the workspace."""
    return Path(root) / "data" / plan.id


def progress_files(plan: Plan, root: str | Path = ".") -> list[Path]:
    """Every progress file of the plan (`data/<plan-id>/**/*.csv|.tsv|.xlsx`), sorted by path (see
    `progress_listing`, which also says what it passed over)."""
    return progress_listing(plan, root).files


def progress_listing(plan: Plan, root: str | Path = ".") -> "Listing":
    """The plan's progress files and the entries of its folder that are not read (readers/listing.py): hidden
    files and folders, and the `~$…` lock files Excel leaves beside an open workbook, are left out unsaid; a
    link that is broken, loops or leads out of the workspace, a linked folder, a pipe, are passed over and said."""
    from mubiao.readers.listing import Listing, list_files

    folder = progress_folder(plan, root)
    if not folder.is_dir():
        return Listing([], [])
    return list_files(folder, TABLE_SUFFIXES, root, others=True)


def read_progress(
    plan: Plan,
    root: str | Path = ".",
    files: Iterable[Path] | None = None,
    on_file: Callable[[Path], None] | None = None,
    *,
    on_count: Callable[[int], None] | None = None,
    cache: bool = True,
) -> ProgressRead:
    """Read the plan's progress files (by default every file `progress_files` finds) into records and findings;
    `on_count(n)` is called once the n files are listed, before any is read, and `on_file(path)` as each file is
    read (for a progress bar: its total, and each step).

    Findings that need several records (repeats, a cumulative count going down) look across all files read. With
    `cache`, a read of every file of the plan is kept in the workspace's store, and only the files that changed
    since are read again; a read of files the caller names, or with `cache` False, keeps and writes nothing.
    The read holds the store until it is closed (`with read_progress(...) as read:`); another process waits."""
    from mubiao.checks.progress import across_records
    from mubiao.readers.layout import Lookup
    from mubiao.readers.rows import Records
    from mubiao.readers.store import Stamp, Store

    listed = files is None
    passed: list[Finding] = []
    if files is None:
        listing = progress_listing(plan, root)
        files, passed = listing.files, listing.findings()
    files = list(files)
    if on_count is not None:
        on_count(len(files))
    store = Store.open(root, plan) if cache and listed else Store.memory(plan)
    started = time.time_ns()
    names = [str(path) for path in files]
    keys = _store_names(names, root) if store.path is not None else names
    stamps = [Stamp.of(name) for name in names]
    kept = store.kept()
    unchanged = [i for i, key in enumerate(keys)
                 if key in kept and kept[key].settled and stamps[i] is not None and kept[key].stamp == stamps[i]]
    ids = {i: kept[keys[i]].file for i in unchanged}
    still = {keys[i] for i in unchanged}
    gone = [entry.file for key, entry in kept.items() if key not in still]
    findings: list[Finding] = passed
    lookup = Lookup(plan)
    for batch in _batches([i for i in range(len(files)) if i not in ids], stamps):
        entries, records, refused = _read_files(lookup, [files[i] for i in batch], [names[i] for i in batch],
                                       [keys[i] for i in batch], [stamps[i] for i in batch], started, on_file)
        ids.update(zip(batch, store.update(gone, entries, records, refused)))
        findings += [finding for entry in entries for finding in entry.findings]
        gone = []
    if gone:  # files removed since, and none read
        store.update(gone, [], Records.concat([]), Records.concat([]))
    for i in unchanged:
        if on_file is not None:
            on_file(files[i])
    connection = store.connection
    connection.execute("CREATE OR REPLACE TEMP TABLE read_files AS SELECT unnest($file)::INTEGER AS file, "
                       "unnest($position)::INTEGER AS position, unnest($name)::VARCHAR AS name",
                       {"file": [ids[i] for i in range(len(files))], "position": list(range(len(files))),
                        "name": names})
    findings += store.findings_of({ids[i]: names[i] for i in unchanged})
    return ProgressRead(plan, tuple(files), store, tuple(findings), across_records(store, plan, str(Path(root))))


def _store_names(files: Sequence[str], root: str | Path) -> list[str]:
    """Each file's name in the store: its path from the workspace root, with / between folders."""
    prefix = str(Path(root))
    if prefix == ".":
        return [Path(text).as_posix() for text in files]
    return [text[len(prefix) + 1:] if text.startswith(prefix + "/") else Path(text).relative_to(prefix).as_posix()
            for text in files]  # (the first: how progress_files spells them, cheaper than relative_to)


def _batches(positions: list[int], stamps: Sequence["Stamp | None"]) -> Iterator[list[int]]:
    """The positions, in batches of about BATCH_BYTES of files."""
    batch, size = [], 0
    for i in positions:
        batch.append(i)
        size += stamps[i].size if stamps[i] is not None else 0
        if size >= BATCH_BYTES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _read_files(lookup: "Lookup", files: list[Path], names: list[str], keys: list[str],
                stamps: Sequence["Stamp | None"], started: int,
                on_file: Callable[[Path], None] | None) -> tuple[list["FileEntry"], "Records", "Records"]:
    """Read these files: each one's store entry (with its findings), the records of them all (`file`: the
    file's position among them), and the rows and files refused (`_files_refused`). Plain CSV files are parsed
    together; any other file, or one the bulk parser
    refuses, on its own; every file's rows then by the row rules."""
    from mubiao.readers.bulk import parse_bodies
    from mubiao.readers.layout import FileOrigin
    from mubiao.readers.rows import ArrowColumn, Records, Rows, read_rows
    from mubiao.readers.store import FileEntry
    from mubiao.readers.tables import TEXT_SUFFIXES, csv_body

    opened = _Opened(lookup, names)
    bodies, of_body, alone = [], [], []
    headers: dict = {}
    for i, path in enumerate(files):
        body = csv_body(path, headers) if path.suffix.lower() in TEXT_SUFFIXES else None
        if body is None:
            alone.append(i)
        elif opened.open(i, body.header, body.width, body.header_row, body.above) is not None:
            bodies.append(body)
            of_body.append(i)
        if body is not None and on_file is not None:
            on_file(path)
    blocks = []
    parsed, refused = parse_bodies(bodies) if bodies else ([], [])
    for chunk, rows in parsed:
        layout = opened.layout[of_body[chunk[0]]]
        blocks.append(Rows(layout, [ArrowColumn(column) for column in rows.columns],
                           _positions(of_body, chunk)[rows.body], rows.number,
                           _zeros(len(rows.number)), _zeros(len(rows.number)) + layout.width))
    for i in sorted([*alone, *(of_body[p] for p in refused)]):  # refused: read again from the start, on its own
        opened.forget(i)
        raw = _raw_table(files[i], names[i], opened.found[i], lookup)
        if raw is not None and (layout := opened.open(i, raw.header, raw.width, raw.header_row, raw.above)) is not None:
            blocks.append(Rows.of_lists(layout, raw.body, i, raw.header_row + 1, raw.csv, raw.places))
        if i in alone and on_file is not None:
            on_file(files[i])
    origins = [opened.origin.get(i) or FileOrigin(names[i], path.stem, -1, -1) for i, path in enumerate(files)]
    found_in_rows: list[Finding] = []
    refused: list[Records] = []
    records = Records.concat([read_rows(block, origins, lookup, found_in_rows, refused) for block in blocks])
    position = {name: i for i, name in enumerate(names)}
    for finding in found_in_rows:
        opened.found[position[finding.file]].append(finding)
    entries = [FileEntry(key, stamp, stamp is not None and stamp.settled(started),
                         dict(opened.layout[i].columns) if i in opened.layout else {}, opened.found[i])
               for i, (key, stamp) in enumerate(zip(keys, stamps))]
    return entries, records, Records.concat([*refused, _files_refused(lookup, names, opened)])


def _files_refused(lookup: "Lookup", names: list[str], opened: "_Opened") -> "Records":
    """The files that gave no rows for an error (unreadable, no header …), as one record without figures and
    indicator −1 each, at row 0, where the path says which area and month it was for (docs/progress-files.md,
    "One bad file")."""
    import numpy as np

    from mubiao.readers.layout import named_by_path
    from mubiao.readers.rows import Records

    keys = [(i, named_by_path(names[i], lookup)) for i in range(len(names)) if i not in opened.origin
            and any(f.severity is Severity.ERROR for f in opened.found[i])]
    keys = [(i, key) for i, key in keys if key is not None]
    return Records.keys_only(np.array([key[0] for _, key in keys], np.int32),
                             np.array([key[1] for _, key in keys], np.int32), np.full(len(keys), -1, np.int32),
                             np.array([i for i, _ in keys], np.int32), np.zeros(len(keys), np.int32))


class _Opened:
    """The files of a batch as their headers and paths say: each one's layout, origin and file-level findings."""

    def __init__(self, lookup: "Lookup", names: list[str]) -> None:
        self.lookup, self.names = lookup, names
        self.layouts: dict[tuple, "Layout"] = {}  # files of one form share its layout
        self.layout: dict[int, "Layout"] = {}
        self.origin: dict = {}
        self.found: list[list[Finding]] = [[] for _ in names]

    def open(self, i: int, header: Sequence, width: int, header_row: int, above: str = "") -> "Layout | None":
        """The layout of file i, with its findings (D102–D104, D105, D106, D112, D113); None when its rows cannot
        be read for want of an area or a month. `above`: the text of the rows above its header (its title)."""
        from mubiao.readers.layout import layout_of, origin_of

        key = (tuple((type(cell), cell) for cell in header), width, header_row)
        if key not in self.layouts:
            self.layouts[key] = layout_of(header, width, header_row)
        layout = self.layout[i] = self.layouts[key]
        self.found[i] += layout.findings_in(self.names[i])
        origin = origin_of(self.names[i], layout, self.lookup, self.found[i], above)
        if origin is None:
            return None
        self.origin[i] = origin
        return layout

    def forget(self, i: int) -> None:
        self.found[i] = []
        self.layout.pop(i, None)
        self.origin.pop(i, None)


def _raw_table(path: Path, name: str, found: list[Finding], lookup: "Lookup") -> "RawTable | None":
    """The file as a raw table (a wide table of the plan's made tidy), or None with its finding (D001, D002, D005,
    D007, D101); D009 when a workbook has sheets with a header beyond the one read, D103 for each column of a
    wide table that names nothing of the plan."""
    from mubiao.readers.layout import cell_finding
    from mubiao.readers.tables import read_raw_table
    from mubiao.readers.wide import reshaper

    try:
        raw = read_raw_table(path, reshaper(lookup))
    except ProgressError as exc:
        found.append(cell_finding(name, exc.code or "D001", exc.described(), exc.line, exc.column))
        return None
    things = "指标" if raw.wide == "area" else lookup.say("县")
    for row, column, text in raw.wide_unread:
        found.append(cell_finding(name, "D103", f"汇总表的列“{text}”不是计划中的{things},这一列未读取", row, column))
    if raw.unread:
        others = "、".join(f"“{sheet}”" for sheet in raw.unread)
        found.append(cell_finding(name, "D009", f"工作簿中有 {len(raw.unread) + 1} 个有表头的工作表,只读取了“{raw.sheet}”,"
                                                f"{others}未读取;每月每个单位报一个文件,一个文件一张表", None))
    return raw


def _positions(values: list[int], at: list[int]):
    import numpy as np

    return np.asarray(values, dtype=np.int32)[at]


def _zeros(count: int):
    import numpy as np

    return np.zeros(count, dtype=np.int32)


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
    with read_progress_or_raise(plan, root, files, on_file) as read:
        return read.frame


def read_progress_or_raise(plan: Plan, root: str | Path = ".", files: Iterable[Path] | None = None,
                           on_file: Callable[[Path], None] | None = None, *,
                           on_count: Callable[[int], None] | None = None) -> ProgressRead:
    """`read_progress`, raising ProgressError at the first error-level finding as `load_progress` does."""
    read = read_progress(plan, root, files, on_file, on_count=on_count)
    try:
        raise_first_error(read.errors, ProgressError, progress_folder(plan, root))
    except ProgressError:
        read.close()
        raise
    return read


def records_frame(records: Iterable[Record]) -> "pandas.DataFrame":
    """Records as the tidy DataFrame (see `load_progress`)."""
    records = list(records)
    return _tidy_frame({name: [getattr(r, name) for r in records] for name in TIDY_COLUMNS})


def _tidy_frame(columns: Mapping[str, Sequence]) -> "pandas.DataFrame":
    """The tidy table of these columns (the values of each of TIDY_COLUMNS, record by record), typed: ids, months,
    notes and files as strings, figures as nullable floats, done_on as datetimes, row as a nullable integer."""
    import pandas as pd

    def typed(name: str, dtype: str) -> "pandas.Series":
        return pd.Series(columns[name], dtype=dtype).reset_index(drop=True)

    return pd.DataFrame({
        **{name: typed(name, "string") for name in ("county", "period", "indicator")},
        **{name: typed(name, "Float64") for name in ("value", "numerator", "denominator")},
        "done_on": pd.Series(pd.to_datetime(columns["done_on"])).astype("datetime64[s]"),
        "note": typed("note", "string"), "file": typed("file", "string"), "row": typed("row", "Int64"),
    }, columns=list(TIDY_COLUMNS))
