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

from . import __version__, inline
from .backends import Backend, translate_scored
from .chunking import split_to_fit
from .korean import HANGUL_RE, expect, foreign_script, has_hangul, strip_invisible
from .human import HumanTranslations
from .numbers import find_numbers, unjustified_numbers
from .protect import (Intervals, hanja_glosses, lone_particles, merge_glosses, non_overlapping, particle_tails,
                      quoted_korean)
from .restore import drop_numbers, restore
from .results import (Job, LineResult, LineWarning, Origin, Protection, ProtectionKind, SpanResult, WarningCode,
                      summarize)
from .segment import Span, latin_islands, segment
from .terms import TermFinder

__all__ = ["Pipeline", "LineResult", "join_translations", "run_stages", "summarize"]


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
        expect(lines)
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
        # Inline markers (document formatting, inline codes; mt.inline) are taken out before
        # segmentation: the model sees each sentence whole, and the markers are put back after.
        # A line of plain text holding such characters unpaired is left as it is.
        stripped = [inline.strip(body) if inline.has_markers(body) and inline.nesting_problem(body) is None
                    else (body, []) for (body, _), _ in split]
        segmented = [segment(plain) for plain, _ in stripped]
        approved = self._human([span.text for spans in segmented for span in spans if span.translate])
        prepared, all_jobs = [], []
        for ((_, ending), day), (body, _), spans in zip(split, stripped, segmented):
            jobs = {}
            for i, span in enumerate(spans):
                if not span.translate:
                    continue
                if span.text in approved:
                    jobs[i] = Job(span.text, [], output=approved[span.text], origin=Origin.HUMAN)
                    continue
                # Korean spans are planned in NFC, the form the matcher and number finder work in, so
                # their offsets index the same text; the span is replaced by its translation anyway.
                jobs[i] = self._plan(unicodedata.normalize("NFC", span.text), day,
                                     context=(body[:span.start][-1:], body[span.end:span.end + 64]))
                all_jobs.append(jobs[i])
            prepared.append((body, ending, spans, jobs))
        yield from self._run(all_jobs)
        fragment_english = yield from self._translate_fragments(prepared, stripped)
        results = []
        for ((original, _), _), (_, marks), (body, ending, spans, jobs) in zip(split, stripped, prepared):
            span_results, warnings, accounted, runs, missed = [], [], 0, 0, []
            for i, span in enumerate(spans):
                job = jobs.get(i)
                translation = span.text if job is None else job.output
                span_results.append(SpanResult(span, translation, job))
                if job is not None:
                    warnings.extend(_job_warnings(job, span, i))
                    covered, total = job.digit_coverage()
                    accounted, runs = accounted + covered, runs + total
                    missed.extend(job.text[s:e] for s, e in job.unaccounted_digit_runs())
            if marks:
                translation = inline.project(marks, _pieces(body, span_results, marks, fragment_english), body)
                warnings.extend(_tag_warnings(original, translation, span_results))
            else:
                translation = _join(span_results)
            results.append(LineResult(original + ending, translation + ending, span_results, warnings, runs, accounted,
                                      missed, tags=len(marks)))
        return results

    def _translate_fragments(self, prepared: list, stripped: list) -> Generator[list[str], dict, dict[str, str]]:
        """Each Korean fragment wrapped by inline markers, translated on its own: where its English
        is found in the sentence's English, the markers go around it there (mt.inline.locate)."""
        wanted = []
        for (body, _, spans, jobs), (_, marks) in zip(prepared, stripped):
            for start, end in inline.fragments(marks, body):
                text = body[start:end].strip()
                if has_hangul(text) and any(span.start <= start and end <= span.end and i in jobs
                                            and jobs[i].origin in (Origin.MODEL, Origin.MEMORY)
                                            for i, span in enumerate(spans)):
                    wanted.append(text)
        unique = list(dict.fromkeys(wanted))
        if not unique:
            return {}
        scored = yield unique
        return {text: s.text for text, s in scored.items() if s.origin is not Origin.KEPT and s.text.strip()}

    def _plan(self, text: str, date: datetime.date | None, depth: int = 0, base: int = 0,
              context: tuple[str, str] = ("", "")) -> Job:
        """Find what must be protected in ``text``; quoted Korean inside becomes a child job.
        ``context``: the line's character before the span and some text after it."""
        candidates: list[Protection] = []
        quotes = quoted_korean(text) if depth == 0 else []
        compounds = []
        if self.terms is not None:
            for hit in self.terms.find(text, date=date):
                candidates.append(Protection(hit.start, hit.end, ProtectionKind.TERM, hit.surface, hit.english,
                                             offset=base + hit.start, term=hit.describe()))
            find_compounds = getattr(self.terms, "compounds", None)
            compounds = [text[s:e] for s, e in find_compounds(text, date=date)] if find_compounds else []
        if self.protect_numbers:
            for number in find_numbers(text, default_year=date.year if date else None):
                candidates.append(Protection(number.start, number.end, ProtectionKind.NUMBER, number.text,
                                             number.english, offset=base + number.start, number_kind=number.kind,
                                             problem=number.problem))
        for start, end in latin_islands(text):
            candidates.append(Protection(start, end, ProtectionKind.ISLAND, text[start:end], text[start:end],
                                         offset=base + start))
        candidates.extend(hanja_glosses(text, base))
        taken = Intervals((c.start, c.end) for c in candidates)
        kept_quotes = [(s, e) for s, e in quotes if not taken.strictly_contains(s) and not taken.strictly_contains(e)]
        quoted = Intervals(kept_quotes)
        inner = [c for c in candidates if not quoted.covers(c.start, c.end)]
        protections = merge_glosses(text, non_overlapping(inner, text))
        children = []
        for s, e in kept_quotes:
            child = self._plan(text[s + 1:e - 1], date, depth + 1, base + s + 1)
            children.append(child)
            protections.append(Protection(s, e, ProtectionKind.QUOTE, text[s:e], offset=base + s,
                                          child=len(children) - 1))
        protections.sort(key=lambda p: p.start)
        tails = particle_tails(text, protections, base) if protections else lone_particles(text, *context)
        if tails:
            protections = sorted(protections + tails, key=lambda p: p.start)
        return Job(text, protections, children, compounds=compounds)

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


def _pieces(body: str, results: list[SpanResult], marks: list, fragment_english: dict[str, str]) -> list[inline.Piece]:
    """The line's spans for mt.inline.project, with anchors: protections (a term, number or name
    keeps its English) and fragments whose own English stands in the span's output."""
    pieces = []
    for result in results:
        span, job = result.span, result.job
        translated = job is not None and job.origin is not Origin.KEPT
        anchors = []
        if translated and job.origin is not Origin.HUMAN:
            cursor = 0
            if len(job.text) == len(span.text):        # NFC kept the length: protection offsets hold
                for protection in job.protections:
                    found = _find_whole(result.translation[cursor:], protection.replacement) \
                        if protection.replacement else None
                    if found is not None:
                        begin = cursor + found
                        cursor = begin + len(protection.replacement)
                        anchors.append((protection.start, protection.end, begin, cursor))
            for start, end in inline.fragments(marks, body):
                text = body[start:end]
                english = fragment_english.get(text.strip())
                if english is None or not (span.start <= start and end <= span.end):
                    continue
                place = inline.locate(english, result.translation)
                if place is not None:
                    lead = len(text) - len(text.lstrip())
                    local = start - span.start + lead
                    anchors.append((local, local + len(text.strip()), *place))
        pieces.append(inline.Piece(span.start, span.end, translated, result.translation, inline.monotone(anchors),
                                   body[span.start:span.end]))
    return pieces


def _tag_warnings(source: str, translation: str, results: list[SpanResult]) -> list[LineWarning]:
    problem = inline.integrity(source, translation)
    if problem is None:
        return []
    first = next((i for i, result in enumerate(results) if result.span.translate), None)
    return [LineWarning(WarningCode.TAGS, f"{problem}; the line's formatting needs checking", first)]


def _find_whole(text: str, target: str, flags: int = 0) -> int | None:
    """Where ``target`` stands in ``text`` as a whole (not inside a longer word or number)."""
    found = re.search(rf"(?<!\w){re.escape(target)}(?!\w)", text, flags)
    return found.start() if found else None


def _substitute(text: str, protections: list[Protection]) -> str:
    """The model's input: each protected stretch replaced by its English, set apart from Korean
    glued to it by a space (``SRT노선`` → ``SRT 노선``, so the English comes back once and whole),
    invisible characters left out."""
    out, length, position = [], 0, 0
    for index, protection in enumerate(protections):
        gap = strip_invisible(text[position:protection.start])
        out.append(gap)
        length += len(gap)
        replacement = protection.replacement
        lead = ""
        if replacement and protection.kind is not ProtectionKind.QUOTE:
            before = text[protection.start - 1] if protection.start else ""
            following = protections[index + 1] if index + 1 < len(protections) else None
            after_index = protection.end
            if following is not None and following.kind is ProtectionKind.DROPPED and following.start == after_index:
                after_index = following.end
            after = text[after_index] if after_index < len(text) else ""
            if before and (HANGUL_RE.match(before) or before.isalnum() and replacement[0].isalnum()) \
                    and not has_hangul(replacement[:1]):
                lead = " "
            if after and (HANGUL_RE.match(after) or after.isalnum() and replacement[-1].isalnum()) \
                    and not has_hangul(replacement[-1:]):
                replacement += " "
        protection.model_offset = length + len(lead)
        out.append(lead + replacement)
        length += len(lead) + len(replacement)
        position = protection.end
    out.append(strip_invisible(text[position:]))
    return "".join(out)


def _replacement_ranges(job: Job) -> list[tuple[int, int]]:
    return [(p.model_offset, p.model_offset + len(p.replacement)) for p in job.protections]


def _restore(job: Job, check_numbers: bool) -> str:
    """Every protected English string in the output, by count and in order (``mt.restore``);
    then numbers the source does not justify removed, outside the protected strings."""
    output, kept = restore(job)
    if check_numbers:
        output, removed = drop_numbers(output, unjustified_numbers(output, job.text), kept)
        job.removed_numbers.extend(removed)
    return re.sub(r"[ \t]{2,}", " ", output).strip()


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
        what = f"{protection.kind.value} {protection.source!r}"
        if protection.repaired:
            warnings.append(LineWarning(WarningCode.RESTORED, f"{what}: model output lacked "
                                        f"{protection.replacement!r}; restored by koen", index))
        if protection.out_of_order:
            warnings.append(LineWarning(WarningCode.ENGLISH_ORDER, f"{what}: {protection.replacement!r} came out "
                                        f"before English that precedes it", index))
        if protection.problem:
            warnings.append(LineWarning(WarningCode.NUMBER_KEPT, f"{protection.problem}: not read as a number; "
                                        f"its digits are kept as written", index))
    for start, end in job.unaccounted_digit_runs():
        warnings.append(LineWarning(WarningCode.DIGITS_UNPROTECTED, f"digits {job.text[start:end]!r} at "
                                    f"{span.start + start} are in no protection: the model may change them", index))
    for number in job.removed_numbers:
        warnings.append(LineWarning(WarningCode.REMOVED_NUMBER, f"removed number {number!r} not justified by the source",
                                    index))
    if has_hangul(job.output):
        warnings.append(LineWarning(WarningCode.HANGUL_LEFT,
                                    f"Hangul left in the translation of span at {span.start}-{span.end}", index))
    foreign = [c for c in foreign_script(job.output) if not has_hangul(c)]
    if foreign:
        warnings.append(LineWarning(WarningCode.FOREIGN_SCRIPT, f"Han, Kana or Cyrillic left in the translation of "
                                    f"span at {span.start}-{span.end}: {''.join(dict.fromkeys(foreign))!r}", index))
    for doubled in _all(job, "doubled"):
        warnings.append(LineWarning(WarningCode.ENGLISH_DOUBLED, f"{doubled!r} comes out more often than the "
                                    f"source has it", index))
    for compound in _all(job, "compounds"):
        warnings.append(LineWarning(WarningCode.TERM_IN_COMPOUND, f"{compound!r}: glossary terms glued into a "
                                    f"compound the glossary lacks; left to the model", index))
    if not job.output.strip() and job.origin is not Origin.PROTECTED:    # PROTECTED: only particles, dropped
        warnings.append(LineWarning(WarningCode.EMPTY_OUTPUT,
                                    f"the model returned nothing for the span at {span.start}-{span.end}", index))
    return warnings


def _all(job: Job, name: str) -> list[str]:
    """A list attribute of the job and of its quoted children, in order."""
    return [*getattr(job, name), *(item for child in job.children for item in _all(child, name))]
