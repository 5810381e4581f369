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
from typing import Callable, Generator, Sequence

from . import __version__
from .backends import Backend, translate_scored
from .chunking import split_to_fit
from .korean import HANGUL_RE, has_hangul
from .human import HumanTranslations
from .numbers import find_numbers, unjustified_numbers
from .results import (Job, LineResult, LineWarning, Origin, Protection, ProtectionKind, SpanResult, WarningCode,
                      summarize)
from .segment import PAIRS, Span, latin_islands, segment
from .terms import TermFinder

__all__ = ["Pipeline", "LineResult", "join_translations", "run_stages", "summarize"]

# Title marks hold names of programmes, laws and events: their inside is translated on its own and
# put back inside the same marks. Ordinary quotes (‘’ “” ' ") are punctuation the model handles.
_TITLE_MARKS = "「『《〈"


class Pipeline:
    """Translate mixed Korean/English lines with one backend, an optional term finder (the
    glossary) and number rules. A translation memory, when wanted, is a backend around the model
    backend (``mt.backends.memory.MemoryBackend``); editors' approved translations (``humans``)
    replace whole spans before anything else is planned."""

    def __init__(self, backend: Backend, terms: TermFinder | None = None, protect_numbers: bool = True,
                 humans: HumanTranslations | None = None):
        self.backend = backend
        self.terms = terms
        self.protect_numbers = protect_numbers
        self.humans = humans

    def provenance(self) -> dict:
        return {**self.backend.provenance(), "glossary_sha256": self.terms.fingerprint if self.terms else None,
                "koen_version": __version__}

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
        return run_stages(self.stages(lines, dates), lambda unique: translate_scored(self.backend, unique))

    def stages(self, lines: Sequence[str], dates: Sequence[datetime.date | None]) -> Stages:
        """The flow of :meth:`translate_lines` as stages, for callers that decode elsewhere (the
        archive job batches many chunks' inputs together): the generator yields each round's
        unique model inputs (quoted titles come a round before the sentences around them), is
        sent ``{input: Scored}`` for them, and returns the lines' results. Segmenting, planning and
        restoring run in the generator; only ``self.backend.count_tokens`` is used, never its model."""
        split = [(_split_ending(line), day) for line, day in zip(lines, dates)]
        segmented = [segment(body) for (body, _), _ in split]
        approved = self._human([span.text for spans in segmented for span in spans if span.translate])
        prepared, all_jobs = [], []
        for ((body, ending), day), spans in zip(split, segmented):
            jobs = {}
            for i, span in enumerate(spans):
                if not span.translate:
                    continue
                if span.text in approved:
                    jobs[i] = Job(span.text, [], output=approved[span.text], origin=Origin.HUMAN)
                    continue
                # Korean spans are planned in NFC, the form the matcher and number finder work in, so
                # their offsets index the same text; the span is replaced by its translation anyway.
                jobs[i] = self._plan(unicodedata.normalize("NFC", span.text), day)
                all_jobs.append(jobs[i])
            prepared.append((body, ending, spans, jobs))
        yield from self._run(all_jobs)
        results = []
        for body, ending, spans, jobs in prepared:
            span_results, warnings, accounted, runs = [], [], 0, 0
            for i, span in enumerate(spans):
                job = jobs.get(i)
                translation = span.text if job is None else job.output
                span_results.append(SpanResult(span, translation, job))
                if job is not None:
                    warnings.extend(_job_warnings(job, span, i))
                    covered, total = job.digit_coverage()
                    accounted, runs = accounted + covered, runs + total
            translation = _join(span_results) + ending
            results.append(LineResult(body + ending, translation, span_results, warnings, runs, accounted))
        return results

    def _plan(self, text: str, date: datetime.date | None, depth: int = 0, base: int = 0) -> Job:
        """Find what must be protected in ``text``; quoted Korean inside becomes a child job."""
        candidates: list[Protection] = []
        quotes = _quoted_korean(text) if depth == 0 else []
        if self.terms is not None:
            for hit in self.terms.find(text, date=date):
                candidates.append(Protection(hit.start, hit.end, ProtectionKind.TERM, hit.surface, hit.english,
                                             offset=base + hit.start, term=hit.describe()))
        if self.protect_numbers:
            for number in find_numbers(text, default_year=date.year if date else None):
                candidates.append(Protection(number.start, number.end, ProtectionKind.NUMBER, number.text,
                                             number.english, offset=base + number.start, number_kind=number.kind,
                                             problem=number.problem))
        for start, end in latin_islands(text):
            candidates.append(Protection(start, end, ProtectionKind.ISLAND, text[start:end], text[start:end],
                                         offset=base + start))
        kept_quotes = [(s, e) for s, e in quotes
                       if not any(c.start < s < c.end or c.start < e < c.end for c in candidates)]
        inner = [c for c in candidates if not any(s <= c.start and c.end <= e for s, e in kept_quotes)]
        protections = _non_overlapping(inner)
        children = []
        for s, e in kept_quotes:
            child = self._plan(text[s + 1:e - 1], date, depth + 1, base + s + 1)
            children.append(child)
            protections.append(Protection(s, e, ProtectionKind.QUOTE, text[s:e], offset=base + s,
                                          child=len(children) - 1))
        protections.sort(key=lambda p: p.start)
        return Job(text, protections, children)

    def _human(self, spans: list[str]) -> dict[str, str]:
        return self.humans.human_translations(dict.fromkeys(spans)) if self.humans is not None and spans else {}

    def _run(self, jobs: list[Job]) -> Stages:
        children = [child for job in jobs for child in job.children]
        if children:
            yield from self._run(children)
        for job in jobs:
            for protection in job.protections:
                if protection.kind is ProtectionKind.QUOTE:
                    child = job.children[protection.child]
                    protection.replacement = protection.source[0] + child.output + protection.source[-1]
            job.model_input = _substitute(job.text, job.protections)
        yield from self._translate_jobs(jobs)
        for job in jobs:
            if job.origin is not Origin.KEPT:
                job.output = _restore(job, self.protect_numbers)

    def _translate_jobs(self, jobs: list[Job]) -> Stages:
        limit = self.backend.max_input_tokens
        for job in jobs:
            job.inputs = split_to_fit(job.model_input, self.backend.count_tokens, limit, _replacement_ranges(job))
        unique = list(dict.fromkeys(p for job in jobs for p in job.inputs if has_hangul(p)))
        translated = (yield unique) if unique else {}
        for job in jobs:
            scored = [translated[p] for p in job.inputs if p in translated]
            if any(s.origin is Origin.KEPT for s in scored):
                job.output, job.origin = job.text, Origin.KEPT     # no backend translated it: left as it is
                continue
            job.output = " ".join(translated[p].text if p in translated else p for p in job.inputs).strip()
            if not scored:
                job.origin = Origin.PROTECTED
            else:
                job.origin = Origin.MEMORY if all(s.origin is Origin.MEMORY for s in scored) else Origin.MODEL
                confidences = [s.confidence for s in scored if s.confidence is not None]
                job.confidence = sum(confidences) / len(confidences) if confidences else None


# -- helpers ------------------------------------------------------------------------------------

Stages = Generator[list[str], dict, list[LineResult]]


def run_stages(stages: Stages, translate: Callable[[list[str]], list]):
    """Drive :meth:`Pipeline.stages` with ``translate(unique) -> [Scored]``; the lines' results."""
    try:
        unique = next(stages)
        while True:
            unique = stages.send(dict(zip(unique, translate(unique))))
    except StopIteration as finished:
        return finished.value

def _split_ending(line: str) -> tuple[str, str]:
    body = line.rstrip("\r\n")
    return body, line[len(body):]


def _join(results: list[SpanResult]) -> str:
    return join_translations([result.translation for result in results])


def join_translations(texts: Sequence[str]) -> str:
    """A line's translation from its spans' translations, in order."""
    out: list[str] = []
    for text in texts:
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
    for candidate in sorted(candidates, key=lambda p: (p.kind.priority, -(p.end - p.start), p.start)):
        if all(candidate.end <= c.start or candidate.start >= c.end for c in chosen):
            chosen.append(candidate)
    return sorted(chosen, key=lambda p: p.start)


def _substitute(text: str, protections: list[Protection]) -> str:
    out, position = [], 0
    for protection in protections:
        out.append(text[position:protection.start])
        replacement = protection.replacement
        before = text[protection.start - 1] if protection.start else ""
        if before and HANGUL_RE.match(before) and protection.kind is not ProtectionKind.QUOTE \
                and not has_hangul(replacement[:1]):
            replacement = " " + replacement
        out.append(replacement)
        protection.model_offset = sum(len(x) for x in out) - len(protection.replacement)
        position = protection.end
    out.append(text[position:])
    return "".join(out)


def _replacement_ranges(job: Job) -> list[tuple[int, int]]:
    return [(p.model_offset, p.model_offset + len(p.replacement)) for p in job.protections]


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
            output = _insert(output, target, protection.model_offset / source_length)
        protection.repaired = True
    if check_numbers:
        output = _drop_unjustified_numbers(job, output)
    return re.sub(r"[ \t]{2,}", " ", output).strip()


def _drop_unjustified_numbers(job: Job, output: str) -> str:
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


def _job_warnings(job: Job, span: Span, index: int) -> list[LineWarning]:
    if job.origin is Origin.HUMAN:
        return []
    if job.origin is Origin.KEPT:
        return [LineWarning(WarningCode.UNTRANSLATED, f"span at {span.start}-{span.end} left untranslated "
                            f"(no model; no editor's translation or single glossary term covers it)", index)]
    warnings = []
    if job.pieces > 1:
        warnings.append(LineWarning(WarningCode.SPLIT, f"span at {span.start}-{span.end} ({len(span.text)} chars) "
                                    f"exceeded the model's input limit and was translated in {job.pieces} pieces",
                                    index))
    for protection in job.walk():
        if protection.repaired:
            warnings.append(LineWarning(WarningCode.RESTORED, f"{protection.kind.value} {protection.source!r}: model "
                                        f"output lacked {protection.replacement!r}; restored by koen", index))
    for protection in job.walk():
        if protection.problem:
            warnings.append(LineWarning(WarningCode.NUMBER_KEPT, f"{protection.problem}: not read as a number; "
                                        f"its digits are kept as written", index))
    for number in job.removed_numbers:
        warnings.append(LineWarning(WarningCode.REMOVED_NUMBER, f"removed number {number!r} not justified by the source",
                                    index))
    if has_hangul(job.output):
        warnings.append(LineWarning(WarningCode.HANGUL_LEFT,
                                    f"Hangul left in the translation of span at {span.start}-{span.end}", index))
    if not job.output.strip():
        warnings.append(LineWarning(WarningCode.EMPTY_OUTPUT,
                                    f"the model returned nothing for the span at {span.start}-{span.end}", index))
    return warnings
