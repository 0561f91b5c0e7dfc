"""Which files a folder holds for mubiao to read, and every entry it passes over that a person would expect read.

One walk serves `mubiao check` and every command that reads progress files, so the two never disagree about a
file. Hidden files and folders and Excel's `~$…` lock files are left out without a word (they are never a
county's report). Everything else that has a known suffix but is not read is said (docs/progress-files.md,
"Files that are not read"):

- a link whose target is missing, or that points to itself (a loop);
- a link that leads out of the workspace: mubiao reads only what is inside it, as `check` and `gaps` both say;
- a linked folder (not walked: links can loop, and the files would be counted twice);
- something that is not a regular file (a pipe, a socket, a device): reading a pipe would wait forever;
- where asked (`others`: a plan's folder of progress files), any other file: a 说明.docx, a photo, a zip of
  returns (D008, a warning: it is not a table, and a county may have meant it as one).

A link to a regular file inside the workspace is read like the file.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:
    from mubiao.checks.findings import Finding


@dataclass(frozen=True)
class PassedOver:
    """An entry that is not read, and why (a sentence for the finding)."""

    path: Path
    why: str
    code: str | None = None
    """The finding's code, where it is not the one its suffix gives (P002 for a plan, else D006)."""


@dataclass(frozen=True)
class Listing:
    files: list[Path]
    """The files to read, sorted by their parts (as paths sort)."""
    passed_over: list[PassedOver]

    def findings(self) -> list["Finding"]:
        """An error for each entry passed over: P002 for a plan (`.toml`), D006 for a progress file."""
        from mubiao.checks.findings import RULES, Finding

        def code(each: PassedOver) -> str:
            return each.code or ("P002" if each.path.suffix.lower() == ".toml" else "D006")

        return [Finding(str(each.path), None, None, code(each), RULES[code(each)].severity, each.why)
                for each in self.passed_over]


def list_files(folder: str | Path, suffixes: Iterable[str], root: str | Path, others: bool = False) -> Listing:
    """The files under `folder` whose suffix (any case) is one of `suffixes`, and what was passed over (with
    `others`, every other file too: D008); `root` is the workspace, which no link may lead out of."""
    suffixes = tuple(s.lower() for s in suffixes)
    try:
        inside = Path(root).resolve()
    except (OSError, RuntimeError):
        inside = Path(os.path.abspath(root))
    found: list[tuple[tuple[str, ...], str]] = []
    passed: list[PassedOver] = []
    _walk(str(folder), (), suffixes, inside, found, passed, others)
    return Listing([Path(path) for _, path in sorted(found)], sorted(passed, key=lambda p: p.path.parts))


def _walk(folder: str, parts: tuple[str, ...], suffixes: tuple[str, ...], inside: Path,
          found: list[tuple[tuple[str, ...], str]], passed: list[PassedOver], others: bool) -> None:
    """`os.scandir` says what each entry is without a stat (but for a link)."""
    with os.scandir(folder) as entries:
        for entry in entries:
            name = entry.name
            if name.startswith((".", "~$")):
                continue
            known = os.path.splitext(name)[1].lower() in suffixes
            if entry.is_symlink():
                why = _link_problem(Path(entry.path), inside, known)
                if why is not None:
                    passed.append(PassedOver(Path(entry.path), why))
                elif known:
                    found.append(((*parts, name), entry.path))
            elif entry.is_dir(follow_symlinks=False):
                _walk(entry.path, (*parts, name), suffixes, inside, found, passed, others)
            elif known:
                if entry.is_file(follow_symlinks=False):
                    found.append(((*parts, name), entry.path))
                else:
                    passed.append(PassedOver(Path(entry.path), "不是普通文件(是管道、设备或套接字),未读取"))
            elif others and entry.is_file(follow_symlinks=False):
                passed.append(PassedOver(Path(entry.path), NOT_A_TABLE, "D008"))


#: Why a file that is no table is not read (D008).
NOT_A_TABLE = ("不是报表文件,未读取;进度请用 CSV 或 Excel 工作簿报送(mubiao form 生成的填报表),文字说明写在“备注”列")


def _link_problem(path: Path, inside: Path, known: bool) -> str | None:
    """Why the link at `path` is not read, or None when it is (a link to a regular file in the workspace) or is
    nothing mubiao would read anyway (a link to some other kind of file)."""
    try:
        target = path.resolve(strict=True)
        mode = target.stat().st_mode
    except FileNotFoundError:
        return "是链接,但它指向的文件不存在,未读取" if known else None
    except (OSError, RuntimeError):  # a loop (Python 3.11 raises RuntimeError for it)
        return "是循环的链接(指向自己),未读取" if known else None
    if stat.S_ISDIR(mode):
        return "是指向文件夹的链接,其中的文件未读取;请把文件复制到这里,而不是链接"
    if not known:
        return None
    if not _within(target, inside):
        return f"是指向工作区外的链接({target}),未读取;请把文件复制到工作区内"
    if not stat.S_ISREG(mode):
        return "是链接,指向的不是普通文件(管道、设备或套接字),未读取"
    return None


def is_inside(root: str | Path, path: str | Path) -> bool:
    """Whether `path`, its links followed as far as they exist, stays inside the workspace `root` (a folder mubiao
    writes to by default, `reports/` or `.mubiao-cache/`, must)."""
    try:
        return _within(Path(path).resolve(), Path(root).resolve())
    except (OSError, RuntimeError):
        return False


def _within(target: Path, inside: Path) -> bool:
    """Whether the resolved `target` is `inside` or below it."""
    return target == inside or inside in target.parents
