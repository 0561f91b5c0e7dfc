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
from mubiao.readers.batch import BatchReader
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
        arrays["r_county"] = arrays["r_county"] + 1000
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

    monkeypatch.setattr(mubiao.io.tempfile, "mkstemp", refuse)  # the cache writes through io.replace_with
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
    import mubiao.readers.plan
    from mubiao.errors import PlanError
    from mubiao.workspace import open_plan

    checks = []
    real = mubiao.readers.plan.check_document
    monkeypatch.setattr(mubiao.readers.plan, "check_document", lambda document: checks.append(1) or real(document))
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
