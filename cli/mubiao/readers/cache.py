"""What the progress files of a plan gave, kept under `.mubiao-cache/` so that the next run reads only what
changed (issue 7).

The cache is invisible: a command gives the same result with it, without it, and with a damaged one.

- One file per plan, `.mubiao-cache/<plan-id>.npz`: numpy arrays (never pickles, so loading it runs no code)
  and a JSON index. Each progress file's entry holds its records (a slice of the arrays), its findings, its
  columns, and what `os.stat` said of it when it was read: size, mtime, ctime and inode. A file whose stat
  differs in any of these is read again; a file no longer there is dropped; a new one is read.
- The records are stored compact (a national workspace has millions: the time to load and save is that of the
  bytes), and loaded back exactly as they were, in the types `RecordColumns` has:
  - county, period and indicator codes in the narrowest integer type their vocabulary allows (int8, int16 or
    int32), `row` in int16 when every row fits, else int32;
  - value, numerator and denominator in float32 when that keeps every one of them bit for bit, else float64;
  - `file` not at all: the records are kept grouped by file, in file order, and each file's count of records
    is kept instead (`file_count`);
  - numerator and denominator (NaN except in ratios) only at the records where either is a number (`ratio_at`),
    the completion date (NaT on most) only where there is one (`done_at`, days since 1970 in int32 when they
    fit), the notes only where there is one (`note_at`), as codes (`note_code`) into their distinct texts
    (`note_text`, JSON);
  - positions in the narrowest integer type that holds the record count.
- A file changed in the two seconds before it was read is not kept ("racily clean", as git calls it): a clock
  tick holds many writes, so a later edit could leave the same mtime. It is read again next time.
- The cache is for one plan as it is now and one version of mubiao: a change to the plan (any of it: targets
  decide warnings) or a new release starts it again.
- Anything wrong with the file (truncated, garbled, another format, codes out of range) makes it be rebuilt,
  never trusted: the zip's CRC catches damaged bytes, and every array is checked before it is used (its type
  and shape, codes in range, positions in range and strictly increasing, counts adding up to the records).
- It is written through a temporary file and a rename, so two runs at once leave one or the other whole.
- Beside the records it keeps the findings across records (D201–D203) of exactly the files it holds, reused only
  while every one of them is as it was, and the data of plan files found free of errors (`plans/`, by the hash
  of the file's bytes), so that an unchanged plan is neither parsed nor checked again.

Deleting `.mubiao-cache/` is always safe.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import BinaryIO, Callable, Mapping, NamedTuple, Sequence

import numpy as np

from mubiao.checks.findings import Finding, Severity
from mubiao.collector import paused as collector_paused
from mubiao.models import Plan
from mubiao.readers.batch import FileRead, RecordColumns, Vocabulary

#: The folder, in the workspace root, that holds the caches.
CACHE_FOLDER = ".mubiao-cache"

#: Bump when what is stored changes.
FORMAT = 3

#: A file changed less than this long before it was read is not kept (see the module's docstring).
RACY_SECONDS = 2.0

#: The arrays of a cache file (each stored as `r_<name>`; see the module's docstring).
_STORED = ("county", "period", "indicator", "value", "row", "file_count", "ratio_at", "numerator", "denominator",
           "done_at", "done_days", "note_at", "note_code", "note_text", "index", "stamps", "layout_of")

#: What a figure may be stored as (float32 only when it keeps every figure exactly).
_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))

#: What rows may be stored as.
_ROWS = (np.dtype(np.int16), np.dtype(np.int32))

_NAT = np.iinfo(np.int64).min  # NaT as an int64 day number


class Stamp(NamedTuple):
    """What `os.stat` says of a file: if any of it changed, so may have the file. (A named tuple: a load makes one
    for each of tens of thousands of files, and a tuple is made in a third of the time a frozen dataclass is.)"""

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


@dataclass
class Cached:
    """A file's entry: what it gave when its stamp was `stamp`."""

    stamp: Stamp
    columns: dict[str, int]
    findings: list[tuple]
    """(line, column, code, severity, message) of each finding."""
    number: int
    """The file's number in the cache: its records are those whose `file` is this number."""

    def file_read(self, path: Path) -> FileRead:
        """The file's findings and columns, named as `path` (the columns shared with the other files that have the
        same: a reader never changes them)."""
        findings = [Finding(str(path), line, column, code, Severity(severity), message)
                    for line, column, code, severity, message in self.findings]
        return FileRead(path, findings, self.columns)


def cache_path(root: str | Path, plan: Plan) -> Path:
    return Path(root) / CACHE_FOLDER / f"{plan.id}.npz"


def fingerprint(plan: Plan) -> str:
    """What the cache was built for: this plan, this mubiao, this format."""
    from mubiao import __version__

    content = replace(plan, path=None)  # the plan, not where it was read from: `--root .` and `--root /abs` agree
    return hashlib.sha256(f"{FORMAT}|{__version__}|{content!r}".encode()).hexdigest()


class Loaded(NamedTuple):
    """What a cache holds: the entries by file name (relative to the workspace root), the records of all of them
    (`file` is the entry's number), and the findings across records (D201–D203) of exactly these files as they
    were, when they were saved with them (None otherwise)."""

    entries: dict[str, Cached]
    records: RecordColumns
    across: list[Finding] | None = None


def load(root: str | Path, plan: Plan, vocabulary: Vocabulary) -> Loaded:
    """What the cache of `plan` in `root` holds; nothing when there is no usable cache (missing, damaged, another
    plan)."""
    path = cache_path(root, plan)
    if not path.is_file():
        return Loaded({}, RecordColumns.empty())
    try:
        with path.open("rb") as handle, np.load(handle, allow_pickle=False) as stored:
            arrays = {name: stored[f"r_{name}"] for name in _STORED}
        return _entries(arrays, plan, vocabulary, root)
    except (OSError, ValueError, KeyError, TypeError, IndexError, zipfile.BadZipFile, EOFError, UnicodeError):
        return Loaded({}, RecordColumns.empty())  # rebuilt by the next save


def _entries(arrays: Mapping[str, np.ndarray], plan: Plan, vocabulary: Vocabulary, root: str | Path) -> Loaded:
    index = json.loads(arrays["index"].tobytes().decode("utf-8"))
    if index.get("fingerprint") != fingerprint(plan):
        return Loaded({}, RecordColumns.empty())
    names, layouts, layout_of, stamps = index["names"], index["columns"], arrays["layout_of"], arrays["stamps"]
    if not isinstance(names, list) or stamps.dtype != np.int64 or stamps.shape != (len(names), 4) or \
            layout_of.shape != (len(names),) or layout_of.dtype != np.int32 or \
            (len(names) and not (0 <= layout_of.min() and layout_of.max() < len(layouts))):
        raise ValueError("cache index damaged")
    records = _records(arrays, vocabulary, len(names))
    findings = {int(number): [tuple(finding) for finding in found] for number, found in index["findings"].items()}
    for found in findings.values():
        for finding in found:
            Severity(finding[3])  # raises ValueError when damaged
    columns = [dict(layout) for layout in layouts]
    with collector_paused():
        entries = {name: Cached(Stamp._make(stamp), columns[layout], findings.get(number, []), number)
                   for number, (name, stamp, layout) in enumerate(zip(names, stamps.tolist(), layout_of.tolist()))}
    across = index.get("across")
    if across is not None and across["root"] == str(Path(root)):  # their messages name files as the root spells them
        return Loaded(entries, records, [Finding(file, line, column, code, Severity(severity), message)
                                         for file, line, column, code, severity, message in across["findings"]])
    return Loaded(entries, records)


def _records(arrays: Mapping[str, np.ndarray], vocabulary: Vocabulary, files: int) -> RecordColumns:
    """The records of the cache's arrays, checked (ValueError when any is damaged) and in `RecordColumns`' types."""
    row = arrays["row"]
    count = len(row)
    _check(row, _ROWS, count, "row")
    codes = {}
    for name, size in (("county", len(vocabulary.counties)), ("period", len(vocabulary.periods)),
                       ("indicator", len(vocabulary.indicators))):
        _check(arrays[name], (_narrowest(size),), count, name)
        if count and not (0 <= arrays[name].min() and arrays[name].max() < size):
            raise ValueError(f"cache array {name} out of range")
        codes[name] = arrays[name].astype(np.int32)
    value = arrays["value"]
    _check(value, _FLOATS, count, "value")

    file_count = arrays["file_count"]
    _check(file_count, (np.dtype(np.int32),), files, "file_count")
    if file_count.sum() != count:
        raise ValueError("cache array file_count damaged")
    file = np.repeat(np.arange(files, dtype=np.int32), file_count)  # (ValueError for a count below 0)

    ratio_at = _positions(arrays["ratio_at"], count, "ratio_at")
    figures = {}
    for name in ("numerator", "denominator"):
        _check(arrays[name], _FLOATS, len(ratio_at), name)
        figures[name] = np.full(count, np.nan)
        figures[name][ratio_at] = arrays[name]

    done_at = _positions(arrays["done_at"], count, "done_at")
    _check(arrays["done_days"], (np.dtype(np.int32), np.dtype(np.int64)), len(done_at), "done_days")
    days = np.full(count, _NAT, dtype=np.int64)
    days[done_at] = arrays["done_days"]

    note_at = _positions(arrays["note_at"], count, "note_at")
    texts = json.loads(arrays["note_text"].tobytes().decode("utf-8"))
    if not isinstance(texts, list) or not all(isinstance(text, str) for text in texts):
        raise ValueError("cache array note_text damaged")
    note_code = arrays["note_code"]
    _check(note_code, (_narrowest(len(texts)),), len(note_at), "note_code")
    if len(note_code) and not (0 <= note_code.min() and note_code.max() < len(texts)):
        raise ValueError("cache array note_code out of range")
    distinct = np.empty(len(texts), dtype=object)
    distinct[:] = texts
    notes = np.empty(count, dtype=object)  # every one None
    notes[note_at] = distinct[note_code]

    return RecordColumns(
        county=codes["county"], period=codes["period"], indicator=codes["indicator"],
        value=value.astype(np.float64, copy=False), numerator=figures["numerator"],
        denominator=figures["denominator"], done_on=days.view("datetime64[D]"), note=notes, file=file,
        row=row.astype(np.int32, copy=False),
    )


def _check(array: np.ndarray, dtypes: Sequence[np.dtype], length: int, name: str) -> None:
    if array.dtype not in dtypes or array.shape != (length,):
        raise ValueError(f"cache array {name} damaged")


def _positions(at: np.ndarray, count: int, name: str) -> np.ndarray:
    """`at`, checked to be positions among `count` records, strictly increasing."""
    if at.dtype != _narrowest(count) or at.ndim != 1:
        raise ValueError(f"cache array {name} damaged")
    if len(at) and not ((at[1:] > at[:-1]).all() and 0 <= at[0] and at[-1] < count):
        raise ValueError(f"cache array {name} out of range or out of order")
    return at


def _narrowest(size: int) -> np.dtype:
    """The narrowest signed integer type that holds 0 … size − 1."""
    for dtype in (np.int8, np.int16, np.int32):
        if size <= np.iinfo(dtype).max + 1:
            return np.dtype(dtype)
    return np.dtype(np.int64)


def _exact_floats(values: np.ndarray) -> np.ndarray:
    """`values` (float64) as float32 when that keeps every one of them bit for bit, else as they are."""
    with np.errstate(all="ignore"):  # too large for float32: inf, and kept as float64
        narrow = values.astype(np.float32)
    if np.array_equal(narrow.astype(np.float64).view(np.int64), values.view(np.int64)):
        return narrow
    return values


def save(root: str | Path, plan: Plan, entries: Sequence[tuple[str, Stamp, FileRead]],
         records: RecordColumns, across: Sequence[Finding] | None = None) -> None:
    """Keep these files' entries (name relative to the root, stamp, what it gave) and their records (`file`:
    the entry's place in `entries`), replacing the whole cache; `across`: the findings across records of exactly
    these files (None when the read had others). Silently nothing when the workspace is read-only: the cache
    only saves time."""
    # the index kept small, as a national one has tens of thousands of files: stamps as an array, each distinct
    # column layout once (the same columns in another order: another layout, as good), findings only for the
    # files that have any
    layouts: dict[tuple, int] = {}
    layout_of = [layouts.setdefault(tuple(file.columns.items()), len(layouts)) for _, _, file in entries]
    index = {
        "fingerprint": fingerprint(plan),
        "names": [name for name, _, _ in entries],
        "columns": [dict(layout) for layout in layouts],
        "findings": {str(number): [[f.line, f.column, f.code, f.severity.value, f.message] for f in file.findings]
                     for number, (_, _, file) in enumerate(entries) if file.findings},
    }
    if across is not None:
        index["across"] = {"root": str(Path(root)), "findings": [
            [f.file, f.line, f.column, f.code, f.severity.value, f.message] for f in across]}
    arrays = _stored(records, Vocabulary.of(plan), len(entries))
    arrays["stamps"] = np.array([[stamp.size, stamp.mtime_ns, stamp.ctime_ns, stamp.inode] for _, stamp, _ in entries],
                                dtype=np.int64).reshape(len(entries), 4)
    arrays["layout_of"] = np.array(layout_of, dtype=np.int32)
    arrays["index"] = _utf8(json.dumps(index, ensure_ascii=False))
    _write_quietly(cache_path(root, plan),
                   lambda handle: np.savez(handle, **{f"r_{name}": arrays[name] for name in _STORED}))


def _stored(records: RecordColumns, vocabulary: Vocabulary, files: int) -> dict[str, np.ndarray]:
    """The arrays that keep `records` (of `files` files), as the module's docstring tells."""
    if len(records) > 1 and (records.file[1:] < records.file[:-1]).any():
        records = records.take(np.argsort(records.file, kind="stable"))  # grouped by file, each in its order
    count = len(records)
    file_count = np.bincount(records.file, minlength=files)
    if len(file_count) > files:
        raise ValueError("records of a file that is not among the entries")
    arrays = {name: getattr(records, name).astype(_narrowest(len(words)), copy=False) for name, words in (
        ("county", vocabulary.counties), ("period", vocabulary.periods), ("indicator", vocabulary.indicators))}
    arrays["value"] = _exact_floats(records.value)
    fits = not count or np.iinfo(np.int16).min <= records.row.min() and records.row.max() <= np.iinfo(np.int16).max
    arrays["row"] = records.row.astype(np.int16 if fits else np.int32, copy=False)
    arrays["file_count"] = file_count.astype(np.int32)

    at = _narrowest(count)
    ratio_at = np.flatnonzero(~(np.isnan(records.numerator) & np.isnan(records.denominator)))
    arrays["ratio_at"] = ratio_at.astype(at)
    arrays["numerator"] = _exact_floats(records.numerator[ratio_at])
    arrays["denominator"] = _exact_floats(records.denominator[ratio_at])

    days = records.done_on.view(np.int64)
    done_at = np.flatnonzero(days != _NAT)
    done_days = days[done_at]
    fits = not len(done_days) or np.iinfo(np.int32).min <= done_days.min() and \
        done_days.max() <= np.iinfo(np.int32).max
    arrays["done_at"] = done_at.astype(at)
    arrays["done_days"] = done_days.astype(np.int32) if fits else done_days

    note_at = np.flatnonzero(records.note != None)  # noqa: E711 (element-wise)
    notes = records.note[note_at].tolist()
    distinct = {text: code for code, text in enumerate(dict.fromkeys(notes))}
    arrays["note_at"] = note_at.astype(at)
    arrays["note_code"] = np.fromiter(map(distinct.__getitem__, notes), _narrowest(len(distinct)), len(notes))
    arrays["note_text"] = _utf8(json.dumps(list(distinct), ensure_ascii=False))
    return arrays


def _write_quietly(path: Path, write: Callable[[BinaryIO], object]) -> None:
    """A cache file written through a temporary file and a rename (`io.replace_with`: no reader sees half of one);
    silently nothing when the workspace cannot be written, since the cache only saves time. No fsync: a cache
    lost in a crash is found damaged or missing and rebuilt."""
    from mubiao.io import replace_with

    try:
        replace_with(path, write, durable=False)
    except OSError:
        pass


#: The plans found free of errors, in `.mubiao-cache/plans/`: their TOML data as JSON, by the hash of the file's
#: bytes and of this mubiao, so that the next run neither parses nor checks them again. The newest few are kept.
PLANS_FOLDER = "plans"
PLANS_REMEMBERED = 16


def _plan_memo(root: str | Path, raw: bytes) -> Path:
    from mubiao import __version__

    key = hashlib.sha256(f"{FORMAT}|{__version__}|".encode() + raw).hexdigest()
    return Path(root) / CACHE_FOLDER / PLANS_FOLDER / f"{key}.json"


def checked_plan_data(root: str | Path, raw: bytes) -> dict | None:
    """The data of a plan file of exactly these bytes that this mubiao found free of errors before (its check is a
    function of the bytes alone: the same bytes, the same findings), or None."""
    try:
        data = json.loads(_plan_memo(root, raw).read_text(encoding="utf-8"), object_hook=_toml_value)
    except (OSError, ValueError, TypeError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("plan"), dict) else None


def remember_checked_plan(root: str | Path, raw: bytes, data: dict) -> None:
    """Keep the data of a plan file found free of errors (silently nothing in a read-only workspace)."""
    path = _plan_memo(root, raw)
    text = json.dumps(data, ensure_ascii=False, default=_json_value, allow_nan=False)
    _write_quietly(path, lambda handle: handle.write(text.encode("utf-8")))
    try:
        kept = sorted(path.parent.glob("*.json"), key=lambda memo: memo.stat().st_mtime_ns, reverse=True)
        for stale in kept[PLANS_REMEMBERED:]:
            stale.unlink(missing_ok=True)
    except OSError:
        pass


def _json_value(value: object) -> dict:
    """TOML's dates and times as JSON (`{"$date": "2021-06-30"}`); no plan key starts with `$`."""
    for kind, type_ in (("$datetime", dt.datetime), ("$date", dt.date), ("$time", dt.time)):
        if isinstance(value, type_):
            return {kind: value.isoformat()}
    raise TypeError(f"{type(value).__name__} is not TOML data")


def _toml_value(obj: dict) -> object:
    if len(obj) == 1:
        (key, value), = obj.items()
        parse = {"$datetime": dt.datetime.fromisoformat, "$date": dt.date.fromisoformat,
                 "$time": dt.time.fromisoformat}.get(key)
        if parse is not None:
            return parse(value)
    return obj


def _utf8(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-8"), dtype=np.uint8)


def now_ns() -> int:
    return time.time_ns()
