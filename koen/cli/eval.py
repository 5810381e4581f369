"""`koen eval ...`: score, compare, list and run test sets, write baselines, gate regressions."""

from __future__ import annotations

import json
from typing import List, Optional

import typer

# The scoring modules (sacrebleu, numpy) are imported inside the commands that score: a command
# that scores nothing (`koen translate`, `koen --version`) does not pay for them at start-up.
from eval.testsets import discover, resolve
from eval.textfiles import read_segments, require_same_length
from mt.errors import KoenError
from mt.results import summarize
from mt.textio import refuse_same_file, write_text_atomic

from ..compose import NO_CHECKPOINT, build_pipeline, check_backend_options, producer
from .options import (DEFAULT_MODEL, BackendName, BatchSize, BeamSize, ComputeType, DateOption, Device, DeviceOption,
                      Dtype, Glossary, Model, resolve_glossary)

app = typer.Typer(no_args_is_help=True, help="Score translations, compare systems, gate regressions.")

_METRICS_HELP = ("Metric to gate on (repeatable): bleu, chrf, chrf_pp, ter, term_success, number_consistency, "
                 "number_precision, number_recall.")


def _read_aligned(hyp: str | None, refs: List[str], src: str | None, extra: list[tuple[str, str]] = ()):
    """Read hypothesis, references and source; one error naming both files when counts differ."""

    named: list[tuple[str, list[str]]] = []
    hypotheses = None
    if hyp is not None:
        hypotheses = read_segments(hyp)
        named.append((hyp, hypotheses))
    extra_segments: dict[str, list[str]] = {}
    for label, path in extra:
        extra_segments[label] = read_segments(path)
        named.append((path, extra_segments[label]))
    references = [read_segments(r) for r in refs]
    named.extend(zip(refs, references))
    sources = None
    if src is not None:
        sources = read_segments(src)
        named.append((src, sources))
    require_same_length(named)
    return hypotheses, references, sources, extra_segments


def _load_glossary(glossary: str | None, src: str | None):

    if glossary is None:
        return None
    if src is None:
        raise KoenError("--glossary needs --src: terms are matched in the source text")
    from eval.term_check import load_termbase

    return load_termbase(glossary)


def _write_segments(path: str, records: list[dict]) -> None:

    write_text_atomic(path, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))


def _score_and_report(hypotheses, references, sources, termbase, *, date, as_json, width, segments, save_baseline,
                      hyp_name, ref_paths, src_path, glossary_path, testset=None, model=None, provenance=None):
    from eval.evaluation import evaluate, segment_records
    from eval.regress import make_baseline, write_baseline

    evaluation = evaluate(hypotheses, references, sources, termbase, date)
    if segments:
        _write_segments(segments, segment_records(evaluation, hypotheses, references, sources))
    if save_baseline:
        write_baseline(save_baseline, make_baseline(
            hypotheses, references, reference_paths=ref_paths, source_path=src_path, sources=sources,
            termbase=termbase, glossary_path=glossary_path, testset=testset, model=model, provenance=provenance,
            baseline_path=save_baseline, date=date))
    if as_json:
        data = evaluation.as_dict(width)
        if provenance:
            data["provenance"] = provenance
        typer.echo(json.dumps(data, ensure_ascii=False))
    else:
        typer.echo(evaluation.to_text(1 if width is None else width))
    return evaluation


@app.command("score")
def score(
    hyp: str = typer.Option(..., "--hyp", "-y", "-i", help="System output, one segment per line ('-' = stdin)."),
    ref: List[str] = typer.Option(..., "--ref", "-r", help="Reference translation (repeat for several references)."),
    src: Optional[str] = typer.Option(None, "--src", "-s", help="Korean source: enables number consistency (and term success with --glossary)."),
    glossary: Optional[str] = typer.Option(None, "--glossary", "-g", help="Glossary for term success (needs --src)."),
    date: DateOption = None,
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
    width: Optional[int] = typer.Option(None, "--width", "-w", min=0, help="Round scores like `sacrebleu -w N` (JSON: full precision by default)."),
    segments: Optional[str] = typer.Option(None, "--segments", help="Write per-segment scores and findings as JSON lines."),
    save_baseline: Optional[str] = typer.Option(None, "--save-baseline", help="Also write a regression baseline JSON."),
    testset: Optional[str] = typer.Option(None, "--testset-name", help="Test set name recorded in the baseline."),
    model: Optional[str] = typer.Option(None, "--model", "-m", help="Model that made the output (recorded in the baseline)."),
) -> None:
    """BLEU, chrF, chrF++ and TER (sacrebleu, with signatures), term success, number consistency, and
    number precision/recall against the references."""

    for written in (segments, save_baseline):
        refuse_same_file(written, hyp, *ref, src, glossary)
    hypotheses, references, sources, _ = _read_aligned(hyp, ref, src)
    termbase = _load_glossary(glossary, src)
    _score_and_report(hypotheses, references, sources, termbase, date=date, as_json=as_json, width=width,
                      segments=segments, save_baseline=save_baseline, hyp_name=hyp, ref_paths=ref, src_path=src,
                      glossary_path=glossary, testset=testset, model=model)


@app.command("baseline")
def baseline(
    hyp: str = typer.Option(..., "--hyp", "-y", "-i", help="The baseline system's output."),
    ref: List[str] = typer.Option(..., "--ref", "-r", help="Reference translation(s)."),
    output: str = typer.Option(..., "--output", "-o", help="Baseline JSON file to write."),
    src: Optional[str] = typer.Option(None, "--src", "-s", help="Korean source."),
    glossary: Optional[str] = typer.Option(None, "--glossary", "-g", help="Glossary (needs --src)."),
    date: DateOption = None,
    testset: Optional[str] = typer.Option(None, "--testset-name", help="Test set name to record."),
    model: Optional[str] = typer.Option(None, "--model", "-m", help="Model that made the output (recorded)."),
) -> None:
    """Write a regression baseline: scores, signatures, hashes, provenance and the hypotheses themselves."""
    from eval.regress import make_baseline, write_baseline

    refuse_same_file(output, hyp, *ref, src, glossary)
    hypotheses, references, sources, _ = _read_aligned(hyp, ref, src)
    termbase = _load_glossary(glossary, src)
    data = make_baseline(hypotheses, references, reference_paths=ref, source_path=src, sources=sources,
                         termbase=termbase, glossary_path=glossary, testset=testset, model=model,
                         baseline_path=output, date=date)
    write_baseline(output, data)
    typer.echo(f"wrote {output}: " + ", ".join(f"{k} {v:.2f}" for k, v in data["scores"].items()
                                              if isinstance(v, float) and k in ("bleu", "chrf", "chrf_pp", "ter")))


@app.command("regress")
def regress(
    baseline_file: str = typer.Option(..., "--baseline", "-b", help="Baseline JSON written by `koen eval baseline`."),
    hyp: str = typer.Option(..., "--hyp", "-y", "-i", help="The new system output."),
    ref: Optional[List[str]] = typer.Option(None, "--ref", "-r", help="References (default: the ones the baseline names)."),
    src: Optional[str] = typer.Option(None, "--src", "-s", help="Source (default: the one the baseline names, if any)."),
    glossary: Optional[str] = typer.Option(None, "--glossary", "-g", help="Glossary for gating term_success."),
    metric: Optional[List[str]] = typer.Option(None, "--metric", help=_METRICS_HELP + " Default: bleu, chrf."),
    tolerance: Optional[List[str]] = typer.Option(None, "--tolerance", "-t", help="Allowed drop: POINTS for all metrics or METRIC=POINTS (repeatable). Default 1.0 point; 0.02 for shares."),
    alpha: float = typer.Option(0.05, "--alpha", help="Significance level of the paired bootstrap test."),
    samples: int = typer.Option(1000, "--bootstrap", help="Bootstrap resamples."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Exit 1 when a metric dropped beyond tolerance or significantly against the baseline; 0 otherwise."""
    from eval.regress import (DEFAULT_GATE_METRICS, SHARE_METRICS, SOURCE_METRICS, check_regression, load_baseline,
                              parse_tolerances)
    from eval.score import METRIC_KEYS


    base = load_baseline(baseline_file)
    metrics = list(dict.fromkeys(metric or DEFAULT_GATE_METRICS))
    unknown = [m for m in metrics if m not in (*METRIC_KEYS, *SHARE_METRICS)]
    if unknown:
        raise KoenError(f"unknown metric {unknown[0]!r}; choose from {', '.join((*METRIC_KEYS, *SHARE_METRICS))}")
    if not 0 < alpha < 1:
        raise KoenError("--alpha must be between 0 and 1")
    if samples < 1:
        raise KoenError("--bootstrap must be positive")
    ref_paths = list(ref) if ref else [str(p) for p in base.reference_paths()]
    if not ref_paths:
        raise KoenError(f"{baseline_file} names no references: pass --ref")
    needs_source = any(m in SOURCE_METRICS for m in metrics)
    src_path = src or (str(base.source_path()) if needs_source and base.source_path() else None)
    hypotheses, references, sources, _ = _read_aligned(hyp, ref_paths, src_path)
    base.check_references(references, ref_paths)
    glossary_path = glossary or (str(base.glossary_path()) if "term_success" in metrics and base.glossary_path() else None)
    termbase = _load_glossary(glossary_path, src_path) if glossary_path else None
    report = check_regression(base, hypotheses, references, metrics=metrics, tolerances=parse_tolerances(tolerance),
                              alpha=alpha, n_samples=samples, sources=sources, termbase=termbase)
    typer.echo(json.dumps(report.as_dict(), ensure_ascii=False) if as_json else report.to_text())
    if report.failed:
        raise typer.Exit(1)


@app.command("compare")
def compare(
    ref: List[str] = typer.Option(..., "--ref", "-r", help="Reference translation(s)."),
    baseline_hyp: str = typer.Option(..., "--baseline", "-b", help="Baseline system output."),
    system: List[str] = typer.Option(..., "--system", "-y", help="Other system output (repeatable)."),
    metric: Optional[List[str]] = typer.Option(None, "--metric", help="bleu, chrf, chrf_pp, ter (repeatable; default bleu, chrf, ter)."),
    test: str = typer.Option("both", "--test", help="bs (paired bootstrap), ar (approximate randomization) or both."),
    samples: int = typer.Option(0, "--samples", help="Resamples/trials (0 = sacrebleu's defaults: 1000 bs, 10000 ar)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Paired significance tests (sacrebleu's bootstrap and approximate randomization), p-values and 95% CIs."""
    from eval.compare import format_table, paired_test
    from eval.score import check_metric_keys


    metrics = check_metric_keys(metric or ["bleu", "chrf", "ter"])
    tests = {"both": ["bs", "ar"], "bs": ["bs"], "ar": ["ar"]}.get(test)
    if tests is None:
        raise KoenError("--test must be bs, ar or both")
    if samples < 0:
        raise KoenError("--samples must not be negative")
    extra = [(path, path) for path in system]
    baseline_lines, references, _, systems = _read_aligned(baseline_hyp, ref, None, extra)
    results = {t: paired_test(baseline_lines, list(systems.items()), references, metrics, test=t, n_samples=samples)
               for t in tests}
    if as_json:
        typer.echo(json.dumps({"baseline": baseline_hyp, "tests": {
            t: {name: [row.as_dict() for row in rows] for name, rows in table.items()} for t, table in results.items()
        }}, ensure_ascii=False))
    else:
        typer.echo("\n".join(format_table(baseline_hyp, table) for table in results.values()))


@app.command("testsets")
def testsets(
    directory: Optional[str] = typer.Option(None, "--dir", "-d", help="Test-set directory (default: $KOEN_TESTSETS or ../shared/corpora)."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """List the named test sets (X.ko/X.en pairs) in a directory."""

    sets = discover(directory)
    rows = []
    for t in sets:
        n_src, n_ref = t.count_lines()
        rows.append({"name": t.name, "aliases": t.aliases, "segments": n_ref, "aligned": n_src == n_ref,
                     "source": str(t.source), "reference": str(t.reference)})
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False))
        return
    for row in rows:
        also = f"  (also: {', '.join(row['aliases'])})" if row["aliases"] else ""
        warn = "" if row["aligned"] else "  LINE COUNTS DIFFER"
        typer.echo(f"{row['name']:24} {row['segments']:>7}  {row['reference']}{also}{warn}")


@app.command("run")
def run(
    model: Model = DEFAULT_MODEL,
    testset: str = typer.Option(..., "--testset", "-t", help="Test set name (see `koen eval testsets`)."),
    glossary: Glossary = None,
    directory: Optional[str] = typer.Option(None, "--dir", "-d", help="Test-set directory."),
    limit: Optional[int] = typer.Option(None, "--limit", "-n", help="Only the first N segments."),
    output: Optional[str] = typer.Option(None, "--output", "-o", help="Write the translations here."),
    backend: BackendName = "transformers",
    device: DeviceOption = Device.auto,
    batch_size: BatchSize = 32,
    beam_size: BeamSize = 1,
    dtype: Dtype = "auto",
    compute_type: ComputeType = "default",
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
    segments: Optional[str] = typer.Option(None, "--segments", help="Per-segment JSON lines."),
    save_baseline: Optional[str] = typer.Option(None, "--save-baseline", help="Write a regression baseline JSON."),
) -> None:
    """Translate a named test set with a model and score it."""


    check_backend_options(backend, model, dtype, compute_type)
    if limit is not None and limit < 1:
        raise KoenError("--limit must be positive")
    if limit is not None and save_baseline:
        raise KoenError("--save-baseline with --limit would point at the full test set; "
                        "write the limited output with -o and use `koen eval baseline`")
    chosen = resolve(testset, directory)
    sources = read_segments(chosen.source)
    references = read_segments(chosen.reference)
    require_same_length([(str(chosen.source), sources), (str(chosen.reference), references)])
    if limit is not None:
        sources, references = sources[:limit], references[:limit]
    glossary = resolve_glossary(glossary)         # the starter glossary unless told otherwise, as in translate
    termbase = _load_glossary(glossary, str(chosen.source))


    pipe = build_pipeline(model=model, backend=backend, device=device.value, batch_size=batch_size,
                          beam_size=beam_size, dtype=dtype, compute_type=compute_type, glossary=glossary)
    results = pipe.translate_lines(sources)
    # One segment per line, whatever the model emits.
    hypotheses = [" ".join(r.translation.split("\n")).rstrip() for r in results]
    if len(hypotheses) != len(sources):
        raise KoenError(f"the pipeline returned {len(hypotheses)} translations for {len(sources)} lines")
    if output:
        write_text_atomic(output, "".join(h + "\n" for h in hypotheses))
    summary = summarize(results)
    typer.echo(summary.line(producer(backend)), err=True)
    provenance = {**pipe.provenance(), "testset": chosen.name, "limit": limit,
                  "number_coverage": summary.number_coverage, "digit_runs": summary.digit_runs}
    ref_path = str(chosen.reference)
    src_path = str(chosen.source)
    evaluation = _score_and_report(hypotheses, [references], sources, termbase, date=None, as_json=as_json, width=None,
                                   segments=segments, save_baseline=save_baseline, hyp_name=output or "<translations>",
                                   ref_paths=[ref_path], src_path=src_path, glossary_path=glossary, testset=chosen.name,
                                   model=model if backend not in NO_CHECKPOINT else backend, provenance=provenance)
    from eval.evaluation import number_match_line
    typer.echo(f"koen: {number_match_line(evaluation.number_match)}", err=True)
