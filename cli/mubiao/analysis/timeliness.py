"""When the month's files came in (docs/progress-files.md, "When files came in").

A plan may say by which day of the next month a month's files are due (`[plan] due_day = 5`). `mubiao intake`
writes down when it filed each file, in the plan's receipts (`data/<plan-id>/.received.csv`: the file from the
plan's folder on, when it was received, the name it came under); `timeliness` then counts, for a month, the units
whose file came in by the due day (DHIS2's "reporting rate on time"), those whose came in later, and those that
reported with no receipt written down (a file put into the folder by hand: when it came is not known, and it is
counted as neither).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from mubiao.models import CITY, Plan

#: The receipts of a plan, in its progress folder (a hidden file: the readers pass it over).
RECEIPTS = ".received.csv"

#: The receipts' columns: the file from the plan's folder on (`2022-03/luodian.csv`), when it was received
#: (ISO date and time, to the minute), the name it was received under.
RECEIPT_COLUMNS = ("文件", "收到时间", "收到的文件名")


@dataclass(frozen=True)
class Receipt:
    file: str
    received: dt.datetime
    name: str


@dataclass(frozen=True)
class Timeliness:
    """Who sent the month's file by the due day: the units (ids) on time, late (with when), and not known."""

    period: str
    due: dt.date
    due_units: tuple[str, ...]
    """The units due to report this month, in plan order."""
    on_time: tuple[str, ...]
    late: tuple[tuple[str, dt.datetime], ...]
    unknown: tuple[str, ...]
    """Units that reported this month with no receipt: when their file came is not known."""

    @property
    def expected(self) -> int:
        """How many units are due to report this month."""
        return len(self.due_units)

    def narrowed(self, units: set[str]) -> Timeliness:
        """The same of these units only (a view of some areas: `Gaps.select`)."""
        return Timeliness(self.period, self.due, tuple(u for u in self.due_units if u in units),
                          tuple(u for u in self.on_time if u in units),
                          tuple((u, when) for u, when in self.late if u in units),
                          tuple(u for u in self.unknown if u in units))

    @property
    def rate(self) -> float | None:
        """The share of the units due that sent their file by the due day."""
        return len(self.on_time) / self.expected if self.expected else None

    def as_dict(self) -> dict:
        return {"due": self.due.isoformat(), "expected": self.expected, "on_time": len(self.on_time),
                "rate": self.rate, "late": [{"county": county, "received": when.isoformat(timespec="minutes")}
                                            for county, when in self.late],
                "unknown": list(self.unknown)}


def due_date(plan: Plan, period: str) -> dt.date | None:
    """The day a month's files are due (`due_day` of the next month), or None when the plan does not say."""
    if plan.due_day is None:
        return None
    year, month = int(period[:4]), int(period[5:7])
    year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return dt.date(year, month, plan.due_day)


def receipts_path(plan: Plan, root: str | Path) -> Path:
    return Path(root) / "data" / plan.id / RECEIPTS


def read_receipts(plan: Plan, root: str | Path) -> dict[str, Receipt]:
    """The plan's receipts by file; none when there are none (a line that cannot be read is passed over: the
    receipts are mubiao's own, and a lost one only makes a file's time not known)."""
    path = receipts_path(plan, root)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return {}
    receipts = {}
    for row in csv.DictReader(io.StringIO(text)):
        try:
            when = dt.datetime.fromisoformat(row[RECEIPT_COLUMNS[1]])
        except (KeyError, TypeError, ValueError):
            continue
        file = (row.get(RECEIPT_COLUMNS[0]) or "").replace("\\", "/")
        if file:
            receipts[file] = Receipt(file, when, row.get(RECEIPT_COLUMNS[2]) or "")
    return receipts


def write_receipts(plan: Plan, root: str | Path, receipts: Iterable[Receipt]) -> None:
    """Write the plan's receipts (all of them, sorted by file), atomically."""
    from mubiao.io import write_atomic

    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(RECEIPT_COLUMNS)
    for receipt in sorted(receipts, key=lambda r: r.file):
        writer.writerow([receipt.file, receipt.received.isoformat(timespec="minutes"), receipt.name])
    path = receipts_path(plan, root)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, ("\ufeff" + out.getvalue()).encode("utf-8"))


def timeliness(plan: Plan, root: str | Path, period: str, due_units: Iterable[str],
               reported: Iterable[str]) -> Timeliness | None:
    """How the month's files of `due_units` came in against the plan's due day (None when it names none);
    `reported`: the units with a record of the month (a unit with no receipt and no record did not report)."""
    from mubiao.readers.layout import Lookup, named_by_path

    due = due_date(plan, period)
    if due is None:
        return None
    lookup = Lookup(plan)
    areas = (CITY, *(county.id for county in plan.counties))
    first: dict[str, dt.datetime] = {}
    for receipt in read_receipts(plan, root).values():
        if not receipt.file.startswith(period + "/"):
            continue
        named = named_by_path(f"{plan.id}/{receipt.file}", lookup)
        if named is not None and named[0] > 0:
            unit = areas[named[0]]
            first[unit] = min(first.get(unit, receipt.received), receipt.received)
    units = list(dict.fromkeys(due_units))
    reported_units = set(reported)
    on_time = tuple(u for u in units if u in first and first[u].date() <= due)
    late = tuple((u, first[u]) for u in units if u in first and first[u].date() > due)
    unknown = tuple(u for u in units if u not in first and u in reported_units)
    return Timeliness(period, due, tuple(units), on_time, late, unknown)
