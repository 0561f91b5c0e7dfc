"""Cells as counties type them: numbers, done flags, months and dates (docs/contract.md §3)."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mubiao.numbers import (
    CellError,
    Number,
    halfwidth,
    normalise_number,
    parse_date,
    parse_done_flag,
    parse_number,
    parse_period,
)


@pytest.mark.parametrize(
    "cell, unit, expected",
    [
        ("41", None, Number(41)),
        ("41家", "家", Number(41)),
        ("41 家", "家", Number(41)),
        ("１２", None, Number(12)),
        ("１，５００", None, Number(1500)),
        ("1,500", None, Number(1500)),
        ("1,234,567.5", None, Number(1234567.5)),
        ("90%", None, Number(90, percent=True)),
        ("90％", None, Number(90, percent=True)),
        ("10,800元/年", "元/年", Number(10800)),
        ("  3.5  ", None, Number(3.5)),
        ("\u30007\u3000", None, Number(7)),
        ("-2", None, Number(-2)),
        ("1.5E+3", None, Number(1500)),
        (41, None, Number(41)),
        (0, None, Number(0)),
        (2.5, None, Number(2.5)),
    ],
)
def test_numbers_as_counties_write_them(cell, unit, expected):
    assert parse_number(cell, unit) == expected


@pytest.mark.parametrize("cell", [None, "", "   ", "\u3000", "-", "—", "/"])
def test_blank_cells_are_not_reported_never_zero(cell):
    assert parse_number(cell) is None
    assert parse_done_flag(cell) is None
    assert parse_period(cell) is None
    assert parse_date(cell) is None


@pytest.mark.parametrize(
    "cell, unit",
    [
        ("四十一", None),
        ("约40", None),
        ("40左右", None),
        ("1,5", None),
        ("1,50,0", None),
        ("41个", "家"),  # a unit that is not the indicator's
        ("nan", None),
        ("inf", None),
        ("1_000", None),
        ("1e999", None),
        ("①", None),  # a circled digit is not a full-width digit
        ("41家家", "家"),
        (True, None),
        (dt.date(2021, 6, 1), None),
        (float("nan"), None),
    ],
)
def test_what_is_not_a_number_says_so(cell, unit):
    with pytest.raises(CellError):
        parse_number(cell, unit)


def test_halfwidth_maps_only_fullwidth_ascii_and_the_ideographic_space():
    assert halfwidth("ＡＢ１２，．％\u3000") == "AB12,.% "
    assert halfwidth("①㎡ｶ") == "①㎡ｶ"  # compatibility forms outside U+FF01-FF5E stay as they are


@pytest.mark.parametrize(
    "cell, expected",
    [("是", 1.0), ("已完成", 1.0), ("1", 1.0), ("YES", 1.0), ("true", 1.0), (True, 1.0), (1, 1.0),
     ("否", 0.0), ("未完成", 0.0), ("0", 0.0), ("no", 0.0), (False, 0.0), (0, 0.0)],
)
def test_done_flags(cell, expected):
    assert parse_done_flag(cell) == expected


@pytest.mark.parametrize("cell", ["进行中", "2", "50%", 0.5])
def test_what_is_not_a_done_flag_says_so(cell):
    with pytest.raises(CellError):
        parse_done_flag(cell)


@pytest.mark.parametrize(
    "cell", ["2021-06", "2021-6", "2021/6", "2021.6", "2021年6月", "2021年06月", "２０２１年６月", "202106",
             "2021/6/1", "2021-06-30", "2021年6月1日", dt.date(2021, 6, 1), dt.datetime(2021, 6, 1)],
)
def test_months(cell):
    assert parse_period(cell) == "2021-06"


@pytest.mark.parametrize("cell", ["2021-13", "六月", "2021", "21-06", "Jun-21"])
def test_what_is_not_a_month_says_so(cell):
    with pytest.raises(CellError):
        parse_period(cell)


@pytest.mark.parametrize(
    "cell", ["2021-08-16", "2021/8/16", "2021.8.16", "2021年8月16日", dt.datetime(2021, 8, 16, 0, 0), "44424", 44424],
)
def test_dates(cell):
    assert parse_date(cell) == dt.date(2021, 8, 16)


@pytest.mark.parametrize("cell", ["2021-02-30", "8月16日", "12", "soon", "¹", "⁴⁴⁴²⁴", "④"])
def test_what_is_not_a_date_says_so(cell):
    with pytest.raises(CellError):
        parse_date(cell)


_PIECES = st.sampled_from(list("0123456789０１２３４５６７８９,，..%％ 　-+eE家\t") + ["元/年", "1,500", "１２"])
_CELLS = st.one_of(st.lists(_PIECES, max_size=8).map("".join), st.text(max_size=12))


@given(_CELLS, st.sampled_from([None, "家", "元/年", "%"]))
def test_any_text_is_a_number_or_a_clear_error(cell, unit):
    try:
        number = parse_number(cell, unit)
    except CellError as exc:
        assert str(exc) and "\n" not in str(exc)
    else:
        assert number is None or number.value == number.value  # never NaN


@given(_CELLS, st.sampled_from([None, "家", "元/年"]))
def test_normalising_a_number_is_idempotent(cell, unit):
    try:
        once = normalise_number(cell, unit)
    except CellError:
        return
    assert normalise_number(once, unit) == once
    if once is not None:
        assert parse_number(once, unit) == parse_number(cell, unit)


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e15, max_value=1e15))
def test_a_normalised_float_reads_back_exactly(value):
    assert parse_number(normalise_number(value)).value == value


@pytest.mark.parametrize("cell, unit, value, noted", [
    ("3.5万", "元", 35000, False),  # a multiplier into the unit
    ("3.5万元", "元", 35000, False),
    ("603.5万元", "万元", 603.5, False),  # already in the unit
    ("1.2亿", "万元", 12000, False),
    ("1877元/月", "元/年", 22524, True),  # a monthly amount for a yearly unit, said
    ("约30", "家", 30, True),  # an approximate figure, said
    ("30左右", "人", 30, True),
    ("41家", "家", 41, False),
])
def test_a_value_is_read_leniently_where_its_meaning_is_unambiguous(cell, unit, value, noted):
    number = parse_number(cell, unit, lenient=True)
    assert number.value == value and (number.note is not None) is noted


@pytest.mark.parametrize("cell, unit", [("3万", "%"), ("5万", "万元/人"), ("约", "家"), ("三十左右", "家")])
def test_what_stays_ambiguous_is_refused_even_leniently(cell, unit):
    if unit == "万元/人":  # 万 in a unit of 万元: 5万 is 5, not 50,000
        assert parse_number(cell, unit, lenient=True).value == 5
        return
    with pytest.raises(CellError):
        parse_number(cell, unit, lenient=True)


def test_a_month_saved_as_an_excel_day_number_reads_as_its_month():
    assert parse_period(44621) == parse_period("44621") == "2022-03"
