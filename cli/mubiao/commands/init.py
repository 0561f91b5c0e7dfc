"""`mubiao init`: a new workspace, blank or with the sample plan and its data."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from mubiao.formats import Level


def init(
    directory: Annotated[
        Path, typer.Argument(help="工作区目录;不存在则新建。", file_okay=False, show_default="当前目录")
    ] = Path("."),
    example: Annotated[
        bool,
        typer.Option("--example", help="放入示例工作区(金华市2021年工作要点及全年各县数据),每个命令都能直接试用。"),
    ] = False,
    level: Annotated[
        Level,
        typer.Option("--level", help="本单位的层级,决定模板中的称谓:city 市民政局(各县(市、区)报送)、"
                                     "district 区民政局、county 县民政局(各乡镇(街道)报送)、province 省民政厅(各市报送)。"),
    ] = Level.CITY,
) -> None:
    """新建工作区:targets/ 中放一份带注释的计划模板和计划格式的 JSON Schema,data/ 和 reports/ 各有一份说明,
    .gitignore 忽略 mubiao 的读取缓存 .mubiao-cache/。

    --example 则放入示例计划 jinhua-2021 和它全年的各县进度文件(数据为虚构),不放模板。
    不覆盖任何已有文件:要写的文件中有一个已存在,就一个也不写(退出码 2)。

    示例:

    \b
        mubiao init 民政工作要点          # 新建工作区,再按注释编辑 targets/ 中的计划模板
        mubiao init 婺城区 --level district   # 区民政局的模板:全区、乡镇(街道)、区本级
        mubiao init demo --example       # 示例工作区,然后:
        cd demo && mubiao check && mubiao gaps && mubiao report && mubiao summary
    """
    from mubiao import console
    from mubiao.workspace_init import init_workspace

    made = init_workspace(directory, example=example, level=level.value)
    plan = made.plan.relative_to(made.root).as_posix()
    console.emit(f"已在 {made.root.as_posix().rstrip('/')}/ 写入 {len(made.files)} 个文件:{plan}、"
                 "targets/plan.schema.json、data/、reports/、.gitignore\n")
    if example:
        console.emit("下一步:mubiao check、mubiao gaps、mubiao report、mubiao summary(在该目录中运行,或加 --root)\n")
    else:
        console.emit(f"下一步:按注释把 {plan} 改成本单位的计划,然后运行 mubiao check\n")
