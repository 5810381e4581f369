"""Issue 18 part 3: numbers checked against references (eval.number_match) and the English side
that reads them (mt.numbers.words)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from eval.evaluation import evaluate, segment_records
from eval.number_match import forced_number_check, match_numbers
from mt.numbers.words import number_words, stated_numbers, supported_values

from eval_helpers import FLORES_REF, FLORES_SRC, FLORES_SYS_B, koen, koen_json

WORDS = [
    ("three", 3), ("Twenty-one", 21), ("thirty nine", 39), ("eight thousand", 8000), ("two million", 2_000_000),
    ("three hundred and fifty", 350), ("a million", 1_000_000), ("a dozen", 12), ("one hundred and twenty-five", 125),
    ("in their twenties", 20), ("teen-age", 10), ("ninety", 90),
]


@pytest.mark.parametrize("text,value", WORDS)
def test_number_words_read_compounds_as_one_number(text, value):
    assert [v for _s, _e, v in number_words(text)] == [Decimal(value)]


@pytest.mark.parametrize("text", ["a book", "and", "thousand year-old ruins", "someone", "at first", "millions of"])
def test_words_that_state_no_number(text):
    assert number_words(text) == []


def test_side_by_side_numbers_stay_apart():
    assert [v for *_r, v in number_words("five or six, one and two, eight forty")] == [5, 6, 1, 2, 8, 40]


def test_stated_numbers_digits_scales_clocks_and_regnal_numerals():
    said = {m.text: m.values for m in stated_numbers("KRW 16.5 billion at 7:00 and 7:30 for Henry VIII, 30%")}
    assert Decimal("16500000000") in said["16.5 billion"] and Decimal("16.5") in said["16.5 billion"]
    assert said["VIII"] == {Decimal(8)} and said["30"] == {Decimal(30)}
    assert sum(Decimal(0) in v for v in said.values()) == 0  # 7:00 states 7, not 0
    assert not [m for m in stated_numbers("Then I went to the market") if m.text == "I"]


@pytest.mark.parametrize("text,value", [
    ("the second time", 2), ("a month later", 1), ("within two decades", 20), ("half an hour", 30),
    ("a quarter past eight", 15), ("since 1995-96", 1996), ("the '93 Expo", 1993), ("twenty-first century", 21),
    ("at about 0140 on Wednesday", 40), ("both places", 2), ("another student", 1), ("World War I and", 1),
])
def test_supported_values_cover_what_english_implies(text, value):
    assert Decimal(value) in supported_values(text)


def test_precision_and_recall_with_disagreements_per_segment():
    hyps = ["He paid $7 billion for three ships.", "It rained on June 5.", "No numbers here."]
    refs = [["He paid 7,000,000,000 dollars for 3 ships in 2001."], ["It rained on June 6."], ["None at all."]]
    refs = [[r[0] for r in refs]]
    report = match_numbers(hyps, refs)
    assert (report.hypothesis_numbers, report.hypothesis_matched) == (3, 2)
    assert (report.reference_numbers, report.reference_matched) == (4, 2)
    assert report.precision == pytest.approx(2 / 3) and report.recall == pytest.approx(2 / 4)
    assert [(d.line, d.hypothesis_only, d.reference_only) for d in report.disagreements] == [
        (1, [], ["2001"]), (2, ["5"], ["6"])]


def test_several_references_match_any_and_pool_recall():
    report = match_numbers(["3 ships"], [["three boats"], ["4 boats"]])
    assert report.precision == 1.0 and report.reference_numbers == 2 and report.reference_matched == 1


def test_forced_numbers_are_checked_against_the_reference():
    report = forced_number_check(["2만 3,000명이 모였다.", "좋은 조건에서 걷는다.", "헨리 8세는 왕이었다."],
                                 ["23,000 people gathered.", "Walking in good conditions.", "Henry VIII was king."])
    assert report.precision == 1.0 and report.numbers == 2 and not report.misses
    wrong = forced_number_check(["3명이 왔다."], ["Four people came."])
    assert wrong.precision == 0.0 and [(m.line, m.source, m.english) for m in wrong.misses] == [(1, "3명", "3 people")]


def test_evaluation_reports_precision_recall_and_segment_disagreements():
    evaluation = evaluate(["3 ships", "five cats"], [["three ships", "4 cats"]], metrics=("bleu",))
    data = evaluation.as_dict()
    assert data["number_precision"] == 0.5 and data["number_recall"] == 0.5
    assert "numbers vs references: precision 50% of 2, recall 50% of 2 (1 segments disagree)" in evaluation.to_text()
    records = segment_records(evaluation, ["3 ships", "five cats"], [["three ships", "4 cats"]], metrics=("bleu",))
    assert records[1]["number_disagreements"] == {"hypothesis_only": ["five"], "reference_only": ["4"]}


def test_eval_score_prints_and_writes_number_precision(tmp_path):
    scored = koen_json("eval", "score", "--hyp", FLORES_SYS_B, "--ref", FLORES_REF, "--src", FLORES_SRC)
    assert 0.9 <= scored["number_precision"] <= 1 and 0 < scored["number_recall"] <= 1
    segments = tmp_path / "seg.jsonl"
    text = koen("eval", "score", "--hyp", FLORES_SYS_B, "--ref", FLORES_REF, "--segments", segments)
    assert text.returncode == 0 and "numbers vs references: precision" in text.stdout
    rows = [json.loads(line) for line in segments.read_text(encoding="utf-8").splitlines()]
    assert all("number_disagreements" in row for row in rows)
    assert any(row["number_disagreements"]["reference_only"] for row in rows)  # sys-b drops words


@pytest.mark.parametrize("source,english", [
    ("헨리 8세는", "Henry VIII was"), ("이십대 남성", "a man in his twenties"), ("30대 여성", "a woman in her 30s"),
    ("2만 3,000명", "twenty-three thousand people"), ("3분의 2가", "two thirds of them"), ("8강전", "the quarterfinal"),
    ("타율 4할 6리", "a .406 average"),
])
def test_account_numbers_finds_the_new_kinds_in_any_english(source, english):
    from mt.numbers import account_numbers

    checks = account_numbers(source, english)
    assert checks and all(c.found for c in checks), checks
