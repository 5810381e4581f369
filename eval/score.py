"""Corpus scores through sacrebleu (BLEU, chrF, chrF++, TER), each with its signature.

The metric objects are built with sacrebleu's own defaults, the ones its command line uses
(``sacrebleu REF -i HYP -m bleu chrf ter`` and ``--chrf-word-order 2`` for chrF++), so the
numbers here are the numbers sacrebleu prints for the same files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

from sacrebleu.metrics import BLEU, CHRF, TER

from mt.errors import KoenError

# Key in koen's JSON -> how it is computed. TER is an error rate: lower is better.
METRIC_KEYS: tuple[str, ...] = ("bleu", "chrf", "chrf_pp", "ter")
LOWER_IS_BETTER = frozenset({"ter"})
DISPLAY_NAMES = {"bleu": "BLEU", "chrf": "chrF2", "chrf_pp": "chrF2++", "ter": "TER"}


def make_metric(key: str, references: Sequence[Sequence[str]] | None = None, *, sentence: bool = False):
    """A sacrebleu metric object for ``key``; ``references`` (streams of lines) are cached in it."""
    if key == "bleu":
        # Sentence-level BLEU needs effective order, as `sacrebleu --sentence-level` turns on.
        return BLEU(references=references, effective_order=sentence)
    if key == "chrf":
        return CHRF(references=references)
    if key == "chrf_pp":
        return CHRF(word_order=2, references=references)
    if key == "ter":
        return TER(references=references)
    raise ValueError(f"unknown metric {key!r}; known: {', '.join(METRIC_KEYS)}")


def check_metric_keys(keys: Sequence[str]) -> list[str]:
    unknown = [k for k in keys if k not in METRIC_KEYS]
    if unknown:
        raise KoenError(f"unknown metric {unknown[0]!r}; choose from {', '.join(METRIC_KEYS)}")
    return list(dict.fromkeys(keys))


@dataclass
class MetricScore:
    key: str
    score: float
    signature: str
    verbose: str

    def rounded(self, width: int) -> float:
        """The score as sacrebleu prints it with ``-w width``."""
        return float(f"{self.score:.{width}f}")


@dataclass
class CorpusScores:
    n_segments: int
    metrics: dict[str, MetricScore] = field(default_factory=dict)

    def score(self, key: str) -> float:
        return self.metrics[key].score


def corpus_scores(
    hypotheses: Sequence[str],
    references: Sequence[Sequence[str]],
    keys: Sequence[str] = METRIC_KEYS,
) -> CorpusScores:
    """Score one system against one or more reference streams (each as long as the hypotheses)."""
    result = CorpusScores(n_segments=len(hypotheses))
    for key in keys:
        metric = make_metric(key)
        score = metric.corpus_score(list(hypotheses), [list(r) for r in references])
        result.metrics[key] = MetricScore(
            key=key,
            score=float(score.score),
            signature=metric.get_signature().format(),
            verbose=score.format(),
        )
    return result


def segment_scores(
    hypotheses: Sequence[str],
    references: Sequence[Sequence[str]],
    keys: Sequence[str] = METRIC_KEYS,
) -> list[dict[str, float]]:
    """Sentence-level scores per line (BLEU with effective order, like ``sacrebleu --sentence-level``)."""
    metrics = {key: make_metric(key, sentence=True) for key in keys}
    rows: list[dict[str, float]] = []
    for index, hypothesis in enumerate(hypotheses):
        line_refs = [stream[index] for stream in references]
        rows.append({key: float(metric.sentence_score(hypothesis, line_refs).score) for key, metric in metrics.items()})
    return rows
