"""The Typer root: registers the commands and turns errors into one-line messages and exit codes."""

from __future__ import annotations

import os
import sys
import traceback
from typing import Annotated

import typer

from mubiao import __version__, console
from mubiao.commands.check import check
from mubiao.commands.schema import schema
from mubiao.errors import ExitCode, MubiaoError

app = typer.Typer(
    name="mubiao",
    help="mubiao(目标):工作要点与规划的目标跟踪工具。检查计划文件,汇总各县进度,生成通报与总结。",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.command()(check)
app.command()(schema)


def _version(value: bool) -> None:
    if value:
        console.emit(f"mubiao {__version__}\n")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool, typer.Option("--version", "-V", callback=_version, is_eager=True, help="显示版本并退出。")
    ] = False,
    debug: Annotated[bool, typer.Option("--debug", help="出错时显示完整的 Python 回溯。")] = False,
) -> None:
    """mubiao(目标):工作要点与规划的目标跟踪工具。"""


def main(argv: list[str] | None = None) -> int:
    """The console script: run the app, map every outcome to an exit code, never show a traceback
    unless --debug (or MUBIAO_DEBUG=1) asks for it."""
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args or os.environ.get("MUBIAO_DEBUG") == "1"
    try:
        code = app(args=args, prog_name="mubiao", standalone_mode=False)
    except MubiaoError as exc:
        console.error(exc.one_line())
        return _debug_trace(debug, ExitCode.CANNOT_RUN)
    except typer.Exit as exc:
        return int(exc.exit_code)
    except typer.Abort:
        console.error("已中断")
        return ExitCode.CANNOT_RUN
    except KeyboardInterrupt:
        console.error("已中断")
        return 130
    except BrokenPipeError:
        return ExitCode.OK
    except Exception as exc:
        if _is_usage_error(exc):  # click's exceptions (typer vendors click in newer releases)
            exc.show()  # type: ignore[attr-defined]
            return ExitCode.CANNOT_RUN
        # an internal error: exit 2, never 1
        console.error(f"内部错误:{type(exc).__name__}: {exc}(加 --debug 查看回溯,并请报告此问题)")
        return _debug_trace(debug, ExitCode.CANNOT_RUN)
    return int(code or 0)


def _is_usage_error(exc: Exception) -> bool:
    return callable(getattr(exc, "show", None)) and hasattr(exc, "exit_code")


def _debug_trace(debug: bool, code: int) -> int:
    if debug:
        traceback.print_exc()
    return code
