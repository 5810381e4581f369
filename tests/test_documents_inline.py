"""Inline markers through the pipeline (mt/inline.py): a sentence is translated whole, and its
formatting boundaries and inline codes come back intact around the English they belong to."""

from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from document_factory import korean_paragraphs, wrapped
from fuzz_settings import FUZZ
from mt import inline
from mt.backends import load_backend
from mt.pipeline import Pipeline
from mt.results import WarningCode

o, c, e = inline.opening, inline.closing, inline.standalone


@pytest.fixture(scope="module")
def pipeline():
    from glossary.match import Matcher
    from glossary.termbase import Termbase, default_glossary_path

    return Pipeline(load_backend("romanize"), terms=Matcher(Termbase.load(default_glossary_path())))


class Recording:
    """The romanize backend, remembering every text the model is given."""

    def __init__(self):
        self.inner = load_backend("romanize")
        self.name, self.max_input_tokens = self.inner.name, self.inner.max_input_tokens
        self.seen: list[str] = []

    def count_tokens(self, texts):
        return self.inner.count_tokens(texts)

    def translate(self, texts):
        self.seen.extend(texts)
        return self.inner.translate(texts)

    def provenance(self):
        return self.inner.provenance()


def tagged(pieces) -> str:
    parts, number = [], 0
    for text, style in pieces:
        if style:
            parts.append(o(number) + text + c(number))
            number += 1
        else:
            parts.append(text)
    return "".join(parts)


def test_the_model_never_sees_a_marker_and_sentences_stay_whole():
    backend = Recording()
    line = f"보도자료에 따르면 국토{o(0)}교통{c(0)}부는 {o(1)}새로운 정책{c(1)}을 {e(2)}발표했다."
    result = Pipeline(backend).translate_lines([line])[0]
    assert not any(inline.has_markers(text) for text in backend.seen)
    assert any("보도자료에 따르면" in text and "발표했다" in text for text in backend.seen)
    assert inline.integrity(line, result.translation) is None
    assert result.audit()["tags"] == {"total": 5, "intact": True}


def test_bold_glossary_term_stays_bold_on_its_english(pipeline):
    result = pipeline.translate_lines([f"보도자료에 따르면 {o(0)}국토교통부{c(0)}가 오늘 발표했다."])[0]
    assert wrapped(result.translation) == {0: "Ministry of Land, Infrastructure and Transport"}


def test_a_boundary_inside_a_term_wraps_the_whole_english(pipeline):
    result = pipeline.translate_lines([f"국토{o(0)}교통{c(0)}부는 발표했다."])[0]
    assert wrapped(result.translation)[0] == "Ministry of Land, Infrastructure and Transport"


def test_english_runs_keep_their_markers_exactly(pipeline):
    line = f"{o(0)}새 정책{c(0)}을 발표했다. The {o(1)}OECD report{c(1)} {e(2)}agrees."
    result = pipeline.translate_lines([line])[0]
    assert result.translation.endswith(f"The {o(1)}OECD report{c(1)} {e(2)}agrees.")


@pytest.mark.parametrize("seed", range(4))
def test_every_formatted_stretch_keeps_english_and_every_tag(pipeline, seed):
    """FLORES sentences cut at random characters (inside words too), stretches in bold, italic or
    links: each line's tags are intact and each stretch that held words wraps English words."""
    lines = [tagged(pieces) for pieces in korean_paragraphs(seed, count=8)]
    for line, result in zip(lines, pipeline.translate_lines(lines)):
        assert inline.integrity(line, result.translation) is None
        assert not any(w.code is WarningCode.TAGS for w in result.warnings)
        for number, source in wrapped(line).items():
            if any(char.isalnum() for char in source):
                english = wrapped(result.translation)[number]
                assert english.strip() and not inline.has_markers(english), (line, result.translation)


def test_an_editors_translation_keeps_the_lines_markers():
    line = f"{o(0)}새 정책{c(0)}을 발표했다. The {o(1)}end{c(1)}."
    plain, _ = inline.strip(line)
    korean_end = plain.index(".") + 1
    joined = inline.rejoin(line, [(0, korean_end, True, "The new policy was announced."),
                                  (korean_end, len(plain), False, plain[korean_end:])])
    assert inline.integrity(line, joined) is None
    assert inline.remove_markers(joined) == "The new policy was announced. The end."
    assert joined.endswith(f"The {o(1)}end{c(1)}.")


def test_integrity_reports_dropped_crossed_and_unclosed_tags():
    source = f"{o(0)}a {o(1)}b{c(1)}{c(0)} {e(2)}"
    assert inline.integrity(source, source) is None
    assert "missing" in inline.integrity(source, f"{o(0)}a b{c(0)}")
    assert "out of order" in inline.integrity(source, f"{o(0)}a {o(1)}b{c(0)}{c(1)} {e(2)}")
    assert inline.nesting_problem(f"{o(0)}a") == "inline tag 0 left unclosed"


_WORDS = st.sampled_from(["정책", "국토교통부", "발표했다", "서울시", "2025년", "English", "the", "새로운", " ", ", "])


@st.composite
def marked_lines(draw):
    """Random words with random well-nested markers between them."""
    words = draw(st.lists(_WORDS, min_size=1, max_size=12))
    parts, stack, number = [], [], 0
    for word in words:
        action = draw(st.sampled_from(["none", "open", "close", "empty"]))
        if action == "open":
            parts.append(o(number))
            stack.append(number)
            number += 1
        elif action == "close" and stack:
            parts.append(c(stack.pop()))
        elif action == "empty":
            parts.append(e(number))
            number += 1
        parts.append(word)
    parts.extend(c(n) for n in reversed(stack))
    return "".join(parts)


@FUZZ
@given(marked_lines())
def test_any_nesting_of_markers_survives_translation(pipeline, line):
    result = pipeline.translate_lines([line])[0]
    assert inline.integrity(line, result.translation) is None
    assert not inline.has_markers(inline.strip(result.translation)[0])
