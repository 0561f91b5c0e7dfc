"""Nothing lost (issue 8): a write that is interrupted leaves the old file whole, and two reports at once into one
folder leave one complete report.

- `write_atomic` and `write_all_atomic` (the report's four files as one): a write that fails halfway (a full disk)
  or is interrupted (Ctrl-C, in-process and in a real process) leaves every old file as it was and no temporary
  file; a process killed outright (SIGKILL, which nothing can clean up after) still leaves the old file whole.
- Two `mubiao report` at once into the same folder, which already holds an older report: what is there afterwards
  is all four files of one run, byte for byte (a report is the same bytes for the same inputs), never a mix. The
  folder is locked while the four files are put in place: a second report waits for the first.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from conftest import FIXTURES, REPO
from mubiao.io import locked, write_all_atomic, write_atomic

WORKSPACE = FIXTURES / "bad" / "workspace"
REPORT_FILES = ("report.html", "report.md", "gaps.xlsx", "gaps.json")
MUBIAO = [sys.executable, "-m", "mubiao"]


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


class _HalfThenFail:
    """A file object whose write writes half of the bytes, then fails as `error` says."""

    def __init__(self, handle, error: BaseException) -> None:
        self.handle, self.error = handle, error

    def write(self, data: bytes) -> int:
        self.handle.write(data[: len(data) // 2])
        self.handle.flush()
        raise self.error

    def __getattr__(self, name):
        return getattr(self.handle, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.handle.close()


@pytest.mark.parametrize("error", [OSError(errno.ENOSPC, "No space left on device"), KeyboardInterrupt()],
                         ids=["disk-full", "ctrl-c"])
def test_a_write_that_fails_halfway_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch, error):
    import mubiao.io

    target = tmp_path / "gaps.json"
    target.write_text("the old report\n", encoding="utf-8")
    fdopen = os.fdopen
    monkeypatch.setattr(mubiao.io.os, "fdopen", lambda fd, mode: _HalfThenFail(fdopen(fd, mode), error))
    with pytest.raises(type(error)):
        write_atomic(target, "the new report\n" * 1000)
    assert target.read_text(encoding="utf-8") == "the old report\n"
    assert leftovers(tmp_path) == []


def test_bytes_in_pieces_are_written_as_they_come_and_a_failing_renderer_leaves_the_old_file(tmp_path):
    target = tmp_path / "gaps.json"
    write_atomic(target, (piece for piece in [b'{"rows": [', b"1, 2", b"]}\n"]))
    assert target.read_bytes() == b'{"rows": [1, 2]}\n'

    def failing():
        yield b'{"rows": ['
        raise ValueError("Out of range float values are not JSON compliant")

    with pytest.raises(ValueError):
        write_atomic(target, failing())
    assert target.read_bytes() == b'{"rows": [1, 2]}\n'
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("error", [OSError(errno.ENOSPC, "No space left on device"), KeyboardInterrupt()],
                         ids=["disk-full", "ctrl-c"])
def test_a_write_in_pieces_that_fails_stops_the_renderer_and_leaves_the_old_file(tmp_path, monkeypatch, error):
    import mubiao.io

    target = tmp_path / "gaps.json"
    target.write_text("the old report\n", encoding="utf-8")
    fdopen = os.fdopen
    monkeypatch.setattr(mubiao.io.os, "fdopen", lambda fd, mode: _HalfThenFail(fdopen(fd, mode), error))
    made = []

    def renderer():
        for number in range(10_000):
            made.append(number)
            yield b"row %d\n" % number

    with pytest.raises(type(error)):
        write_atomic(target, renderer())
    assert target.read_text(encoding="utf-8") == "the old report\n"
    assert leftovers(tmp_path) == []
    assert len(made) < 10_000


def test_a_file_is_synced_once_before_it_is_put_in_place(tmp_path, monkeypatch):
    import mubiao.io

    events = []
    fsync, replace = os.fsync, os.replace
    monkeypatch.setattr(mubiao.io.os, "fsync", lambda fd: events.append("fsync") or fsync(fd))
    monkeypatch.setattr(mubiao.io.os, "replace", lambda a, b: events.append("replace") or replace(a, b))
    write_atomic(tmp_path / "gaps.json", (b"%04d" % number * 100 for number in range(50)))
    assert (tmp_path / "gaps.json").read_bytes() == b"".join(b"%04d" % number * 100 for number in range(50))
    assert events == ["fsync", "replace"]


#: What Windows' Python lacks (os.fchmod before 3.13, os.fchown, os.umask's meaning, fcntl): the write path must
#: not need any of it.
POSIX_ONLY = ("fchmod", "fchown", "fdatasync", "umask", "sched_getaffinity", "fork")


def test_the_write_path_needs_no_posix_only_call(tmp_path, monkeypatch, cli):
    """As on Windows: the POSIX-only functions of `os` and the fcntl module are not there. Files are still written
    atomically, a replaced file keeps its permissions, and `mubiao gaps -o` and `mubiao report` run."""
    import mubiao.io

    for name in POSIX_ONLY:
        monkeypatch.delattr(os, name, raising=False)
    monkeypatch.setitem(sys.modules, "fcntl", None)  # `import fcntl` raises ImportError
    target = tmp_path / "shared.txt"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o644)
    write_atomic(target, "new\n")
    assert target.read_text(encoding="utf-8") == "new\n"
    assert target.stat().st_mode & 0o777 == 0o644
    with mubiao.io.locked(tmp_path / "reports"):
        write_all_atomic({tmp_path / "reports" / "a.txt": b"a", tmp_path / "reports" / "b.txt": "b"})
    assert sorted(p.name for p in (tmp_path / "reports").iterdir()) == ["a.txt", "b.txt"]

    out = tmp_path / "out"
    result = cli("gaps", "--root", str(REPO), "--plan", "jinhua-2021", "--format", "json", "-o", str(out / "g.json"))
    assert result.exit_code == 0, result.output
    assert json.loads((out / "g.json").read_text(encoding="utf-8"))["plan"] == "jinhua-2021"
    result = cli("report", "--root", str(REPO), "--plan", "jinhua-2021", "-o", str(out / "report"))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (out / "report").iterdir()) == sorted(REPORT_FILES)
    assert leftovers(out) == [] and leftovers(out / "report") == []


def test_a_set_of_files_is_written_whole_or_not_at_all(tmp_path, monkeypatch):
    """The third of four files fails: the first two are not put in place either."""
    import mubiao.io

    for name in REPORT_FILES:
        (tmp_path / name).write_text(f"old {name}", encoding="utf-8")
    real = mubiao.io._temporary_copy
    written = []

    def third_fails(path, data):
        if len(written) == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        written.append(path)
        return real(path, data)

    monkeypatch.setattr(mubiao.io, "_temporary_copy", third_fails)
    with pytest.raises(OSError):
        write_all_atomic({tmp_path / name: f"new {name}" for name in REPORT_FILES})
    assert {name: (tmp_path / name).read_text(encoding="utf-8") for name in REPORT_FILES} == {
        name: f"old {name}" for name in REPORT_FILES}
    assert leftovers(tmp_path) == []


def test_a_report_that_cannot_be_written_leaves_the_old_report(cli, tmp_path, monkeypatch):
    import mubiao.io

    root = tmp_path / "workspace"
    shutil.copytree(WORKSPACE, root)
    folder = tmp_path / "report"
    assert cli("report", "--root", root, "-o", folder, "--as-of", "2021-05").exit_code == 0
    before = {name: (folder / name).read_bytes() for name in REPORT_FILES}
    real = mubiao.io._temporary_copy

    def full_disk(path, data):
        if path.name == "gaps.json":
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(path, data)

    monkeypatch.setattr(mubiao.io, "_temporary_copy", full_disk)
    result = cli("report", "--root", root, "-o", folder, "--as-of", "2021-06")
    assert result.exit_code == 2 and "No space left on device" in result.stderr
    assert {name: (folder / name).read_bytes() for name in REPORT_FILES} == before
    assert leftovers(folder) == []


_SLOW_WRITER = textwrap.dedent("""
    import os, signal, sys, time
    import mubiao.io

    # Ctrl-C as at a terminal: a test runner's worker may ignore SIGINT, and a child inherits that
    signal.signal(signal.SIGINT, signal.default_int_handler)

    def slow_fsync(fd):  # the new bytes are in the temporary file, not yet in place: interrupt here
        print("writing", flush=True)
        time.sleep(60)

    mubiao.io.os.fsync = slow_fsync
    mubiao.io.write_atomic(sys.argv[1], b"the new report\\n" * 100_000)
""")


@pytest.mark.parametrize("signal_name", ["SIGINT", "SIGKILL"])
def test_a_process_interrupted_while_writing_leaves_the_old_file(tmp_path, signal_name):
    target = tmp_path / "report.md"
    target.write_text("the old report\n", encoding="utf-8")
    with subprocess.Popen([sys.executable, "-c", _SLOW_WRITER, str(target)], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True) as process:
        assert process.stdout.readline() == "writing\n"
        process.send_signal(getattr(signal, signal_name))
        process.wait(timeout=30)
    assert target.read_text(encoding="utf-8") == "the old report\n"
    if signal_name == "SIGINT":  # Ctrl-C: Python unwinds, and the temporary file goes
        assert leftovers(tmp_path) == []
    else:  # killed outright, nothing runs: a hidden temporary file named after the report may stay behind
        assert all(name.startswith(".report.md.") for name in leftovers(tmp_path))


# --- two reports at once -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def references(tmp_path_factory):
    """The workspace, and the report of each month as one run alone writes it."""
    from typer.testing import CliRunner

    from mubiao.app import app

    base = tmp_path_factory.mktemp("concurrent")
    root = base / "workspace"
    shutil.copytree(WORKSPACE, root)
    made = {}
    for month in ("2021-05", "2021-06"):
        folder = base / f"alone-{month}"
        result = CliRunner().invoke(app, ["report", "--root", str(root), "-o", str(folder), "--as-of", month])
        assert result.exit_code == 0, result.output
        made[month] = {name: (folder / name).read_bytes() for name in REPORT_FILES}
    assert made["2021-05"]["gaps.json"] != made["2021-06"]["gaps.json"]
    return root, made


def test_two_reports_at_once_into_one_folder_leave_one_whole_report(references, tmp_path):
    root, alone = references
    folder = tmp_path / "report"
    folder.mkdir()
    for name in REPORT_FILES:  # an older report is there already
        (folder / name).write_bytes(b"an older report")
    runs = [subprocess.Popen([*MUBIAO, "report", "--root", str(root), "-o", str(folder), "--as-of", month],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE) for month in ("2021-05", "2021-06")]
    for process in runs:
        _, stderr = process.communicate(timeout=120)
        assert process.returncode == 0, stderr.decode()
    there = {name: (folder / name).read_bytes() for name in REPORT_FILES}
    assert there in (alone["2021-05"], alone["2021-06"]), "the folder mixes the files of two runs"
    assert sorted(p.name for p in folder.iterdir()) == sorted(REPORT_FILES)


def test_a_second_report_waits_while_the_folder_is_locked(references, tmp_path, monkeypatch):
    """While the folder is held (as a first report holds it while it puts its files in place), a second report
    reaches the lock and waits: it writes nothing until the folder is let go, then its four files."""
    import fcntl
    import threading

    from click.testing import CliRunner
    import typer.main

    from mubiao.app import app

    root, alone = references
    folder = tmp_path / "report"
    asking = threading.Event()
    flock = fcntl.flock

    def watched(descriptor, operation):
        if threading.current_thread() is not threading.main_thread():
            asking.set()  # the report has rendered its files and asks for the folder
        return flock(descriptor, operation)

    monkeypatch.setattr(fcntl, "flock", watched)
    command = typer.main.get_command(app)
    results = []
    second = threading.Thread(target=lambda: results.append(CliRunner().invoke(
        command, ["report", "--root", str(root), "-o", str(folder), "--as-of", "2021-06"])))
    with locked(folder):
        second.start()
        assert asking.wait(timeout=120), "the report never asked for the folder"
        time.sleep(0.3)
        assert second.is_alive() and list(folder.iterdir()) == [], "it must wait, and write nothing meanwhile"
    second.join(timeout=120)
    assert results and results[0].exit_code == 0, results and results[0].output
    assert {name: (folder / name).read_bytes() for name in REPORT_FILES} == alone["2021-06"]
