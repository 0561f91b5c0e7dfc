"""A synthetic workspace for `make bench` (issue 7): N counties × M months × K indicators, from a fixed seed.

    .venv/bin/python tests/bench/make_workspace.py OUT --counties 100 --months 12 --indicators 200 [--seed 7]

writes, under OUT (deleted first):

    targets/bench.toml                      a valid plan: N counties c0001…, K scope-county indicators of all four
                                            kinds (count with allocation or per_county, level, ratio on scale 100
                                            and 10000, milestone), and two scope="city" indicators
    data/bench/<YYYY-MM>/<county>.csv       each county's monthly return as counties send it (docs/contract.md §3): UTF-8
                                            with BOM, `\\r\\n`, the Chinese form header; counts cumulative, levels,
                                            ratios as 分子/分母 with 完成值 empty, milestones 是/否 with 完成日期
    data/bench/<YYYY-MM>/city.csv           市本级: the scope="city" indicators
    bench-manifest.json                     what was generated (sizes, seed, rows, files), for `run.py` to reuse it

The data has what real returns have: notes on some rows (a few with commas and quotes, so CSV quoting is
exercised), some missing files, some absent rows and some blank cells. Everything comes from one
`random.Random(seed)` drawn in a fixed order, so the same arguments write byte-identical files. It writes text
directly (no pandas, no csv module): the national size, 2,844 × 12 × 200 ≈ 6.8 M rows in 34,000 files, is
written in about a minute.

Every rule `mubiao check` holds progress files to is kept by construction (no negative or decreasing counts,
numerator ≤ denominator on percentages, nothing above 10 × a county target, no duplicate rows), so a generated
workspace checks clean: the benchmark measures reading, not reporting errors.
"""

from __future__ import annotations

import argparse
import calendar
import json
import random
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

#: Bump when the output changes, so that `run.py` regenerates workspaces it cached under .bench/.
GENERATOR_VERSION = 2

PLAN_ID = "bench"
YEAR = 2021
HEADER = "县(市、区),月份,指标编号,指标名称,计量单位,完成值,分子,分母,完成日期,备注"
CITY_NAME = "市本级"

#: How often the data has the gaps real returns have.
MISSING_FILE = 0.01  # a county's return for a month never arrived
ABSENT_ROW = 0.004  # a row left out of a return
BLANK_ROW = 0.004  # a row whose figures are all blank (not reported, which is not zero)
NOTE = 0.03  # a row with a 备注

#: The kinds, repeating in this order over the scope-county indicators: 40 % count, 10 % level, 30 % ratio,
#: 20 % milestone.
KIND_CYCLE = ("count", "count", "ratio%", "milestone", "count", "level", "ratio10k", "count", "milestone", "ratio%")

#: At most this many counts carry a per-county `allocation` (one inline table of N keys each); the rest use
#: `per_county`. National plans allocate a few headline targets by area, not two hundred.
MAX_ALLOCATIONS = 10

_NAME_CHARS = ("安平江山河东西南北中新永宁兴华阳城台宝丰德泰昌和清康乐福嘉定远光明长春云海林松柏石桥"
               "龙凤川湖溪源金玉阜峰岭泉田沙湾浦汉渭洛临沂武文通")
_NAME_SUFFIXES = ("县", "市", "区")
_TOPICS = ("养老服务中心", "儿童之家", "社会工作站", "适老化改造", "婚姻登记机关", "殡葬设施", "救助服务站",
           "社区服务中心", "慈善组织", "志愿服务站", "残疾人康复点", "地名标志", "村规民约", "福利机构")
_COUNT_UNITS = ("个", "家", "户", "人", "处")
#: 备注 as counties write them: most with full-width punctuation, two with ASCII commas and quotes (CSV quoting).
_NOTES = (
    "已完成年度任务的{p}%，按计划推进",
    "受疫情影响，施工进度滞后，已督促加快推进",
    "选址调整，重新报批，预计下月开工",
    "山区乡镇施工条件差，已增派力量",
    '进度滞后, 原因:"社工招聘难", 已与高校合作定向招聘',
    "本月新增{p}个，累计数以验收为准",
    "数据经县局核对, 与上月口径一致",
)
_OWNERS = (("jiuzhu", "社会救助处"), ("yanglao", "养老服务处"), ("jiceng", "基层政权建设和社区治理处"),
           ("ertong", "儿童福利处"), ("shiwu", "社会事务处"), ("cishan", "慈善事业促进和社会工作处"))


@dataclass(frozen=True)
class Size:
    """A workspace's dimensions."""

    counties: int
    months: int
    indicators: int
    """Scope-county indicators: every county reports each of them every month."""
    random_counts: bool = False
    """Counts drawn month by month, often below an earlier month's (D203), as `mubiao check` finds in real data."""


@dataclass
class Indicator:
    id: str
    name: str
    kind: str  # count | level | ratio | milestone
    unit: str
    target: float
    baseline: float = 0
    scale: int | None = None
    scope: str = "county"
    per_county: int | None = None
    allocation: list[int] | None = None
    milestones: list[tuple[str, float]] = field(default_factory=list)
    prefix: str = ""
    """`指标编号,指标名称,计量单位,` as it starts every row of this indicator."""


def _toml_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def county_names(rng: random.Random, count: int) -> list[str]:
    """`count` distinct Chinese-looking county names (two characters and 县/市/区)."""
    pairs = len(_NAME_CHARS) ** 2
    total = pairs * len(_NAME_SUFFIXES)
    if count > total:
        raise SystemExit(f"at most {total} counties")
    names = []
    for index in rng.sample(range(total), count):
        pair, suffix = divmod(index, len(_NAME_SUFFIXES))
        first, second = divmod(pair, len(_NAME_CHARS))
        names.append(_NAME_CHARS[first] + _NAME_CHARS[second] + _NAME_SUFFIXES[suffix])
    return names


def make_indicators(rng: random.Random, size: Size) -> list[list[Indicator]]:
    """The plan's indicators, in goals of ten (the two scope="city" ones in the last goal)."""
    indicators: list[Indicator] = []
    allocations = 0
    for number in range(1, size.indicators + 1):
        goal = (number - 1) // 10 + 1
        ind_id = f"G{goal:02d}-i{number:03d}"
        topic = _TOPICS[number % len(_TOPICS)]
        kind = KIND_CYCLE[(number - 1) % len(KIND_CYCLE)]
        if kind == "count":
            unit = _COUNT_UNITS[number % len(_COUNT_UNITS)]
            ind = Indicator(ind_id, f"新建{topic}({number})", "count", unit, 0)
            if allocations < MAX_ALLOCATIONS and number % 4 == 1:
                allocations += 1
                ind.allocation = [1 + int(rng.random() * 20) for _ in range(size.counties)]
                ind.target = sum(ind.allocation)
            else:
                ind.per_county = 2 + int(rng.random() * 19)
                ind.target = ind.per_county * size.counties
                if number % 3 == 0:  # a half-year milestone on some counts
                    ind.milestones = [(f"{YEAR}-06-30", ind.target // 2)]
        elif kind == "level":
            base = rng.choice((1000, 5000, 10000, 12000))
            ind = Indicator(ind_id, f"{topic}补助标准({number})", "level", "元/年", base * 21 // 20, baseline=base)
        elif kind == "ratio%":
            ind = Indicator(ind_id, f"{topic}覆盖率({number})", "ratio", "%", 90, baseline=60, scale=100)
        elif kind == "ratio10k":
            ind = Indicator(ind_id, f"每万名老年人拥有{topic}服务人员数({number})", "ratio", "人/万名老年人", 18,
                            baseline=12, scale=10000)
        else:
            ind = Indicator(ind_id, f"{topic}工作全覆盖({number})", "milestone", "", 1)
        indicators.append(ind)
    goals = [indicators[start:start + 10] for start in range(0, len(indicators), 10)]
    last = len(goals)
    goals[-1].append(Indicator(f"G{last:02d}-city1", "全市专项规划编制", "milestone", "", 1, scope="city"))
    goals[-1].append(Indicator(f"G{last:02d}-city2", "市级示范项目", "count", "个", 12, scope="city"))
    for goal in goals:
        for ind in goal:
            ind.prefix = f"{ind.id},{ind.name},{ind.unit},"
    return goals


def plan_toml(size: Size, county_ids: list[str], names: list[str], goals: list[list[Indicator]]) -> str:
    """The plan as TOML text (docs/contract.md §2)."""
    lines = [
        "# A synthetic plan for `make bench` (tests/bench/make_workspace.py): every name and number is invented.",
        "[plan]",
        f'id = "{PLAN_ID}"',
        f'title = "基准测试计划({size.counties}县 × {size.months}月 × {size.indicators}项)"',
        'organization = "基准测试民政厅"',
        f"start = {YEAR}-01-01",
        f"end = {YEAR}-12-31",
        'language = "zh"',
        "",
    ]
    for county_id, name in zip(county_ids, names):
        lines += ["[[counties]]", f'id = "{county_id}"', f'name = "{name}"', ""]
    for owner_id, name in _OWNERS:
        lines += ["[[owners]]", f'id = "{owner_id}"', f'name = "{name}"', ""]
    for number, goal in enumerate(goals, start=1):
        lines += ["[[goals]]", f'id = "G{number:02d}"', f'title = "第{number}项任务"',
                  f'owner = "{_OWNERS[(number - 1) % len(_OWNERS)][0]}"', ""]
        for ind in goal:
            lines += ["  [[goals.indicators]]", f'  id = "{ind.id}"', f"  name = {_toml_string(ind.name)}",
                      f'  kind = "{ind.kind}"']
            if ind.unit:
                lines.append(f"  unit = {_toml_string(ind.unit)}")
            lines.append(f"  target = {_number(ind.target)}")
            if ind.baseline:
                lines.append(f"  baseline = {_number(ind.baseline)}")
            if ind.scale:
                lines.append(f"  scale = {ind.scale}")
            if ind.scope != "county":
                lines.append(f'  scope = "{ind.scope}"')
            if ind.milestones:
                points = ", ".join(f"{{ date = {day}, target = {_number(t)} }}" for day, t in ind.milestones)
                lines.append(f"  milestones = [ {points} ]")
            if ind.per_county is not None:
                lines.append(f"  per_county = {ind.per_county}")
            if ind.allocation is not None:
                pairs = ", ".join(f"{c} = {a}" for c, a in zip(county_ids, ind.allocation))
                lines.append(f"  allocation = {{ {pairs} }}")
            lines.append("")
    return "\n".join(lines)


def _month_days(months: int) -> list[int]:
    return [calendar.monthrange(YEAR, month)[1] for month in range(1, months + 1)]


def _note(rng: random.Random) -> str:
    text = rng.choice(_NOTES).replace("{p}", str(1 + int(rng.random() * 99)))
    if "," in text or '"' in text:
        text = '"' + text.replace('"', '""') + '"'
    return text


def county_cells(rng: random.Random, ind: Indicator, index: int, months: int, month_days: list[int],
                 random_counts: bool = False) -> list[str]:
    """One county's figures for one indicator, month by month: `完成值,分子,分母,完成日期` for each month.
    `random_counts`: a count's monthly figure is drawn around its pace without holding to the months before, so
    that it often falls below an earlier month's (D203: about a fifth of all records)."""
    random_ = rng.random
    if ind.kind == "count":
        target = ind.allocation[index] if ind.allocation is not None else ind.per_county
        final = int(target * (0.8 + 0.4 * random_()) + 0.5)  # some end short, some beyond
        cells, cumulative = [], 0
        for month in range(months):
            planned = final * (month + 1) / 12
            if random_counts:  # anywhere between none and the whole target
                cumulative = int(final * random_())
            else:
                cumulative = max(cumulative, min(final, int(planned * (0.8 + 0.4 * random_()))))
            cells.append(f"{cumulative},,,")
        return cells
    if ind.kind == "level":
        step = int(random_() * (months + 3))  # the month the standard goes up (maybe never, within the data)
        before = int(ind.baseline * (0.97 + 0.04 * random_()) / 10) * 10
        after = int(ind.target * (1.0 + 0.04 * random_()) / 10) * 10
        return [f"{before if month < step else after},,," for month in range(months)]
    if ind.kind == "ratio":
        if ind.scale == 100:
            denominator = 8 + int(random_() * 30)  # towns (乡镇、街道)
            start, end = 0.5 + 0.2 * random_(), 0.8 + 0.2 * random_()
        else:
            denominator = 30000 + int(random_() * 270000)  # the elderly population
            start, end = (10 + 4 * random_()) / 10000, (15 + 6 * random_()) / 10000
        cells, numerator = [], 0
        for month in range(months):
            planned = start + (end - start) * (month + 1) / 12
            numerator = max(numerator, min(denominator, int(denominator * planned)))
            cells.append(f",{numerator},{denominator},")
        return cells
    done = int(random_() * (months + 4))  # the month it is done (maybe not within the data)
    day = 1 + int(random_() * 28)
    done_on = f"{YEAR}-{done + 1:02d}-{min(day, month_days[done]):02d}" if done < months else ""
    return [f"是,,,{done_on}" if month >= done else "否,,," for month in range(months)]


def write_workspace(out: Path, size: Size, seed: int = 7, *, quiet: bool = False) -> dict:
    """Write the workspace under `out` (deleting what is there) and return its manifest. (`size.random_counts`:
    counts drawn month by month, see `county_cells`.)"""
    started = time.perf_counter()
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    (out / "targets").mkdir(parents=True)
    county_ids = [f"c{number:04d}" for number in range(1, size.counties + 1)]
    names = county_names(rng, size.counties)
    goals = make_indicators(rng, size)
    (out / "targets" / f"{PLAN_ID}.toml").write_text(plan_toml(size, county_ids, names, goals), encoding="utf-8")

    indicators = [ind for goal in goals for ind in goal]
    county_scope = [ind for ind in indicators if ind.scope == "county"]
    city_scope = [ind for ind in indicators if ind.scope == "city"]
    periods = [f"{YEAR}-{month:02d}" for month in range(1, size.months + 1)]
    labels = [f"{YEAR}年{month}月" for month in range(1, size.months + 1)]
    month_days = _month_days(size.months)
    folders = [out / "data" / PLAN_ID / period for period in periods]
    for folder in folders:
        folder.mkdir(parents=True)

    rows = files = 0
    random_ = rng.random
    for index, (county_id, name) in enumerate(zip(county_ids, names)):
        columns = [county_cells(rng, ind, index, size.months, month_days, size.random_counts) for ind in county_scope]
        for month in range(size.months):
            if random_() < MISSING_FILE:
                continue
            start = f"{name},{labels[month]},"
            lines = ["\ufeff" + HEADER]
            for ind, cells in zip(county_scope, columns):
                draw = random_()
                if draw < ABSENT_ROW:
                    continue
                figures = ",,," if draw < ABSENT_ROW + BLANK_ROW else cells[month]
                note = _note(rng) if random_() < NOTE else ""
                lines.append(f"{start}{ind.prefix}{figures},{note}")
            lines.append("")
            (folders[month] / f"{county_id}.csv").write_text("\r\n".join(lines), encoding="utf-8", newline="")
            rows += len(lines) - 2
            files += 1
        if not quiet and (index + 1) % 200 == 0:
            print(f"  {index + 1}/{size.counties} counties, {rows:,} rows", file=sys.stderr)

    # 市本级 reports its own scope="city" indicators
    city_columns = [county_cells(rng, ind, 0, size.months, month_days) if ind.kind == "milestone"
                    else [f"{min(12, month + 1)},,," for month in range(size.months)] for ind in city_scope]
    for month in range(size.months):
        lines = ["\ufeff" + HEADER]
        lines += [f"{CITY_NAME},{labels[month]},{ind.prefix}{cells[month]}," for ind, cells in
                  zip(city_scope, city_columns)]
        lines.append("")
        (folders[month] / "city.csv").write_text("\r\n".join(lines), encoding="utf-8", newline="")
        rows += len(lines) - 2
        files += 1

    manifest = {
        "generator": GENERATOR_VERSION, "seed": seed, "counties": size.counties, "months": size.months,
        "indicators": size.indicators, "random_counts": size.random_counts, "plan": PLAN_ID, "as_of": periods[-1], "rows": rows, "files": files,
        "seconds": round(time.perf_counter() - started, 2),
    }
    (out / "bench-manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="the workspace folder (deleted first)")
    parser.add_argument("--counties", type=int, default=10)
    parser.add_argument("--months", type=int, default=12, choices=range(1, 13), metavar="1..12")
    parser.add_argument("--indicators", type=int, default=20, help="scope-county indicators (plus 2 city ones)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--random-counts", action="store_true", help="counts that often fall (D203), see county_cells")
    args = parser.parse_args(argv)
    manifest = write_workspace(args.out, Size(args.counties, args.months, args.indicators, args.random_counts),
                               args.seed)
    print(f"{args.out}: {manifest['rows']:,} rows in {manifest['files']:,} files, {manifest['seconds']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
