"""Paired significance tests between a baseline and other systems (sacrebleu's implementations).

Paired bootstrap resampling (``bs``, Koehn 2004, as Moses' script) and approximate randomization
(``ar``, Riezler & Maxwell 2005, as multeval). Both p-values are two-sided, as sacrebleu reports
them; the 95% confidence intervals come from bootstrap resampling of each system.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Sequence

from sacrebleu.significance import PairedTest

from .score import DISPLAY_NAMES, LOWER_IS_BETTER, make_metric

TEST_NAMES = {"bs": "paired bootstrap resampling", "ar": "approximate randomization"}
DEFAULT_SEED = 12345  # sacrebleu's own default (SACREBLEU_SEED)


@dataclass
class MetricComparison:
    metric: str
    test: str  # "bs" or "ar"
    baseline_score: float
    system_score: float
    p_value: float
    system_mean: float | None
    system_ci: float | None  # half-width of the 95% interval around system_mean
    baseline_mean: float | None
    baseline_ci: float | None
    signature: str

    @property
    def delta(self) -> float:
        return self.system_score - self.baseline_score

    @property
    def is_worse(self) -> bool:
        return self.delta > 0 if self.metric in LOWER_IS_BETTER else self.delta < 0

    def as_dict(self) -> dict:
        return {
            "metric": self.metric, "test": self.test,
            "baseline": self.baseline_score, "system": self.system_score, "delta": self.delta,
            "p_value": self.p_value,
            "baseline_mean": self.baseline_mean, "baseline_ci95": self.baseline_ci,
            "system_mean": self.system_mean, "system_ci95": self.system_ci,
            "signature": self.signature,
        }


def paired_test(
    baseline: Sequence[str],
    systems: Sequence[tuple[str, Sequence[str]]],
    references: Sequence[Sequence[str]],
    metrics: Sequence[str] = ("bleu", "chrf"),
    test: str = "bs",
    n_samples: int = 0,
    seed: int | None = DEFAULT_SEED,
) -> dict[str, list[MetricComparison]]:
    """Compare every system with ``baseline``; returns ``{system name: [one row per metric]}``.

    ``n_samples`` 0 means sacrebleu's default (1000 resamples for bs, 10000 trials for ar).
    The seed is fixed by default so CI runs are reproducible.
    """
    if test not in TEST_NAMES:
        raise ValueError(f"unknown test {test!r}")
    metric_objects = {key: make_metric(key, [list(r) for r in references]) for key in metrics}
    named = [("__baseline__", list(baseline))] + [(name, list(hyps)) for name, hyps in systems]
    previous = os.environ.get("SACREBLEU_SEED")
    os.environ["SACREBLEU_SEED"] = "none" if seed is None else str(seed)
    try:
        tester = PairedTest(named, metric_objects, references=None, test_type=test,
                            n_samples=n_samples, n_ar_confidence=0 if test == "ar" else -1)
        signatures, table = tester()
    finally:
        if previous is None:
            os.environ.pop("SACREBLEU_SEED", None)
        else:
            os.environ["SACREBLEU_SEED"] = previous
    # PairedTest keys its table by the score's display name ("BLEU", "chrF2", ...), in our order.
    display_to_key = dict(zip([k for k in table if k != "System"], metrics))
    out: dict[str, list[MetricComparison]] = {name: [] for name, _ in systems}
    for display, key in display_to_key.items():
        results = table[display]
        base = results[0]
        for (name, _), result in zip(systems, results[1:]):
            out[name].append(MetricComparison(
                metric=key, test=test, baseline_score=float(base.score), system_score=float(result.score),
                p_value=_p_value(base.score, result),
                system_mean=None if result.mean is None else float(result.mean),
                system_ci=None if result.ci is None else float(result.ci),
                baseline_mean=None if base.mean is None else float(base.mean),
                baseline_ci=None if base.ci is None else float(base.ci),
                signature=signatures[display].format(),
            ))
    return out


def _p_value(baseline_score: float, result) -> float:
    # sacrebleu counts resampled differences strictly greater than the observed one, so a zero
    # observed difference (identical outputs) would come out as p = 1/(n+1), "significant".
    # No observed difference is no evidence of one: p = 1.
    if float(result.score) == float(baseline_score):
        return 1.0
    return float(result.p_value)


def format_table(baseline_name: str, comparisons: dict[str, list[MetricComparison]]) -> str:
    lines = []
    for name, rows in comparisons.items():
        lines.append(f"{name} vs baseline {baseline_name}")
        for row in rows:
            ci = "" if row.system_ci is None else f" (μ = {row.system_mean:.1f} ± {row.system_ci:.1f})"
            base_ci = "" if row.baseline_ci is None else f" (μ = {row.baseline_mean:.1f} ± {row.baseline_ci:.1f})"
            lines.append(
                f"  {DISPLAY_NAMES[row.metric]:8} {row.baseline_score:6.1f}{base_ci} -> {row.system_score:6.1f}{ci}"
                f"  Δ {row.delta:+.2f}  p = {row.p_value:.4f} ({TEST_NAMES[row.test]})"
            )
            lines.append(f"           {row.signature}")
    return "\n".join(lines)
