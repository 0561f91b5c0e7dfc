"""The bounded sandbox of sentence templates (render/sentences.py, issue 23)."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from mubiao.render.draft import SENTENCE_VARIABLES
from mubiao.render.sentences import (MAX_OUTPUT, SAMPLE_VALUES, environment, refused_construct, render)
from mubiao.render.summary import TEMPLATES, TemplateError, Templates


def test_the_sample_values_cover_every_variable_a_sentence_has():
    assert set(SAMPLE_VALUES) == set(SENTENCE_VARIABLES)


@pytest.mark.parametrize("path", sorted(TEMPLATES.glob("*/*.j2")), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_template_mubiao_ships_keeps_to_what_a_sentence_may_do(path):
    sandbox = environment()
    template = path.read_text(encoding="utf-8")
    assert refused_construct(sandbox.parse(template)) is None
    assert render(sandbox.from_string(template), SAMPLE_VALUES)


@pytest.mark.parametrize("source, refused", [
    ("{% for c in area %}{{ c }}{% endfor %}", "循环"),
    ("{% set a = area ~ area %}{{ a }}", "赋值"),
    ("{% macro m() %}{{ m() }}{% endmacro %}", "宏"),
    ("{{ range(10) }}", "函数调用"),
    ("{{ name.replace('a', 'b') }}", "函数调用"),
    ("{{ area|join(area) }}", "过滤器 join"),
    ("{{ name.__class__ }}", "以 _ 开头的属性"),
    ("{% include 'x' %}", "include"),
])
def test_what_a_sentence_may_not_do_is_named(source, refused):
    assert refused in refused_construct(environment().parse(source))


@pytest.mark.parametrize("source", [
    "{{ area * 400000000 }}", "{{ [1] * 100000 }}", "{{ 7 ** (7 ** 10) }}", "{{ 2 ** 5000 }}",
    "{{ 99999 ** 999 }}", "{{ 1 / 0 }}", "{{ 5 // 0 }}", "{{ '%099999999d' % 1 }}", "{{ area - 1 }}",
    "{{ -area }}", "{{ actual|round }}",
])
def test_arithmetic_that_would_run_away_or_fail_is_a_template_error(source):
    with pytest.raises(jinja2.TemplateError):
        render(environment().from_string(source), SAMPLE_VALUES)


def test_arithmetic_on_ordinary_numbers_works():
    template = environment().from_string("{{ counties_met * 2 }} {{ 2 ** 10 }} {{ (year - 2000) / 4 }} {{ -year }}")
    assert render(template, SAMPLE_VALUES) == "18 1024 5.25 -2021"


def test_what_a_template_writes_is_bounded():
    template = environment().from_string("{{ area * 5000 }}" * 21)
    with pytest.raises(jinja2.TemplateError, match=str(MAX_OUTPUT)):
        render(template, SAMPLE_VALUES)


def test_a_users_template_folder_is_held_to_the_same_rules(tmp_path: Path):
    (tmp_path / "zh").mkdir()
    (tmp_path / "zh" / "count.met.j2").write_text("{% for i in area %}{{ i }}{% endfor %}", encoding="utf-8")
    with pytest.raises(TemplateError, match="循环"):
        Templates("zh", tmp_path).sentence(["count.met.j2"], SAMPLE_VALUES)
