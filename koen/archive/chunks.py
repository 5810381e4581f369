"""One committed chunk of records as pipeline stages: its lines in, its records.jsonl lines out.

:func:`chunk_stages` is a generator, the same protocol as :meth:`mt.pipeline.Pipeline.stages`: it
yields each round's unique model inputs, is sent their ``Scored`` outputs, and returns the chunk's
JSON lines. Whoever drives it decides where the model runs and with which other chunks' inputs
its inputs share a batch (koen/archive/feed.py); segmenting, planning, restoring and the JSON
happen wherever the generator lives (this process, a planning process, a Ray worker).
"""

from __future__ import annotations

import datetime
import json

from mt.archive.base import Record
from mt.human import span_key
from mt.korean import load_whole_analyser
from mt.memory import APPROVED
from mt.pipeline import Pipeline, run_stages
from mt.backends import Scored, translate_scored
from mt.textio import split_text_lines


def chunk_stages(pipeline: Pipeline, chunk: list[Record], provenance: dict, default_date: datetime.date | None):
    lines: list[str] = []
    dates: list[datetime.date | None] = []
    owners: list[tuple[int, str]] = []
    for index, record in enumerate(chunk):
        day = record.date or default_date
        for name, text in record.fields.items():
            for line in split_text_lines(text):
                lines.append(line)
                dates.append(day)
                owners.append((index, name))
    results = (yield from pipeline.stages(lines, dates)) if lines else []
    translated = [{name: "" for name in record.fields} for record in chunk]
    audits: list[dict[str, list]] = [{} for _ in chunk]
    warnings: list[list[str]] = [[] for _ in chunk]
    line_numbers: dict[tuple[int, str], int] = {}
    for (index, name), result in zip(owners, results):
        translated[index][name] += result.translation
        number = line_numbers[(index, name)] = line_numbers.get((index, name), 0) + 1
        audit = _stable_origins(result.audit())
        if any(span.span.translate for span in result.spans) or audit["warnings"]:
            del audit["source"], audit["translation"]
            audits[index].setdefault(name, []).append({"line": number, **audit})
        warnings[index].extend(f"{name} line {number}: {w.message}" for w in result.warnings)
    out = []
    for record, fields, audit, warned in zip(chunk, translated, audits, warnings):
        day = record.date or default_date
        out.append(json.dumps({
            "id": record.id, "location": record.location, "date": day.isoformat() if day else None,
            "meta": record.meta, "source": record.fields, "translation": fields, "audit": audit,
            "warnings": warned, "provenance": provenance,
        }, ensure_ascii=False) + "\n")
    return out


def translate_chunk(pipeline: Pipeline, chunk: list[Record], provenance: dict,
                    default_date: datetime.date | None) -> list[str]:
    """The chunk's lines with ``pipeline.backend`` decoding each round by itself."""
    return run_stages(chunk_stages(pipeline, chunk, provenance, default_date),
                      lambda unique: translate_scored(pipeline.backend, unique))


WARM_UP_LINE = "「스마트도시」 사업은 2025년 3월 1일 시작한다. 국토교통부는 이를 추진한다.\n"


def warm_up(pipeline: Pipeline) -> None:
    """Plan one Korean line, nothing decoded: Kiwi loads its model (the whole dictionary: see
    mt.analyser.Analyser.load_all) and the glossary matcher its tables at its first search, a few
    seconds that processes forked after this share instead of each paying them."""
    load_whole_analyser()
    run_stages(pipeline.stages([WARM_UP_LINE], [None]), lambda unique: [Scored(text) for text in unique])


def _stable_origins(audit: dict) -> dict:
    """Records say ``model`` for machine English whether the model made it now or earlier (the
    machine memory holds exactly its output): a resumed, redone or shared-memory run must write
    the same bytes as one uninterrupted run. How many segments came from the memory is in the
    run's report instead."""
    for span in audit["spans"]:
        if span.get("origin") == "memory":
            span["origin"] = "model"
    return audit


class ApprovedSnapshot:
    """Editors' approved English as it stood when the job started, without a database connection
    (what a planning process or a Ray worker consults: :class:`mt.human.HumanTranslations`)."""

    def __init__(self, approved: dict[str, str]):
        self.approved = approved

    @classmethod
    def of(cls, memory) -> "ApprovedSnapshot":
        return cls({review.source: review.english for review in memory.all_reviews()
                    if review.state == APPROVED and review.english})

    def human_translations(self, spans) -> dict[str, str]:
        return {span: self.approved[span_key(span)] for span in spans if span_key(span) in self.approved}
