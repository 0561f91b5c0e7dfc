"""A command's progress cache is written by a thread while the gaps are worked out (`cache_behind`), and is still
invisible: the command ends only when its cache is written, and a read in the same process waits for the cache an
earlier read is still writing, so that it is read whole."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from mubiao.readers import cache, progress
from mubiao.readers.batch import BatchReader
from mubiao.readers.plan import load_plan

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
def slow_keep(monkeypatch) -> None:
    """Writing a cache takes a while, as a national one does."""
    keep = progress._keep

    def slow(*args, **kwargs):
        time.sleep(0.5)
        return keep(*args, **kwargs)

    monkeypatch.setattr(progress, "_keep", slow)


def test_a_command_ends_when_its_cache_is_written(cli, workspace, slow_keep):
    plan = load_plan(workspace / "targets" / f"{PLAN_ID}.toml")
    result = cli("gaps", "--root", workspace, "--plan", PLAN_ID, "--format", "json")
    assert result.exit_code == 0, result.output
    assert cache.cache_path(workspace, plan).is_file()


def test_a_read_waits_for_the_cache_an_earlier_read_is_writing(workspace, slow_keep, monkeypatch):
    plan = load_plan(workspace / "targets" / f"{PLAN_ID}.toml")
    first = progress.read_progress(plan, workspace, cache_behind=True)
    assert not cache.cache_path(workspace, plan).is_file()  # still being written
    opened: list[Path] = []
    read = BatchReader.read
    monkeypatch.setattr(BatchReader, "read", lambda self, paths, *args, **kwargs: opened.extend(paths) or
                        read(self, paths, *args, **kwargs))
    second = progress.read_progress(plan, workspace)
    assert opened == []  # every file from the cache the first read wrote
    assert second.findings == first.findings
    assert (second.coded.value.tobytes(), second.coded.file.tobytes()) == (first.coded.value.tobytes(),
                                                                           first.coded.file.tobytes())
