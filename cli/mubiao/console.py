"""The one place that touches rich and the terminal."""

from __future__ import annotations

import re
import sys
from contextlib import contextmanager
from functools import lru_cache
from typing import Callable, Iterator

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.segment import Segment
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


#: Characters a terminal obeys instead of showing: C0 controls but tab and line feed (a carriage return only
#: before a line feed, as CSV ends its lines), DEL and the C1 controls. A county's note or a file name holding
#: `ESC [2J` would otherwise clear the screen, set the window title or forge the lines above it.
#: The invisible marks that reorder text on screen (bidirectional controls: U+202E shows `gpj.exe` as
#: `exe.jpg`, Trojan Source) are shown as their code point, `<U+202E>`.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
                      "|\r(?!\n)")
#: For text that must stay on one line (a file name, a finding): line feeds and carriage returns too.
_CONTROL_OR_BREAK = re.compile(_CONTROL.pattern.replace("\x0b", "\x0a\x0b").replace("|\r(?!\n)", "|\r"))


def _shown(match: re.Match) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # ␛ ␊ ␍
    if code == 0x7F:
        return "\u2421"  # ␡
    return "\ufffd" if code <= 0x9F else f"<U+{code:04X}>"


def printable(text: str) -> str:
    """`text` safe to show on a terminal: each control character as its visible picture (ESC as ␛, DEL as ␡, a C1
    control as �, a bidirectional control as `<U+202E>`); tabs, line feeds and CRLF line ends as they are."""
    return _CONTROL.sub(_shown, text)


def one_line(text: str) -> str:
    """`printable`, and a line feed or carriage return shown as ␊ or ␍: a file name holding a line break and
    `::error …` must not start a line of its own (GitHub Actions would obey it as a workflow command)."""
    return _CONTROL_OR_BREAK.sub(_shown, text)


class _Printable:
    """A renderable whose text segments go through `printable` (rich's own control segments stay)."""

    def __init__(self, renderable: RenderableType) -> None:
        self.renderable = renderable

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for segment in console.render(self.renderable, options):
            yield segment if segment.control else Segment(printable(segment.text), segment.style)


def emit(output: str | RenderableType) -> None:
    """Print a renderer's output: plain text as it is (no markup, no wrapping), anything else through rich;
    never a control character from the data (see `printable`)."""
    if isinstance(output, str):
        sys.stdout.write(printable(output))
    elif stdout().is_terminal:
        stdout().print(_Printable(output))
    else:  # piped: no styles, no padding at line ends, one line per record
        sys.stdout.write(printable(_captured(stdout(), output)))
    sys.stdout.flush()


def plain(renderable: RenderableType, width: int = 120) -> str:
    """A renderable as plain text (no colours), for writing a terminal view to a file."""
    return printable(_captured(Console(width=width, no_color=True, highlight=False, force_terminal=False,
                                       color_system=None), renderable))


def _captured(console: Console, renderable: RenderableType) -> str:
    """What `console` prints for `renderable`, without the padding at line ends."""
    with console.capture() as captured:
        console.print(renderable)
    return "".join(line.rstrip() + "\n" for line in captured.get().splitlines())


def error(message: str) -> None:
    """`error: <message>` on stderr, on one line."""
    line = Text("error: ", style="bold red")
    line.append(printable(" ".join(message.split())))
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


#: How many of a read's errors the commands list; `mubiao check` lists them all.
PROBLEMS_SHOWN = 10


def read_problems(problems) -> bool:
    """Say on stderr what a command went on past (`ReadProblems`: the files with errors, whose refused rows or
    whole file are not counted, and how many warnings there are); True when there were errors (exit code 1)."""
    if problems is None:
        return False
    console = stderr()
    errors = problems.errors
    if errors:
        console.print(Text(f"注意:{len(problems.files)} 个文件有错误(共 {len(errors)} 处),出错的行未计入"
                           f"(整份读不了的文件未计入),其余照常统计:", style="bold yellow"))
        for finding in errors[:PROBLEMS_SHOWN]:
            where = f":{finding.line}" if finding.line else ""
            console.print(Text(f"  {one_line(finding.file)}{where}  {finding.code}  {one_line(finding.message)}",
                               style="yellow"))
        if len(errors) > PROBLEMS_SHOWN:
            console.print(Text(f"  …另有 {len(errors) - PROBLEMS_SHOWN} 处,mubiao check 列出全部", style="yellow"))
        console.print(Text("  请按提示改正后重新报送;加 --strict 则遇到错误即停止", style="dim"))
    if problems.warnings:
        console.print(Text(f"另有 {problems.warnings} 条警告,mubiao check 列出", style="dim"))
    return bool(errors)
