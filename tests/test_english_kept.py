"""English kept by count, whole and in order (issue 18, part 4): each kind of loss or doubling seen
on real mixed text, as a table or a property over generated sentences, with backends that drop,
re-case, glue or reorder English the way models do."""

from __future__ import annotations

import random
import re

import pytest
from hypothesis import given, strategies as st

from fuzz_settings import FUZZ
from glossary.match import Matcher
from glossary.termbase import Entry, Termbase, default_glossary_path
from mt.backends import load_backend
from mt.backends.romanize import RomanizeBackend
from mt.korean import HANGUL_RE, foreign_script, has_hangul
from mt.pipeline import Pipeline
from mt.results import ProtectionKind, WarningCode

LATIN_WORD_RE = re.compile(r"(?<![A-Za-z0-9-])[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*(?![A-Za-z0-9-])")


def whole_count(word: str, text: str) -> int:
    """``word`` as a token of its own: not inside K-AI, AIs or SRTnoseon."""
    return len(re.findall(rf"(?<![\w-]){re.escape(word)}(?!\w)", text))


class ScriptedBackend(RomanizeBackend):
    """The romanize backend, then a change to the English it passes through, like a model's."""

    name = "scripted"

    def __init__(self, change):
        super().__init__()
        self.change = change
        self.calls: list[str] = []

    def translate(self, texts):
        self.calls.extend(texts)
        return [self.change(out) for out in super().translate(texts)]


def drop_every_second(text: str) -> str:
    seen = set()

    def drop(match):
        word = match.group()
        if word in seen:
            return ""
        seen.add(word)
        return word

    return LATIN_WORD_RE.sub(drop, text)


def pipeline(change=lambda text: text, terms=None) -> Pipeline:
    return Pipeline(ScriptedBackend(change), terms=terms)


@pytest.fixture(scope="module")
def starter():
    return Matcher(Termbase.load(default_glossary_path()))


# -- count, not presence; whole tokens; order -----------------------------------------------------

NAMES = ["SRT", "KTX", "AI", "ESG", "LH", "GTX-A", "K-water", "iM", "5G", "R&D", "CCTV", "SM C&C"]
KOREAN_WORDS = ["노선", "열차는", "정부가", "사업을", "추진한다", "지역", "기반", "확대했다", "함께"]


@st.composite
def mixed_sentences(draw):
    """A Korean sentence with English names among its words, some repeated, some glued to Korean."""
    words = []
    for _ in range(draw(st.integers(3, 12))):
        if draw(st.booleans()):
            name = draw(st.sampled_from(NAMES))
            glued = draw(st.sampled_from(["", "", "의", "는", "노선", "과"]))
            words.append(name + glued)
        else:
            words.append(draw(st.sampled_from(KOREAN_WORDS)))
    return " ".join(words) + " 추진했다."


def english_of(sentence: str) -> list[str]:
    return [m.group() for m in re.finditer(r"[A-Za-z0-9][A-Za-z0-9&\-]*(?: C&C)?", sentence)
            if re.search("[A-Za-z]", m.group())]


@FUZZ
@given(mixed_sentences(), st.sampled_from(["keep", "drop-second", "drop-all", "lower", "glue-k"]))
def test_every_english_name_comes_out_as_often_as_it_went_in_and_in_order(sentence, behaviour):
    change = {
        "keep": lambda text: text,
        "drop-second": drop_every_second,
        "drop-all": lambda text: LATIN_WORD_RE.sub("", text),
        "lower": str.lower,
        "glue-k": lambda text: re.sub(r"(?<![\w-])AI(?!\w)", "K-AI", text),
    }[behaviour]
    result = pipeline(change).translate_lines([sentence])[0]
    names = english_of(sentence)
    for name in set(names):
        assert whole_count(name, result.translation) == names.count(name), (sentence, result.translation)
    position = 0
    for name in names:
        found = re.compile(rf"(?<![\w-]){re.escape(name)}(?!\w)").search(result.translation, position)
        assert found, (name, sentence, result.translation)
        position = found.end()
    assert not has_hangul(result.translation)


def test_a_repeated_name_the_model_dropped_once_is_put_back_once():
    result = pipeline(drop_every_second).translate_lines(["SRT 노선과 SRT 열차를 운행한다."])[0]
    assert whole_count("SRT", result.translation) == 2
    assert any(w.code is WarningCode.RESTORED for w in result.warnings)


def test_a_name_inside_a_longer_token_does_not_count():
    result = pipeline(lambda t: t.replace("AI", "K-AI", 1)).translate_lines(["AI 기반 서비스를 만든다."])[0]
    assert whole_count("AI", result.translation) == 1 and "K-AI" in result.translation


def test_english_the_model_reorders_is_flagged():
    swap = lambda text: re.sub(r"\bKTX\b(.*)\bSRT\b", r"SRT\1KTX", text)       # noqa: E731
    result = pipeline(swap).translate_lines(["KTX 열차와 SRT 열차가 달린다."])[0]
    assert "english-order" in {w.code.value for w in result.warnings}


def test_english_put_back_goes_after_the_english_before_it():
    result = pipeline(lambda t: t.replace("ESG", "")).translate_lines(["AI 기반 ESG 경영과 LH 사업을 추진한다."])[0]
    out = result.translation
    assert out.index("AI") < out.index("ESG") < out.index("LH"), out


def test_english_the_model_adds_again_is_flagged():
    result = pipeline(lambda t: t + " SRT").translate_lines(["SRT 노선을 개통한다."])[0]
    assert "english-doubled" in {w.code.value for w in result.warnings}


# -- codes, glued English, particles after English -----------------------------------------------

@pytest.mark.parametrize("sentence, kept", [
    ("KTX-이음, EMU-320, ITX 열차가 운행한다.", ["KTX", "EMU-320", "ITX"]),
    ("ITX-새마을, EMU-260 열차와 SRT를 투입한다.", ["ITX", "EMU-260", "SRT"]),
    ("국제표준(ISO/IEC 42001)을 KS로 도입한다.", ["ISO/IEC", "KS"]),
    ("차량용 5G V2X, 6G R&D 기술을 개발한다.", ["5G", "V2X", "6G", "R&D"]),
])
def test_english_runs_holding_codes_stay_protected(sentence, kept):
    backend = ScriptedBackend(lambda text: LATIN_WORD_RE.sub("", text))
    result = Pipeline(backend).translate_lines([sentence])[0]
    for name in kept:
        assert whole_count(name, result.translation) == 1, (name, result.translation)
    protected = {p.source for _, p in result.protections()}
    assert all(any(name in source for source in protected) for name in kept), protected


@FUZZ
@given(st.sampled_from(NAMES), st.sampled_from(["노선", "금융그룹이", "뱅크", "역도", "미디어는", "윤리", "방식을"]))
def test_english_glued_to_a_korean_word_is_one_island_kept_once(name, korean):
    result = Pipeline(load_backend("romanize")).translate_lines([f"{name}{korean} 확대한다."])[0]
    assert whole_count(name, result.translation) == 1, result.translation
    assert not re.search(rf"(?<![\w-]){re.escape(name)}[a-z]", result.translation), result.translation


@pytest.mark.parametrize("line, expected", [
    ("The goal is growth in the smart city field이다.", "The goal is growth in the smart city field."),
    ("Safety와 sustainable growth로.", "Safety and sustainable growth."),
    ("We met K-water와 LH에서 today.", "We met K-water and LH today."),
])
def test_a_particle_or_copula_after_english_sends_nothing_to_the_model(line, expected):
    backend = ScriptedBackend(lambda text: text)
    result = Pipeline(backend).translate_lines([line])[0]
    assert backend.calls == []
    assert result.translation == expected
    assert not result.warnings


# -- glosses, compounds, Hanja, foreign scripts --------------------------------------------------

@pytest.mark.parametrize("line", [
    "스마트도시 데이터허브(Smart City Data Hub)를 구축한다.",
    "Smart City Data Hub(스마트도시 데이터허브)를 구축한다.",
    "국토부는 스마트도시 데이터허브 (Smart city data hub)를 만든다.",
])
def test_a_term_beside_its_own_gloss_states_its_english_once(starter, line):
    result = pipeline(terms=starter).translate_lines([line])[0]
    assert result.translation.lower().count("smart city data hub") == 1, result.translation
    assert "(" not in result.translation


@FUZZ
@given(st.data())
def test_any_term_glossed_with_its_own_english_comes_out_once(data):
    entries = [Entry(korean=k, english=e) for k, e in
               [("도시재생", "Urban Regeneration"), ("데이터허브", "Data Hub"), ("탄소중립", "Carbon Neutrality"),
                ("공공기관", "public institution")]]
    entry = data.draw(st.sampled_from(entries))
    english_first = data.draw(st.booleans())
    particle = data.draw(st.sampled_from(["를", "은", "의", ""]))
    gloss = f"{entry.english}({entry.korean})" if english_first else f"{entry.korean}({entry.english})"
    line = f"정부는 {gloss}{particle} 추진한다."
    result = Pipeline(load_backend("romanize"), terms=Matcher(entries)).translate_lines([line])[0]
    assert result.translation.count(entry.english) == 1, (line, result.translation)


def test_a_compound_the_glossary_lacks_is_not_cut_into_two_terms(starter):
    result = pipeline(terms=starter).translate_lines(["부산경찰청은 단속 결과를 발표했다."])[0]
    assert "Korean National Police Agency" not in result.translation and "Busan" not in result.translation
    assert "term-in-compound" in {w.code.value for w in result.warnings}
    titled = pipeline(terms=starter).translate_lines(["국토교통부장관은 발표했다."])[0]
    assert "Ministry of Land, Infrastructure and Transport" in titled.translation and "Minister" in titled.translation


@FUZZ
@given(st.data())
def test_two_terms_glued_into_one_word_fire_only_when_the_second_is_a_title(data):
    names = [Entry(korean="해운대", english="Haeundae", kind="place"),
             Entry(korean="한빛청", english="Hanbit Agency", kind="organisation"),
             Entry(korean="미래연구원", english="Future Institute", kind="organisation")]
    title = Entry(korean="원장", english="President", kind="title")
    first = data.draw(st.sampled_from(names))
    second = data.draw(st.sampled_from(names + [title]))
    matcher = Matcher(names + [title])
    line = f"{first.korean}{second.korean}에서 발표했다."
    hits = matcher.find(line)
    if second is title:
        assert [h.english for h in hits] == [first.english, title.english]
    else:
        assert hits == [] and matcher.compounds(line)


def test_a_hanja_gloss_never_reaches_the_model():
    backend = ScriptedBackend(lambda text: text)
    result = Pipeline(backend).translate_lines(["특례(特例)를 적용하고 규제(規制)를 푼다."])[0]
    assert backend.calls and not any(re.search("[\u4e00-\u9fff]", call) for call in backend.calls)
    assert not re.search("[\u4e00-\u9fff]", result.translation)
    assert any(p.kind is ProtectionKind.DROPPED for _, p in result.protections())


@pytest.mark.parametrize("leak", ["比", "ソウル", "Москва", "서울"])
def test_han_kana_cyrillic_or_hangul_in_the_output_is_flagged(leak):
    result = pipeline(lambda text: f"{text} {leak}").translate_lines(["정부는 사업을 추진한다."])[0]
    codes = {w.code.value for w in result.warnings}
    assert ("hangul-left" if HANGUL_RE.search(leak) else "foreign-script") in codes


# -- invisible characters (issue 22, item 27) ---------------------------------------------------

INVISIBLE = ["\u034f", "\ufe0f", "\ufe00", "\u3164", "\u115f", "\u1160", "\uffa0", "\u200b", "\u200d", "\u2060",
             "\ufeff", "\u00ad"]


@FUZZ
@given(st.sampled_from(["국토교통부", "한국철도공사", "스마트도시 데이터허브", "경찰청"]),
       st.lists(st.tuples(st.integers(0, 30), st.sampled_from(INVISIBLE)), min_size=1, max_size=4),
       st.sampled_from(["는", "를", "와", ""]))
def test_invisible_characters_never_defeat_a_term_nor_reach_the_output(starter, term, insertions, particle):
    """Inside Korean words (a keep span, English, stays byte for byte, whatever it holds)."""
    clean = f"올해 {term}{particle} 사업을 발표했다."
    inside = [i for i in range(1, len(clean)) if HANGUL_RE.match(clean[i - 1]) and HANGUL_RE.match(clean[i])]
    chars = list(clean)
    for index, char in sorted(((inside[p % len(inside)], c) for p, c in insertions), reverse=True):
        chars.insert(index, char)
    dirty = "".join(chars)
    expected = [h.english for h in starter.find(clean)]
    assert [h.english for h in starter.find(dirty)] == expected
    result = Pipeline(load_backend("romanize"), terms=starter).translate_lines([dirty])[0]
    assert not any(char in result.translation for char in INVISIBLE), repr(result.translation)
    for english in expected:
        assert english in result.translation


def test_random_lines_of_mixed_text_keep_their_english():
    rng = random.Random(18)
    lines = [" ".join(rng.choice(NAMES + KOREAN_WORDS) for _ in range(10)) + "다." for _ in range(30)]
    results = pipeline(drop_every_second).translate_lines(lines)
    for line, result in zip(lines, results):
        for name in set(english_of(line)):
            assert whole_count(name, result.translation) == english_of(line).count(name), (line, result.translation)


def test_every_warning_code_is_a_review_reason():
    """The review queue ranks spans by their codes: a code missing there would crash `review list`."""
    from koen.archive.review import SEVERITY

    assert set(SEVERITY) == set(WarningCode)


@FUZZ
@given(st.text(alphabet="aAb-_ 1é가.K", max_size=24),
       st.lists(st.text(alphabet="aAb-_ 1é가.K", min_size=1, max_size=4), min_size=1, max_size=5))
def test_whole_token_occurrences_are_what_the_pattern_finds(output, targets):
    """Restore finds protected strings by str.find; the answer is the whole-token regular
    expression's (no word character or word-and-hyphen before, no word character after; where
    occurrences overlap, left to right and the longest first)."""
    from collections import defaultdict

    from mt.restore import _occurrences, _occurrences_by_pattern

    ordered = sorted(set(targets), key=len, reverse=True)
    assert dict(_occurrences(output, targets)) == dict(_occurrences_by_pattern(output, ordered, 0, defaultdict(list)))
