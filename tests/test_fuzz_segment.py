"""Property: segmentation never loses, adds or reorders a character, on any text."""

from hypothesis import given
from hypothesis import strategies as st

from fuzz_settings import FUZZ
from mt import segment as segment_module
from mt.korean import has_hangul
from mt.segment import BULLETS, segment

HANGUL = st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3)
JAMO = st.sampled_from("ㅇㄱㅏㅎ")
LATIN = st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
DIGITS = st.sampled_from("0123456789")
MARKS = st.sampled_from(BULLETS + "-*「」『』“”‘’\"'()[]《》〈〉<>.,!?:;‧·~%…—–&+/@")
SPACE = st.sampled_from(" \t\u00a0\u3000")
WORDS = st.sampled_from(["다.", "했다.", "는", "고 밝혔다.", "said,", "Dr.", "p.m.", "U.S.", "Note:", "(Background)",
                         "[...]", "...", "2025.", "Mr.", "Co., Ltd."])
PIECE = st.one_of(HANGUL, JAMO, LATIN, DIGITS, MARKS, SPACE, WORDS,
                  st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"))
TEXT = st.lists(PIECE, max_size=80).map("".join)


def check_cover(text):
    spans = segment(text)
    assert "".join(s.text for s in spans) == text
    position = 0
    for span in spans:
        assert span.start == position and span.end > span.start
        assert text[span.start:span.end] == span.text
        position = span.end
    assert position == len(text)
    if text and not has_hangul(text):
        assert [(s.kind, s.text) for s in spans] == [("keep", text)]
    return spans


@FUZZ
@given(TEXT)
def test_fuzz_spans_concatenate_to_the_input(text):
    check_cover(text)


@FUZZ
@given(TEXT)
def test_fuzz_spans_cover_the_input_in_tiny_windows(text):
    original = segment_module.WINDOW
    segment_module.WINDOW = 7     # every stretch longer than this is analysed in windows
    try:
        check_cover(text)
    finally:
        segment_module.WINDOW = original
