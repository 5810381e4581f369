"""Checks a termbase file and reports every problem as ``file:line: problem``.

Codes (stable, for tools): header, columns, empty, bad-date, bad-kind, bad-status, bad-dnt,
whitespace, bad-character (controls, bidi, invisible fillers, line separators: ``mt.controls``), hangul-in-english, duplicate, conflict, overlapping-dates, alias-claimed, unreachable.
Deprecated entries take part only in the row checks: replacing a term by deprecating the old row
is the normal way to edit.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from mt.controls import unsafe_characters
from mt.errors import KoenError, located

from mt.textio import read_file_bytes

from .match import Matcher
from .termbase import ALIAS_SEPARATOR, COLUMNS, Entry, ParsedFile, has_hangul, match_key, parse_text


@dataclass(frozen=True)
class LintFinding:
    path: str
    line: int
    code: str
    message: str

    def __str__(self) -> str:
        return located(self.path, self.line, f"{self.message} [{self.code}]")


def lint_file(path: str | Path) -> list[LintFinding]:
    p = Path(path)
    if not p.exists():
        raise KoenError(f"{p}: no such glossary file")
    if p.is_dir():
        raise KoenError(f"{p}: is a directory, expected a glossary TSV file")
    return lint_text(read_file_bytes(p, "a glossary TSV file"), str(p))


def lint_text(data: bytes | str, path: str = "<glossary>") -> list[LintFinding]:
    parsed = parse_text(data, path)
    findings = [LintFinding(path, p.line, p.code, p.message) for p in parsed.problems]
    findings += _whitespace(parsed, path)
    findings += lint_entries(parsed.entries, path)
    return sorted(set(findings), key=lambda f: (f.line, f.code, f.message))


def _whitespace(parsed: ParsedFile, path: str) -> list[LintFinding]:
    found = []
    for number, cells in parsed.cells.items():
        found += [LintFinding(path, number, "whitespace", message) for message in whitespace_problems(cells)]
        found += [LintFinding(path, number, "bad-character", message) for message in character_problems(cells)]
    return found


def character_problems(cells: list[str]) -> list[str]:
    """Control, bidi, invisible or line-separator characters in a row's cells, as messages: in a
    term they defeat matching, in the English they reach every translation (a U+2028 splits the
    line), and on a terminal they are escape sequences."""
    found = []
    for column, cell in zip(COLUMNS, cells):
        unsafe = unsafe_characters(cell)
        if unsafe:
            found.append(f"{', '.join(unsafe)} in {column} {cell!r}")
    return found


def whitespace_problems(cells: list[str]) -> list[str]:
    """Stray or invisible whitespace in a row's cells (the nine columns), as messages."""
    found = []
    for column, cell in zip(COLUMNS, cells):
        parts = cell.split(ALIAS_SEPARATOR) if column == "aliases" else [cell]
        for part in parts:
            if part != part.strip() or "  " in part or any(c in part for c in "\u00a0\u200b\u3000\ufeff"):
                found.append(f"stray whitespace in {column} {part!r}")
                break
        if column == "aliases" and cell and any(not part for part in parts):
            found.append(f"empty alias in {cell!r}")
    return found


def refuse_untidy(entries: list[Entry], source: str) -> None:
    """The whitespace lint that `glossary add` runs, for a whole import: one line for the first problem."""
    untidy = [(n, e, p) for n, e in enumerate(entries, start=1)
              for cells in [e.to_row().split("\t")] for p in character_problems(cells) + whitespace_problems(cells)]
    if untidy:
        number, entry, problem = untidy[0]
        where = f"line {entry.line}" if entry.line else f"entry {number}"
        more = f" (and {len(untidy) - 1} more)" if len(untidy) > 1 else ""
        raise KoenError(f"{source}: {where} ({entry.korean!r}): {problem}{more}; nothing imported")


def _overlap(a: Entry, b: Entry) -> bool:
    low = datetime.date.min
    high = datetime.date.max
    return (a.valid_from or low) <= (b.valid_to or high) and (b.valid_from or low) <= (a.valid_to or high)


def _span(e: Entry) -> str:
    if not e.valid_from and not e.valid_to:
        return "undated"
    return f"{e.valid_from or '…'} to {e.valid_to or '…'}"


def lint_entries(entries: list[Entry], path: str = "<glossary>") -> list[LintFinding]:
    """The checks between entries (and of the English); rows must already parse."""
    findings: list[LintFinding] = []
    flagged: set[int] = set()
    for e in entries:
        if not e.dnt and has_hangul(e.english):
            findings.append(LintFinding(path, e.line, "hangul-in-english", f"Hangul left in the English term {e.english!r}"))
        for alias in e.aliases:
            if match_key(alias) == match_key(e.korean):
                findings.append(LintFinding(path, e.line, "alias-claimed", f"alias {alias!r} is the term itself"))
    live = [e for e in entries if e.status != "deprecated"]
    by_term: dict[str, list[Entry]] = {}
    for e in live:
        by_term.setdefault(e.korean.strip(), []).append(e)
    for same in by_term.values():
        for i, later in enumerate(same):
            for earlier in same[:i]:
                if not _overlap(earlier, later):
                    continue
                flagged.add(id(later))
                same_dates = (earlier.valid_from, earlier.valid_to) == (later.valid_from, later.valid_to)
                if later.english == earlier.english and same_dates:
                    findings.append(LintFinding(path, later.line, "duplicate", f"{later.korean!r} duplicates line {earlier.line}"))
                elif same_dates:
                    findings.append(
                        LintFinding(
                            path, later.line, "conflict",
                            f"{later.korean!r} is {later.english!r} here but {earlier.english!r} on line {earlier.line} ({_span(later)})",
                        )
                    )
                else:
                    findings.append(
                        LintFinding(
                            path, later.line, "overlapping-dates",
                            f"{later.korean!r} valid {_span(later)} overlaps line {earlier.line} ({_span(earlier)})",
                        )
                    )
    claims: dict[str, list[tuple[Entry, str]]] = {}
    for e in live:
        for form in e.forms:
            claims.setdefault(match_key(form), []).append((e, form))
    for key, owners in claims.items():
        for i, (later, form) in enumerate(owners):
            for earlier, earlier_form in owners[:i]:
                if earlier.korean == later.korean or not _overlap(earlier, later):
                    continue
                if form == later.korean and earlier_form == earlier.korean:
                    continue  # two terms spelled alike except spacing: reported as unreachable
                flagged.add(id(later))
                findings.append(
                    LintFinding(
                        path, later.line, "alias-claimed",
                        f"{form!r} is claimed by {later.korean!r} and by {earlier.korean!r} (line {earlier.line})",
                    )
                )
                break
    findings += _unreachable([e for e in live if e.status == "approved"], flagged, path)
    return findings


def _unreachable(approved: list[Entry], flagged: set[int], path: str) -> list[LintFinding]:
    """Entries that lose to another entry even on their own spelling, so they never match."""

    if not approved:
        return []
    matcher = Matcher(approved, title_context=False)
    found = []
    for e in approved:
        if id(e) in flagged:
            continue
        date = e.valid_from or e.valid_to
        winners = []
        reachable = False
        for form in e.forms:
            hits = matcher.find(form, date)
            if len(hits) == 1 and hits[0].entry is e and match_key(hits[0].surface) == match_key(form):
                reachable = True
                break
            winners.extend(h.entry for h in hits if h.entry is not e)
        if not reachable:
            if winners:
                by = ", ".join(f"{w.korean!r} (line {w.line})" for w in dict.fromkeys(winners))
                message = f"{e.korean!r} can never match: its text is always matched as {by}"
            else:
                message = f"{e.korean!r} can never match: it is never a word of its own"
            found.append(LintFinding(path, e.line, "unreachable", message))
    return found
