"""Huge lines: Kiwi sees bounded windows cut at sentence punctuation or whitespace, so time grows
linearly (measured by bench/segment_long.py, never here); the spans still cover the input."""

import json

import pytest

from conftest import DATA
from mt import segment as segment_module
from mt.korean import split_sentences
from mt.segment import segment, windows


def sample_text() -> str:
    """Mixed sample lines between runs of Korean and English FLORES sentences (no bullets there,
    so some stretches between bullets are thousands of characters long)."""
    rows = [json.loads(row)["line"] for row in
            (DATA / "mixed" / "mixed-lines.jsonl").read_text(encoding="utf-8").splitlines()]
    korean = (DATA / "corpus" / "flores200-dev.200.ko").read_text(encoding="utf-8").splitlines()[:60]
    english = (DATA / "corpus" / "flores200-dev.200.en").read_text(encoding="utf-8").splitlines()[:60]
    parts = []
    for i in range(0, 60, 10):
        parts += rows[i:i + 10] + [" ".join(k + " " + e for k, e in zip(korean[i:i + 10], english[i:i + 10]))]
    return " ".join(parts)


def test_windows_cover_the_text_and_prefer_sentence_ends():
    text = sample_text()
    cuts = windows(text, 500)
    assert cuts[0][0] == 0 and cuts[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(cuts, cuts[1:]))
    assert all(end - start <= 500 for start, end in cuts)
    assert len(cuts) >= len(text) // 500
    for _, end in cuts[:-1]:
        assert text[end - 2] in ".!?。\"'”’」』)]" or text[end - 1] in ".!?。\"'”’」』)]" or text[end].isspace()


def test_a_word_longer_than_a_window_is_cut_hard_and_still_covered():
    text = "가" * 1234
    assert windows(text, 100) == [(i, min(i + 100, 1234)) for i in range(0, 1234, 100)]


def test_short_lines_are_one_window():
    text = sample_text()[:5000]
    assert windows(text) == [(0, len(text))]


def test_a_long_line_in_small_windows_covers_the_input_and_matches_the_unwindowed_result(monkeypatch):
    text = sample_text()
    whole = segment(text)
    assert "".join(s.text for s in whole) == text
    monkeypatch.setattr(segment_module, "WINDOW", 2_000)
    seen = []
    monkeypatch.setattr(segment_module, "split_sentences",
                        lambda window: seen.append(len(window)) or split_sentences(window))
    windowed = segment(text)
    assert max(seen) <= 2_000 and sum(length > 1_000 for length in seen) >= 3   # it really was windowed
    assert "".join(s.text for s in windowed) == text
    assert [s.start for s in windowed[1:]] == [s.end for s in windowed[:-1]]
    # Windows cut at sentence ends, so the Korean and English found are the same as in one piece.
    assert [(s.kind, s.text) for s in windowed] == [(s.kind, s.text) for s in whole]


@pytest.mark.parametrize("filler", ["가나다라 ", "가나다라", "Seoul city ", "2025. "])
def test_long_stretches_without_sentence_ends_are_covered(monkeypatch, filler):
    monkeypatch.setattr(segment_module, "WINDOW", 5_000)
    text = "□ " + filler * (30_000 // len(filler)) + " 끝났다. The end."
    spans = segment(text)
    assert "".join(s.text for s in spans) == text
    assert [s.start for s in spans[1:]] == [s.end for s in spans[:-1]]
