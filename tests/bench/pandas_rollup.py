"""The baseline of issue 7 ("reading those files one by one with pandas takes about 70 s and 2 GB"): the same
roll-up as duckdb_rollup.py, with pandas reading each progress file in turn and concatenating them.

    .venv/bin/python tests/bench/pandas_rollup.py --root WS --plan bench -o OUT.json

It writes the same OUT.json (city figures) as duckdb_rollup.py, so the two can be compared.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from duckdb_rollup import CITY_NAMES, plan_tables


def rollup(root: Path, plan_id: str, out: Path) -> int:
    import numpy as np
    import pandas as pd

    indicators, counties = plan_tables(root / "targets" / f"{plan_id}.toml")
    plan = pd.DataFrame(indicators, columns=["indicator", "kind", "scale", "direction", "scope"])
    county_ids = {name: county_id for county_id, name in counties} | {name: "city" for name in CITY_NAMES}

    frames = [pd.read_csv(path, dtype=str, encoding="utf-8-sig", keep_default_na=False, na_values=[""])
              for path in sorted((root / "data" / plan_id).glob("*/*.csv"))]
    raw = pd.concat(frames, ignore_index=True)
    ym = raw["月份"].str.extract(r"(\d{4})年(\d{1,2})月").astype(int)
    records = pd.DataFrame({
        "county": raw["县(市、区)"].map(county_ids),
        "period": ym[0].astype(str) + "-" + ym[1].map("{:02d}".format),
        "indicator": raw["指标编号"],
        "value_cell": raw["完成值"].str.strip(),
        "numerator": pd.to_numeric(raw["分子"].str.replace(",", ""), errors="coerce"),
        "denominator": pd.to_numeric(raw["分母"].str.replace(",", ""), errors="coerce"),
        "done_on": raw["完成日期"].notna(),
    }).merge(plan, on="indicator")
    flag = records["value_cell"].map({"是": 1.0, "已完成": 1.0, "1": 1.0, "否": 0.0, "未完成": 0.0, "0": 0.0})
    flag = flag.where(flag.notna() | ~records["done_on"], 1.0)
    number = pd.to_numeric(records["value_cell"].str.replace(",", ""), errors="coerce")
    has_both = ((records["kind"] == "ratio") & records["numerator"].notna() & records["denominator"].notna()
                & (records["denominator"] != 0))
    records["x"] = np.where(records["kind"] == "milestone", flag,
                            np.where(has_both, records["numerator"] / records["denominator"] * records["scale"],
                                     number))
    records["has_both"] = has_both
    usable = records[records["x"].notna() & records["county"].notna()
                     & ((records["scope"] == "city") == (records["county"] == "city"))]
    latest = usable.sort_values("period", kind="stable").drop_duplicates(["county", "indicator"], keep="last")

    rows = []
    for ind_id, kind, scale, direction, scope in indicators:
        group = latest[latest["indicator"] == ind_id]
        if kind == "count":
            value = group["x"].sum()
        elif kind == "level":
            value = group["x"].max() if direction == "decrease" else group["x"].min()
        elif kind == "ratio":
            group = group[group["has_both"]]
            value = group["numerator"].sum() / group["denominator"].sum() * scale
        else:
            value = group["x"].max() if scope == "city" else (group["x"] >= 0.5).sum() / len(counties)
        rows.append({"indicator": ind_id, "kind": kind, "scope": scope, "period": group["period"].max(),
                     "value": float(value), "counties_reporting": len(group)})
    out.write_text(json.dumps({"plan": plan_id, "period": latest["period"].max(), "city": rows},
                              ensure_ascii=False, indent=1), encoding="utf-8")
    counties_out = out.with_name(out.stem + ".counties.json")
    latest[latest["county"] != "city"][["county", "indicator", "period", "x", "numerator", "denominator"]].sort_values(
        ["indicator", "county"]).to_json(counties_out, orient="records", lines=True, force_ascii=False)
    return len(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, required=True)
    parser.add_argument("--plan", default="bench")
    parser.add_argument("-o", "--output", type=Path, required=True)
    args = parser.parse_args(argv)
    rollup(args.root, args.plan, args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
