"""The charts of report.html as inline SVG: markup strings built here, so the page needs no script, no image
file and no network, and prints as sharply as its text.

Every piece of text that goes into a chart is escaped here (county and status names come from the plan); the
caller may pass the returned string on as trusted markup. Coordinates are written with one decimal, so the
same counts give the same bytes.
"""

from __future__ import annotations

import html
import unicodedata
from typing import Iterable, Mapping, Sequence

from mubiao.analysis.scoreboard import CountyScore
from mubiao.labels import Labels
from mubiao.models import Plan, Status
from mubiao.render.cells import text_only
from mubiao.render.colours import STATUS_COLOURS
from mubiao.render.gaps import SUMMARY_ORDER, area_name

#: The fonts of every chart's text: the page's own stack, so Chinese is laid out by a CJK font wherever the
#: page is opened (Noto/Source Han on Linux, PingFang on a Mac, YaHei on Windows).
FONT_STACK = ('"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei","Hiragino Sans GB",'
              "sans-serif")
#: The statuses a chart or table always shows, even at 0: a leader reads "未完成 0" as news too. The two that
#: cannot be judged (未报送, 无目标) are shown only when some indicator has them.
JUDGED = (Status.MET, Status.ON_TRACK, Status.AT_RISK, Status.BEHIND, Status.MISSED)

_FONT_SIZE = 13
_ROW = 26
_BAR = 16
_PAD = 8
_GAP = 8
_TEXT_GREY = "#333333"
_AXIS_GREY = "#9A9A9A"


def statuses_to_show(*counts: Mapping[Status, int]) -> tuple[Status, ...]:
    """The statuses worth a bar or a column, in SUMMARY_ORDER: the judged ones, and the others when any of
    `counts` has them."""
    return tuple(status for status in SUMMARY_ORDER
                 if status in JUDGED or any(found.get(status, 0) for found in counts))


def text_width(text: str, size: float = _FONT_SIZE) -> float:
    """About how wide `text` is at font `size` (px): a full-width character takes one em, others 0.6 em.
    Used only to leave room for labels, so an estimate on the generous side is enough."""
    return sum(size if unicodedata.east_asian_width(char) in "WF" else 0.6 * size for char in text)


def status_bars(counts: Mapping[Status, int], words: Labels, title: str, chart_id: str = "chart-statuses") -> str:
    """A horizontal bar per status (statuses_to_show order) with its count at the end of the bar: how many of
    the city's indicators stand at each status. `title` names the chart (its SVG <title>)."""
    shown = statuses_to_show(counts)
    labels = [words.statuses[status] for status in shown]
    label_width = max(text_width(label) for label in labels) + _GAP
    bar_area = 380.0
    count_area = 48.0
    width = _PAD + label_width + _GAP + bar_area + count_area
    height = 2 * _PAD + _ROW * len(shown)
    most = max((counts.get(status, 0) for status in shown), default=0) or 1
    bar_x = _PAD + label_width + _GAP

    parts = [_open(chart_id, title, width, height)]
    for index, (status, label) in enumerate(zip(shown, labels)):
        count = counts.get(status, 0)
        middle = _PAD + index * _ROW + _ROW / 2
        length = bar_area * count / most
        parts.append(_text(_PAD + label_width, middle, label, anchor="end"))
        if count:
            parts.append(_rect(bar_x, middle - _BAR / 2, max(length, 2.0), _BAR, _colour(status),
                               f"{label} {count}"))
        parts.append(_text(bar_x + length + 6, middle, str(count), bold=True))
    parts.append(f'<line x1="{_n(bar_x)}" y1="{_n(_PAD)}" x2="{_n(bar_x)}" y2="{_n(height - _PAD)}" '
                 f'stroke="{_AXIS_GREY}" stroke-width="1"/>')
    parts.append("</svg>")
    return "\n".join(parts)


def county_bars(scores: Sequence[CountyScore], plan: Plan, words: Labels, title: str,
                chart_id: str = "chart-counties") -> str:
    """One horizontal stacked bar per county, in the order of `scores` (the scoreboard's, best rank first): its
    indicators by status, each segment labelled with its count where it is wide enough, and the county's
    number of indicators at the end. A legend of the statuses runs along the top."""
    shown = statuses_to_show(*(score.statuses for score in scores))
    names = [area_name(plan, score.county, words) for score in scores]
    label_width = max((text_width(name) for name in names), default=0.0) + _GAP
    bar_area = 640.0
    total_area = 40.0
    legend_height = 28.0
    width = _PAD + label_width + _GAP + bar_area + total_area
    height = 2 * _PAD + legend_height + _ROW * len(scores)
    most = max((score.indicators for score in scores), default=0) or 1
    scale = bar_area / most
    bar_x = _PAD + label_width + _GAP

    parts = [_open(chart_id, title, width, height)]
    parts += _legend(shown, words, bar_x, _PAD + legend_height / 2 - 2)
    top = _PAD + legend_height
    for index, (score, name) in enumerate(zip(scores, names)):
        middle = top + index * _ROW + _ROW / 2
        parts.append(_text(_PAD + label_width, middle, name, anchor="end"))
        x = bar_x
        for status in shown:
            count = score.statuses.get(status, 0)
            if not count:
                continue
            segment = count * scale
            parts.append(_rect(x, middle - _BAR / 2, segment, _BAR, _colour(status),
                               f"{name} {words.statuses[status]} {count}"))
            if segment >= text_width(str(count), 11) + 6:
                parts.append(_text(x + segment / 2, middle, str(count), anchor="middle", size=11, fill="#FFFFFF"))
            x += segment
        parts.append(_text(x + 6, middle, str(score.indicators), bold=True))
    parts.append("</svg>")
    return "\n".join(parts)


# ------------------------------------------------------------------------------------------------ pieces


def _legend(shown: Iterable[Status], words: Labels, x: float, middle: float) -> list[str]:
    parts = []
    for status in shown:
        word = words.statuses[status]
        parts.append(_rect(x, middle - 5, 10, 10, _colour(status)))
        parts.append(_text(x + 14, middle, word, size=12))
        x += 14 + text_width(word, 12) + 16
    return parts


def _open(chart_id: str, title: str, width: float, height: float) -> str:
    chart_id = _escape(chart_id)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" id="{chart_id}" class="chart" role="img" '
            f'viewBox="0 0 {_n(width)} {_n(height)}" width="{_n(width)}" height="{_n(height)}" '
            f'aria-labelledby="{chart_id}-title">\n'
            f'<title id="{chart_id}-title">{_escape(title)}</title>')


def _text(x: float, y: float, text: str, anchor: str = "start", size: float = _FONT_SIZE, bold: bool = False,
          fill: str = _TEXT_GREY) -> str:
    weight = ' font-weight="bold"' if bold else ""
    return (f'<text x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}" dominant-baseline="central" '
            f'font-family="{_escape(FONT_STACK)}" font-size="{_n(size)}"{weight} fill="{fill}">'
            f"{_escape(text)}</text>")


def _rect(x: float, y: float, width: float, height: float, fill: str, tooltip: str | None = None) -> str:
    shape = f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(width)}" height="{_n(height)}" fill="{fill}"'
    if tooltip is None:
        return shape + "/>"
    return shape + f"><title>{_escape(tooltip)}</title></rect>"


def _colour(status: Status) -> str:
    return "#" + STATUS_COLOURS[status].strong


def _escape(text: str) -> str:
    """Text for the SVG: escaped, and without control characters (which XML cannot hold)."""
    return html.escape(text_only(text))


def _n(value: float) -> str:
    """A coordinate with one decimal: the same numbers always print the same."""
    return f"{value:.1f}"
