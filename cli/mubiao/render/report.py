"""The files of the monthly report (`mubiao report`), one renderer per file, all from the same `Report`.

Each renderer returns the file's text or bytes; only the command writes them (atomically). Same report in,
same bytes out: nothing here reads the clock or the machine.
"""

from __future__ import annotations

from typing import Callable

from mubiao.analysis.report import Report
from mubiao.render.gaps import render_json
from mubiao.render.report_html import render_html
from mubiao.render.report_md import render_md
from mubiao.render.report_xlsx import render_xlsx

#: File name → renderer, in the order the command writes (and lists) them.
REPORT_FILES: dict[str, Callable[[Report], str | bytes]] = {
    "report.html": render_html,
    "report.md": render_md,
    "gaps.xlsx": render_xlsx,
    "gaps.json": lambda report: render_json(report.gaps),
}
