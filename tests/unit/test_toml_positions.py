import tomllib

from mubiao.readers.toml_positions import scan_positions

DOCUMENT = '''#:schema ./plan.schema.json
[plan]
id = "a"   # a comment with "quotes" and = signs
"quoted.key" = 'x'
[[goals]]
id = "G1"
  [[goals.indicators]]
  id = "G1-a"
  milestones = [ { date = 2021-06-30, target = 5 },
     {date=2021-09-30, target=7} ]
  allocation = { wucheng = 8, "jin dong" = 5 }
  source = """two
lines with "quotes" """
  [[goals.indicators]]
  id = "G1-b"
[[goals]]
id = "G2"
a.b.c = 1
'''


def test_the_document_is_valid_toml():
    tomllib.loads(DOCUMENT)


def test_tables_and_keys():
    keys = scan_positions(DOCUMENT).keys
    assert keys[("plan",)] == (2, 1)
    assert keys[("plan", "id")] == (3, 1)
    assert keys[("plan", "quoted.key")] == (4, 1)


def test_arrays_of_tables_are_indexed_per_parent():
    keys = scan_positions(DOCUMENT).keys
    assert keys[("goals", 0)] == (5, 1)
    assert keys[("goals", 0, "indicators", 1, "id")] == (15, 3)
    assert keys[("goals", 1, "id")] == (17, 1)


def test_inline_tables_arrays_and_values():
    positions = scan_positions(DOCUMENT)
    assert positions.keys[("goals", 0, "indicators", 0, "milestones", 1, "target")] == (10, 24)
    assert positions.values[("goals", 0, "indicators", 0, "milestones", 1, "target")] == (10, 31)
    assert positions.keys[("goals", 0, "indicators", 0, "allocation", "jin dong")] == (11, 31)


def test_multiline_strings_do_not_confuse_the_scanner():
    positions = scan_positions(DOCUMENT)
    assert positions.keys[("goals", 0, "indicators", 1)] == (14, 3)


def test_dotted_keys():
    positions = scan_positions(DOCUMENT)
    assert positions.keys[("goals", 1, "a", "b", "c")] == (18, 5)


def test_locate_falls_back_to_the_nearest_ancestor():
    positions = scan_positions(DOCUMENT)
    assert positions.locate(("goals", 0, "indicators", 1, "target")) == (14, 3)
    assert positions.locate(("nowhere",)) == (1, 1)


# -- properties: every key of any document is found where it is written --------------------------

import datetime as dt  # noqa: E402

import tomli_w  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from conftest import SAMPLE_PLANS  # noqa: E402

_KEYS = st.one_of(
    st.from_regex(r"[A-Za-z0-9_-]{1,8}", fullmatch=True),
    st.text(alphabet="ab .#=[]{}\"'\\县区", min_size=1, max_size=6),
)
_SCALARS = st.one_of(
    st.integers(-10**6, 10**6),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 1, 1)),
    st.text(alphabet="ab #=[]{},\"'\\\n\t县", max_size=12),
)
_TABLES = st.recursive(
    st.dictionaries(_KEYS, _SCALARS, max_size=4),
    lambda inner: st.dictionaries(
        _KEYS,
        st.one_of(_SCALARS, inner, st.lists(inner, min_size=1, max_size=3), st.lists(_SCALARS, max_size=3)),
        max_size=4,
    ),
    max_leaves=25,
)


def _leaf_paths(node, path=()):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaf_paths(value, path + (key,))
    elif isinstance(node, list) and node and all(isinstance(item, dict) for item in node):
        for index, item in enumerate(node):
            yield from _leaf_paths(item, path + (index,))
    else:
        yield path, node


def _assert_every_key_is_located(text):
    data = tomllib.loads(text)
    positions = scan_positions(text)
    lines = text.split("\n")
    for path, leaf in _leaf_paths(data):
        if not path or not isinstance(path[-1], str):
            continue
        assert path in positions.keys, path
        line, column = positions.keys[path]
        written = lines[line - 1][column - 1 :]
        key = path[-1]
        assert written.startswith((key, f'"{key}', f"'{key}", '"')), (path, written)
        if isinstance(leaf, bool | int):  # the value found there is this leaf's, not a namesake's
            value_line, value_column = positions.values[path]
            shown = str(leaf).lower() if isinstance(leaf, bool) else str(leaf)
            assert lines[value_line - 1][value_column - 1 :].startswith(shown), (path, leaf)


@settings(max_examples=150, deadline=None)
@given(_TABLES)
def test_scanner_finds_every_key_of_generated_documents(data):
    _assert_every_key_is_located(tomli_w.dumps(data))


def test_scanner_finds_every_key_of_the_sample_plans():
    for path in SAMPLE_PLANS:
        _assert_every_key_is_located(path.read_text(encoding="utf-8"))
