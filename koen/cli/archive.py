"""`koen archive`: translate a whole archive, resumably, with a translation memory."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import shutil
import sys
from pathlib import Path
from typing import Optional

import typer

from mt.archive.base import STATE_FILE
from mt.archive.readers import open_reader
from mt.archive.rows import RowFields
from mt.backends.checkpoint import fingerprint, resolve_checkpoint
from mt.errors import KoenError

from ..archive import MEMORY_FILE, RECORDS_FILE
from ..archive.job import ArchiveJob, JobOptions
from ..archive.lock import refuse_inputs_in_outdir
from ..archive.review import memory_path
from ..compose import NO_CHECKPOINT, check_backend_options, load_terms, make_backend, producer
from ..progress import record_progress
from .options import (DEFAULT_MODEL, EXIT_UNTRANSLATED, BackendName, BatchSize, BeamSize, ComputeType, DateOption,
                      Device, DeviceOption, Dtype, Glossary, Model, parse_date, resolve_glossary)

app = typer.Typer(no_args_is_help=True, help="Translate whole archives: resumable, with a translation memory.")


@app.callback()
def archive() -> None:
    """Translate whole archives: resumable, with a translation memory."""


def _first_missing(path: Path) -> Path | None:
    """The outermost folder of ``path`` that does not exist yet (None: it exists)."""
    missing = None
    for folder in (path, *path.parents):
        if folder.exists() or folder.is_symlink():
            break
        missing = folder
    return missing


@contextlib.contextmanager
def removed_if_nothing_finished(outdir: str):
    """A run that fails before it finishes any record leaves no half-made OUTDIR behind (an empty
    records.jsonl and the databases): what this run created is removed, the folder itself when the
    run made it. Anything that was there before, and any folder with a finished record, stays."""
    folder = Path(outdir)
    try:
        created = _first_missing(folder.absolute())
        own = [folder / name for name in (RECORDS_FILE, STATE_FILE, MEMORY_FILE)]
        new_files = [path for path in own if not (path.exists() or path.is_symlink())]
    except OSError:                   # a name the system refuses (too long, ...): the job says so in one line
        yield
        return
    try:
        yield
    except BaseException:
        records = folder / RECORDS_FILE
        if not (records.is_file() and records.stat().st_size):
            if created is not None and created.is_dir():
                shutil.rmtree(created, ignore_errors=True)
            else:
                for path in new_files:
                    for leftover in (path, path.with_name(path.name + "-journal"), path.with_name(path.name + "-wal"),
                                     path.with_name(path.name + "-shm")):
                        if leftover.is_file() and not leftover.is_symlink():
                            leftover.unlink()
        raise


def _model_revision(model: str) -> str:
    """A cheap identity of the model for the job's settings (the full provenance needs loading it)."""
    checkpoint = resolve_checkpoint(model)
    return fingerprint(checkpoint) if checkpoint.local else model


@app.command("translate")
def translate(
    input: str = typer.Argument(..., help="Archive: a listing .txt, a .jsonl file, a folder of .txt/.md files, "
                                          "or a datasets folder / .parquet / .arrow file."),
    outdir: str = typer.Argument(..., help="Output folder (created; an existing one is resumed)."),
    model: Model = DEFAULT_MODEL,
    backend: BackendName = "transformers",
    device: DeviceOption = Device.auto,
    batch_size: BatchSize = 32,
    beam_size: BeamSize = 1,
    glossary: Glossary = None,
    compute_type: ComputeType = "default",
    dtype: Dtype = "auto",
    format: str = typer.Option("auto", "--format", help="auto | listing | jsonl | folder | datasets"),
    fields: str = typer.Option("title,body", "--fields", help="jsonl/datasets: comma-separated text fields to translate."),
    id_field: str = typer.Option("id", "--id-field", help="jsonl/datasets: field naming each record."),
    date_field: str = typer.Option("date", "--date-field", help="jsonl/datasets: field with the record's date."),
    split: str = typer.Option("train", "--split", help="datasets: which split to translate."),
    date: DateOption = None,
    memory: Optional[str] = typer.Option(None, "--memory",
                                         help="Translation memory file (default OUTDIR/translation-memory.sqlite); "
                                              "share one across archives to reuse translations."),
    skip_bad: bool = typer.Option(False, "--skip-bad", help="Report malformed records and go on without them."),
    redo: bool = typer.Option(False, "--redo", help="Start the job in OUTDIR over (the memory is kept)."),
    chunk_records: int = typer.Option(16, "--chunk-records", min=1,
                                      help="Records per committed chunk (work lost to a kill is at most one chunk)."),
    batch_tokens: Optional[int] = typer.Option(None, "--batch-tokens", min=1,
                                               help="Size decoder batches by padded tokens (inputs x longest) "
                                                    "instead of --batch-size inputs."),
    planners: Optional[int] = typer.Option(None, "--planners", min=0,
                                           help="Processes that segment, plan and restore while the model decodes "
                                                "(default: one per core; 0: plan and decode in turn). Output is the same."),
    engine: str = typer.Option("local", "--engine", help="local | ray (model workers on a Ray cluster; pip install 'koen[ray]')."),
    address: Optional[str] = typer.Option(None, "--address", help="ray: cluster to join ('auto' or ray://host:port); "
                                                                    "default: start a local Ray instance."),
    workers: int = typer.Option(1, "--workers", min=1, help="ray: model-holding worker actors."),
    cpus_per_worker: float = typer.Option(1, "--cpus-per-worker", min=0.01, help="ray: CPUs (and threads) per worker."),
    gpus_per_worker: float = typer.Option(0, "--gpus-per-worker", min=0, help="ray: GPUs per worker (1 puts it on a GPU)."),
) -> None:
    """Translate every record of an archive into OUTDIR: records.jsonl (source, translation, audit,
    provenance per record), rendered/ (the archive in its own layout) and summary.json.
    Interrupted runs resume where they stopped; repeated segments come from the memory; spans
    editors approved (`koen review`) replace the machine English, also in finished records.
    Exit status 3: some Korean span stayed untranslated (--backend none)."""
    check_backend_options(backend, model, dtype, compute_type)
    default_date = parse_date(date)
    text_fields = tuple(name.strip() for name in fields.split(",") if name.strip())
    if not text_fields:
        raise KoenError("--fields: name at least one text field")
    reader = open_reader(input, format, RowFields(text_fields, id_field or None, date_field or None), split)
    glossary_path = resolve_glossary(glossary)
    refuse_inputs_in_outdir(Path(outdir), memory_path(outdir, memory), input, glossary_path)
    terms = load_terms(glossary_path)
    settings = {"model": model, "model_revision": _model_revision(model) if backend not in NO_CHECKPOINT else None,
                "backend": backend, "device": device.value, "batch_size": batch_size, "beam_size": beam_size,
                **({"batch_tokens": batch_tokens} if batch_tokens else {}),
                "compute_type": compute_type, "dtype": dtype,
                "glossary_sha256": hashlib.sha256(Path(glossary_path).read_bytes()).hexdigest() if glossary_path else None}

    backend_options = dict(model=model, backend=backend, device=device.value, batch_size=batch_size,
                           beam_size=beam_size, dtype=dtype, compute_type=compute_type, batch_tokens=batch_tokens)
    from ..archive.engine import make_engine   # late: the Ray engine's imports (numpy, ...) only for archive jobs

    runner = make_engine(engine, backend_options, address=address, workers=workers,
                         cpus_per_worker=cpus_per_worker, gpus_per_worker=gpus_per_worker, planners=planners)
    load_model = runner.make_backend if runner else functools.partial(make_backend, **backend_options)

    job = ArchiveJob(reader, outdir, load_model, settings, terms=terms, memory_path=memory,
                     options=JobOptions(chunk_records=chunk_records, skip_bad=skip_bad, redo=redo,
                                        default_date=default_date, planners=planners),
                     progress=record_progress, engine=runner)
    with removed_if_nothing_finished(outdir):
        report = job.run()
    looked_up = report.memory_hits + report.memory_misses
    parts = [f"{report.records} records"]
    if report.resumed_from:
        parts.append(f"{report.resumed_from} already done")
    parts.append(f"{report.translated_now} translated now")
    if report.skipped:
        parts.append(f"{report.skipped} skipped")
    if report.approved_now:
        parts.append(f"{report.approved_now} re-rendered with editors' translations")
    if looked_up:
        made_by = producer(backend)
        parts.append(f"segments: {report.memory_hits} from memory, {report.memory_misses} "
                     + (f"by {made_by}" if made_by else "not in the memory (no model: left untranslated "
                        "unless the glossary covers them)"))
    batches, inputs = report.batches
    if batches:
        parts.append(f"{batches} model batch(es) of {inputs / batches:.0f} inputs on average")
    print("koen: " + "; ".join(parts), file=sys.stderr)
    for line in runner.report_lines() if runner else []:
        print(f"koen: {line}", file=sys.stderr)
    print(f"koen: wrote {', '.join(str(p) for p in report.outputs)}", file=sys.stderr)
    if report.untranslated_spans:
        print(f"koen: {report.untranslated_spans} Korean span(s) left untranslated (see summary.json)", file=sys.stderr)
        raise typer.Exit(EXIT_UNTRANSLATED)
