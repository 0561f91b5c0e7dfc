"""One fixture per finding code, named after its defect; each announces its findings with `# expect:`."""

import pytest

from conftest import INVALID_PLANS, SAMPLE_PLANS, VALID_PLANS, expected_findings
from mubiao.checks.findings import RULES, Severity
from mubiao.checks.plan import check_plan_file


@pytest.mark.parametrize("path", INVALID_PLANS, ids=lambda p: p.stem)
def test_invalid_fixture_gives_exactly_its_findings(path):
    found = sorted((f.code, f.line) for f in check_plan_file(path))
    assert found == expected_findings(path)


@pytest.mark.parametrize("path", VALID_PLANS + SAMPLE_PLANS, ids=lambda p: p.stem)
def test_valid_plan_has_no_findings(path):
    assert check_plan_file(path) == []


def test_every_code_has_a_fixture_named_after_it():
    fixture_codes = {p.stem.split("-")[0].upper() for p in INVALID_PLANS}
    assert fixture_codes == {code for code in RULES if code.startswith("P")}


def test_fixture_names_start_with_their_code():
    for path in INVALID_PLANS:
        codes = {code for code, _ in expected_findings(path)}
        assert codes == {path.stem.split("-")[0].upper()}, path.name


def test_findings_have_positions_and_messages():
    for path in INVALID_PLANS:
        for finding in check_plan_file(path):
            assert finding.line and finding.column, finding
            assert finding.message and "\n" not in finding.message
            assert finding.severity is RULES[finding.code].severity


def test_unknown_key_suggests_the_right_one():
    (finding,) = check_plan_file(next(p for p in INVALID_PLANS if p.stem.startswith("p101")))
    assert "`tagret`" in finding.message and "`target`" in finding.message


def test_codes_are_well_formed_and_documented():
    """P codes (plans) are listed in docs/plan-format.md, D codes (progress files) in docs/progress-files.md."""
    from conftest import REPO

    docs = {"P": "plan-format.md", "D": "progress-files.md"}
    for code, rule in RULES.items():
        assert code == rule.code and code[0] in docs and len(code) == 4 and code[1:].isdigit()
        assert rule.severity in (Severity.ERROR, Severity.WARNING)
        page = (REPO / "docs" / docs[code[0]]).read_text(encoding="utf-8")
        assert f"| {code} |" in page, f"{code} is not in docs/{docs[code[0]]}"


def _every_plan_fixture():
    from conftest import FIXTURES

    return [*INVALID_PLANS, *VALID_PLANS, *SAMPLE_PLANS, *sorted((FIXTURES / "bad" / "plans").glob("*.toml"))]


def test_a_plan_the_quick_schema_check_passes_has_no_schema_error():
    """`mubiao check` first runs the schema compiled by fastjsonschema and asks jsonschema only when that fails:
    whatever the quick one passes, the full one must pass too, or a finding would be lost."""
    from mubiao.checks.plan import _passes_schema_quickly, _validator
    from mubiao.errors import PlanError
    from mubiao.readers.toml_document import read_toml

    refused, with_errors = 0, 0
    for path in _every_plan_fixture():
        try:
            data = read_toml(path).json_data()
        except PlanError:
            continue
        errors = list(_validator().iter_errors(data))
        with_errors += bool(errors)
        if _passes_schema_quickly(data):
            assert not errors, f"{path.name}: {errors[0].message}"
        else:
            refused += 1
    assert with_errors >= 10 and refused >= with_errors  # not vacuous: many plans break the schema


def test_checking_a_valid_plan_does_not_import_jsonschema():
    """Importing jsonschema and validating with it took most of `mubiao check targets/`'s 0.3 s."""
    import subprocess
    import sys

    code = ("import sys; from mubiao.checks.plan import check_plan_file; "
            f"assert check_plan_file({str(SAMPLE_PLANS[0])!r}) == []; print('jsonschema' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True).stdout.strip() == "False"
