"""A drafted document (the 年度工作总结 of `mubiao summary`) as plain blocks of text, before any file format.

The Markdown, HTML and Word renderers all take a `Draft`, so the three files carry the same words. Each span
of text knows the indicators whose figures it states, so a reviewer can trace every number (`--trace`).
"""

from __future__ import annotations

from dataclasses import dataclass

#: The variables a summary sentence template can use (docs/summary.md explains each); kept here, away from
#: jinja2 and the renderers, so that `mubiao check` can check a plan's own `summary` templates cheaply.
SENTENCE_VARIABLES = (
    "id", "name", "kind", "direction", "unit", "status", "status_word", "area", "city", "actual", "target",
    "baseline", "remaining", "remaining_unit", "rate", "expected", "deadline", "as_of", "as_of_day", "owner",
    "counties_total",
    "counties_met", "counties_short", "counties_missing", "year", "next_year", "causes", "progress", "measures",
    "due", "by_when", "exceeded", "change", "stage", "started", "node", "stretch_words", "verb_led",
)


@dataclass(frozen=True)
class Span:
    """A run of text, usually one sentence."""

    text: str
    indicators: tuple[str, ...] = ()
    """The ids of the indicators whose figures this text states (empty for connecting words)."""


@dataclass(frozen=True)
class Heading:
    """A first-level heading, numbered in its text: `一、2021年工作总结` (黑体 in Word)."""

    text: str


@dataclass(frozen=True)
class Paragraph:
    """A body paragraph (仿宋, first line indented two characters). `lead`, when given, is a second-level
    heading run in at the start of the paragraph, as the seeds write it: `(一)养老服务供给更加优质多元。` (楷体)."""

    spans: tuple[Span, ...]
    lead: str | None = None

    @property
    def text(self) -> str:
        return (self.lead or "") + "".join(span.text for span in self.spans)


@dataclass(frozen=True)
class Draft:
    """A whole draft: its title (小标宋, centred), the blocks in order, and the signature lines at the end
    (the organisation and the date, right-aligned)."""

    title: str
    blocks: tuple[Heading | Paragraph, ...]
    signature: tuple[str, ...] = ()
    language: str = "zh"
    addressee: str | None = None
    """The bureau a unit without a bureau of its own reports to (主送机关: `婺城区民政局:`), flush left under
    the title; None for a bureau's own summary."""


@dataclass(frozen=True)
class DocumentFonts:
    """The fonts of an official document (GB/T 9704-2012); a house style may name others (`style.toml`).
    Sizes are in points: 2号 = 22 pt, 3号 = 16 pt."""

    title: str = "方正小标宋简体"
    body: str = "仿宋_GB2312"
    heading1: str = "黑体"
    heading2: str = "楷体_GB2312"
    title_size: float = 22
    body_size: float = 16
