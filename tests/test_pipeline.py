"""The translation flow end to end: the deterministic backend for content, tiny real models for
loading, batching, generation, splitting and CTranslate2."""

import re

import pytest

from glossary.termbase import default_glossary_path
from mt.backends import load_backend
from mt.backends.base import GenerationOptions
from mt.korean import has_hangul
from mt.pipeline import Pipeline, summarize
from mt.results import WarningCode
from koen.compose import build_pipeline
from mt.segment import segment

BULLET_O = re.compile(r"(?:(?<=\s)|^)ㅇ(?=\s|$)")


def without_bullet_o(text):
    return BULLET_O.sub("", text)


@pytest.fixture(scope="module")
def romanize_pipeline():
    from glossary.match import Matcher
    from glossary.termbase import Termbase

    termbase = Termbase.load(default_glossary_path())
    return Pipeline(load_backend("romanize"), terms=Matcher(termbase))


@pytest.fixture(scope="module")
def marian_pipeline(tiny_marian):
    return build_pipeline(model=str(tiny_marian), glossary=str(default_glossary_path()), batch_size=8)


def assert_layout_kept(source: str, translation: str):
    """Every keep span of the source appears in the translation, in order, byte for byte."""
    position = 0
    for span in segment(source.rstrip("\n")):
        if not span.translate:
            found = translation.find(span.text, position)
            assert found >= 0, f"kept text {span.text!r} missing or out of order in {translation!r}"
            position = found + len(span.text)


def assert_archive_translated(lines, results):
    """English-only lines byte-identical; elsewhere layout kept and no Hangul but the ㅇ bullet."""
    for source, result in zip(lines, results):
        if not has_hangul(source):
            assert result.translation == source
        else:
            assert not has_hangul(without_bullet_o(result.translation))
            assert_layout_kept(source, result.translation)


def test_glossary_terms_with_particles_are_enforced_without_leaks(romanize_pipeline):
    line = "스마트도시 데이터허브를 분석해서 국토교통부는 새로운 도시서비스를 만든다."
    result = romanize_pipeline.translate_lines([line])[0]
    assert "Smart City Data Hub" in result.translation
    assert "Ministry of Land, Infrastructure and Transport" in result.translation
    assert not has_hangul(result.translation)
    terms = result.audit()["terms"]
    assert {t["expected"] for t in terms} >= {"Smart City Data Hub", "Ministry of Land, Infrastructure and Transport"}
    assert all(t["found"] for t in terms)


def test_english_lines_are_byte_identical(romanize_pipeline, archive_lines):
    english = [l for l in archive_lines if not has_hangul(l)]
    results = romanize_pipeline.translate_lines(english)
    assert [r.translation for r in results] == english


def test_numbers_are_rendered_and_kept(romanize_pipeline):
    result = romanize_pipeline.translate_lines(["□ 2027년까지 165억 원을 투입한다."])[0]
    assert result.translation.startswith("□ ")
    assert "KRW 16.5 billion" in result.translation
    assert "2027" in result.translation
    numbers = result.audit()["numbers"]
    assert numbers and all(n["found"] for n in numbers)


def test_archive_first_record_with_tiny_marian(marian_pipeline, archive_lines):
    line = archive_lines[6]
    result = marian_pipeline.translate_lines([line])[0]
    out = result.translation
    assert out.endswith("\n") and out.count("\n") == 1
    assert not has_hangul(without_bullet_o(out))
    assert_layout_kept(line, out)
    assert "Ministry of Land, Infrastructure, and Transport" in out
    assert out.count("□") == line.count("□")
    assert "「" in out and "」" in out


def test_every_archive_line_keeps_layout_and_loses_all_hangul(marian_pipeline, archive_lines):
    results = marian_pipeline.translate_lines(archive_lines)
    assert len(results) == len(archive_lines)
    assert_archive_translated(archive_lines, results)


def test_glossary_terms_survive_a_random_model(marian_pipeline):
    lines = ["국토교통부는 스마트도시 데이터허브를 구축한다.", "The 국토부 said 울산광역시 joined."]
    results = marian_pipeline.translate_lines(lines)
    summary = summarize(results)
    assert summary.terms >= 3 and summary.term_success == 1.0
    for result in results:
        for term in result.audit()["terms"]:
            assert term["expected"] in result.translation
            after = result.translation.split(term["expected"], 1)[1][:1]
            assert not has_hangul(after)


class RecordingBackend:
    """Wraps a real backend and records what it was asked to translate."""

    def __init__(self, inner):
        self.inner = inner
        self.name = inner.name
        self.max_input_tokens = inner.max_input_tokens
        self.calls: list[list[str]] = []

    def count_tokens(self, texts):
        return self.inner.count_tokens(texts)

    def translate(self, texts):
        self.calls.append(list(texts))
        return self.inner.translate(texts)

    def provenance(self):
        return self.inner.provenance()


def long_paragraph() -> str:
    from conftest import DATA

    sentences = (DATA / "corpus" / "flores200-dev.200.ko").read_text(encoding="utf-8").splitlines()
    text = ""
    for sentence in sentences:
        if len(text) >= 3000:
            break
        text += sentence + " "
    return text.strip()


def all_jobs(result):
    def walk(job):
        yield job
        for child in job.children:
            yield from walk(child)

    return [job for span in result.spans if span.job for job in walk(span.job)]


def assert_nothing_lost(backend, result):
    for job in all_jobs(result):
        assert "".join("".join(job.inputs).split()) == "".join(job.model_input.split())
        assert all(n <= backend.max_input_tokens for n in backend.count_tokens(job.inputs))
        for protection in job.protections:
            assert protection.replacement in result.translation


def long_sentence() -> str:
    places = ["서울", "부산", "대구", "인천", "광주", "대전", "울산", "세종", "수원", "창원", "고양", "용인"]
    clauses = [f"{places[i % 12]}의 {i}번째 사업을 점검하고" for i in range(170)]
    return " ".join(clauses) + " 결과를 발표했다."


def test_a_3000_character_paragraph_is_translated_in_pieces_and_nothing_is_lost(tiny_marian):
    paragraph = long_paragraph()
    assert len(paragraph) >= 3000
    backend = RecordingBackend(load_backend("transformers", model=str(tiny_marian),
                                            options=GenerationOptions(max_output_tokens=8)))
    result = Pipeline(backend, protect_numbers=False).translate_lines([paragraph])[0]
    translated = [s for s in result.spans if s.span.translate]
    assert len(translated) > 20                       # one piece per sentence
    assert not has_hangul("".join(s.span.text for s in result.spans if not s.span.translate))
    assert_nothing_lost(backend, result)
    assert not has_hangul(result.translation)


def test_a_3000_character_sentence_is_split_at_clauses_and_nothing_is_lost(tiny_marian):
    sentence = long_sentence()
    assert len(sentence) >= 3000
    backend = RecordingBackend(load_backend("transformers", model=str(tiny_marian),
                                            options=GenerationOptions(max_output_tokens=8)))
    result = Pipeline(backend).translate_lines([sentence])[0]
    span = result.audit()["spans"][0]
    assert span["source"] == sentence and span["split"] is True and span["pieces"] > 5
    assert any(w.code is WarningCode.SPLIT and "pieces" in w.message for w in result.warnings)
    assert_nothing_lost(backend, result)
    numbers = result.audit()["numbers"]
    assert len(numbers) == 170 and all(n["found"] for n in numbers)


def test_split_pieces_are_translated_in_order_with_deterministic_backend():
    paragraph = long_sentence()
    backend = load_backend("romanize")
    whole = backend.translate([paragraph])[0]
    backend.max_input_tokens = 40
    split = Pipeline(backend, protect_numbers=False).translate_lines([paragraph])[0]
    assert split.spans[0].job.pieces > 3
    assert "".join(split.translation.split()) == "".join(whole.split())


def test_m2m100_checkpoint_translates_through_the_pipeline(tiny_m2m100):
    pipeline = build_pipeline(model=str(tiny_m2m100), glossary=None)
    assert pipeline.backend.family.name == "m2m100"
    result = pipeline.translate_lines(["□ 국토교통부는 3개 지역을 선정했다."])[0]
    assert result.translation.startswith("□ ")
    assert not has_hangul(result.translation)
    assert "__en__" not in result.translation


def test_ctranslate2_backend_behaves_like_transformers(tiny_marian_ct2, archive_lines):
    pipeline = build_pipeline(model=str(tiny_marian_ct2), backend="ctranslate2",
                                     glossary=str(default_glossary_path()))
    results = pipeline.translate_lines(archive_lines)
    assert_archive_translated(archive_lines, results)
    assert summarize(results).term_success == 1.0
    assert pipeline.provenance()["backend"] == "ctranslate2"


def test_batching_does_not_change_results(tiny_marian):
    lines = ["국토교통부는 3개 지역을 선정했다.", "데이터허브에 모인 데이터를 분석한다.", "English only.",
             "안산시는 인공지능 도시가 된다."]
    one = build_pipeline(model=str(tiny_marian), glossary=None, batch_size=1,
                                   max_output_tokens=16).translate_lines(lines)
    many = build_pipeline(model=str(tiny_marian), glossary=None, batch_size=16,
                                    max_output_tokens=16).translate_lines(lines)
    assert [r.translation for r in one] == [r.translation for r in many]


def test_dated_glossary_entries_follow_the_document_date(romanize_pipeline):
    import datetime

    from glossary.termbase import Termbase

    dated = [e for e in Termbase.load(default_glossary_path()).approved() if e.valid_to or e.valid_from]
    assert dated, "the starter glossary has dated entries"
    entry = next(e for e in dated if e.valid_to)
    before = entry.valid_to - datetime.timedelta(days=1)
    result = romanize_pipeline.translate_lines([f"{entry.korean}는 발표했다."], date=before)[0]
    assert entry.english in result.translation


def test_no_number_in_the_output_that_the_source_does_not_justify(tiny_m2m100):
    from mt.numbers import account_numbers, unjustified_numbers

    raw = load_backend("transformers", model=str(tiny_m2m100)).translate(["국토교통부는 3개 지역을 선정했다."])[0]
    assert unjustified_numbers(raw, "국토교통부는 3개 지역을 선정했다.")   # the random model invents digits
    pipeline = build_pipeline(model=str(tiny_m2m100), glossary=None)
    lines = ["□ 2027년까지 165억 원을 투입하여 3개 지역을 선정했다.", "6월 26일 14:00에 30~40% 늘었다."]
    for line, result in zip(lines, pipeline.translate_lines(lines)):
        translation = result.spans[-1].translation
        assert unjustified_numbers(translation, line) == []
        assert all(check.found for check in account_numbers(line, result.translation))


def test_fuzzed_mixed_text_keeps_english_and_leaves_no_hangul(romanize_pipeline, tiny_marian):
    import random

    from conftest import ARCHIVE, DATA

    korean = (DATA / "corpus" / "flores200-dev.200.ko").read_text(encoding="utf-8").split()
    english = ARCHIVE.read_text(encoding="utf-8").split()
    marks = ["□", "ㅇ", "○", "◈", "▲", "※", "-", "*", "「", "」", "‘", "’", "“", "”", "(", ")", "‧", ".", ",", "165억", "원"]
    rng = random.Random(11)
    texts = []
    for _ in range(200):
        words = [rng.choice(rng.choice([korean, english, english, marks])) for _ in range(rng.randint(1, 30))]
        texts.append(rng.choice([" ", "", " "]).join(words))
    marian = build_pipeline(model=str(tiny_marian), glossary=str(default_glossary_path()),
                                   max_output_tokens=12)
    for pipeline, sample in ((romanize_pipeline, texts), (marian, texts[:80])):
        for text, result in zip(sample, pipeline.translate_lines(sample)):
            assert not has_hangul(without_bullet_o(result.translation)), (text, result.translation)
            assert_layout_kept(text, result.translation)


class SilentBackend:
    """A backend whose model returns nothing: koen must say so, not drop the sentence quietly."""

    name, max_input_tokens = "silent", 512

    def count_tokens(self, texts):
        return [len(t) for t in texts]

    def translate(self, texts):
        return ["" for _ in texts]

    def provenance(self):
        return {"backend": self.name}


def test_an_empty_model_output_is_reported():
    result = Pipeline(SilentBackend()).translate_lines(["□ 데이터를 분석한다. English stays."])[0]
    assert result.translation == "□  English stays."
    assert any(w.code is WarningCode.EMPTY_OUTPUT and "returned nothing" in w.message for w in result.warnings)
