"""Regression gates: a baseline file and the check of a new system output against it.

A baseline (JSON) keeps the scores and signatures, the hashes of the test set and glossary, the
model and koen version, and the baseline's own hypotheses: the gate re-scores them and runs a
paired bootstrap test between them and the new output on the same references.

A metric fails the gate when it got worse by more than its tolerance (points on sacrebleu's
0-100 scale; share points 0-1 for term_success / number_consistency), or when it got worse at all
and the paired bootstrap finds the difference significant (p < alpha). An identical output is
never a regression.
"""

from __future__ import annotations

import datetime as _dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from mt.errors import KoenError
from mt.textio import read_file_bytes

from .compare import paired_test
from .score import DISPLAY_NAMES, LOWER_IS_BETTER, METRIC_KEYS
from .textfiles import sha256_segments
from importlib.metadata import version
from mt import __version__
import os
from .evaluation import evaluate
from mt.textio import write_text_atomic

BASELINE_FORMAT = "koen-eval-baseline/1"
DEFAULT_GATE_METRICS: tuple[str, ...] = ("bleu", "chrf")
SHARE_METRICS: tuple[str, ...] = ("term_success", "number_consistency", "number_precision", "number_recall")
SOURCE_METRICS: tuple[str, ...] = ("term_success", "number_consistency")  # the shares that need the source
# Points a metric may lose before the gate fails even without significance. The paired bootstrap
# is what catches real degradations on small sets; the tolerance is the hard cap.
DEFAULT_TOLERANCE = {"bleu": 1.0, "chrf": 1.0, "chrf_pp": 1.0, "ter": 1.0,
                     "term_success": 0.02, "number_consistency": 0.02, "number_precision": 0.02,
                     "number_recall": 0.02}
DEFAULT_ALPHA = 0.05
DEFAULT_BOOTSTRAP = 1000


def koen_version() -> str:
    try:

        return version("koen")
    except Exception:  # not installed: fall back to the source tree's version

        return __version__


def _relative_to(path: str | Path, base_dir: Path) -> str:
    p = Path(path).resolve()
    try:
        return str(p.relative_to(base_dir.resolve()))
    except ValueError:

        return os.path.relpath(p, base_dir.resolve())


def make_baseline(
    hypotheses: Sequence[str],
    references: Sequence[Sequence[str]],
    *,
    reference_paths: Sequence[str | Path] = (),
    source_path: str | Path | None = None,
    sources: Sequence[str] | None = None,
    termbase=None,
    glossary_path: str | Path | None = None,
    testset: str | None = None,
    model: str | None = None,
    provenance: dict | None = None,
    baseline_path: str | Path | None = None,
    date: str | None = None,
) -> dict:
    """The baseline record for one system output (write it with ``write_baseline``)."""

    evaluation = evaluate(hypotheses, references, sources, termbase, date)
    base_dir = Path(baseline_path).parent if baseline_path else Path(".")
    scores = evaluation.as_dict()
    return {
        "format": BASELINE_FORMAT,
        "created": _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat(),
        "koen_version": (provenance or {}).get("koen_version") or koen_version(),
        "model": model or (provenance or {}).get("model"),
        "provenance": provenance or {},
        "glossary": None if termbase is None else {
            "path": None if glossary_path is None else _relative_to(glossary_path, base_dir),
            "sha256": termbase.sha256(),
        },
        "testset": {
            "name": testset,
            "n_segments": len(hypotheses),
            "sha256": sha256_segments([line for stream in references for line in stream]),
            "references": [
                {"path": _relative_to(p, base_dir), "sha256": sha256_segments(stream)}
                for p, stream in zip(reference_paths, references)
            ],
            "source": None if source_path is None else {
                "path": _relative_to(source_path, base_dir), "sha256": sha256_segments(sources or []),
            },
        },
        "date": None if date is None else str(date),
        "scores": {key: scores.get(key) for key in (*METRIC_KEYS, *SHARE_METRICS)},
        "signatures": scores["signatures"],
        "hypotheses": {"sha256": sha256_segments(list(hypotheses)), "lines": list(hypotheses)},
    }


def write_baseline(path: str | Path, baseline: dict) -> None:

    write_text_atomic(path, json.dumps(baseline, ensure_ascii=False, indent=1) + "\n")


@dataclass
class Baseline:
    path: Path
    data: dict

    @property
    def hypotheses(self) -> list[str]:
        return list(self.data["hypotheses"]["lines"])

    def reference_paths(self) -> list[Path]:
        return [self.path.parent / r["path"] for r in self.data["testset"]["references"]]

    def source_path(self) -> Path | None:
        source = self.data["testset"].get("source")
        return None if not source else self.path.parent / source["path"]

    def glossary_path(self) -> Path | None:
        glossary = self.data.get("glossary")
        return None if not glossary or not glossary.get("path") else self.path.parent / glossary["path"]

    def check_references(self, references: Sequence[Sequence[str]], names: Sequence[str]) -> None:
        expected = [r["sha256"] for r in self.data["testset"]["references"]]
        actual = [sha256_segments(list(stream)) for stream in references]
        if expected and expected != actual:
            raise KoenError(f"{', '.join(map(str, names))}: references differ from the ones baseline {self.path} "
                            f"was made with (sha256 {expected[0][:12]}... expected)")


def load_baseline(path: str | Path) -> Baseline:
    p = Path(path)
    if not p.exists():
        raise KoenError(f"{p}: no such baseline file")
    try:
        data = json.loads(read_file_bytes(p, "a baseline JSON file").decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise KoenError(f"{p}: not a baseline JSON file ({exc})") from None
    if not isinstance(data, dict) or data.get("format") != BASELINE_FORMAT:
        raise KoenError(f"{p}: not a koen baseline (expected \"format\": \"{BASELINE_FORMAT}\")")
    missing = [key for key in ("scores", "testset", "hypotheses") if key not in data]
    if missing:
        raise KoenError(f"{p}: incomplete koen baseline (no {', '.join(missing)})")
    return Baseline(p, data)


@dataclass
class GateRow:
    metric: str
    baseline: float | None
    current: float | None
    tolerance: float
    p_value: float | None = None  # None for share metrics (no significance test)

    @property
    def delta(self) -> float:
        if self.baseline is None or self.current is None:
            return 0.0
        return self.current - self.baseline

    @property
    def worse_by(self) -> float:
        """How much worse the current output is (positive = worse), whatever the metric's direction."""
        return self.delta if self.metric in LOWER_IS_BETTER else -self.delta

    def verdict(self, alpha: float) -> str:
        if self.worse_by > self.tolerance + 1e-9:
            return "FAIL (drop beyond tolerance)"
        if self.worse_by > 0 and self.p_value is not None and self.p_value < alpha:
            return "FAIL (significant drop)"
        return "ok"

    def as_dict(self, alpha: float) -> dict:
        return {"metric": self.metric, "baseline": self.baseline, "current": self.current, "delta": self.delta,
                "tolerance": self.tolerance, "p_value": self.p_value, "verdict": self.verdict(alpha)}


@dataclass
class RegressionReport:
    alpha: float
    n_samples: int
    rows: list[GateRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return any(row.verdict(self.alpha) != "ok" for row in self.rows)

    def as_dict(self) -> dict:
        return {"regression": self.failed, "alpha": self.alpha, "bootstrap_samples": self.n_samples,
                "metrics": [row.as_dict(self.alpha) for row in self.rows], "notes": self.notes}

    def to_text(self) -> str:
        lines = []
        for row in self.rows:
            name = DISPLAY_NAMES.get(row.metric, row.metric)
            p = "" if row.p_value is None else f"  p = {row.p_value:.4f}"
            lines.append(f"{name:18} {row.baseline if row.baseline is not None else float('nan'):8.3f} -> "
                         f"{row.current if row.current is not None else float('nan'):8.3f}  Δ {row.delta:+.3f}"
                         f"  (tolerance {row.tolerance:g}){p}  {row.verdict(self.alpha)}")
        lines.extend(f"note: {n}" for n in self.notes)
        lines.append("REGRESSION" if self.failed else "no regression")
        return "\n".join(lines)


def parse_tolerances(specs: Sequence[str] | None) -> dict[str, float]:
    """``["1.5"]`` (every metric) or ``["bleu=0.5", "chrf=1"]``, merged over the defaults."""
    tolerances = dict(DEFAULT_TOLERANCE)
    for spec in specs or ():
        key, sep, value = spec.partition("=")
        try:
            if sep:
                if key not in tolerances:
                    raise KoenError(f"--tolerance {spec}: unknown metric {key!r}")
                tolerances[key] = float(value)
            else:
                number = float(spec)
                tolerances.update({k: number for k in METRIC_KEYS})
        except ValueError:
            raise KoenError(f"--tolerance {spec}: expected POINTS or METRIC=POINTS") from None
    if any(v < 0 for v in tolerances.values()):
        raise KoenError("--tolerance must not be negative")
    return tolerances


def check_regression(
    baseline: Baseline,
    hypotheses: Sequence[str],
    references: Sequence[Sequence[str]],
    *,
    metrics: Sequence[str] = DEFAULT_GATE_METRICS,
    tolerances: dict[str, float] | None = None,
    alpha: float = DEFAULT_ALPHA,
    n_samples: int = DEFAULT_BOOTSTRAP,
    sources: Sequence[str] | None = None,
    termbase=None,
) -> RegressionReport:
    tolerances = tolerances or dict(DEFAULT_TOLERANCE)
    base_hyps = baseline.hypotheses
    if len(hypotheses) != len(base_hyps):
        raise KoenError(f"the hypotheses have {len(hypotheses)} lines, baseline {baseline.path} has {len(base_hyps)}")
    report = RegressionReport(alpha=alpha, n_samples=n_samples)
    sacre_metrics = [m for m in metrics if m in METRIC_KEYS]
    share_metrics = [m for m in metrics if m in SHARE_METRICS]
    if sacre_metrics:
        comparisons = paired_test(base_hyps, [("current", hypotheses)], references, sacre_metrics,
                                  test="bs", n_samples=n_samples)["current"]
        stored = baseline.data.get("scores", {})
        for row in comparisons:
            report.rows.append(GateRow(row.metric, row.baseline_score, row.system_score, tolerances[row.metric], row.p_value))
            old = stored.get(row.metric)
            if old is not None and abs(old - row.baseline_score) > 1e-6:
                report.notes.append(f"{row.metric}: the baseline file says {old:.4f}, re-scoring its hypotheses gives "
                                    f"{row.baseline_score:.4f} (sacrebleu version or references changed)")
    if share_metrics:

        needing = [m for m in share_metrics if m in SOURCE_METRICS]
        if sources is None and needing:
            raise KoenError(f"gating {', '.join(needing)} needs the source text (--src)")
        if "term_success" in share_metrics and termbase is None:
            raise KoenError("gating term_success needs a glossary (--glossary)")
        before = evaluate(base_hyps, references, sources, termbase, metrics=()).as_dict()
        after = evaluate(hypotheses, references, sources, termbase, metrics=()).as_dict()
        for key in share_metrics:
            report.rows.append(GateRow(key, before[key], after[key], tolerances[key]))
    return report
