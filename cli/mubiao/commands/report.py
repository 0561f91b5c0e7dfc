"""`mubiao report`: the monthly report (月度通报) as the four files leadership and staff read."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from mubiao.commands.options import AsOfOption, PlanOption, Root, SinceOption, StrictOption, workspace_root
from mubiao.errors import ExitCode
from mubiao.models import Status


def report(
    output: Annotated[
        Optional[Path],
        typer.Option("--output", "-o", help="输出目录;默认 reports/<计划编号>/<YYYY-MM>/。", file_okay=False,
                     show_default=False),
    ] = None,
    fail_on: Annotated[
        Optional[Status],
        typer.Option("--fail-on", help="有指标处于此状态或更差时退出码为 1(报告照常写出)。", show_default=False),
    ] = None,
    area: Annotated[
        Optional[str],
        typer.Option("--area", "-a", help="省级等多级计划:只写这个区域(编号或名称)的通报,排名其下级。",
                     show_default=False),
    ] = None,
    as_of: AsOfOption = None,
    since: SinceOption = None,
    strict: StrictOption = False,
    plan: PlanOption = None,
    root: Root = None,
) -> None:
    """月度通报:一次写出 report.html(可打印、可转发,无需联网)、report.md、gaps.xlsx 和 gaps.json。

    内容:总体情况(与上月相比的变化,或 --since 指定的月份)、滞后与未完成指标(含责任处室、各县数字和说明)、各县完成情况与排名、分处室情况、
    报送情况和全部指标明细。同样的输入写出同样的文件;不会写进 targets/ 或 data/。

    示例:

        mubiao report --plan jinhua-2021        # 截至最新月份,写到 reports/ 下

        mubiao report --plan jinhua-2021 --as-of 2021-06 -o 通报/6月
    """
    from functools import partial

    from mubiao import console
    from mubiao.io import locked, write_all_atomic
    from mubiao.render.report import REPORT_FILES
    from mubiao.workspace import open_report, output_path, reports_folder

    workspace = workspace_root(root)
    if output is not None:
        output_path(workspace, output)  # refused before any work
    result = open_report(workspace, plan, as_of, reading=partial(console.progress, "读取进度文件"), area=area,
                         strict=strict, since="previous" if since in (None, "上月", "previous") else since)
    folder = output_path(workspace, output if output is not None else
                         reports_folder(workspace, result.plan, result.gaps.period) / (result.gaps.area or ""))
    with console.progress("生成月度通报", len(REPORT_FILES), min_items=1) as advance:
        files = {}
        for name, render in REPORT_FILES.items():
            files[name] = render(result)
            advance()
    with locked(folder):  # another report into this folder waits: the four files are always one run's
        write_all_atomic({folder / name: data for name, data in files.items()})  # all four, or none
    console.emit(f"已写入 {folder}/:{'、'.join(REPORT_FILES)}\n")
    problems = console.read_problems(result.gaps.problems)  # (五、报送情况 lists them too)
    raise typer.Exit(ExitCode.FINDINGS if problems or result.gaps.fails(fail_on) else ExitCode.OK)
