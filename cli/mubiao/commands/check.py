"""`mubiao check`: lint plan files and county progress files like code."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from mubiao.commands.options import Root, workspace_root
from mubiao.errors import ExitCode
from mubiao.formats import FindingsFormat


def check(
    paths: Annotated[
        Optional[list[Path]],
        typer.Argument(help="要检查的计划文件、进度文件或目录;默认 targets/ 和 data/。", show_default=False),
    ] = None,
    output_format: Annotated[
        FindingsFormat, typer.Option("--format", "-f", help="输出格式:text(终端)、json、github(Actions 注释)。")
    ] = FindingsFormat.TEXT,
    strict: Annotated[bool, typer.Option("--strict", help="警告也视为失败(退出码 1)。")] = False,
    root: Root = None,
) -> None:
    """检查计划文件和各县进度文件,每个问题给出代码、文件、行号、列号与改法。

    计划(*.toml):语法、键名、类型、编号、引用、日期与目标值(P 开头的代码)。
    进度文件(data/<计划编号>/ 下的 *.csv、*.xlsx):编码、表头、指标、县、月份、数字、重复记录(D 开头的代码)。

    PATHS:文件或目录(目录即其下所有计划和进度文件);不写则检查工作区的 targets/ 和 data/。

    退出码:0 没有问题;1 有错误(--strict 时警告也算);2 无法运行。

    示例:

        mubiao check                      # 检查 targets/ 下所有计划和 data/ 下所有进度文件

        mubiao check data/jinhua-2021/2021-06/wucheng.csv

        mubiao check targets/jinhua-2021.toml --strict

        mubiao check --format github      # 在 CI 中生成行内注释
    """
    from mubiao import console
    from mubiao.checks.run import check_files, files_to_check
    from mubiao.render.findings import RENDERERS

    workspace = workspace_root(root)
    targets = paths or [workspace / "targets", *([workspace / "data"] if (workspace / "data").is_dir() else [])]
    to_check = files_to_check(targets, workspace)
    with console.progress("检查", total=len(to_check.files)) as advance:
        result = check_files(to_check, advance)
    console.emit(RENDERERS[output_format](result))
    failed = result.errors or (strict and result.warnings)
    raise typer.Exit(ExitCode.FINDINGS if failed else ExitCode.OK)
