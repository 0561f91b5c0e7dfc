"""Checking paths: which files a path means, and the findings of each."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from mubiao.checks.plan import check_plan_file
from mubiao.errors import WorkspaceError
from mubiao.checks.findings import CheckResult

#: File kinds `mubiao check` knows, by suffix.
CHECKERS = {".toml": check_plan_file}


def files_to_check(paths: Iterable[Path]) -> list[Path]:
    """The files named by `paths`: a file as it is, a folder as every file in it that a checker knows.

    Raises WorkspaceError for a path that does not exist or a file kind no checker knows.
    """
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in CHECKERS))
        elif path.is_file():
            if path.suffix.lower() not in CHECKERS:
                known = "、".join(CHECKERS)
                raise WorkspaceError(f"不知道如何检查这种文件(可检查:{known})", file=path)
            files.append(path)
        else:
            raise WorkspaceError("路径不存在", file=path)
    return files


def check_paths(paths: Iterable[Path]) -> CheckResult:
    """Check every file the paths name; findings sorted by file, then position."""
    files = files_to_check(paths)
    findings = [finding for file in files for finding in CHECKERS[file.suffix.lower()](file)]
    return CheckResult(files=tuple(str(f) for f in files), findings=tuple(findings))
