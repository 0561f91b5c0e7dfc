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
