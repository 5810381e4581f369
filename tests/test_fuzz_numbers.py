"""Property tests for mt.numbers: no text makes the number code raise; every digit run is covered."""

from __future__ import annotations

from fuzz_settings import FUZZ
from hypothesis import given
from hypothesis import strategies as st

from mt.korean import HANGUL_RE
from mt.numbers import (
    RenderStyle,
    account_numbers,
    coverage,
    digit_runs,
    find_numbers,
    format_number,
    unjustified_numbers,
)

# pieces that make the scanner work: digits, separators, Korean units and dates, scales, particles
_PIECES = st.sampled_from([
    "0", "1", "2", "9", "12", "13", "30", "2025", "'25", "4301", ".", ",", "-", "~", ":", "/", " ", "(", ")",
    "년", "월", "일", "시", "분", "억", "조", "만", "천", "원", "명", "개", "%", "제", "조", "항", "호", "세기",
    "형", "수십", "수백억", "오후 ", "약 ", "여", "은", "로", "에", "대", "배", "km", "mph", "GHz", "Mbit/s",
    "(목)", "NaN", "G-", "e", "E", "٣", "１", "²", "½", "\u200b", "\n",
])
_TEXT = st.one_of(
    st.lists(_PIECES, max_size=40).map("".join),
    st.text(max_size=60),
    st.text(alphabet="0123456789.,~-:년월일억조원명 가나다ab", max_size=80),
)
_LONG_DIGITS = st.tuples(st.integers(20, 5000), st.sampled_from(["", "억 원", "명", "%", "월 1일", ".5"]))


def _check_cover(text: str) -> None:
    exprs = find_numbers(text)
    last = 0
    for expr in exprs:
        assert last <= expr.start < expr.end <= len(text), (text, exprs)
        assert text[expr.start:expr.end] == expr.text
        last = expr.end
        if expr.kind == "literal":
            assert expr.english == expr.text
    covered, total = coverage(text, exprs)
    assert covered == total == len(digit_runs(text)), (text, exprs)


@FUZZ
@given(_TEXT)
def test_find_numbers_covers_every_digit_run_without_overlap(text):
    _check_cover(text)


@FUZZ
@given(_TEXT, _TEXT)
def test_accounting_never_raises(source, output):
    for check in account_numbers(source, output, RenderStyle(currency="word", dollar=None)):
        assert isinstance(check.found, bool)
    for start, end, span in unjustified_numbers(output, source):
        assert output[start:end] == span
    find_numbers(source, default_year=2025)


@FUZZ
@given(_LONG_DIGITS)
def test_huge_digit_runs_are_literals_with_a_problem(case):
    length, tail = case
    text = "1" * length + tail
    _check_cover(text)
    unjustified_numbers(text, text)
    account_numbers(text, text)
    if length > 20:
        assert find_numbers(text)[0].problem


@FUZZ
@given(st.one_of(st.text(max_size=30), st.integers(), st.floats(), st.decimals()))
def test_format_number_never_raises(value):
    assert isinstance(format_number(value), str)


# digits of every script the scanner's \d reads, beside the Korean that makes dates and amounts
_ANY_SCRIPT_DIGITS = st.sampled_from(["13", "１３", "١٣", "۱۳", "१३", "１", "٠", "2", "30", "３０", "99"])
_DATE_PIECES = st.sampled_from(["월", "일", "년", " ", "~", "억", "원", "조", "명", "대", "세", "(목)", ".", "제"])
_NUMERIC_KOREAN = st.lists(st.tuples(_ANY_SCRIPT_DIGITS, _DATE_PIECES, st.sampled_from(["", " "])).map("".join),
                           min_size=1, max_size=6).map("".join)


@FUZZ
@given(st.one_of(_NUMERIC_KOREAN, _TEXT))
def test_no_rendering_holds_hangul(text):
    """Issue 22 item 25: what koen forces into the English (a rendering, or a literal kept as
    written) never holds Hangul, whatever script the digits are in (１３월 １일, ١٣월)."""
    for expr in find_numbers(text):
        assert not HANGUL_RE.search(expr.english), (text, expr)
