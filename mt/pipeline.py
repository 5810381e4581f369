"""The translation flow: segment → protect (islands, terms, numbers, quotes) → translate →
restore and verify → audit. Lines keep their structure one to one.

Protection works inline: each protected stretch of a Korean span is replaced, in the text the
model sees, by the English it must become (an English name stays itself, a glossary term becomes
its approved English, a number its English rendering, a quoted Korean title its own translation
inside the original marks). Models copy Latin text reliably and keep the grammar around it; after
generation every protected English string is checked in the output and, when the model dropped
or re-cased it, put back (``repaired`` in the audit). Hangul and <unk> target tokens are banned
while decoding, so no Korean can leak into the translation, particles included.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Callable, Iterable, Sequence

from .backends import Backend, GenerationOptions, load_backend
from .backends.checkpoint import DEFAULT_MODEL
from .chunking import split_to_fit
from .korean import HANGUL_RE, has_hangul
from .segment import PAIRS, Span, latin_islands, segment

PRIORITY = {"quote": 0, "term": 1, "number": 2, "island": 3}
# Title marks hold names of programmes, laws and events: their inside is translated on its own and
# put back inside the same marks. Ordinary quotes (‘’ “” ' ") are punctuation the model handles.
_TITLE_MARKS = "「『《〈"


@dataclass
class Protection:
    start: int
    end: int
    kind: str                 # quote | term | number | island
    source: str
    replacement: str = ""
    meta: dict = field(default_factory=dict)
    found: bool = False       # the model produced the replacement itself
    repaired: bool = False    # koen put it back (re-cased or inserted)


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

    @property
    def pieces(self) -> int:
        return max(1, len(self.inputs))


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
    warnings: list[str] = field(default_factory=list)

    def protections(self, kind: str | None = None) -> list[tuple[Span, Protection]]:
        found = []
        for result in self.spans:
            if result.job is not None:
                for protection in _walk_protections(result.job):
                    if kind is None or protection.kind == kind:
                        found.append((result.span, protection))
        return found

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
            spans.append(entry)
        for span, protection in self.protections("term"):
            terms.append({"span": [span.start + protection.meta["offset"], span.start + protection.meta["offset"]
                                   + len(protection.source)], "source": protection.source, **protection.meta["entry"],
                          "expected": protection.replacement, "found": protection.found or protection.repaired,
                          "by_model": protection.found, "repaired": protection.repaired})
        for span, protection in self.protections("number"):
            numbers.append({"source": protection.source, "english": protection.replacement,
                            "kind": protection.meta.get("kind"), "found": protection.found or protection.repaired,
                            "repaired": protection.repaired})
        return {"source": self.source, "translation": self.translation, "spans": spans, "terms": terms,
                "numbers": numbers, "warnings": self.warnings}


def _walk_protections(job: Job):
    for protection in job.protections:
        yield protection
    for child in job.children:
        yield from _walk_protections(child)


class Pipeline:
    """Translate mixed Korean/English lines with one backend, an optional glossary and number rules."""

    def __init__(self, backend: Backend, matcher=None, glossary_hash: str | None = None,
                 protect_numbers: bool = True, memory=None):
        self.backend = backend
        self.matcher = matcher
        self.glossary_hash = glossary_hash
        self.protect_numbers = protect_numbers
        self.memory = memory

    @classmethod
    def from_options(cls, model: str = DEFAULT_MODEL, backend: str = "transformers", device: str = "auto",
                     batch_size: int = 32, beam_size: int = 1, glossary: str | None = None,
                     dtype: str = "auto", compute_type: str = "default", max_output_tokens: int | None = None,
                     fixed_output_tokens: int | None = None, protect_numbers: bool = True, memory=None) -> "Pipeline":
        options = GenerationOptions(beam_size=beam_size, batch_size=batch_size, max_output_tokens=max_output_tokens,
                                    fixed_output_tokens=fixed_output_tokens)
        matcher, glossary_hash = None, None
        if glossary:
            from glossary.match import Matcher
            from glossary.termbase import Termbase

            termbase = Termbase.load(glossary)
            matcher, glossary_hash = Matcher(termbase), termbase.sha256()
        engine = load_backend(backend, model=model, device=device, dtype=dtype, compute_type=compute_type,
                              options=options)
        return cls(engine, matcher=matcher, glossary_hash=glossary_hash, protect_numbers=protect_numbers,
                   memory=memory)

    def provenance(self) -> dict:
        from . import __version__

        return {**self.backend.provenance(), "glossary_sha256": self.glossary_hash, "koen_version": __version__}

    # -- the flow -------------------------------------------------------------------------------

    def translate_lines(self, lines: Sequence[str], date: datetime.date | None = None,
                        dates: Sequence[datetime.date | None] | None = None,
                        progress: Callable[[int], None] | None = None, chunk_size: int = 256) -> list[LineResult]:
        """Translate each line (its ending, if any, is kept). ``dates`` gives one date per line."""
        if dates is not None and len(dates) != len(lines):
            raise ValueError(f"{len(dates)} dates for {len(lines)} lines")
        results: list[LineResult] = []
        for start in range(0, len(lines), chunk_size):
            chunk = lines[start:start + chunk_size]
            chunk_dates = dates[start:start + chunk_size] if dates is not None else [date] * len(chunk)
            results.extend(self._translate_chunk(chunk, chunk_dates))
            if progress:
                progress(len(chunk))
        return results

    def _translate_chunk(self, lines: Sequence[str], dates: Sequence[datetime.date | None]) -> list[LineResult]:
        prepared = []
        for line, day in zip(lines, dates):
            body, ending = _split_ending(line)
            spans = segment(body)
            # Korean spans are planned in NFC, the form the matcher and number finder work in, so
            # their offsets index the same text; the span is replaced by its translation anyway.
            jobs = {i: self._plan(unicodedata.normalize("NFC", span.text), day)
                    for i, span in enumerate(spans) if span.translate}
            prepared.append((body, ending, spans, jobs))
        all_jobs = [job for _, _, _, jobs in prepared for job in jobs.values()]
        self._run(all_jobs)
        results = []
        for body, ending, spans, jobs in prepared:
            span_results, warnings = [], []
            for i, span in enumerate(spans):
                job = jobs.get(i)
                translation = span.text if job is None else job.output
                span_results.append(SpanResult(span, translation, job))
                if job is not None:
                    warnings.extend(_job_warnings(job, span))
            translation = _join(span_results) + ending
            results.append(LineResult(body + ending, translation, span_results, warnings))
        return results

    def _plan(self, text: str, date: datetime.date | None, depth: int = 0, base: int = 0) -> Job:
        """Find what must be protected in ``text``; quoted Korean inside becomes a child job."""
        candidates: list[Protection] = []
        quotes = _quoted_korean(text) if depth == 0 else []
        if self.matcher is not None:
            for hit in self.matcher.find(text, date=date):
                entry = hit.entry
                candidates.append(Protection(hit.start, hit.end, "term", hit.surface, entry.target, {
                    "offset": base + hit.start,
                    "entry": {"entry": entry.id, "korean": entry.korean, "line": entry.line, "kind": entry.kind,
                              "dnt": entry.dnt}}))
        if self.protect_numbers:
            from .numbers import find_numbers

            for number in find_numbers(text, default_year=date.year if date else None):
                candidates.append(Protection(number.start, number.end, "number", number.text, number.english,
                                             {"offset": base + number.start, "kind": number.kind}))
        for start, end in latin_islands(text):
            candidates.append(Protection(start, end, "island", text[start:end], text[start:end],
                                         {"offset": base + start}))
        kept_quotes = [(s, e) for s, e in quotes
                       if not any(c.start < s < c.end or c.start < e < c.end for c in candidates)]
        inner = [c for c in candidates if not any(s <= c.start and c.end <= e for s, e in kept_quotes)]
        protections = _non_overlapping(inner)
        children = []
        for s, e in kept_quotes:
            child = self._plan(text[s + 1:e - 1], date, depth + 1, base + s + 1)
            children.append(child)
            protections.append(Protection(s, e, "quote", text[s:e], meta={"offset": base + s, "child": len(children) - 1}))
        protections.sort(key=lambda p: p.start)
        return Job(text, protections, children)

    def _run(self, jobs: list[Job]) -> None:
        children = [child for job in jobs for child in job.children]
        if children:
            self._run(children)
        for job in jobs:
            for protection in job.protections:
                if protection.kind == "quote":
                    child = job.children[protection.meta["child"]]
                    protection.replacement = protection.source[0] + child.output + protection.source[-1]
            job.model_input = _substitute(job.text, job.protections)
        self._translate_jobs(jobs)
        for job in jobs:
            job.output = _restore(job, self.protect_numbers)

    def _translate_jobs(self, jobs: list[Job]) -> None:
        limit = self.backend.max_input_tokens
        for job in jobs:
            job.inputs = split_to_fit(job.model_input, self.backend.count_tokens, limit, _replacement_ranges(job))
        unique = list(dict.fromkeys(p for job in jobs for p in job.inputs if has_hangul(p)))
        translated = dict(zip(unique, self._translate_unique(unique)))
        for job in jobs:
            job.output = " ".join(translated.get(p, p) for p in job.inputs).strip()

    def _translate_unique(self, texts: list[str]) -> list[str]:
        if not texts:
            return []
        if self.memory is None:
            return self.backend.translate(texts)
        known = self.memory.get_many(texts)
        missing = [t for t in texts if t not in known]
        if missing:
            fresh = self.backend.translate(missing)
            self.memory.put_many(dict(zip(missing, fresh)))
            known.update(zip(missing, fresh))
        return [known[t] for t in texts]


# -- helpers ------------------------------------------------------------------------------------

def _split_ending(line: str) -> tuple[str, str]:
    body = line.rstrip("\r\n")
    return body, line[len(body):]


def _join(results: list[SpanResult]) -> str:
    out = []
    for result in results:
        text = result.translation
        if out and text and out[-1] and out[-1][-1].isalnum() and text[0].isalnum():
            text = " " + text     # a translation must not glue onto a neighbouring word
        out.append(text)
    return "".join(out)


def _quoted_korean(text: str) -> list[tuple[int, int]]:
    """Balanced title-mark pairs with Hangul inside (「…」, 『…』, 《…》, 〈…〉), outermost only."""
    found, index = [], 0
    while index < len(text):
        opening = text[index]
        end = _partner(text, index, PAIRS[opening]) if opening in _TITLE_MARKS else -1
        if end > index + 1 and has_hangul(text[index + 1:end]) and (index, end + 1) != (0, len(text)):
            found.append((index, end + 1))
            index = end + 1
        else:
            index += 1
    return found


def _partner(text: str, start: int, closing: str) -> int:
    """Index of the mark closing the one at ``start`` (nesting counted), or -1."""
    depth = 0
    for index in range(start, len(text)):
        if text[index] == text[start]:
            depth += 1
        elif text[index] == closing:
            depth -= 1
            if depth == 0:
                return index
    return -1


def _non_overlapping(candidates: list[Protection]) -> list[Protection]:
    chosen: list[Protection] = []
    for candidate in sorted(candidates, key=lambda p: (PRIORITY[p.kind], -(p.end - p.start), p.start)):
        if all(candidate.end <= c.start or candidate.start >= c.end for c in chosen):
            chosen.append(candidate)
    return sorted(chosen, key=lambda p: p.start)


def _substitute(text: str, protections: list[Protection]) -> str:
    out, position = [], 0
    for protection in protections:
        out.append(text[position:protection.start])
        replacement = protection.replacement
        before = text[protection.start - 1] if protection.start else ""
        if before and HANGUL_RE.match(before) and protection.kind != "quote" and not has_hangul(replacement[:1]):
            replacement = " " + replacement
        out.append(replacement)
        protection.meta["model_offset"] = sum(len(x) for x in out) - len(protection.replacement)
        position = protection.end
    out.append(text[position:])
    return "".join(out)


def _replacement_ranges(job: Job) -> list[tuple[int, int]]:
    return [(p.meta["model_offset"], p.meta["model_offset"] + len(p.replacement)) for p in job.protections]


def _restore(job: Job, check_numbers: bool) -> str:
    """Verify every protected English string is in the output; re-case or insert what is missing."""
    output = job.output
    source_length = max(len(job.model_input), 1)
    for protection in job.protections:
        target = protection.replacement
        if not target:
            continue
        if _find_whole(output, target) is not None:
            protection.found = True
            continue
        recased = _find_whole(output, target, re.IGNORECASE)
        if recased is not None:
            output = output[:recased] + target + output[recased + len(target):]
        else:
            output = _insert(output, target, protection.meta["model_offset"] / source_length)
        protection.repaired = True
    if check_numbers:
        output = _drop_unjustified_numbers(job, output)
    return re.sub(r"[ \t]{2,}", " ", output).strip()


def _drop_unjustified_numbers(job: Job, output: str) -> str:
    from .numbers import unjustified_numbers

    keep = [(m.start(), m.end()) for p in job.protections if p.replacement
            for m in re.finditer(rf"(?<!\w){re.escape(p.replacement)}(?!\w)", output)]
    for start, end, number in sorted(unjustified_numbers(output, job.text), reverse=True):
        if any(s <= start and end <= e for s, e in keep):
            continue
        job.removed_numbers.append(number)
        output = (output[:start].rstrip() + " " + output[end:].lstrip()).strip()
    return output


def _find_whole(text: str, target: str, flags: int = 0) -> int | None:
    """Where ``target`` stands in ``text`` as a whole (not inside a longer word or number)."""
    found = re.search(rf"(?<!\w){re.escape(target)}(?!\w)", text, flags)
    return found.start() if found else None


def _insert(output: str, target: str, fraction: float) -> str:
    if not output.strip():
        return target
    position = int(round(fraction * len(output)))
    if position <= 0:
        return f"{target} {output}"
    if position >= len(output):
        return f"{output} {target}"
    left = output.rfind(" ", 0, position)
    right = output.find(" ", position)
    candidates = [p for p in (left, right) if p >= 0]
    if not candidates:
        return f"{output} {target}" if fraction > 0.5 else f"{target} {output}"
    cut = min(candidates, key=lambda p: abs(p - position))
    return f"{output[:cut]} {target} {output[cut + 1:]}"


def _job_warnings(job: Job, span: Span) -> list[str]:
    warnings = []
    if job.pieces > 1:
        warnings.append(f"span at {span.start}-{span.end} ({len(span.text)} chars) exceeded the model's input "
                        f"limit and was translated in {job.pieces} pieces")
    for protection in _walk_protections(job):
        if protection.repaired:
            warnings.append(f"{protection.kind} {protection.source!r}: model output lacked "
                            f"{protection.replacement!r}; restored by koen")
    for number in job.removed_numbers:
        warnings.append(f"removed number {number!r} not justified by the source")
    if has_hangul(job.output):
        warnings.append(f"Hangul left in the translation of span at {span.start}-{span.end}")
    if not job.output.strip():
        warnings.append(f"the model returned nothing for the span at {span.start}-{span.end}")
    return warnings


def summarize(results: Iterable[LineResult]) -> dict:
    """Run totals for the audit: lines, spans, term and number success, repairs, splits."""
    lines = spans = split = 0
    terms = terms_found = terms_by_model = numbers = numbers_found = 0
    for result in results:
        lines += 1
        for span_result in result.spans:
            if span_result.span.translate:
                spans += 1
                split += span_result.job.pieces > 1
        for _, p in result.protections("term"):
            terms += 1
            terms_found += p.found or p.repaired
            terms_by_model += p.found
        for _, p in result.protections("number"):
            numbers += 1
            numbers_found += p.found or p.repaired
    return {"lines": lines, "korean_spans": spans, "split_spans": split, "terms": terms,
            "term_success": (terms_found / terms) if terms else None,
            "term_success_by_model": (terms_by_model / terms) if terms else None,
            "numbers": numbers, "number_success": (numbers_found / numbers) if numbers else None}
