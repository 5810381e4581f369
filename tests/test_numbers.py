"""mt.numbers: the committed expression table, rendering styles, accounting, unjustified numbers."""

from __future__ import annotations

import ast
import csv
import json
import time
from decimal import Decimal
from pathlib import Path

import pytest

from mt.errors import KoenError
from mt.numbers import (
    NumberExpr,
    NumberKind,
    RenderStyle,
    account_numbers,
    coverage,
    digit_runs,
    find_numbers,
    format_number,
    unjustified_numbers,
)

DATA = Path(__file__).parent / "data"
TABLE = DATA / "numbers" / "expressions.tsv"
# issue 18: one number read as two (2만 3,000명), numeral syllables inside words (조건, 구조원),
# decades of age, terms and regnal numbers; same columns as expressions.tsv
READING_TABLES = (DATA / "numbers" / "one-number.tsv", DATA / "numbers" / "numerals-in-words.tsv")


def _rows(table=TABLE):
    with table.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def _norm(value):
    if isinstance(value, (tuple, list)):
        return tuple(_norm(v) for v in value)
    if value is None or isinstance(value, str):
        return value
    return Decimal(str(value)).normalize()


ROWS = _rows()


def test_table_is_large_enough():
    assert len(ROWS) >= 150
    assert sum(r["span"] == "-" for r in ROWS) >= 10


READING_ROWS = [(table.name, i + 2, row) for table in READING_TABLES for i, row in enumerate(_rows(table))]


def test_reading_tables_cover_both_ways():
    for table in READING_TABLES:
        rows = _rows(table)
        assert len(rows) >= 25 and any(r["span"] != "-" for r in rows), table


@pytest.mark.parametrize("row", [r for _t, _i, r in READING_ROWS], ids=[f"{t}:{i}:{r['input']}" for t, i, r in READING_ROWS])
def test_reading_tables(row):
    test_expression_table(row)


@pytest.mark.parametrize("row", ROWS, ids=[f"{i + 2}:{r['input']}" for i, r in enumerate(ROWS)])
def test_expression_table(row):
    found = find_numbers(row["input"])
    if row["span"] == "-":  # nothing read as a number: digits, if any, are kept as written
        assert all(e.kind == "literal" and e.english == e.text for e in found), found
        assert coverage(row["input"], found) == coverage(row["input"], [NumberExpr(0, len(row["input"]), "", "literal", "", "")])
        return
    matches = [e for e in found if e.text == row["span"]]
    assert matches, [(e.text, e.english) for e in found]
    expr = matches[0]
    assert row["input"][expr.start:expr.end] == expr.text
    assert expr.kind == row["kind"]
    assert _norm(expr.value) == _norm(ast.literal_eval(row["value"]))
    assert expr.english == row["english"]


def test_expressions_are_ordered_and_disjoint():
    text = "2025년 6월 26일(목) 14:00, 국비 165억 원과 지방비 3천만 원, 30~40% 증가, 5.3대 1, '25~'29"
    found = find_numbers(text)
    assert [e.text for e in found] == [
        "2025년 6월 26일(목)", "14:00", "165억 원", "3천만 원", "30~40%", "5.3대 1", "'25~'29",
    ]
    for left, right in zip(found, found[1:]):
        assert left.end <= right.start


@pytest.mark.parametrize(
    "style, english",
    [
        (RenderStyle(), "KRW 16.5 billion"),
        (RenderStyle(currency="word"), "16.5 billion won"),
        (RenderStyle(currency="symbol"), "₩16.5 billion"),
    ],
)
def test_currency_style(style, english):
    [expr] = find_numbers("165억 원", style)
    assert expr.english == english


def test_dollar_style_follows_currency_when_unset():
    assert find_numbers("5천억 달러")[0].english == "$500 billion"
    assert find_numbers("5천억 달러", RenderStyle(dollar=None))[0].english == "USD 500 billion"
    assert find_numbers("5천억 달러", RenderStyle(currency="word", dollar=None))[0].english == "500 billion dollars"


def test_bad_style_is_a_user_error():
    with pytest.raises(KoenError):
        RenderStyle(currency="emoji")


def test_default_year_fills_value_not_english():
    [expr] = find_numbers("6.26.(목)", default_year=2025)
    assert expr.value == (2025, 6, 26)
    assert expr.english == "June 26 (Thursday)"
    [year] = find_numbers("'99년", default_year=2025)
    assert year.value == 1999


def test_format_number():
    assert format_number(Decimal("1234567.50")) == "1,234,567.5"
    assert format_number(16.0) == "16"
    assert format_number(5000) == "5,000"


@pytest.mark.parametrize(
    "source, output",
    [
        ("165억 원", "KRW 16.5 billion"),
        ("165억 원", "16.5 billion won"),
        ("165억 원", "16,500,000,000 won"),
        ("165억 원", "₩16.5bn"),
        ("2025년 6월 26일", "June 26, 2025"),
        ("2025년 6월 26일", "26 June 2025"),
        ("5,000명", "5000 people"),
        ("세 명", "three people"),
        ("30~40%", "30–40%"),
        ("30~40%", "between 30 and 40 percent"),
        ("100~200억 원", "KRW 10–20 billion"),
        ("오후 2시", "at 14:00"),
        ("14:00", "at 2 p.m."),
        ("5월 26일~28일", "from May 26 to 28"),
        ("'25~'29", "from 2025 to 2029"),
        ("5.3대 1", "a 5.3:1 ratio"),
        ("제12회", "the 12th"),
        ("6.26.(목)", "on Thursday, June 26"),
        ("2배", "twice"),
    ],
)
def test_account_numbers_equivalent_forms(source, output):
    checks = account_numbers(source, output)
    assert checks and all(c.found for c in checks), [(c.expr.text, c.found) for c in checks]


@pytest.mark.parametrize(
    "source, output",
    [
        ("165억 원", "KRW 165 billion"),
        ("2025년 6월 26일", "June 6, 2025"),
        ("30~40%", "30–45%"),
        ("14:00", "at 4 p.m."),
        ("5,000명", "500 people"),
    ],
)
def test_account_numbers_detects_changed_numbers(source, output):
    assert not any(c.found for c in account_numbers(source, output))


def test_account_numbers_on_archive_garble():
    source = "2027년까지 165억 원을 투입해 첨단 기후대응 인프라 구축"
    checks = account_numbers(source, "KRW 16.5 billion will be invested by 2027")
    assert [c.found for c in checks] == [True, True]
    garbled = account_numbers(source, "2027 billion won invested by 165")
    assert [(c.expr.text, c.found) for c in garbled] == [("2027년", True), ("165억 원", False)]


def test_unjustified_numbers_flags_invented_and_changed_numbers():
    source = "2027년까지 165억 원을 투입, 6.26.(목) 14:00 회의"
    output = "KRW 16.5 billion by 2027; the meeting on June 26 at 14:00 drew 350 people."
    assert [span for _, _, span in unjustified_numbers(output, source)] == ["350"]
    output = "KRW 17.5 billion by 2027"
    assert [span for _, _, span in unjustified_numbers(output, source)] == ["17.5 billion"]


@pytest.mark.parametrize(
    "source, output",
    [
        ("'25~'29, 2,300억 원", "2025–2029, KRW 230 billion"),
        ("COVID-19 대응", "the COVID-19 response and 19 measures"),  # digits inside Latin words justify
        ("5G 통신망 구축", "5G networks"),  # an identifier in the output is never reported
        ("165억 원", "KRW 16.5 billion (16,500,000,000 won)"),
        ("16억 4,800만 원", "about KRW 1.6 billion"),  # rounding at the precision written
        ("6.26.(목)", "on the 26th of June"),
        ("오후 2시", "at 14:00 or 2 p.m."),
        ("세 명", "three people"),  # a number word is not a digit token
        ("3억권의 책", "300 million books"),  # amount glued to a word
        ("첫 회의", "the 1st meeting"),
    ],
)
def test_unjustified_numbers_is_conservative(source, output):
    assert unjustified_numbers(output, source) == []


def test_unjustified_numbers_reports_offsets():
    output = "The city invited 4,000 guests."
    [(start, end, span)] = unjustified_numbers(output, "시는 손님을 초청했다")
    assert output[start:end] == span == "4,000"


def test_number_expr_is_frozen():
    expr = find_numbers("3개")[0]
    assert isinstance(expr, NumberExpr)
    with pytest.raises(AttributeError):
        expr.text = "x"  # type: ignore[misc]


def test_find_numbers_is_fast_on_a_large_archive():
    text = " ".join(r["input"] for r in ROWS) * 20
    started = time.perf_counter()
    found = find_numbers(text)
    elapsed = time.perf_counter() - started
    assert len(found) > 2000
    assert elapsed < 5.0, f"{elapsed:.2f}s for {len(text):,} characters"


# --- issue 15 item 3: inputs that used to crash (TypeError, ValueError) ---------------------

@pytest.mark.parametrize(
    "text, span",
    [
        ("행사는 13월 1일~2일에 열린다.", "13월 1일~2일"),  # TypeError in the range renderer
        ("0월 1일~3일", "0월 1일~3일"),
        ("NaN5월 26일~28일", "NaN5월 26일~28일"),
        ("2025년 2월 29일", "2025년 2월 29일"),  # 2025 is no leap year
        ("회의는 4월 31일", "4월 31일"),
    ],
)
def test_impossible_dates_are_literals_with_a_problem(text, span):
    found = find_numbers(text)
    [expr] = [e for e in found if e.problem]            # one problem: one warning
    assert expr.problem == f"impossible date: {span}"
    # not a number: the words stay text for the model, only the digits are kept as written
    lo, hi = text.index(span), text.index(span) + len(span)
    inside = [e for e in found if lo <= e.start and e.end <= hi]
    assert [e.text for e in inside] == [text[s:e] for s, e in digit_runs(text) if lo <= s and e <= hi]
    assert all(e.kind == "literal" and e.english == e.text and e.text.isdigit() for e in inside)
    assert inside[0] is expr
    assert coverage(text, find_numbers(text)) == (len(digit_runs(text)),) * 2
    account_numbers(text, "The event is held on January 1.")
    unjustified_numbers("The event is held on January 1.", text)


@pytest.mark.parametrize("tail", ["", "명", "억 원", "%", ".5", "년 3월"])
def test_digit_runs_over_the_int_limit_are_literals(tail):
    text = "규모는 " + "7" * 4301 + tail + "이다"  # ValueError: Exceeds the limit (4300 digits)
    exprs = find_numbers(text)
    assert exprs[0].kind == "literal" and exprs[0].problem == "number too long (4,301 digits)"
    assert exprs[0].text == "7" * 4301 + (".5" if tail == ".5" else "") and exprs[0].english == exprs[0].text
    assert coverage(text, exprs) == (len(digit_runs(text)),) * 2
    account_numbers(text, text)
    unjustified_numbers(text, text)


def test_values_beyond_exact_decimals_are_not_rounded():
    [expr] = find_numbers("9" * 21 + "억 원")  # used to render KRW 1,000,000,... (rounded at 28 digits)
    assert expr.kind == "literal" and expr.problem and expr.english == "9" * 21
    [expr] = find_numbers("99999999999999999999조 원")  # 20 digits, but 10^32 won
    assert expr.problem == "number too large"


@pytest.mark.parametrize("value, text", [
    ("1" * 5000, ",".join(["11", *["111"] * 1666])),  # int() of it raised
    (Decimal("123456789012345678901234567890.5"), "123,456,789,012,345,678,901,234,567,890.5"),  # was rounded
    ("NaN", "NaN"), ("x", "x"), (Decimal("1e999999"), "1E+999999"), (Decimal("-0.000"), "0"),
])
def test_format_number_is_exact_and_total(value, text):
    assert format_number(value) == text


# --- coverage: every digit run is an expression ---------------------------------------------

def test_digit_runs_and_coverage():
    text = "802.11n 규격과 13은, 4,000명"
    assert digit_runs(text) == [(0, 3), (4, 6), (12, 14), (17, 18), (19, 22)]
    exprs = find_numbers(text)
    assert [(e.text, e.kind) for e in exprs] == [("802.11n", "literal"), ("13", "number"), ("4,000명", "quantity")]
    assert coverage(text, exprs) == (5, 5)
    assert coverage(text, exprs[1:]) == (3, 5)
    assert coverage("숫자 없음", []) == (0, 0)


@pytest.mark.parametrize("text, literal", [
    ("G-8 정상회의", "G-8"), ("MP3음악", "MP3"), ("I-35W 다리가", "I-35W"), ("CG4684편으로", "CG4684"),
    ("2차전지.", "2"), ("v1.2.3에서", "v1.2.3"), ("3G 휴대폰", "3G"),
])
def test_literals_keep_glued_latin_but_never_hangul(text, literal):
    [expr] = find_numbers(text)
    assert (expr.kind, expr.text, expr.english, expr.problem) == ("literal", literal, literal, "")


def test_literals_stop_at_neighbouring_expressions():
    exprs = find_numbers("2,3,4 그리고 5명")
    assert coverage("2,3,4 그리고 5명", exprs) == (4, 4)
    assert [e.text for e in exprs][-1] == "5명"


@pytest.mark.parametrize("source, output, found", [
    ("802.11n 규격", "the 802.11n standard", True),
    ("802.11n 규격", "the 802.11 standard", False),
    ("6자회담", "the six-party talks (6)", True),
    ("6자회담", "the 16 parties", False),
    ("1-0으로 이겼다", "won 1-0", True),
    ("1-0으로 이겼다", "won 2-0", False),
    ("수십억 원", "billions of won", True),
    ("수십억 원", "millions of won", False),
    ("제3조제1항", "Article 3(1)", True),
])
def test_accounting_of_new_kinds(source, output, found):
    assert [c.found for c in account_numbers(source, output)] == [found]


def test_vague_amounts_justify_no_digits():
    assert [s for _, _, s in unjustified_numbers("KRW 3 billion", "수십억 원")] == ["3 billion"]


def test_number_kind_is_closed_and_serialises_as_before():
    [expr] = find_numbers("165억 원")
    assert expr.kind is NumberKind.MONEY and json.dumps({"kind": expr.kind}) == '{"kind": "money"}'
    assert f"{expr.kind}" == str(expr.kind) == "money"
    with pytest.raises(ValueError):
        NumberExpr(0, 1, "1", "bogus", 1, "1")
