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
    issue: Annotated[
        Optional[int],
        typer.Option("--issue", help="通报期号(第N期);默认按计划的 first_issue 逐月计算,计划未写则不编号。", min=1,
                     show_default=False),
    ] = None,
    duban: Annotated[
        bool,
        typer.Option("--duban", help="同时为每个有滞后或未完成事项的处室和县写一份督办单(Word 和 Markdown,编号),"
                                     "写到输出目录的 督办单/ 下。"),
    ] = False,
    as_of: AsOfOption = None,
    since: SinceOption = None,
    strict: StrictOption = False,
    plan: PlanOption = None,
    root: Root = None,
) -> None:
    """月度通报:一次写出 report.html(可打印、可转发,无需联网)、report.md、gaps.xlsx 和 gaps.json。

    内容:总体情况(需重点关注的事项,与上月相比的变化,或 --since 指定的月份)、滞后与未完成指标(含责任处室、各县数字和说明)、
    各县完成情况与排名、分处室情况、报送情况、下一步要求(按处室和按县,还差多少、何时到期)和全部指标明细。--duban
    另为每个处室和县写一份督办单。同样的输入写出同样的文件;不会写进 targets/ 或 data/。

    示例:

        mubiao report --plan jinhua-2021        # 截至最新月份,写到 reports/ 下

        mubiao report --plan jinhua-2021 --as-of 2021-06 -o 通报/6月

        mubiao report --plan jinhua-2021 --issue 12 --duban   # 第12期,并写出督办单
    """
    from functools import partial

    from mubiao import console
    from mubiao.io import locked, write_all_atomic
    from mubiao.render.report import REPORT_FILES
    from mubiao.workspace import open_report, output_path, reports_folder

    workspace = workspace_root(root)
    if output is not None:
        if str(output) == "-":  # (the other commands' stdout): a report is a folder of files
            from mubiao.errors import WorkspaceError

            raise WorkspaceError("mubiao report 写出的是一个文件夹(四个文件),不能输出到标准输出(-o -)",
                                 hint="用 -o <文件夹>,或不加 -o 写到 reports/ 下;只要文字版可用 mubiao gaps --format md")
        output_path(workspace, output)  # refused before any work
    result = open_report(workspace, plan, as_of, reading=partial(console.progress, "读取进度文件"), area=area,
                         strict=strict, since="previous" if since in (None, "上月", "previous") else since,
                         issue=issue)
    folder = output_path(workspace, output if output is not None else
                         reports_folder(workspace, result.plan, result.gaps.period) / (result.gaps.area or ""))
    with console.progress("生成月度通报", len(REPORT_FILES), min_items=1) as advance:
        files = {}
        for name, render in REPORT_FILES.items():
            files[name] = render(result)
            advance()
    notices = {}
    if duban:
        from mubiao.render.duban import notice_files

        notices = notice_files(result)
    with locked(folder):  # another report into this folder waits: the four files are always one run's
        write_all_atomic({folder / name: data for name, data in (files | notices).items()})  # all, or none
        if duban:  # an earlier run's notices that this one did not write again (a month with fewer) go
            from mubiao.render.duban import FOLDER

            for old in sorted((folder / FOLDER).glob(f"{FOLDER}-*")):
                if old.suffix in (".md", ".docx") and f"{FOLDER}/{old.name}" not in notices:
                    old.unlink()
    console.emit(f"已写入 {folder}/:{'、'.join(REPORT_FILES)}\n")
    if duban:
        if notices:
            console.emit(f"督办单 {len(notices) // 2} 份(Word 和 Markdown)写入 {folder}/督办单/\n")
        elif result.plan.language == "en":
            console.emit("督办单是中文公文格式,英文计划不写督办单(下一步要求见 report.md)\n")
        else:
            console.emit("本月没有需要督办的事项,未写督办单\n")
    problems = console.read_problems(result.gaps.problems)  # (五、报送情况 lists them too)
    raise typer.Exit(ExitCode.FINDINGS if problems or result.gaps.fails(fail_on) else ExitCode.OK)
