"""Options shared by several commands."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

Root = Annotated[
    Optional[Path],
    typer.Option(
        "--root",
        envvar="MUBIAO_ROOT",
        help="工作区根目录(含 targets/、data/);默认当前目录,或环境变量 MUBIAO_ROOT。",
        file_okay=False,
        show_default=False,
    ),
]


def workspace_root(root: Path | None) -> Path:
    """The workspace root: --root, else MUBIAO_ROOT (typer reads it), else the current directory."""
    return root if root is not None else Path(".")


PlanOption = Annotated[
    Optional[str],
    typer.Option(
        "--plan",
        "-p",
        help="计划编号(targets/ 中的文件名)或计划文件路径;targets/ 中只有一个计划时可省略。",
        show_default=False,
    ),
]


SinceOption = Annotated[
    Optional[str],
    typer.Option(
        "--since",
        help="与哪个月比较(如 2021-05;“上月”即截至月份的上一个月):给出新增滞后、脱离滞后、完成值的变化(环比)"
             "和排名升降。",
        show_default=False,
    ),
]

AsOfOption = Annotated[
    Optional[str],
    typer.Option(
        "--as-of",
        help="截至日期(2021-06-30)或月份(2021-06,即该月最后一天);默认为有数据的最新月份的最后一天。",
        show_default=False,
    ),
]


StrictOption = Annotated[
    bool,
    typer.Option("--strict", help="有文件出错即停止(退出码 2),不用其余文件继续;默认照常输出,有问题的行不计入并列出,退出码 1。"),
]
