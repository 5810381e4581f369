"""Segmentation on the real archive page (examples/, see SOURCE.md there) and on made cases."""

import re

import pytest

from mt.korean import has_hangul
from mt.segment import latin_islands, segment

BULLET_O = re.compile(r"(?:(?<=\s)|^)ㅇ(?=\s|$)")


def translate_texts(text):
    return [s.text for s in segment(text) if s.translate]


def test_spans_cover_every_archive_line_exactly(archive_lines):
    for line in archive_lines:
        spans = segment(line)
        assert "".join(s.text for s in spans) == line
        assert [s.start for s in spans[1:]] == [s.end for s in spans[:-1]]
        for span in spans:
            assert line[span.start:span.end] == span.text


def test_english_only_records_are_one_keep_span(archive_lines):
    english = [line for line in archive_lines if not has_hangul(line) and line.strip()]
    assert len(english) > 50
    for line in english:
        spans = segment(line)
        assert [s.kind for s in spans] == ["keep"] and spans[0].text == line


def test_almost_all_korean_first_record(archive_lines):
    line = archive_lines[6]
    assert line.startswith("- 「2025년")
    texts = translate_texts(line)
    assert texts == [
        "「2025년 스마트도시 시범솔루션 발굴사업」 지자체 공모 결과 3개 지역 선정",
        "Ministry of Land, Infrastructure, and Transport(장관 박상우)는「2025년 스마트도시 데이터허브 시범솔루션 발굴사업」 "
        "지자체 공모 결과, 울산광역시, 제주특별자치도, 충청북도(제천시 공동수행)를 선정하였다.",
        "‘스마트도시 데이터허브’는 교통‧안전 등 다양한 도시데이터를 한곳에 모아놓은 도시정보 플랫폼이다.",
        "데이터허브에 모인 데이터를 분석해서 새로운 도시서비스를 만들고 지자체가 도시를 효율적으로 운영할 수 있도록 돕는 역할을 할 수",
    ]
    keep = "".join(s.text for s in segment(line) if not s.translate)
    assert keep.count("□") == 2 and keep.startswith("- ") and keep.endswith(" [...]\n")
    assert not has_hangul(keep)


def test_korean_sentence_keeps_the_english_name_it_is_built_around(archive_lines):
    sentence = translate_texts(archive_lines[6])[1]
    assert sentence.startswith("Ministry of Land, Infrastructure, and Transport(")
    islands = [sentence[a:b] for a, b in latin_islands(sentence)]
    assert islands == ["Ministry of Land, Infrastructure, and Transport"]


def test_interpunct_joined_nouns_stay_inside_the_korean_span(archive_lines):
    spans = translate_texts(archive_lines[6])
    assert any("교통‧안전" in s for s in spans)


def test_o_bullet_before_english_is_layout(archive_lines):
    line = next(l for l in archive_lines if "ㅇ This system" in l)
    assert segment(line)[0].kind == "keep" and len(segment(line)) == 1


@pytest.mark.parametrize("bullet", ["□", "■", "◈", "◆", "○", "●", "▲", "▶", "※", "-", "*", "ㅇ"])
def test_bullets_are_kept_and_split_korean_sentences(bullet):
    text = f"{bullet} 국토교통부는 3개 지역을 선정했다. {bullet} 데이터허브를 만든다."
    spans = segment(text)
    kept = "".join(s.text for s in spans if not s.translate)
    assert kept.count(bullet) == 2
    assert translate_texts(text) == ["국토교통부는 3개 지역을 선정했다.", "데이터허브를 만든다."]


def test_jamo_inside_a_word_is_not_a_bullet():
    assert translate_texts("ㅇㅇ 회사가 발표했다.") == ["ㅇㅇ 회사가 발표했다."]


def test_single_korean_term_inside_an_english_sentence():
    text = "The ministry announced the 스마트도시 데이터허브 pilot in 울산광역시 yesterday."
    assert translate_texts(text) == ["스마트도시 데이터허브", "울산광역시"]
    kept = "".join(s.text for s in segment(text) if not s.translate)
    assert kept == "The ministry announced the  pilot in  yesterday."


@pytest.mark.parametrize("opening,closing", [("「", "」"), ("『", "』"), ("‘", "’"), ("“", "”"), ("'", "'"), ('"', '"')])
def test_quote_marks_around_a_korean_span_are_kept(opening, closing):
    text = f"Title: {opening}2025년 스마트도시 시범솔루션 발굴사업{closing} was announced."
    spans = segment(text)
    assert translate_texts(text) == ["2025년 스마트도시 시범솔루션 발굴사업"]
    kept = "".join(s.text for s in spans if not s.translate)
    assert opening in kept and closing in kept


def test_wrapped_korean_title_alone():
    spans = segment("「2025년 스마트도시 시범솔루션 발굴사업」")
    assert [(s.kind, s.text) for s in spans] == [("keep", "「"), ("translate", "2025년 스마트도시 시범솔루션 발굴사업"), ("keep", "」")]


def test_korean_sentence_then_english_sentence():
    spans = segment("ㅇ 국토교통부는 3개 지역을 선정했다. It was good.")
    assert [(s.kind, s.text) for s in spans] == [
        ("keep", "ㅇ "), ("translate", "국토교통부는 3개 지역을 선정했다."), ("keep", " It was good.")]


def test_numbers_and_units_stay_inside_korean_sentences():
    assert translate_texts("□ 2027년까지 165억 원을 투입한다.") == ["2027년까지 165억 원을 투입한다."]


def test_empty_and_whitespace():
    assert segment("") == []
    assert [s.kind for s in segment("   \t")] == ["keep"]


def test_every_hangul_character_lands_in_a_translate_span():
    """Mixed text built from archive and corpus fragments: nothing Korean is left in keep spans
    except the jamo bullet, and keep spans hold the English exactly."""
    import random

    from conftest import ARCHIVE, DATA

    korean = (DATA / "corpus" / "flores200-dev.200.ko").read_text(encoding="utf-8").split()
    english = ARCHIVE.read_text(encoding="utf-8").split()
    marks = ["□", "ㅇ", "○", "◈", "▲", "※", "-", "*", "「", "」", "‘", "’", "“", "”", "(", ")", "‧", ".", ","]
    rng = random.Random(7)
    for _ in range(300):
        words = []
        for _ in range(rng.randint(1, 40)):
            pool = rng.choice([korean, english, english, marks])
            words.append(rng.choice(pool))
        glue = rng.choice([" ", "", " ", "  "])
        text = glue.join(words)
        spans = segment(text)
        assert "".join(s.text for s in spans) == text
        kept = "".join(s.text for s in spans if not s.translate)
        assert not has_hangul(BULLET_O.sub("", kept)), (text, kept)
