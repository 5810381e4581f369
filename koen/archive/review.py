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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from mt.errors import KoenError
from mt.korean import has_hangul
from mt.memory import APPROVED, REJECTED, UNREVIEWED, Review, TranslationMemory
from mt.human import span_key
from mt.pipeline import join_translations
from mt.results import Origin, WarningCode

from . import MEMORY_FILE, RECORDS_FILE

# Below this mean token log-probability a span is flagged (see docs/review.md for the choice).
DEFAULT_THRESHOLD = -1.5
# Most doubtful first: a reason earlier in this list outranks any later one.
SEVERITY = [WarningCode.EMPTY_OUTPUT, WarningCode.UNTRANSLATED, WarningCode.HANGUL_LEFT, WarningCode.REMOVED_NUMBER,
            WarningCode.DIGITS_UNPROTECTED, WarningCode.NUMBER_KEPT, WarningCode.RESTORED, WarningCode.SPLIT,
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
    numbers: list[str] = field(default_factory=list)
    review: Review | None = None

    @property
    def state(self) -> str:
        return self.review.state if self.review else UNREVIEWED

    @property
    def revision(self) -> int:
        return self.review.revision if self.review else 0

    def doubt(self) -> tuple:
        worst = min((SEVERITY.index(WarningCode(r)) for r in self.reasons), default=len(SEVERITY))
        return (worst, self.confidence if self.confidence is not None else float("-inf"), self.id)

    def as_json(self) -> dict:
        first = self.occurrences[0]
        return {"id": self.id, "korean": self.korean, "english": self.english, "origin": self.origin,
                "confidence": self.confidence, "reasons": self.reasons, "state": self.state,
                "revision": self.revision, "record": first.record, "field": first.field, "line": first.line,
                "source_line": first.text, "span": [first.start, first.end], "marked": first.marked(),
                "occurrences": len(self.occurrences),
                "approved_english": self.review.english if self.review and self.state == APPROVED else None}


def memory_path(outdir: str | Path, memory: str | Path | None = None) -> Path:
    return Path(memory) if memory else Path(outdir) / MEMORY_FILE


def read_records(outdir: str | Path) -> list[dict]:
    path = Path(outdir) / RECORDS_FILE
    if not path.is_file():
        raise KoenError(f"{outdir}: no {RECORDS_FILE}; run `koen archive translate INPUT {outdir}` first")
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise KoenError(f"{path}:{number}: not a JSON record ({exc.msg})") from None
    return rows


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
        source_lines = row["source"][name].splitlines()
        text = source_lines[line["line"] - 1] if line["line"] <= len(source_lines) else span["source"]
        occurrence = Occurrence(str(row["id"]), name, line["line"], text, span["start"], span["end"])
        key = span_id(span["source"])
        item = items.get(key)
        if item is None:
            reasons = list(span.get("flags", []))
            confidence = span.get("confidence")
            if confidence is not None and confidence < threshold:
                reasons.append(WarningCode.LOW_CONFIDENCE.value)
            inside = [t for t in line.get("terms", []) if span["start"] <= t["span"][0] < span["end"]]
            numbers = [n["source"] for n in line.get("numbers", []) if n["source"] in span["source"]]
            item = items[key] = ReviewItem(key, span["source"], span["translation"], span.get("origin", "model"),
                                           confidence, reasons, terms=inside, numbers=numbers)
        item.occurrences.append(occurrence)
    reviews = memory.reviews([item.korean for item in items.values()])
    for item in items.values():
        item.review = reviews.get(item.korean)
    return items


def queue(items: dict[str, ReviewItem], include_reviewed: bool = False) -> list[ReviewItem]:
    """The flagged spans not yet reviewed, most doubtful first."""
    chosen = [item for item in items.values() if item.reasons and item.origin != Origin.HUMAN.value
              and (include_reviewed or item.state == UNREVIEWED)]
    return sorted(chosen, key=ReviewItem.doubt)


def find(items: dict[str, ReviewItem], outdir: str | Path, item_id: str) -> ReviewItem:
    item = items.get(item_id.strip())
    if item is None:
        raise KoenError(f"{outdir}: no span with id {item_id!r} (see `koen review list {outdir}`)")
    return item


def check_english(english: str) -> str:
    text = " ".join(english.split())
    if not text:
        raise KoenError("--english: the approved English is empty")
    if has_hangul(text):
        raise KoenError(f"--english {text!r}: holds Hangul; the approved translation must be English")
    return text


def default_editor() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return os.environ.get("USER") or "unknown"


def approve(memory: TranslationMemory, item: ReviewItem, english: str, editor: str | None = None,
            expected_revision: int | None = None) -> Review:
    """Record the editor's English for the span; refused (ReviewConflict) if its review state is no
    longer ``expected_revision`` (default: the state the item was read with)."""
    return memory.set_review(item.korean, APPROVED, check_english(english), editor or default_editor(),
                             item.english if item.origin != Origin.HUMAN.value else None,
                             item.revision if expected_revision is None else expected_revision)


def reject(memory: TranslationMemory, item: ReviewItem, editor: str | None = None,
           expected_revision: int | None = None) -> Review:
    """Mark the span reviewed with the machine English kept."""
    if item.state == APPROVED:
        raise KoenError(f"span {item.id} has an approved translation ({item.review.english!r}); "
                        f"approve another English instead of rejecting it")
    return memory.set_review(item.korean, REJECTED, None, editor or default_editor(), item.english,
                             item.revision if expected_revision is None else expected_revision)


# -- re-rendering records that hold an approved span ---------------------------------------------

def apply_approvals(rows: list[dict], memory: TranslationMemory) -> dict[int, dict]:
    """The records (by index) that change because an editor approved one of their spans, patched:
    the span's English becomes the editor's, its origin ``human``, its flags and warnings go, and
    the field's translation is rebuilt from its lines. Other records are not touched at all."""
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
                    span.update({"translation": english, "origin": Origin.HUMAN.value, "confidence": None,
                                 "flags": [], "warnings": []})
                    span.pop("untranslated", None)
                    touched.setdefault(name, set()).add(line["line"])
        for name, numbers in touched.items():
            patched["translation"][name] = _rebuild(patched["source"][name], patched["translation"][name],
                                                    [line for line in patched["audit"][name] if line["line"] in numbers])
        if touched:
            changed[index] = patched
    return changed


def _rebuild(source: str, translation: str, lines: list[dict]) -> str:
    """A field's translation with ``lines`` (audits) re-joined from their spans."""
    sources = source.splitlines(keepends=True)
    current = translation.splitlines(keepends=True)
    if len(current) != len(sources):       # a model output with a line break of its own: rebuild all
        current = list(sources)
    by_number = {line["line"]: line for line in lines}
    out = []
    for number, (line, old) in enumerate(zip(sources, current), start=1):
        audit = by_number.get(number)
        if audit is None:
            out.append(old)
            continue
        body = line.rstrip("\r\n")
        out.append(join_translations([span.get("translation", span["source"]) for span in audit["spans"]])
                   + line[len(body):])
    return "".join(out)
