"""Sentence templates in a bounded sandbox: what a plan's own `summary` template and the draft's templates may
do, so that a template can neither reach into Python nor take unbounded time or memory (docs/summary.md).

A sentence template fills in variables. It may use `{{ … }}`, `{% if %}`, comparisons, arithmetic on the
variables and a few filters that cannot make text longer than it was; it may not loop, define macros or
variables, include other templates or call functions. Arithmetic is checked as it is done: a power with a
large exponent, a string or list repeated beyond MAX_TEXT, a number beyond MAX_BITS bits, a division by zero
are errors, not hours of work or an internal error. What a template writes is cut off at MAX_OUTPUT characters.
`mubiao check` applies the same rules to a plan's template (P218), and also renders it once on sample values,
so that what `mubiao summary` would refuse fails CI first.
"""

from __future__ import annotations

import math
import operator
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

#: The longest text a `*` may make ("完成" * 5000), and the longest a whole sentence may be.
MAX_TEXT = 10_000
MAX_OUTPUT = 100_000
#: The largest integer arithmetic may make (about 1,200 digits; Python will not even print one of 4,300).
MAX_BITS = 4096

#: Filters that never make a text longer than their input and its arguments together.
SAFE_FILTERS = frozenset({
    "abs", "capitalize", "count", "d", "default", "first", "float", "int", "last", "length", "lower", "round",
    "string", "title", "trim", "truncate", "upper",
})

#: Statements a sentence has no use for, each a way to loop, recurse, or grow text without bound.
_REFUSED = {
    nodes.For: "循环 {% for %}", nodes.Macro: "宏 {% macro %}", nodes.CallBlock: "{% call %}",
    nodes.Assign: "赋值 {% set %}", nodes.AssignBlock: "赋值 {% set %}", nodes.With: "{% with %}",
    nodes.Include: "{% include %}", nodes.Import: "{% import %}", nodes.FromImport: "{% from … import %}",
    nodes.Extends: "{% extends %}", nodes.Block: "{% block %}", nodes.FilterBlock: "{% filter %}",
    nodes.Call: "函数调用", nodes.Getattr: None, nodes.Getitem: None,
}

_OPERATORS = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv, "//": operator.floordiv,
    "%": operator.mod, "**": operator.pow,
}


class SentenceSandbox(SandboxedEnvironment):
    """jinja2's sandbox (no `_private` attributes, no unsafe callables) with every arithmetic operator checked."""

    intercepted_binops = frozenset(_OPERATORS)
    intercepted_unops = frozenset({"-"})

    def call_binop(self, context: Any, op: str, left: Any, right: Any) -> Any:
        if op == "**" and _is_number(left) and _is_number(right) and _power_too_large(left, right):
            raise SecurityError(f"{left} ** {right} 太大")
        if op == "*" and _repeats_too_much(left, right):
            raise SecurityError(f"重复后超过 {MAX_TEXT} 个字符")
        if op == "%" and isinstance(left, str):
            raise SecurityError("不能用 % 格式化文字")
        try:
            result = _OPERATORS[op](left, right)
        except ZeroDivisionError:
            raise SecurityError(f"无法计算 {_shown(left)} {op} {_shown(right)}:除数为 0") from None
        except (ArithmeticError, TypeError, ValueError) as exc:
            raise SecurityError(f"无法计算 {_shown(left)} {op} {_shown(right)}:{exc}") from None
        return _bounded(result)

    def call_unop(self, context: Any, op: str, arg: Any) -> Any:
        try:
            return -arg
        except TypeError as exc:
            raise SecurityError(f"无法计算 -{_shown(arg)}:{exc}") from None


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _power_too_large(base: Any, exponent: Any) -> bool:
    if abs(exponent) > 64:
        return abs(base) not in (0, 1)
    if isinstance(base, int) and isinstance(exponent, int) and exponent > 0 and base not in (0, 1, -1):
        return exponent * math.log2(abs(base)) > MAX_BITS
    return False


def _repeats_too_much(left: Any, right: Any) -> bool:
    for sequence, times in ((left, right), (right, left)):
        if isinstance(sequence, str | list | tuple) and isinstance(times, int) and not isinstance(times, bool):
            return len(sequence) * max(times, 0) > MAX_TEXT
    return False


def _bounded(result: Any) -> Any:
    if isinstance(result, int) and not isinstance(result, bool) and result.bit_length() > MAX_BITS:
        raise SecurityError(f"结果超过 {MAX_BITS} 位二进制数")
    if isinstance(result, str | list | tuple) and len(result) > MAX_TEXT:
        raise SecurityError(f"结果超过 {MAX_TEXT} 个字符")
    return result


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 20 else text[:19] + "…"


def environment(loader: jinja2.BaseLoader | None = None) -> SentenceSandbox:
    """The sandbox sentence templates render in: plain text (each output format escapes its own), an unknown
    variable an error, only SAFE_FILTERS, and none of jinja2's global functions (range, lipsum, cycler…)."""
    sandbox = SentenceSandbox(loader=loader, autoescape=False, undefined=jinja2.StrictUndefined,
                              keep_trailing_newline=False)
    sandbox.filters = {name: sandbox.filters[name] for name in SAFE_FILTERS}
    sandbox.globals.clear()
    return sandbox


def refused_construct(template: nodes.Template) -> str | None:
    """What a parsed sentence template may not do, in words (the first such thing), or None."""
    for node in template.find_all(tuple(_REFUSED)):
        if isinstance(node, nodes.Getattr | nodes.Getitem):
            name = node.attr if isinstance(node, nodes.Getattr) else getattr(node.arg, "value", None)
            if isinstance(name, str) and name.startswith("_"):
                return f"以 _ 开头的属性({name})"
            continue
        return _REFUSED[type(node)]
    for node in template.find_all(nodes.Filter):
        if node.name not in SAFE_FILTERS:
            return f"过滤器 {node.name}(可用:{'、'.join(sorted(SAFE_FILTERS))})"
    return None


def render(template: jinja2.Template, values: dict[str, Any]) -> str:
    """The template's text for `values`, at most MAX_OUTPUT characters (SecurityError beyond). Any exception a
    template raises (a filter given the wrong type, say) is a jinja2.TemplateError: the template's fault."""
    pieces: list[str] = []
    size = 0
    try:
        for piece in template.generate(values):
            size += len(piece)
            if size > MAX_OUTPUT:
                raise SecurityError(f"模板写出的文字超过 {MAX_OUTPUT} 个字符")
            pieces.append(piece)
    except jinja2.TemplateError:
        raise
    except (ArithmeticError, TypeError, ValueError, LookupError, AttributeError, RecursionError) as exc:
        raise jinja2.TemplateRuntimeError(f"{type(exc).__name__}: {exc}") from None
    return "".join(pieces)


#: Values of the kinds a draft gives its sentence variables (render/summary.py `_values`), for `check`'s dry run.
SAMPLE_VALUES: dict[str, Any] = {
    "id": "G01-dibao", "name": "城乡低保标准", "kind": "level", "direction": "increase", "unit": "元/年",
    "status": "met", "status_word": "已完成", "area": "全市", "city": True, "actual": "22,524", "target": "21,000",
    "baseline": "20,000", "remaining": "0", "remaining_unit": "元/年", "rate": "100%", "expected": "21,000",
    "deadline": "2021-12-31", "as_of": "2021-12-31", "as_of_day": "2021年12月31日", "owner": "社会救助处", "counties_total": 9,
    "counties_met": 9, "counties_short": "", "counties_missing": "", "year": 2021, "next_year": 2022, "causes": "",
    "progress": "", "measures": "", "due": True, "by_when": "年底", "exceeded": True, "change": "rose",
    "stage": "", "started": True, "node": "", "stretch_words": "", "verb_led": False,
}
