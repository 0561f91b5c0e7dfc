"""Writes the INVENTED province sample `data/dongjiang-2024/` (see data/README.md): six months of returns of the
seven counties of the invented 东江省 (targets/dongjiang-2024.toml) and of 省本级. Every figure below is made
up; they are small and regular so that tests/analysis/test_areas_within_areas.py can work the roll-ups by hand.

    .venv/bin/python data/make_province.py
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

ROOT = Path(__file__).resolve().parent / "dongjiang-2024"
MONTHS = [f"2024-{m:02d}" for m in range(1, 7)]

#: Cumulative new centres, January to June.
ZHONGXIN = {"jiangbei": [0, 0, 1, 1, 2, 2], "jiangnan": [0, 1, 1, 1, 1, 1], "yunxi": [1, 1, 2, 3, 3, 4],
            "qingfeng": [0, 0, 0, 1, 1, 1], "shimen": [0, 1, 1, 2, 2, 3], "shahe": [0, 0, 1, 1, 1, 1],
            "baishui": [0, 0, 0, 0, 1, 1]}
#: The rural minimum-living standard in force (元/年), January to June.
DIBAO = {"jiangbei": [9000, 9000, 9000, 9360, 9360, 9360], "jiangnan": [9000, 9000, 9360, 9360, 9360, 9360],
         "yunxi": [9000] * 6, "qingfeng": [9000, 9000, 9000, 9000, 9000, 9300],
         "shimen": [9000, 9400, 9400, 9400, 9400, 9400], "shahe": [9000, 9000, 9000, 9000, 9300, 9300],
         "baishui": [9000, 9000, 9000, 9000, 9300, 9300]}
#: Nursing beds: (nursing beds in January, added each month, all beds).
HULI = {"jiangbei": (500, 10, 1000), "jiangnan": (300, 5, 600), "yunxi": (200, 8, 500),
        "qingfeng": (150, 3, 300), "shimen": (240, 4, 400), "shahe": (380, 6, 700), "baishui": (100, 2, 250)}
#: Cumulative social-work stations, January to June.
SHEGONG = {"jiangbei": [1, 1, 1, 2, 2, 2], "jiangnan": [0, 0, 1, 1, 1, 1], "yunxi": [0, 0, 0, 0, 1, 1],
           "qingfeng": [1, 1, 1, 1, 1, 1], "shimen": [0, 1, 1, 1, 2, 2], "shahe": [0, 0, 0, 1, 1, 1],
           "baishui": [0, 0, 0, 0, 0, 0]}
#: 3A marriage registry: the day it was done (only 青山市's counties carry the item).
HUNYIN = {"qingfeng": "2024-04-15", "shimen": None}
#: 白水县 never sent June's return.
NOT_SENT = {("baishui", "2024-06")}
NOTES = {("baishui", "2024-05", "G02-shegong"): "两个站点场地已落实,正在装修,预计8月挂牌"}


def rows(county: str, n: int, month: str) -> list[list[str]]:
    beds, added, total = HULI[county]
    found = [["G01-zhongxin", str(ZHONGXIN[county][n]), "", "", "", ""],
             ["G01-huli", "", str(beds + added * n), str(total), "", ""],
             ["G02-dibao", str(DIBAO[county][n]), "", "", "", ""],
             ["G02-shegong", str(SHEGONG[county][n]), "", "", "", ""]]
    if county in HUNYIN:
        done = HUNYIN[county]
        found.append(["G03-hunyin", *(["是", "", "", done] if done and done[:7] <= month else ["否", "", "", ""]),
                      ""])
    for row in found:
        row[-1] = NOTES.get((county, month, row[0]), "")
    return found


def write(path: Path, lines: list[list[str]]) -> None:
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n").writerows([["indicator", "value", "numerator", "denominator",
                                                         "done_on", "note"], *lines])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.getvalue().encode("utf-8-sig"))


def main() -> None:
    for n, month in enumerate(MONTHS):
        for county in ZHONGXIN:
            if (county, month) not in NOT_SENT:
                write(ROOT / month / f"{county}.csv", rows(county, n, month))
        write(ROOT / month / "city.csv", [["G01-guihua", "否", "", "", "", "初稿已形成,正在征求各市意见" if n >= 4 else ""]])


if __name__ == "__main__":
    main()
