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
