"""`mubiao gaps`: where every target stands, county by county and for the city."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from mubiao.commands.options import AsOfOption, PlanOption, Root, SinceOption, StrictOption, workspace_root
from mubiao.errors import ExitCode
from mubiao.formats import GapsFormat, GapsView
from mubiao.models import Status


def gaps(
    counties: Annotated[
        Optional[list[str]],
        typer.Option("--county", "-c", help="只看这些地区(县、镇街等,编号或名称,可重复;city 为全域行:全市、全区)。", show_default=False),
    ] = None,
    area: Annotated[
        Optional[str],
        typer.Option("--area", "-a", help="只看这个区域及其下级(编号或名称;省级计划中的一个市):--by county 排名其下级。",
                     show_default=False),
    ] = None,
    owners: Annotated[
        Optional[list[str]], typer.Option("--owner", help="只看这些责任处室(编号或名称,可重复)。", show_default=False)
    ] = None,
    goals: Annotated[
        Optional[list[str]], typer.Option("--goal", "-g", help="只看这些任务(编号,可重复)。", show_default=False)
    ] = None,
    statuses: Annotated[
        Optional[list[Status]],
        typer.Option("--status", "-s", help="只看这些状态(可重复)。", show_default=False),
    ] = None,
    by: Annotated[
        GapsView, typer.Option("--by", help="indicator:逐个指标(默认);county:各报送单位(县、镇街,省级计划为各市)排名表。")
    ] = GapsView.INDICATOR,
    output_format: Annotated[
        GapsFormat, typer.Option("--format", "-f", help="table(终端)、json(docs/contract.md §5)、csv(UTF-8 带 BOM)、md。")
    ] = GapsFormat.TABLE,
    output: Annotated[
        Optional[Path],
        typer.Option("--output", "-o", help="写入文件而不是显示在终端。", dir_okay=False, show_default=False),
    ] = None,
    fail_on: Annotated[
        Optional[Status],
        typer.Option("--fail-on", help="有行处于此状态或更差时退出码为 1(由差到好:missed、behind、at_risk、"
                                       "no_data、no_target、on_track、met)。", show_default=False),
    ] = None,
    as_of: AsOfOption = None,
    since: SinceOption = None,
    strict: StrictOption = False,
    plan: PlanOption = None,
    root: Root = None,
) -> None:
    """各项目标的完成情况:每个指标的全市数和各县数,对照目标与序时进度,给出状态和背后的数字。

    状态:已完成(met)、正常推进(on_track)、有风险(at_risk,落后序时进度)、滞后(behind,落后超过
    [plan.status] behind 个百分点)、未完成(missed,已过期限)、未报送(no_data)、无目标(no_target)。
    全市数按指标类型汇总:累计数相加,标准取最差的县,比例为 Σ分子/Σ分母,完成类为完成县的比例;
    有县未报送时,全市数是部分数据,标出 9/10。

    有文件出错时照常输出:出错的行(或整份读不了的文件)不计入,在最后列出,退出码 1;加 --strict 则遇错即停。

    退出码:0 完成;1 有文件出错,或指定了 --fail-on 且有行处于该状态或更差;2 无法运行。

    示例:

        mubiao gaps --plan jinhua-2021                          # 截至最新月份

        mubiao gaps --plan jinhua-2021 --as-of 2021-06 -s behind -s missed

        mubiao gaps --plan jinhua-2021 --by county              # 各县排名

        mubiao gaps --plan jinhua-2021 --as-of 2021-06 --since 上月  # 与上月比:新增滞后、环比、排名升降

        mubiao gaps --plan dongjiang-2024 --area 临江市 --by county  # 省级计划:一个市的各县排名

        mubiao gaps --plan jinhua-2021 --format json -o gaps.json

        mubiao gaps --plan jinhua-2021 --fail-on behind         # CI:有滞后或未完成即失败
    """
    from collections.abc import Iterator
    from functools import partial

    from mubiao import console
    from mubiao.io import write_atomic
    from mubiao.render.gaps import RENDERERS, SCOREBOARD_RENDERERS
    from mubiao.selection import area_options, choose, county_options, goal_options, owner_options
    from mubiao.workspace import open_gaps, output_path

    workspace = workspace_root(root)
    destination = output_path(workspace, output) if output is not None else None  # refused before any work
    result = open_gaps(workspace, plan, as_of, reading=partial(console.progress, "读取进度文件"), strict=strict,
                       since=None if since is None else "previous" if since in ("上月", "previous") else since)
    the_plan = result.plan
    if area is not None:
        result = result.within(choose("区域", [area], area_options(the_plan))[0])
    selected = result.select(
        counties=choose(the_plan.levels.unit, counties, county_options(the_plan)) if counties else None,
        owners=choose(f"责任{the_plan.levels.office}", owners, owner_options(the_plan)) if owners else None,
        goals=choose("任务", goals, goal_options(the_plan)) if goals else None,
        statuses=statuses or None,
    )
    renderers = SCOREBOARD_RENDERERS if by is GapsView.COUNTY else RENDERERS
    rendered = renderers[output_format](selected)
    if isinstance(rendered, Iterator) and output is None:
        rendered = b"".join(rendered)  # bytes in pieces (the JSON): written as they come, printed whole
    if output is not None:
        written = write_atomic(destination, rendered if isinstance(rendered, (str, bytes, Iterator))
                               else console.plain(rendered))
        console.emit(f"已写入 {written}\n")
    else:
        console.emit(rendered.decode("utf-8-sig") if isinstance(rendered, bytes) else rendered)
    problems = console.read_problems(result.problems)  # (the rows went on without the files' bad rows)
    raise typer.Exit(ExitCode.FINDINGS if problems or selected.fails(fail_on) else ExitCode.OK)
