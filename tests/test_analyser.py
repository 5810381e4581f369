"""The analyser loads Kiwi's multi-word dictionary only as far as the texts need it, and gives
exactly Kiwi's results with the whole dictionary (issue 22, item 8; the cost: bench/startup.py)."""

from __future__ import annotations

import json

import pytest

from conftest import DATA
from mt import analyser as analyser_module
from mt.analyser import Analyser

# Multi-word names of the dictionary (one of them only an alias of another: 마리오 르뮤 → 마리오 르미외),
# in sentences, and lines of the committed samples.
NAMED = ["영어 위키백과에 실렸다.", "아이들은 세서미 스트리트를 보며 자랐다.",
         "마리오 르뮤와 야로미르 야그르가 함께 뛰었다.", "블랙 뷰티는 1877년에 나온 소설이다."]


def sample_lines() -> list[str]:
    korean = (DATA / "corpus" / "flores200-dev.200.ko").read_text(encoding="utf-8").splitlines()[:20]
    mixed = [json.loads(line)["line"] for line in
             (DATA / "mixed" / "mixed-lines.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()][:10]
    return [line for line in korean + mixed if line.strip()]


def analysis(kiwi, text):
    return ([(t.form, str(t.tag), t.start, t.len, round(t.score, 4)) for t in kiwi.tokenize(text)],
            [(s.start, s.end) for s in kiwi.split_into_sents(text)])


@pytest.fixture(scope="module")
def whole():
    from kiwipiepy import Kiwi

    return Kiwi()


def test_a_short_job_loads_only_the_entries_it_meets_and_analyses_as_the_whole_dictionary(whole):
    from kiwipiepy import Kiwi

    without = Kiwi(load_multi_dict=False)
    assert all(analysis(without, text) != analysis(whole, text) for text in NAMED)   # the entries matter
    analyser = Analyser()
    analyser.expect(NAMED)
    for text in NAMED:
        assert analysis(analyser, text) == analysis(whole, text), text
        for word in text.split():                      # pieces of expected text need no second look
            assert analysis(analyser, word) == analysis(whole, word), word
    assert not analyser.complete


def test_text_that_was_not_announced_is_looked_at_and_a_longer_job_takes_the_whole_dictionary(whole, monkeypatch):
    monkeypatch.setattr(analyser_module, "MAX_SCANS", 3)
    analyser = Analyser()
    lines = sample_lines() + NAMED
    for text in lines:                                 # one by one: additions after Kiwi was built
        assert analysis(analyser, text) == analysis(whole, text), text
    assert analyser.complete


def test_a_job_beyond_the_size_limit_loads_the_whole_dictionary_at_once(whole, monkeypatch):
    monkeypatch.setattr(analyser_module, "FULL_AFTER_CHARS", 20)
    analyser = Analyser()
    analyser.expect(NAMED)
    assert analyser.complete
    assert analysis(analyser, NAMED[0]) == analysis(whole, NAMED[0])


def test_sentence_bounds_are_kiwis_own_split_into_sents(whole):
    """mt.korean.split_sentences reads the bounds off Kiwi's analysis (split_sents=True) instead of
    calling split_into_sents, which also builds texts and quoted sub-sentences: the same bounds."""
    from mt.korean import split_sentences

    quoted = ("회사의 정보 서비스를 책임지고 있는 로웬버그John Loewenberg는 <서비스 산업에 있어 종이는 "
              "혈관내의 콜레스트롤과 같다. 나쁜 종이는 동맥을 막는 내부의 물질이다.>라고 말한다. 그리고 끝났다")
    texts = sample_lines() + NAMED + [quoted, "여러 문장으로 구성된 텍스트네 이걸 분리해줘", "", "  ", "Only English here."]
    joined = " ".join(sample_lines()[:8])
    for text in texts + [joined]:
        assert split_sentences(text) == [(s.start, s.end) for s in whole.split_into_sents(text)], text
