"""Hostile situations around the inputs (issue 23): links, pipes, devices, a damaged cache, a write that fails
half-way, runs that were killed. The corpus (tests/fixtures/bad/) holds hostile *files*; these are the cases a
file cannot carry, listed in its README under "Situations". Each must end with no traceback, the exit code of
docs/contract.md §6, every input as it was, and nothing written outside the workspace's reports/ and cache.

Every command runs in-process on a copy of the bad-input corpus's small workspace (the demo plan), as in
test_bad_input_corpus.py.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from test_bad_input_corpus import INTERNAL_ERROR, corpus, run, snapshot

pytestmark = pytest.mark.skipif(os.name == "nt", reason="links and pipes as POSIX makes them")


@pytest.fixture
def workspace(tmp_path) -> Path:
    root = tmp_path / "workspace"
    shutil.copytree(corpus.WORKSPACE, root)
    return root


def clean(result) -> None:
    shown = result.stdout + result.stderr
    assert INTERNAL_ERROR not in shown and "Traceback" not in shown, shown[-3000:]


def outside(tmp_path: Path, name: str = "outside") -> Path:
    folder = tmp_path / name
    folder.mkdir()
    return folder


# --- writes that a link would take out of the workspace ---------------------------------------------------


@pytest.mark.parametrize("command", ["report", "summary"])
def test_a_reports_folder_that_is_a_link_out_of_the_workspace_is_refused(workspace, tmp_path, command):
    elsewhere = outside(tmp_path)
    (workspace / "reports").symlink_to(elsewhere, target_is_directory=True)
    result = run(command, "--root", str(workspace))
    clean(result)
    assert result.exit_code == 2 and "工作区之外" in result.stderr, result.stderr
    assert list(elsewhere.iterdir()) == []


def test_a_cache_folder_that_is_a_link_out_of_the_workspace_is_not_used(workspace, tmp_path):
    elsewhere = outside(tmp_path)
    (workspace / ".mubiao-cache").symlink_to(elsewhere, target_is_directory=True)
    result = run("gaps", "--root", str(workspace), "--format", "json")
    clean(result)
    assert result.exit_code == 0
    assert list(elsewhere.iterdir()) == [], "the store or a plan memo was written through the link"
    assert any(row["indicator"] == "G02-centres" for row in json.loads(result.stdout)["rows"])


def test_init_does_not_write_through_a_linked_data_folder(tmp_path):
    elsewhere = outside(tmp_path)
    new = tmp_path / "new"
    new.mkdir()
    (new / "data").symlink_to(elsewhere, target_is_directory=True)
    result = run("init", str(new), "--example")
    clean(result)
    assert result.exit_code == 2 and "链接" in result.stderr
    assert list(elsewhere.iterdir()) == [] and sorted(p.name for p in new.iterdir()) == ["data"]


@pytest.mark.parametrize("kind", ["fifo", "folder"])
def test_an_output_onto_a_pipe_or_a_folder_is_refused_and_left_as_it_was(workspace, tmp_path, kind):
    target = tmp_path / "target"
    os.mkfifo(target) if kind == "fifo" else target.mkdir()
    result = run("gaps", "--root", str(workspace), "--format", "csv", "-o", str(target))
    clean(result)
    assert result.exit_code == 2, result.stderr
    assert target.is_fifo() if kind == "fifo" else target.is_dir()


def test_dev_null_as_the_output_is_refused_not_replaced(workspace):
    """As root in CI a replaced /dev/null would break the machine: the refusal is checked before any write."""
    if not Path("/dev/null").is_char_device():
        pytest.skip("no /dev/null")
    result = run("gaps", "--root", str(workspace), "--format", "csv", "-o", "/dev/null")
    assert result.exit_code == 2 and "不是普通文件" in result.stderr
    assert Path("/dev/null").is_char_device()


# --- links and pipes in data/ -----------------------------------------------------------------------------


def _link_cases(root: Path, tmp_path: Path) -> dict[str, Path]:
    month = root / "data" / "demo" / "2021-06"
    elsewhere = outside(tmp_path, "elsewhere")
    shutil.copyfile(corpus.WORKSPACE / "data" / "demo" / "2021-05" / "east.csv", elsewhere / "east.csv")
    return {
        "outside": (month / "east.csv", lambda link: link.symlink_to(elsewhere / "east.csv")),
        "dangling": (month / "east.csv", lambda link: link.symlink_to(month / "gone.csv")),
        "loop": (month / "east.csv", lambda link: link.symlink_to(link)),
        "folder": (month / "more", lambda link: link.symlink_to(root / "data" / "demo" / "2021-05")),
        "fifo": (month / "east.csv", lambda link: os.mkfifo(link)),
    }


@pytest.mark.parametrize("case", ["outside", "dangling", "loop", "folder", "fifo"])
def test_an_entry_of_data_that_is_not_read_is_one_finding_in_check_and_gaps_alike(workspace, tmp_path, case):
    path, make = _link_cases(workspace, tmp_path)[case]
    make(path)
    before = snapshot(tmp_path / "elsewhere")
    checked = run("check", "--root", str(workspace))
    clean(checked)
    assert checked.exit_code == 1 and "D006" in checked.stdout and path.name in checked.stdout, checked.stdout
    assert checked.stdout.count("D006") == 1
    gaps = run("gaps", "--root", str(workspace))
    clean(gaps)
    # the month goes on without it (docs/progress-files.md, "One bad file"), saying so; --strict refuses
    assert gaps.exit_code == 1 and "D006" in gaps.stderr and path.name in gaps.stderr, gaps.stderr
    strict = run("gaps", "--strict", "--root", str(workspace))
    assert strict.exit_code == 2 and "D006" in strict.stderr and path.name in strict.stderr, strict.stderr
    assert snapshot(tmp_path / "elsewhere") == before


def test_a_link_to_a_file_inside_the_workspace_is_read_like_the_file(workspace):
    month = workspace / "data" / "demo" / "2021-06"
    shutil.copyfile(workspace / "data" / "demo" / "2021-05" / "east.csv", workspace / "east-june.csv")
    (month / "east.csv").symlink_to(workspace / "east-june.csv")
    assert run("check", "--root", str(workspace), str(month)).exit_code == 0
    result = run("gaps", "--root", str(workspace), "--format", "json")
    assert result.exit_code == 0
    assert any(r["county"] == "east" and r["actual"] is not None for r in json.loads(result.stdout)["rows"])


def test_a_plan_that_is_a_pipe_is_refused_at_once(workspace):
    """Reading a pipe waits for a writer forever: it is refused before it is opened (in a child process, so
    that a regression hangs the child, not the suite)."""
    plan = workspace / "targets" / "demo.toml"
    plan.unlink()
    os.mkfifo(plan)
    for command in ("gaps", "check"):
        done = subprocess.run([sys.executable, "-m", "mubiao", command, "--root", str(workspace)],
                              capture_output=True, text=True, timeout=60)
        assert done.returncode in (1, 2) and "P002" in done.stdout + done.stderr, done.stdout + done.stderr
        assert "Traceback" not in done.stderr


def test_a_huge_plan_is_refused_without_being_read_whole(workspace):
    """A 1.5 GB plan (sparse: no disk used) is refused by its size after reading 5 MB of it."""
    plan = workspace / "targets" / "demo.toml"
    with plan.open("r+b") as handle:
        handle.truncate(1536 * 2**20)
    started = time.monotonic()
    result = run("gaps", "--root", str(workspace))
    assert result.exit_code == 2 and "P002" in result.stderr
    assert time.monotonic() - started < 20


# --- the cache, damaged ---------------------------------------------------------------------------------


def _centres(root: Path) -> float:
    result = run("gaps", "--root", str(root), "--format", "json")
    assert result.exit_code == 0, result.stderr
    return next(r["target"] for r in json.loads(result.stdout)["rows"]
                if r["indicator"] == "G02-centres" and r["county"] is None)


def _memo(root: Path) -> Path:
    [memo] = (root / ".mubiao-cache" / "plans").glob("*.json")
    return memo


def test_a_digit_changed_in_a_remembered_plan_changes_nothing(workspace):
    assert _centres(workspace) == 60
    memo = _memo(workspace)
    data = json.loads(memo.read_text(encoding="utf-8"))
    assert '"target": 60' in data["data"]
    data["data"] = data["data"].replace('"target": 60', '"target": 20')
    memo.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert _centres(workspace) == 60
    assert '"target": 60' in json.loads(_memo(workspace).read_text(encoding="utf-8"))["data"], "not rebuilt"


def test_a_remembered_plan_damaged_with_a_matching_checksum_is_read_again(workspace):
    """A kind no plan has, with the memo's own hash made to match: the memo does not make a plan, so the plan
    file is read and checked again, and the memo written anew."""
    import hashlib

    assert _centres(workspace) == 60
    memo = _memo(workspace)
    data = json.loads(memo.read_text(encoding="utf-8"))
    data["data"] = data["data"].replace('"kind": "count"', '"kind": "bogus"', 1)
    data["sha256"] = hashlib.sha256(data["data"].encode("utf-8")).hexdigest()
    memo.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = run("gaps", "--root", str(workspace))
    clean(result)
    assert result.exit_code == 0
    assert '"kind": "bogus"' not in _memo(workspace).read_text(encoding="utf-8")


# --- all or nothing, and what killed runs leave ---------------------------------------------------------


def test_the_report_set_is_all_or_nothing_when_the_last_file_cannot_be_put_in_place(workspace, monkeypatch):
    assert run("report", "--root", str(workspace)).exit_code == 0
    [folder] = (workspace / "reports" / "demo").iterdir()
    before = snapshot(folder)
    assert len(before) == 4
    (workspace / "data" / "demo" / "2021-06" / "east.csv").write_bytes(
        (corpus.WORKSPACE / "data" / "demo" / "2021-05" / "east.csv").read_bytes())  # the report changes
    real = os.replace
    placed = []

    def failing(source, target, *args, **kwargs):
        if Path(target).parent == folder and len(placed) < 4:  # the four new files put in place: the last fails
            placed.append(target)
            if len(placed) == 4:
                raise OSError(28, "No space left on device", str(target))
        return real(source, target, *args, **kwargs)

    monkeypatch.setattr(os, "replace", failing)
    result = run("report", "--root", str(workspace))
    monkeypatch.setattr(os, "replace", real)
    clean(result)
    assert result.exit_code == 2 and len(placed) == 4
    assert snapshot(folder) == before, "some files of the set were replaced, others not"


def test_temporary_files_left_by_a_killed_run_are_removed_by_the_next_one(workspace):
    assert run("report", "--root", str(workspace)).exit_code == 0
    [folder] = (workspace / "reports" / "demo").iterdir()
    stale = folder / ".report.html.0123456789ab.tmp"
    fresh = folder / ".report.html.ba9876543210.tmp"  # maybe another run's, writing now: left alone
    for path in (stale, fresh):
        path.write_bytes(b"half a report")
    an_hour_ago = time.time() - 3700
    os.utime(stale, (an_hour_ago, an_hour_ago))
    assert run("report", "--root", str(workspace)).exit_code == 0
    assert not stale.exists() and fresh.exists()


# --- what reaches the terminal --------------------------------------------------------------------------


def test_a_file_name_with_a_line_break_cannot_forge_a_workflow_command(workspace):
    """GitHub Actions obeys any line of a job's output that starts with `::error`."""
    month = workspace / "data" / "demo" / "2021-06"
    shutil.copyfile(corpus.WORKSPACE / "data" / "demo" / "2021-05" / "east.csv",
                    month / "x\n::error file=ci.yml,line=1::forged\n.csv")
    for fmt in ("text", "github"):
        result = run("check", "--root", str(workspace), "--format", fmt)
        clean(result)
        assert not [line for line in result.stdout.splitlines() if line.startswith("::error file=ci.yml")], \
            result.stdout


def test_a_right_to_left_override_is_shown_not_obeyed(workspace):
    month = workspace / "data" / "demo" / "2021-06"
    shutil.copyfile(corpus.WORKSPACE / "data" / "demo" / "2021-05" / "east.csv", month / "east\u202ecsv.xlsx.csv")
    result = run("check", "--root", str(workspace))
    clean(result)
    assert "\u202e" not in result.stdout and "<U+202E>" in result.stdout
    gaps = run("gaps", "--root", str(workspace))
    assert "\u202e" not in gaps.stdout + gaps.stderr and "<U+202E>" in gaps.stderr


def test_check_of_a_workspace_that_ran_every_command_passes(workspace, monkeypatch):
    """mubiao's own outputs (reports/, forms, a `-o 6月.csv` beside the plans) are not progress files."""
    for args in (["report"], ["summary"], ["form", "--period", "2021-07"]):
        assert run(*args, "--root", str(workspace)).exit_code == 0, args
    (workspace / "data" / "demo" / "2021-06" / "east.csv").write_bytes(
        (corpus.WORKSPACE / "data" / "demo" / "2021-05" / "east.csv").read_bytes())
    assert run("gaps", "--root", str(workspace), "--format", "csv", "-o", str(workspace / "6月.csv")).exit_code == 0
    monkeypatch.chdir(workspace)
    result = run("check", ".")
    assert result.exit_code == 0, result.stdout
    assert "不在 data/ 下的表格未检查" in result.stdout
    monkeypatch.chdir(workspace.parent)
    assert run("check", workspace.name).exit_code == 0


# --- messages a Chinese user can act on -----------------------------------------------------------------


@pytest.mark.parametrize("entry, hint", [
    ("plans/fullwidth-equals-sign.toml", "半角“=”"),
    ("plans/chinese-quotation-marks.toml", "不能用中文引号"),
    ("plans/missing-closing-quote.toml", "少了结尾的"),
    ("plans/key-written-twice.toml", "删去重复的一处"),
])
def test_a_toml_syntax_error_is_explained_in_chinese_with_its_likely_cause(workspace, entry, hint):
    (workspace / "targets" / "demo.toml").write_bytes((corpus.HERE / entry).read_bytes())
    result = run("check", "--root", str(workspace), str(workspace / "targets"))
    [line] = [text for text in result.stdout.splitlines() if "P001" in text]
    assert hint in line, line
    import re
    assert not re.search(r"\b(Illegal|Expected|Invalid|Cannot|Unterminated|character|value)\b", line), line


@pytest.mark.parametrize("args, said", [
    (["gap"], "是不是 'gaps'"),
    (["gaps", "--bogus"], "没有选项 '--bogus'"),
    (["gaps", "--format", "xx"], "不是可选值"),
    (["form"], "缺少选项 '--period'"),
    (["gaps", "a", "b"], "多出了参数"),
])
def test_usage_errors_are_in_chinese_said_once(args, said):
    result = run(*args)
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert said in result.stderr and lines[-1].startswith("error: "), result.stderr
    assert result.stderr.count("是不是") <= 1
    import re
    assert not re.search(r"\b(Usage|Error|Try|Did you mean|No such|Missing|Invalid)\b", result.stderr), result.stderr


@pytest.mark.parametrize("command", [[], ["gaps"], ["check"], ["report"], ["summary"], ["form"], ["init"],
                                     ["show"], ["schema"]])
def test_help_has_no_english_of_click_or_typer(command):
    result = run(*command, "--help")
    assert result.exit_code == 0
    for english in ("Show this message", "Usage:", "Options:", "Commands:", "Install completion", "env var"):
        assert english not in result.stdout, (command, english)


@pytest.mark.parametrize("command", ["check", "gaps", "report", "summary"])
def test_a_command_outside_a_workspace_says_how_to_get_into_one(tmp_path, monkeypatch, command):
    monkeypatch.chdir(tmp_path)
    result = run(command)
    assert result.exit_code == 2 and "mubiao init" in result.stderr and "--root" in result.stderr, result.stderr
    assert list(tmp_path.iterdir()) == []
