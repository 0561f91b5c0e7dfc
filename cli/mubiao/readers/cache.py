"""What the progress files of a plan gave, kept under `.mubiao-cache/` so that the next run reads only what
changed (issue 7).

The cache is invisible: a command gives the same result with it, without it, and with a damaged one.

- One file per plan, `.mubiao-cache/<plan-id>.npz`: numpy arrays (never pickles, so loading it runs no code)
  and a JSON index. Each progress file's entry holds its records (a slice of the arrays), its findings, its
  columns, and what `os.stat` said of it when it was read: size, mtime, ctime and inode. A file whose stat
  differs in any of these is read again; a file no longer there is dropped; a new one is read.
- A file changed in the two seconds before it was read is not kept ("racily clean", as git calls it): a clock
  tick holds many writes, so a later edit could leave the same mtime. It is read again next time.
- The cache is for one plan as it is now and one version of mubiao: a change to the plan (any of it: targets
  decide warnings) or a new release starts it again.
- Anything wrong with the file (truncated, garbled, another format, codes out of range) makes it be rebuilt,
  never trusted: the zip's CRC catches damaged bytes, and every array is checked before it is used.
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
from mubiao.models import Plan
from mubiao.readers.batch import FileRead, RecordColumns, Vocabulary

#: The folder, in the workspace root, that holds the caches.
CACHE_FOLDER = ".mubiao-cache"

#: Bump when what is stored changes.
FORMAT = 2

#: A file changed less than this long before it was read is not kept (see the module's docstring).
RACY_SECONDS = 2.0

#: The arrays of a cache file and how they are stored (codes in the narrowest type the plan allows).
_ARRAYS = {
    "county": np.int32, "period": np.int32, "indicator": np.int32, "value": np.float64, "numerator": np.float64,
    "denominator": np.float64, "done_on": np.int64, "file": np.int32, "row": np.int32,
}


@dataclass(frozen=True)
class Stamp:
    """What `os.stat` says of a file: if any of it changed, so may have the file."""

    size: int
    mtime_ns: int
    ctime_ns: int
    inode: int

    @classmethod
    def of(cls, path: Path) -> "Stamp | None":
        try:
            stat = path.stat()
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
            arrays = {name: stored[f"r_{name}"] for name in [*_ARRAYS, "note_at", "note_text", "index", "stamps",
                                                                   "layout_of"]}
        return _entries(arrays, plan, vocabulary, root)
    except (OSError, ValueError, KeyError, TypeError, IndexError, zipfile.BadZipFile, EOFError, UnicodeError):
        return Loaded({}, RecordColumns.empty())  # rebuilt by the next save


def _entries(arrays: Mapping[str, np.ndarray], plan: Plan, vocabulary: Vocabulary, root: str | Path) -> Loaded:
    index = json.loads(arrays["index"].tobytes().decode("utf-8"))
    if index.get("fingerprint") != fingerprint(plan):
        return Loaded({}, RecordColumns.empty())
    count = len(arrays["row"])
    for name, dtype in _ARRAYS.items():
        if arrays[name].dtype != dtype or arrays[name].shape != (count,):
            raise ValueError(f"cache array {name} damaged")
    names, layouts, layout_of = index["names"], index["columns"], arrays["layout_of"]
    stamps = arrays["stamps"]
    if stamps.dtype != np.int64 or stamps.shape != (len(names), 4) or layout_of.shape != (len(names),) or \
            (len(names) and not (0 <= layout_of.min() and layout_of.max() < len(layouts))):
        raise ValueError("cache index damaged")
    for name, size in (("county", len(vocabulary.counties)), ("period", len(vocabulary.periods)),
                       ("indicator", len(vocabulary.indicators)), ("file", len(names))):
        if count and not (0 <= arrays[name].min() and arrays[name].max() < size):
            raise ValueError(f"cache array {name} out of range")
    notes = np.full(count, None, dtype=object)
    texts = json.loads(arrays["note_text"].tobytes().decode("utf-8"))
    notes[arrays["note_at"]] = texts
    records = RecordColumns(
        county=arrays["county"], period=arrays["period"], indicator=arrays["indicator"], value=arrays["value"],
        numerator=arrays["numerator"], denominator=arrays["denominator"],
        done_on=arrays["done_on"].view("datetime64[D]"), note=notes, file=arrays["file"], row=arrays["row"],
    )
    findings = {int(number): [tuple(finding) for finding in found] for number, found in index["findings"].items()}
    for found in findings.values():
        for finding in found:
            Severity(finding[3])  # raises ValueError when damaged
    columns = [dict(layout) for layout in layouts]
    entries = {name: Cached(Stamp(*stamp), columns[layout], findings.get(number, []), number)
               for number, (name, stamp, layout) in enumerate(zip(names, stamps.tolist(), layout_of.tolist()))}
    across = index.get("across")
    if across is not None and across["root"] == str(Path(root)):  # their messages name files as the root spells them
        return Loaded(entries, records, [Finding(file, line, column, code, Severity(severity), message)
                                         for file, line, column, code, severity, message in across["findings"]])
    return Loaded(entries, records)


def save(root: str | Path, plan: Plan, entries: Sequence[tuple[str, Stamp, FileRead]],
         records: RecordColumns, across: Sequence[Finding] | None = None) -> None:
    """Keep these files' entries (name relative to the root, stamp, what it gave) and their records (`file`:
    the entry's place in `entries`), replacing the whole cache; `across`: the findings across records of exactly
    these files (None when the read had others). Silently nothing when the workspace is read-only: the cache
    only saves time."""
    # the index kept small, as a national one has tens of thousands of files: stamps as an array, each distinct
    # column layout once, findings only for the files that have any
    layouts: dict[str, int] = {}
    layout_of = [layouts.setdefault(json.dumps(file.columns, sort_keys=True), len(layouts)) for _, _, file in entries]
    index = {
        "fingerprint": fingerprint(plan),
        "names": [name for name, _, _ in entries],
        "columns": [json.loads(layout) for layout in layouts],
        "findings": {str(number): [[f.line, f.column, f.code, f.severity.value, f.message] for f in file.findings]
                     for number, (_, _, file) in enumerate(entries) if file.findings},
    }
    noted = np.flatnonzero(records.note != None)  # noqa: E711 (element-wise)
    arrays = {name: getattr(records, name).astype(dtype, copy=False) for name, dtype in _ARRAYS.items()
              if name != "done_on"}
    arrays["done_on"] = records.done_on.view(np.int64)
    arrays["note_at"] = noted
    arrays["note_text"] = _utf8(json.dumps(records.note[noted].tolist(), ensure_ascii=False))
    arrays["stamps"] = np.array([[stamp.size, stamp.mtime_ns, stamp.ctime_ns, stamp.inode] for _, stamp, _ in entries],
                                dtype=np.int64).reshape(len(entries), 4)
    arrays["layout_of"] = np.array(layout_of, dtype=np.int32)
    if across is not None:
        index["across"] = {"root": str(Path(root)), "findings": [
            [f.file, f.line, f.column, f.code, f.severity.value, f.message] for f in across]}
    arrays["index"] = _utf8(json.dumps(index, ensure_ascii=False))
    _write_quietly(cache_path(root, plan),
                   lambda handle: np.savez(handle, **{f"r_{name}": array for name, array in arrays.items()}))


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
