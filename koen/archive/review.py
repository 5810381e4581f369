"""The post-editing loop over one archive job's output: the review queue, editors' decisions, and
re-rendering the records that hold an approved span.

A span's ``id`` is a short hash of its Korean text normalised (NFC, spacing), the same key the
translation memory stores the human translation under: stable across reruns, redos and record
order, and one approval covers every record where the same span occurs.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from mt import inline
from mt.errors import KoenError
from mt.editorial import unsafe_character
from mt.jsonlines import parse_json, read_jsonl
from mt.memory import APPROVED, REJECTED, UNREVIEWED, Review, TranslationMemory
from mt.human import span_key
from mt.numbers.find import digit_runs
from mt.pipeline import join_translations
from mt.results import Origin, WarningCode
from mt.segment import latin_islands
from mt.textio import split_text_lines

from . import MEMORY_FILE, RECORDS_FILE, approval

# Below this mean token log-probability a span is flagged (see docs/review.md for the choice).
DEFAULT_THRESHOLD = -1.5
# Most doubtful first: a reason earlier in this list outranks any later one.
SEVERITY = [WarningCode.EMPTY_OUTPUT, WarningCode.UNTRANSLATED, WarningCode.HANGUL_LEFT, WarningCode.REMOVED_NUMBER,
            WarningCode.NUMBER_KEPT, WarningCode.DIGITS_UNPROTECTED, WarningCode.FOREIGN_SCRIPT,
            WarningCode.ENGLISH_DOUBLED, WarningCode.ENGLISH_ORDER, WarningCode.TAGS, WarningCode.RESTORED,
            WarningCode.TERM_IN_COMPOUND, WarningCode.SPLIT,
            WarningCode.LOW_CONFIDENCE]


def span_id(korean: str) -> str:
    return hashlib.sha256(span_key(korean).encode("utf-8")).hexdigest()[:12]


@dataclass
class Occurrence:
    record: str                  # the record's id
    field: str
    line: int                    # 1-based, within the field
    text: str                    # the source line
    start: int
    end: int

    def marked(self, left: str = "⟦", right: str = "⟧") -> str:
        return self.text[:self.start] + left + self.text[self.start:self.end] + right + self.text[self.end:]


@dataclass
class ReviewItem:
    id: str
    korean: str                  # the span as the editor sees it
    english: str                 # the machine English (or the approved one)
    origin: str
    confidence: float | None
    reasons: list[str]
    occurrences: list[Occurrence] = field(default_factory=list)
    terms: list[dict] = field(default_factory=list)      # glossary hits inside the span: [start, end] in the line
    numbers: list[dict] = field(default_factory=list)    # the span's numbers: source, english (audit entries)
    review: Review | None = None
    position: int = 0            # order of first occurrence in the job (record order, then field, line, span)

    @property
    def state(self) -> str:
        return self.review.state if self.review else UNREVIEWED

    @property
    def revision(self) -> int:
        return self.review.revision if self.review else 0

    def doubt(self) -> tuple:
        worst = min((SEVERITY.index(WarningCode(r)) for r in self.reasons), default=len(SEVERITY))
        return (worst, self.confidence if self.confidence is not None else float("-inf"), self.position)

    def as_json(self) -> dict:
        first = self.occurrences[0]
        return {"id": self.id, "korean": self.korean, "english": self.english, "origin": self.origin,
                "confidence": self.confidence, "reasons": self.reasons, "state": self.state,
                "revision": self.revision, "record": first.record, "field": first.field, "line": first.line,
                "source_line": first.text, "span": [first.start, first.end], "marked": first.marked(),
                "occurrences": len(self.occurrences), "position": self.position,
                "approved_by": self.review.editor if self.review and self.state != UNREVIEWED else None,
                "approved_english": self.review.english if self.review and self.state == APPROVED else None}


def memory_path(outdir: str | Path, memory: str | Path | None = None) -> Path:
    return Path(memory) if memory else Path(outdir) / MEMORY_FILE


def read_records(outdir: str | Path) -> list[dict]:
    """The job's records.jsonl, every record checked: a damaged file is one line naming where."""
    path = Path(outdir) / RECORDS_FILE
    try:
        present = path.exists() or path.is_symlink()
    except OSError as exc:
        raise KoenError(f"{outdir}: cannot use as an output folder ({exc.strerror})") from None
    if not present:
        raise KoenError(f"{outdir}: no {RECORDS_FILE}; run `koen archive translate INPUT {outdir}` first")
    rows = []
    for number, row in read_jsonl(path, f"the job's {RECORDS_FILE}"):
        try:
            check_record(row)
        except ValueError as exc:
            raise KoenError(f"{path}:{number}: not a koen record ({exc}); rerun `koen archive translate` "
                            f"on {outdir} to rewrite it") from None
        rows.append(row)
    return rows


def stored_records(lines: list[str], path: Path, first: int = 1) -> list[dict]:
    """The job database's records, parsed and checked: a damaged one is one line, not a traceback.
    ``first``: the number of the first of ``lines`` among the job's records."""
    rows = []
    for number, line in enumerate(lines, start=first):
        try:
            row = parse_json(line)
            check_record(row)
        except ValueError as exc:
            raise KoenError(f"{path}: record {number} is damaged ({exc}); start the job over with --redo "
                            f"or use another output folder") from None
        rows.append(row)
    return rows


def _require(value, kind, what: str):
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        names = " or ".join(k.__name__ for k in (kind if isinstance(kind, tuple) else (kind,)))
        raise ValueError(f"{what} is {type(value).__name__}, expected {names}")
    return value


def check_record(row) -> None:
    """ValueError naming the first part of ``row`` the review loop could not use."""
    _require(row, dict, "the record")
    if "id" not in row:
        raise ValueError("no id")
    source = _require(row.get("source"), dict, "source")
    translation = _require(row.get("translation"), dict, "translation")
    _require(row.get("warnings"), list, "warnings")
    for name, lines in _require(row.get("audit", {}), dict, "audit").items():
        _require(source.get(name), str, f"source[{name!r}]")
        _require(translation.get(name), str, f"translation[{name!r}]")
        for line in _require(lines, list, f"audit[{name!r}]"):
            _require(line, dict, f"audit[{name!r}] line")
            number = _require(line.get("line"), int, f"audit[{name!r}] line number")
            if number < 1:
                raise ValueError(f"audit[{name!r}] line number {number}")
            where = f"audit[{name!r}] line {number}"
            _require(line.get("warnings"), list, f"{where} warnings")
            for term in _require(line.get("terms", []), list, f"{where} terms"):
                _require(term, dict, f"{where} term")
                bounds = _require(term.get("span"), list, f"{where} term span")
                if len(bounds) != 2:
                    raise ValueError(f"{where} term span {bounds}")
                for value in bounds:
                    _require(value, int, f"{where} term span offset")
            for entry in _require(line.get("numbers", []), list, f"{where} numbers"):
                _require(_require(entry, dict, f"{where} number").get("source"), str, f"{where} number source")
            for span in _require(line.get("spans"), list, f"{where} spans"):
                _require(span, dict, f"{where} span")
                _require(span.get("source"), str, f"{where} span source")
                start = _require(span.get("start"), int, f"{where} span start")
                end = _require(span.get("end"), int, f"{where} span end")
                if not 0 <= start <= end:
                    raise ValueError(f"{where} span [{start}, {end}]")
                if "translation" in span:
                    _require(span["translation"], str, f"{where} span translation")
                    _require(span.get("origin", "model"), str, f"{where} span origin")
                    confidence = span.get("confidence")
                    if confidence is not None:
                        _require(confidence, (int, float), f"{where} span confidence")
                    for flag in _require(span.get("flags", []), list, f"{where} span flags"):
                        if flag not in _CODES:
                            raise ValueError(f"{where} span flag {flag!r}")


_CODES = {code.value for code in WarningCode}


def spans_of(rows: Iterable[dict]) -> Iterator[tuple[dict, str, dict, dict]]:
    """(record, field, line audit, span entry) for every translated Korean span."""
    for row in rows:
        for name, lines in row.get("audit", {}).items():
            for line in lines:
                for span in line["spans"]:
                    if "translation" in span:
                        yield row, name, line, span


def collect(rows: list[dict], memory: TranslationMemory, threshold: float = DEFAULT_THRESHOLD) -> dict[str, ReviewItem]:
    """Every translated span by id, with its reasons for review (empty: nothing doubtful)."""
    items: dict[str, ReviewItem] = {}
    for row, name, line, span in spans_of(rows):
        source_lines = split_text_lines(row["source"][name])
        text = source_lines[line["line"] - 1].rstrip("\r\n") if line["line"] <= len(source_lines) else span["source"]
        text = inline.remove_markers(text)       # span offsets count a document line without its markers
        occurrence = Occurrence(str(row["id"]), name, line["line"], text, span["start"], span["end"])
        key = span_id(span["source"])
        item = items.get(key)
        if item is None:
            reasons = list(span.get("flags", []))
            confidence = span.get("confidence")
            if confidence is not None and confidence < threshold:
                reasons.append(WarningCode.LOW_CONFIDENCE.value)
            inside = [t for t in line.get("terms", []) if span["start"] <= t["span"][0] < span["end"]]
            item = items[key] = ReviewItem(key, span["source"], span["translation"], span.get("origin", "model"),
                                           confidence, reasons, terms=inside, numbers=_numbers_in(span, line),
                                           position=len(items))
        item.occurrences.append(occurrence)
    reviews = memory.reviews([item.korean for item in items.values()])
    for item in items.values():
        item.review = reviews.get(item.korean)
    return items


def _numbers_in(span: dict, line: dict) -> list[dict]:
    """The line's numbers that lie in ``span``: as many of each as the span's text holds."""
    taken: dict[str, int] = {}
    chosen = []
    for number in line.get("numbers", []):
        source = number.get("source", "")
        if source and span["source"].count(source) > taken.get(source, 0):
            taken[source] = taken.get(source, 0) + 1
            chosen.append(number)
    return chosen


ORDERS = ("doubt", "document")


def queue(items: dict[str, ReviewItem], include_reviewed: bool = False, order: str = "doubt") -> list[ReviewItem]:
    """The flagged spans not yet reviewed: most doubtful first (ties in document order), or in
    document order."""
    chosen = [item for item in items.values() if item.reasons and item.origin != Origin.HUMAN.value
              and (include_reviewed or item.state == UNREVIEWED)]
    return sorted(chosen, key=ReviewItem.doubt if order == "doubt" else (lambda item: item.position))


def find(items: dict[str, ReviewItem], outdir: str | Path, item_id: str) -> ReviewItem:
    item = items.get(item_id.strip())
    if item is None:
        raise KoenError(f"{outdir}: no span with id {item_id!r} (see `koen review list {outdir}`)")
    return item


def default_editor() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return os.environ.get("USER") or "unknown"


def check_approval(item: ReviewItem, english: str, override: str | None = None) -> str:
    """The English cleaned; refused (KoenError) for unsafe characters, (ApprovalRefused) for what
    it lacks against the span's terms, numbers and kept English unless ``override`` gives a reason."""
    text = approval.clean_english(english)
    if override is not None and not " ".join(override.split()):
        raise KoenError("an override needs a reason")
    if override is not None:
        unsafe = unsafe_character(override)
        if unsafe:
            raise KoenError(f"the override reason holds {unsafe}")
        return text
    problems = approval.content_problems(item.korean, item.terms, item.numbers, text)
    if problems:
        raise approval.ApprovalRefused(problems)
    return text


def _expected(item: ReviewItem, editor: str, expected_revision: int | None) -> int:
    """The revision a decision is made against. Replacing someone else's decision needs the
    revision the editor saw: an approval must never silently replace another editor's."""
    if expected_revision is not None:
        return expected_revision
    if item.review is not None and item.state != UNREVIEWED and item.review.editor != editor:
        shown = f" as {item.review.english!r}" if item.review.english else ""
        raise KoenError(f"span {item.id} was {item.state} by {item.review.editor} at {item.review.at}{shown} "
                        f"(revision {item.revision}); to replace that decision pass --revision {item.revision}")
    return item.revision


def approve(memory: TranslationMemory, item: ReviewItem, english: str, editor: str | None = None,
            expected_revision: int | None = None, override: str | None = None, via: str = "cli") -> Review:
    """Record the editor's checked English for the span; refused (ReviewConflict) if its review
    state is no longer ``expected_revision``."""
    editor = editor or default_editor()
    text = check_approval(item, english, override)
    reason = " ".join(override.split()) if override is not None else None
    return approval.record_decision(memory, item.korean, APPROVED, text, editor,
                                    item.english if item.origin != Origin.HUMAN.value else None,
                                    _expected(item, editor, expected_revision), via, override=reason)


def reject(memory: TranslationMemory, item: ReviewItem, editor: str | None = None,
           expected_revision: int | None = None, via: str = "cli") -> Review:
    """Mark the span reviewed with the machine English kept."""
    if item.state == APPROVED:
        raise KoenError(f"span {item.id} has an approved translation ({item.review.english!r}); "
                        f"approve another English instead of rejecting it")
    editor = editor or default_editor()
    return approval.record_decision(memory, item.korean, REJECTED, None, editor, item.english,
                                    _expected(item, editor, expected_revision), via)


def undo(memory: TranslationMemory, item: ReviewItem, editor: str | None = None,
         expected_revision: int | None = None) -> Review:
    """Take back the span's last decision: its state before it comes back (unreviewed when there
    was none), as a new revision in the history."""
    if item.state == UNREVIEWED:
        raise KoenError(f"span {item.id} has no decision to undo")
    chain = approval.history(memory, item.korean)
    previous = next((entry for entry in reversed(chain) if entry.revision < item.revision), None)
    state, english = (previous.state, previous.english) if previous else (UNREVIEWED, None)
    return approval.record_decision(memory, item.korean, state, english, editor or default_editor(),
                                    item.review.machine, item.revision if expected_revision is None else expected_revision,
                                    "undo")


def record_titles(rows: list[dict]) -> dict[str, tuple[str, str]]:
    """Each record's (title, date) as the archive gives them, for showing beside its segments."""
    titles = {}
    for row in rows:
        source = row.get("source", {})
        title = source.get("title") if isinstance(source, dict) else None
        meta = row.get("meta") if isinstance(row.get("meta"), dict) else {}
        titles[str(row.get("id"))] = (str(title or meta.get("title") or ""), str(row.get("date") or meta.get("date") or ""))
    return titles


# -- re-rendering records that hold an approved span ---------------------------------------------

def apply_approvals(rows: list[dict], memory: TranslationMemory) -> dict[int, dict]:
    """The records (by index) that change because an editor approved one of their spans, patched:
    the span's English becomes the editor's, its origin ``human``, its flags and warnings go, the
    line's audit becomes what a run with the approval already made would have written (see
    ``_as_human``), and the field's translation is rebuilt from its lines. Other records are not
    touched at all."""
    approved = memory.human_translations({span["source"] for _, _, _, span in spans_of(rows)})
    changed: dict[int, dict] = {}
    for index, row in enumerate(rows):
        patched = json.loads(json.dumps(row))
        touched: dict[str, set[int]] = {}
        for name, lines in patched.get("audit", {}).items():
            for line in lines:
                for span in line["spans"]:
                    english = approved.get(span["source"]) if "translation" in span else None
                    if english is None or (span.get("origin") == Origin.HUMAN.value and span["translation"] == english):
                        continue
                    stale = span.get("warnings", [])
                    line["warnings"] = [w for w in line["warnings"] if w not in stale]
                    patched["warnings"] = [w for w in patched["warnings"] if w not in
                                           {f"{name} line {line['line']}: {m}" for m in stale}]
                    _as_human(line, span, english)
                    touched.setdefault(name, set()).add(line["line"])
        for name, numbers in touched.items():
            patched["translation"][name] = _rebuild(patched["source"][name], patched["translation"][name],
                                                    patched["audit"][name], numbers)
        if touched:
            changed[index] = patched
    return changed


def _as_human(line: dict, span: dict, english: str) -> None:
    """Audit ``span`` of ``line`` the way the pipeline audits a span an editor translated: no
    protections inside it (its terms and numbers are no longer checked against the English), one
    piece, every digit run accounted for."""
    start, end = span["start"], span["end"]

    def inside(entry: dict, fallback: bool) -> bool:
        bounds = entry.get("span")
        return start <= bounds[0] < end if isinstance(bounds, list) and len(bounds) == 2 else fallback

    terms = [t for t in line.get("terms", []) if inside(t, False)]
    numbers = [n for n in line.get("numbers", []) if inside(n, n["source"] in span["source"])]
    protected = [tuple(t["span"]) for t in terms] + [tuple(n["span"]) for n in numbers if "span" in n]
    text = unicodedata.normalize("NFC", span["source"])
    protected += [(start + s, start + e) for s, e in latin_islands(text)]
    runs = [(start + s, start + e) for s, e in digit_runs(text)]
    accounted_before = sum(any(s <= a and b <= e for s, e in protected) for a, b in runs)
    line["terms"] = [t for t in line.get("terms", []) if t not in terms]
    line["numbers"] = [n for n in line.get("numbers", []) if n not in numbers]
    if isinstance(line.get("digit_runs"), dict):
        counts = line["digit_runs"]
        counts["accounted"] = min(counts.get("total", 0), counts.get("accounted", 0) - accounted_before + len(runs))
    span.update({"translation": english, "pieces": 1, "origin": Origin.HUMAN.value, "confidence": None,
                 "flags": [], "warnings": []})
    span.pop("split", None)
    span.pop("untranslated", None)


def _rebuild(source: str, translation: str, audits: list[dict], touched: set[int]) -> str:
    """A field's translation with the ``touched`` lines re-joined from their spans' audits.

    Lines are cut only at the endings koen writes (``mt.textio.split_text_lines``). A translation
    that still does not line up with its source (a model output with a line break of its own) is
    rebuilt from every line's audit: a line without one holds no Korean and is its source."""
    sources = split_text_lines(source)
    current = split_text_lines(translation)
    by_number = {line["line"]: line for line in audits}
    if len(current) != len(sources):
        current, touched = list(sources), set(by_number)
    out = []
    for number, (line, old) in enumerate(zip(sources, current), start=1):
        audit = by_number.get(number) if number in touched else None
        if audit is None:
            out.append(old)
            continue
        body = line.rstrip("\r\n")
        if inline.has_markers(body):        # a document's line: its formatting markers go back too
            joined = inline.rejoin(body, [(span["start"], span["end"], "translation" in span,
                                           span.get("translation", span["source"])) for span in audit["spans"]])
        else:
            joined = join_translations([span.get("translation", span["source"]) for span in audit["spans"]])
        out.append(joined + line[len(body):])
    return "".join(out)
