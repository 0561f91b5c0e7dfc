"""The store of read progress files (`.mubiao-cache/<plan>.duckdb`) is invisible: whatever happens to the files, to
the store itself, or to another mubiao using it at the same time, a read gives what a read without it gives."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pandas.testing
import pytest

import mubiao.readers.progress as progress_module
from mubiao.readers import plan_memo
from mubiao.readers.plan import load_plan
from mubiao.readers.progress import read_progress
from mubiao.readers.store import CACHE_FOLDER, store_path

REPO = Path(__file__).resolve().parents[2]
PLAN_ID = "jinhua-2021"
AN_HOUR_AGO = time.time() - 3600


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A copy of the sample workspace whose files all changed an hour ago (settled: the store keeps them)."""
    shutil.copytree(REPO / "targets", tmp_path / "targets")
    shutil.copytree(REPO / "data" / PLAN_ID, tmp_path / "data" / PLAN_ID)
    for path in (tmp_path / "data").rglob("*"):
        os.utime(path, (AN_HOUR_AGO, AN_HOUR_AGO))
    return tmp_path


@pytest.fixture
def files_read(monkeypatch) -> list[Path]:
    """Every file the reader opens (a file the store gives is not opened)."""
    opened: list[Path] = []
    original = progress_module._read_files

    def read(lookup, files, *args):
        opened.extend(files)
        return original(lookup, files, *args)

    monkeypatch.setattr(progress_module, "_read_files", read)
    return opened


def plan_of(root: Path):
    return load_plan(root / "targets" / f"{PLAN_ID}.toml")


def same_as_unkept(root: Path) -> tuple:
    """Read with the store and without; assert both agree, and return the kept read's findings and table."""
    plan = plan_of(root)
    with read_progress(plan, root) as kept, read_progress(plan, root, cache=False) as fresh:
        assert kept.findings == fresh.findings
        pandas.testing.assert_frame_equal(kept.frame, fresh.frame)
        return kept.findings, kept.frame


def a_csv(root: Path) -> Path:
    return sorted((root / "data" / PLAN_ID).rglob("*.csv"))[-1]


def test_a_second_read_opens_no_file_and_gives_the_same(workspace, files_read):
    findings, frame = same_as_unkept(workspace)
    assert store_path(workspace, plan_of(workspace)).is_file()
    files_read.clear()
    with read_progress(plan_of(workspace), workspace) as second:
        assert files_read == []
        assert second.findings == findings
        pandas.testing.assert_frame_equal(second.frame, frame)


def test_the_store_is_a_database_anyone_can_query(workspace):
    same_as_unkept(workspace)
    with duckdb.connect(str(store_path(workspace, plan_of(workspace))), read_only=True) as db:
        (count, counties), = db.execute("SELECT count(*), count(DISTINCT county) FROM progress").fetchall()
        december = db.execute("SELECT value FROM progress WHERE county = 'wucheng' AND period = '2021-12' "
                              "AND indicator = 'G03-zhongxin'").fetchall()
    assert count == 3816 + 12 * 58 and counties == 11  # ten counties and 市本级 (and its 58 督办事项 a month)
    assert december == [(8.0,)]  # 婺城区's December, from seed 004


def test_an_edit_that_keeps_size_and_mtime_is_seen_at_once(workspace, files_read):
    findings, frame = same_as_unkept(workspace)
    path = a_csv(workspace)
    before = path.stat()
    lines = path.read_bytes().split(b"\n")
    value = lines[0].decode("utf-8-sig").split(",").index("完成值")
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
    again, changed = same_as_unkept(workspace)
    assert path in files_read
    assert again != findings or not changed.equals(frame)


def test_an_added_file_counts_and_a_removed_one_is_gone(workspace):
    _, first = same_as_unkept(workspace)
    path = a_csv(workspace)
    removed = path.read_bytes()
    path.unlink()
    _, without = same_as_unkept(workspace)
    assert str(path) not in set(without["file"]) and len(without) < len(first)
    path.write_bytes(removed)
    _, again = same_as_unkept(workspace)
    pandas.testing.assert_frame_equal(again, first)


def test_a_file_edited_just_now_is_read_again_until_it_settles(workspace, files_read):
    path = a_csv(workspace)
    path.write_bytes(path.read_bytes())  # its mtime is now: a later edit in the same clock tick could hide
    same_as_unkept(workspace)
    files_read.clear()
    read_progress(plan_of(workspace), workspace).close()
    assert files_read == [path]


def _damage(path: Path, damage: str) -> None:
    data = path.read_bytes()
    if damage == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "garbage":
        path.write_bytes(os.urandom(len(data)))
    elif damage == "flipped-bytes":  # in the middle of the file: inside the blocks of the records
        middle = len(data) // 2
        path.write_bytes(data[:middle] + bytes(b ^ 0xFF for b in data[middle:middle + 4096]) + data[middle + 4096:])
    elif damage == "empty":
        path.write_bytes(b"")
    elif damage == "a-folder":
        path.unlink()
        path.mkdir()
    else:
        with duckdb.connect(str(path)) as db:
            db.execute({
                "codes-out-of-range": "UPDATE records SET county = 999 WHERE file = 3",
                "another-plan": "UPDATE store SET plan = repeat('0', 64)",
                "another-format": "UPDATE store SET format = format + 1",
                "a-file-it-does-not-list": "UPDATE records SET file = 99999 WHERE file = 2",
                "foreign": "DROP TABLE store; CREATE TABLE store (answer INTEGER); INSERT INTO store VALUES (42)",
            }[damage])


@pytest.mark.parametrize("damage", ["truncated", "garbage", "flipped-bytes", "empty", "a-folder",
                                    "codes-out-of-range", "another-plan", "another-format",
                                    "a-file-it-does-not-list", "foreign"])
def test_a_damaged_or_foreign_store_is_rebuilt_never_trusted(workspace, damage, files_read):
    findings, frame = same_as_unkept(workspace)
    _damage(store_path(workspace, plan_of(workspace)), damage)
    again, table = same_as_unkept(workspace)
    assert again == findings
    pandas.testing.assert_frame_equal(table, frame)
    if damage != "a-folder":  # rebuilt: the next read opens no file
        files_read.clear()
        read_progress(plan_of(workspace), workspace).close()
        assert files_read == []


def test_a_changed_plan_starts_the_store_again(workspace, files_read):
    same_as_unkept(workspace)
    plan_file = workspace / "targets" / f"{PLAN_ID}.toml"
    text = plan_file.read_text(encoding="utf-8")
    plan_file.write_text(text.replace('title = "', 'title = "(修订)', 1), encoding="utf-8")
    files_read.clear()
    read_progress(plan_of(workspace), workspace).close()
    assert len(files_read) == len(list((workspace / "data").rglob("*.*")))


def test_a_workspace_that_cannot_hold_a_store_is_read_without_one(workspace):
    (workspace / CACHE_FOLDER).write_text("a file where the folder would be", encoding="utf-8")
    same_as_unkept(workspace)
    assert (workspace / CACHE_FOLDER).read_text(encoding="utf-8") == "a file where the folder would be"


def test_files_named_by_the_caller_are_read_but_not_kept(workspace, tmp_path_factory, files_read):
    elsewhere = tmp_path_factory.mktemp("elsewhere") / "wucheng.csv"
    shutil.copy(a_csv(workspace), elsewhere)
    os.utime(elsewhere, (AN_HOUR_AGO, AN_HOUR_AGO))
    plan = plan_of(workspace)
    read_progress(plan, workspace, files=[elsewhere]).close()
    files_read.clear()
    read_progress(plan, workspace, files=[elsewhere]).close()
    assert files_read == [elsewhere]
    assert not store_path(workspace, plan).exists()


def test_findings_across_files_are_kept_only_while_every_file_is_as_it_was(workspace, monkeypatch):
    import mubiao.checks.progress

    path = a_csv(workspace)
    original = path.read_bytes()
    lines = original.splitlines(keepends=True)
    path.write_bytes(b"".join([*lines, lines[1] if lines[-1].endswith(b"\n") else b"\n" + lines[1]]))  # repeated
    os.utime(path, (AN_HOUR_AGO, AN_HOUR_AGO))
    first, _ = same_as_unkept(workspace)
    assert "D202" in {f.code for f in first}

    computed = []
    real = mubiao.checks.progress._repeats
    monkeypatch.setattr(mubiao.checks.progress, "_repeats", lambda *args: computed.append(1) or real(*args))
    with read_progress(plan_of(workspace), workspace) as again:
        assert computed == [] and again.findings == first  # every file as it was: from the store

    monkeypatch.chdir(workspace.parent)  # the same files, the root spelled another way: messages name them so
    with read_progress(plan_of(workspace), Path(workspace.name)) as relative:
        assert computed == [1]
        assert [f.file for f in relative.findings if f.code == "D202"] == [os.path.relpath(path, workspace.parent)]

    path.write_bytes(original)  # the repeat taken out: found again, and gone
    os.utime(path, (AN_HOUR_AGO, AN_HOUR_AGO))
    mended, _ = same_as_unkept(workspace)
    assert "D202" not in {f.code for f in mended}


def test_the_root_spelled_another_way_reads_the_same_store(workspace, files_read, monkeypatch):
    _, frame = same_as_unkept(workspace)
    monkeypatch.chdir(workspace)
    files_read.clear()
    with read_progress(load_plan(Path("targets") / f"{PLAN_ID}.toml"), Path(".")) as read:
        assert files_read == []  # (the plan's path differs too)
        assert len(read.frame) == len(frame)


# --------------------------------------------------------------------------------- two processes at once

_HOLD = textwrap.dedent("""
    import sys, time
    import duckdb
    db = duckdb.connect(sys.argv[1])
    print("holding", flush=True)
    time.sleep(float(sys.argv[2]))
    db.close()
""")


def test_a_read_waits_while_another_process_holds_the_store(workspace, files_read):
    findings, frame = same_as_unkept(workspace)
    holder = subprocess.Popen([sys.executable, "-c", _HOLD, str(store_path(workspace, plan_of(workspace))), "1.5"],
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "holding"
    files_read.clear()
    started = time.monotonic()
    with read_progress(plan_of(workspace), workspace) as read:
        waited = time.monotonic() - started
        assert read.findings == findings
        pandas.testing.assert_frame_equal(read.frame, frame)
    holder.wait(timeout=30)
    holder.stdout.close()
    assert waited > 0.5 and files_read == []  # it waited, then read the store the other let go of


def test_a_read_that_cannot_wait_any_longer_reads_without_the_store(workspace, files_read, monkeypatch):
    import mubiao.readers.store

    findings, _ = same_as_unkept(workspace)
    monkeypatch.setattr(mubiao.readers.store, "STORE_WAIT", 0.3)
    holder = subprocess.Popen([sys.executable, "-c", _HOLD, str(store_path(workspace, plan_of(workspace))), "5"],
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "holding"
    files_read.clear()
    with read_progress(plan_of(workspace), workspace) as read:
        assert read.findings == findings and read.store.path is None
    assert len(files_read) == len(read.files)
    holder.kill()
    holder.wait()
    holder.stdout.close()


def test_two_commands_at_once_give_the_same_answer_and_leave_a_sound_store(workspace, files_read):
    """Two `mubiao gaps` started together on a workspace never read: one builds the store while the other waits,
    then reads it; both print what a read without a store gives, and the store is whole afterwards."""
    command = [sys.executable, "-m", "mubiao", "gaps", "--root", str(workspace), "--plan", PLAN_ID, "--format",
               "json"]
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    assert outputs[0][0] == outputs[1][0]
    from mubiao.analysis.gaps import compute_gaps
    from mubiao.render.gaps import render_json

    with read_progress(plan_of(workspace), workspace, cache=False) as fresh:
        assert outputs[0][0] == render_json(compute_gaps(plan_of(workspace), fresh))
    files_read.clear()
    read_progress(plan_of(workspace), workspace).close()
    assert files_read == []


# ------------------------------------------------------------------------------------------- remembered plans


def test_a_plan_is_checked_again_whenever_its_text_or_its_memo_changes(workspace, monkeypatch):
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
    memos = list((workspace / CACHE_FOLDER / plan_memo.FOLDER).glob("*.json"))
    for damage in (lambda memo: memo.replace("10500", "10200", 1), lambda memo: memo.replace('kind', 'knid', 1),
                   lambda memo: "\ufffd not json"):
        for memo in memos:  # one digit changed (低保标准's target of 10500 made 10200), a key, or nothing readable
            assert "10500" in memo.read_text(encoding="utf-8")  # (so the first damage changes something)
            memo.write_text(damage(memo.read_text(encoding="utf-8")), encoding="utf-8")
        checks.clear()
        assert open_plan(workspace, PLAN_ID) == first and checks == [1]  # read and checked again, never trusted


def test_a_plan_not_remembered_is_read_from_disk_once(workspace, monkeypatch):
    """Its bytes are read for the memo's key, and the same bytes are parsed."""
    plan_file = workspace / "targets" / f"{PLAN_ID}.toml"
    import builtins

    reads = []
    real_open = builtins.open

    def counting(file, *args, **kwargs):
        reads.append(Path(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", counting)
    assert load_plan(plan_file, cache_root=workspace).id == PLAN_ID
    assert reads.count(plan_file) == 1
