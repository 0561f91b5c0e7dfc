"""The committed schema is the command's output, and plain jsonschema agrees with it on the fixtures."""

import json
import tomllib

import jsonschema
import pytest

from conftest import INVALID_PLANS, REPO, SAMPLE_PLANS, VALID_PLANS, expected_findings
from mubiao.readers.toml_document import to_json_compatible
from mubiao.schema import PLAN_SCHEMA, schema_json

COMMITTED = REPO / "targets" / "plan.schema.json"
#: Codes that come from the schema itself (the rest are rules a schema cannot say).
SCHEMA_CODES = {"P101", "P102", "P103", "P104", "P105", "P110"}


def _as_json(path):
    return json.loads(json.dumps(to_json_compatible(tomllib.loads(path.read_text(encoding="utf-8")))))


def test_committed_schema_is_the_commands_output():
    assert COMMITTED.read_text(encoding="utf-8") == schema_json(), "run `make schema` and commit targets/plan.schema.json"


def test_schema_is_valid_draft_07():
    jsonschema.Draft7Validator.check_schema(PLAN_SCHEMA)
    assert json.loads(schema_json())["$schema"] == "http://json-schema.org/draft-07/schema#"


@pytest.mark.parametrize("path", VALID_PLANS + SAMPLE_PLANS, ids=lambda p: p.stem)
def test_valid_plans_validate(path):
    jsonschema.Draft7Validator(json.loads(COMMITTED.read_text(encoding="utf-8"))).validate(_as_json(path))


SCHEMA_LEVEL = [
    p for p in INVALID_PLANS
    if {code for code, _ in expected_findings(p)} <= SCHEMA_CODES and b"# jsonschema: accepts" not in p.read_bytes()
]


def test_there_are_schema_level_fixtures():
    assert {p.stem[:4].upper() for p in SCHEMA_LEVEL} == SCHEMA_CODES


@pytest.mark.parametrize("path", SCHEMA_LEVEL, ids=lambda p: p.stem)
def test_schema_level_invalid_plans_fail(path):
    validator = jsonschema.Draft7Validator(json.loads(COMMITTED.read_text(encoding="utf-8")))
    assert list(validator.iter_errors(_as_json(path)))


def test_sample_plans_point_at_the_schema():
    for path in SAMPLE_PLANS:
        assert path.read_text(encoding="utf-8").splitlines()[0] == "#:schema ./plan.schema.json", path.name
