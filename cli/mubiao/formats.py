"""The output formats of each command, as enums: commands take them as options, renderers map them to code.

Kept apart from both so that a command's signature does not import its renderers (start-up time)."""

from __future__ import annotations

from enum import Enum


class FindingsFormat(str, Enum):
    """`mubiao check --format`."""

    TEXT = "text"
    JSON = "json"
    GITHUB = "github"


class FormFormat(str, Enum):
    """`mubiao form --format`."""

    XLSX = "xlsx"
    CSV = "csv"


class GapsFormat(str, Enum):
    """`mubiao gaps --format`."""

    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    MD = "md"


class GapsView(str, Enum):
    """`mubiao gaps --by`: rows by indicator (the default), or a scoreboard by county."""

    INDICATOR = "indicator"
    COUNTY = "county"


class SummaryFormat(str, Enum):
    """`mubiao summary --format`: a Word file to edit, or Markdown/HTML to read and review."""

    DOCX = "docx"
    MD = "md"
    HTML = "html"


class Level(str, Enum):
    """`mubiao init --level`: the bureau's level, which words its plan template uses."""

    CITY = "city"
    DISTRICT = "district"
    COUNTY = "county"
    PROVINCE = "province"
