"""The one place that touches rich and the terminal."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from functools import lru_cache
from typing import Callable, Iterator

from rich.console import Console, RenderableType
from rich.text import Text


#: Width when stdout is not a terminal: wide enough that nothing wraps, so piped output stays one line a record.
PIPE_WIDTH = 1000


@lru_cache(maxsize=None)
def stdout() -> Console:
    console = Console(highlight=False)
    if not console.is_terminal:
        console.width = PIPE_WIDTH
    return console


@lru_cache(maxsize=None)
def stderr() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)


def emit(output: str | RenderableType) -> None:
    """Print a renderer's output: plain text as it is (no markup, no wrapping), anything else through rich."""
    if isinstance(output, str):
        sys.stdout.write(output)
    elif stdout().is_terminal:
        stdout().print(output)
    else:  # piped: no styles, no padding at line ends, one line per record
        sys.stdout.write(_captured(stdout(), output))
    sys.stdout.flush()


def plain(renderable: RenderableType, width: int = 120) -> str:
    """A renderable as plain text (no colours), for writing a terminal view to a file."""
    return _captured(Console(width=width, no_color=True, highlight=False, force_terminal=False, color_system=None),
                     renderable)


def _captured(console: Console, renderable: RenderableType) -> str:
    """What `console` prints for `renderable`, without the padding at line ends."""
    with console.capture() as captured:
        console.print(renderable)
    return "".join(line.rstrip() + "\n" for line in captured.get().splitlines())


def error(message: str) -> None:
    """`error: <message>` on stderr, on one line."""
    line = Text("error: ", style="bold red")
    line.append(" ".join(message.split()))
    stderr().print(line)


#: Work over fewer items than this is quick: no progress bar.
PROGRESS_MIN_ITEMS = 50


@contextmanager
def progress(description: str, total: int, min_items: int = PROGRESS_MIN_ITEMS) -> Iterator[Callable[[], None]]:
    """A progress bar on stderr while long work runs; yields `advance()`, to call once per item done.

    Silent (and `advance` a no-op) when stderr is not a terminal or the work is short (fewer than `min_items`
    items: pass 1 where each item is slow, as a report's files are); the bar disappears when
    the work ends, so only the result stays on screen."""
    if total < min_items or not stderr().is_terminal:
        yield lambda: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn(description), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=stderr(), transient=True) as bar:
        task = bar.add_task(description, total=total)
        yield lambda: bar.advance(task)
