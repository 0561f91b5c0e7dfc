"""The rules of progress files that look at several records together, and checking progress files by path.

Cell-level rules (a value that is not a number, an unknown county, …) are found while reading, in
`mubiao.readers.rows`; here are the ones that need every record of a plan, as queries over the store: two records
for one (county, period, indicator), a cumulative count that went down, a figure far outside its area's own
series, and a month that repeats the month before. Their findings are worded only when
they are shown: a national workspace of random counts has over a million D203.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Mapping, Sequence

from mubiao.checks.findings import RULES, Finding, Severity
from mubiao.models import Kind, Plan
from mubiao.numbers import TOLERANCE, format_number
from mubiao.readers.layout import cell_finding, cell_ref, from_plan_folder, month_text
from mubiao.readers.progress import progress_files, read_progress
from mubiao.readers.store import columns_of, insert

if TYPE_CHECKING:
    from mubiao.readers.store import Store

_MONTH_FOLDER = re.compile(r"\d{4}-\d{2}")

#: The records of the read in its order: `seq` orders them by file (as the read lists them), then row.
_READ = """(SELECT r.*, (f.position::BIGINT << 32) | r."row" AS seq, f.name, s.columns
            FROM records r JOIN read_files f USING (file) JOIN files s USING (file))"""

_REPEATED = f"""
    SELECT county, period, indicator, seq, name, "row", columns, value, numerator, denominator, done_on
    FROM {_READ} WHERE (county::BIGINT << 40) | (period::BIGINT << 20) | indicator IN (
        SELECT (county::BIGINT << 40) | (period::BIGINT << 20) | indicator AS slot FROM records
        GROUP BY slot HAVING count(*) > 1)
    ORDER BY county, period, indicator, seq"""

#: D203: each count record below the highest of the months before in its series (the first record of each month;
#: the highest's month is the first month it was reached), kept in the table `across` as it is found.
_DECREASES = f"""
    INSERT INTO across
    SELECT 'D203', file, "row", NULL, NULL, value, earlier_period, earlier_value FROM (
        SELECT file, "row", value, seq, max(value) OVER earlier AS earlier_value,
               max_by(period, {{'value': value, 'first': -period}}) OVER earlier AS earlier_period
        FROM {_READ} WHERE indicator IN (SELECT unnest($counts)) AND value IS NOT NULL
             AND seq NOT IN (SELECT unnest($repeats))
        WINDOW earlier AS (PARTITION BY county, indicator ORDER BY period, seq
                           ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING))
    WHERE value < earlier_value - {TOLERANCE}"""


#: D205's thresholds (docs/progress-files.md, "Data quality"): the modified z-score of Iglewicz and Hoaglin,
#: 0.6745 × (d − median) / MAD, above OUTLIER_Z, over at least OUTLIER_POINTS monthly changes; or a level's or a
#: ratio's value at least JUMP times the median of its months (digits typed twice, 元 for 万元), or a JUMP-th.
OUTLIER_Z = 3.5
OUTLIER_POINTS = 6
JUMP = 10
#: …and a change is an outlier only when it is also this share of the series' median value or more: a ratio of
#: 17% that moves two points in a month, against months that moved a tenth, is no mistake worth a word.
MATERIAL = 0.2

#: D205: the first record of each month of a level's or a ratio's series (an area's indicator) whose figure is
#: far outside the area's own series: its month's change, by the modified z-score against the series' changes (a
#: ratio that rises through the year is no outlier), or a value JUMP times the median of the series' values, or
#: a JUMP-th of it where the series' changes have no spread (a standard that never moved, typed ten times over
#: once; a series that moves is judged by its changes alone). Counts are left to D203 and D127: work done in batches (nine centres opened in September)
#: is the rule for them, and a count typed with a digit too many falls the month after (D203) or stands far
#: above its target (D127). Kept in `across`: for a jump its value, 0 and the series' median value;
#: for a change the change, 1 and the median change.
_OUTLIERS = f"""
    INSERT INTO across
    WITH firsts AS (
        SELECT file, "row", county, indicator, period, x, i.kind,
               x - lag(x) OVER (PARTITION BY county, indicator ORDER BY period) AS increase
        FROM (SELECT * FROM {_READ} WHERE x IS NOT NULL AND seq NOT IN (SELECT unnest($repeats))) r
             JOIN indicators i USING (indicator)
        WHERE i.kind NOT IN ('milestone', 'task')),
    series AS (
        SELECT *, increase AS d FROM firsts),
    centre AS (
        SELECT county, indicator, median(d) AS m, count(d) AS n, median(x) AS mx, count(*) AS nx
        FROM series GROUP BY ALL),
    spread AS (
        SELECT county, indicator, median(abs(s.d - c.m)) AS mad
        FROM series s JOIN centre c USING (county, indicator) WHERE s.d IS NOT NULL GROUP BY ALL)
    SELECT 'D205', s.file, s."row", CASE WHEN s.kind = 'ratio' THEN 1 END, NULL,
           CASE WHEN jump THEN s.x ELSE s.d END, NOT jump::INTEGER, CASE WHEN jump THEN c.mx ELSE c.m END
    FROM (SELECT s.*, s.kind <> 'count' AND c.nx >= 3 AND c.mx > {TOLERANCE}
                      AND coalesce(p.mad, 0) <= {TOLERANCE}
                      AND (s.x >= {JUMP} * c.mx OR (s.x > {TOLERANCE} AND s.x * {JUMP} <= c.mx)) AS jump
          FROM series s JOIN centre c USING (county, indicator) LEFT JOIN spread p USING (county, indicator)) s
         JOIN centre c USING (county, indicator) LEFT JOIN spread p USING (county, indicator)
    WHERE jump OR (s.kind <> 'count' AND c.n >= {OUTLIER_POINTS} AND p.mad > {TOLERANCE} AND s.d IS NOT NULL
                   AND abs(0.6745 * (s.d - c.m) / p.mad) > {OUTLIER_Z}
                   AND abs(s.d - c.m) >= {MATERIAL} * abs(c.mx))"""

#: D206: an area's month whose records (three or more with figures, and a note) repeat the month before's
#: exactly, every indicator with the same figures and the same notes: last month's file sent again under this
#: month. (Figures alone may well not change in a month: the notes, written anew each month, tell a copy.)
_COPIES = f"""
    INSERT INTO across
    WITH months AS (
        SELECT county, period, min(file) AS file, count(*) AS n, count(note) AS notes,
               string_agg(concat_ws('|', indicator, coalesce(value::VARCHAR, '-'), coalesce(numerator::VARCHAR, '-'),
                                    coalesce(denominator::VARCHAR, '-'), coalesce(done_on::VARCHAR, '-'),
                                    coalesce(note, '-')), ';' ORDER BY indicator) AS figures
        FROM {_READ} WHERE seq NOT IN (SELECT unnest($repeats))
             AND (value IS NOT NULL OR numerator IS NOT NULL OR denominator IS NOT NULL OR done_on IS NOT NULL)
        GROUP BY county, period)
    SELECT 'D206', m.file, NULL, NULL, NULL, m.n, b.period, NULL
    FROM months m JOIN months b ON b.county = m.county AND b.period = m.period - 1 AND b.figures = m.figures
    WHERE m.n >= 3 AND m.notes > 0"""


@dataclass(frozen=True)
class Across:
    """The findings across the records of a read: the repeats (D201, D202), worded; the decreases (D203), which a
    national workspace of random counts has over a million of, stay in the store's table `across` until they are
    asked for."""

    repeats: tuple[Finding, ...]
    store: "Store"

    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.repeats if f.severity is Severity.ERROR)

    def findings(self) -> list[Finding]:
        rows = self.store.connection.execute("""
            SELECT a.code, f.name, a.line, s.columns, a.value, a.earlier_period, a.earlier_value, a."column"
            FROM across a JOIN read_files f USING (file) JOIN files s USING (file)
            WHERE a.code IN ('D203', 'D205', 'D206')""")
        worded = []
        for code, name, row, columns, value, earlier_period, earlier_value, ratio in rows.fetchall():
            layout = columns_of(columns)
            at = (layout.get("numerator") if ratio else None) or layout.get("value") or layout.get("numerator") \
                or layout.get("indicator")  # (a ratio's figure is its parts: D205 marks 1 in `column`)
            if code == "D203":
                worded.append(cell_finding(name, code, f"累计数 {format_number(value)} 比 {month_text(earlier_period)}"
                                                       f" 的 {format_number(earlier_value)} 少(应填年初以来的累计数)",
                                           row, at))
            elif code == "D205":
                if earlier_period:  # a change far outside the series' changes
                    change = format_number(round(abs(value), 2))
                    what = (f"比上月{'增加' if value >= 0 else '减少'} {change},而本单位各月增减的中位数是 "
                            f"{format_number(round(earlier_value, 2))}")
                else:
                    what = f"{format_number(value)} 与本单位各月的中位数 {format_number(earlier_value)} 相差十倍以上"
                worded.append(cell_finding(name, code, f"{what};请核对是否多填或少填了位数、单位是否写错", row, at))
            else:
                worded.append(cell_finding(name, code, f"{int(value)} 项数字和备注与 {month_text(earlier_period)} "
                                                       f"完全相同:是不是把上月的表改了月份就报了?如确实没有变化可不理会"))
        return [*self.repeats, *worded]


def across_records(store: "Store", plan: Plan, root: str) -> Across:
    """D201/D202 for a (county, period, indicator) reported twice, D203 for a count that went down, among the
    records of the read in `store` (kept there for the next read of the same files, named from the same `root`)."""
    connection = store.connection
    if store.path is not None and store.across_kept(root):
        names = dict(connection.execute("SELECT file, name FROM read_files").fetchall())
        rows = connection.execute("SELECT code, file, line, \"column\", message FROM across "
                                  "WHERE code NOT IN ('D203', 'D205', 'D206')")
        return Across(tuple(Finding(names[file], line, column, code, RULES[code].severity, message)
                            for code, file, line, column, message in rows.fetchall()), store)
    repeats, later = _repeats(plan, connection.execute(_REPEATED).fetchall())
    repeats += _broken_rules(connection, plan, later)
    ids = dict(connection.execute("SELECT name, file FROM read_files").fetchall())
    connection.execute("BEGIN")
    connection.execute("DELETE FROM across")
    insert(connection, "across", [(f.code, ids[f.file], f.line, f.column, f.message, None, None, None)
                                  for f in repeats])
    connection.execute(_DECREASES, {"counts": [code for code, ind in enumerate(plan.indicators)
                                               if ind.kind is Kind.COUNT and not ind.stock], "repeats": later})
    connection.execute(_OUTLIERS, {"repeats": later})
    connection.execute(_COPIES, {"repeats": later})
    connection.execute("UPDATE store SET across_root = ?", [root if store.path is not None else None])
    connection.execute("COMMIT")
    return Across(tuple(repeats), store)


#: A comparison of a rule in words: `应不大于`.
_COMPARISON_WORDS = {"<=": "不大于", ">=": "不小于", "==": "等于", "!=": "不等于", "<": "小于", ">": "大于"}


def _broken_rules(connection, plan: Plan, later: list[int]) -> list[Finding]:
    """D207 for each area's month whose figures break one of the plan's validation rules (`[[rules]]`), at the cell
    of the first figure the rule names; a month that lacks one of its figures is not checked (missing is never
    zero), nor one where a side divides by zero."""
    from mubiao.rules import parse_rule

    codes = {ind.id: n for n, ind in enumerate(plan.indicators)}
    findings: list[Finding] = []
    for rule in plan.rules:
        parsed = parse_rule(rule.rule)
        wanted = sorted({codes[reference.indicator] for reference in parsed.references})
        rows = connection.execute(f"""
            SELECT county, period, indicator, x, numerator, denominator, name, "row", columns FROM {_READ}
            WHERE indicator IN (SELECT unnest($wanted)) AND seq NOT IN (SELECT unnest($later))
            ORDER BY county, period, seq""", {"wanted": wanted, "later": later}).fetchall()
        months: dict[tuple[int, int], dict[int, tuple]] = {}
        for county, period, indicator, *record in rows:
            months.setdefault((county, period), {}).setdefault(indicator, tuple(record))
        for records in months.values():
            figures, where = {}, []
            for reference in parsed.references:
                record = records.get(codes[reference.indicator])
                number = None if record is None else record[("value", "numerator", "denominator").index(
                    reference.field)]
                if number is None:
                    break
                figures[reference] = number
                where.append((reference, record))
            else:
                sides = parsed.sides(figures)
                if sides is None or parsed.holds(*sides, TOLERANCE):
                    continue
                findings.append(_rule_finding(rule, parsed, sides, where))
    return findings


def _rule_finding(rule, parsed, sides: tuple[float, float], where: list[tuple]) -> Finding:
    """D207 at the cell of the rule's first figure, saying where its other figures are."""
    (first, record), left, right = where[0], *(format_number(round(side, 6)) for side in sides)
    *_, name, row, columns = record

    def column(reference, columns: str) -> int | None:
        layout = columns_of(columns)  # a ratio's figure is its parts: a form without 完成值 points at 分子
        field = reference.field if reference.field != "value" or layout.get("value") else "numerator"
        return layout.get(field) or layout.get("indicator")

    others = [f"{reference.text} 在{'本文件' if other[-3] == name else ' ' + other[-3]} "
              f"{cell_ref(other[-2], column(reference, other[-1]))}"
              for reference, other in where[1:] if (other[-3], other[-2]) != (name, row)]
    located = f"({';'.join(dict.fromkeys(others))})" if others else ""
    message = (f"不符合规则 {rule.id}({rule.name}):{parsed.left} = {left},应{_COMPARISON_WORDS[parsed.comparison]}"
               f" {parsed.right} = {right}{located};请核对这几个数")
    return cell_finding(name, "D207", message, row, column(first, columns))


def _repeats(plan: Plan, rows: Sequence[tuple]) -> tuple[list[Finding], list[int]]:
    """D201/D202 among the records of keys reported more than once (by key, in the read's order), and the `seq`
    of every record after the first of its key."""
    findings: list[Finding] = []
    later: list[int] = []
    first = None
    files: dict[tuple[int, int, str, str], list[bool]] = {}  # (area, month, first file, other file) → differs?
    for row in rows:
        key, seq, name, number, columns, figures = row[:3], row[3], row[4], row[5], row[6], row[7:]
        if first is None or first[0] != key:
            first = (key, name, number, figures)
            continue
        later.append(seq)
        if first[1] != name:  # two files for one area and month: one finding for the pair, not one per row
            files.setdefault((key[0], key[1], first[1], name), []).append(not _same_figures(first[3], figures))
            continue
        layout = columns_of(columns)
        indicator = plan.indicators[key[2]].id
        where = cell_ref(first[2], None) if first[1] == name else f" {first[1]} {cell_ref(first[2], None)}"
        if _same_figures(first[3], figures):
            findings.append(cell_finding(name, "D202", f"{indicator} 已在{where}报送过,这一行重复", number,
                                         layout.get("indicator")))
        else:
            column = layout.get(_first_difference(first[3], figures)) or layout.get("indicator")
            findings.append(cell_finding(name, "D201", f"{indicator} 已在{where}报送为 {_figures(first[3])},"
                                                       f"这里却是 {_figures(figures)};请删去错误的一条", number, column))
    areas = ("city", *(county.name for county in plan.coded_areas))
    for (area, month, earlier, name), differs in files.items():
        unit = plan.levels.own if area == 0 else areas[area]
        what = f"{len(differs)} 项指标两边都有" + (f",其中 {sum(differs)} 项数字不同" if any(differs) else ",数字相同")
        first_file = from_plan_folder(earlier, plan.id)
        findings.append(cell_finding(name, "D204", f"{unit} {month_text(month)} 有两个文件:{first_file} 和本文件"
                                                   f"({what});请只保留一个(后读的本文件的数字被采用)", None, None))
    return findings, later


_FIGURES = ("value", "numerator", "denominator", "done_on")


def _same_figure(x, y) -> bool:
    if x is None or y is None:
        return x is y
    if isinstance(x, float) and isinstance(y, float):
        return abs(x - y) <= TOLERANCE
    return x == y


def _same_figures(a: Sequence, b: Sequence) -> bool:
    return all(_same_figure(x, y) for x, y in zip(a, b))


def _first_difference(a: Sequence, b: Sequence) -> str:
    """The field of the first figure in which two records differ (the cell a finding should point at)."""
    return next((name for name, x, y in zip(_FIGURES, a, b) if not _same_figure(x, y)), "value")


def _figures(figures: Sequence) -> str:
    value, numerator, denominator, _ = figures
    if numerator is not None or denominator is not None:
        return f"{format_number(numerator)}/{format_number(denominator)}"
    if value is None:
        return "空"
    return format_number(value)


def check_progress_files(
    paths: Iterable[Path],
    on_file: Callable[[], None] | None = None,
    plans: Mapping[Path, tuple[list[Finding], Plan | None]] | None = None,
) -> list[Finding]:
    """Every finding in these progress files, each checked against its plan with every other file of that plan
    as context (so a duplicate or a count going down across months is found even when one file is named).

    A file belongs to the plan `<id>` when it lies under `data/<id>/`; the plan is `targets/<id>.toml` beside
    that `data/` folder. `plans` holds what `read_plan` gave for plans already read, by resolved path.
    """
    by_plan: dict[tuple[Path, str], dict[Path, str]] = defaultdict(dict)
    findings: list[Finding] = []
    for path in paths:
        owner = _plan_of(path)
        if owner is None:
            findings.append(cell_finding(str(path), "D003", "文件不在 data/<计划编号>/ 下,不知道它属于哪个计划"))
        else:
            by_plan[owner][_located(path)] = str(path)
    for (root, plan_id), shown in by_plan.items():
        findings.extend(_check_plan_progress(root, plan_id, shown, on_file, plans or {}))
    return findings


def _check_plan_progress(
    root: Path,
    plan_id: str,
    shown: dict[Path, str],
    on_file: Callable[[], None] | None,
    plans: Mapping[Path, tuple[list[Finding], Plan | None]],
) -> list[Finding]:
    from mubiao.readers.plan import read_plan

    plan_path = root / "targets" / f"{plan_id}.toml"
    problem = None
    if not plan_path.is_file():
        code, problem = "D003", _no_plan_message(root, plan_id)
    else:
        plan_findings, plan = plans.get(plan_path.resolve()) or read_plan(plan_path)
        if plan is None:
            first = next(f.code for f in plan_findings if f.severity is Severity.ERROR)
            code, problem = "D004", f"计划 targets/{plan_id}.toml 有错误,未检查这个文件({first})"
    if problem is not None:
        for _ in shown if on_file else ():
            on_file()
        return [cell_finding(name, code, problem) for name in shown.values()]
    # every file of the plan is read, as the user named it or relative to the current folder, for context
    context = {_located(path): _shown_path(path) for path in progress_files(plan, root)}
    files = [Path(name) for name in sorted((context | shown).values())]
    wanted = set(shown.values())

    def read(path: Path) -> None:
        if on_file and str(path) in wanted:
            on_file()

    # cache=False: checking writes nothing, not even a cache (it runs in pre-commit hooks and CI)
    return [f for f in read_progress(plan, root, files, on_file=read, cache=False).findings if f.file in wanted]


def _shown_path(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


def _no_plan_message(root: Path, plan_id: str) -> str:
    if _MONTH_FOLDER.fullmatch(plan_id):
        return f"月份目录 {plan_id}/ 应放在 data/<计划编号>/ 下,如 data/<计划编号>/{plan_id}/"
    plans = sorted(p.stem for p in (root / "targets").glob("*.toml"))
    known = f";targets/ 中有:{'、'.join(plans)}" if plans else ""
    return f"找不到计划文件 targets/{plan_id}.toml(文件应在 data/<计划编号>/ 下{known})"


def _located(path: Path) -> Path:
    """Where a file is, absolute, its folders' links followed but not its own: a link in data/ to a file elsewhere
    in the workspace is a progress file where the link is (readers/listing.py)."""
    return path.absolute().parent.resolve() / path.name


def _plan_of(path: Path) -> tuple[Path, str] | None:
    """(workspace root, plan id) for a file under `<root>/data/<plan-id>/`, as absolute paths."""
    resolved = _located(path)
    for ancestor in resolved.parents:
        if ancestor.name == "data":
            inside = resolved.relative_to(ancestor).parts
            return (ancestor.parent, inside[0]) if len(inside) >= 2 else None
    return None
