"""`mubiao summary`: the first draft of the year-end summary (年度工作总结), for the city or a county."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from mubiao.commands.options import AsOfOption, PlanOption, Root, StrictOption, workspace_root
from mubiao.errors import ExitCode
from mubiao.formats import SummaryFormat


def summary(
    county: Annotated[
        Optional[str], typer.Option("--county", "-c", help="写该地区的总结(县、镇街等,编号或名称);默认写全域的(全市、全区)。",
                                    show_default=False),
    ] = None,
    all_counties: Annotated[
        bool, typer.Option("--all-counties", help="为每个报送单位(县、镇街)各写一份(-o 为目录)。"),
    ] = False,
    output_format: Annotated[
        SummaryFormat, typer.Option("--format", "-f", help="docx(Word,按党政机关公文格式)、md 或 html。"),
    ] = SummaryFormat.DOCX,
    output: Annotated[
        Optional[Path],
        typer.Option("--output", "-o", help="输出文件(--all-counties 时为目录;md/html 可用 - 显示在终端);默认 "
                                           "reports/<计划编号>/<YYYY-MM>/summary-<县编号或 city>.<格式>。",
                     show_default=False),
    ] = None,
    template: Annotated[
        Optional[Path],
        typer.Option("--template", help="自己的模板目录:句子模板 <语言>/*.j2 和字体 style.toml,"
                                        "缺的用内置的(见 docs/summary.md)。", file_okay=False, exists=True,
                     show_default=False),
    ] = None,
    trace: Annotated[
        bool, typer.Option("--trace", help="md/html:在每句后标出数字来自哪个指标,便于核对。"),
    ] = False,
    as_of: AsOfOption = None,
    strict: StrictOption = False,
    plan: PlanOption = None,
    root: Root = None,
) -> None:
    """年度工作总结初稿:一、年度工作总结(按任务分段,先写已完成的,数字、单位、目标、完成率和各地说明),
    二、存在的困难和不足(未完成的指标、责任处室和原因),三、下一年工作思路(未完成的目标逐条延续)。

    Word 稿按 GB/T 9704-2012 排版:A4,标题 2 号小标宋,正文 3 号仿宋,一级标题黑体,二级标题楷体,有页码。

    示例:

        mubiao summary --plan jinhua-2021 --as-of 2021-12        # 全市,Word

        mubiao summary --plan jinhua-2021 --county 婺城区 --format md --trace

        mubiao summary --plan jinhua-2021 --all-counties -o reports/总结/
    """
    from functools import partial

    from mubiao import console
    from mubiao.io import file_in, write_atomic
    from mubiao.render.summary import Templates, draft_summary, render_draft
    from mubiao.workspace import open_summaries, output_path, reports_folder

    if trace and output_format is SummaryFormat.DOCX:
        raise typer.BadParameter("--trace 只用于 --format md 或 html(Word 稿是给人改的正文)", param_hint="--trace")
    if all_counties and county is not None:
        raise typer.BadParameter("--county 和 --all-counties 只能选一个", param_hint="--all-counties")
    to_stdout = output is not None and str(output) == "-"
    if to_stdout and (output_format is SummaryFormat.DOCX or all_counties):
        raise typer.BadParameter("-o - (显示在终端)只用于单份 md 或 html", param_hint="-o")
    workspace = workspace_root(root)
    if output is not None and not to_stdout:
        output_path(workspace, output)  # refused before any work
    areas: list[str | None] | None = None if all_counties else [county]  # None: every county
    summaries = open_summaries(workspace, areas, plan, as_of, reading=partial(console.progress, "读取进度文件"),
                               strict=strict)
    written = []
    if not summaries:  # --all-counties on a plan that declares no county: nothing to write
        return
    the_plan = summaries[0].plan
    templates = Templates(the_plan.language, template, the_plan.levels)  # one plan: one set for every draft
    with console.progress("撰写总结初稿", len(summaries)) as advance:
        for result in summaries:
            name = f"summary-{result.county or 'city'}.{output_format.value}"
            if output is None:
                path = file_in(reports_folder(workspace, result.plan, result.gaps.period), name)
            else:
                path = file_in(output, name) if all_counties else output
            rendered = render_draft(draft_summary(result, templates), output_format, templates, trace)
            if to_stdout:
                console.emit(rendered)
                break
            written.append(write_atomic(output_path(workspace, path), rendered))
            advance()
    for path in written:
        console.emit(f"已写入 {path}\n")
    if console.read_problems(summaries[0].gaps.problems):
        raise typer.Exit(ExitCode.FINDINGS)
