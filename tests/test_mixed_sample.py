"""The hand-written mixed sample (tests/data/mixed, see SOURCE.md there) through the real
pipeline with a random-weight model: its output never copies the input, so every English
sentence, clause and label that comes out byte-identical was kept by segmentation."""

import json
import re

import pytest

from conftest import DATA
from mt.korean import has_hangul
from koen.compose import build_pipeline

BULLET_O = re.compile(r"(?:(?<=\s)|^)ㅇ(?=\s|$)")
SAMPLE = DATA / "mixed" / "mixed-lines.jsonl"


def sample_rows() -> list[dict]:
    return [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines() if line.strip()]


def pieces_in_order(text: str, pieces: list[str]) -> list[str]:
    """The pieces not found in ``text`` one after another (empty when all are there, in order)."""
    missing, position = [], 0
    for piece in pieces:
        found = text.find(piece, position)
        if found < 0:
            missing.append(piece)
        else:
            position = found + len(piece)
    return missing


def test_sample_is_varied_enough():
    rows = sample_rows()
    lines = [row["line"] for row in rows]
    assert len(rows) >= 60
    assert sum(not has_hangul(line) for line in lines) >= 3
    assert sum(len(row["keep"]) >= 2 for row in rows) >= 3
    for mark in "□ㅇ○◈▲※-*「“‘(:":
        assert any(mark in line for line in lines), mark
    for row in rows:
        assert all(piece and piece in row["line"] for piece in row["keep"] + row["attached"]), row


@pytest.fixture(scope="module")
def translated(tiny_marian):
    pipeline = build_pipeline(model=str(tiny_marian), backend="transformers", device="cpu", glossary=None)
    rows = sample_rows()
    results = pipeline.translate_lines([row["line"] + "\n" for row in rows])
    return rows, [result.translation for result in results]


def test_every_kept_english_piece_comes_out_byte_identical_and_in_order(translated):
    rows, outputs = translated
    failures = [(row["line"], missing, output) for row, output in zip(rows, outputs)
                if (missing := pieces_in_order(output, row["keep"]))]
    assert not failures, "\n".join(f"{line}\n  missing {missing}\n  got {output!r}" for line, missing, output in failures)


def test_hangul_free_lines_are_unchanged_and_no_korean_is_left(translated):
    rows, outputs = translated
    assert len(outputs) == len(rows)
    for row, output in zip(rows, outputs):
        if not has_hangul(row["line"]):
            assert output == row["line"] + "\n"
        assert output.endswith("\n") and not has_hangul(BULLET_O.sub("", output)), (row["line"], output)
