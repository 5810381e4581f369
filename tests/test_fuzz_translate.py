"""Property test: `koen translate --backend romanize` keeps the line count, and keeps lines without
Hangul byte for byte (the pipeline in-process, built once: no subprocess per example)."""

from __future__ import annotations

import functools

from hypothesis import given
from hypothesis import strategies as st

from fuzz_settings import FUZZ
from mt.backends import load_backend
from mt.korean import has_hangul
from mt.pipeline import Pipeline

LINE_BREAKS = set("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
CHARS = st.characters(codec="utf-8", exclude_characters="".join(LINE_BREAKS)) | st.sampled_from(
    list("가나다라국토교통부는 서울시 123,456원 2025년 7월 11일 □○ㅇ-·…\t\u200b\ufeff"))


@functools.lru_cache(maxsize=1)
def pipeline():
    return Pipeline(load_backend("romanize"))


@FUZZ
@given(st.lists(st.text(CHARS, max_size=60), min_size=1, max_size=8), st.sampled_from(["\n", "\r\n", ""]))
def test_fuzz_romanize_keeps_lines_and_hangul_free_lines(texts, last_ending):
    lines = [text + "\n" for text in texts[:-1]] + [texts[-1] + last_ending]
    results = pipeline().translate_lines(lines)
    assert len(results) == len(lines)
    output = "".join(r.translation for r in results)
    assert output.count("\n") == "".join(lines).count("\n")
    for line, result in zip(lines, results):
        if not has_hangul(line):
            assert result.translation.encode("utf-8") == line.encode("utf-8")
