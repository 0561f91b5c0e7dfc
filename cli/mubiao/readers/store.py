"""The store: what a plan's progress files gave, in a DuckDB database, so that the next run reads only the files
that changed, and the gap engine's queries run on it (docs/progress-files.md, "The store").

`.mubiao-cache/<plan-id>.duckdb` holds, for each file read, what `os.stat` said of it (size, mtime, ctime, inode),
its columns and its findings, and its records; beside them the findings across records (D201–D206) of exactly
the files it holds, while none changed. Areas, months and indicators are kept as codes (the area 0 is the city
itself, then the plan's counties in order; a month is year × 12 + month − 1; an indicator its place in the plan);
the view `progress` shows the records with the plan's ids, for anyone who queries the file with DuckDB.

- A file whose stamp differs in anything is read again; one changed in the two seconds before it was read is
  read again next time too ("racily clean", as git calls it: a clock tick holds many writes).
- It is for one plan as it is now, one mubiao and one format: any change to the plan starts it again.
- A file that is not such a store, or is damaged (DuckDB checks every block it reads), or holds codes out of
  range, is deleted and built again: never trusted. Every change is one transaction.
- One process at a time holds it: another waits for it (up to STORE_WAIT seconds), then reads without it. A
  workspace that cannot be written is read without it too. Deleting `.mubiao-cache/` is always safe.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, Sequence

from mubiao.checks.findings import Finding
from mubiao.models import Plan
from mubiao.numbers import TOLERANCE

if TYPE_CHECKING:
    import duckdb

    from mubiao.readers.rows import Records

#: The folder, in the workspace root, that holds the stores.
CACHE_FOLDER = ".mubiao-cache"

#: Bump when what is stored changes.
FORMAT = 4

#: A file changed less than this long before it was read is read again next time.
RACY_SECONDS = 2.0

#: How long a read waits for another process to let go of the store before it reads without it.
STORE_WAIT = 60.0

#: What DuckDB may use at most: a national store is queried within it (DuckDB spills to disk beyond).
MEMORY_LIMIT = "512MB"

_SCHEMA = """
CREATE TABLE store (format INTEGER, mubiao VARCHAR, plan VARCHAR, across_root VARCHAR);
CREATE TABLE files (file INTEGER PRIMARY KEY, name VARCHAR UNIQUE, size BIGINT, mtime_ns BIGINT, ctime_ns BIGINT,
                    inode BIGINT, settled BOOLEAN, columns VARCHAR);
CREATE TABLE findings (file INTEGER, line INTEGER, "column" INTEGER, code VARCHAR, message VARCHAR);
CREATE TABLE records (file INTEGER, "row" INTEGER, county SMALLINT, period INTEGER, indicator INTEGER,
                      value DOUBLE, numerator DOUBLE, denominator DOUBLE, done_on DATE, note VARCHAR,
                      x DOUBLE, has_both BOOLEAN);
CREATE TABLE refused (file INTEGER, "row" INTEGER, county SMALLINT, period INTEGER, indicator INTEGER,
                      "column" INTEGER);
CREATE TABLE across (code VARCHAR, file INTEGER, line INTEGER, "column" INTEGER, message VARCHAR, value DOUBLE,
                     earlier_period INTEGER, earlier_value DOUBLE);
CREATE TABLE areas (county SMALLINT, id VARCHAR, name VARCHAR);
CREATE TABLE indicators (indicator INTEGER, id VARCHAR, name VARCHAR, kind VARCHAR, scale DOUBLE);
CREATE VIEW progress AS
    SELECT f.name AS file, r."row", a.id AS county,
           printf('%04d-%02d', r.period // 12, r.period % 12 + 1) AS period, i.id AS indicator,
           r.value, r.numerator, r.denominator, r.done_on, r.note
    FROM records r JOIN files f USING (file) JOIN areas a USING (county) JOIN indicators i USING (indicator);
"""


class Stamp(NamedTuple):
    """What `os.stat` says of a file: if any of it changed, so may have the file."""

    size: int
    mtime_ns: int
    ctime_ns: int
    inode: int

    @classmethod
    def of(cls, path: str | Path) -> "Stamp | None":
        import os

        try:
            stat = os.stat(path)
        except OSError:
            return None
        return cls(stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)

    def settled(self, now_ns: int) -> bool:
        """True when the file last changed long enough before `now_ns` for its stamp to tell every later change."""
        return now_ns - self.mtime_ns > RACY_SECONDS * 1e9


@dataclass(frozen=True)
class Kept:
    """A file as the store holds it."""

    file: int
    stamp: Stamp
    settled: bool


@dataclass(frozen=True)
class FileEntry:
    """A file read now, for the store: its name (from the workspace root), stamp, columns and findings."""

    name: str
    stamp: Stamp | None
    settled: bool
    columns: dict[str, int]
    findings: Sequence[Finding]


#: The value x of a record as docs/contract.md §2 reads it, in SQL over a record `r` and its indicator `i` (its
#: `kind`, and its `scale`): a ratio's numerator / denominator × scale where it has both and the denominator is not 0
#: (none when beyond a float), a milestone done when only dated, else the value reported. The store keeps it with
#: each record; the engine works it out for a caller's DataFrame.
VALUE = f"""CASE WHEN i.kind = 'ratio' AND r.numerator IS NOT NULL AND abs(r.denominator) > {TOLERANCE}
                     THEN CASE WHEN isfinite(r.numerator / r.denominator * i.scale)
                               THEN r.numerator / r.denominator * i.scale END
                 WHEN i.kind IN ('milestone', 'task') AND r.value IS NULL AND r.done_on IS NOT NULL THEN 1.0
                 ELSE r.value END"""
#: Whether a record can feed the city's Σnumerator / Σdenominator (a ratio's, with both, the denominator not 0).
BOTH = f"coalesce(i.kind = 'ratio' AND r.numerator IS NOT NULL AND abs(r.denominator) > {TOLERANCE}, false)"


@lru_cache(maxsize=256)
def columns_of(text: str) -> dict[str, int]:
    """A file's columns (field → 1-based column) from the JSON the store keeps them as, decoded once per text (the
    files of one form share it, and so share the one dict: not to be changed)."""
    return json.loads(text)


def cache_folder(root: str | Path) -> Path | None:
    """`.mubiao-cache/` of the workspace, or None when a link takes it out of the workspace (mubiao then keeps
    nothing: it reads every file, as in a read-only workspace, and writes nowhere it was not asked to)."""
    from mubiao.readers.listing import is_inside

    folder = Path(root) / CACHE_FOLDER
    return folder if is_inside(root, folder) else None


def store_path(root: str | Path, plan: Plan) -> Path | None:
    folder = cache_folder(root)
    return None if folder is None else folder / f"{plan.id}.duckdb"


def fingerprint(plan: Plan) -> str:
    """What a store was built for: this plan, this mubiao, this format."""
    from mubiao import __version__

    content = replace(plan, path=None)  # the plan, not where it was read from: `--root .` and `--root /abs` agree
    return hashlib.sha256(f"{FORMAT}|{__version__}|{content!r}".encode()).hexdigest()


class Store:
    """A connection to a store (on disk, or in memory for a read that keeps nothing), with the plan's codes."""

    def __init__(self, connection: "duckdb.DuckDBPyConnection", plan: Plan, path: Path | None) -> None:
        self.connection = connection
        self.plan = plan
        self.path = path

    @classmethod
    def memory(cls, plan: Plan) -> Store:
        """An empty store in memory."""
        store = cls(_connect(":memory:"), plan, None)
        store._create()
        return store

    @classmethod
    def open(cls, root: str | Path, plan: Plan) -> Store:
        """The plan's store in the workspace: as it was, or new when there was none or it could not be trusted; in
        memory when the workspace cannot hold one (read-only), or another process held it for STORE_WAIT."""
        import duckdb

        path = store_path(root, plan)
        if path is None:
            return cls.memory(plan)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError:
            return cls.memory(plan)
        _forget_old_cache(root, plan)
        deadline = time.monotonic() + STORE_WAIT
        rebuilt = False
        while True:
            try:
                return cls._trusted(path, plan)
            except duckdb.Error as exc:
                if "lock" in str(exc).lower() and time.monotonic() < deadline:
                    time.sleep(0.05)  # another mubiao holds it: wait for it
                    continue
                if rebuilt or "lock" in str(exc).lower() or not _delete(path):
                    return cls.memory(plan)
                rebuilt = True  # not a store, or damaged: built again, once
            except OSError:
                return cls.memory(plan)

    @classmethod
    def _trusted(cls, path: Path, plan: Plan) -> Store:
        """The store at `path`, checked (duckdb.Error when it is not a store or is damaged), or made anew."""
        connection = _connect(str(path))
        store = cls(connection, plan, path)
        try:
            tables = {name for (name,) in connection.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
            if not tables:
                store._create()
            elif not store._sound():
                store._drop()
                store._create()
        except BaseException:
            connection.close()
            raise
        return store

    def _sound(self) -> bool:
        """Whether the store is one of this plan, this mubiao and this format, and every code in it is in range:
        reading every column once also has DuckDB check every block's checksum."""
        try:
            rows = self.connection.execute("SELECT format, mubiao, plan FROM store").fetchall()
        except Exception:  # noqa: BLE001 - any table missing or of another shape: another store
            return False
        from mubiao import __version__

        if rows != [(FORMAT, __version__, fingerprint(self.plan))]:
            return False
        bad = self.connection.execute("""
            SELECT count(*) FILTER (WHERE county NOT BETWEEN 0 AND ? OR indicator NOT BETWEEN 0 AND ? - 1
                                    OR period NOT BETWEEN ? AND ? OR file NOT IN (SELECT file FROM files)),
                   sum(value), sum(numerator), sum(denominator), max(done_on), max(length(note)), max("row")
            FROM records""", [len(self.plan.counties), len(self.plan.indicators), *_months(self.plan)]).fetchone()
        refused = self.connection.execute("""
            SELECT count(*) FILTER (WHERE county NOT BETWEEN 0 AND ? OR indicator NOT BETWEEN -1 AND ? - 1
                                    OR period NOT BETWEEN ? AND ? OR file NOT IN (SELECT file FROM files))
            FROM refused""", [len(self.plan.counties), len(self.plan.indicators), *_months(self.plan)]).fetchone()
        return bad[0] == 0 and refused[0] == 0

    def _drop(self) -> None:
        for (name, kind) in self.connection.execute(
                "SELECT table_name, 'TABLE' FROM duckdb_tables() UNION ALL "
                "SELECT view_name, 'VIEW' FROM duckdb_views() WHERE NOT internal").fetchall():
            self.connection.execute(f'DROP {kind} IF EXISTS "{name}" CASCADE')

    def _create(self) -> None:
        from mubiao import __version__

        plan, connection = self.plan, self.connection
        connection.execute("BEGIN")
        connection.execute(_SCHEMA)
        connection.execute("INSERT INTO store VALUES (?, ?, ?, NULL)", [FORMAT, __version__, fingerprint(plan)])
        insert(connection, "areas", [(0, "city", plan.levels.own), *((code, county.id, county.name)
                                                             for code, county in enumerate(plan.counties, start=1))])
        insert(connection, "indicators", [(code, ind.id, ind.name, ind.kind.value, ind.ratio_scale)
                                          for code, ind in enumerate(plan.indicators)])
        connection.execute("COMMIT")

    def close(self) -> None:
        self.connection.close()

    # ------------------------------------------------------------------------------------------ what it holds

    def kept(self) -> dict[str, Kept]:
        """Every file the store holds, by name."""
        rows = self.connection.execute("SELECT name, file, size, mtime_ns, ctime_ns, inode, settled FROM files")
        return {name: Kept(file, Stamp(size, mtime, ctime, inode), settled)
                for name, file, size, mtime, ctime, inode, settled in rows.fetchall()}

    def findings_of(self, files: dict[int, str]) -> list[Finding]:
        """The findings of these files (by id), named as `files` names them."""
        from mubiao.checks.findings import RULES

        if not files:
            return []
        rows = self.connection.execute(
            'SELECT file, line, "column", code, message FROM findings WHERE file IN (SELECT unnest(?))',
            [list(files)]).fetchall()
        return [Finding(files[file], line, column, code, RULES[code].severity, message)
                for file, line, column, code, message in rows]

    def across_kept(self, root: str) -> bool:
        """Whether the findings across records it keeps are those of the files held, as they are now, and name
        files as a read from `root` does."""
        return self.connection.execute("SELECT across_root FROM store").fetchone()[0] == root

    # --------------------------------------------------------------------------------------------- changing it

    def update(self, gone: Sequence[int], entries: Sequence[FileEntry], records: "Records",
               refused: "Records") -> list[int]:
        """In one transaction: forget the files `gone` (by id), and keep `entries` (read now; `records.file` is a
        position among them) with their records, findings and refused rows (`refused`: their keys; row 0 and
        indicator −1 for a whole file; `value` a wide table's column of the figure). Returns the ids the entries were given."""
        connection = self.connection
        connection.execute("BEGIN")
        try:
            if gone:
                for table in ("records", "refused", "findings", "files"):
                    connection.execute(f"DELETE FROM {table} WHERE file IN (SELECT unnest(?))", [list(gone)])
            first = connection.execute("SELECT coalesce(max(file) + 1, 0) FROM files").fetchone()[0]
            ids = list(range(first, first + len(entries)))
            insert(connection, "files", [
                (file, entry.name, *(entry.stamp or Stamp(-1, -1, -1, -1)), entry.settled, json.dumps(entry.columns))
                for file, entry in zip(ids, entries)])
            insert(connection, "findings", [(file, f.line, f.column, f.code, f.message)
                                            for file, entry in zip(ids, entries) for f in entry.findings])
            if len(records):
                import numpy as np

                connection.register("incoming", _arrow(records, np.asarray(ids, dtype=np.int32)))
                connection.execute(f"INSERT INTO records SELECT r.*, {VALUE}, {BOTH} "
                                   f"FROM incoming r JOIN indicators i USING (indicator)")
                connection.unregister("incoming")
            insert(connection, "refused", list(zip([ids[i] for i in refused.file.tolist()], refused.row.tolist(),
                                                   refused.county.tolist(), refused.period.tolist(),
                                                   refused.indicator.tolist(),
                                                   [None if v != v else int(v) for v in refused.value.tolist()])))
            connection.execute("UPDATE store SET across_root = NULL")
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        return ids


def insert(connection: "duckdb.DuckDBPyConnection", table: str, rows: Sequence[tuple]) -> None:
    """Add these rows to a table, in one statement (DuckDB's executemany runs one statement per row)."""
    if not rows:
        return
    columns = list(zip(*rows))
    values = ", ".join(f"unnest(${number})" for number in range(1, len(columns) + 1))
    connection.execute(f"INSERT INTO {table} SELECT {values}", [list(column) for column in columns])


def _arrow(records: "Records", ids) -> "object":
    """The records as an Arrow table in the store's columns, NaN and NaT as NULL. Built from the arrays' own
    buffers: pyarrow's conversions of Python and numpy objects import pandas, which costs more than the read of a
    city's files."""
    import numpy as np
    import pyarrow as pa

    def array(values: np.ndarray, kind, valid: np.ndarray | None = None) -> pa.Array:
        bitmap = None if valid is None else pa.py_buffer(np.packbits(valid, bitorder="little"))
        return pa.Array.from_buffers(kind, len(values), [bitmap, pa.py_buffer(np.ascontiguousarray(values))])

    figures = {name: getattr(records, name) for name in ("value", "numerator", "denominator")}
    noted = np.flatnonzero(records.note != None)  # noqa: E711 (element-wise)
    texts: dict[str, int] = {}
    codes = np.zeros(len(records), dtype=np.int32)
    codes[noted] = [texts.setdefault(text, len(texts)) for text in records.note[noted].tolist()]
    encoded = [text.encode("utf-8") for text in texts]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int32)
    np.cumsum([len(text) for text in encoded], out=offsets[1:])
    dictionary = pa.Array.from_buffers(pa.string(), len(encoded), [None, pa.py_buffer(offsets),
                                                                    pa.py_buffer(b"".join(encoded))])
    has_note = np.zeros(len(records), dtype=bool)
    has_note[noted] = True
    days = records.done_on.astype("datetime64[D]").view(np.int64)
    return pa.Table.from_arrays([
        array(ids[records.file].astype(np.int32), pa.int32()), array(records.row.astype(np.int32), pa.int32()),
        array(records.county.astype(np.int16), pa.int16()), array(records.period.astype(np.int32), pa.int32()),
        array(records.indicator.astype(np.int32), pa.int32()),
        *(array(values.astype(np.float64), pa.float64(), ~np.isnan(values)) for values in figures.values()),
        array(days.astype(np.int32), pa.date32(), days != np.iinfo(np.int64).min),
        pa.DictionaryArray.from_buffers(pa.dictionary(pa.int32(), pa.string()), len(records),
                                        [pa.py_buffer(np.packbits(has_note, bitorder="little")), pa.py_buffer(codes)],
                                        dictionary),
    ], names=["file", "row", "county", "period", "indicator", *figures, "done_on", "note"])


def _months(plan: Plan) -> tuple[int, int]:
    from mubiao.readers.layout import month_number

    return month_number(plan.first_month), month_number(plan.last_month)


def _connect(path: str) -> "duckdb.DuckDBPyConnection":
    import duckdb

    return duckdb.connect(path, config={"memory_limit": MEMORY_LIMIT})


def _delete(path: Path) -> bool:
    """Remove a store that cannot be trusted (and its write-ahead log); False when it cannot be removed."""
    try:
        for file in (path, path.with_name(path.name + ".wal")):
            file.unlink(missing_ok=True)
    except OSError:
        return False
    return True


def _forget_old_cache(root: str | Path, plan: Plan) -> None:
    """The cache of mubiao 0.1 (`<plan-id>.npz`): no longer read, so no longer kept."""
    try:
        (Path(root) / CACHE_FOLDER / f"{plan.id}.npz").unlink(missing_ok=True)
    except OSError:
        pass
