"""The colour of each status in documents (HTML, Excel), one palette for every file format.

Fills are light so that the status word printed on them stays readable in black and white print; the strong
colour is for chart bars and the text of the word. Hex RGB without `#` (openpyxl's form)."""

from __future__ import annotations

from dataclasses import dataclass

from mubiao.models import Status


@dataclass(frozen=True)
class StatusColour:
    fill: str
    """Cell background."""
    strong: str
    """Chart bars and the status word."""


STATUS_COLOURS = {
    Status.MET: StatusColour("D9F2E3", "1E7B46"),
    Status.ON_TRACK: StatusColour("DCEBFA", "1F5F9E"),
    Status.AT_RISK: StatusColour("FFF1C2", "9A6A00"),
    Status.BEHIND: StatusColour("FBD9D3", "B3261E"),
    Status.MISSED: StatusColour("E8B4AE", "7A1010"),
    Status.NO_DATA: StatusColour("ECECEC", "6B6B6B"),
    Status.NO_TARGET: StatusColour("F5F5F5", "8A8A8A"),
}
