"""The bugs the bad-input corpus and the fuzzers found (issue 8), each with the test that would have caught it.
The corpus entry that shows each one end to end is named in the test's docstring."""

from __future__ import annotations

import sys
import warnings

import pytest

from conftest import FIXTURES
from mubiao.errors import PlanError

BAD_PLANS = FIXTURES / "bad" / "plans"


def _errors(path):
    from mubiao.checks.plan import check_plan_file

    return [(f.code, f.line) for f in check_plan_file(path) if f.severity.value == "error" and f.code != "P107"]


@pytest.mark.parametrize("name, code, line", [
    ("target-nan.toml", "P105", 72),
    ("target-infinite.toml", "P105", 72),
    ("target-integer-with-400-digits.toml", "P105", 72),
    ("date-in-year-0001.toml", "P105", 9),
    ("county-id-con-is-a-windows-device.toml", "P104", 22),
    ("summary-template-reaches-into-python.toml", "P218", 98),
])
def test_a_plan_value_that_no_plan_means_is_an_error_at_its_line(name, code, line):
    """nan/inf targets were taken (and crashed `report` with "Out of range float values are not JSON
    compliant"); a 400-digit target crashed `check` (OverflowError); a plan from the year 1 made `show` step
    through 24,000 months; a county `con` made a form file Windows cannot write; a summary template could climb
    into Python (`name.__class__.__mro__…`). Corpus: plans/target-*.toml, date-in-year-0001.toml,
    county-id-con-is-a-windows-device.toml, summary-template-reaches-into-python.toml."""
    assert _errors(BAD_PLANS / name) == [(code, line)]


@pytest.mark.parametrize("name, line", [
    ("dotted-key-1500-parts-long.toml", None),  # was a RecursionError in every command
    ("target-integer-with-5000-digits.toml", 72),  # was a ValueError out of tomllib
])
def test_a_plan_python_cannot_hold_is_a_toml_error(name, line, tmp_path):
    from mubiao.readers.toml_document import read_toml

    path = tmp_path / "demo.toml"
    path.write_bytes((BAD_PLANS / name).read_bytes())
    with pytest.raises(PlanError) as raised:
        read_toml(path)
    assert (raised.value.code, raised.value.line) == ("P001", line)


def test_a_message_quotes_an_id_on_one_line():
    """`id = "G01\\nG02"` broke the message of `mubiao check` in two. Corpus: plans/goal-id-with-a-line-break.toml."""
    from mubiao.checks.plan import check_plan_file

    messages = [f.message for f in check_plan_file(BAD_PLANS / "goal-id-with-a-line-break.toml")]
    assert messages and all("\n" not in m for m in messages)
    assert any('"G01\\nG02"' in m for m in messages)


def test_a_summary_template_runs_in_a_sandbox():
    """A template that reaches for Python's insides raises instead of running (and `check` refuses it, P218)."""
    from mubiao.render.summary import TemplateError, Templates

    with pytest.raises(TemplateError):
        Templates().sentence([], {"name": "x"}, own="{{ name.__class__.__mro__[1].__subclasses__() }}")
    assert Templates().sentence([], {"name": "中心", "actual": 3}, own="{{ name }}{{ actual }}家") == "中心3家"


def test_an_error_names_its_code():
    """`error: targets/demo.toml:5:3: TOML 语法错误…` said no code; every finding's message does."""
    error = PlanError("TOML 语法错误:Invalid value", file="targets/demo.toml", line=5, column=3, code="P001")
    assert error.one_line() == "targets/demo.toml:5:3: P001 TOML 语法错误:Invalid value"
    already = PlanError("P104 `id` 不符合编号规则", file="x.toml", line=2, code="P104")
    assert already.one_line() == "x.toml:2: P104 `id` 不符合编号规则"


def test_a_huge_integer_is_shown_not_raised():
    """format_number(10**400) raised OverflowError while a message about a wrong type was being written (found by
    the plan fuzzer)."""
    from mubiao.numbers import format_number

    assert format_number(10**400) == "1.000000000e+400"
    assert format_number(-(10**20)) == "-1.000000000e+20"
    assert format_number(12.0) == "12" and format_number(10**15) == "1000000000000000"


def test_a_full_disk_is_a_clear_error_not_an_internal_one(cli, tmp_path, monkeypatch):
    """An OSError while writing (disk full, a folder without permission) was reported as an internal error."""
    import errno

    import mubiao.io

    def full(path, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(mubiao.io, "_temporary_copy", full)
    result = cli("schema", "-o", tmp_path / "plan.schema.json")
    assert result.exit_code == 2
    assert result.stderr.strip().startswith("error: ") and "内部错误" not in result.stderr
    assert "No space left on device" in result.stderr


def test_python_warnings_are_not_shown_without_debug(monkeypatch):
    """numpy's RuntimeWarning (overflow in a ratio of 1e308 over 0.001) printed source lines to the user, like a
    traceback. Corpus: progress/ratio-parts-near-the-float-limit.csv."""
    import mubiao.commands.schema
    from mubiao import app

    def warns() -> str:
        warnings.warn("overflow encountered in divide", RuntimeWarning)
        return "{}\n"

    monkeypatch.setattr(mubiao.commands.schema, "schema_json", warns)
    for argv, shown in ((["mubiao", "schema"], False), (["mubiao", "--debug", "schema"], True)):
        monkeypatch.setattr(sys, "argv", argv)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            with pytest.raises(SystemExit):
                app.main()
        assert bool(caught) is shown, argv


def test_a_workbook_property_holds_no_control_character():
    """The organisation went into the workbook's properties as it was; one control character in it made
    `report` fail ("All strings must be XML compatible"). Corpus: plans/names-with-control-characters.toml."""
    from mubiao.render.xlsx import put_text, storable

    assert storable("示范市\x01民政局\x1b[31m") == "示范市民政局[31m"
    from openpyxl import Workbook

    cell = put_text(Workbook().active["A1"], "=1+1\x00")
    assert (cell.value, cell.data_type, cell.quotePrefix) == ("=1+1", "s", True)
