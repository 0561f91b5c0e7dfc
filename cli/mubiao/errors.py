"""Typed errors and exit codes: the core raises, only the CLI prints."""

from __future__ import annotations

from enum import IntEnum
from pathlib import Path


class ExitCode(IntEnum):
    """Exit codes shared by every command (docs/contract.md §6)."""

    OK = 0
    FINDINGS = 1  # the command ran and found problems
    CANNOT_RUN = 2  # bad usage, unreadable input, internal error


class MubiaoError(Exception):
    """An error the user can act on. Carries where it happened and, optionally, a hint."""

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        line: int | None = None,
        column: int | None = None,
        hint: str | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = str(file) if file is not None else None
        self.line = line
        self.column = column
        self.hint = hint
        self.code = code
        """The finding code this error corresponds to, when it has one (e.g. P001 for a TOML syntax error)."""

    def location(self) -> str:
        """`file:line:column`, as much of it as is known ('' when nothing is)."""
        parts = [p for p in (self.file, self.line, self.column) if p is not None]
        return ":".join(str(p) for p in parts)

    def described(self) -> str:
        """The message with its hint, if any: `message(hint)`."""
        return f"{self.message}({self.hint})" if self.hint else self.message

    def one_line(self) -> str:
        """The whole error on one line: `file:line:col: CODE message(hint)` (the code when it has one)."""
        described = self.described()
        if self.code and not described.startswith(self.code):
            described = f"{self.code} {described}"
        text = f"{self.location()}: {described}" if self.location() else described
        return " ".join(text.split())


class PlanError(MubiaoError):
    """A plan file cannot be read or is not valid (see `mubiao check`)."""


class WorkspaceError(MubiaoError):
    """The workspace (root, targets/, --plan) cannot be resolved."""



class ProgressError(MubiaoError):
    """A progress file cannot be read, or holds an error-level finding (see `mubiao check`)."""
