"""The termbase: a UTF-8 TSV file of glossary entries, kept in git and edited by people.

One header row, then one entry per row with the columns in ``COLUMNS``. Lines starting with
``#`` and blank lines are comments; they are kept when the file is saved again. A file that is
loaded and saved without changes is written back byte for byte; a changed entry is rewritten
in place, a new one is appended, so diffs stay small.

A Korean term that itself begins with ``#`` is written with a backslash before it (``\\#태그``),
so the row is not read as a comment; reading drops that one backslash (a term that really begins
with backslashes and ``#`` gets one more). Only the Korean column is escaped.

Loading also accepts the two-column glossaries of DeepL and Google (TSV or CSV, ``korean`` then
``english``): with a header row the columns are mapped by name (``korean``/``ko``/``source``,
``english``/``en``/``target`` and any of ``COLUMNS``), without one by position. Missing columns get
the defaults (approved, general). Saving such a file rewrites it in the full format.
"""

from __future__ import annotations

import dataclasses
import datetime
import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from mt.errors import KoenError, located
from mt.textio import check_writable, decode_lines, read_file_bytes, write_text_atomic

COLUMNS = ("korean", "english", "aliases", "kind", "status", "valid_from", "valid_to", "dnt", "note")
HEADER = "\t".join(COLUMNS)
KINDS = ("organisation", "programme", "place", "person", "title", "general")
STATUSES = ("approved", "candidate", "deprecated")
ALIAS_SEPARATOR = "|"
DNT_VALUES = {"": False, "no": False, "yes": True}

_HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")

BOM = "\ufeff"


HEADER_NAMES = {
    **{column: column for column in COLUMNS},
    "ko": "korean", "ko-kr": "korean", "ko_kr": "korean", "kor": "korean", "source": "korean", "term": "korean",
    "en": "english", "en-us": "english", "en-gb": "english", "en_us": "english", "eng": "english",
    "target": "english", "translation": "english", "description": "note", "notes": "note",
}


def escape_korean(cell: str) -> str:
    """The Korean cell as written: a ``#`` after leading backslashes (and spaces) gets one more
    backslash, so that the row cannot be read as a comment."""
    lead = len(cell) - len(cell.lstrip())
    rest = cell[lead:]
    return cell[:lead] + "\\" + rest if rest.lstrip("\\").startswith("#") else cell


def unescape_korean(cell: str) -> str:
    lead = len(cell) - len(cell.lstrip())
    rest = cell[lead:]
    return cell[:lead] + rest[1:] if rest.startswith("\\") and rest.lstrip("\\").startswith("#") else cell


def has_hangul(text: str) -> bool:
    return bool(_HANGUL.search(text))


def match_key(form: str) -> str:
    """The form a term is matched by: spacing is not significant in Korean compounds."""
    return "".join(form.split())


@dataclass(frozen=True)
class Entry:
    korean: str
    english: str
    aliases: tuple[str, ...] = ()
    kind: str = "general"
    status: str = "approved"
    valid_from: datetime.date | None = None
    valid_to: datetime.date | None = None
    dnt: bool = False
    note: str = ""
    line: int = 0

    @property
    def id(self) -> str:
        """Stable across edits of the English or the note: the term and, if dated, its start."""
        return f"{self.korean}@{self.valid_from.isoformat()}" if self.valid_from else self.korean

    @property
    def forms(self) -> tuple[str, ...]:
        """The Korean surface forms that match this entry: the term first, then its aliases."""
        return (self.korean, *self.aliases)

    @property
    def target(self) -> str:
        """What the translation must contain: the English term, or the source for do-not-translate."""
        return self.korean if self.dnt and not self.english else self.english

    def valid_on(self, date: datetime.date | None) -> bool:
        if date is None:
            return True
        if self.valid_from and date < self.valid_from:
            return False
        if self.valid_to and date > self.valid_to:
            return False
        return True

    def to_row(self) -> str:
        return "\t".join(
            (
                escape_korean(self.korean),
                self.english,
                ALIAS_SEPARATOR.join(self.aliases),
                self.kind,
                self.status,
                self.valid_from.isoformat() if self.valid_from else "",
                self.valid_to.isoformat() if self.valid_to else "",
                "yes" if self.dnt else "",
                self.note,
            )
        )


@dataclass
class RowProblem:
    line: int
    code: str
    message: str


@dataclass
class ParsedFile:
    """Everything in a termbase file: raw lines (for byte-exact saving), entries, problems."""

    lines: list[str]
    entries: list[Entry]
    problems: list[RowProblem]
    newline: str = "\n"
    bom: bool = False          # the file began with a UTF-8 byte-order mark: saving keeps it
    layout: str = "full"       # "full" (the nine columns) or "mapped" (a two-column/other-header file)
    cells: dict[int, list[str]] = field(default_factory=dict)   # line -> the nine cells as read
    delimiter: str = "\t"


def _parse_date(text: str, column: str, line: int, problems: list[RowProblem]) -> datetime.date | None:
    if not text:
        return None
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError
        return datetime.date.fromisoformat(text)
    except ValueError:
        problems.append(RowProblem(line, "bad-date", f"{column} {text!r} is not a date (YYYY-MM-DD)"))
        return None


def parse_row(cells: list[str], line: int, problems: list[RowProblem]) -> Entry | None:
    """One data row to an Entry; problems are appended, None when the row is unusable."""
    if len(cells) != len(COLUMNS):
        problems.append(
            RowProblem(line, "columns", f"expected {len(COLUMNS)} tab-separated columns ({', '.join(COLUMNS)}), found {len(cells)}")
        )
        return None
    korean, english, aliases, kind, status, valid_from, valid_to, dnt, note = cells
    usable = True
    if not korean.strip():
        problems.append(RowProblem(line, "empty", "the Korean term is empty"))
        usable = False
    dnt_flag = DNT_VALUES.get(dnt.strip().lower())
    if dnt_flag is None:
        problems.append(RowProblem(line, "bad-dnt", f"dnt {dnt!r} must be 'yes', 'no' or empty"))
        dnt_flag = False
    if not english.strip() and not dnt_flag:
        problems.append(RowProblem(line, "empty", "the English term is empty (only do-not-translate entries may omit it)"))
        usable = False
    if kind not in KINDS:
        problems.append(RowProblem(line, "bad-kind", f"kind {kind!r} is not one of {', '.join(KINDS)}"))
    if status not in STATUSES:
        problems.append(RowProblem(line, "bad-status", f"status {status!r} is not one of {', '.join(STATUSES)}"))
    start = _parse_date(valid_from.strip(), "valid_from", line, problems)
    end = _parse_date(valid_to.strip(), "valid_to", line, problems)
    if start and end and start > end:
        problems.append(RowProblem(line, "bad-date", f"valid_from {start} is after valid_to {end}"))
    if not usable:
        return None
    alias_list = tuple(a for a in aliases.split(ALIAS_SEPARATOR)) if aliases else ()
    return Entry(
        korean=unescape_korean(korean),
        english=english,
        aliases=alias_list,
        kind=kind,
        status=status,
        valid_from=start,
        valid_to=end,
        dnt=dnt_flag,
        note=note,
        line=line,
    )


def is_comment(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith("#")


def rows(lines: list[str]):
    """(line number, text without its ending, is_header) for every non-comment row of a file."""
    header_seen = False
    for number, raw in enumerate(lines, start=1):
        text = raw.rstrip("\r\n")
        if is_comment(text):
            continue
        yield number, text, not header_seen
        header_seen = True


def parse_text(data: bytes | str, path: str | None = None) -> ParsedFile:
    """Parse termbase content, collecting every problem with its line instead of stopping."""
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    lines = decode_lines(data, path)
    newline = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"
    bom = data.startswith(BOM.encode("utf-8"))
    first = next(rows(lines), None)
    if first is not None and first[1].split("\t") != list(COLUMNS):
        mapped = _parse_mapped(lines, path, first[1])
        if mapped is not None:
            mapped.newline, mapped.bom = newline, bom
            return mapped
    problems: list[RowProblem] = []
    entries: list[Entry] = []
    cells: dict[int, list[str]] = {}
    header_seen = False
    for number, text, is_header in rows(lines):
        if is_header:
            header_seen = True
            if text.split("\t") != list(COLUMNS):
                problems.append(RowProblem(number, "header", f"the first row must be the header: {HEADER.replace(chr(9), ' <TAB> ')}"))
            continue
        cells[number] = text.split("\t")
        entry = parse_row(cells[number], number, problems)
        if entry is not None:
            entries.append(entry)
    if not header_seen:
        problems.append(RowProblem(1, "header", "no header row: an empty termbase still needs the header"))
    return ParsedFile(lines=lines, entries=entries, problems=problems, newline=newline, bom=bom, cells=cells)


def _parse_mapped(lines: list[str], path: str | None, first_row: str) -> ParsedFile | None:
    """A two-column (or other-header) TSV/CSV glossary, or None when it is not one."""
    delimiter = "\t" if "\t" in first_row or not (str(path or "").lower().endswith(".csv") or "," in first_row) else ","
    if delimiter == "\t":
        table = [(number, text.split("\t")) for number, text, _ in rows(lines)]
    else:
        reader = csv.reader(io.StringIO("".join(lines), newline=""))
        table = []
        try:
            for row in reader:
                if any(cell.strip() for cell in row):
                    table.append((reader.line_num, row))
        except csv.Error as exc:
            raise KoenError(located(path, reader.line_num, f"not a CSV glossary: {exc}")) from None
    if not table:
        return None
    names = [HEADER_NAMES.get(cell.strip().lower()) for cell in table[0][1]]
    if all(names) and "korean" in names and "english" in names and len(set(names)) == len(names):
        columns, body = names, table[1:]
    elif len(table[0][1]) == 2:
        columns, body = ["korean", "english"], table
    else:
        return None
    if len(columns) != len(COLUMNS) and any(len(row) == len(COLUMNS) for _, row in body):
        return None     # full rows under a broken header: reported as a header problem
    problems: list[RowProblem] = []
    entries: list[Entry] = []
    cells: dict[int, list[str]] = {}
    defaults = {"kind": "general", "status": "approved"}
    for number, row in body:
        if len(row) != len(columns):
            problems.append(RowProblem(number, "columns", f"expected {len(columns)} columns ({', '.join(columns)}), found {len(row)}"))
            continue
        named = dict(zip(columns, row))
        cells[number] = [named.get(column, defaults.get(column, "")) for column in COLUMNS]
        entry = parse_row(cells[number], number, problems)
        if entry is not None:
            entries.append(entry)
    return ParsedFile(lines=lines, entries=entries, problems=problems, layout="mapped", cells=cells,
                      delimiter=delimiter)


@dataclass
class Termbase:
    entries: list[Entry] = field(default_factory=list)
    path: Path | None = None
    _parsed: ParsedFile | None = field(default=None, repr=False, compare=False)

    @classmethod
    def load(cls, path: str | Path) -> "Termbase":
        p = Path(path)
        if not p.exists():
            raise KoenError(f"{p}: no such glossary file")
        return cls.from_text(read_file_bytes(p, "a glossary TSV file"), p)

    @classmethod
    def from_text(cls, data: bytes | str, path: str | Path | None = None) -> "Termbase":
        parsed = parse_text(data, str(path) if path is not None else None)
        if parsed.problems:
            first = parsed.problems[0]
            more = f" (and {len(parsed.problems) - 1} more; run `koen glossary lint`)" if len(parsed.problems) > 1 else ""
            raise KoenError(located(str(path) if path is not None else None, first.line, first.message + more))
        return cls(entries=list(parsed.entries), path=Path(path) if path is not None else None, _parsed=parsed)

    @classmethod
    def create(cls, path: str | Path) -> "Termbase":
        """A new, empty glossary file (the header row only); refuses to replace an existing file."""
        p = Path(path)
        if p.exists() or p.is_symlink():
            raise KoenError(f"{p}: already exists; not replaced")
        check_writable(p)
        write_text_atomic(p, HEADER + "\n")
        return cls.load(p)

    @classmethod
    def from_entries(cls, entries: Iterable[Entry]) -> "Termbase":
        return cls(entries=list(entries))

    def to_text(self) -> str:
        """The file content: original lines where unchanged, edited rows in place, new rows last."""
        parsed = self._parsed
        if parsed is None or parsed.layout != "full":
            newline = parsed.newline if parsed is not None else "\n"
            return "".join(line + newline for line in (HEADER, *(e.to_row() for e in self.entries)))
        newline = parsed.newline
        by_line: dict[int, list[Entry]] = {}
        appended: list[Entry] = []
        original_lines = {e.line: e for e in parsed.entries}
        for entry in self.entries:
            if entry.line in original_lines:
                by_line.setdefault(entry.line, []).append(entry)
            else:
                appended.append(entry)
        out: list[str] = []
        for number, raw in enumerate(parsed.lines, start=1):
            if number not in original_lines:
                out.append(raw)
                continue
            ending = raw[len(raw.rstrip("\r\n")):]
            for entry in by_line.get(number, []):
                out.append(raw if entry == original_lines[number] else entry.to_row() + (ending or newline))
        out.extend(entry.to_row() + newline for entry in appended)
        # Rows after a last line that had no line ending need one between them.
        pieces = [p if p.endswith(("\n", "\r")) or i == len(out) - 1 else p + newline for i, p in enumerate(out)]
        text = "".join(pieces)
        if not parsed.lines:
            text = HEADER + newline + text
        return (BOM if parsed.bom else "") + text

    def save(self, path: str | Path | None = None) -> None:
        target = Path(path) if path is not None else self.path
        if target is None:
            raise KoenError("no file to save the glossary to")
        if self._parsed is not None and self._parsed.delimiter != "\t" and (path is None or Path(path) == self.path):
            raise KoenError(f"{target}: a CSV glossary is only read; create a TSV one and import it "
                            f"(koen glossary init new.tsv; koen glossary import {target} -g new.tsv)")
        text = self.to_text()
        # Never write a file that would not load again (a tab or line break inside a cell, an
        # entry an importer built without the row checks): refuse, and leave the file as it was.
        parsed = parse_text(text, str(target))
        if parsed.problems:
            shown = "; ".join(f"line {p.line}: {p.message}" for p in parsed.problems[:3])
            raise KoenError(f"{target}: not saved, the result would not load: {shown}")
        write_text_atomic(target, text)
        self.path = target
        # What was saved is now the baseline for the next byte-exact save.
        self._parsed = parsed
        self.entries = list(parsed.entries)

    def approved(self) -> list[Entry]:
        return [e for e in self.entries if e.status == "approved"]

    def sha256(self) -> str:
        return hashlib.sha256(self.to_text().encode("utf-8")).hexdigest()

    def add(self, entry: Entry) -> Entry:
        added = dataclasses.replace(entry, line=0)
        self.entries.append(added)
        return added

    def remove(self, entry: Entry) -> None:
        self.entries.remove(entry)


def default_glossary_path() -> Path:
    return Path(__file__).resolve().parent / "data" / "starter.tsv"
