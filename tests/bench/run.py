"""`make bench` (issues 7 and 18): mubiao against DuckDB on the same synthetic workspaces, as whole processes.

    make bench                          # the sample, province and national, each also with random counts
    make bench BENCH_ARGS=--quick       # a smoke run: 10 counties × 12 months × 20 indicators
    .venv/bin/python tests/bench/run.py --size province [--size national] [--timeout 900] [--workdir DIR]

For each size it generates the workspace (make_workspace.py, fixed seed) under `.bench/<size>-seed<seed>/`, or
reuses it when its manifest says it was generated with the same sizes, seed and generator; reads every file
once untimed so that every engine finds the same files in the OS page cache; then runs, one after the other,
each as its own process, timing its wall clock and reading its peak RSS from os.wait4 (in a small launcher):

    duckdb        tests/bench/duckdb_rollup.py: the same roll-up in DuckDB (the reference, "1.00")
    mubiao cold   mubiao gaps --plan bench --root WS --format json -o OUT, with WS/.mubiao-cache/ deleted first
    mubiao warm   the same again, files unchanged
    check text    mubiao check (province sizes only), and `check json` the same with --format json
    report        mubiao report, with WS/.mubiao-cache/ deleted first (province sizes only)
    duckdb sniff  the same, with DuckDB left to sniff every file's layout (`--pandas` only, not national)
    pandas        tests/bench/pandas_rollup.py: pandas reading the files one by one (`--pandas` only)

The `-random` sizes draw counts month by month (make_workspace.py --random-counts), so that a quarter of the
records raise D203: the goals must hold on data with findings too. The sample workspace (the repository) is timed
too: gaps, check targets/ and report, each the best of five whole processes with its store in place.

mubiao runs as a user runs it (.venv/bin/mubiao). A run over --timeout is killed and shown as "timeout", its
time as a lower bound. Then mubiao's city figures are compared with DuckDB's (the two must agree, or the
comparison means nothing), the table and the issue's goals are printed with PASS/FAIL, and everything measured
is written to `.bench/results-<time>.json`.

Not part of `make test`: no file here is named test_*, so pytest collects nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from make_workspace import GENERATOR_VERSION, PLAN_ID, Size, write_workspace

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent

SIZES = {
    "quick": Size(counties=10, months=12, indicators=20),
    "province": Size(counties=100, months=12, indicators=200),
    "province-random": Size(counties=100, months=12, indicators=200, random_counts=True),
    "national": Size(counties=2844, months=12, indicators=200),
    "national-random": Size(counties=2844, months=12, indicators=200, random_counts=True),
}
#: Where `check` and `report` are timed too (nationally they are not what anyone runs each month).
PROVINCE_SIZES = ("quick", "province", "province-random")

#: The goals of issue 18, against DuckDB doing the plain roll-up as a whole process, in the same run.
GOALS = {
    "province": {"cold": 2.0, "warm": 1.0},
    "national": {"cold": 1.2, "warm": 0.4},
}
NATIONAL_PEAK_MB = 1024
CHECK_VS_GAPS = 2.0  # province: check (text and json) and report at most 2 × gaps cold
GROWTH = 1.2  # time per record, national over province, at most 1.2 × (cold runs)
SAMPLE_SECONDS = {"gaps": 0.4, "check targets/": 0.3, "report": 1.0}


@dataclass
class Run:
    """One whole process, measured."""

    engine: str
    wall: float
    """Seconds, wall clock, from start to exit (for a timeout: the limit, a lower bound)."""
    peak_mb: float
    """Peak resident memory (ru_maxrss), MB."""
    returncode: int | None
    timed_out: bool = False
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out


def mubiao_command() -> list[str]:
    """mubiao as a user runs it: the venv's console script beside this Python, else `python -m mubiao`."""
    script = Path(sys.executable).parent / "mubiao"
    return [str(script)] if script.exists() else [sys.executable, "-m", "mubiao"]


LAUNCHER = """
import json, os, subprocess, sys, time
started = time.perf_counter()
child = subprocess.Popen(sys.argv[2:], stdin=subprocess.DEVNULL)
_, status, usage = os.wait4(child.pid, 0)
wall = time.perf_counter() - started
with open(sys.argv[1], "w") as report:
    json.dump({"wall": wall, "peak_kb": usage.ru_maxrss, "returncode": os.waitstatus_to_exitcode(status)}, report)
"""
"""Runs a measured command and reports its wall time and peak RSS. Linux counts in a child's ru_maxrss the peak of
the process it was started from, so the command is started from this small process, never from the bench
(which holds a national workspace's gaps while it compares them)."""


def measure(engine: str, argv: list[str], timeout: float, cwd: Path | None = None) -> Run:
    """Run argv to its end (or kill it at `timeout` seconds) and return its wall time and peak RSS."""
    with tempfile.TemporaryFile() as output, tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "run.json"
        process = subprocess.Popen([sys.executable, "-c", LAUNCHER, str(report), *argv], cwd=cwd,
                                   stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        timed_out = threading.Event()

        def kill() -> None:
            timed_out.set()
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            process.wait()
        finally:
            timer.cancel()
        output.seek(0)
        text = output.read().decode("utf-8", "replace").strip()
        measured = json.loads(report.read_text()) if report.exists() else None
    if measured is None:  # killed at the timeout, or the launcher itself failed
        run = Run(engine, timeout, math.nan, process.returncode, timed_out.is_set())
    else:
        run = Run(engine, measured["wall"], measured["peak_kb"] / 1024, measured["returncode"])
    if not run.ok and not run.timed_out:
        run.error = text[-2000:]
    return run


def workspace(name: str, size: Size, seed: int, workdir: Path, regenerate: bool) -> tuple[Path, dict, bool]:
    """The workspace of a size: reused when its manifest matches, else generated. Returns (folder, manifest,
    reused)."""
    folder = workdir / f"{name}-seed{seed}"
    manifest_file = folder / "bench-manifest.json"
    wanted = {"generator": GENERATOR_VERSION, "seed": seed, **asdict(size)}
    if manifest_file.exists() and not regenerate:
        manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
        if all(manifest.get(key) == value for key, value in wanted.items()):
            return folder, manifest, True
    print(f"generating {name} ({size.counties} × {size.months} × {size.indicators}) in {folder} …", flush=True)
    return folder, write_workspace(folder, size, seed), False


def prime(folder: Path) -> int:
    """Read every progress file once (untimed), so that every engine finds them in the OS page cache.
    Returns their total size in bytes."""
    total = 0
    for path in (folder / "data").rglob("*"):
        if path.is_file():
            total += len(path.read_bytes())
    return total


def disk_usage(folder: Path) -> int:
    """Bytes on disk (allocated blocks) of the folder's files, as du counts them."""
    return sum(path.stat().st_blocks * 512 for path in folder.rglob("*") if path.is_file())


def _mb(size: int) -> str:
    megabytes = size / 2**20
    return f"{megabytes:,.1f} MB" if megabytes < 10 else f"{megabytes:,.0f} MB"


def compare(mubiao_json: Path, duckdb_json: Path) -> tuple[int, list[str]]:
    """mubiao's city rows against DuckDB's city figures: (indicators compared, the ones that disagree)."""
    rows = json.loads(mubiao_json.read_text(encoding="utf-8"))["rows"]
    city = {row["indicator"]: row for row in rows if row["county"] is None}
    reference = json.loads(duckdb_json.read_text(encoding="utf-8"))["city"]
    differ = []
    for figure in reference:
        row = city.get(figure["indicator"])
        actual = None if row is None else row["actual"]
        if actual is None or abs(actual - figure["value"]) > 1e-9 * max(1.0, abs(figure["value"])):
            differ.append(f"{figure['indicator']}: mubiao {actual}, duckdb {figure['value']}")
        elif row["counties_reporting"] not in (None, figure["counties_reporting"]):
            differ.append(f"{figure['indicator']}: counties_reporting mubiao {row['counties_reporting']}, "
                          f"duckdb {figure['counties_reporting']}")
    return len(reference), differ


def bench_size(name: str, args: argparse.Namespace) -> dict:
    size = SIZES[name]
    started = time.perf_counter()
    folder, manifest, reused = workspace(name, size, args.seed, args.workdir, args.regenerate)
    generated = time.perf_counter() - started
    if not reused:  # a file changed in the last 2 s is read again next time (readers/store.py): as no county's is
        time.sleep(2.5)
    data_bytes = prime(folder)
    out = args.workdir / "out" / name
    out.mkdir(parents=True, exist_ok=True)
    print(f"{name}: {manifest['rows']:,} records in {manifest['files']:,} files, "
          f"{_mb(disk_usage(folder))} on disk ({_mb(data_bytes)} of CSV); "
          + (f"reused (generated in {manifest['seconds']} s)" if reused else f"generated in {generated:.1f} s"),
          flush=True)

    runs: list[Run] = []

    def run(engine: str, argv: list[str]) -> Run:
        print(f"  {engine} …", end=" ", flush=True)
        result = measure(engine, argv, args.timeout)
        print("timeout" if result.timed_out else f"{result.wall:.2f} s, {result.peak_mb:,.0f} MB"
              + ("" if result.ok else f" (exit {result.returncode})"), flush=True)
        if result.error:
            print("    " + result.error.replace("\n", "\n    "), flush=True)
        runs.append(result)
        return result

    duck = run("duckdb", [sys.executable, str(HERE / "duckdb_rollup.py"), "--root", str(folder), "--plan", PLAN_ID,
                          "-o", str(out / "duckdb.json")])
    mubiao = [*mubiao_command(), "gaps", "--plan", PLAN_ID, "--root", str(folder), "--format", "json"]
    shutil.rmtree(folder / ".mubiao-cache", ignore_errors=True)  # cold: no cache, whatever a past run left
    cold = run("mubiao cold", [*mubiao, "-o", str(out / "mubiao-cold.json")])
    if cold.ok:
        run("mubiao warm", [*mubiao, "-o", str(out / "mubiao-warm.json")])
    else:
        runs.append(Run("mubiao warm", float("nan"), float("nan"), None, error="not run: the cold run failed"))
    if name in PROVINCE_SIZES:
        run("check text", [*mubiao_command(), "check", "--root", str(folder)])
        run("check json", [*mubiao_command(), "check", "--root", str(folder), "--format", "json"])
        shutil.rmtree(folder / ".mubiao-cache", ignore_errors=True)
        run("report", [*mubiao_command(), "report", "--plan", PLAN_ID, "--root", str(folder), "-o",
                       str(out / "report")])
    if args.pandas and not name.startswith("national"):
        run("duckdb sniff", [sys.executable, str(HERE / "duckdb_rollup.py"), "--root", str(folder), "--plan",
                             PLAN_ID, "--sniff", "-o", str(out / "duckdb-sniff.json")])
        run("pandas", [sys.executable, str(HERE / "pandas_rollup.py"), "--root", str(folder), "--plan", PLAN_ID,
                       "-o", str(out / "pandas.json")])

    agreement = None
    if duck.ok and cold.ok:
        compared, differ = compare(out / "mubiao-cold.json", out / "duckdb.json")
        agreement = {"compared": compared, "differ": differ}
        print(f"  mubiao's city figures against DuckDB's: {compared - len(differ)}/{compared} agree", flush=True)
        for line in differ[:10]:
            print(f"    {line}")
    return {"size": name, **asdict(size), "records": manifest["rows"], "files": manifest["files"],
            "disk_mb": round(disk_usage(folder) / 2**20, 1), "generated_seconds": manifest["seconds"],
            "reused": reused, "runs": [asdict(r) for r in runs], "agreement": agreement}


def time_sample(timeout: float, repeat: int = 5) -> list[Run]:
    """gaps, check targets/ and report on the sample workspace (the repository), each the best of `repeat` whole
    processes, after one run that leaves the store in place."""
    commands = {"gaps": ["gaps", "--plan", "jinhua-2021"], "check targets/": ["check", "targets/"],
                "report": ["report", "--plan", "jinhua-2021", "-o", str(REPO / ".bench" / "out" / "sample")]}
    best = []
    for label, argv in commands.items():
        measure(label, [*mubiao_command(), *argv], timeout, cwd=REPO)  # the store, as after any first run
        runs = [measure(label, [*mubiao_command(), *argv], timeout, cwd=REPO) for _ in range(repeat)]
        best.append(min(runs, key=lambda r: (not r.ok, r.wall)))
    return best


# ------------------------------------------------------------------------------------------------ the table


def _wall(run: dict) -> str:
    if run["timed_out"]:
        return f"> {run['wall']:.0f}" if run["wall"] >= 10 else f"> {run['wall']:.1f}"
    if run["returncode"] is None:
        return "—"
    return f"{run['wall']:.2f}" if run["returncode"] == 0 else f"exit {run['returncode']}"


def _ratio(run: dict, reference: dict | None) -> str:
    if reference is None or run["returncode"] is None and not run["timed_out"] or reference["returncode"] != 0:
        return "—"
    ratio = run["wall"] / reference["wall"]
    return f"> {ratio:.2f}" if run["timed_out"] else f"{ratio:.2f}"


def print_table(results: list[dict]) -> None:
    header = f"{'size':<9} {'records':>10} {'files':>7}  {'engine':<12} {'wall s':>8} {'peak MB':>8} {'× DuckDB':>9}"
    print()
    print(header)
    print("-" * len(header))
    for result in results:
        reference = next((r for r in result["runs"] if r["engine"] == "duckdb"), None)
        for number, run in enumerate(result["runs"]):
            lead = (f"{result['size']:<9} {result['records']:>10,} {result['files']:>7,}" if number == 0
                    else " " * 28)
            peak = "—" if math.isnan(run["peak_mb"]) else f"{run['peak_mb']:,.0f}"
            print(f"{lead}  {run['engine']:<12} {_wall(run):>8} {peak:>8} {_ratio(run, reference):>9}")


def _find(results: list[dict], size: str, engine: str) -> tuple[dict | None, dict | None]:
    for result in results:
        if result["size"] == size:
            runs = {run["engine"]: run for run in result["runs"]}
            return result, runs.get(engine)
    return None, None


def _verdict(value: float | None, limit: float, lower_bound: bool = False) -> str:
    """PASS/FAIL for `value ≤ limit`; a lower bound (a timeout) can only FAIL for sure."""
    if value is None or math.isnan(value):
        return "n/a"
    if lower_bound:
        return "FAIL" if value > limit else "n/a (timeout)"
    return "PASS" if value <= limit else "FAIL"


def goals(results: list[dict], sample: list[Run]) -> list[tuple[str, str, str]]:
    """(goal, measured, verdict) for each goal of issue 18."""
    lines = []

    def ratio_of(size: str, engine: str, reference: str = "duckdb") -> tuple[float | None, str, bool]:
        _, run = _find(results, size, engine)
        _, base = _find(results, size, reference)
        if run is None or base is None or base["returncode"] != 0 or run["returncode"] is None and not run["timed_out"]:
            return None, "not measured", False
        ratio = run["wall"] / base["wall"]
        return ratio, f"{'> ' if run['timed_out'] else ''}{run['wall']:.2f} s / {base['wall']:.2f} s = {ratio:.2f} ×", \
            run["timed_out"]

    for size in ("province", "province-random", "national", "national-random"):
        for temperature in ("cold", "warm"):
            limit = GOALS[size.split("-")[0]][temperature]
            ratio, shown, lower = ratio_of(size, f"mubiao {temperature}")
            lines.append((f"{size} gaps {temperature} ≤ {limit} × DuckDB", shown, _verdict(ratio, limit, lower)))
    for size in ("national", "national-random"):
        peaks = [run for engine in ("mubiao cold", "mubiao warm")
                 if (run := _find(results, size, engine)[1]) is not None and not math.isnan(run["peak_mb"])]
        label = f"{size} peak ≤ {NATIONAL_PEAK_MB:,} MB"
        if peaks:
            peak = max(run["peak_mb"] for run in peaks)
            lines.append((label, f"{peak:,.0f} MB", "PASS" if peak <= NATIONAL_PEAK_MB else "FAIL"))
        else:
            lines.append((label, "not measured", "n/a"))
    for size in ("province", "province-random"):
        for engine in ("check text", "check json", "report"):
            ratio, shown, lower = ratio_of(size, engine, "mubiao cold")
            lines.append((f"{size} {engine} ≤ {CHECK_VS_GAPS} × its gaps cold", shown,
                          _verdict(ratio, CHECK_VS_GAPS, lower)))
    for suffix in ("", "-random"):
        national, nat_run = _find(results, "national" + suffix, "mubiao cold")
        province, prov_run = _find(results, "province" + suffix, "mubiao cold")
        label = f"time per record, national{suffix} / province{suffix} ≤ {GROWTH}"
        if nat_run is None or prov_run is None or prov_run["returncode"] != 0 or nat_run["returncode"] != 0:
            lines.append((label, "not measured", "n/a"))
            continue
        per_national = nat_run["wall"] / national["records"] * 1e6
        per_province = prov_run["wall"] / province["records"] * 1e6
        growth = per_national / per_province
        lines.append((label, f"{per_national:.2f} / {per_province:.2f} µs = {growth:.2f}",
                      _verdict(growth, GROWTH)))
    for run in sample:
        limit = SAMPLE_SECONDS[run.engine]
        lines.append((f"sample {run.engine} ≤ {limit} s (best of 5)",
                      f"{run.wall:.3f} s" + ("" if run.ok else f" (exit {run.returncode})"),
                      "PASS" if run.ok and run.wall <= limit else "FAIL"))
    return lines


def print_goals(lines: list[tuple[str, str, str]]) -> None:
    width = max(len(goal) for goal, _, _ in lines)
    measured = max(len(m) for _, m, _ in lines)
    print()
    print("issue 18 goals")
    for goal, shown, verdict in lines:
        print(f"  {goal:<{width}}  {shown:<{measured}}  {verdict}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="the smoke size only (10 × 12 × 20)")
    parser.add_argument("--size", action="append", choices=list(SIZES),
                        help="a size to run (repeatable; default: province, national and both -random)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--timeout", type=float, default=900, help="seconds per run before it is killed (900)")
    parser.add_argument("--workdir", type=Path, default=REPO / ".bench",
                        help="where workspaces, outputs and results go (default: .bench/)")
    parser.add_argument("--regenerate", action="store_true", help="generate the workspaces even when cached")
    parser.add_argument("--pandas", action="store_true", help="also the pandas and sniffing DuckDB baselines")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a goal measured is FAIL")
    args = parser.parse_args(argv)
    args.workdir = args.workdir.resolve()
    sizes = args.size or (["quick"] if args.quick else ["province", "province-random", "national", "national-random"])

    machine = f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}"
    print(f"make bench: {', '.join(sizes)} · seed {args.seed} · timeout {args.timeout:.0f} s · {machine}", flush=True)
    results = [bench_size(name, args) for name in sizes]
    sample = time_sample(args.timeout)
    print_table(results)
    lines = goals(results, sample)
    print_goals(lines)

    args.workdir.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    record = {"when": stamp, "machine": machine, "seed": args.seed, "timeout": args.timeout, "results": results,
              "sample": [asdict(run) for run in sample], "goals": [{"goal": g, "measured": m, "verdict": v} for g, m, v in lines]}
    path = args.workdir / f"results-{stamp}.json"
    path.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"\nresults: {path}")
    return 1 if args.strict and any(verdict == "FAIL" for _, _, verdict in lines) else 0


if __name__ == "__main__":
    sys.exit(main())
