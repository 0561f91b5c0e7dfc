"""Validation rules across indicators (issue 21 part 5): `[[rules]]`, checked on each area's month, by hand."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mubiao.rules import Reference, RuleError, parse_rule

REPO = Path(__file__).resolve().parents[2]


def sides(text: str, **figures: float) -> tuple[float, float] | None:
    rule = parse_rule(text)
    return rule.sides({Reference(*key.split("__")) if "__" in key else Reference(key, "value"): value
                       for key, value in figures.items()})


def test_an_expression_is_worked_out_with_its_references():
    assert sides("{hu} >= {ren} / 3", hu=100, ren=330) == (100.0, 110.0)
    assert sides("({a} + {b}) * 2 <= 100 - -{c}", a=1, b=2, c=3) == (6.0, 103.0)
    assert sides("{r.numerator} <= {r.denominator}", r__numerator=5, r__denominator=4) == (5.0, 4.0)


def test_a_side_that_divides_by_zero_is_not_checked():
    assert sides("{a} <= {b} / {c}", a=1, b=2, c=0) is None


@pytest.mark.parametrize("text, left, right, holds", [
    ("{a} <= {b}", 3, 3, True), ("{a} <= {b}", 3 + 1e-12, 3, True),  # equal within the tolerance is equal
    ("{a} <= {b}", 3.001, 3, False), ("{a} < {b}", 3, 3, False), ("{a} == {b}", 16, 18, False),
    ("{a} != {b}", 16, 16, False), ("{a} >= {b}", 2, 3, False), ("{a} > {b}", 4, 3, True)])
def test_the_comparison_at_its_boundaries(text, left, right, holds):
    from mubiao.numbers import TOLERANCE

    assert parse_rule(text).holds(left, right, TOLERANCE) is holds


@pytest.mark.parametrize("text, words", [
    ("{a} {b}", "规则应是一个比较"), ("{a} < {b} < {c}", "只能有一个比较符号"), ("<= {b}", "两边都要有算式"),
    ("{a} <= __import__('os')", "不是算式"), ("{a} <= 2 ** 8", "不是算式"), ("{a} <= {b", "引用写法不对"),
    ("{a} <= 'x'", "不是算式")])
def test_anything_but_one_comparison_of_arithmetic_is_refused(text, words):
    with pytest.raises(RuleError, match=words):
        parse_rule(text)


def test_the_sample_keeps_its_rule_and_a_county_that_breaks_it_is_told_where(tmp_path):
    """The city sample's R01: 武义县 writes 20 乡镇 under G08-anzangdian's 分母 in June, 18 under G07-fugai's."""
    from mubiao.checks.progress import check_progress_files

    for folder in ("targets", "data/jinhua-2021"):
        shutil.copytree(REPO / folder, tmp_path / folder)
    june = tmp_path / "data/jinhua-2021/2021-06/wuyi.csv"
    assert not [f for f in check_progress_files([june]) if f.code == "D207"]
    text = june.read_text(encoding="utf-8-sig")
    june.write_text(text.replace("填分子、分母,,12,18,,", "填分子、分母,,12,20,,"), encoding="utf-8-sig")
    found = [f for f in check_progress_files([june]) if f.code == "D207"]
    assert [(f.line, f.column) for f in found] == [(27, 11)]  # the 分母 cell of G08-anzangdian: K27
    assert "{G08-anzangdian.denominator} = 20,应等于 {G07-fugai.denominator} = 18" in found[0].message
    assert "G07-fugai.denominator 在本文件 K23" in found[0].message


def test_a_month_without_every_figure_is_not_checked(tmp_path):
    from mubiao.checks.progress import check_progress_files

    for folder in ("targets", "data/jinhua-2021"):
        shutil.copytree(REPO / folder, tmp_path / folder)
    june = tmp_path / "data/jinhua-2021/2021-06/wuyi.csv"
    text = june.read_text(encoding="utf-8-sig")
    lines = [line for line in text.splitlines(keepends=True) if "G07-fugai" not in line]
    june.write_text("".join(lines).replace("填分子、分母,,12,18,,", "填分子、分母,,12,20,,"), encoding="utf-8-sig")
    assert not [f for f in check_progress_files([june]) if f.code == "D207"]


PLAN = (REPO / "tests/fixtures/plans/invalid/p225-rule-names-an-unknown-indicator.toml").read_text(encoding="utf-8")


@pytest.mark.parametrize("rule, words", [
    ("{G02-dibao-hu} <= {G02-dibao-ren}", None),
    ("{G02-dibao-hu.numerator} <= {G02-dibao-ren}", "只对 ratio 指标有意义"),
    ("{G02-done} <= {G02-dibao-ren}", "是 milestone"),
    ("{G02-own} <= {G02-dibao-ren}", "没有一个地区同时报送"),
    ("{G02-task} <= 1", "是督办事项"),
    ("{G02-dibao-hu} <= {G02-dibaoren}", "是否应为 \"G02-dibao-ren\""),
])
def test_a_rule_the_plan_cannot_check_is_p225(rule, words, tmp_path):
    from mubiao.checks.plan import check_plan_file

    head = PLAN[:PLAN.index("[[rules]]")].replace("p225-rule-names-an-unknown-indicator", "p225")
    extra = ('\n  [[goals.indicators]]\n  id = "G02-done"\n  name = "某项工作"\n  kind = "milestone"\n'
             '\n  [[goals.indicators]]\n  id = "G02-own"\n  name = "市本级数"\n  kind = "count"\n  unit = "个"\n'
             '  target = 1\n  scope = "city"\n\n  [[goals.tasks]]\n  id = "G02-task"\n  name = "某事项"\n')
    path = tmp_path / "p225.toml"
    path.write_text(head + extra + f'\n[[rules]]\nid = "R01"\nname = "某规则"\nrule = "{rule}"\n', encoding="utf-8")
    found = [f.message for f in check_plan_file(path) if f.code == "P225"]
    assert (found == []) if words is None else (len(found) == 1 and words in found[0]), found


@pytest.mark.parametrize("text", ["{a} <= \x00", "{a} <= " + "(" * 300 + "1" + ")" * 300, "{a} <= " + "1+" * 600 + "1"])
def test_a_rule_no_one_would_write_is_refused_not_a_crash(text):
    with pytest.raises(RuleError):
        parse_rule(text)
