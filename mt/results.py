"""What the pipeline plans and produces: protections, jobs, per-line results, warnings and the
run summary that ``koen translate``, the archive job and ``koen eval run`` all report."""

from __future__ import annotations

import bisect
import enum
from dataclasses import asdict, dataclass, field
from typing import Iterable

from .korean import has_hangul
from .numbers import digit_runs
from .segment import Span


class ProtectionKind(str, enum.Enum):
    """What a protected stretch of a Korean span is; the order is the priority among overlaps."""

    QUOTE = "quote"      # a quoted Korean title, translated on its own and put back in its marks
    TERM = "term"        # a glossary term: becomes its approved English
    NUMBER = "number"    # a numeric expression: becomes its English rendering
    ISLAND = "island"    # Latin text inside Korean: stays itself
    DROPPED = "dropped"  # Hangul or Hanja that needs no English: a bracketed Hanja gloss (특례(特例)), or a
                         # particle or copula after protected English when nothing else needs the model

    @property
    def priority(self) -> int:
        return _PRIORITY[self]


_PRIORITY = {kind: rank for rank, kind in enumerate(ProtectionKind)}


class WarningCode(str, enum.Enum):
    """Why a span's translation is doubtful; the review queue's reasons are these codes."""

    SPLIT = "split"                    # a span exceeded the model's input limit
    RESTORED = "restored"              # a protected string was missing from the output and put back
    REMOVED_NUMBER = "removed-number"  # a number the source does not justify was removed
    HANGUL_LEFT = "hangul-left"
    EMPTY_OUTPUT = "empty-output"
    UNTRANSLATED = "untranslated"      # no backend translated it (``--backend none``): the Korean is kept
    LOW_CONFIDENCE = "low-confidence"  # decided at review time from the recorded confidence and a threshold
    NUMBER_KEPT = "number-kept"        # an impossible date or number: not read as one, its digits kept as written
    # numbers (issue 18)
    DIGITS_UNPROTECTED = "digits-unprotected"  # a digit run of the source in no protection: the model may change it
    TAGS = "tags"                      # a line's inline markup (document formatting, XLIFF codes) did not survive intact
    # English kept and foreign scripts (issue 18, part 4)
    ENGLISH_ORDER = "english-order"      # protected English came out in another order than the source's
    ENGLISH_DOUBLED = "english-doubled"  # protected English came out more often than the source has it
    FOREIGN_SCRIPT = "foreign-script"    # Han, Kana or Cyrillic left in the translation
    TERM_IN_COMPOUND = "term-in-compound"  # a glossary term glued into a longer compound the glossary lacks


class Origin(str, enum.Enum):
    """Where a Korean span's English came from."""

    MODEL = "model"            # generated now by the model
    MEMORY = "memory"          # the machine translation memory (the same model's earlier output)
    HUMAN = "human"            # an editor's approved translation (it wins over model and memory)
    PROTECTED = "protected"    # nothing left to translate: every part was a term, number or name
    KEPT = "kept"              # left as it is: no backend translated it (``--backend none``)


@dataclass
class Protection:
    start: int                       # in the job's text
    end: int
    kind: ProtectionKind
    source: str
    replacement: str = ""            # the English the output must contain
    offset: int = 0                  # start in the span's text (quoted insides are offset by their quote)
    model_offset: int = 0            # start of the replacement in the model input
    child: int | None = None         # quotes: index of the job translating the inside
    term: dict | None = None         # terms: the entry's identity for the audit (TermHit.describe())
    number_kind: str | None = None   # numbers: mt.numbers' kind (money, date, range, literal, ...)
    problem: str = ""                # numbers: why a digit run is kept literally (an impossible date ...)
    found: bool = False              # the model produced the replacement itself
    out_of_order: bool = False       # ... but before an earlier protection's English
    repaired: bool = False           # koen put it back (re-cased or inserted)

    @property
    def accounted(self) -> bool:
        return self.found or self.repaired


@dataclass
class Job:
    """One Korean stretch to translate: a span of a line, or the inside of a quote within one."""

    text: str
    protections: list[Protection]
    children: list["Job"] = field(default_factory=list)   # quoted insides, translated first
    model_input: str = ""
    inputs: list[str] = field(default_factory=list)        # model_input, split to fit the model
    output: str = ""
    removed_numbers: list[str] = field(default_factory=list)
    doubled: list[str] = field(default_factory=list)       # kept English the output holds more often than the source
    compounds: list[str] = field(default_factory=list)     # words where glossary terms are glued into a compound
    origin: Origin = Origin.MODEL
    confidence: float | None = None                        # mean token log-probability (mt.backends.base)

    @property
    def pieces(self) -> int:
        return max(1, len(self.inputs))

    def walk(self) -> Iterable[Protection]:
        yield from self.protections
        for child in self.children:
            yield from child.walk()

    def protected_ranges(self) -> Iterable[tuple[int, int]]:
        """Where the text is protected (kept or replaced by fixed English), in this job's offsets."""
        for protection in self.protections:
            if protection.kind is ProtectionKind.QUOTE:
                inside = protection.start + 1
                yield from ((inside + s, inside + e) for s, e in self.children[protection.child].protected_ranges())
            else:
                yield protection.start, protection.end

    def digit_coverage(self) -> tuple[int, int]:
        """(digit runs accounted for, all digit runs) of this job's text: inside a protection, or
        anywhere in a span an editor translated or that stays as written (``--backend none``)."""
        runs = digit_runs(self.text)
        return len(runs) - len(self.unaccounted_digit_runs()), len(runs)

    def unaccounted_digit_runs(self) -> list[tuple[int, int]]:
        """(start, end) of the digit runs of this job's text that no protection covers."""
        if self.origin in (Origin.HUMAN, Origin.KEPT):
            return []
        ranges = sorted(self.protected_ranges())
        starts = [s for s, _ in ranges]
        reach, furthest = [], -1          # furthest end among the ranges starting at or before each one
        for _, end in ranges:
            furthest = max(furthest, end)
            reach.append(furthest)
        missed = []
        for start, end in digit_runs(self.text):
            index = bisect.bisect_right(starts, start) - 1
            if index < 0 or reach[index] < end:
                missed.append((start, end))
        return missed


@dataclass(frozen=True)
class LineWarning:
    code: WarningCode
    message: str
    span: int | None = None          # index of the span it is about, within the line

    def __str__(self) -> str:
        return self.message


@dataclass
class SpanResult:
    span: Span
    translation: str
    job: Job | None = None


@dataclass
class LineResult:
    source: str
    translation: str
    spans: list[SpanResult]
    warnings: list[LineWarning] = field(default_factory=list)
    digit_runs: int = 0               # ASCII digit runs inside the line's Korean spans
    digit_runs_accounted: int = 0     # ... of which inside a protection (number, term, island)
    digit_runs_missed: list[str] = field(default_factory=list)  # the others, as written
    tags: int = 0                     # inline markers in the line (mt.inline; documents only)

    def protections(self, kind: ProtectionKind | None = None) -> list[tuple[Span, Protection]]:
        return [(result.span, protection) for result in self.spans if result.job is not None
                for protection in result.job.walk() if kind is None or protection.kind is kind]

    def audit(self) -> dict:
        """The JSONL record: source, translation, spans, term hits, numbers, warnings."""
        spans, terms, numbers = [], [], []
        for result in self.spans:
            entry = {"start": result.span.start, "end": result.span.end, "kind": result.span.kind,
                     "source": result.span.text}
            if result.span.translate:
                entry["translation"] = result.translation
                entry["pieces"] = result.job.pieces
                if result.job.pieces > 1:
                    entry["split"] = True
                entry["origin"] = result.job.origin.value
                entry["confidence"] = result.job.confidence
                own = [w for w in self.warnings if w.span == len(spans)]
                entry["flags"] = list(dict.fromkeys(w.code.value for w in own))
                entry["warnings"] = [w.message for w in own]
                if result.job.origin is Origin.KEPT and has_hangul(result.translation):
                    entry["untranslated"] = True
            spans.append(entry)
        for span, p in self.protections(ProtectionKind.TERM):
            start = span.start + p.offset
            terms.append({"span": [start, start + len(p.source)], "source": p.source, **p.term,
                          "expected": p.replacement, "found": p.accounted, "by_model": p.found,
                          "repaired": p.repaired})
        for span, p in self.protections(ProtectionKind.NUMBER):
            start = span.start + p.offset
            number = {"span": [start, start + len(p.source)], "source": p.source, "english": p.replacement, "kind": p.number_kind,
                      "found": p.accounted, "repaired": p.repaired}
            if p.problem:
                number["problem"] = p.problem
            numbers.append(number)
        record = {"source": self.source, "translation": self.translation, "spans": spans, "terms": terms,
                  "numbers": numbers, "digit_runs": {"total": self.digit_runs, "accounted": self.digit_runs_accounted,
                                                     **({"missed": self.digit_runs_missed} if self.digit_runs_missed
                                                        else {})},
                  "warnings": [w.message for w in self.warnings]}
        if self.tags:
            record["tags"] = {"total": self.tags,
                              "intact": not any(w.code is WarningCode.TAGS for w in self.warnings)}
        return record


@dataclass
class RunSummary:
    """Totals over translated lines, computed from audits so that a resumed archive job (whose
    earlier records exist only as JSON) counts exactly like one uninterrupted run."""

    lines: int = 0
    korean_spans: int = 0
    split_spans: int = 0
    terms: int = 0
    terms_found: int = 0
    terms_by_model: int = 0
    numbers: int = 0
    numbers_found: int = 0
    digit_runs: int = 0
    digit_runs_accounted: int = 0
    warnings: int = 0
    untranslated_spans: int = 0      # Korean spans left as they are (``--backend none``)
    human_spans: int = 0             # spans whose English an editor approved
    missed: list[str] = field(default_factory=list)  # the first misses (numbers not found, digit runs
    # in no protection), named on the summary line so that a share below 100% says which

    MISSES_NAMED = 5

    def add_audit(self, audit: dict) -> None:
        self.lines += 1
        self.warnings += len(audit["warnings"])
        for span in audit["spans"]:
            if "translation" in span:
                self.korean_spans += 1
                self.split_spans += bool(span.get("split"))
                self.untranslated_spans += bool(span.get("untranslated"))
                self.human_spans += span.get("origin") == Origin.HUMAN.value
        for term in audit["terms"]:
            self.terms += 1
            self.terms_found += term["found"]
            self.terms_by_model += term["by_model"]
        for number in audit["numbers"]:
            self.numbers += 1
            self.numbers_found += number["found"]
            if not number["found"]:
                self._miss(f"number {number['source']!r}")
        runs = audit.get("digit_runs") or {}
        self.digit_runs += runs.get("total", 0)
        self.digit_runs_accounted += runs.get("accounted", 0)
        for run in runs.get("missed", ()):
            self._miss(f"digits {run!r}")

    def _miss(self, what: str) -> None:
        if len(self.missed) < self.MISSES_NAMED:
            self.missed.append(f"line {self.lines}: {what}")

    @classmethod
    def of(cls, audits: Iterable[dict]) -> "RunSummary":
        summary = cls()
        for audit in audits:
            summary.add_audit(audit)
        return summary

    @property
    def term_success(self) -> float | None:
        return self.terms_found / self.terms if self.terms else None

    @property
    def term_success_by_model(self) -> float | None:
        return self.terms_by_model / self.terms if self.terms else None

    @property
    def number_success(self) -> float | None:
        return self.numbers_found / self.numbers if self.numbers else None

    @property
    def number_coverage(self) -> float | None:
        """Digit runs in Korean spans that are accounted for (rendered, or kept as written), apart
        from ``number_success`` (rendered numbers found in the output)."""
        return self.digit_runs_accounted / self.digit_runs if self.digit_runs else None

    def as_dict(self) -> dict:
        return {**asdict(self), "term_success": self.term_success,
                "term_success_by_model": self.term_success_by_model, "number_success": self.number_success,
                "number_coverage": self.number_coverage}

    def line(self, producer: str | None = "the model") -> str:
        """The one-line report on stderr. ``producer``: what made the English koen did not put in
        (``the model``, ``the romanize backend``; None when nothing did, as with ``--backend none``)."""
        parts = [f"{self.lines} lines, {self.korean_spans} Korean spans"]
        if self.split_spans:
            parts.append(f"{self.split_spans} split to fit the model")
        if self.terms:
            parts.append(f"terms {exact_percent(self.terms_found, self.terms)} of {self.terms}"
                         + (f" ({exact_percent(self.terms_by_model, self.terms)} by {producer} alone)"
                            if producer else ""))
        if self.numbers:
            parts.append(f"numbers {exact_percent(self.numbers_found, self.numbers)} of {self.numbers}")
        if self.digit_runs:
            parts.append(f"digit runs accounted for {exact_percent(self.digit_runs_accounted, self.digit_runs)} "
                         f"of {self.digit_runs}")
        if self.missed:
            parts.append("missed: " + ", ".join(self.missed)
                         + (" ..." if self.numbers - self.numbers_found + self.digit_runs - self.digit_runs_accounted
                            > len(self.missed) else ""))
        if self.human_spans:
            parts.append(f"{self.human_spans} from editors")
        if self.untranslated_spans:
            parts.append(f"{self.untranslated_spans} left untranslated")
        return "koen: " + "; ".join(parts)


def exact_percent(part: int, whole: int) -> str:
    """``part / whole`` as a percentage that never rounds a miss up or a hit down to a bound:
    100% only when ``part == whole``, 0% only when ``part == 0`` (269 of 270 → 99.6%, not 100%;
    1 of 3000 → 0.03%). Whole percentages print without decimals (50%)."""
    if whole <= 0:
        return "n/a"
    if part == whole:
        return "100%"
    if part == 0:
        return "0%"
    digits = 1
    while True:
        scale = 10 ** digits
        value = part * 100 * scale // whole  # floored: 99.96... → 99.9
        if value > 0:
            break
        digits += 1
    if value % scale == 0 and part * 100 % whole == 0:
        return f"{value // scale}%"
    return f"{value // scale}.{value % scale:0{digits}d}%"


def summarize(results: Iterable[LineResult]) -> RunSummary:
    return RunSummary.of(result.audit() for result in results)
