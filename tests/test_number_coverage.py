"""Every digit run inside a Korean span is accounted for: rendered as a number, or kept exactly as
written; the audit lists each one, and the run summary reports coverage apart from number success."""

from __future__ import annotations

import json
import re
import subprocess
import sys

from mt.backends import load_backend
from mt.pipeline import Pipeline, summarize
from mt.results import WarningCode

from conftest import ROOT

# Written for this test: units, centuries, types, scores, counters, standards, phone numbers, legal
# references, vague amounts, impossible dates, and digits inside English islands.
LINES = [
    "선수는 30야드를 달려 85mph의 속도로 2.4GHz 대역에서 600Mbit/s를 기록했다.",
    "19세기 말 제1형 당뇨 환자 11군데 병원에서 36득점, 49경기를 치렀고 1-0으로 이겼다.",
    "무선랜 802.11n 규격과 콜센터 1588-1234 번호를 안내하고 13은 소수이다.",
    "법 제3조제1항에 따라 수십억 원을 투입한다.",
    "행사는 13월 1일~2일에 열린다.",
    "K-water 1,000억 원과 COVID-19 대응 예산 2025년 3차 추경을 편성했다.",
]


def test_every_digit_run_in_korean_spans_is_accounted_for_and_listed():
    results = Pipeline(load_backend("romanize")).translate_lines(LINES)
    for line, result in zip(LINES, results):
        audit = result.audit()
        runs = len(re.findall(r"[0-9]+", line))
        assert audit["digit_runs"] == {"total": runs, "accounted": runs}, line
        # each number is listed with its source text exactly as it stands in the line
        assert all(number["source"] in line for number in audit["numbers"])
        listed_or_protected = "".join(n["source"] for n in audit["numbers"])
        for digits in re.findall(r"[0-9]+", line):
            assert digits in listed_or_protected or digits in "".join(
                t["source"] for t in audit["terms"]) or "K-water" in line, (line, digits)
        for number in audit["numbers"]:
            if number["kind"] == "literal":      # kept as written: the digits must be in the output
                assert re.search(rf"(?<![0-9]){re.escape(number['english'])}(?![0-9])", result.translation)
    summary = summarize(results)
    assert summary.digit_runs == sum(len(re.findall(r"[0-9]+", line)) for line in LINES)
    assert summary.number_coverage == 1.0
    assert summary.as_dict()["number_coverage"] == 1.0 and "number_success" in summary.as_dict()


def test_an_impossible_date_is_warned_about_once_and_its_digits_kept():
    result = Pipeline(load_backend("romanize")).translate_lines(["행사는 13월 1일~2일에 열린다."])[0]
    kept = [w for w in result.warnings if w.code is WarningCode.NUMBER_KEPT]
    assert len(kept) == 1 and "impossible date: 13월 1일~2일" in kept[0].message
    assert all(n["kind"] == "literal" for n in result.audit()["numbers"])


def test_translate_jsonl_summary_reports_coverage(tmp_path):
    source = tmp_path / "in.txt"
    source.write_text("\n".join(LINES) + "\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "koen", "translate", str(source), "--backend", "romanize",
                          "--format", "jsonl", "--glossary", "none"], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    summary = json.loads(run.stdout.splitlines()[-1])["summary"]
    assert summary["digit_runs"] == summary["digit_runs_accounted"] > 0
    assert summary["number_coverage"] == 1.0
    assert f"digit runs accounted for 100% of {summary['digit_runs']}" in run.stderr


class OneApproval:
    """An editor's approved English for one Korean span (mt.human.HumanTranslations)."""

    def __init__(self, korean: str, english: str):
        self.korean, self.english = korean, english

    def human_translations(self, spans):
        return {span: self.english for span in spans if span == self.korean}


def test_digits_of_a_span_an_editor_translated_or_that_stays_korean_are_accounted_for():
    line = "국토부는 2025년 6월 26일 165억 원을 투입한다."
    editor = Pipeline(load_backend("romanize"), humans=OneApproval(line, "MOLIT invests KRW 16.5 billion on June 26, 2025."))
    kept = Pipeline(load_backend("none"))
    for pipeline in (editor, kept):
        audit = pipeline.translate_lines([line])[0].audit()
        assert audit["digit_runs"] == {"total": 4, "accounted": 4}, audit
