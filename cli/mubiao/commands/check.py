"""`mubiao check`: lint plan files like code."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from mubiao import console
from mubiao.checks.run import check_paths
from mubiao.commands.options import Root, workspace_root
from mubiao.errors import ExitCode
from mubiao.render.findings import RENDERERS, FindingsFormat


def check(
    paths: Annotated[
        Optional[list[Path]],
        typer.Argument(help="要检查的计划文件或目录(目录即其中所有 *.toml);默认 targets/。", show_default=False),
    ] = None,
    output_format: Annotated[
        FindingsFormat, typer.Option("--format", "-f", help="输出格式:text(终端)、json、github(Actions 注释)。")
    ] = FindingsFormat.TEXT,
    strict: Annotated[bool, typer.Option("--strict", help="警告也视为失败(退出码 1)。")] = False,
    root: Root = None,
) -> None:
    """检查计划文件:语法、键名、类型、编号、引用、日期与目标值,每个问题给出代码、行号、列号与改法。

    PATHS:计划文件或目录(目录即其中所有 *.toml);不写则检查工作区的 targets/。

    退出码:0 没有问题;1 有错误(--strict 时警告也算);2 无法运行。

    示例:

        mubiao check                      # 检查 targets/ 下所有计划

        mubiao check targets/jinhua-2021.toml --strict

        mubiao check --format github      # 在 CI 中生成行内注释
    """
    targets = paths or [workspace_root(root) / "targets"]
    result = check_paths(targets)
    console.emit(RENDERERS[output_format](result))
    failed = result.errors or (strict and result.warnings)
    raise typer.Exit(ExitCode.FINDINGS if failed else ExitCode.OK)
