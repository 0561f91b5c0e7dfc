"""The rules of progress files that look at several records together, and checking progress files by path.

Cell-level rules (a value that is not a number, an unknown county, …) are found while reading, in
`mubiao.readers.progress`; here are the ones that need every record of a plan: two records for one
(county, period, indicator), and a cumulative count that went down.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Mapping, Sequence

from mubiao.checks.findings import Finding, Severity
from mubiao.models import Kind, Plan
from mubiao.numbers import TOLERANCE, format_number
from mubiao.readers.progress import Record, cell_finding, cell_ref, progress_files, read_progress

if TYPE_CHECKING:
    import numpy

    from mubiao.readers.batch import RecordColumns, Vocabulary

_MONTH_FOLDER = re.compile(r"\d{4}-\d{2}")


def cross_record_findings(plan: Plan, records: "RecordColumns", vocabulary: "Vocabulary", files: Sequence[str],
                          columns: Mapping[str, Mapping[str, int]]) -> list[Finding]:
    """D201/D202 for a (county, period, indicator) reported twice, D203 for a count that went down.

    The records are looked at as whole columns; only those a rule may speak of are turned into Records and
    judged one by one, so that a country's millions of clean records cost a few numpy passes."""
    import numpy as np

    def records_at(positions) -> list[Record]:
        return records.records(positions, vocabulary, files, columns)

    key = (records.county.astype(np.int64) * len(vocabulary.periods) + records.period) * len(vocabulary.indicators) \
        + records.indicator
    # most tables repeat nothing: one plain sort says so, and only the records of repeated keys are looked at
    ordered = np.sort(key)
    repeated_keys = ordered[1:][ordered[1:] == ordered[:-1]]
    first = np.ones(len(key), dtype=bool)  # the first record of its key, in table order
    findings = []
    if len(repeated_keys):
        repeated = np.flatnonzero(np.isin(key, repeated_keys))
        findings = _repeated(records_at(repeated))
        _, first_of_key = np.unique(key[repeated], return_index=True)  # (a stable sort: the first of each)
        first[repeated] = False
        first[repeated[first_of_key]] = True
    findings.extend(_cumulative_decreases(plan, [records_at(group) for group in _decreasing(plan, records, first)]))
    return findings


def _repeated(records: list[Record]) -> list[Finding]:
    """D201/D202 among records of keys reported more than once (in the order they were read)."""
    findings: list[Finding] = []
    first_of: dict[tuple[str, str, str], Record] = {}
    for record in records:
        key = (record.county, record.period, record.indicator)
        first = first_of.setdefault(key, record)
        if first is record:
            continue
        where = cell_ref(first.row, None) if first.file == record.file else f" {first.file} {cell_ref(first.row, None)}"
        if _same_figures(first, record):
            findings.append(_at(record, "indicator", "D202", f"{record.indicator} 已在{where}报送过,这一行重复"))
        else:
            findings.append(_at(record, _first_difference(first, record), "D201",
                                f"{record.indicator} 已在{where}报送为 {_figures(first)},这里却是 {_figures(record)};"
                                f"请删去错误的一条"))
    return findings


def _decreasing(plan: Plan, records: "RecordColumns", first: "numpy.ndarray") -> list["numpy.ndarray"]:
    """The positions of each series (a county's count indicator, its first record per month) in which the
    count goes below an earlier month's, each in month order."""
    import numpy as np

    counts = np.array([ind.kind is Kind.COUNT for ind in plan.indicators], dtype=bool)
    chosen = np.flatnonzero(first & counts[records.indicator] & ~np.isnan(records.value))
    series = records.county[chosen].astype(np.int64) * len(counts) + records.indicator[chosen]
    order = np.lexsort((records.period[chosen], series))
    chosen, series = chosen[order], series[order]
    values = records.value[chosen]
    starts = np.r_[True, series[1:] != series[:-1]] if len(series) else np.zeros(0, dtype=bool)
    group = np.cumsum(starts) - 1
    # A running maximum within each series, in one pass: values as their rank among all values, lifted by the
    # series number so that each series starts above every earlier one (exact, being integers).
    ordered, rank = np.unique(values, return_inverse=True)
    lift = group * (len(ordered) + 1)
    highest = np.maximum.accumulate(rank + lift) - lift
    earlier = np.r_[-np.inf, ordered[highest[:-1]]] if len(values) else values
    earlier[starts] = -np.inf
    dropped = np.unique(group[values < earlier - TOLERANCE])
    bounds = np.r_[np.flatnonzero(starts), len(chosen)]  # where each series begins and ends in `chosen`
    return [chosen[bounds[g] : bounds[g + 1]] for g in dropped]


def _cumulative_decreases(plan: Plan, series: Iterable[list[Record]]) -> list[Finding]:
    """D203 in each series of a county's count records, in month order."""
    findings = []
    for months in series:
        highest: Record | None = None
        for record in months:
            if highest is not None and record.value < highest.value - TOLERANCE:
                findings.append(_at(record, "value", "D203",
                                    f"累计数 {format_number(record.value)} 比 {highest.period} 的 "
                                    f"{format_number(highest.value)} 少(应填年初以来的累计数)"))
            if highest is None or record.value > highest.value:
                highest = record
    return findings


def _same_figures_of(x, y) -> bool:
    if x is None or y is None:
        return x is y
    if isinstance(x, float) and isinstance(y, float):
        return abs(x - y) <= TOLERANCE
    return x == y


def _same_figures(a: Record, b: Record) -> bool:
    return all(_same_figures_of(x, y) for x, y in zip(a.figures, b.figures))


def _first_difference(a: Record, b: Record) -> str:
    """The field of the first figure in which two records differ (the cell a finding should point at)."""
    for name in ("value", "numerator", "denominator", "done_on"):
        if not _same_figures_of(getattr(a, name), getattr(b, name)):
            return name
    return "value"


def _figures(record: Record) -> str:
    if record.numerator is not None or record.denominator is not None:
        return f"{format_number(record.numerator)}/{format_number(record.denominator)}"
    if record.value is None:
        return "空"
    return format_number(record.value)


def _at(record: Record, column_of: str, code: str, message: str) -> Finding:
    column = record.columns.get(column_of) or record.columns.get("indicator")
    return cell_finding(record.file, code, message, record.row, column)


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
            by_plan[owner][path.resolve()] = str(path)
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
    context = {path.resolve(): _shown_path(path) for path in progress_files(plan, root)}
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


def _plan_of(path: Path) -> tuple[Path, str] | None:
    """(workspace root, plan id) for a file under `<root>/data/<plan-id>/`, as absolute paths."""
    resolved = path.resolve()
    for ancestor in resolved.parents:
        if ancestor.name == "data":
            inside = resolved.relative_to(ancestor).parts
            return (ancestor.parent, inside[0]) if len(inside) >= 2 else None
    return None
