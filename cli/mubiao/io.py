"""Writing outputs without ever leaving a half-written file behind, nor a file outside the output folder."""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Callable, Iterable, Iterator, Mapping

from mubiao.errors import WorkspaceError

#: Names Windows keeps for devices, with or without an extension (`con.xlsx` is the console, not a file).
WINDOWS_DEVICE_NAMES = frozenset(
    ["con", "prn", "aux", "nul"] + [f"{port}{n}" for port in ("com", "lpt") for n in range(1, 10)]
)


def is_device_name(name: str) -> bool:
    """True when Windows would take a file or folder of this name (its part before the first dot, in any case)
    for a device."""
    return name.split(".")[0].strip().lower() in WINDOWS_DEVICE_NAMES


def file_in(folder: str | Path, name: str) -> Path:
    """`folder / name` for a file named after an id (a county's form, a county's draft): one plain file name, so
    the file is in `folder` and nowhere else. Raises WorkspaceError for a name with a path separator, `..`, a
    control character or a Windows device name (ids are checked by their patterns; this is the last guard)."""
    if (not name or name in (".", "..") or any(ch in name for ch in "/\\:") or any(ord(ch) < 32 for ch in name)
            or is_device_name(name)):
        raise WorkspaceError(f"不能用“{name}”作文件名", file=folder, hint="编号应只含字母、数字、-、_ 和 .")
    return Path(folder) / name


@contextmanager
def locked(folder: str | Path) -> Iterator[Path]:
    """Hold `folder` (made if missing) while a set of files is written into it: another mubiao writing into the
    same folder waits until this one is done, so the folder ends with every file of one run, never a mix of two.

    The lock is POSIX `flock` on the folder itself (nothing is left in it); it goes when the process does. Where
    there is no `flock` (Windows), each file is still written atomically, but two runs at once may mix."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield folder
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield folder
    finally:
        os.close(descriptor)  # closing it releases the lock


def write_atomic(path: str | Path, data: str | bytes | Iterable[bytes]) -> Path:
    """Write `data` to `path` through a temporary file in the same folder and an atomic rename.

    Readers see the old file or the new one, never a mix; text is written as UTF-8 with '\\n' line ends. A failure
    or an interrupt (a full disk, Ctrl-C) leaves the old file as it was and no temporary file behind.
    """
    return write_all_atomic({path: data})[0]


def write_all_atomic(files: Mapping[str | Path, str | bytes | Iterable[bytes]]) -> list[Path]:
    """Write several files as one (`write_atomic` for each): every file goes to a temporary file beside it first,
    and only when all of them are written and on disk are they renamed into place, one after the other. A failure
    or an interrupt while writing leaves every old file as it was and no temporary file behind."""
    done: list[tuple[str, Path]] = []
    kept: list[tuple[str | None, Path]] = []  # for a set: (a second name of the old file, or None; its path)
    placed: list[Path] = []
    try:
        for path, data in files.items():
            path = Path(path)
            _refuse_special(path)
            done.append((_temporary_copy(path, data), path))
        if len(done) > 1:  # the old files are kept aside until every new one is in place
            for _, path in done:
                kept.append((_second_name(path), path))
        for temp, path in done:
            os.replace(temp, path)
            placed.append(path)
    except BaseException:
        for temp, _ in done:
            Path(temp).unlink(missing_ok=True)  # those already renamed are gone already
        _put_back(kept, placed)
        raise
    for old, _ in kept:
        if old is not None:
            Path(old).unlink(missing_ok=True)
    for _, path in done:
        _sweep_stale(path)
    return [path for _, path in done]


def _second_name(path: Path) -> str | None:
    """A second name for the file at `path` (a hard link, else a copy), so that it can be put back; None when
    there is no file there."""
    import secrets
    import shutil

    if not path.is_file():
        return None
    old = str(path.parent / f".{path.name}.{secrets.token_hex(6)}.tmp")
    try:
        os.link(path, old)
    except OSError:  # a file system without hard links (FAT on a USB stick)
        shutil.copy2(path, old)
    return old


def _put_back(kept: list[tuple[str | None, Path]], placed: list[Path]) -> None:
    """After a failure part-way through writing a set: every file of the set as it was before (a file that was
    not there before and was put in place goes again)."""
    for old, path in kept:
        try:
            if path not in placed:
                if old is not None:  # (a hard link to the file itself, which renaming over it would not remove)
                    os.unlink(old)
            elif old is not None:
                os.replace(old, path)
            else:
                path.unlink()
        except OSError:
            pass


def _refuse_special(path: Path) -> None:
    """Raise WorkspaceError when `path` is something other than a regular file (a device such as /dev/null, a
    pipe, a folder): writing would replace it with a file."""
    import stat

    try:
        mode = os.stat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):
        return
    except OSError:  # a loop of links, no permission: the write itself says why
        return
    if not stat.S_ISREG(mode):
        what = "文件夹" if stat.S_ISDIR(mode) else "设备、管道或套接字"
        raise WorkspaceError(f"这里已有一个{what},不是普通文件,mubiao 不会用输出文件替换它", file=path,
                             hint="请指定一个普通文件的路径")


def replace_with(path: str | Path, write: Callable[[BinaryIO], object], *, durable: bool = True) -> Path:
    """`write(handle)` into a temporary file beside `path`, then renamed over it, as `write_atomic` does; for a
    writer that needs a file to write into. `durable` False skips the fsync, for a file that may be lost in a
    crash (a cache is rebuilt)."""
    path = Path(path)
    _refuse_special(path)
    temp = _temporary_file(path, write, durable)
    try:
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    _sweep_stale(path)
    return path


#: A temporary file of ours older than this was left by a run that was killed (SIGKILL, a power cut), which
#: could not remove it: the next write of the same file does. (No run writes one file for an hour.)
STALE_SECONDS = 3600


def _sweep_stale(path: Path) -> None:
    """Remove the temporary files (`.<name>.<12 hex digits>.tmp`) that killed runs left beside `path`."""
    import re
    import time

    pattern = re.compile(rf"\.{re.escape(path.name)}\.[0-9a-f]{{12}}\.tmp")
    cutoff = time.time() - STALE_SECONDS
    try:
        with os.scandir(path.parent) as entries:
            stale = [entry.path for entry in entries if pattern.fullmatch(entry.name)
                     and entry.is_file(follow_symlinks=False) and entry.stat(follow_symlinks=False).st_mtime < cutoff]
    except OSError:
        return
    for each in stale:
        try:
            os.unlink(each)
        except OSError:
            pass


def _temporary_copy(path: Path, data: str | bytes | Iterable[bytes]) -> str:
    """A temporary file beside `path` holding `data`, on disk: text as UTF-8, bytes as they are, or bytes in pieces
    as a renderer makes them (a national JSON report is hundreds of megabytes, never held whole)."""

    def write(handle: BinaryIO) -> None:
        if isinstance(data, str):
            handle.write(data.encode("utf-8"))
        elif isinstance(data, bytes):
            handle.write(data)
        else:
            for piece in data:
                handle.write(piece)

    return _temporary_file(path, write, durable=True)


def _temporary_file(path: Path, write: Callable[[BinaryIO], object], durable: bool) -> str:
    """A temporary file beside `path` (hidden, `.<name>.<random>.tmp`) that `write` filled, on disk when `durable`
    (one fsync, at the end); nothing is left behind when writing fails.

    Only portable calls (users run Windows): the file is made by `os.open` with mode 0o666, which the system
    narrows by the umask as for any new file, and takes the old file's permissions when there is one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = _new_file(path)
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        _keep_mode(path, temp)
    except BaseException as exc:
        Path(temp).unlink(missing_ok=True)
        if isinstance(exc, OSError) and exc.filename is None:
            exc.filename = str(path)  # "No space left on device" says which file it was writing
        raise
    return temp


def _new_file(path: Path) -> tuple[int, str]:
    """A new, empty file beside `path` that no other process made: its descriptor and name."""
    import secrets

    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)  # (O_BINARY: Windows only)
    while True:
        temp = str(path.parent / f".{path.name}.{secrets.token_hex(6)}.tmp")
        try:
            return os.open(temp, flags, 0o666), temp
        except FileExistsError:
            continue


def _keep_mode(path: Path, temp: str) -> None:
    """Give the temporary file the permissions of the file it replaces (a report someone made readable to all
    stays so)."""
    try:
        mode = path.stat().st_mode & 0o777
    except OSError:
        return
    os.chmod(temp, mode)
