"""The terminal view of one indicator (`mubiao show`): a sparkline per county, the expected path, the numbers
behind each status, and the counties' notes, newest first."""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, RenderResult
from rich.table import Table
from rich.text import Text

from mubiao.analysis.history import History
from mubiao.labels import labels
from mubiao.models import Kind
from mubiao.render.gaps import (STATUS_STYLES, actual_target_text, area_name, counties_text, display_number,
                                owner_name, paced, percent, reported_text, target_words, task_plan_text, task_text,
                                with_unit)
from mubiao.render.terminal import Wrapped

BLOCKS = "▁▂▃▄▅▆▇█"
#: A month with nothing reported.
GAP = "·"


def sparkline(values: tuple[float | None, ...], low: float, high: float) -> str:
    """One character a month, scaled so that `low` is the lowest block and `high` the highest."""
    span = high - low
    chars = []
    for value in values:
        if value is None:
            chars.append(GAP)
        elif span <= 0:
            chars.append(BLOCKS[-1])
        else:
            level = (min(max(value, low), high) - low) / span
            chars.append(BLOCKS[int(round(level * (len(BLOCKS) - 1)))])
    return "".join(chars)


class HistoryView:
    """`mubiao show`: the indicator's heading, one line per area, the expected line, then the notes."""

    def __init__(self, history: History, notes: int = 12) -> None:
        self.history = history
        self.notes = notes

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        history, words = self.history, labels(self.history.plan)
        plan, ind = history.plan, history.indicator
        yield Text.assemble((ind.id, "bold"), " ", (ind.name, "bold"))
        facts = []
        if ind.is_task:  # 督办事项 · 节点:6月底完成方案 · 期限12月底
            facts.append(task_plan_text(ind, words, history.as_of.year))
        elif ind.kind is not Kind.MILESTONE:
            facts.append(f"{words.target} {target_words(ind.target, ind.unit, ind.stretch, ind.ranged, words)}")
        if not ind.is_task:
            facts.append(f"期限 {ind.deadline.isoformat()}")
        facts += [f"{words.owner} {owner_name(plan, ind.owner)}",
                  f"{words.as_of} {history.as_of.isoformat()}"]
        yield Wrapped(" · ".join(facts), style="dim")
        if ind.source:
            yield Wrapped(f"原文:{ind.source}", style="dim")
        yield Text("")

        # as many months as fit beside the other columns (the latest ones)
        room = max(options.max_width - 12 - 24 - 10 - 9 - 5, 6)
        shown = min(len(history.months), room)
        months = history.months[-shown:]
        table = Table(box=None, padding=(0, 1, 0, 0), pad_edge=False, header_style="bold dim")
        table.add_column(words.county, no_wrap=True, max_width=12)
        table.add_column(f"{months[0]} → {months[-1]}", no_wrap=True, min_width=shown)
        table.add_column(words.actual_target, justify="right", no_wrap=True)
        table.add_column(words.progress, justify="right", no_wrap=True)
        table.add_column(words.status, no_wrap=True)
        table.add_column(words.reported, no_wrap=True)
        for series in history.series:
            row = series.row
            values = series.values[-shown:]
            low = min([row.baseline or 0.0, *(v for v in values if v is not None)])
            high = max([row.target if row.target is not None else low, *(v for v in values if v is not None)])
            name = area_name(plan, row.county, words)
            counties = counties_text(row)
            table.add_row(
                Text(name + (f" {counties}" if counties else ""), style="bold" if row.is_city else ""),
                sparkline(values, low, high), actual_target_text(row, words),
                task_text(row, words) if row.is_task else percent(row.progress),
                Text(words.statuses[row.status], style=STATUS_STYLES[row.status]),
                reported_text(row, history.gaps.refusal(row) is not None),
            )
            if row.is_city and not ind.kind.done_or_not:
                expected = history.expected[-shown:]
                table.add_row(Text(words.expected, style="dim"), Text(sparkline(expected, low, high), style="dim"),
                              Text(with_unit(display_number(row.expected, 1), ind.unit), style="dim"),
                              Text(percent(row.expected_progress) if paced(row) else "", style="dim"), "", "")
        yield table
        yield Text(words.sparkline_note.format(gap=GAP), style="dim")

        notes = history.notes
        if notes:
            yield Text("")
            yield Text(words.notes_heading, style="bold")
            limit = len(notes) if self.notes <= 0 else self.notes
            for note in notes[:limit]:
                yield Wrapped(f"{note.period} {area_name(plan, note.county, words)}:{note.text}")
            if len(notes) > limit:
                yield Text(f"…… 还有 {len(notes) - limit} 条,加 --notes 0 显示全部", style="dim")

