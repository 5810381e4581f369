"""English beside Korean on one line: sentences, clauses and labels are keep spans; names that
Korean grammar attaches stay inside the Korean sentence. Sample: tests/data/mixed/SOURCE.md."""

import pytest

from mt.segment import detached_english_head, english_sentence_cuts, segment
from test_mixed_sample import sample_rows


def spans_of(text):
    return [(s.kind, s.text) for s in segment(text)]


def inside(line, piece, ranges, start=0):
    found = line.find(piece, start)
    return found >= 0 and any(a <= found and found + len(piece) <= b for a, b in ranges)


@pytest.mark.parametrize("row", sample_rows(), ids=lambda row: row["line"][:40])
def test_sample_pieces_land_in_the_right_spans(row):
    line, spans = row["line"], segment(row["line"])
    assert "".join(s.text for s in spans) == line
    keep = [(s.start, s.end) for s in spans if not s.translate]
    translate = [(s.start, s.end) for s in spans if s.translate]
    for piece in row["keep"]:
        assert inside(line, piece, keep), (piece, spans_of(line))
    for piece in row["attached"]:
        assert inside(line, piece, translate), (piece, spans_of(line))


def test_english_sentence_before_a_korean_sentence_kiwi_does_not_split():
    text = "Incheon joined the Carbon Neutral Cities Alliance (CNCA) in Glasgow. 인천시는 국내 도시 최초로 CNCA에 가입했다."
    assert spans_of(text) == [
        ("keep", "Incheon joined the Carbon Neutral Cities Alliance (CNCA) in Glasgow. "),
        ("translate", "인천시는 국내 도시 최초로 CNCA에 가입했다.")]


def test_reporting_clause_before_a_korean_quote():
    text = "Gimhae City (Mayor Hong Tae-yong) said, “우리 시는 최선을 다하겠다”고 밝혔다."
    assert spans_of(text) == [("keep", "Gimhae City (Mayor Hong Tae-yong) said, "),
                              ("translate", "“우리 시는 최선을 다하겠다”고 밝혔다.")]


def test_label_before_a_colon():
    assert spans_of("* Smart+ buildings: 로봇과 UAM 등 새로운 기술이 적용된다.") == [
        ("keep", "* Smart+ buildings: "), ("translate", "로봇과 UAM 등 새로운 기술이 적용된다.")]


@pytest.mark.parametrize("text", [
    "Ministry of Land, Infrastructure, and Transport(장관 박상우)는 3개 지역을 선정하였다.",
    "Seoul, Busan, 대구는 이번 공모에서 제외됐다.",
    "Dr. 이정민 연구위원은 기조연설을 했다.",
    "Samsung Electronics Co., Ltd. 대표는 협약식에 참석했다.",
    "국토부는 “We are ready.” 라고 말했다.",
    "2025. 7. 11. 국토부는 3개 지역을 선정했다.",
])
def test_english_that_korean_grammar_attaches_stays_in_the_korean_sentence(text):
    assert spans_of(text) == [("translate", text)]


def test_abbreviation_ends_an_english_sentence_only_after_prose():
    assert english_sentence_cuts("Applications close at 6 p.m. 접수는 온라인으로만 가능하다.") == [len("Applications close at 6 p.m.")]
    assert english_sentence_cuts("Samsung C&T Corp. 대표는 참석했다.") == []


def test_a_detached_clause_may_be_followed_by_the_korean_subject_name():
    text = "As reported yesterday, MOLIT는 3개 지역을 선정했다."
    assert detached_english_head(text) == len("As reported yesterday,")
    assert detached_english_head("Seoul and Busan 두 도시는 선정됐다.") == 0


def test_korean_sentence_between_english_sentences_keeps_its_own_span():
    text = "The plan was approved. 국토부는 3개 지역을 선정했다. It starts in May."
    assert spans_of(text) == [("keep", "The plan was approved. "), ("translate", "국토부는 3개 지역을 선정했다."),
                              ("keep", " It starts in May.")]
