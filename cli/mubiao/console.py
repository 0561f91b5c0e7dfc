"""The one place that touches rich and the terminal."""

from __future__ import annotations

import sys
from functools import lru_cache

from rich.console import Console
from rich.text import Text


@lru_cache(maxsize=None)
def stdout() -> Console:
    return Console(highlight=False, soft_wrap=True)


@lru_cache(maxsize=None)
def stderr() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)


def emit(output: str | Text) -> None:
    """Print a renderer's output: plain text as it is (no markup, no wrapping), rich text styled."""
    if isinstance(output, Text):
        stdout().print(output)
    else:
        sys.stdout.write(output)
        sys.stdout.flush()


def error(message: str) -> None:
    """`error: <message>` on stderr, on one line."""
    line = Text("error: ", style="bold red")
    line.append(" ".join(message.split()))
    stderr().print(line)
