"""`koen archive`: translate a whole archive, resumably, with a translation memory."""

from __future__ import annotations

import datetime
import hashlib
import sys
from pathlib import Path
from typing import Callable, Optional

import typer

from ..backends.checkpoint import DEFAULT_MODEL
from ..errors import KoenError

app = typer.Typer(no_args_is_help=True, help="Translate whole archives: resumable, with a translation memory.")


# -- engines (issue 13): koen/ registers engines other than "local" here (mt/ never imports koen/).
# A factory takes (pipeline_options, address=, workers=, cpus_per_worker=, gpus_per_worker=) and
# returns an object with make_pipeline(), run(work), summary() and report_lines().
ENGINES: dict[str, Callable] = {}


def register_engine(name: str, factory: Callable) -> None:
    ENGINES[name] = factory


def make_engine(name: str, pipeline_options: dict, **engine_options):
    """None for the local engine (the job translates in this process), else the registered engine."""
    if name == "local":
        return None
    if name not in ENGINES:
        raise KoenError(f"--engine {name}: expected one of {', '.join(['local', *sorted(ENGINES)])}")
    return ENGINES[name](pipeline_options, **engine_options)


@app.callback()
def archive() -> None:
    """Translate whole archives: resumable, with a translation memory."""


def _glossary_path(value: Optional[str]) -> Optional[str]:
    if value is not None and value.lower() == "none":
        return None
    if value is None:
        from glossary.termbase import default_glossary_path

        return str(default_glossary_path())
    if not Path(value).is_file():
        raise KoenError(f"{value}: no such glossary file")
    return value


def _model_revision(model: str) -> str:
    """A cheap identity of the model for the job's settings (the full provenance needs loading it)."""
    from ..backends.checkpoint import fingerprint, resolve_checkpoint

    checkpoint = resolve_checkpoint(model)
    return fingerprint(checkpoint) if checkpoint.local else model


@app.command("translate")
def translate(
    input: str = typer.Argument(..., help="Archive: a listing .txt, a .jsonl file, a folder of .txt/.md files, "
                                          "or a datasets folder / .parquet / .arrow file."),
    outdir: str = typer.Argument(..., help="Output folder (created; an existing one is resumed)."),
    model: str = typer.Option(DEFAULT_MODEL, "--model", "-m", help="Hub id or local checkpoint directory."),
    backend: str = typer.Option("transformers", "--backend", help="transformers | ctranslate2 | romanize"),
    device: str = typer.Option("auto", "--device", help="auto | cpu | cuda (auto picks CUDA when present)."),
    batch_size: int = typer.Option(32, "--batch-size", min=1),
    beam_size: int = typer.Option(1, "--beam-size", min=1),
    glossary: Optional[str] = typer.Option(None, "--glossary", "-g",
                                           help="Glossary TSV (default: the starter glossary; 'none' to disable)."),
    compute_type: str = typer.Option("default", "--compute-type", help="ctranslate2: default | int8 | float16 | ..."),
    dtype: str = typer.Option("auto", "--dtype", help="transformers: auto | float32 | float16 | bfloat16"),
    format: str = typer.Option("auto", "--format", help="auto | listing | jsonl | folder | datasets"),
    fields: str = typer.Option("title,body", "--fields", help="jsonl/datasets: comma-separated text fields to translate."),
    id_field: str = typer.Option("id", "--id-field", help="jsonl/datasets: field naming each record."),
    date_field: str = typer.Option("date", "--date-field", help="jsonl/datasets: field with the record's date."),
    split: str = typer.Option("train", "--split", help="datasets: which split to translate."),
    date: Optional[str] = typer.Option(None, "--date", help="YYYY-MM-DD for records without a date of their own."),
    memory: Optional[str] = typer.Option(None, "--memory",
                                         help="Translation memory file (default OUTDIR/translation-memory.sqlite); "
                                              "share one across archives to reuse translations."),
    skip_bad: bool = typer.Option(False, "--skip-bad", help="Report malformed records and go on without them."),
    redo: bool = typer.Option(False, "--redo", help="Start the job in OUTDIR over (the memory is kept)."),
    chunk_records: int = typer.Option(16, "--chunk-records", min=1,
                                      help="Records per committed chunk (work lost to a kill is at most one chunk)."),
    engine: str = typer.Option("local", "--engine", help="local | ray (model workers on a Ray cluster; pip install 'koen[ray]')."),
    address: Optional[str] = typer.Option(None, "--address", help="ray: cluster to join ('auto' or ray://host:port); "
                                                                    "default: start a local Ray instance."),
    workers: int = typer.Option(1, "--workers", min=1, help="ray: model-holding worker actors."),
    cpus_per_worker: float = typer.Option(1, "--cpus-per-worker", min=0.01, help="ray: CPUs (and threads) per worker."),
    gpus_per_worker: float = typer.Option(0, "--gpus-per-worker", min=0, help="ray: GPUs per worker (1 puts it on a GPU)."),
) -> None:
    """Translate every record of an archive into OUTDIR: records.jsonl (source, translation, audit,
    provenance per record), rendered/ (the archive in its own layout) and summary.json.
    Interrupted runs resume where they stopped; repeated segments come from the memory."""
    from tqdm import tqdm

    from .jobs import ArchiveJob, JobOptions
    from .readers import open_reader
    from .rows import RowFields

    default_date = None
    if date is not None:
        try:
            default_date = datetime.date.fromisoformat(date)
        except ValueError:
            raise KoenError(f"--date {date}: expected YYYY-MM-DD") from None
    text_fields = tuple(name.strip() for name in fields.split(",") if name.strip())
    if not text_fields:
        raise KoenError("--fields: name at least one text field")
    reader = open_reader(input, format, RowFields(text_fields, id_field or None, date_field or None), split)
    glossary_path = _glossary_path(glossary)
    settings = {"model": model, "model_revision": _model_revision(model) if backend != "romanize" else None,
                "backend": backend, "device": device, "batch_size": batch_size, "beam_size": beam_size,
                "compute_type": compute_type, "dtype": dtype,
                "glossary_sha256": hashlib.sha256(Path(glossary_path).read_bytes()).hexdigest() if glossary_path else None}

    pipeline_options = dict(model=model, backend=backend, device=device, batch_size=batch_size, beam_size=beam_size,
                            glossary=glossary_path, dtype=dtype, compute_type=compute_type)
    runner = make_engine(engine, pipeline_options, address=address, workers=workers,
                         cpus_per_worker=cpus_per_worker, gpus_per_worker=gpus_per_worker)

    def make_pipeline():
        from ..pipeline import Pipeline

        return Pipeline.from_options(**pipeline_options)

    def progress(total: int, initial: int):
        return tqdm(total=total, initial=initial, unit="record", desc="translate", file=sys.stderr,
                    dynamic_ncols=True, smoothing=0.1)

    job = ArchiveJob(reader, outdir, runner.make_pipeline if runner else make_pipeline, settings, memory_path=memory,
                     options=JobOptions(chunk_records=chunk_records, skip_bad=skip_bad, redo=redo,
                                        default_date=default_date),
                     progress=progress, engine=runner)
    report = job.run()
    looked_up = report.memory_hits + report.memory_misses
    parts = [f"{report.records} records"]
    if report.resumed_from:
        parts.append(f"{report.resumed_from} already done")
    parts.append(f"{report.translated_now} translated now")
    if report.skipped:
        parts.append(f"{report.skipped} skipped")
    if looked_up:
        parts.append(f"segments: {report.memory_hits} from memory, {report.memory_misses} by the model")
    print("koen: " + "; ".join(parts), file=sys.stderr)
    for line in runner.report_lines() if runner else []:
        print(f"koen: {line}", file=sys.stderr)
    print(f"koen: wrote {', '.join(str(p) for p in report.outputs)}", file=sys.stderr)
