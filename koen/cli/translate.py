"""`koen translate` and `koen check`."""

from __future__ import annotations

import enum
import json
import sys
from typing import Optional

import typer

from mt.errors import located
from mt.memory import TranslationMemory
from mt.qa import check_lines
from mt.results import WarningCode, summarize
from mt.textio import atomic_writer, check_writable, read_lines, refuse_same_file

from ..compose import build_pipeline, check_backend_options, producer
from ..progress import progress
from .options import (DEFAULT_MODEL, EXIT_UNTRANSLATED, BackendName, BatchSize, BeamSize, ComputeType, DateOption,
                      Device, DeviceOption, Dtype, Glossary, Model, parse_date, resolve_glossary)


class OutputFormat(str, enum.Enum):
    text = "text"
    jsonl = "jsonl"


def translate(
    input: str = typer.Argument("-", help="Text file to translate, or - for standard input."),
    output: Optional[str] = typer.Option(None, "-o", "--output", help="Write here (atomically) instead of stdout."),
    model: Model = DEFAULT_MODEL,
    backend: BackendName = "transformers",
    device: DeviceOption = Device.auto,
    batch_size: BatchSize = 32,
    beam_size: BeamSize = 1,
    output_format: OutputFormat = typer.Option(OutputFormat.text, "--format", help="text: one line out per line in; "
                                               "jsonl: source, translation, spans, term and number audit per line."),
    glossary: Glossary = None,
    date: DateOption = None,
    dtype: Dtype = "auto",
    compute_type: ComputeType = "default",
    memory: Optional[str] = typer.Option(None, "--memory", help="Translation memory file (e.g. an archive job's "
                                         "OUTDIR/translation-memory.sqlite): reuses machine segments, and "
                                         "editors' approved translations win."),
) -> None:
    """Translate the Korean in mixed Korean/English text; English, bullets and layout stay as they are.
    Exit status 3: some Korean span stayed untranslated (--backend none)."""
    check_backend_options(backend, model, dtype, compute_type)
    day = parse_date(date)
    refuse_same_file(output, input, glossary)
    lines = None if input == "-" else read_lines(input)   # a bad file fails before a model loads
    if output:
        check_writable(output)
    tm = TranslationMemory(memory) if memory else None
    pipeline = build_pipeline(model=model, backend=backend, device=device.value, batch_size=batch_size,
                              beam_size=beam_size, glossary=resolve_glossary(glossary), dtype=dtype,
                              compute_type=compute_type, memory=tm)
    if lines is None:
        lines = read_lines(input)
    with progress(len(lines), disable=len(lines) <= 1) as bar:
        results = pipeline.translate_lines(lines, date=day, progress=bar.update)
    for number, result in enumerate(results, start=1):
        for warning in result.warnings:
            if warning.code is not WarningCode.RESTORED:
                print(f"koen: {located(None if input == '-' else input, number, 'warning: ' + warning.message)}",
                      file=sys.stderr)
    summary = summarize(results)
    if output_format is OutputFormat.jsonl:
        records = [json.dumps({"line": n, **r.audit()}, ensure_ascii=False) for n, r in enumerate(results, start=1)]
        records.append(json.dumps({"summary": summary.as_dict(), "provenance": pipeline.provenance()},
                                  ensure_ascii=False))
        text = "\n".join(records) + "\n"
    else:
        text = "".join(r.translation for r in results)
    if output:
        with atomic_writer(output) as handle:
            handle.write(text)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()
    if summary.terms or summary.numbers or summary.split_spans or summary.untranslated_spans or summary.human_spans:
        print(summary.line(producer(backend)), file=sys.stderr)
    if summary.untranslated_spans:
        raise typer.Exit(EXIT_UNTRANSLATED)


def check(
    files: Optional[list[str]] = typer.Argument(None, help="English text files to scan for garbled numbers "
                                                "(default, or -: standard input)."),
) -> None:
    """Flag garbled number translations in English text (file:line:col: warning: problem: span); exit 1 if any."""
    total = 0
    for path in files or ["-"]:
        shown = "<stdin>" if path == "-" else path
        for finding in check_lines(read_lines(path)):
            total += 1
            print(f"{shown}:{finding.line}:{finding.column}: warning: {finding.message}: {finding.span!r}")
    if total:
        print(f"koen: {total} suspicious number span(s) found", file=sys.stderr)
        raise typer.Exit(1)
