"""Validation rules across indicators (`[[rules]]`, docs/plan-format.md "Validation rules"), after DHIS2's: a
comparison of two expressions over the figures one area reported for one month, such as
`{G02-dibao-hu} <= {G02-dibao-ren}` or `{G03-shezu-part} <= {G03-shezu}`.

An expression is numbers, references and `+ - * /` with brackets. A reference `{id}` is an indicator's figure as
read (a ratio's rate); `{id.numerator}` and `{id.denominator}` are a ratio's parts. A rule is parsed with
Python's own parser and evaluated by walking the tree, never by `eval`: nothing but arithmetic can run.
"""

from __future__ import annotations

import ast
import operator
import re
from dataclasses import dataclass
from typing import Callable, Mapping

#: The comparisons a rule may make, longest first (so that `<=` is not read as `<`).
COMPARISONS: dict[str, Callable[[float, float], bool]] = {
    "<=": operator.le, ">=": operator.ge, "==": operator.eq, "!=": operator.ne, "<": operator.lt, ">": operator.gt,
}
#: A reference: an indicator id, with a ratio's part after a dot.
REFERENCE = re.compile(r"\{\s*([A-Za-z0-9][A-Za-z0-9._-]*?)(?:\.(numerator|denominator))?\s*\}")
FIELDS = ("value", "numerator", "denominator")
_COMPARISON = re.compile("|".join(re.escape(op) for op in COMPARISONS))
#: The longest rule text: far beyond any real rule, short enough that evaluating it never recurses too deep.
MAX_RULE = 1000

_BINARY = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}


class RuleError(ValueError):
    """A rule that cannot be read: what is wrong, in words."""


@dataclass(frozen=True)
class Reference:
    indicator: str
    field: str
    """`value` (the figure), `numerator` or `denominator`."""

    @property
    def text(self) -> str:
        return f"{self.indicator}" if self.field == "value" else f"{self.indicator}.{self.field}"


@dataclass(frozen=True)
class Comparison:
    """A parsed rule: two expressions and the comparison between them."""

    text: str
    left: str
    comparison: str
    right: str
    references: tuple[Reference, ...]
    _left: ast.expr
    _right: ast.expr

    def sides(self, figures: Mapping[Reference, float]) -> tuple[float, float] | None:
        """The two sides' values for these figures (None: a side divides by zero)."""
        try:
            return _value(self._left, self.references, figures), _value(self._right, self.references, figures)
        except ZeroDivisionError:
            return None

    def holds(self, left: float, right: float, tolerance: float) -> bool:
        """Whether the comparison holds, equal within `tolerance` counting as equal."""
        if abs(left - right) <= tolerance:
            return self.comparison in ("<=", ">=", "==")
        return COMPARISONS[self.comparison](left, right)


def parse_rule(text: str) -> Comparison:
    """A rule's text, `{a} <= {b} / 3`, as a Comparison (RuleError when it is not one)."""
    if len(text) > MAX_RULE:  # (a rule is a line; a longer one would only be a way to make the walk recurse deep)
        raise RuleError(f"规则太长(最多 {MAX_RULE} 个字符);请拆成几条规则")
    chosen = list(_COMPARISON.finditer(text))
    if len(chosen) != 1:
        raise RuleError("规则应是一个比较,如 {甲} <= {乙}(比较符号:<=、>=、==、!=、<、>)" if not chosen else
                        "规则只能有一个比较符号;两个条件请写成两条规则")
    start, end, comparison = chosen[0].start(), chosen[0].end(), chosen[0].group()
    left, right = text[:start].strip(), text[end:].strip()
    references: list[Reference] = []
    trees = [_expression(side, references) for side in (left, right)]
    return Comparison(text, left, comparison, right, tuple(references), trees[0], trees[1])


def _expression(side: str, references: list[Reference]) -> ast.expr:
    if not side:
        raise RuleError("比较符号两边都要有算式")

    def name(match: re.Match) -> str:
        reference = Reference(match.group(1), match.group(2) or "value")
        if reference not in references:
            references.append(reference)
        return f" r{references.index(reference)} "

    source = REFERENCE.sub(name, side)
    if "{" in source or "}" in source:
        raise RuleError(f"“{side}”中的引用写法不对;指标写成 {{指标编号}},比率的分子分母写成 {{指标编号.numerator}}")
    try:
        tree = ast.parse(source.strip(), mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError):  # (ValueError: a NUL byte)
        raise RuleError(f"“{side}”不是算式:只能有数字、{{指标编号}}、+ - * / 和括号") from None
    for node in ast.walk(tree):
        allowed = (ast.BinOp, ast.UnaryOp, ast.Constant, ast.Name, ast.Load, ast.USub, ast.UAdd, *_BINARY)
        if not isinstance(node, allowed) or (isinstance(node, ast.Constant) and not _is_number(node.value)) or (
                isinstance(node, ast.Name) and not re.fullmatch(r"r\d+", node.id)):
            raise RuleError(f"“{side}”不是算式:只能有数字、{{指标编号}}、+ - * / 和括号")
    return tree


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _value(node: ast.expr, references: tuple[Reference, ...], figures: Mapping[Reference, float]) -> float:
    if isinstance(node, ast.Constant):
        return float(node.value)
    if isinstance(node, ast.Name):
        return figures[references[int(node.id[1:])]]
    if isinstance(node, ast.UnaryOp):
        inner = _value(node.operand, references, figures)
        return -inner if isinstance(node.op, ast.USub) else inner
    assert isinstance(node, ast.BinOp)
    return _BINARY[type(node.op)](_value(node.left, references, figures), _value(node.right, references, figures))
