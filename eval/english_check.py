"""English kept: of the English words a line must carry into its translation (its own English, with
each glossary term replaced by the term's approved English), the share that comes out in order,
and the lines where some of that English comes out more often than it went in (doubled).

Words are Latin-letter runs with their digits (``KTX``, ``5G``, ``iM``); order is checked as the
longest common subsequence of the expected words and the translation's words. Doubling counts a
word also where it opens a longer word (``SRT SRTnoseon`` holds ``SRT`` twice), for words with a
capital or a digit; an all-lower-case word only as a whole word (romanized Korean is lower case).
Works on audit records (``LineResult.audit()``, a ``records.jsonl`` line), so it measures what koen
guarantees whatever the model writes around it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable

_WORD_RE = re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*")


def english_words(text: str) -> list[str]:
    return _WORD_RE.findall(text)


def expected_english(audit: dict) -> list[str]:
    """The English words the translation of this record must hold, in source order: the source's
    own, with each term and number replaced by the English koen renders it as (``40m`` → ``40 m``)."""
    source = audit["source"]
    replaced = [(term["span"][0], term["span"][1], term["expected"]) for term in audit.get("terms", [])]
    position = 0
    for number in audit.get("numbers", []):
        if not english_words(number["source"]):
            continue
        start = source.find(number["source"], position)
        if start < 0:
            start = source.find(number["source"])
        if start >= 0:
            replaced.append((start, start + len(number["source"]), number["english"]))
            position = start + len(number["source"])
    words, position = [], 0
    for start, end, expected in sorted(replaced):
        if start < position:
            continue
        words.extend(english_words(source[position:start]))
        words.extend(english_words(expected))
        position = end
    words.extend(english_words(source[position:]))
    return words


def common_in_order(expected: list[str], got: list[str]) -> int:
    """Length of the longest common subsequence (words of ``expected`` found in order in ``got``)."""
    if not expected or not got:
        return 0
    wanted = set(expected)
    got = [word for word in got if word in wanted]
    previous = [0] * (len(got) + 1)
    for word in expected:
        current = [0]
        for j, other in enumerate(got):
            current.append(previous[j] + 1 if word == other else max(previous[j + 1], current[j]))
        previous = current
    return previous[-1]


def occurrences(word: str, words: list[str], known: set[str]) -> int:
    """``word`` as a whole word, or (two characters or more, a capital or digit in it) opening a
    word that is not ``known`` and goes on in lower case: romanized Korean glued to it
    (``SRTnoseon``), not ``KSA``, nor a random model's ``Roman`` after ``R&D``."""
    if word.islower() or len(word) < 2:
        return words.count(word)
    return sum(found == word or (found.startswith(word) and found not in known and found[len(word)].islower())
               for found in words)


def doubled_words(expected: list[str], translation: str) -> list[str]:
    """Expected words that occur in ``translation`` more often than they are expected."""
    counts = Counter(expected)
    words, known = english_words(translation), set(expected)
    return [word for word, count in counts.items() if occurrences(word, words, known) > count]


@dataclass
class EnglishReport:
    words: int = 0
    kept_in_order: int = 0
    lines: int = 0
    doubled: list[tuple[int, list[str]]] = field(default_factory=list)    # (line index, words)
    missing: list[tuple[int, list[str]]] = field(default_factory=list)    # (line index, expected words)

    @property
    def share(self) -> float | None:
        return self.kept_in_order / self.words if self.words else None

    def line(self) -> str:
        share = "n/a" if self.share is None else f"{100 * self.share:.2f}%"
        return (f"English words kept in order: {share} ({self.kept_in_order} of {self.words}); "
                f"lines with English doubled: {len(self.doubled)} of {self.lines}")


def english_report(audits: Iterable[dict]) -> EnglishReport:
    report = EnglishReport()
    for index, audit in enumerate(audits):
        expected = expected_english(audit)
        translation = audit["translation"]
        kept = common_in_order(expected, english_words(translation))
        report.lines += 1
        report.words += len(expected)
        report.kept_in_order += kept
        if kept < len(expected):
            report.missing.append((index, expected))
        doubled = doubled_words(expected, translation)
        if doubled:
            report.doubled.append((index, doubled))
    return report
