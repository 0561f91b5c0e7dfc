"""Checking paths: which files a path means, and the findings of each."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

from mubiao.checks.findings import CheckResult, Finding
from mubiao.errors import WorkspaceError
from mubiao.readers.plan import read_plan
from mubiao.readers.tables import TABLE_SUFFIXES

PLAN_SUFFIXES = (".toml",)
#: Every kind of file `mubiao check` knows, by suffix.
KNOWN_SUFFIXES = PLAN_SUFFIXES + TABLE_SUFFIXES


@dataclass(frozen=True)
class ToCheck:
    """What `mubiao check` is to read: the files, what their folders hold that cannot be read, and how many
    tables it left alone."""

    files: list[Path]
    passed_over: list[Finding] = field(default_factory=list)
    """A link that is broken, loops or leads out of the workspace, a linked folder, a pipe (readers/listing.py):
    a P002 or D006 error each."""
    others: int = 0
    """Tables met in a folder outside any `data/` folder: no plan's progress files, most often mubiao's own
    outputs (reports/, a `-o 6月.csv`). Not checked; the summary line counts them."""


def files_to_check(paths: Iterable[Path], root: Path | None = None) -> ToCheck:
    """The files named by `paths`: a file as it is, a folder as every file under it that a checker knows
    (hidden files and folders, and Excel's `~$` lock files, left out), each folder's files sorted by path. In
    a folder, a table is a progress file only under a `data/` folder; others are counted, not checked (a table
    named on its own is checked, and D003 says where it belongs). `root` is the workspace no link may lead out
    of (default: the current folder).

    Raises WorkspaceError for a path that does not exist or a file kind no checker knows.
    """
    from mubiao.readers.listing import list_files

    files: list[Path] = []
    passed_over: list[Finding] = []
    others = 0
    for path in paths:
        if path.is_dir():
            listing = list_files(path, KNOWN_SUFFIXES, root if root is not None else Path("."), others=True)
            above = _resolved_parts(path)  # (once per folder: resolving is a system call per link)
            for file in listing.files:
                if file.suffix.lower() in TABLE_SUFFIXES and "data" not in above + file.relative_to(path).parts[:-1]:
                    others += 1
                else:
                    files.append(file)
            # any other file is said only within a plan's folder of progress files (data/<plan>/…): data/README.md
            # and the workspace's own scripts are not a county's
            passed_over += [finding for each, finding in zip(listing.passed_over, listing.findings())
                            if each.code != "D008" or _in_plan_folder(above + each.path.relative_to(path).parts[:-1])]
        elif path.is_file():
            if path.suffix.lower() not in KNOWN_SUFFIXES:
                raise WorkspaceError(f"不知道如何检查这种文件(可检查:{'、'.join(KNOWN_SUFFIXES)})", file=path)
            files.append(path)
        else:
            raise WorkspaceError("路径不存在", file=path, hint=_where_hint(path))
    return ToCheck(list(dict.fromkeys(files)), passed_over, others)


def _in_plan_folder(parts: tuple[str, ...]) -> bool:
    """Whether a file's folders (`parts`) are a plan's folder under `data/`, or within one."""
    return "data" in parts[:-1]


def _resolved_parts(folder: Path) -> tuple[str, ...]:
    """The parts of `folder`'s absolute path, links resolved: a table found under it is a progress file when a
    folder named `data` is among these or between `folder` and the table."""
    try:
        return folder.resolve().parts
    except (OSError, RuntimeError):
        return folder.absolute().parts


def _where_hint(path: Path) -> str:
    """What to do when a path to check does not exist: most often, not being in a workspace."""
    if path.name in ("targets", "data") and not (path.parent / "targets").exists():
        from mubiao.workspace import NOT_A_WORKSPACE

        return f"这里不是 mubiao 工作区,没有 targets/;{NOT_A_WORKSPACE}"
    return "请检查路径的拼写"


def check_paths(paths: Iterable[Path]) -> CheckResult:
    """Check every file the paths name: plans against their rules, progress files against their plan.

    Findings come file by file in the order the files were named, each file's by position."""
    return check_files(files_to_check(paths))


def check_files(to_check: ToCheck | Sequence[Path], on_file: Callable[[], None] | None = None) -> CheckResult:
    """Check these files (see `check_paths`); `on_file()` is called as each one is done (a progress bar)."""
    if not isinstance(to_check, ToCheck):
        to_check = ToCheck(list(to_check))
    files = to_check.files
    advance = on_file or (lambda: None)
    findings: list[Finding] = list(to_check.passed_over)
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
    return CheckResult(files=tuple(str(f) for f in files), findings=tuple(findings), others=to_check.others)
