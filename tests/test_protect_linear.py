"""Protection, substitution and restore grow linearly with a span's length (issue 22, item 24),
checked by counting the Python and C function calls they make, not by timing: four times the text
may cost at most about four times the calls (a quadratic step would cost sixteen)."""

from __future__ import annotations

import sys

import pytest

from conftest import ROOT
from glossary.match import Matcher
from glossary.termbase import Termbase, default_glossary_path
from mt.pipeline import Pipeline

sys.path.insert(0, str(ROOT / "bench"))
from protect_long import Echo  # noqa: E402  (the benchmark's model: copies its input without Hangul)


def calls(pipeline: Pipeline, text: str) -> int:
    count = 0

    def profile(frame, event, arg):
        nonlocal count
        if event in ("call", "c_call"):
            count += 1

    sys.setprofile(profile)
    try:
        job = pipeline._plan(text, None)
        pipeline._run([job])
    finally:
        sys.setprofile(None)
    return count


@pytest.fixture(scope="module")
def terms():
    return Matcher(Termbase.load(default_glossary_path()))


@pytest.mark.parametrize("pattern", ["「가」 ", "국토교통부 ", "2,025명 ", "SRT노선 ", "SRT SRT ",
                                     "국토교통부는 「스마트도시」 AI와 3개 KTX-이음을 ", "「가", "국토교통부국토교통부"])
@pytest.mark.parametrize("empty", [False, True])
def test_protecting_a_span_costs_calls_linear_in_its_length(terms, pattern, empty):
    pipeline = Pipeline(Echo(empty), terms=terms)
    calls(pipeline, pattern * 10 + "했다.")            # warm caches (Kiwi's tail analyses)
    small = calls(pipeline, pattern * 100 + "했다.")
    large = calls(pipeline, pattern * 400 + "했다.")
    assert large / small < 5.5, (small, large)
