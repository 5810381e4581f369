"""Checked approvals and their history.

An editor's English for a span goes through the checks machine output goes through:
- characters (``mt.editorial``): control, invisible and Hangul characters are refused outright;
- content: every glossary term of the span has its approved English, every number of the source
  is there as the pipeline renders it and no other number is, the Latin text kept from the
  source (names, acronyms) is there unchanged. A content problem refuses the approval with what
  is missing, unless the editor overrides it with a reason; the reason is recorded.

Every decision is kept in an ``approval_history`` table inside the translation memory file (who,
when, the English, the English it replaced, an override's reason), written in the same
transaction as the decision itself, so the chain can never disagree with the current state.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass

from mt.editorial import unsafe_character
from mt.errors import KoenError
from mt.memory import APPROVED, Review, TranslationMemory, normalise
from mt.segment import latin_islands

_DIGITS_RE = re.compile(r"\d+(?:[.,]\d+)*")
HISTORY_TABLE = ("CREATE TABLE IF NOT EXISTS approval_history (id INTEGER PRIMARY KEY, source TEXT NOT NULL, "
                 "revision INTEGER NOT NULL, state TEXT NOT NULL, english TEXT, replaced TEXT, editor TEXT NOT NULL, "
                 "at TEXT NOT NULL, override TEXT, via TEXT NOT NULL)")


class ApprovalRefused(KoenError):
    """The English fails the content checks; ``problems`` says what is missing."""

    def __init__(self, problems: list[str]):
        super().__init__("refused: " + "; ".join(problems) + " (override with a reason if this is right)")
        self.problems = problems


def clean_english(english: str) -> str:
    """The editor's English with spacing collapsed; refused (KoenError) if empty or holding a
    character no approval may hold."""
    unsafe = unsafe_character(english.replace("\t", " ").replace("\n", " ").replace("\r", " "))
    if unsafe:
        raise KoenError(f"the approved English holds {unsafe}; type plain text")
    text = " ".join(english.split())
    if not text:
        raise KoenError("the approved English is empty")
    return text


def _number_runs(text: str) -> list[str]:
    return [run.replace(",", "") for run in _DIGITS_RE.findall(text)]


def content_problems(korean: str, terms: list[dict], numbers: list[dict], english: str) -> list[str]:
    """What the English lacks or adds against the span's glossary terms, numbers and kept Latin."""
    problems = []
    folded = english.casefold()
    for term in terms:
        expected = str(term.get("expected") or "")
        if expected and expected.casefold() not in folded:
            problems.append(f"glossary term {term['source']} needs {expected!r}")
    wanted = [run for number in numbers for run in _number_runs(str(number.get("english", "")))]
    wanted += [run for run in _number_runs(korean) if not any(run in str(n.get("source", "")) for n in numbers)]
    have = _number_runs(english)
    for run in wanted:
        if run in have:
            have.remove(run)
        else:
            problems.append(f"number {run} of the source is missing")
    justified = set(_number_runs(korean)) | {run for n in numbers for run in _number_runs(str(n.get("english", "")))}
    for run in have:
        if run not in justified:
            problems.append(f"number {run} is not in the source")
    for start, end in latin_islands(korean):
        kept = korean[start:end]
        if kept not in english:
            problems.append(f"kept English {kept!r} must stay as written")
    return problems


@dataclass(frozen=True)
class HistoryEntry:
    source: str
    revision: int
    state: str
    english: str | None
    replaced: str | None
    editor: str
    at: str
    override: str | None
    via: str


def record_decision(memory: TranslationMemory, span: str, state: str, english: str | None, editor: str,
                    machine: str | None, expected_revision: int, via: str, override: str | None = None,
                    at: str | None = None) -> Review:
    """``memory.set_review`` (compare-and-set) and its history row, in one transaction."""
    with memory.transaction() as db:
        db.execute(HISTORY_TABLE)
        before = memory.review(span)
        replaced = before.english if before.state == APPROVED else machine
        review = memory.set_review(span, state, english, editor, machine, expected_revision, at=at)
        db.execute("INSERT INTO approval_history (source, revision, state, english, replaced, editor, at, override, via) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   (review.source, review.revision, state, english, replaced, editor, review.at, override, via))
    return review


def history(memory: TranslationMemory, span: str) -> list[HistoryEntry]:
    """Every decision on ``span``, oldest first."""
    try:
        rows = memory.connection.execute(
            "SELECT source, revision, state, english, replaced, editor, at, override, via FROM approval_history "
            "WHERE source = ? ORDER BY id", (normalise(span),)).fetchall()
    except sqlite3.OperationalError:          # a memory nobody has decided anything in yet
        return []
    return [HistoryEntry(*row) for row in rows]


def decisions(memory: TranslationMemory) -> list[HistoryEntry]:
    """Every decision in the memory, oldest first (what calibration learns from)."""
    try:
        rows = memory.connection.execute(
            "SELECT source, revision, state, english, replaced, editor, at, override, via FROM approval_history "
            "ORDER BY id").fetchall()
    except sqlite3.OperationalError:
        return []
    return [HistoryEntry(*row) for row in rows]
