"""The cache of read progress files (`.mubiao-cache/`) is invisible: whatever happens to the files or to the cache
itself, a read gives what a read without the cache gives."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import numpy as np
import pandas.testing
import pytest

from mubiao.readers import cache
from mubiao.readers import progress as progress_module
from mubiao.readers.batch import _DTYPES, BatchReader, FileRead, RecordColumns, Vocabulary
from mubiao.readers.plan import load_plan
from mubiao.readers.progress import read_progress

REPO = Path(__file__).resolve().parents[2]
PLAN_ID = "jinhua-2021"
AN_HOUR_AGO = time.time() - 3600


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A copy of the sample workspace whose files all changed an hour ago (settled: the cache keeps them)."""
    shutil.copytree(REPO / "targets", tmp_path / "targets")
    shutil.copytree(REPO / "data" / PLAN_ID, tmp_path / "data" / PLAN_ID)
    for path in (tmp_path / "data").rglob("*"):
        os.utime(path, (AN_HOUR_AGO, AN_HOUR_AGO))
    return tmp_path


@pytest.fixture
def files_read(monkeypatch) -> list[Path]:
    """Every file the reader opens (a file given by the cache is not opened)."""
    opened: list[Path] = []
    original = BatchReader.read

    def read(self, paths, first=0, on_file=None, fast=True):
        opened.extend(paths)
        return original(self, paths, first, on_file, fast)

    monkeypatch.setattr(BatchReader, "read", read)
    return opened


def plan_of(root: Path):
    return load_plan(root / "targets" / f"{PLAN_ID}.toml")


def same_as_uncached(root: Path):
    """Read with the cache and without; assert both agree, and return the cached read."""
    plan = plan_of(root)
    kept = read_progress(plan, root)
    fresh = read_progress(plan, root, cache=False)
    assert kept.findings == fresh.findings
    pandas.testing.assert_frame_equal(kept.frame, fresh.frame)
    return kept


def a_csv(root: Path) -> Path:
    return sorted((root / "data" / PLAN_ID).rglob("*.csv"))[-1]


def test_a_second_read_opens_no_file_and_gives_the_same(workspace, files_read):
    first = same_as_uncached(workspace)
    assert cache.cache_path(workspace, plan_of(workspace)).is_file()
    files_read.clear()
    second = read_progress(plan_of(workspace), workspace)
    assert files_read == []
    assert second.findings == first.findings
    pandas.testing.assert_frame_equal(second.frame, first.frame)


def test_an_edit_that_keeps_size_and_mtime_is_seen_at_once(workspace, files_read):
    first = same_as_uncached(workspace)
    path = a_csv(workspace)
    before = path.stat()
    lines = path.read_bytes().split(b"\n")
    header = lines[0].decode("utf-8-sig").split(",")
    value = header.index("完成值")
    for number, line in enumerate(lines[1:], start=1):  # a count's one-digit 完成值 becomes another digit
        cells = line.split(b",")
        if b'"' not in line and len(cells) > value and cells[value].isdigit() and len(cells[value]) == 1:
            cells[value] = str((int(cells[value]) + 1) % 10).encode()
            lines[number] = b",".join(cells)
            break
    path.write_bytes(b"\n".join(lines))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # the same size and mtime: only ctime tells
    assert path.stat().st_size == before.st_size and path.stat().st_mtime_ns == before.st_mtime_ns
    files_read.clear()
    read = same_as_uncached(workspace)
    assert path in files_read
    assert read.findings != first.findings or not read.frame.equals(first.frame)


def test_an_added_file_counts_and_a_removed_one_is_gone(workspace):
    first = same_as_uncached(workspace)
    path = a_csv(workspace)
    moved = path.parent.parent / "2021-12" / "copy-of-nothing.csv"
    removed = path.read_bytes()
    path.unlink()
    without = same_as_uncached(workspace)
    assert str(path) not in set(without.frame["file"]) and len(without.frame) < len(first.frame)
    path.write_bytes(removed)
    again = same_as_uncached(workspace)
    pandas.testing.assert_frame_equal(again.frame, first.frame)
    assert not moved.exists()


def test_a_file_edited_just_now_is_read_again_until_it_settles(workspace, files_read):
    path = a_csv(workspace)
    path.write_bytes(path.read_bytes())  # its mtime is now: a later edit in the same clock tick could hide
    same_as_uncached(workspace)
    files_read.clear()
    read_progress(plan_of(workspace), workspace)
    assert files_read == [path]


@pytest.mark.parametrize("damage", ["truncated", "garbage", "flipped-byte", "empty", "codes-out-of-range",
                                    "another-plan", "a-folder"])
def test_a_damaged_cache_is_rebuilt_never_trusted(workspace, damage):
    expected = same_as_uncached(workspace)
    kept = cache.cache_path(workspace, plan_of(workspace))
    data = kept.read_bytes()
    if damage == "truncated":
        kept.write_bytes(data[: len(data) // 2])
    elif damage == "garbage":
        kept.write_bytes(os.urandom(len(data)))
    elif damage == "flipped-byte":
        middle = len(data) // 3
        kept.write_bytes(data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :])
    elif damage == "empty":
        kept.write_bytes(b"")
    elif damage == "codes-out-of-range":
        with np.load(kept) as stored:
            arrays = dict(stored)
        arrays["r_county"][-1] = np.iinfo(arrays["r_county"].dtype).max  # (of the type it is stored in)
        with kept.open("wb") as handle:
            np.savez(handle, **arrays)
    elif damage == "another-plan":
        with np.load(kept) as stored:
            arrays = dict(stored)
        index = json.loads(arrays["r_index"].tobytes())
        index["fingerprint"] = "0" * 64
        arrays["r_index"] = np.frombuffer(json.dumps(index).encode(), dtype=np.uint8)
        with kept.open("wb") as handle:
            np.savez(handle, **arrays)
    elif damage == "a-folder":
        kept.unlink()
        kept.mkdir()
    read = same_as_uncached(workspace)
    assert read.findings == expected.findings
    pandas.testing.assert_frame_equal(read.frame, expected.frame)
    if damage != "a-folder":
        assert cache.load(workspace, plan_of(workspace), BatchReader(plan_of(workspace), None).vocabulary)[0]


def test_a_changed_plan_starts_the_cache_again(workspace, files_read):
    same_as_uncached(workspace)
    plan_file = workspace / "targets" / f"{PLAN_ID}.toml"
    text = plan_file.read_text(encoding="utf-8")
    plan_file.write_text(text.replace('title = "', 'title = "(修订)', 1), encoding="utf-8")
    files_read.clear()
    read_progress(plan_of(workspace), workspace)
    assert len(files_read) == len(list((workspace / "data").rglob("*.*")))


def test_a_read_only_workspace_reads_without_a_cache(workspace, monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionError("read-only")

    import mubiao.io

    monkeypatch.setattr(mubiao.io, "_new_file", refuse)  # the cache writes through io.replace_with
    same_as_uncached(workspace)
    assert not cache.cache_path(workspace, plan_of(workspace)).exists()


def test_files_outside_the_workspace_are_read_but_not_kept(workspace, tmp_path_factory, files_read):
    elsewhere = tmp_path_factory.mktemp("elsewhere") / "wucheng.csv"
    shutil.copy(a_csv(workspace), elsewhere)
    os.utime(elsewhere, (AN_HOUR_AGO, AN_HOUR_AGO))
    plan = plan_of(workspace)
    read_progress(plan, workspace, files=[elsewhere])
    files_read.clear()
    read_progress(plan, workspace, files=[elsewhere])
    assert files_read == [elsewhere]


def test_findings_across_files_come_from_the_cache_only_while_every_file_is_as_it_was(workspace, monkeypatch):
    import mubiao.checks.progress

    path = a_csv(workspace)
    original = path.read_bytes()
    lines = original.splitlines(keepends=True)
    path.write_bytes(b"".join([*lines, lines[1] if lines[-1].endswith(b"\n") else b"\n" + lines[1]]))  # repeated
    os.utime(path, (AN_HOUR_AGO, AN_HOUR_AGO))
    first = same_as_uncached(workspace)
    assert "D202" in {f.code for f in first.findings}

    computed = []
    real = mubiao.checks.progress.cross_record_findings
    monkeypatch.setattr(mubiao.checks.progress, "cross_record_findings",
                        lambda *args: computed.append(1) or real(*args))
    again = read_progress(plan_of(workspace), workspace)
    assert computed == [] and again.findings == first.findings  # every file as it was: from the cache

    monkeypatch.chdir(workspace.parent)  # the same files, the root spelled another way: messages name them so
    relative = read_progress(plan_of(workspace), Path(workspace.name))
    assert computed == [1]
    assert [f.file for f in relative.findings if f.code == "D202"] == [os.path.relpath(path, workspace.parent)]

    path.write_bytes(original)  # the repeat taken out: found again, and gone
    os.utime(path, (AN_HOUR_AGO, AN_HOUR_AGO))
    mended = same_as_uncached(workspace)
    assert "D202" not in {f.code for f in mended.findings}


def test_a_plan_is_checked_again_whenever_its_text_changes(workspace, monkeypatch):
    import mubiao.checks.plan
    from mubiao.errors import PlanError
    from mubiao.workspace import open_plan

    checks = []
    real = mubiao.checks.plan.check_document
    monkeypatch.setattr(mubiao.checks.plan, "check_document", lambda document: checks.append(1) or real(document))
    first = open_plan(workspace, PLAN_ID)
    assert open_plan(workspace, PLAN_ID) == first and checks == [1]  # the same text: found free of errors before

    path = workspace / "targets" / f"{PLAN_ID}.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('kind = "count"', 'kind = "cuont"', 1), encoding="utf-8")
    with pytest.raises(PlanError, match="cuont"):
        open_plan(workspace, PLAN_ID)
    with pytest.raises(PlanError):  # and again: a plan with errors is never remembered
        open_plan(workspace, PLAN_ID)

    path.write_text(text, encoding="utf-8")
    checks.clear()
    assert open_plan(workspace, PLAN_ID) == first and checks == []  # the old text again: remembered
    for memo in (workspace / cache.CACHE_FOLDER / cache.PLANS_FOLDER).glob("*.json"):
        memo.write_bytes(b"\xff not json")  # damaged: read and checked again
    checks.clear()
    assert open_plan(workspace, PLAN_ID) == first and checks == [1]


def test_the_root_spelled_another_way_reads_the_same_cache(workspace, files_read, monkeypatch):
    same_as_uncached(workspace)
    monkeypatch.chdir(workspace)
    files_read.clear()
    read = read_progress(load_plan(Path("targets") / f"{PLAN_ID}.toml"), Path("."))  # the plan's path differs too
    assert files_read == []
    assert len(read.frame) == len(read_progress(plan_of(workspace), workspace, cache=False).frame)


# --- the stored form (FORMAT 3): compact arrays, loaded back exactly, each checked before it is used ---------------


def rewrite(kept: Path, change) -> None:
    """The cache file with `change(arrays)` made to its arrays (named `r_…` as stored)."""
    with np.load(kept) as stored:
        arrays = dict(stored)
    change(arrays)
    with kept.open("wb") as handle:
        np.savez(handle, **arrays)


def _set(name: str, at: int, value):
    def change(arrays):
        arrays[name][at] = value
    return change


def _retyped(name: str, dtype):
    def change(arrays):
        arrays[name] = arrays[name].astype(dtype)
    return change


def _swap_first_two(name: str):
    def change(arrays):
        arrays[name][[0, 1]] = arrays[name][[1, 0]]
    return change


def _counts_not_summing(arrays):
    arrays["r_file_count"][0] += 1


def _a_count_below_zero(arrays):  # the same sum
    arrays["r_file_count"][0] += arrays["r_file_count"][1] + 1
    arrays["r_file_count"][1] = -1


def _past_the_records(name: str):
    def change(arrays):
        arrays[name][-1] = len(arrays["r_row"])
    return change


def _one_more_value(arrays):
    arrays["r_value"] = np.append(arrays["r_value"], arrays["r_value"][:1])


def _note_texts_not_text(arrays):
    count = len(json.loads(arrays["r_note_text"].tobytes()))
    arrays["r_note_text"] = np.frombuffer(json.dumps(list(range(count))).encode(), dtype=np.uint8)


@pytest.mark.parametrize("change", [
    pytest.param(_counts_not_summing, id="file-counts-not-summing-up"),
    pytest.param(_a_count_below_zero, id="a-file-count-below-zero"),
    pytest.param(_one_more_value, id="values-longer-than-rows"),
    pytest.param(_note_texts_not_text, id="note-texts-not-text"),
    pytest.param(_set("r_ratio_at", 0, -1), id="a-ratio-position-below-zero"),
    pytest.param(_set("r_note_code", 0, -1), id="a-note-code-below-zero"),
    pytest.param(_set("r_county", 0, -1), id="a-county-code-below-zero"),
    pytest.param(_swap_first_two("r_note_at"), id="note-positions-out-of-order"),
    pytest.param(_swap_first_two("r_done_at"), id="date-positions-out-of-order"),
    pytest.param(_past_the_records("r_done_at"), id="a-date-position-past-the-records"),
    pytest.param(_retyped("r_county", np.int32), id="codes-of-another-type"),
    pytest.param(_retyped("r_value", np.float16), id="values-of-another-type"),
    pytest.param(_retyped("r_numerator", np.float16), id="numerators-of-another-type"),
    pytest.param(_retyped("r_row", np.int64), id="rows-of-another-type"),
    pytest.param(_retyped("r_done_days", np.int16), id="dates-of-another-type"),
    pytest.param(_retyped("r_file_count", np.int64), id="file-counts-of-another-type"),
    pytest.param(_retyped("r_ratio_at", np.int32), id="positions-of-another-type"),
])
def test_a_cache_whose_arrays_do_not_agree_is_ignored(workspace, change):
    expected = same_as_uncached(workspace)
    plan = plan_of(workspace)
    vocabulary = BatchReader(plan, None).vocabulary
    kept = cache.cache_path(workspace, plan)
    assert cache.load(workspace, plan, vocabulary).entries  # the cache as saved is used
    rewrite(kept, change)
    ignored = cache.load(workspace, plan, vocabulary)
    assert ignored.entries == {} and len(ignored.records) == 0
    read = same_as_uncached(workspace)
    assert read.findings == expected.findings
    pandas.testing.assert_frame_equal(read.frame, expected.frame)
    assert cache.load(workspace, plan, vocabulary).entries  # rebuilt


def test_the_records_are_kept_compact(workspace):
    same_as_uncached(workspace)
    with np.load(cache.cache_path(workspace, plan_of(workspace))) as stored:
        arrays = dict(stored)
    count = len(arrays["r_row"])
    assert "r_file" not in arrays and len(arrays["r_file_count"]) == 131 and arrays["r_file_count"].sum() == count
    assert (arrays["r_county"].dtype, arrays["r_period"].dtype, arrays["r_indicator"].dtype) == (np.int8,) * 3
    assert arrays["r_row"].dtype == np.int16  # (figures: float32 only when it keeps all of them: see below)
    assert 0 < len(arrays["r_ratio_at"]) < count and len(arrays["r_numerator"]) == len(arrays["r_ratio_at"])
    assert 0 < len(arrays["r_done_at"]) < count and arrays["r_done_days"].dtype == np.int32
    assert 0 < len(arrays["r_note_at"]) < count


def _records(files: list[int], *, float32: bool, wide: bool):
    """Records of these files (each record's file), of every kind the cache must give back as it was."""
    count = len(files)
    at = np.arange(count)
    nan, nat = np.nan, np.datetime64("NaT")
    value = np.where(at % 4 == 0, nan, at * 1.5 - 7)
    value[1] = -0.0
    numerator, denominator = np.full(count, nan), np.full(count, nan)
    numerator[at % 3 == 0], denominator[at % 3 == 0] = 3.0, 4.0
    numerator[2] = 5.0  # a numerator without its denominator
    denominator[4] = 8.0  # and the other way round
    if not float32:
        numerator[6], denominator[9] = 1 / 3, 1e300  # not in float32: rounded, too large
        value[5] = np.array([0x7FF8_0000_0000_0001], dtype=np.uint64).view(np.float64)[0]  # float32 loses its bits
    done_on = np.full(count, nat, dtype="datetime64[D]")
    done_on[at % 5 == 1] = np.datetime64("2021-06-30")
    done_on[6] = np.datetime64("1969-12-31")
    if wide:
        done_on[11] = np.datetime64(2**31 + 5, "D")  # beyond int32 days
    notes = np.empty(count, dtype=object)
    for position, text in {0: "已完成", 3: "说明\n两行", 5: "已完成", 7: "", 10: "x"}.items():
        notes[position] = text
    row = (at + 2).astype(np.int32)
    if wide:
        row[-1] = 70_000  # beyond int16
    return RecordColumns(
        county=(at % 11).astype(np.int32), period=(at % 12).astype(np.int32), indicator=(at % 47).astype(np.int32),
        value=value, numerator=numerator, denominator=denominator, done_on=done_on, note=notes,
        file=np.array(files, dtype=np.int32), row=row)


def _entries(count: int):
    columns = {"indicator": 0, "county": 1, "value": 2}
    return [(f"data/{number}.csv", cache.Stamp(100 + number, 10**18 + number, 10**18 + 7, 5000 + number),
             FileRead(Path(f"data/{number}.csv"), [], dict(columns))) for number in range(count)]


def assert_same_records(got, expected):
    assert len(got) == len(expected)
    for name, dtype in zip(RecordColumns.NAMES, _DTYPES):
        mine, theirs = getattr(got, name), getattr(expected, name)
        assert mine.dtype == np.dtype(dtype), name
        if name == "note":
            assert mine.tolist() == theirs.tolist()
        elif mine.dtype.kind in "fM":  # bit for bit (NaN, −0.0, NaT)
            assert np.array_equal(mine.view(np.int64), theirs.view(np.int64)), name
        else:
            assert np.array_equal(mine, theirs), name


@pytest.mark.parametrize("float32", [True, False])
@pytest.mark.parametrize("wide", [False, True])
def test_records_come_back_as_they_were_saved(tmp_path, float32, wide):
    plan = load_plan(REPO / "targets" / f"{PLAN_ID}.toml")
    files = [0, 0, 0, 2, 2, 2, 2, 4, 4, 5, 5, 5, 5, 5]  # files 1, 3 and 6 without records
    records = _records(files, float32=float32, wide=wide)
    entries = _entries(7)
    cache.save(tmp_path, plan, entries, records)
    with np.load(cache.cache_path(tmp_path, plan)) as stored:
        assert stored["r_value"].dtype == (np.float32 if float32 else np.float64)
        assert stored["r_row"].dtype == (np.int32 if wide else np.int16)
        assert stored["r_done_days"].dtype == (np.int64 if wide else np.int32)
        assert stored["r_file_count"].tolist() == [3, 0, 4, 0, 2, 5, 0]
    loaded = cache.load(tmp_path, plan, Vocabulary.of(plan))
    assert_same_records(loaded.records, records)
    assert loaded.across is None
    assert list(loaded.entries) == [name for name, _, _ in entries]
    for number, (name, stamp, file) in enumerate(entries):
        assert loaded.entries[name].number == number and loaded.entries[name].stamp == stamp
        assert loaded.entries[name].columns == file.columns


def test_records_not_grouped_by_file_are_kept_grouped(tmp_path):
    plan = load_plan(REPO / "targets" / f"{PLAN_ID}.toml")
    records = _records([2, 0, 2, 1, 0, 0, 2, 1, 2, 0, 1, 2], float32=True, wide=False)
    cache.save(tmp_path, plan, _entries(4), records)
    loaded = cache.load(tmp_path, plan, Vocabulary.of(plan))
    assert_same_records(loaded.records, records.take(np.argsort(records.file, kind="stable")))


def test_no_records_at_all(tmp_path):
    plan = load_plan(REPO / "targets" / f"{PLAN_ID}.toml")
    cache.save(tmp_path, plan, _entries(3), RecordColumns.empty())
    loaded = cache.load(tmp_path, plan, Vocabulary.of(plan))
    assert len(loaded.entries) == 3
    assert_same_records(loaded.records, RecordColumns.empty())


@pytest.mark.parametrize("positions, dtype", [
    ([-1, 2], np.int8), ([0, 5], np.int8), ([3, 1], np.int8), ([1, 1], np.int8), ([0, 1], np.int16),
])
def test_positions_must_be_among_the_records_in_order_and_of_their_type(positions, dtype):
    with pytest.raises(ValueError):
        cache._positions(np.array(positions, dtype=dtype), 5, "at")  # 5 records: int8 positions 0 … 4


def test_positions_among_the_records_in_order_pass():
    for positions in ([], [0], [4], [0, 1, 4]):
        assert cache._positions(np.array(positions, dtype=np.int8), 5, "at").tolist() == positions

# --- written behind: a command's cache is written by a thread while the gaps are worked out (`cache_behind`), and
# is still invisible: the command ends only when its cache is written, and a read in the same process waits for
# the cache an earlier read is still writing, so that it is read whole.


@pytest.fixture
def slow_keep(monkeypatch) -> None:
    """Writing a cache takes a while, as a national one does."""
    keep = progress_module._keep

    def slow(*args, **kwargs):
        time.sleep(0.5)
        return keep(*args, **kwargs)

    monkeypatch.setattr(progress_module, "_keep", slow)


def test_a_command_ends_when_its_cache_is_written(cli, workspace, slow_keep):
    plan = load_plan(workspace / "targets" / f"{PLAN_ID}.toml")
    result = cli("gaps", "--root", workspace, "--plan", PLAN_ID, "--format", "json")
    assert result.exit_code == 0, result.output
    assert cache.cache_path(workspace, plan).is_file()


def test_a_read_waits_for_the_cache_an_earlier_read_is_writing(workspace, slow_keep, monkeypatch):
    plan = load_plan(workspace / "targets" / f"{PLAN_ID}.toml")
    first = progress_module.read_progress(plan, workspace, cache_behind=True)
    assert not cache.cache_path(workspace, plan).is_file()  # still being written
    opened: list[Path] = []
    read = BatchReader.read
    monkeypatch.setattr(BatchReader, "read", lambda self, paths, *args, **kwargs: opened.extend(paths) or
                        read(self, paths, *args, **kwargs))
    second = progress_module.read_progress(plan, workspace)
    assert opened == []  # every file from the cache the first read wrote
    assert second.findings == first.findings
    assert (second.coded.value.tobytes(), second.coded.file.tobytes()) == (first.coded.value.tobytes(),
                                                                           first.coded.file.tobytes())


def test_a_plan_not_remembered_is_read_from_disk_once(workspace, monkeypatch):
    """Its bytes are read for the memo's key, and the same bytes are parsed."""
    plan_file = workspace / "targets" / f"{PLAN_ID}.toml"
    reads = []
    read_bytes = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: reads.append(self) or read_bytes(self))
    assert load_plan(plan_file, cache_root=workspace).id == PLAN_ID
    assert reads.count(plan_file) == 1
