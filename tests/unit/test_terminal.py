from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console

from mubiao.checks.findings import CheckResult, Finding, Severity
from mubiao.render.findings import render_text
from mubiao.render.terminal import wrap

_TEXT = st.text(alphabet="指标目标值应为数字,。;:()《》 abc-_`\"[]0123456789", max_size=120)


@given(_TEXT, st.integers(min_value=4, max_value=60))
def test_wrapped_lines_fit_and_lose_nothing(text, width):
    lines = wrap(text, width)
    assert all(cell_len(line) <= width for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")


_CLAUSES = st.lists(
    st.tuples(st.sampled_from("指标目标值应为数字县区"), st.sampled_from(["", ",", "。", ";", ")", "》"])),
    max_size=60,
).map(lambda pairs: "".join(char + mark for char, mark in pairs))


@given(_CLAUSES, st.integers(min_value=4, max_value=60))
def test_closing_punctuation_never_starts_a_line(text, width):
    assert not [line for line in wrap(text, width) if line[:1] in set(",。;)》")]


def test_wraps_between_chinese_characters():
    assert wrap("指标目标值应为数字", 8) == ["指标目标", "值应为数", "字"]


def test_markup_like_text_is_shown_as_written():
    finding = Finding("plan.toml", 3, 1, "P101", Severity.ERROR, "[plan] 有未知的键 `x`;请在 [[counties]] 中声明")
    console = Console(width=60, record=True, color_system=None)
    console.print(render_text(CheckResult(files=("plan.toml",), findings=(finding,))))
    shown = console.export_text()
    assert "[plan]" in shown and "[[counties]]" in shown


def test_a_long_list_of_findings_is_counted_by_code_then_printed_as_plain_lines():
    from mubiao.checks.findings import RULES, Finding, Severity
    from mubiao.render.findings import GRID_FINDINGS

    findings = tuple(Finding(f"data/p/2021-{month:02d}/a.csv", row, 4, "D203", Severity.WARNING, f"D{row}:累计数 3 比 …")
                     for month in (5, 6) for row in range(2, GRID_FINDINGS // 2 + 10))
    findings += (Finding("data/p/2021-06/b.csv", 3, 2, "D110", Severity.ERROR, "B3:计划中没有指标“x”"),)
    text = render_text(CheckResult(files=("data/p/2021-05/a.csv", "data/p/2021-06/a.csv", "data/p/2021-06/b.csv"),
                                   findings=findings))
    assert isinstance(text, str)
    lines = text.splitlines()
    assert lines[:3] == ["按代码统计:", f"  D110  错误  1 处  {RULES['D110'].summary}",
                         f"  D203  警告  {len(findings) - 1:,} 处  {RULES['D203'].summary}"]
    assert "  2:4  警告  D203  D2:累计数 3 比 …" in lines and "data/p/2021-06/b.csv" in lines
    assert lines[-1] == f"✗ 1 个错误,{len(findings) - 1} 个警告(检查了 3 个文件)"
