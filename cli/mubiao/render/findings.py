"""Renderers of check results: text (the terminal), json, and github (workflow annotations)."""

from __future__ import annotations

from collections import Counter
from itertools import groupby
from typing import Callable

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from mubiao.checks.findings import RULES, CheckResult, Finding, Severity
from mubiao.console import one_line
from mubiao.formats import FindingsFormat
from mubiao.render.terminal import Wrapped


_SEVERITY_LABEL = {Severity.ERROR: ("错误", "bold red"), Severity.WARNING: ("警告", "yellow")}


#: Above this many findings the text output is plain lines, counted by code first: a terminal grid lays out each
#: finding in half a millisecond, and nobody reads ten thousand of them one by one.
GRID_FINDINGS = 500


def render_text(result: CheckResult) -> Group | str:
    """Findings grouped by file (`line:column  severity  code  message`), then a one-line summary.

    Each file's findings are a borderless grid, so a long message wraps under itself in a terminal; a long list
    (over GRID_FINDINGS) is plain lines instead, after a count of the findings of each code."""
    if len(result.findings) > GRID_FINDINGS:
        return _lines(result)
    parts: list[RenderableType] = []
    for file, findings in groupby(result.findings, key=lambda f: f.file):
        parts.append(Text(one_line(file), style="bold underline"))
        grid = Table.grid(padding=(0, 2), pad_edge=True)
        grid.add_column(no_wrap=True, min_width=6)
        grid.add_column(no_wrap=True)
        grid.add_column(no_wrap=True, style="cyan")
        grid.add_column()
        for finding in findings:
            label, style = _SEVERITY_LABEL[finding.severity]
            grid.add_row(_where(finding), Text(label, style=style), finding.code, Wrapped(one_line(finding.message)))
        parts.append(Padding(grid, (0, 0, 1, 2), expand=False))
    parts.append(_summary(result))
    return Group(*parts)


def _lines(result: CheckResult) -> str:
    counts = Counter(f.code for f in result.findings)
    lines = ["按代码统计:"]
    for code, count in sorted(counts.items(), key=lambda item: (RULES[item[0]].severity is not Severity.ERROR,
                                                                  -item[1], item[0])):
        rule = RULES[code]
        lines.append(f"  {code}  {_SEVERITY_LABEL[rule.severity][0]}  {count:,} 处  {rule.summary}")
    for file, findings in groupby(result.findings, key=lambda f: f.file):
        lines += ["", one_line(file)]
        lines += [f"  {_where(f)}  {_SEVERITY_LABEL[f.severity][0]}  {f.code}  {one_line(f.message)}"
                  for f in findings]
    return "\n".join([*lines, "", _summary(result).plain, ""])


def _where(finding: Finding) -> str:
    return f"{finding.line or '-'}:{finding.column or '-'}"


def _summary(result: CheckResult) -> Text:
    files = f"检查了 {len(result.files)} 个文件"
    others = (f";另有 {result.others} 个不在 data/ 下的表格未检查(多为 mubiao 写出的报告)"
              if result.others else "")
    if not result.findings:
        return Text.assemble(("✓ ", "bold green"), f"{files},没有发现问题{others}")
    return Text.assemble(
        ("✗ " if result.errors else "! ", "bold red" if result.errors else "bold yellow"),
        (f"{result.errors} 个错误", "red" if result.errors else ""),
        ",",
        (f"{result.warnings} 个警告", "yellow" if result.warnings else ""),
        f"({files}{others})",
    )


def render_json(result: CheckResult) -> str:
    """A JSON list of findings: code, severity, message, file, line, column."""
    import orjson

    return orjson.dumps([f.as_dict() for f in result.findings], option=orjson.OPT_INDENT_2).decode() + "\n"


def render_github(result: CheckResult) -> str:
    """GitHub Actions workflow commands (`::error file=…,line=…,col=…,title=…::message`), one per finding."""
    lines = []
    for f in result.findings:
        props = [f"file={_escape_property(f.file)}"]
        if f.line is not None:
            props.append(f"line={f.line}")
        if f.column is not None:
            props.append(f"col={f.column}")
        props.append(f"title={_escape_property(f'{f.code} {f.rule.name}')}")
        lines.append(f"::{f.severity.value} {','.join(props)}::{_escape_data(f.message)}\n")
    return "".join(lines)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


RENDERERS: dict[FindingsFormat, Callable[[CheckResult], str | RenderableType]] = {
    FindingsFormat.TEXT: render_text,
    FindingsFormat.JSON: render_json,
    FindingsFormat.GITHUB: render_github,
}
