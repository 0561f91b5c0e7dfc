"""The Typer root: registers the commands, and is the one place errors become messages and exit codes."""

from __future__ import annotations

import os
import sys
import traceback
import warnings
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from mubiao import __version__, click_words, console
from mubiao.commands.check import check
from mubiao.commands.form import form
from mubiao.commands.gaps import gaps
from mubiao.commands.init import init
from mubiao.commands.intake import intake
from mubiao.commands.report import report
from mubiao.commands.schema import schema
from mubiao.commands.show import show
from mubiao.commands.summary import summary
from mubiao.errors import ExitCode, MubiaoError


class _ErrorBoundary(TyperGroup):
    """Runs a command; a MubiaoError becomes `error: file:line: message` and exit 2, an OSError (a full disk, a
    folder that cannot be written) `error: file: 无法读写文件…`, any other exception an internal error with exit 2
    (never 1, which means findings). A traceback only with --debug."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort):
            raise
        except MubiaoError as exc:
            console.error(exc.one_line())
            self._trace(ctx)
        except OSError as exc:  # a full disk, a folder without write permission: the user's to mend, not a bug
            where = f"{exc.filename}: " if exc.filename else ""
            console.error(f"{where}无法读写文件:{exc.strerror or exc}")
            self._trace(ctx)
        except Exception as exc:
            if _is_click_exception(exc):  # usage errors: click prints them and exits 2 itself
                raise
            console.error(f"内部错误:{type(exc).__name__}: {exc}(加 --debug 查看回溯,并请报告此问题)")
            self._trace(ctx)
        raise typer.Exit(ExitCode.CANNOT_RUN)

    def get_params(self, ctx: Any) -> list[Any]:
        """The root's options, typer's completion options with help in Chinese (typer writes it in English)."""
        params = super().get_params(ctx)
        for param in params:
            if param.name in click_words.COMPLETION_HELP:
                param.help = click_words.COMPLETION_HELP[param.name]
        return params

    @staticmethod
    def _trace(ctx: Any) -> None:
        if ctx.params.get("debug") or os.environ.get("MUBIAO_DEBUG") == "1":
            traceback.print_exc()


def _is_click_exception(exc: Exception) -> bool:
    # typer vendors click in newer releases, so match click's exceptions by what they do
    return callable(getattr(exc, "show", None)) and hasattr(exc, "exit_code")


click_words.install()  # click's own words (usage errors, help headings) in Chinese

app = typer.Typer(
    name="mubiao",
    cls=_ErrorBoundary,
    suggest_commands=False,  # click suggests the command itself (typer's suggestion repeated it)
    help="mubiao(目标):工作要点与规划的目标跟踪工具。检查计划文件,汇总各县进度,生成通报与总结。",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.command()(init)
app.command()(check)
app.command()(intake)
app.command()(gaps)
app.command()(show)
app.command()(report)
app.command()(summary)
app.command()(form)
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


def main() -> None:
    """The console script `mubiao`. Python's warnings (a library's RuntimeWarning with its source line) are for
    developers: shown with --debug only, like a traceback."""
    if "--debug" not in sys.argv[1:] and os.environ.get("MUBIAO_DEBUG") != "1":
        warnings.simplefilter("ignore")
    app(prog_name="mubiao")
