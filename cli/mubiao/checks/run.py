"""Checking paths: which files a path means, and the findings of each."""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable, Sequence

from mubiao.checks.findings import CheckResult, Finding
from mubiao.errors import WorkspaceError
from mubiao.readers.plan import read_plan
from mubiao.readers.tables import TABLE_SUFFIXES

PLAN_SUFFIXES = (".toml",)
#: Every kind of file `mubiao check` knows, by suffix.
KNOWN_SUFFIXES = PLAN_SUFFIXES + TABLE_SUFFIXES


def files_to_check(paths: Iterable[Path]) -> list[Path]:
    """The files named by `paths`: a file as it is, a folder as every file under it that a checker knows
    (hidden files and folders, and Excel's `~$` lock files, left out), each folder's files sorted by path.

    Raises WorkspaceError for a path that does not exist or a file kind no checker knows.
    """
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if _is_known(p, path)))
        elif path.is_file():
            if path.suffix.lower() not in KNOWN_SUFFIXES:
                raise WorkspaceError(f"不知道如何检查这种文件(可检查:{'、'.join(KNOWN_SUFFIXES)})", file=path)
            files.append(path)
        else:
            raise WorkspaceError("路径不存在", file=path)
    return list(dict.fromkeys(files))


def _is_known(path: Path, folder: Path) -> bool:
    hidden = any(part.startswith((".", "~$")) for part in path.relative_to(folder).parts)
    return not hidden and path.suffix.lower() in KNOWN_SUFFIXES and path.is_file()


def check_paths(paths: Iterable[Path]) -> CheckResult:
    """Check every file the paths name: plans against their rules, progress files against their plan.

    Findings come file by file in the order the files were named, each file's by position."""
    return check_files(files_to_check(paths))


def check_files(files: Sequence[Path], on_file: Callable[[], None] | None = None) -> CheckResult:
    """Check these files (see `check_paths`); `on_file()` is called as each one is done (a progress bar)."""
    advance = on_file or (lambda: None)
    findings: list[Finding] = []
    plans = {}  # each plan checked here is read once, then serves its progress files too
    for file in files:
        if file.suffix.lower() in PLAN_SUFFIXES:
            plans[file.resolve()] = read_plan(file)
            findings.extend(plans[file.resolve()][0])
            advance()
    progress = [f for f in files if f.suffix.lower() in TABLE_SUFFIXES]
    if progress:  # imported only then: `mubiao check targets/` runs in hooks and must start fast
        from mubiao.checks.progress import check_progress_files

        findings.extend(check_progress_files(progress, advance, plans))
    order = {str(file): index for index, file in enumerate(files)}
    findings.sort(key=lambda f: (order.get(f.file, len(order)), f.sort_key()))
    return CheckResult(files=tuple(str(f) for f in files), findings=tuple(findings))
