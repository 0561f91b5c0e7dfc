"""Writing outputs without ever leaving a half-written file behind, nor a file outside the output folder."""

from __future__ import annotations

import os
import tempfile
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
    try:
        for path, data in files.items():
            path = Path(path)
            done.append((_temporary_copy(path, data), path))
        for temp, path in done:
            os.replace(temp, path)
    except BaseException:
        for temp, _ in done:
            Path(temp).unlink(missing_ok=True)  # those already renamed are gone already
        raise
    return [path for _, path in done]


def replace_with(path: str | Path, write: Callable[[BinaryIO], object], *, durable: bool = True) -> Path:
    """`write(handle)` into a temporary file beside `path`, then renamed over it, as `write_atomic` does; for a
    writer that needs a file to write into (numpy's savez). `durable` False skips the fsync, for a file that
    may be lost in a crash (a cache is rebuilt)."""
    path = Path(path)
    temp = _temporary_file(path, write, durable)
    try:
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return path


def _temporary_copy(path: Path, data: str | bytes | Iterable[bytes]) -> str:
    """A temporary file beside `path` holding `data` (text, bytes, or bytes in pieces as a renderer makes them: a
    national JSON report is hundreds of megabytes, never held whole), flushed to disk."""
    if isinstance(data, (str, bytes)):
        whole = data.encode("utf-8") if isinstance(data, str) else data
        return _temporary_file(path, lambda handle: handle.write(whole), durable=True)
    return _temporary_file(path, lambda handle: _write_behind(handle, data), durable=True)


#: Pieces made and not yet written, at most; and how many bytes a writing thread hands to the disk at a time.
_PIECES_AHEAD = 16
_SYNC_EVERY = 64 * 2**20


def _write_behind(handle: BinaryIO, pieces: Iterable[bytes]) -> None:
    """Write `pieces` as they are made, in a second thread: the next pieces are made (Python code, holding the
    GIL) while the ones before go to the system (which needs no GIL); and a third thread hands what was written
    to the disk meanwhile (fdatasync every `_SYNC_EVERY` bytes), so that little is left for the final fsync. The
    first failure of any of them (a renderer's error, a full disk, a failed sync, Ctrl-C) stops them all and is
    raised here."""
    import queue
    import threading

    waiting: queue.Queue[bytes | None] = queue.Queue(maxsize=_PIECES_AHEAD)
    failed: list[BaseException] = []
    unsynced, done = threading.Event(), threading.Event()
    sync = getattr(os, "fdatasync", os.fsync)  # (macOS has no fdatasync)

    def write() -> None:
        written = 0
        while (piece := waiting.get()) is not None:
            if failed:
                continue  # take the rest, so that the maker never waits on a full queue
            try:
                handle.write(piece)
                written += len(piece)
                if written >= _SYNC_EVERY:
                    handle.flush()
                    unsynced.set()
                    written = 0
            except BaseException as exc:  # handed to the maker's thread, raised there
                failed.append(exc)

    def sync_meanwhile() -> None:
        while unsynced.wait() and not done.is_set():
            unsynced.clear()
            try:
                sync(handle.fileno())
            except BaseException as exc:  # a failed sync clears the error: the final fsync would not see it
                failed.append(exc)
                return

    threads = [threading.Thread(target=write, name="mubiao-write-behind", daemon=True),
               threading.Thread(target=sync_meanwhile, name="mubiao-sync-behind", daemon=True)]
    for thread in threads:
        thread.start()
    try:
        for piece in pieces:
            if failed:
                break
            waiting.put(piece)
    finally:
        waiting.put(None)
        threads[0].join()
        done.set()
        unsynced.set()
        threads[1].join()
    if failed:
        raise failed[0]


def _temporary_file(path: Path, write: Callable[[BinaryIO], object], durable: bool) -> str:
    """A temporary file beside `path` (hidden, `.<name>.<random>.tmp`) that `write` filled, on disk when `durable`;
    nothing is left behind when writing fails."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, _mode_for(path))  # mkstemp makes the file private; a report is for sharing
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
    except BaseException as exc:
        Path(temp).unlink(missing_ok=True)
        if isinstance(exc, OSError) and exc.filename is None:
            exc.filename = str(path)  # "No space left on device" says which file it was writing
        raise
    return temp


def _mode_for(path: Path) -> int:
    """The permissions the file would get from a plain open(): the old file's, else 0o666 less the umask."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
