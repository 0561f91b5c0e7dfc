"""`mubiao show`: one indicator across counties and months."""

from __future__ import annotations

from typing import Annotated

import typer

from mubiao.commands.options import AsOfOption, PlanOption, Root, StrictOption, workspace_root
from mubiao.errors import ExitCode


def show(
    indicator: Annotated[str, typer.Argument(help="指标编号(如 G03-zhongxin)或指标名称。", show_default=False)],
    notes: Annotated[int, typer.Option("--notes", help="显示最新的几条填报说明;0 为全部。")] = 12,
    as_of: AsOfOption = None,
    strict: StrictOption = False,
    plan: PlanOption = None,
    root: Root = None,
) -> None:
    """一个指标在各县、各月的情况:每县一条走势线(每月一格)、全市数与序时目标、状态和背后的数字,
    以及各县写的填报说明(新的在前)。

    示例:

        mubiao show G03-zhongxin --plan jinhua-2021

        mubiao show 困难老年人家庭适老化改造 --plan jinhua-2021 --as-of 2021-06 --notes 0
    """
    from functools import partial

    from mubiao import console
    from mubiao.render.show import HistoryView
    from mubiao.workspace import open_history

    history = open_history(workspace_root(root), indicator, plan, as_of,
                           reading=partial(console.progress, "读取进度文件"), strict=strict)
    console.emit(HistoryView(history, notes=notes))
    if console.read_problems(history.gaps.problems):
        raise typer.Exit(ExitCode.FINDINGS)
