"""One progress fixture per D code, named after its defect; each lists its findings in `expect.txt`.

Layout (tests/fixtures/progress/):

- `targets/demo.toml`: the plan every fixture is checked against.
- `valid/<name>/`, `invalid/<CODE>-<defect>/`: each mirrors `data/demo/` (month folders with county files, or a
  table that carries its own county and period columns). A test builds a scratch workspace with the plan as
  `targets/demo.toml` and the fixture as `data/demo/`, and checks `data/`.
- A fixture with a `data/` folder at its top is a whole workspace instead, copied to the workspace root as it is
  (its own `targets/demo.toml`, if it has one, replaces the demo plan). That is how D003 (a file that is not
  under `data/<plan-id>/`) and D004 (a progress file of a plan with an error) are laid out.
- `expect.txt`: one finding a line, `<path relative to the fixture folder>:<line>:<column> <CODE>`, `-` for a
  whole-file finding's line or column. Lines starting with `#` are comments; `# also: D…` allows a code besides
  the fixture's own, for a defect that cannot come without it.
- The files whose bytes matter (encodings, NUL bytes, workbooks) are written by `make_binary_fixtures.py`.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES
from mubiao.checks.findings import RULES, Finding, Severity
from mubiao.checks.plan import check_plan_file
from mubiao.checks.run import check_paths
from mubiao.readers.plan import load_plan
from mubiao.readers.layout import cell_ref as cell_reference
from mubiao.readers.progress import load_progress, read_progress

PROGRESS = FIXTURES / "progress"
DEMO_PLAN = PROGRESS / "targets" / "demo.toml"
INVALID = sorted(path for path in (PROGRESS / "invalid").iterdir() if path.is_dir())
VALID = sorted(path for path in (PROGRESS / "valid").iterdir() if path.is_dir())
PROGRESS_CODES = {code for code in RULES if code.startswith("D")}

_EXPECTED = re.compile(r"(?P<path>\S+?):(?P<line>\d+|-):(?P<column>\d+|-) (?P<code>D\d{3})")
_ALSO = re.compile(r"#\s*also:\s*(.*)")

Expected = set[tuple[str, int | None, int | None, str]]


def fixture_code(fixture: Path) -> str:
    return fixture.name.split("-")[0].upper()


def read_expect(fixture: Path) -> tuple[Expected, set[str]]:
    """The findings `expect.txt` lists, and the codes its `# also:` comments allow besides the fixture's own."""
    expected: Expected = set()
    also: set[str] = set()
    for text in (fixture / "expect.txt").read_text(encoding="utf-8").splitlines():
        text = text.strip()
        if text.startswith("#"):
            if found := _ALSO.fullmatch(text):
                also.update(re.findall(r"D\d{3}", found.group(1)))
            continue
        if not text:
            continue
        found = _EXPECTED.fullmatch(text)
        assert found, f"{fixture.name}/expect.txt: cannot read “{text}”"
        line, column = (None if found[name] == "-" else int(found[name]) for name in ("line", "column"))
        expected.add((found["path"], line, column, found["code"]))
    return expected, also


def make_workspace(fixture: Path, root: Path) -> Path:
    """A workspace in `root` holding the fixture (see the module docstring); returns the folder that the
    fixture's paths are relative to: `root/data/demo`, or `root` itself for a whole-workspace fixture."""
    ignore = shutil.ignore_patterns("expect.txt")
    if (fixture / "data").is_dir():
        shutil.copytree(fixture, root, ignore=ignore, dirs_exist_ok=True)
        base = root
    else:
        base = root / "data" / "demo"
        shutil.copytree(fixture, base, ignore=ignore, symlinks=True)  # (a fixture may be a link: D006)
    plan = root / "targets" / "demo.toml"
    if not plan.exists():
        plan.parent.mkdir(exist_ok=True)
        shutil.copyfile(DEMO_PLAN, plan)
    return base


def found_in(findings, base: Path) -> Expected:
    """Findings (Finding objects or their JSON) as (path relative to `base`, line, column, code)."""
    rows = (f.as_dict() if isinstance(f, Finding) else f for f in findings)
    return {(Path(f["file"]).relative_to(base).as_posix(), f["line"], f["column"], f["code"]) for f in rows}


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under `folder` (hidden ones too) with a hash of its bytes."""
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.mark.parametrize(
    "line, column, expected", [(5, 9, "I5"), (1, 1, "A1"), (3, 26, "Z3"), (3, 27, "AA3"), (7, 52, "AZ7"), (5, None, "第5行")]
)
def test_cell_references_are_as_excel_names_cells(line, column, expected):
    assert cell_reference(line, column) == expected


def _ids(path: Path) -> str:
    return path.name


# --- the fixtures themselves ---------------------------------------------------------------------------------


def test_demo_plan_is_valid():
    assert check_plan_file(DEMO_PLAN) == []


def test_every_progress_code_has_a_fixture_named_after_it():
    assert {fixture_code(fixture) for fixture in INVALID} == PROGRESS_CODES


@pytest.mark.parametrize("fixture", INVALID, ids=_ids)
def test_fixture_expects_exactly_its_own_code(fixture):
    """A fixture holds one defect: it expects its own code, and another only where `# also:` allows it."""
    expected, also = read_expect(fixture)
    own = fixture_code(fixture)
    codes = {code for _, _, _, code in expected}
    assert own in codes, f"{fixture.name} does not expect {own}"
    assert codes - {own} <= also, f"{fixture.name} expects {sorted(codes - {own})} without `# also:`"
    assert also <= PROGRESS_CODES and own not in also


# --- checking them -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fixture", INVALID, ids=_ids)
def test_invalid_fixture_gives_exactly_its_findings(fixture, tmp_path):
    base = make_workspace(fixture, tmp_path)
    result = check_paths([tmp_path / "data"])
    expected, _ = read_expect(fixture)
    assert found_in(result.findings, base) == expected, "\n".join(f.message for f in result.findings)


@pytest.mark.parametrize("fixture", VALID, ids=_ids)
def test_valid_fixture_gives_no_findings(fixture, tmp_path):
    make_workspace(fixture, tmp_path)
    result = check_paths([tmp_path / "data"])
    assert result.files, "the fixture holds no progress file"
    assert result.findings == (), "\n".join(f"{f.code} {f.message}" for f in result.findings)
    frame = load_progress(load_plan(tmp_path / "targets" / "demo.toml"), tmp_path)
    assert len(frame) > 0 and frame["county"].notna().all() and frame["period"].notna().all()


@pytest.mark.parametrize("fixture", INVALID, ids=_ids)
def test_findings_name_their_cell_and_severity(fixture, tmp_path):
    make_workspace(fixture, tmp_path)
    for finding in check_paths([tmp_path / "data"]).findings:
        assert finding.severity is RULES[finding.code].severity, finding
        assert finding.message and "\n" not in finding.message, finding
        if finding.line is None:
            assert finding.column is None, finding
        else:
            assert finding.line >= 1 and (finding.column is None or finding.column >= 1), finding
            assert finding.message.startswith(f"{cell_reference(finding.line, finding.column)}:"), finding


@pytest.mark.parametrize("fixture", INVALID + VALID, ids=_ids)
def test_checking_leaves_the_files_as_they_were(fixture, tmp_path):
    make_workspace(fixture, tmp_path)
    before = snapshot(tmp_path)
    check_paths([tmp_path / "data"])
    assert snapshot(tmp_path) == before
    copied = {name: digest for name, digest in snapshot(fixture).items() if name != "expect.txt"}
    base = tmp_path if (fixture / "data").is_dir() else tmp_path / "data" / "demo"
    assert {name: digest for name, digest in snapshot(base).items() if name in copied} == copied


def test_naming_one_file_still_compares_it_with_the_other_months(tmp_path):
    """D2xx look across every file of the plan, so a fall from May is found when only June's file is named."""
    base = make_workspace(PROGRESS / "invalid" / "D203-count-went-down", tmp_path)
    result = check_paths([base / "2021-06" / "east.csv"])
    assert found_in(result.findings, base) == read_expect(PROGRESS / "invalid" / "D203-count-went-down")[0]
    assert result.files == (str(base / "2021-06" / "east.csv"),)


def test_valid_fixtures_read_as_written(tmp_path):
    """Full-width digits, `1,500`, `12家`, a title above the header, a footer below: the figures as meant."""
    make_workspace(PROGRESS / "valid" / "form-layout", tmp_path)
    records = {r.indicator: r for r in read_progress(load_plan(tmp_path / "targets" / "demo.toml"), tmp_path).records}
    assert {r.county for r in records.values()} == {"east"} and {r.period for r in records.values()} == {"2021-06"}
    assert records["G01-dibao"].value == 10800 and records["G01-dibao"].row == 4
    assert (records["G01-cover"].numerator, records["G01-cover"].denominator) == (920, 960)
    assert records["G01-review"].value == 1.0 and str(records["G01-review"].done_on) == "2021-06-18"
    assert records["G02-centres"].value == 12
    assert (records["G02-carers"].numerator, records["G02-carers"].denominator) == (15, 1500)
    assert records["G02-pilot"].figures == (None, None, None, None) and records["G02-pilot"].note == "选址中"


def test_percent_on_a_ratio_is_on_its_scale(tmp_path):
    make_workspace(PROGRESS / "valid" / "all-counties", tmp_path)
    plan = load_plan(tmp_path / "targets" / "demo.toml")
    records = [r for r in read_progress(plan, tmp_path).records if r.indicator == "G01-cover"]
    assert [(r.county, r.period, r.value) for r in records] == [("north", "2021-06", 90.0)]


def test_zip_bomb_is_small_on_disk_and_huge_unpacked():
    import zipfile

    from mubiao.readers.tables import MAX_XLSX_UNPACKED

    bomb = PROGRESS / "invalid" / "D005-xlsx-zip-bomb" / "2021-06" / "east.xlsx"
    assert bomb.stat().st_size < 2**20
    with zipfile.ZipFile(bomb) as archive:
        assert sum(member.file_size for member in archive.infolist()) > MAX_XLSX_UNPACKED


# --- through the command line --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["D120-value-not-a-number", "D203-count-went-down", "D005-xlsx-zip-bomb"])
def test_check_json_lists_the_expected_findings(cli, tmp_path, name):
    fixture = PROGRESS / "invalid" / name
    base = make_workspace(fixture, tmp_path)
    result = cli("check", "-f", "json", "--root", tmp_path)
    expected, _ = read_expect(fixture)
    assert found_in(json.loads(result.stdout), base) == expected
    errors = any(RULES[code].severity is Severity.ERROR for *_, code in expected)
    assert result.exit_code == (1 if errors else 0)


def test_check_exits_1_on_an_error_and_names_its_code(cli, tmp_path):
    make_workspace(PROGRESS / "invalid" / "D120-value-not-a-number", tmp_path)
    result = cli("check", "--root", tmp_path)
    assert result.exit_code == 1, result.output
    assert "D120" in result.output and "east.csv" in result.output


def test_check_passes_warnings_unless_strict(cli, tmp_path):
    make_workspace(PROGRESS / "invalid" / "D203-count-went-down", tmp_path)
    assert RULES["D203"].severity is Severity.WARNING
    relaxed = cli("check", "--root", tmp_path)
    assert relaxed.exit_code == 0, relaxed.output
    assert "D203" in relaxed.output
    strict = cli("check", "--strict", "--root", tmp_path)
    assert strict.exit_code == 1, strict.output
    assert "D203" in strict.output


@pytest.mark.parametrize("fixture", VALID, ids=_ids)
def test_check_strict_passes_a_valid_workspace(cli, fixture, tmp_path):
    make_workspace(fixture, tmp_path)
    result = cli("check", "--strict", "--root", tmp_path)
    assert result.exit_code == 0, result.output
