"""The inbox (`mubiao intake`, docs/progress-files.md "The inbox"): files as staff received them, by mail or
chat and under any name (`罗店镇3月报表(1).xlsx`, `附件2.xls`), each worked out (unit and month from its columns,
title rows and name, as the readers take them), checked as `mubiao check` checks it, and filed as
`data/<plan>/<YYYY-MM>/<unit id>.<suffix>`. The originals are never modified or moved; a file already there is
replaced only when asked, and then kept under `data/<plan>/.history/` (hidden from the readers), never lost.
"""

from __future__ import annotations

import datetime as dt
import filecmp
import os
import shutil
import tempfile
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Iterable

from mubiao.checks.findings import Finding, Severity
from mubiao.errors import ProgressError
from mubiao.models import CITY, Plan


class Outcome(str, Enum):
    """What became of a file."""

    FILED = "filed"
    """Copied into its place (`replaced`: over a different file, which went to the history folder)."""
    REPLACED = "replaced"
    UNCHANGED = "unchanged"
    """The same bytes are already in its place: nothing to do."""
    DIFFERENT = "different"
    """Another file is in its place (the same unit and month): not filed without `--replace`."""
    REFUSED = "refused"
    """It has errors: what the sender must fix is in `message`."""
    UNKNOWN = "unknown"
    """Not recognised as a return of this plan: no unit or no month could be worked out, or no table."""


@dataclass(frozen=True)
class Intake:
    """One file's outcome: where it goes (relative to the workspace), whose and which month it is, and what to
    say (for a refusal, the text a person can paste back to the unit)."""

    source: Path
    outcome: Outcome
    area: str | None = None
    """The unit's id (`city` for the bureau's own)."""
    period: str | None = None
    target: Path | None = None
    message: str = ""


def _files(paths: Iterable[Path]) -> list[Path]:
    """The files intake looks at: those named, and every file in a folder named (hidden files and Excel's `~$`
    lock files left out), sorted; what is no table is said as not recognised."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith((".", "~$")))
        else:
            found.append(path)
    return found


def intake(plan: Plan, root: Path, paths: Iterable[Path], *, dry_run: bool = False,
           replace: bool = False, received: dt.datetime | None = None) -> list[Intake]:
    """Each file of `paths` (files, or folders searched for tables) worked out, checked and, unless `dry_run`,
    filed into the workspace `root`; a file already in its place with other bytes is replaced (and kept in the
    history folder) only with `replace`. Each file filed is written down in the plan's receipts as received at
    `received` (default: now), unless its place has a receipt already: a month's file came when it first came
    (docs/progress-files.md, "When files came in")."""
    from mubiao.analysis.timeliness import Receipt, read_receipts, write_receipts
    from mubiao.readers.layout import Lookup, from_plan_folder

    lookup = Lookup(plan)
    results = []
    now = dt.datetime.now()
    stamp = now.strftime("%Y%m%d-%H%M%S")
    for source in _files(paths):
        result = _one(plan, lookup, root, source)
        if result.outcome is Outcome.FILED and result.target is not None:
            result = _file(root, result, dry_run, replace, stamp)
        results.append(result)
    filed = [r for r in results if r.outcome in (Outcome.FILED, Outcome.REPLACED) and r.target is not None]
    if filed and not dry_run:
        receipts = read_receipts(plan, root)
        for result in filed:
            key = from_plan_folder(str(result.target), plan.id)  # data/<plan>/2022-03/luodian.csv → 2022-03/…
            receipts.setdefault(key, Receipt(key, (received or now).replace(second=0, microsecond=0),
                                             result.source.name))
        write_receipts(plan, root, receipts.values())
    return results


def _one(plan: Plan, lookup, root: Path, source: Path) -> Intake:
    """Whose return `source` is, for which month, and whether it reads without an error."""
    from mubiao.readers.layout import layout_of, origin_of
    from mubiao.readers.listing import NOT_A_TABLE
    from mubiao.readers.tables import TABLE_SUFFIXES, read_raw_table

    if source.suffix.lower() not in TABLE_SUFFIXES:
        return Intake(source, Outcome.UNKNOWN, message=NOT_A_TABLE)
    from mubiao.readers.wide import SUMMARY_STEM, reshaper

    try:
        raw = read_raw_table(source, reshaper(lookup))
    except ProgressError as exc:
        outcome = Outcome.UNKNOWN if exc.code == "D101" else Outcome.REFUSED
        return Intake(source, outcome, message=_paste_back(source, [exc.described()]))
    layout = layout_of(raw.header, raw.width, raw.header_row)
    found: list[Finding] = []
    origin = origin_of(str(source), layout, lookup, found, raw.above)
    area = _only(raw, layout, "county", lookup.area) if "county" in layout.columns else None
    if raw.wide is not None:  # a summary sheet of many units: filed as the month's summary (汇总)
        area = -1
    if area is None and origin is not None and origin.area >= 0:
        area = origin.area
    month = _only(raw, layout, "period", _month) if "period" in layout.columns else None
    if month is None and origin is not None and origin.month >= 0:
        month = origin.month
    if area is None or month is None:
        missing = "填报单位" if area is None else "月份"
        return Intake(source, Outcome.UNKNOWN, message=f"认不出{missing}:文件中没有{missing}列或标题行,文件名里也没有;"
                                                       f"请在表头上方写“填报单位:…”和“2022年3月”,或用 mubiao form 生成的填报表")
    area_id = SUMMARY_STEM if area == -1 else CITY if area == 0 else plan.coded_areas[area - 1].id
    from mubiao.readers.layout import month_text

    period = month_text(month)
    target = Path("data") / plan.id / period / f"{area_id}{source.suffix.lower()}"
    errors = _errors(plan, source, target)
    if errors:
        return Intake(source, Outcome.REFUSED, area_id, period, target, _paste_back(source, errors))
    return Intake(source, Outcome.FILED, area_id, period, target)


def _only(raw, layout, field: str, read) -> int | None:
    """The one code the cells of a column give (`read` of each non-blank cell), None when none or several."""
    from mubiao.numbers import CellError, is_blank

    at = layout.columns[field] - 1
    codes = set()
    for row in raw.body:
        if at < len(row) and not is_blank(row[at]):
            try:
                codes.add(read(row[at]))
            except CellError:
                return None
    codes.discard(None)
    return codes.pop() if len(codes) == 1 else None


def _month(cell) -> int | None:
    from mubiao.numbers import parse_period
    from mubiao.readers.layout import month_number

    period = parse_period(cell)
    return None if period is None else month_number(period)


def _errors(plan: Plan, source: Path, target: Path) -> list[str]:
    """The errors of `source` read as it will be read in its place (`target`): in a scratch workspace, so that
    nothing of the real one is touched before the file is good."""
    from mubiao.readers.progress import read_progress

    with tempfile.TemporaryDirectory(prefix="mubiao-intake-") as scratch:
        placed = Path(scratch) / target
        placed.parent.mkdir(parents=True)
        shutil.copyfile(source, placed)
        with read_progress(plan, scratch, files=[placed], cache=False) as read:
            return [_worded(f) for f in read.file_findings if f.severity is Severity.ERROR]


def _worded(finding: Finding) -> str:
    where = f"第 {finding.line} 行" if finding.line else "文件"
    return f"{where}:{finding.message}"


#: How many of a file's errors go into the text sent back: the unit fixes these and sends it again.
ERRORS_SENT_BACK = 5


def _paste_back(source: Path, errors: list[str]) -> str:
    """What to send back to the unit: the file, what is wrong (the first few), and what to do."""
    shown = ";".join(errors[:ERRORS_SENT_BACK])
    more = f";另有 {len(errors) - ERRORS_SENT_BACK} 处" if len(errors) > ERRORS_SENT_BACK else ""
    return f"《{source.name}》有问题:{shown}{more}。请改正后重新报送。"


def _file(root: Path, result: Intake, dry_run: bool, replace: bool, stamp: str) -> Intake:
    """Copy the file into its place (or say it is already there); an existing other file of the same unit and
    month is replaced only with `replace`, and moved to the history folder first."""
    from mubiao.io import write_atomic

    target = root / result.target
    existing = [p for p in target.parent.glob(f"{target.stem}.*") if p.is_file()] if target.parent.is_dir() else []
    same = [p for p in existing if filecmp.cmp(p, result.source, shallow=False)]
    if same:
        return Intake(result.source, Outcome.UNCHANGED, result.area, result.period, same[0].relative_to(root),
                      "已在数据目录中,内容相同")
    if existing and not replace:
        return Intake(result.source, Outcome.DIFFERENT, result.area, result.period, existing[0].relative_to(root),
                      f"{existing[0].name} 已在,内容不同;确认后加 --replace 替换(旧文件保存在 .history/)")
    if dry_run:
        return Intake(result.source, Outcome.REPLACED if existing else Outcome.FILED, result.area, result.period,
                      result.target, "(试运行,未写入)")
    history = root / "data" / result.target.parts[1] / ".history" / result.period
    for old in existing:
        history.mkdir(parents=True, exist_ok=True)
        os.replace(old, history / f"{old.stem}.{stamp}{old.suffix}")  # kept, out of the readers' way
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(target, result.source.read_bytes())
    return Intake(result.source, Outcome.REPLACED if existing else Outcome.FILED, result.area, result.period,
                  result.target, "旧文件已移至 .history/" if existing else "")
