"""The reference job of `make bench` (issue 7): mubiao's roll-up, computed by DuckDB over the same CSV files.

    .venv/bin/python tests/bench/duckdb_rollup.py --root WS --plan bench -o OUT.json

What a user who reached for DuckDB instead of mubiao would write, as one whole job: read the plan (for each
indicator's kind, scale, direction and scope, and the counties' names), read every `data/<plan>/*/*.csv` by
the form's Chinese column names (given to DuckDB, not sniffed; `--sniff` lets it detect every file's layout
instead), take per (county, indicator) the latest record that reports a figure up to
the as-of month (the latest month with data, as `mubiao gaps` defaults to), and roll it up to the city by kind
(docs/contract.md §2, §4): count Σ完成值, level the worst county (min, or max for decrease), ratio Σ分子 / Σ分母 × scale
over the records with both, milestone the share of the plan's counties with 是. scope="city" indicators take
the city's (市本级) own latest record.

It writes OUT.json (the city figures, one per indicator, with counties_reporting) and OUT.counties.json (each
county's latest record, newline-delimited JSON), so the work is done, not left as a lazy query. It reads only
the form's layout that the generator writes (one header, 是/否 flags, plain numbers); mubiao reads far more
(docs/contract.md §3), which is the point of measuring them side by side.
"""

from __future__ import annotations

import argparse
import json
import sys
import tomllib
from pathlib import Path

CITY_NAMES = ("市本级", "city")

#: The form's header (docs/contract.md §3, as make_workspace.py writes it): given to DuckDB, so that it need not sniff
#: each of 34,000 files (sniffing them, with union_by_name, takes about 3.5 × as long on the province size).
HEADER = ("县(市、区)", "月份", "指标编号", "指标名称", "计量单位", "完成值", "分子", "分母", "完成日期", "备注")
SCHEMA_READ = ("read_csv(?, header = true, auto_detect = false, delim = ',', quote = '\"', escape = '\"', "
               "columns = {" + ", ".join(f"'{name}': 'VARCHAR'" for name in HEADER) + "})")
SNIFFING_READ = "read_csv(?, header = true, all_varchar = true, union_by_name = true)"

ROLLUP = """
CREATE TEMP TABLE latest AS
WITH raw AS (
    SELECT "县(市、区)" AS county_cell, CAST(try_strptime("月份", '%Y年%-m月') AS DATE) AS month,
           "指标编号" AS indicator, trim("完成值") AS value_cell,
           TRY_CAST(replace("分子", ',', '') AS DOUBLE) AS numerator,
           TRY_CAST(replace("分母", ',', '') AS DOUBLE) AS denominator,
           TRY_CAST("完成日期" AS DATE) AS done_on
    FROM {source}
), records AS (
    SELECT coalesce(c.id, CASE WHEN raw.county_cell IN ('市本级', 'city') THEN 'city' END) AS county,
           month,
           raw.indicator, p.kind, p.scale, p.direction, p.scope, numerator, denominator,
           CASE
               WHEN p.kind = 'milestone' THEN
                   CASE WHEN value_cell IN ('是', '已完成', '1') THEN 1.0
                        WHEN value_cell IN ('否', '未完成', '0') THEN 0.0
                        WHEN done_on IS NOT NULL THEN 1.0 END
               WHEN p.kind = 'ratio' AND numerator IS NOT NULL AND denominator IS NOT NULL AND denominator <> 0
                   THEN numerator / denominator * p.scale
               ELSE TRY_CAST(replace(value_cell, ',', '') AS DOUBLE)
           END AS x,
           p.kind = 'ratio' AND numerator IS NOT NULL AND denominator IS NOT NULL AND denominator <> 0 AS has_both
    FROM raw
    JOIN plan_indicators p ON p.id = raw.indicator
    LEFT JOIN plan_counties c ON c.name = raw.county_cell
)
-- the as-of month is the latest month with data (mubiao gaps' default), so every record is "up to" it: the
-- latest record per (county, indicator) is the one of the greatest period, in one streaming aggregation
SELECT county, indicator, any_value(kind) AS kind, any_value(scale) AS scale, any_value(direction) AS direction,
       any_value(scope) AS scope, strftime(max(month), '%Y-%m') AS period, arg_max(x, month) AS x,
       arg_max(numerator, month) AS numerator, arg_max(denominator, month) AS denominator,
       arg_max(has_both, month) AS has_both
FROM records
WHERE x IS NOT NULL AND county IS NOT NULL AND (scope = 'city') = (county = 'city')
GROUP BY county, indicator;

CREATE TEMP TABLE city AS
SELECT indicator, any_value(kind) AS kind, any_value(scope) AS scope, max(period) AS period,
       CASE any_value(kind)
           WHEN 'count' THEN sum(x)
           WHEN 'level' THEN CASE any_value(direction) WHEN 'decrease' THEN max(x) ELSE min(x) END
           WHEN 'ratio' THEN sum(numerator) FILTER (has_both) / sum(denominator) FILTER (has_both) * any_value(scale)
           ELSE CASE any_value(scope) WHEN 'city' THEN max(x)
                ELSE count(*) FILTER (x >= 0.5) / (SELECT count(*) FROM plan_counties) END
       END AS value,
       CASE any_value(kind) WHEN 'ratio' THEN count(*) FILTER (has_both) ELSE count(*) END AS counties_reporting
FROM latest
GROUP BY indicator;
"""


def plan_tables(plan_file: Path) -> tuple[list[tuple], list[tuple]]:
    """(indicators, counties) of the plan as rows for DuckDB: (id, kind, scale, direction, scope) and (id, name)."""
    plan = tomllib.loads(plan_file.read_text(encoding="utf-8"))
    indicators = [
        (ind["id"], ind["kind"], float(ind.get("scale", 100 if ind["kind"] == "ratio" else 1)),
         ind.get("direction", "increase"), ind.get("scope", "county"))
        for goal in plan.get("goals", []) for ind in goal.get("indicators", [])
    ]
    counties = [(county["id"], county["name"]) for county in plan.get("counties", [])]
    return indicators, counties


def rollup(root: Path, plan_id: str, out: Path, sniff: bool = False) -> int:
    """Run the roll-up and write OUT and OUT.counties.json; returns the number of city figures. `sniff`: let
    DuckDB detect each file's layout (union_by_name) instead of giving it the form's columns."""
    import duckdb

    indicators, counties = plan_tables(root / "targets" / f"{plan_id}.toml")
    db = duckdb.connect()
    db.execute("CREATE TEMP TABLE plan_indicators (id VARCHAR, kind VARCHAR, scale DOUBLE, direction VARCHAR, "
               "scope VARCHAR)")
    db.executemany("INSERT INTO plan_indicators VALUES (?, ?, ?, ?, ?)", indicators)
    db.execute("CREATE TEMP TABLE plan_counties (id VARCHAR, name VARCHAR)")
    db.executemany("INSERT INTO plan_counties VALUES (?, ?)", counties)
    pattern = str(root / "data" / plan_id / "*" / "*.csv")
    statements = [s for s in ROLLUP.replace("{source}", SNIFFING_READ if sniff else SCHEMA_READ).split(";") if s.strip()]
    db.execute(statements[0], [pattern])
    for statement in statements[1:]:
        db.execute(statement)
    as_of = db.execute("SELECT max(period) FROM latest").fetchone()[0]
    columns = ["indicator", "kind", "scope", "period", "value", "counties_reporting"]
    order = {ind[0]: number for number, ind in enumerate(indicators)}
    rows = [dict(zip(columns, row)) for row in db.execute(f"SELECT {', '.join(columns)} FROM city").fetchall()]
    rows.sort(key=lambda row: order[row["indicator"]])
    out.write_text(json.dumps({"plan": plan_id, "period": as_of, "city": rows}, ensure_ascii=False, indent=1),
                   encoding="utf-8")
    counties_out = out.with_name(out.stem + ".counties.json")
    db.execute(f"COPY (SELECT county, indicator, period, x, numerator, denominator FROM latest "
               f"WHERE county <> 'city' ORDER BY indicator, county) TO '{counties_out}' (FORMAT json)")
    return len(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, required=True)
    parser.add_argument("--plan", default="bench")
    parser.add_argument("-o", "--output", type=Path, required=True)
    parser.add_argument("--sniff", action="store_true",
                        help="let DuckDB sniff every file (all_varchar, union_by_name) instead of giving it the columns")
    args = parser.parse_args(argv)
    rollup(args.root, args.plan, args.output, args.sniff)
    return 0


if __name__ == "__main__":
    sys.exit(main())
