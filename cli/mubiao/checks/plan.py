"""The rules of a plan file: the JSON Schema for its shape, then what a schema cannot say.

`check_plan_file(path)` never raises for a bad plan: every problem becomes a Finding with a stable code,
the line and column to edit, and a message that says what to write instead.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from pathlib import Path
from typing import Any, Iterable

from mubiao.checks.findings import RULES, Finding
from mubiao.errors import PlanError
from mubiao.io import is_device_name
from mubiao.models import StatusThresholds
from mubiao.numbers import TOLERANCE, format_number
from mubiao.readers.toml_document import TomlDate, TomlDocument, read_toml
from mubiao.readers.toml_positions import Path as KeyPath
from mubiao.schema import PLAN_ID_PATTERN, PLAN_SCHEMA
from mubiao.suggest import closest


def _is_toml_date(instance: object) -> bool:
    # A date must be a TOML date; "2021-12-31" in quotes is text, and a date-time is not a date.
    return not isinstance(instance, str) or isinstance(instance, TomlDate)


@functools.cache
def _validator() -> Any:
    """The JSON Schema validator whose errors become findings (jsonschema's Draft 7, which says where and why)."""
    from jsonschema import Draft7Validator, FormatChecker

    formats = FormatChecker(formats=())
    formats.checks("date")(_is_toml_date)
    return Draft7Validator(PLAN_SCHEMA, format_checker=formats)


@functools.cache
def _quick_validator() -> Any:
    """The same schema compiled to plain Python by fastjsonschema: about twenty times faster, but it stops at the
    first error and says little. A plan it passes has no schema finding; any other goes to `_validator`. (Its
    patterns end at `\\Z` where jsonschema's `$` also allows a final newline: stricter, never laxer.) Importing
    jsonschema and validating with it took most of `mubiao check targets/`'s time."""
    import fastjsonschema

    return fastjsonschema.compile(PLAN_SCHEMA, formats={"date": _is_toml_date})


def _passes_schema_quickly(data: Any) -> bool:
    try:
        _quick_validator()(data)
    except Exception:  # noqa: BLE001 - any doubt (an error, or data it chokes on) is for the full validator
        return False
    return True


_DEFAULT_THRESHOLDS = StatusThresholds()

_TYPE_NAMES = {
    "string": "文本(加引号)",
    "number": "数字(不加引号)",
    "integer": "整数",
    "object": "表",
    "array": "数组 [ … ]",
    "boolean": "true 或 false",
}


def check_plan_file(path: str | Path) -> list[Finding]:
    """Every finding in one plan file, sorted by position. A file that cannot be parsed gives one finding."""
    return check_plan_document(path)[0]


def check_plan_document(path: str | Path) -> tuple[list[Finding], TomlDocument | None]:
    """Every finding in one plan file, and the parsed document (None when the file cannot be parsed)."""
    try:
        document = read_toml(path)
    except PlanError as exc:
        code = exc.code or "P002"
        return [Finding(str(path), exc.line, exc.column, code, RULES[code].severity, exc.described())], None
    return check_document(document), document


def check_document(document: TomlDocument) -> list[Finding]:
    """Every finding in a parsed plan, sorted by position."""
    report = _Report(document)
    if document.had_bom:
        report.add("P003", (), "文件以 UTF-8 BOM 开头,请另存为无 BOM 的 UTF-8")
    _schema_findings(report, document.json_data())
    _values_in_range(report, document.data)
    _PlanRules(report, document.data).run()
    return sorted(set(report.findings), key=Finding.sort_key)


class _Report:
    def __init__(self, document: TomlDocument) -> None:
        self.document = document
        self.findings: list[Finding] = []

    def add(self, code: str, path: KeyPath, message: str, *, at_value: bool = False) -> None:
        if at_value:
            line, column = self.document.value_position(path)
        else:
            line, column = self.document.key_position(path)
        rule = RULES[code]
        self.findings.append(Finding(str(self.document.path), line, column, code, rule.severity, message))

    def line_of(self, path: KeyPath) -> int:
        return self.document.key_position(path)[0]


# -- the shape: JSON Schema errors as findings ---------------------------------------------------


def _schema_findings(report: _Report, data: Any) -> None:
    if _passes_schema_quickly(data):
        return
    where = _Where(data)
    for error in _validator().iter_errors(data):
        path = tuple(error.absolute_path)
        validator = error.validator
        if validator == "additionalProperties":
            allowed = list(error.schema.get("properties", {}))
            for key in error.instance:
                if key not in allowed and len(path) >= 2 and path[-2] == "tasks" and key in _NUMBER_KEYS:
                    report.add("P101", path + (key,), f"{where(path)}没有 `{key}`:督办事项按状态报送,没有数字目标;"
                                                      "有数字的目标写成 [[goals.indicators]]")
                elif key not in allowed:
                    report.add("P101", path + (key,), _unknown_key_message(key, allowed, where(path)))
        elif validator == "required":
            for key in error.validator_value:
                if key not in error.instance:
                    report.add("P102", path, f"{where(path)}缺少必填键 `{key}`,请补上 {key} = …")
        elif validator in ("minItems", "minLength"):
            least = error.validator_value
            report.add("P105", path, where.of(path[:-1]) + (f"`{_key_name(path)}` 不能为空" if validator == "minLength"
                       else f"`{_key_name(path)}` 至少要有 {least} 项"), at_value=True)
        elif validator == "pattern" and path[-1] == "counties" and len(path) >= 3 and path[-3] == "tasks":
            report.add("P105", path, where.of(path[:-1]) + f"`counties` 写承担它的县编号列表(如 [\"wuyi\"]),"
                       f"或 \"all\"(所有县);这里是 \"{_shown(error.instance)}\"", at_value=True)
        elif validator == "pattern" and path[-1] == "counties":  # the one word a `counties` text may be
            report.add("P105", path, where.of(path[:-1]) + f"`counties` 应为县编号的列表(如 [\"wuyi\", \"panan\"]),"
                       f"或 \"allocated\"(只由 allocation 中列出的县报送),这里是 \"{_shown(error.instance)}\"", at_value=True)
        elif validator == "pattern":
            report.add("P104", path, where.of(path[:-1]) + _bad_id_message(path, error.instance, error.validator_value), at_value=True)
        elif validator == "not":
            report.add("P110", path, "县编号 city 保留给市本级(scope = \"city\" 的指标由它报送),请换一个编号", at_value=True)
        elif validator in ("enum", "minimum", "exclusiveMinimum", "maximum"):
            report.add("P105", path, where.of(path[:-1]) + _bad_value_message(path, error), at_value=True)
        else:  # type, format, and anything the schema may add later
            report.add("P103", path, where.of(path[:-1]) + _wrong_type_message(path, error), at_value=True)


def _department_rows(ind: dict) -> list[dict]:
    """The indicators an indicator's table makes (readers/plan.py `per_department`: one per department where it has
    `departments`), as far as its table can be read: an id that is not text stays as it is (the schema's finding)."""
    from mubiao.readers.plan import per_department

    if isinstance(ind.get("departments"), list) and isinstance(ind.get("id"), str):
        return per_department(ind, {})
    return [{**ind, "id": ind.get("id")}]


#: The keys of an indicator's number, which a task (reported by its stage) has not.
_NUMBER_KEYS = frozenset({"target", "kind", "unit", "baseline", "direction", "pace", "form", "scale", "allocation",
                          "per_county", "baselines", "stretch", "range", "growth", "scope"})


def _shown(text: str) -> str:
    """Text as a message quotes it: on one line, each control character as its escape (`\\n`, `\\x1b`), so that
    an id with a line break or a terminal escape in it is seen, not obeyed."""
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text)


def _key_name(path: KeyPath) -> str:
    names = [str(p) for p in path if isinstance(p, str)]
    return names[-1] if names else "文件"


def _unknown_key_message(key: str, allowed: list[str], where: str) -> str:
    if guess := closest(key, allowed):
        return f"{where}有未知的键 `{_shown(key)}`,是否应为 `{guess}`?"
    return f"{where}有未知的键 `{_shown(key)}`;可用的键:{', '.join(allowed)}"


def _bad_id_message(path: KeyPath, value: str, pattern: str) -> str:
    rule = pattern.strip("^$")
    return f"`{_key_name(path)}` = \"{_shown(value)}\" 不符合编号规则 {rule}:只用字母、数字和 {_allowed_punct(rule)},且以字母或数字开头"


def _allowed_punct(rule: str) -> str:
    return "、".join(ch for ch in "._-" if ch in rule.split("[")[-1])


def _bad_value_message(path: KeyPath, error: Any) -> str:
    key, value = _key_name(path), error.instance
    if error.validator == "enum":
        options = [str(o) for o in error.validator_value]
        guess = closest(str(value), options, cutoff=0.5)
        hint = f";是否应为 \"{guess}\"?" if guess else ""
        return f"`{key}` = \"{_shown(str(value))}\" 无效,应为 {'、'.join(options)} 之一{hint}"
    shown = format_number(value) if isinstance(value, int | float) else value
    if error.validator == "maximum":
        return f"`{key}` = {shown} 太大,应小于或等于 {format_number(error.validator_value)}"
    return f"`{key}` = {shown} 太小,应大于 {'或等于 ' if error.validator == 'minimum' else ''}{format_number(error.validator_value)}"


def _wrong_type_message(path: KeyPath, error: Any) -> str:
    key, value = _key_name(path), error.instance
    if error.validator == "format":
        return f"`{key}` 应为 TOML 日期,不加引号、不带时间,如 {key} = 2021-12-31"
    expected = error.validator_value
    expected_name = _TYPE_NAMES.get(expected, expected) if isinstance(expected, str) else expected
    if expected in ("number", "integer") and isinstance(value, str) and _looks_numeric(value):
        return f"`{key}` 应为{expected_name},这里是文本 \"{value}\";去掉引号:{key} = {value.strip()}"
    return f"`{key}` 应为{expected_name},这里是{_type_of(value)}"


def _looks_numeric(text: str) -> bool:
    try:
        float(text.replace(",", ""))
    except ValueError:
        return False
    return True


def _type_of(value: Any) -> str:
    if isinstance(value, bool):
        return f"布尔值 {str(value).lower()}"
    if isinstance(value, TomlDate):
        return f"日期 {value}"
    if isinstance(value, str):
        return f"文本 \"{_shown(value[:40])}\""
    if isinstance(value, int | float):
        return f"数字 {format_number(value)}"
    if isinstance(value, list):
        return "数组"
    if isinstance(value, dict):
        return "表"
    return type(value).__name__


class _Where:
    """Names a place in the plan the way a planner would: 指标 G02-dibao, 任务 G02, 县 wucheng, [plan]."""

    def __init__(self, data: Any) -> None:
        self.data = data

    def __call__(self, path: KeyPath) -> str:
        label = "文件顶层"
        node: Any = self.data
        for n, part in enumerate(path):
            parent_key = path[n - 1] if n else None
            node = node[part] if isinstance(node, dict | list) else None
            if isinstance(part, str) and part in ("plan", "status") and n < 2:
                label = "[plan]" if part == "plan" else "[plan.status]"
            elif isinstance(part, int):
                ident = node.get("id") if isinstance(node, dict) else None
                ident = ident if isinstance(ident, str) else None
                names = {"goals": "任务", "indicators": "指标", "tasks": "督办事项", "counties": "县", "owners": "处室",
                         "rules": "规则"}
                if parent_key == "milestones":
                    label = f"{label}的第 {part + 1} 个{'节点' if 'tasks' in path else '阶段性目标'}"
                elif parent_key in names:
                    label = f"{names[parent_key]} {_shown(ident)}" if ident else f"第 {part + 1} 个 [[{parent_key}]]"
            if node is None:
                break
        return label + " "

    def of(self, path: KeyPath) -> str:
        """`指标 G02-dibao 的 `: the owner of a key, for messages about that key."""
        return self(path) + "的 "


# -- values a schema cannot bound ----------------------------------------------------------------

#: Dates a plan can mean: a typo such as 0001-01-01 or 9999-12-31 is valid TOML, and would make a plan of
#: tens of thousands of months.
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2199, 12, 31)


#: Keys whose text is a name that reports print in titles, headings, table cells, sheet names and a Word file's
#: properties (at most 255 characters there): none of a real plan comes near MAX_NAME; the clause it came from
#: goes in `source`, which may be long.
NAMED_KEYS = frozenset({"title", "organization", "name", "unit"})
MAX_NAME = 200

#: No number of a plan is larger (a national budget in 元 is about 10¹³); beyond it, sums, rates and projections
#: of several such numbers would overflow to infinity, which no report can show.
MAX_PLAN_NUMBER = 1e15


def _values_in_range(report: _Report, data: Any) -> None:
    """P105 for a number that is not finite (nan, inf, or an integer no float holds) and for a date outside
    EARLIEST_DATE..LATEST_DATE, wherever it stands."""
    stack: list[tuple[KeyPath, Any]] = [((), data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, dict):
            stack.extend((path + (key,), item) for key, item in value.items())
        elif isinstance(value, list):
            stack.extend((path + (n,), item) for n, item in enumerate(value))
        elif isinstance(value, bool):
            continue
        elif isinstance(value, int | float) and _number(value) is None:
            shown = str(value) if isinstance(value, float) else f"{str(value)[:12]}…({len(str(value))} 位)"
            report.add("P105", path, f"`{_key_name(path)}` = {shown} 不是有限的数字;请写实际的数", at_value=True)
        elif isinstance(value, int | float) and abs(value) > MAX_PLAN_NUMBER:
            report.add("P105", path, f"`{_key_name(path)}` = {value:g} 太大,不像计划中的数(绝对值应不超过 10¹⁵);"
                                     "是否多写了几位?", at_value=True)
        elif isinstance(value, str) and path and path[-1] in NAMED_KEYS and len(value) > MAX_NAME:
            report.add("P105", path, f"`{_key_name(path)}` 有 {len(value):,} 个字符,太长(最多 {MAX_NAME} 个);"
                                     "原文请放在 source 中", at_value=True)
        elif isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            if not EARLIEST_DATE <= value <= LATEST_DATE:
                report.add("P105", path, f"`{_key_name(path)}` = {value.isoformat()} 不像真实的日期"
                                         f"(应在 {EARLIEST_DATE.year} 至 {LATEST_DATE.year} 年之间);是否年份写错了?",
                           at_value=True)


# -- the meaning: rules a schema cannot say -------------------------------------------------------


def _tables(value: Any) -> list[tuple[int, dict]]:
    return [(n, t) for n, t in enumerate(value) if isinstance(t, dict)] if isinstance(value, list) else []


def _number(value: Any) -> float | None:
    """A finite number as a float; None for anything else (a non-finite or too large number is found by
    `_values_in_range`)."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except OverflowError:  # an integer of hundreds of digits: TOML reads it, no float holds it
        return None
    return number if math.isfinite(number) else None


def _date(value: Any) -> dt.date | None:
    return value if isinstance(value, dt.date) and not isinstance(value, dt.datetime) else None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _numbers_by_county(value: Any) -> dict[str, float]:
    if not isinstance(value, dict):
        return {}
    return {k: n for k, v in value.items() if (n := _number(v)) is not None}


class _PlanRules:
    def __init__(self, report: _Report, data: dict[str, Any]) -> None:
        self.report = report
        self.data = data
        self.plan = data.get("plan") if isinstance(data.get("plan"), dict) else {}
        self.start = _date(self.plan.get("start"))
        self.end = _date(self.plan.get("end"))
        self.counties = _tables(data.get("counties"))
        self.county_ids = {t["id"] for _, t in self.counties if isinstance(t.get("id"), str)}
        parents = {t.get("parent") for _, t in self.counties}
        self.children: dict[str | None, list[str]] = {}
        """Each region's areas (None: those directly under the whole), where a plan has regions."""
        for _, t in self.counties:
            if isinstance(t.get("id"), str):
                parent = t.get("parent")
                self.children.setdefault(parent if parent in self.county_ids else None, []).append(t["id"])
        self.unit_ids = self.county_ids - parents
        """The reporting units: the areas no other area names as its parent."""
        self.parent_of = {t["id"]: t.get("parent") for _, t in self.counties
                          if isinstance(t.get("id"), str) and t.get("parent") in self.county_ids}
        self.broken_tree = False
        """Whether a `parent` names no area or parents loop (P109, P219): the levels are not added up then."""
        self.levels = _levels_of(self.plan)
        """The plan's words for its levels, in which the indicator messages are said (镇街, 全区 …)."""
        self.owner_ids = {t["id"] for _, t in _tables(data.get("owners")) if isinstance(t.get("id"), str)}

    def run(self) -> None:
        self.plan_table()
        self.device_names()
        self.unique("counties", self.counties, "id", "县编号")
        self.unique("counties", self.counties, "name", "县名称")
        self.parents()
        self.unique("owners", _tables(self.data.get("owners")), "id", "处室编号")
        goals = _tables(self.data.get("goals"))
        self.unique("goals", goals, "id", "任务编号")
        indicator_ids: list[tuple[KeyPath, Any]] = []
        any_county_scope = False
        for g, goal in goals:
            goal_path: KeyPath = ("goals", g)
            self.owner_ref(goal_path, goal)
            indicators, tasks = _tables(goal.get("indicators")), _tables(goal.get("tasks"))
            if not indicators and not tasks:
                self.report.add("P213", goal_path, f"任务 {goal.get('id', '')} 下没有指标;请在其下添加 [[goals.indicators]]"
                                                   "(有数字的目标)或 [[goals.tasks]](督办事项)")
            for i, indicator in indicators:
                path = goal_path + ("indicators", i)
                if isinstance(indicator.get("departments"), list):  # one per department
                    indicator_ids += [(path + ("departments", n), row["id"])
                                      for n, row in enumerate(_department_rows(indicator))]
                else:
                    indicator_ids.append((path + ("id",), indicator.get("id")))
                any_county_scope |= indicator.get("scope", "county") == "county"
                _IndicatorRules(self, path, goal, indicator).run()
            for i, task in tasks:
                path = goal_path + ("tasks", i)
                indicator_ids.append((path + ("id",), task.get("id")))
                any_county_scope |= "counties" in task
                _TaskRules(self, path, goal, task).run()
        self.duplicates(indicator_ids, "指标编号")
        self.themes(goals, [value for _, value in indicator_ids])
        self.rules(goals)
        if any_county_scope and not self.counties:
            self.report.add("P217", ("plan",), "有按县报送的指标,但计划没有声明任何县;请添加 [[counties]](id、name)")

    def rules(self, goals: list[tuple[int, dict]]) -> None:
        """P225 for a validation rule that is no comparison, names an indicator the plan has not, asks a part of
        what is no ratio, names a milestone or a task (done or not: no figure to compare), or compares indicators
        that different areas report (no area reports them all: it would never be checked); P106 for an id twice."""
        from mubiao.rules import RuleError, parse_rule

        rules = _tables(self.data.get("rules"))
        self.unique("rules", rules, "id", "规则编号")
        known = {}  # the indicators by id, a quota per department as its departments' rows (readers/plan.py)
        for _, goal in goals:
            for _, ind in _tables(goal.get("indicators")):
                known.update((row["id"], row) for row in _department_rows(ind) if isinstance(row["id"], str))
        tasks = {task.get("id") for _, goal in goals for _, task in _tables(goal.get("tasks"))
                 if isinstance(task.get("id"), str)}
        for n, rule in rules:
            text = rule.get("rule")
            if not isinstance(text, str):
                continue
            path, name = ("rules", n, "rule"), _shown(str(rule.get("id", n + 1)))
            try:
                parsed = parse_rule(text)
            except RuleError as exc:
                self.report.add("P225", path, f"规则 {name}:{exc}", at_value=True)
                continue
            scopes = set()
            for reference in parsed.references:
                ind = known.get(reference.indicator)
                if ind is None:
                    message = (f"{_shown(reference.indicator)} 是督办事项,没有数字可比" if reference.indicator in tasks
                               else _unknown_ref("指标", reference.indicator, set(known), "[[goals.indicators]]"))
                    self.report.add("P225", path, f"规则 {name}:{message}", at_value=True)
                elif ind.get("kind") == "milestone":
                    self.report.add("P225", path, f"规则 {name}:{reference.indicator} 是 milestone(完成与否),"
                                                  "没有数字可比", at_value=True)
                elif reference.field != "value" and ind.get("kind") != "ratio":
                    self.report.add("P225", path, f"规则 {name}:{reference.text} 只对 ratio 指标有意义,"
                                                  f"{reference.indicator} 是 {ind.get('kind')};请写 {{{reference.indicator}}}",
                                    at_value=True)
                else:
                    counties = ind.get("counties")
                    scopes.add("city" if ind.get("scope") == "city" else
                               tuple(sorted(counties)) if isinstance(counties, list) else "all")
            if len(scopes) > 1 and "city" in scopes:
                self.report.add("P225", path, f"规则 {name}:比较的指标有的由市本级报送、有的由各县报送,"
                                              "没有一个地区同时报送,规则不会被检查", at_value=True)

    def themes(self, goals: list[tuple[int, dict]], indicators: list[Any]) -> None:
        """P220 for a theme item that names no goal or indicator, or that another theme took already."""
        known = {"goals": {g.get("id") for _, g in goals if isinstance(g.get("id"), str)},
                 "indicators": {i for i in indicators if isinstance(i, str)}}  # (other ids: the schema's findings)
        what = {"goals": "任务", "indicators": "指标"}
        taken: dict[str, int] = {}
        for t, theme in _tables(self.data.get("themes")):
            if not theme.get("goals") and not theme.get("indicators"):
                self.report.add("P220", ("themes", t), f"[[themes]] “{_shown(str(theme.get('title', '')))}”没有归入任何"
                                                      "任务或指标;请写 goals = [...] 或 indicators = [...],或删去这一部分")
            for key in ("goals", "indicators"):
                items = theme.get(key)
                for n, item in enumerate(items if isinstance(items, list) else []):
                    if not isinstance(item, str):
                        continue
                    path: KeyPath = ("themes", t, key, n)
                    if item not in known[key]:
                        self.report.add("P220", path, _unknown_ref(what[key], item, known[key], "[[goals]]"),
                                        at_value=True)
                    elif item in taken and taken[item] != t:
                        self.report.add("P220", path, f"{what[key]} {_shown(item)} 已归入第 {taken[item] + 1} 个"
                                                      f" [[themes]],一项只能归入一个部分", at_value=True)
                    else:
                        taken[item] = t

    def parents(self) -> None:
        """P109 for a `parent` that names no area, P219 for areas whose parents go round in a loop."""
        parent_of = {t["id"]: t.get("parent") for _, t in self.counties if isinstance(t.get("id"), str)}
        for n, county in self.counties:
            parent = county.get("parent")
            if not isinstance(parent, str):
                continue
            if parent not in self.county_ids:
                self.report.add("P109", ("counties", n, "parent"),
                                _unknown_ref("上级区域", parent, self.county_ids, "[[counties]]"), at_value=True)
                self.broken_tree = True
                continue
            seen, up = [county.get("id")], parent
            while up in parent_of and up not in seen:
                seen.append(up)
                up = parent_of[up]
            if up in seen and up == county.get("id"):
                self.broken_tree = True
                chain = " → ".join(_shown(str(area)) for area in [*seen, up])
                self.report.add("P219", ("counties", n, "parent"),
                                f"上级区域形成循环:{chain};每个区域只能属于一个更大的区域,最上一级不写 parent",
                                at_value=True)

    def ancestors(self, area: str) -> list[str]:
        """The regions an area is within, nearest first (stopping at a loop)."""
        chain, up = [], self.parent_of.get(area)
        while up is not None and up not in chain and up != area:
            chain.append(up)
            up = self.parent_of.get(up)
        return chain

    def units_of(self, named: set[str] | None) -> set[str]:
        """The units that report an indicator whose `counties` are `named` (None: all): a region named stands for
        every unit within it (as `Plan.reporting_counties` reads it)."""
        if named is None:
            return set(self.unit_ids)
        return {unit for unit in self.unit_ids if unit in named or not named.isdisjoint(self.ancestors(unit))}

    def device_names(self) -> None:
        """P104 for a plan or county id that Windows takes for a device (see WINDOWS_DEVICE_NAMES)."""
        ids: list[tuple[KeyPath, Any]] = [(("plan", "id"), self.plan.get("id"))]
        ids += [(("counties", n, "id"), county.get("id")) for n, county in self.counties]
        for path, value in ids:
            if isinstance(value, str) and value == value.lower() and is_device_name(value):  # `CON`: the id rule
                self.report.add("P104", path, f"`id` = \"{value}\" 是 Windows 保留的设备名,不能用作文件名"
                                              f"(报告目录和填报表以编号命名);请换一个编号", at_value=True)

    def plan_table(self) -> None:
        plan_id = _text(self.plan.get("id"))
        stem = self.report.document.path.stem
        if plan_id is not None and plan_id != stem:
            # suggest only what passes: a file name that is no id (`民政2026.toml`) cannot become one
            rename = f"把文件改名为 {_shown(plan_id)}.toml"
            fix = (f"改为 id = \"{stem}\",或{rename}" if re.fullmatch(PLAN_ID_PATTERN, stem)
                   else f"文件名 {_shown(stem)} 不能作计划编号(只能用小写字母、数字、-、_ 和 .);请{rename}")
            self.report.add("P107", ("plan", "id"), f"plan.id 为 \"{_shown(plan_id)}\",文件名却是 {_shown(stem)}.toml;{fix}",
                            at_value=True)
        if self.start and self.end and self.start >= self.end:
            self.report.add("P201", ("plan", "end"), f"计划结束日期 {self.end} 不晚于开始日期 {self.start}", at_value=True)
        status = self.plan.get("status")
        if isinstance(status, dict):
            at_risk = _number(status.get("at_risk", _DEFAULT_THRESHOLDS.at_risk))
            behind = _number(status.get("behind", _DEFAULT_THRESHOLDS.behind))
            if at_risk is not None and behind is not None and behind < at_risk:
                self.report.add(
                    "P216",
                    ("plan", "status", "behind" if "behind" in status else "at_risk"),
                    f"behind({format_number(behind)})应不小于 at_risk({format_number(at_risk)}):滞后比有风险更严重",
                    at_value=True,
                )

    def unique(self, array: str, tables: list[tuple[int, dict]], key: str, what: str) -> None:
        self.duplicates([((array, n, key), t.get(key)) for n, t in tables], what)

    def duplicates(self, items: Iterable[tuple[KeyPath, Any]], what: str) -> None:
        first: dict[str, KeyPath] = {}
        for path, value in items:
            if not isinstance(value, str):
                continue
            if value in first:
                line = self.report.line_of(first[value])  # positions are only scanned when something is wrong
                self.report.add("P106", path, f"{what} \"{_shown(value)}\" 重复,第 {line} 行已用过;请换一个",
                                at_value=True)
            else:
                first[value] = path

    def owner_ref(self, path: KeyPath, table: dict) -> None:
        owner = _text(table.get("owner"))
        if owner is not None and owner not in self.owner_ids:
            self.report.add("P108", path + ("owner",), _unknown_ref("处室", owner, self.owner_ids, "[[owners]]"), at_value=True)


def _levels_of(plan: dict) -> "Levels":
    """The words of a plan's levels as `readers.plan` gives them, from what of them is well formed."""
    from dataclasses import fields, replace

    from mubiao.models import Levels, levels_of

    organization = plan.get("organization")
    levels = levels_of(organization) if isinstance(organization, str) else Levels()
    given = plan.get("levels") if isinstance(plan.get("levels"), dict) else {}
    words = {f.name: given[f.name] for f in fields(Levels) if isinstance(given.get(f.name), str)}
    return replace(levels, **words)


def _unknown_ref(what: str, value: str, known: set[str], where: str) -> str:
    guess = closest(value, sorted(known))
    hint = f";是否应为 \"{guess}\"?" if guess else f";请在 {where} 中声明,或改用已声明的编号"
    return f"未声明的{what} \"{_shown(value)}\"{hint}"


class _IndicatorRules:
    what = "指标"

    def __init__(self, plan: _PlanRules, path: KeyPath, goal: dict, indicator: dict) -> None:
        self.plan = plan
        self.report = plan.report
        self.path = path
        self.goal = goal
        self.ind = indicator
        self.id = _shown(_text(indicator.get("id")) or f"第 {path[-1] + 1} 个指标")
        self.kind = indicator.get("kind")
        self.target = 1.0 if self.kind == "milestone" and "target" not in indicator else _number(indicator.get("target"))
        if "growth" in indicator and "target" not in indicator and _number(indicator.get("growth")) is not None:
            reference = _number(indicator.get("last_year", None if self.kind == "count" else indicator.get("baseline", 0)))
            self.target = None if reference is None else reference * (1 + _number(indicator["growth"]) / 100)
        self.baseline = _number(indicator.get("baseline", 0))
        self.decrease = indicator.get("direction") == "decrease"
        self.deadline = _date(indicator.get("deadline")) if "deadline" in indicator else plan.end
        subset = indicator.get("counties")
        if subset == "allocated":
            subset = list(indicator.get("allocation", {})) if isinstance(indicator.get("allocation"), dict) else []
        self.subset = {c for c in subset if isinstance(c, str)} if isinstance(subset, list) else None
        self.reporting = plan.units_of(self.subset)
        """The units that report the indicator."""
        self.carrying = self.reporting | {region for unit in self.reporting for region in plan.ancestors(unit)}
        """They and the regions they are within: the areas an allocation or a baseline may name."""

    def add(self, code: str, key: str | KeyPath, message: str, *, at_value: bool = True) -> None:
        """A finding of the indicator; its fixed words in the plan's (县 → 镇街, 全市 → 全区: ids carry none),
        but for a template's error, which quotes the template."""
        key_path = (key,) if isinstance(key, str) else key
        if code != "P218":
            from mubiao.labels import in_words

            message = in_words(message, self.plan.levels)
        self.report.add(code, self.path + key_path, f"{self.what} {self.id}:{message}", at_value=at_value)

    def run(self) -> None:
        self.owner()
        self.kind_rules()
        self.county_keys()
        self.dates()
        self.direction()
        self.allocation_sum()
        self.summary_template()
        self.profile()
        self.stretch()
        self.departments()
        self.forms_of_count()

    def stretch(self) -> None:
        """P224: a stretch (力争) target beyond the firm one in the indicator's direction, a range with its upper end,
        neither on a milestone."""
        stretch, ind = _number(self.ind.get("stretch")), self.ind
        if ind.get("range") is True and "stretch" not in ind:
            self.add("P224", "range", "range = true 表示目标是区间:target 写下限,stretch 写上限(如 target = 10、"
                                      "stretch = 15 即“10-15个”)")
        if "stretch" not in ind:
            return
        if self.kind == "milestone":
            self.add("P224", "stretch", "milestone 指标只有完成与否,没有力争目标;请删去 stretch")
        elif stretch is not None and self.target is not None and (
                abs(stretch - self.target) <= TOLERANCE or self.moves_away(self.target, stretch)):
            word = "低于" if self.decrease else "高于"
            self.add("P224", "stretch", f"力争目标 {format_number(stretch)} 应{word}目标 {format_number(self.target)}"
                                        f"(确保完成的目标写 target,更高的要求写 stretch)")

    def profile(self) -> None:
        """P221: `pace = "profile"` needs one cumulative share per month from the plan's start to the deadline,
        never falling, ending at 100; a profile without that pace is ignored."""
        pace, shares = self.ind.get("pace"), self.ind.get("profile")
        if shares is None:
            if pace == "profile":
                self.add("P221", "pace", "pace = \"profile\" 需要 profile:从计划开始起每月月底的累计比例(%),"
                                         "如 profile = [0, 0, 10, …, 100]")
            return
        if pace != "profile":
            self.add("P221", "profile", "profile 只在 pace = \"profile\" 时使用;请写 pace = \"profile\" 或删去 profile")
            return
        if not isinstance(shares, list) or not all(_number(share) is not None for share in shares):
            return  # (the schema's finding)
        start, deadline = self.plan.start, self.deadline
        if start is None or deadline is None:
            return
        from mubiao.analysis.gaps import month_ends_between

        months = len(month_ends_between(start, deadline))  # (the engine's own count: a start on a month's last day
        values = [float(share) for share in shares]        # begins with the next month)
        if months <= 0:
            return  # (a deadline before the start: P202's)
        if len(values) != months:
            self.add("P221", "profile", f"profile 有 {len(values)} 项,从计划开始到期限 {deadline} 共 {months} 个月,"
                                        "每月一项")
        elif any(later < earlier - TOLERANCE for earlier, later in zip(values, values[1:])):
            self.add("P221", "profile", "profile 是累计比例,不能后面的月份比前面小")
        elif abs(values[-1] - 100) > TOLERANCE:
            self.add("P221", "profile", f"profile 最后一项(期限所在的月)应为 100,这里是 {format_number(values[-1])}")

    def forms_of_count(self) -> None:
        """P227: `growth` beside a `target` (one or the other), on a milestone, or on a count without `last_year`
        (a count starts from 0: growth of what?); `last_year` without `growth`; `stock` on anything but a count;
        `own_counts` on anything but a count or a ratio the counties report."""
        ind = self.ind
        if "growth" in ind and "target" in ind:
            self.add("P227", "growth", "growth(比上年增长)和 target 只能写一个:目标由 growth 算出")
        if "growth" in ind and self.kind == "milestone":
            self.add("P227", "growth", "milestone 指标只有完成与否,没有增长;请删去 growth")
        elif "growth" in ind and self.kind == "count" and "last_year" not in ind:
            self.add("P227", "growth", "累计数从 0 起算,增长要写明上年的数:last_year = …(如上年募集 1200 万元)")
        elif "growth" in ind and "last_year" not in ind and "baseline" not in ind:
            self.add("P227", "growth", "增长要有起点:写 baseline(计划开始时的水平)或 last_year(上年的数)")
        if "last_year" in ind and "growth" not in ind:
            self.add("P227", "last_year", "last_year 只与 growth 一起用;目标已知的写 target")
        if ind.get("stock") is True and self.kind != "count":
            self.add("P227", "stock", f"stock(现有总数)只用于 count 指标,这里是 {self.kind}")
        baselines = _numbers_by_county(ind.get("baselines"))
        if ind.get("stock") is True and self.kind == "count" and baselines and "baseline" not in ind:
            self.add("P227", "stock", f"现有总数的各县基数(baselines)已写,也要写全市的 baseline(计划开始时全市的总数,"
                                      f"各县合计 {format_number(sum(baselines.values()))})")
        if ind.get("own_counts") is True and (ind.get("scope") == "city" or self.kind not in ("count", "ratio")):
            self.add("P227", "own_counts", "own_counts(市本级的数计入全市)只用于按县报送的 count 和 ratio 指标:"
                                           "全市数是各县与市本级相加")

    def departments(self) -> None:
        """P108 for a department that is not among the owners; P226 for departments on an indicator the counties
        report (a quota per department is the bureau's own); a department twice is P106 (its id repeats)."""
        departments = self.ind.get("departments")
        if not isinstance(departments, list):
            return
        if self.ind.get("scope") == "county":
            self.add("P226", "scope", "departments 是本局各处室各自的目标,由市本级按处室报送;请删去 scope = \"county\"")
        for key in ("allocation", "per_county", "baselines", "counties", "own_counts", "owner"):
            if key in self.ind:  # (each department's row is 市本级's, owned by the department)
                self.add("P226", key, f"departments 的每一行由市本级按处室报送、归该处室负责,{key} 不会被使用;请删去",
                         at_value=False)
        for n, department in enumerate(departments):
            if isinstance(department, str) and department not in self.plan.owner_ids:
                self.add("P108", ("departments", n), _unknown_ref("处室", department, self.plan.owner_ids, "[[owners]]"))

    def owner(self) -> None:
        self.plan.owner_ref(self.path, self.ind)
        if "departments" in self.ind:
            return  # each department owns its own
        if self.ind.get("owner") is None and self.goal.get("owner") is None:
            self.add("P211", (), "没有责任处室;在指标或所属任务中写 owner = \"<处室编号>\"", at_value=False)

    def kind_rules(self) -> None:
        kind, ind = self.kind, self.ind
        if kind != "milestone" and not ind.get("unit"):
            self.add("P212", (), "没有计量单位;请写 unit = \"家\"(或 户、元/年、% 等)", at_value=False)
        if kind == "milestone" and "target" in ind and self.target is not None and abs(self.target - 1) > TOLERANCE:
            self.add("P210", "target", f"milestone 指标的目标值应为 1(完成),这里是 {format_number(self.target)};删去 target 或写 target = 1")
        if kind == "ratio" and "scale" not in ind:
            self.add("P206", (), "ratio 指标缺少 scale:百分比写 scale = 100,每万…写 scale = 10000,普通比值写 scale = 1", at_value=False)
        if kind != "ratio" and "scale" in ind:
            self.add("P214", "scale", f"scale 只对 ratio 指标有意义,{kind} 指标会忽略它;请删去", at_value=False)
        if kind == "ratio" and self.is_percent():
            for key_path, value in self.percent_values():
                if value > 100 + TOLERANCE:
                    self.add("P207", key_path, f"百分比不能超过 100,这里是 {format_number(value)}")

    def is_percent(self) -> bool:
        unit = self.ind.get("unit")
        return unit in ("%", "％") or (unit is None and _number(self.ind.get("scale")) == 100)

    def percent_values(self) -> list[tuple[KeyPath, float]]:
        values = [((key,), _number(self.ind.get(key))) for key in ("target", "baseline", "per_county", "stretch")]
        if "growth" in self.ind and "target" not in self.ind:
            values.append((("growth",), self.target))  # the target it works out to
        for key in ("allocation", "baselines"):
            values += [((key, c), v) for c, v in _numbers_by_county(self.ind.get(key)).items()]
        values += [(("milestones", m, "target"), _number(t.get("target"))) for m, t in _tables(self.ind.get("milestones"))]
        return [(path, value) for path, value in values if value is not None]

    def listed_counties(self) -> None:
        """P109 for an area in `counties = [...]` that the plan has not."""
        counties, known = self.ind.get("counties"), self.plan.county_ids
        for n, county in enumerate(counties if isinstance(counties, list) else []):
            if isinstance(county, str) and county not in known:
                self.add("P109", ("counties", n), _unknown_ref("县", county, known, "[[counties]]"))

    def county_keys(self) -> None:
        ind = self.ind
        if "allocation" in ind and "per_county" in ind:
            self.add("P208", "per_county", "allocation 与 per_county 只能二选一:分县目标不同用 allocation,相同用 per_county", at_value=False)
        if ind.get("scope") == "city":
            for key in ("allocation", "per_county", "baselines", "counties"):
                if key in ind:
                    self.add("P215", key, f"scope = \"city\" 的指标只有全市一行,{key} 不会被使用;请删去", at_value=False)
        known = self.plan.county_ids
        counties = ind.get("counties")
        if counties == "allocated" and not isinstance(ind.get("allocation"), dict):
            self.add("P102", "counties", "counties = \"allocated\" 表示只由 allocation 中列出的县报送,但该指标没有 allocation;"
                                         "请补上 allocation = { 县编号 = 目标, … }", at_value=True)
        self.listed_counties()
        for key in ("allocation", "baselines"):
            table = ind.get(key)
            if not isinstance(table, dict):
                continue
            for county in table:
                if county == "city" and key == "allocation" and ind.get("own_counts") is True:
                    continue  # 市本级's share of a total its figures count into (own_counts)
                if county not in known:
                    self.add("P109", (key, county), _unknown_ref("县", county, known, "[[counties]]"), at_value=False)
                elif self.subset is not None and county not in self.carrying:
                    self.add("P109", (key, county), f"县 \"{county}\" 不在该指标的 counties 中,不会报送;请从 {key} 删去或加入 counties", at_value=False)

    def deadline_in_period(self) -> bool:
        """P202 for a deadline outside the plan's period; False when the period itself is unknown (P102's)."""
        start, end, deadline = self.plan.start, self.plan.end, self.deadline
        if start is None or end is None:
            return False
        if "deadline" in self.ind and deadline is not None and not start <= deadline <= end:
            self.add("P202", "deadline", f"完成时限 {deadline} 在计划期 {start} 至 {end} 之外")
        return True

    what_date = "阶段性目标日期"
    """How a milestone's date is called in the findings (a task's: 节点日期)."""
    after_deadline = ""
    """What a finding of a milestone on or after the deadline adds."""

    def milestone_dates(self) -> None:
        """P202 for a milestone's date outside the plan's period (or on its first day), P203 for one not after the
        one before, or not before the deadline."""
        start, end, deadline = self.plan.start, self.plan.end, self.deadline
        previous = None
        for m, milestone in _tables(self.ind.get("milestones")):
            date = _date(milestone.get("date"))
            if date is None:
                continue
            where = ("milestones", m, "date")
            if date == start:
                self.add("P202", where, f"{self.what_date} {date} 是计划开始的那天:应在计划期之内、晚于开始日期")
            elif not start < date <= end:
                self.add("P202", where, f"{self.what_date} {date} 在计划期 {start} 至 {end} 之外")
            elif previous is not None and date <= previous:
                self.add("P203", where, f"{self.what_date} {date} 应晚于上一个节点 {previous}")
            elif deadline is not None and date >= deadline:
                self.add("P203", where, f"{self.what_date} {date} 应早于完成时限 {deadline}{self.after_deadline}")
            previous = date

    def dates(self) -> None:
        if not self.deadline_in_period():
            return
        self.milestone_dates()
        previous_target = self.baseline
        milestones = _tables(self.ind.get("milestones"))
        for m, milestone in milestones:
            target = _number(milestone.get("target"))
            if target is not None and self.ind.get("form") != "keep":  # (keep has no way to walk: P222's)
                if previous_target is not None and self.moves_away(previous_target, target):
                    self.add(
                        "P204",
                        ("milestones", m, "target"),
                        f"阶段性目标 {format_number(target)} 比上一节点 {format_number(previous_target)} 离目标 {format_number(self.target)} 更远",
                    )
                previous_target = target
        if milestones and previous_target is not None and self.target is not None and self.ind.get("form") != "keep":
            if self.moves_away(previous_target, self.target):
                self.add(
                    "P204",
                    "target",
                    f"最后一个阶段性目标 {format_number(previous_target)} 已越过目标 {format_number(self.target)};阶段值应在基期值与目标之间",
                )

    def moves_away(self, before: float, after: float) -> bool:
        """True when going from `before` to `after` goes against the indicator's direction."""
        return after < before - TOLERANCE if not self.decrease else after > before + TOLERANCE

    def direction(self) -> None:
        if self.ind.get("form") == "keep":  # a floor (不低于50%) or a standard to hold: it may stand there already
            if self.kind not in ("level", "ratio"):
                self.add("P222", "form", f"form = \"keep\"(保持、不低于、不超过)只用于 level 和 ratio 指标,这里是 {self.kind};"
                                         "累计数和节点任务请删去 form")
            elif self.ind.get("milestones"):
                self.add("P222", "milestones", "form = \"keep\" 的目标从第一天起就要保持,没有阶段性目标;请删去 "
                                               "milestones,或去掉 form 改为从基期值达到目标")
            return
        if self.kind == "milestone" or self.target is None or self.baseline is None:
            return
        if self.moves_away(self.baseline, self.target) or abs(self.target - self.baseline) <= TOLERANCE:
            word = "低于" if self.decrease else "高于"
            fix = "或写 direction = \"increase\"" if self.decrease else "若越小越好,写 direction = \"decrease\""
            self.add(
                "P205",
                "target",
                f"目标 {format_number(self.target)} 不{word}基期值 {format_number(self.baseline)};检查 target/baseline,{fix};"
                f"要求保持在目标以上(不低于、保持)的,写 form = \"keep\"",
            )

    def allocation_sum(self) -> None:
        if self.kind != "count" or self.ind.get("scope", "county") != "county" or self.target is None:
            return
        allocation = _numbers_by_county(self.ind.get("allocation"))
        per_county = _number(self.ind.get("per_county"))
        if allocation and len(self.plan.children) > 1:  # a plan with regions: each level adds up to the one above
            if not self.plan.broken_tree:
                self.levels_add_up(allocation)
        elif allocation:
            total = sum(allocation.values())
            if abs(total - self.target) > TOLERANCE:
                self.add(
                    "P209",
                    "allocation",
                    f"分县目标合计 {format_number(total)},全市目标为 {format_number(self.target)};请核对分解数",
                )
        elif per_county is not None and "allocation" not in self.ind:
            reporting = len(self.reporting)
            total = per_county * reporting
            if reporting and abs(total - self.target) > TOLERANCE:
                self.add(
                    "P209",
                    "per_county",
                    f"每县 {format_number(per_county)} × {reporting} 个县 = {format_number(total)},全市目标为 {format_number(self.target)};请核对",
                )

    def levels_add_up(self, allocation: dict[str, float]) -> None:
        """P209 where the areas directly within the whole, or within a region with an allocation, have targets that
        do not add up to it. An area's target is its allocation, else (a region) the sum of its areas' where each
        has one, as the gap engine works it out (`mubiao.analysis.gaps.region_targets`); only the areas that
        carry the indicator count."""
        carrying, children = self.carrying, self.plan.children
        implied: dict[str, float | None] = {}

        def target(area: str) -> float | None:
            if area not in implied:
                parts = [child for child in children.get(area, []) if child in carrying]
                found = [target(part) for part in parts]
                implied[area] = allocation.get(area, None if not parts or None in found else sum(found))
            return implied[area]

        for parent, areas in children.items():
            total = self.target if parent is None else allocation.get(parent)
            areas = [area for area in areas if area in carrying]
            found = [target(area) for area in areas]
            if total is None or not areas or None in found or (parent is not None and parent not in carrying):
                continue
            summed = sum(found)
            if abs(summed - total) > TOLERANCE:
                whole = "计划目标" if parent is None else f"{_shown(parent)} 的目标"
                where = ("allocation",) if parent is None else ("allocation", parent)
                self.add("P209", where, f"{'、'.join(_shown(a) for a in areas)} 的目标合计 {format_number(summed)},"
                                        f"{whole}为 {format_number(total)};请核对分解数", at_value=parent is not None)

    def summary_template(self) -> None:
        """The extension `summary = "…"`: a jinja2 sentence template that must parse, use known variables, keep to
        what a sentence may do (render/sentences.py) and render on sample values, as `mubiao summary` will."""
        text = self.ind.get("summary")
        if not isinstance(text, str):
            return
        import jinja2
        import jinja2.meta

        from mubiao.render.draft import SENTENCE_VARIABLES
        from mubiao.render.sentences import SAMPLE_VALUES, environment, refused_construct, render

        sandbox = environment()
        try:
            parsed = sandbox.parse(text)
        except jinja2.TemplateSyntaxError as exc:
            self.add("P218", "summary", f"summary 模板语法错误:{exc.message}")
            return
        if refused := refused_construct(parsed):
            self.add("P218", "summary", f"summary 模板不能用{refused};模板只用来填写变量的值")
            return
        unknown = sorted(jinja2.meta.find_undeclared_variables(parsed) - set(SENTENCE_VARIABLES))
        for name in unknown:
            guess = closest(name, SENTENCE_VARIABLES)
            hint = f";是不是 {guess}?" if guess else ";可用变量见 docs/summary.md"
            self.add("P218", "summary", f"summary 模板用了未知变量 {name}{hint}")
        if unknown:
            return
        try:
            render(sandbox.from_string(parsed), SAMPLE_VALUES)  # (compiled from the tree parsed above)
        except jinja2.TemplateError as exc:
            self.add("P218", "summary", f"summary 模板在示例数据上出错:{exc.message or exc}")


class _TaskRules(_IndicatorRules):
    """The rules of a task without a number (`[[goals.tasks]]`): its owner, its areas, its nodes' dates, and its
    stages (P223): a node names a stage of the task, each node a later stage than the one before."""

    what = "督办事项"
    what_date = "节点日期"
    after_deadline = ";到期限完成的不必写节点"

    def __init__(self, plan: _PlanRules, path: KeyPath, goal: dict, task: dict) -> None:
        super().__init__(plan, path, goal, {**task, "kind": "task"})
        self.id = _shown(_text(task.get("id")) or f"第 {path[-1] + 1} 个督办事项")

    def run(self) -> None:
        self.owner()
        self.listed_counties()  # (a task has no allocation or baselines: the areas it names carry it)
        self.dates()
        self.stages()
        self.summary_template()

    def dates(self) -> None:
        if self.deadline_in_period():
            self.milestone_dates()

    def stages(self) -> None:
        """P223: stages named twice, a node whose stage the task does not have, the first stage (not started) as a
        node, a node that asks for an earlier stage than the node before (a node may ask for the last stage, done:
        "6月底前完成")."""
        from mubiao.readers.plan import task_stages

        given = self.ind.get("stages")
        if isinstance(given, list):
            seen: set[str] = set()
            for n, stage in enumerate(given):
                if stage in seen:
                    self.add("P223", ("stages", n), f"状态词“{_shown(str(stage))}”重复;每个阶段写一次")
                seen.add(stage)
        nodes = [(m, node) for m, node in _tables(self.ind.get("milestones")) if isinstance(node.get("stage"), str)]
        try:
            stages = task_stages({**self.ind, "milestones": [n for _, n in nodes if _date(n.get("date"))]})
        except TypeError:
            return  # (a date of the wrong type: the schema's finding)
        if isinstance(given, list) and len(set(stages)) < len(stages):
            return
        previous = 0
        for m, node in sorted(nodes, key=lambda item: _date(item[1].get("date")) or dt.date.max):
            stage = node["stage"]
            if stage not in stages:
                self.add("P223", ("milestones", m, "stage"), f"节点的阶段“{_shown(stage)}”不在 stages"
                                                             f"({'、'.join(stages)})中;请写其中之一或加入 stages")
                continue
            place = stages.index(stage)
            if place == 0:
                self.add("P223", ("milestones", m, "stage"), f"节点的阶段“{stage}”是未开始的状态,节点应写到期应完成什么")
            elif place < previous:
                self.add("P223", ("milestones", m, "stage"), f"节点的阶段“{stage}”排在上一个节点的阶段"
                                                             f"“{stages[previous]}”之前;节点应一步步向完成推进")
            previous = max(previous, place)

