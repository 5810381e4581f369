"""Issue 18 part 5: the run summary reports shares exactly (never rounds a miss up to 100% or a hit
down to 0%) and names what it missed; a digit run in no protection is warned about."""

from __future__ import annotations

from fractions import Fraction

from fuzz_settings import FUZZ
from hypothesis import given
from hypothesis import strategies as st

from mt.backends import load_backend
from mt.pipeline import Pipeline, summarize
from mt.results import RunSummary, WarningCode, exact_percent


def _value(text: str) -> Fraction:
    return Fraction(text.rstrip("%"))


@FUZZ
@given(st.integers(1, 10**6).flatmap(lambda whole: st.tuples(st.integers(0, whole), st.just(whole))))
def test_exact_percent_never_reaches_a_bound_it_did_not_reach(case):
    part, whole = case
    text = exact_percent(part, whole)
    true = Fraction(100 * part, whole)
    assert (text == "100%") == (part == whole)
    assert (text == "0%") == (part == 0)
    assert _value(text) <= true                         # floored, never rounded up
    if 0 < part < whole:
        assert true - _value(text) < Fraction(1, 10) or _value(text) < 1  # one decimal when that is enough


def test_exact_percent_examples():
    assert exact_percent(269, 270) == "99.6%"
    assert exact_percent(1999, 2000) == "99.9%"
    assert exact_percent(1, 2) == "50%"
    assert exact_percent(1, 3000) == "0.03%"


def _audit(total: int, accounted: int, missed: list[str], numbers: list[tuple[str, bool]]) -> dict:
    return {"warnings": [], "spans": [], "terms": [],
            "numbers": [{"source": s, "english": s, "kind": "number", "found": f} for s, f in numbers],
            "digit_runs": {"total": total, "accounted": accounted, **({"missed": missed} if missed else {})}}


def test_summary_line_prints_the_share_below_100_and_names_the_miss():
    audits = [_audit(269, 269, [], [("5", True)]) for _ in range(1)] + [_audit(1, 0, ["42"], [("3명", False)])]
    line = RunSummary.of(audits).line()
    assert "digit runs accounted for 99.6% of 270" in line
    assert "numbers 50% of 2" in line
    assert "line 2: number '3명'" in line and "line 2: digits '42'" in line


def test_a_digit_run_in_no_protection_is_warned_about_and_listed():
    # with number protection off nothing covers the digits: the audit and the summary say which
    results = Pipeline(load_backend("romanize"), protect_numbers=False).translate_lines(["사과 12개와 배 7개를 샀다."])
    codes = [w.code for w in results[0].warnings]
    assert codes.count(WarningCode.DIGITS_UNPROTECTED) == 2
    audit = results[0].audit()
    assert audit["digit_runs"] == {"total": 2, "accounted": 0, "missed": ["12", "7"]}
    line = summarize(results).line()
    assert "digit runs accounted for 0% of 2" in line and "digits '12'" in line


def test_every_warning_code_has_a_review_severity():
    from koen.archive.review import SEVERITY

    assert set(WarningCode) <= set(SEVERITY)  # a new code must be ranked, or the review queue cannot sort it
