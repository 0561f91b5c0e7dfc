"""`mubiao schema`: the JSON Schema of the plan format."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from mubiao import console
from mubiao.io import write_atomic
from mubiao.schema import schema_json


def schema(
    output: Annotated[
        Optional[Path], typer.Option("--output", "-o", help="写入文件(原子写入),而不是打印。", show_default=False)
    ] = None,
) -> None:
    """打印计划文件的 JSON Schema(draft-07),供编辑器校验与补全。

    计划文件第一行写 `#:schema ./plan.schema.json` 即可在编辑器中使用。

    示例:

        mubiao schema -o targets/plan.schema.json
    """
    text = schema_json()
    if output is None:
        console.emit(text)
    else:
        console.emit(f"已写入 {write_atomic(output, text)}\n")
