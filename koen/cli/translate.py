"""`koen translate` and `koen check`."""

from __future__ import annotations

import enum
import json
import sys
from typing import Optional

import typer

from mt import documents
from mt.errors import KoenError, located
from mt.memory import TranslationMemory
from mt.qa import check_lines
from mt.results import WarningCode, summarize
from mt.textio import atomic_writer, check_writable, read_file_bytes, read_lines, refuse_same_file

from ..archive.review import DEFAULT_THRESHOLD
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
    retranslate: bool = typer.Option(False, "--retranslate", help="XLIFF: translate units that already have a "
                                     "translated target too."),
) -> None:
    """Translate the Korean in mixed Korean/English text; English, bullets and layout stay as they are.
    Documents (.hwpx, .hwp, .docx, .html, .xlf) are written back in their own format with -o
    (docs/documents.md). Exit status 3: some Korean span stayed untranslated (--backend none)."""
    check_backend_options(backend, model, dtype, compute_type)
    day = parse_date(date)
    glossary_path = resolve_glossary(glossary)
    refuse_same_file(output, input, glossary_path, memory)
    fmt = documents.format_for(input) if input != "-" else None
    if fmt is not None:
        if retranslate and isinstance(fmt, documents.XliffFormat):
            fmt = documents.XliffFormat(retranslate=True)
        _translate_document(fmt, input, output, output_format, day, memory,
                            dict(model=model, backend=backend, device=device.value, batch_size=batch_size,
                                 beam_size=beam_size, glossary=glossary_path, dtype=dtype,
                                 compute_type=compute_type))
        return
    lines = None if input == "-" else read_lines(input)   # a bad file fails before a model loads
    if output:
        check_writable(output)
    tm = TranslationMemory.for_use(memory) if memory else None
    if tm is not None and not tm.writable:
        print(f"koen: note: {memory} is read-only here: used for lookups, new segments are not stored", file=sys.stderr)
    pipeline = build_pipeline(model=model, backend=backend, device=device.value, batch_size=batch_size,
                              beam_size=beam_size, glossary=glossary_path, dtype=dtype,
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


def _translate_document(fmt, input: str, output: str | None, output_format: OutputFormat, day, memory: str | None,
                        options: dict) -> None:
    """A document in, the same format out (-o); --format jsonl also prints each line's audit."""
    if not output:
        raise KoenError(f"{input}: a {fmt.name} document is written to a file: pass -o OUT")
    expected = documents.format_for(documents.output_name(input))
    if documents.format_for(output) is not expected:
        raise KoenError(f"{output}: the output of a {fmt.name} document must be a {expected.name} file too "
                        f"({', '.join(s for s in expected.suffixes if s != '.hwp')})")
    data = read_file_bytes(input, f"a {fmt.name} document")
    fmt.extract(data, input)                    # a bad document fails before a model loads
    check_writable(output)
    tm = TranslationMemory(memory) if memory else None
    pipeline = build_pipeline(memory=tm, **options)
    translated, results = documents.translate_document(fmt, data, input, pipeline, date=day,
                                                       threshold=DEFAULT_THRESHOLD)
    for number, result in enumerate(results, start=1):
        for warning in result.warnings:
            if warning.code is not WarningCode.RESTORED:
                print(f"koen: {input}: line {number}: warning: {warning.message}", file=sys.stderr)
    with atomic_writer(output, "wb", encoding=None) as handle:
        handle.write(translated)
    summary = summarize(results)
    if output_format is OutputFormat.jsonl:
        for number, result in enumerate(results, start=1):
            print(json.dumps({"line": number, **result.audit()}, ensure_ascii=False))
        print(json.dumps({"summary": summary.as_dict(), "provenance": pipeline.provenance()}, ensure_ascii=False))
    print(summary.line(producer(options["backend"])), file=sys.stderr)
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
