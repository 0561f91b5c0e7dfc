"""`mubiao form`: the monthly fill-in forms for the counties."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from mubiao.commands.options import PlanOption, Root, workspace_root
from mubiao.formats import FormFormat


def form(
    period: Annotated[str, typer.Option("--period", help="填报月份,YYYY-MM。", show_default=False)],
    counties: Annotated[
        Optional[list[str]],
        typer.Option("--county", "-c", help="只为这些报送单位生成(县、镇街等,编号或名称,可重复;city 为本级:市本级、区本级)。", show_default=False),
    ] = None,
    output_format: Annotated[
        FormFormat, typer.Option("--format", "-f", help="xlsx(锁定参考列、校验数字)或 csv(UTF-8 带 BOM)。")
    ] = FormFormat.XLSX,
    output: Annotated[
        Optional[Path],
        typer.Option("--output", "-o", help="输出目录;默认 reports/<计划编号>/forms/<月份>/。", file_okay=False,
                     show_default=False),
    ] = None,
    plan: PlanOption = None,
    root: Root = None,
) -> None:
    """为各县生成某月的进度填报表:每县一个文件,列出该县报送的每个指标。

    参考列(指标编号、名称、单位、本县目标、上次填报值)之后是待填的 完成值、分子、分母、完成日期、备注。
    表头就是 mubiao 读取的列名:县里填好、用 Excel 保存后,放进 data/<计划编号>/<月份>/ 即可读取,不必改表头。
    文件以县编号命名(如 wucheng.xlsx),市本级为 city。

    示例:

    \b
        mubiao form --plan jinhua-2021 --period 2021-06
        mubiao form --plan jinhua-2021 --period 2021-07 --county wucheng --format csv -o 发县/
    """
    # imported here, not at the top: `mubiao --help` and `mubiao check` should not pay for forms and workbooks
    from mubiao import console
    from mubiao.forms import build_forms, check_period, form_counties
    from mubiao.io import file_in, write_atomic
    from mubiao.readers.progress import read_progress
    from mubiao.render.forms import RENDERERS, render_written
    from mubiao.workspace import open_plan, output_path, reports_folder

    workspace = workspace_root(root)
    given = output_path(workspace, output) if output else None  # refused before anything is read or written
    the_plan = open_plan(workspace, plan)
    month = check_period(the_plan, period)
    chosen = form_counties(the_plan, counties)
    folder = given or reports_folder(workspace, the_plan, "forms", month)
    with read_progress(the_plan, workspace) as progress:
        forms = build_forms(the_plan, progress.records, month, chosen)
        errors = len(progress.errors)
    written = [
        write_atomic(file_in(folder, f"{each.county.id}.{output_format.value}"), RENDERERS[output_format](each))
        for each in forms
    ]
    console.emit(render_written(forms, written, errors))
