"""`mubiao intake`: file the returns staff received, under any names, into `data/<plan>/<YYYY-MM>/`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from mubiao.commands.options import PlanOption, Root, workspace_root
from mubiao.errors import ExitCode


def intake(
    paths: Annotated[list[Path], typer.Argument(help="收到的文件或文件夹(可多个)。", show_default=False)],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只显示会怎样归档,不写入任何文件。")] = False,
    replace: Annotated[bool, typer.Option("--replace", help="同一单位同一月份已有内容不同的文件时替换它(旧文件移到 .history/)。")] = False,
    received: Annotated[str | None, typer.Option("--received", metavar="DATE", help="收到时间(如 2022-04-03 或 "
                                                "\"2022-04-03 16:20\"),补录以前收到的文件时用;默认为现在。",
                                                show_default=False)] = None,
    plan: PlanOption = None,
    root: Root = None,
) -> None:
    """收件归档:把邮件、微信等收到的报表(任意文件名,如“罗店镇3月报表(1).xlsx”“附件2.xls”)按内容认出
    填报单位和月份,检查后复制到 data/<计划编号>/<YYYY-MM>/<单位编号>.<扩展名>。原文件不改动、不移动。

    归档的文件记下收到时间(data/<计划编号>/.received.csv;补录用 --received),计划写了 due_day(每月报送
    截止日)时,通报据此计算按时报送率。

    结果:已归档、已替换(旧文件移到 data/<计划编号>/.history/)、已在(内容相同)、已有不同文件(加 --replace
    替换)、退回(有错误:给出可转给填报单位的说明)、认不出(找不到单位或月份)。再次运行不会重复归档。

    退出码:0 全部归档或已在;1 有文件退回、认不出或已有不同文件;2 无法运行。

    示例:

        mubiao intake ~/下载/3月报表/ --plan wucheng-2022 --dry-run

        mubiao intake 罗店镇3月报表(1).xlsx 附件2.xls --plan wucheng-2022
    """
    from rich.table import Table
    from rich.text import Text

    from mubiao import console
    from mubiao.intake import Outcome, intake as file_all
    from mubiao.workspace import open_plan

    workspace = workspace_root(root)
    the_plan = open_plan(workspace, plan)
    missing = [path for path in paths if not path.exists()]
    if missing:
        from mubiao.errors import WorkspaceError

        raise WorkspaceError("路径不存在", file=missing[0])
    when = None
    if received is not None:
        import datetime as dt

        try:
            when = dt.datetime.fromisoformat(received.strip())
        except ValueError:
            raise typer.BadParameter(f"“{received}” 不是日期,应写作 2022-04-03 或 \"2022-04-03 16:20\"",
                                     param_hint="--received") from None
    results = file_all(the_plan, workspace, paths, dry_run=dry_run, replace=replace, received=when)
    words = {Outcome.FILED: ("已归档", "green"), Outcome.REPLACED: ("已替换", "green"),
             Outcome.UNCHANGED: ("已在", "dim"), Outcome.DIFFERENT: ("已有不同文件", "yellow"),
             Outcome.REFUSED: ("退回", "red"), Outcome.UNKNOWN: ("认不出", "red")}
    table = Table(box=None, padding=(0, 1, 0, 0), pad_edge=False, header_style="bold")
    for heading in ("收到的文件", "结果", "单位", "月份", "归档为 / 说明"):
        table.add_column(heading, overflow="fold")
    for result in results:
        word, style = words[result.outcome]
        name = the_plan.area_name(result.area) if result.area not in (None, "city") else (
            the_plan.levels.own if result.area == "city" else "")
        said = str(result.target) if result.outcome in (Outcome.FILED, Outcome.REPLACED, Outcome.UNCHANGED) else ""
        detail = " ".join(part for part in (said, result.message) if part)
        table.add_row(console.one_line(str(result.source)), Text(word, style=style), name, result.period or "",
                      console.one_line(detail))
    counts = {outcome: sum(r.outcome is outcome for r in results) for outcome in Outcome}
    title = "试运行,未写入任何文件:" if dry_run else ""
    console.emit(table)
    summary = "、".join(f"{words[o][0]} {n}" for o, n in counts.items() if n) or "没有找到报表文件"
    console.emit(f"{title}{summary}\n")
    failed = counts[Outcome.REFUSED] + counts[Outcome.UNKNOWN] + counts[Outcome.DIFFERENT]
    raise typer.Exit(ExitCode.FINDINGS if failed else ExitCode.OK)
