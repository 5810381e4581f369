"""One evaluation of one system output: corpus scores, term success, number consistency."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Sequence

from mt.results import exact_percent

from .number_check import NumberReport, check_numbers
from .number_match import NumberMatchReport, match_numbers
from .score import METRIC_KEYS, CorpusScores, corpus_scores, segment_scores
from .term_check import TermReport, check_terms


@dataclass
class Evaluation:
    scores: CorpusScores
    terms: TermReport | None = None
    numbers: NumberReport | None = None
    number_match: NumberMatchReport | None = None  # numbers against the references (precision, recall)

    def as_dict(self, width: int | None = None) -> dict:
        def value(key: str) -> float:
            metric = self.scores.metrics[key]
            return metric.rounded(width) if width is not None else metric.score

        data: dict = {key: value(key) for key in self.scores.metrics}
        data["term_success"] = self.terms.success if self.terms else None
        data["number_consistency"] = self.numbers.consistency if self.numbers else None
        data["number_precision"] = self.number_match.precision if self.number_match else None
        data["number_recall"] = self.number_match.recall if self.number_match else None
        data["signatures"] = {key: m.signature for key, m in self.scores.metrics.items()}
        data["n_segments"] = self.scores.n_segments
        if self.terms is not None:
            data["terms"] = {"found": self.terms.found, "total": self.terms.total,
                             "glossary_sha256": self.terms.glossary_sha256}
        if self.numbers is not None:
            data["numbers"] = {"found": self.numbers.found, "total": self.numbers.total, "method": self.numbers.method}
        if self.number_match is not None:
            data["number_match"] = {**self.number_match.as_dict(), "segments_disagreeing": len(self.number_match.disagreements)}
        return data

    def to_json(self, width: int | None = None) -> str:
        return json.dumps(self.as_dict(width), ensure_ascii=False)

    def to_text(self, width: int = 1) -> str:
        lines = []
        for key, metric in self.scores.metrics.items():
            lines.append(f"{metric.verbose.split(' =')[0]:8} {metric.rounded(width):>8.{width}f}   {metric.signature}")
        if self.terms is not None:
            share = "n/a" if self.terms.success is None else f"{100 * self.terms.success:.1f}%"
            lines.append(f"{'terms':8} {share:>8}   {self.terms.found}/{self.terms.total} glossary terms rendered as approved")
        if self.numbers is not None:
            share = "n/a" if self.numbers.consistency is None else f"{100 * self.numbers.consistency:.1f}%"
            lines.append(f"{'numbers':8} {share:>8}   {self.numbers.found}/{self.numbers.total} source numbers found ({self.numbers.method})")
        if self.number_match is not None:
            lines.append(number_match_line(self.number_match))
        lines.append(f"{'segments':8} {self.scores.n_segments:>8}")
        return "\n".join(lines)


def number_match_line(report: NumberMatchReport) -> str:
    """``numbers vs references: precision 97.1% of 140, recall 95.3% of 150 (6 segments disagree)``."""
    hyp, ref = report.hypothesis_numbers, report.reference_numbers
    return (f"numbers vs references: precision {exact_percent(report.hypothesis_matched, hyp)} of {hyp}, "
            f"recall {exact_percent(report.reference_matched, ref)} of {ref} "
            f"({len(report.disagreements)} segments disagree)")


def evaluate(
    hypotheses: Sequence[str],
    references: Sequence[Sequence[str]],
    sources: Sequence[str] | None = None,
    termbase=None,
    date=None,
    metrics: Sequence[str] = METRIC_KEYS,
) -> Evaluation:
    """Score ``hypotheses``; term success needs ``sources`` and ``termbase``, numbers need ``sources``."""
    return Evaluation(
        scores=corpus_scores(hypotheses, references, metrics),
        terms=check_terms(sources, hypotheses, termbase, date) if sources is not None and termbase is not None else None,
        numbers=check_numbers(sources, hypotheses) if sources is not None else None,
        number_match=match_numbers(hypotheses, references),
    )


def segment_records(
    evaluation: Evaluation,
    hypotheses: Sequence[str],
    references: Sequence[Sequence[str]],
    sources: Sequence[str] | None = None,
    metrics: Sequence[str] = METRIC_KEYS,
) -> list[dict]:
    """One JSON-ready record per line: sentence scores and the line's term/number findings."""
    per_line = segment_scores(hypotheses, references, metrics)
    terms_by_line: dict[int, list] = {}
    numbers_by_line: dict[int, list] = {}
    disagreeing = {d.line: d for d in evaluation.number_match.disagreements} if evaluation.number_match else {}
    if evaluation.terms is not None:
        for f in evaluation.terms.findings:
            terms_by_line.setdefault(f.line, []).append(f.as_dict())
    if evaluation.numbers is not None:
        for f in evaluation.numbers.findings:
            numbers_by_line.setdefault(f.line, []).append(f.as_dict())
    records = []
    for index, scores in enumerate(per_line):
        line = index + 1
        record: dict = {"line": line}
        if sources is not None:
            record["source"] = sources[index]
        record["hypothesis"] = hypotheses[index]
        record["references"] = [stream[index] for stream in references]
        record.update(scores)
        if evaluation.terms is not None:
            record["terms"] = [{k: v for k, v in t.items() if k != "line"} for t in terms_by_line.get(line, [])]
        if evaluation.numbers is not None:
            record["numbers"] = [{k: v for k, v in n.items() if k != "line"} for n in numbers_by_line.get(line, [])]
        if evaluation.number_match is not None:  # the numbers only one side states
            pair = disagreeing.get(line)
            record["number_disagreements"] = {"hypothesis_only": pair.hypothesis_only if pair else [],
                                              "reference_only": pair.reference_only if pair else []}
        records.append(record)
    return records
