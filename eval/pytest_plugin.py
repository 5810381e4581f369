"""pytest plugin (registered through the ``pytest11`` entry point): BLEU regression tests in a few lines.

    def test_no_regression(bleu_regression):
        bleu_regression(hyp="out/flores.en", baseline="baselines/flores.json")

The fixture re-scores the baseline's stored hypotheses and the new output on the baseline's
references and fails the test (with the gate's table) when a gated metric dropped beyond its
tolerance or significantly (paired bootstrap). ``pytest --koen-update-baselines`` rewrites the
baseline from the new output instead. Relative paths are taken from the test file's folder.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import pytest
from mt.errors import KoenError
from .regress import (DEFAULT_TOLERANCE, check_regression, load_baseline, make_baseline, write_baseline)
from .textfiles import read_segments, require_same_length
from glossary.termbase import Termbase


def pytest_addoption(parser) -> None:
    group = parser.getgroup("koen-eval")
    group.addoption("--koen-update-baselines", action="store_true", default=False,
                    help="bleu_regression: rewrite the baselines from the current outputs instead of checking them.")


def _resolve(path: str | Path, base: Path) -> Path:
    p = Path(path)
    return p if p.is_absolute() else base / p


class BleuRegression:
    def __init__(self, base_dir: Path, update: bool):
        self.base_dir = base_dir
        self.update = update

    def __call__(
        self,
        hyp: str | Path | Sequence[str],
        baseline: str | Path,
        ref: str | Path | Sequence[str | Path] | None = None,
        *,
        metrics: Sequence[str] = ("bleu", "chrf"),
        tolerance: float | dict[str, float] | None = None,
        alpha: float = 0.05,
        n_samples: int = 1000,
    ):
        """Check ``hyp`` (a file or a list of lines) against ``baseline``; returns the gate's report."""


        baseline_path = _resolve(baseline, self.base_dir)
        try:
            if isinstance(hyp, (str, Path)):
                hypotheses = read_segments(_resolve(hyp, self.base_dir))
            else:
                hypotheses = [line.rstrip() for line in hyp]
            base = load_baseline(baseline_path) if baseline_path.exists() or not self.update else None
            if ref is None:
                if base is None:
                    raise KoenError(f"{baseline_path}: no baseline yet; pass ref= to create it")
                ref_paths = base.reference_paths()
            else:
                ref_paths = [_resolve(r, self.base_dir) for r in ([ref] if isinstance(ref, (str, Path)) else ref)]
            references = [read_segments(p) for p in ref_paths]
            require_same_length([("hypotheses", hypotheses), *zip(map(str, ref_paths), references)])
            if self.update:
                old = base.data if base else {}
                # Keep what the old baseline was made with: its source and glossary (so term and
                # number scores stay in it), provenance and document date.
                source_path = base.source_path() if base else None
                glossary_path = base.glossary_path() if base else None
                termbase = None
                if glossary_path is not None:

                    termbase = Termbase.load(glossary_path)
                write_baseline(baseline_path, make_baseline(
                    hypotheses, references, reference_paths=ref_paths, baseline_path=baseline_path,
                    source_path=source_path, sources=read_segments(source_path) if source_path else None,
                    termbase=termbase, glossary_path=glossary_path,
                    testset=(old.get("testset") or {}).get("name"), model=old.get("model"),
                    provenance=old.get("provenance") or None, date=old.get("date")))
                return None
            base.check_references(references, [str(p) for p in ref_paths])
            tolerances = dict(DEFAULT_TOLERANCE)
            if isinstance(tolerance, dict):
                tolerances.update(tolerance)
            elif tolerance is not None:
                tolerances.update({m: float(tolerance) for m in metrics})
            report = check_regression(base, hypotheses, references, metrics=metrics, tolerances=tolerances,
                                      alpha=alpha, n_samples=n_samples)
        except KoenError as exc:
            pytest.fail(f"bleu_regression: {exc}", pytrace=False)
        if report.failed:
            pytest.fail(f"translation quality regressed against {baseline_path}:\n{report.to_text()}", pytrace=False)
        return report


@pytest.fixture
def bleu_regression(request) -> BleuRegression:
    """Callable ``bleu_regression(hyp, baseline, ref=None, metrics=("bleu", "chrf"), tolerance=None)``."""
    return BleuRegression(Path(request.path).parent, bool(request.config.getoption("--koen-update-baselines")))
