"""The workspace (docs/contract.md §1): which plan a command means, and where its data and reports go."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable, ContextManager, Iterator

from mubiao.errors import WorkspaceError
from mubiao.models import Plan

if TYPE_CHECKING:
    import datetime as dt

    from mubiao.analysis.gaps import Gaps
    from mubiao.analysis.history import History
    from mubiao.analysis.report import Report
    from mubiao.analysis.summary import Summary
    from mubiao.readers.progress import ProgressRead

#: `reading(total)`: a context around reading `total` progress files, yielding a callback to call per file.
Reading = Callable[[int], ContextManager[Callable[[], None]]]


#: What to do where there is no workspace: the hint of every command run outside one.
NOT_A_WORKSPACE = "请 cd 到工作区、即含 targets/ 的目录再运行,或用 --root 指定工作区;新建工作区:mubiao init 目录名"


def plan_path(root: str | Path, plan: str | None = None) -> Path:
    """The plan file a command means: `--plan` as a path or an id in `targets/`, else the only plan there.

    Raises WorkspaceError when there is no such plan, or several and no `--plan` to choose.
    """
    targets = Path(root) / "targets"
    if plan:
        given = Path(plan)
        if given.suffix == ".toml" or len(given.parts) > 1:
            if given.is_file():
                return given
            raise WorkspaceError("找不到计划文件", file=given)
        candidate = targets / f"{plan}.toml"
        if candidate.is_file():
            return candidate
        raise WorkspaceError(f"targets/ 中没有计划“{plan}”", file=targets, hint=_choices(targets))
    plans = sorted(targets.glob("*.toml")) if targets.is_dir() else []
    if len(plans) == 1:
        return plans[0]
    if not plans:
        raise WorkspaceError("没有找到计划:targets/ 中没有 *.toml", file=targets, hint=NOT_A_WORKSPACE)
    raise WorkspaceError(f"targets/ 中有 {len(plans)} 个计划,请用 --plan 指定一个", file=targets,
                         hint=_choices(targets))


def _choices(targets: Path) -> str:
    ids = [p.stem for p in sorted(targets.glob("*.toml"))] if targets.is_dir() else []
    return f"可选:{'、'.join(ids)}" if ids else "targets/ 中没有计划"


def open_plan(root: str | Path, plan: str | None = None) -> Plan:
    """Load the plan a command means (see `plan_path`). Raises WorkspaceError or PlanError."""
    from mubiao.readers.plan import load_plan

    return load_plan(plan_path(root, plan), cache_root=root)


def reports_folder(root: str | Path, plan: Plan, *parts: str) -> Path:
    """`reports/<plan-id>/<parts…>`: where a plan's generated files go by default. Raises WorkspaceError when a
    link takes that folder out of the workspace: mubiao writes outside it only where `-o` says."""
    from mubiao.readers.listing import is_inside

    folder = Path(root, "reports", plan.id, *parts)
    if not is_inside(root, folder):
        raise WorkspaceError("reports/ 经链接指向工作区之外,mubiao 不会写到那里", file=folder,
                             hint="删除这个链接,或用 -o 明确指定输出位置")
    return folder


def output_path(root: str | Path, path: str | Path) -> Path:
    """`path` if a command may write there: never inside the workspace's inputs (`targets/`, `data/`), so that
    no output can overwrite a plan or a county's file. Raises WorkspaceError otherwise."""
    path = Path(path)
    resolved = path.resolve()
    for inputs in ("targets", "data"):
        folder = (Path(root) / inputs).resolve()
        if resolved == folder or folder in resolved.parents:
            raise WorkspaceError(f"不能把输出写进 {inputs}/:那里是输入文件(计划和各县报送的数据)", file=path,
                                 hint="请写到 reports/ 或其他目录")
    return path


def open_gaps(root: str | Path, plan: str | None = None, as_of: str | None = None,
              reading: Reading | None = None, strict: bool = False, since: str | None = None) -> "Gaps":
    """The gap report of a workspace's plan at `as_of` (a date or a month; default the latest month with
    data): plan, progress files and engine in one call. Raises WorkspaceError, PlanError or ProgressError.

    `reading(total)`, if given, is entered around the reading of the progress files and yields a callback
    to call once per file read (the CLI's progress bar).

    A file with errors does not stop it: its rows (or the file) that were refused are not counted, and the
    result's `problems` says so (docs/progress-files.md, "One bad file"); `strict` raises at the first error."""
    from mubiao.analysis.gaps import compute_gaps

    with _progress(root, plan, as_of, reading, strict) as (the_plan, progress, day):
        gaps = _read_with(compute_gaps(the_plan, progress, day), progress, root)
        return _compared(gaps, progress, since) if since is not None else gaps


def open_report(root: str | Path, plan: str | None = None, as_of: str | None = None,
                reading: Reading | None = None, area: str | None = None, strict: bool = False,
                since: str | None = "previous", issue: int | None = None) -> "Report":
    """The monthly report (月度通报) of a workspace's plan at `as_of`: the gap rows and the counties' notes; of
    one region of a deeper plan with `area` (its id or name); compared with the month before (or `since`, a
    month; None: with none); numbered `issue` (第N期), else as the plan's `first_issue` counts."""
    from mubiao.analysis.report import build_report
    from mubiao.selection import area_options, choose

    with _progress(root, plan, as_of, reading, strict) as (the_plan, progress, day):
        chosen = None if area is None else choose("区域", [area], area_options(the_plan))[0]
        report = build_report(the_plan, progress, day, chosen)
        gaps = _read_with(report.gaps, progress, root)
        return replace(report, gaps=_compared(gaps, progress, since) if since is not None else gaps).numbered(issue)


def open_summaries(root: str | Path, counties: list[str | None] | None, plan: str | None = None,
                   as_of: str | None = None, reading: Reading | None = None,
                   strict: bool = False) -> list["Summary"]:
    """The year-end summary facts of each area in `counties` (an entry None: the city; else a county id or
    name; `counties` None: every county of the plan), from one reading of the workspace."""
    from mubiao.analysis.gaps import compute_gaps
    from mubiao.analysis.notes import latest_notes
    from mubiao.analysis.summary import summary_of
    from mubiao.models import CITY
    from mubiao.selection import choose, county_options

    with _progress(root, plan, as_of, reading, strict) as (the_plan, progress, day):
        gaps = _read_with(compute_gaps(the_plan, progress, day), progress, root)
        notes = latest_notes(the_plan, progress, gaps.period)
    if counties is None:
        counties = [county.id for county in the_plan.counties]
    areas = [None if c is None else choose(the_plan.levels.unit, [c], county_options(the_plan))[0] for c in counties]
    return [summary_of(gaps, notes, None if area == CITY else area) for area in areas]


def open_history(root: str | Path, indicator: str, plan: str | None = None, as_of: str | None = None,
                 reading: Reading | None = None, strict: bool = False) -> "History":
    """One indicator (by id or name) across the counties and months of a workspace's plan."""
    from mubiao.analysis.history import indicator_history
    from mubiao.selection import choose, indicator_options

    with _progress(root, plan, as_of, reading, strict) as (the_plan, progress, day):
        [indicator_id] = choose("指标", [indicator], indicator_options(the_plan))
        history = indicator_history(the_plan, progress, indicator_id, day)
        return replace(history, gaps=_read_with(history.gaps, progress, root))


def _compared(gaps: "Gaps", progress: "ProgressRead", since: str) -> "Gaps":
    """The gaps with the rows of an earlier month beside them (`Gaps.before`): `since` a month (or a date in
    it) before the as-of month, or `previous` (the month before; none in the plan's first month). A month for which
    nothing was reported is not compared with (`Gaps.unreported_since`)."""
    from mubiao.analysis.gaps import compute_gaps
    from mubiao.numbers import CellError, month_end, month_of, parse_as_of
    from mubiao.readers.layout import month_number, month_text

    plan = gaps.plan
    if since == "previous":
        number = month_number(gaps.period) - 1
        if number < month_number(plan.first_month):
            return gaps
        period = month_text(number)
    else:
        try:
            period = month_of(parse_as_of(since))
        except CellError as exc:
            raise WorkspaceError(f"--since {exc}") from None
        if not plan.first_month <= period < gaps.period:
            raise WorkspaceError(f"--since {period} 应在计划开始({plan.first_month})之后、截至月份 {gaps.period} 之前",
                                 hint="如 --as-of 2021-06 --since 2021-05")
    before = compute_gaps(plan, progress, month_end(period))
    done = before.completeness
    if done.reported == 0 and len(done.own_missing) == done.own_expected:  # no report at all that month
        return replace(gaps, unreported_since=period)
    return replace(gaps, before=before.within(gaps.area) if gaps.area is not None else before)


def _read_with(gaps: "Gaps", progress: "ProgressRead", root: str | Path) -> "Gaps":
    """The gaps with what the read says beside the rows: the files' errors gone past (`problems`) and when the
    month's files came in (`timeliness`, where the plan names a due day)."""
    from mubiao.analysis.timeliness import timeliness

    plan = gaps.plan
    if plan.due_day is None:
        return replace(gaps, problems=progress.problems)
    due: set[str] = set()
    for ind in plan.indicators:
        due.update(county.id for county in plan.reporting_counties(ind))
    table = gaps.table
    now = table.periods.index(gaps.period) if gaps.period in table.periods else -2
    reported = {table.counties[code] for code in set(table.county[table.reported_period == now].tolist())
                if code >= 0}
    return replace(gaps, problems=progress.problems,
                   timeliness=timeliness(plan, root, gaps.period,
                                         [county.id for county in plan.counties if county.id in due], reported))


@contextmanager
def _progress(root: str | Path, plan: str | None, as_of: str | None, reading: Reading | None,
              strict: bool = False) -> Iterator[tuple[Plan, "ProgressRead", "dt.date | None"]]:
    """The plan, its progress files read (with `strict`, ProgressError at the first error, as `load_progress`;
    else the valid records, the errors in `problems`) and the date; the store is let go (for another mubiao to
    use) when the caller is done."""
    from contextlib import ExitStack

    from mubiao.numbers import CellError, parse_as_of
    from mubiao.readers.progress import read_progress, read_progress_or_raise

    the_plan = open_plan(root, plan)
    day = None
    if as_of is not None:
        try:
            day = parse_as_of(as_of)
        except CellError as exc:
            raise WorkspaceError(f"--as-of {exc}") from None
        if day < the_plan.start:  # as `form --period` refuses a month outside the plan: every row would be 未报送
            raise WorkspaceError(f"--as-of {day.isoformat()} 在计划开始({the_plan.start.isoformat()})之前",
                                 hint=f"请写计划期内的日期或月份,如 {the_plan.last_month}")
    with ExitStack() as bar:  # the bar starts once the files are listed, with its total
        steps: list[Callable[[], None]] = []
        progress = (read_progress_or_raise if strict else read_progress)(
            the_plan, root, on_count=None if reading is None else (
                lambda total: steps.append(bar.enter_context(reading(total)))),
            on_file=None if reading is None else (lambda _path: steps[0]()))
    with progress:
        yield the_plan, progress, day
