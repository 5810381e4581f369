"""The real-text regression set (tests/data/realtext: lines of public Korean government, city and
news pages, mixed Korean/English, see SOURCES.md there) through the pipeline: properties, not
exact strings (eval.english_check).

- romanize: every English word of a line comes out as often as it went in, glossary terms as
  their English, in order; no Korean left.
- a random-weight model: the same for the English koen keeps and protects, whatever the model
  babbles around it; no Hangul left.
"""

from __future__ import annotations

import re

import pytest

from conftest import DATA
from eval.english_check import english_report
from glossary.termbase import default_glossary_path
from koen.compose import build_pipeline
from mt.korean import foreign_script, has_hangul

REALTEXT = DATA / "realtext"
BULLET_O = re.compile(r"(?:(?<=\s)|^)ㅇ(?=\s|$)")


def rows() -> list[tuple[str, str]]:
    lines = REALTEXT.joinpath("lines.tsv").read_text(encoding="utf-8").splitlines()
    return [tuple(line.split("\t", 1)) for line in lines if line.strip() and not line.startswith("#")]


def test_the_set_is_large_varied_and_every_line_has_its_source():
    found = rows()
    sources = REALTEXT.joinpath("SOURCES.md").read_text(encoding="utf-8")
    assert len(found) >= 200
    for address, line in found:
        assert re.match(r"https?://", address) and f"- {address}\n" in sources, address
        assert line.strip() == line and line
    mixed = [line for _, line in found if has_hangul(line) and re.search("[A-Za-z]", line)]
    assert len(mixed) >= 150
    assert any(not has_hangul(line) for _, line in found)


def check(pipeline) -> tuple:
    lines = [line for _, line in rows()]
    results = pipeline.translate_lines(lines)
    report = english_report(result.audit() for result in results)
    print(f"\n{report.line()}")
    return lines, results, report


def failures(lines, report) -> str:
    missing = [lines[i] for i, _ in report.missing[:5]]
    doubled = [(lines[i], words) for i, words in report.doubled[:5]]
    return f"{report.line()}\nmissing in: {missing}\ndoubled: {doubled}"


def test_romanize_keeps_every_english_word_once_and_in_order():
    lines, results, report = check(build_pipeline(glossary=str(default_glossary_path()), backend="romanize"))
    assert report.words > 1000
    assert report.kept_in_order == report.words, failures(lines, report)
    assert report.doubled == [], failures(lines, report)
    for line, result in zip(lines, results):
        assert not has_hangul(BULLET_O.sub("", result.translation)), (line, result.translation)
        if foreign_script(result.translation):
            assert "foreign-script" in {w.code.value for w in result.warnings}, result.translation


def test_a_random_model_keeps_the_kept_and_protected_english(tiny_marian):
    pipeline = build_pipeline(glossary=str(default_glossary_path()), model=str(tiny_marian), backend="transformers",
                              device="cpu", max_output_tokens=24)
    lines, results, report = check(pipeline)
    assert report.kept_in_order == report.words, failures(lines, report)
    assert len(report.doubled) <= 1, failures(lines, report)
    for line, result in zip(lines, results):
        assert not has_hangul(BULLET_O.sub("", result.translation)), (line, result.translation)
