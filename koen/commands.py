"""The top-level commands: translate, check, model convert."""

from __future__ import annotations

import datetime
import enum
import json
import sys
from typing import Optional

import typer

from mt.backends.checkpoint import DEFAULT_MODEL
from mt.errors import KoenError, located

from .progress import progress


class OutputFormat(str, enum.Enum):
    text = "text"
    jsonl = "jsonl"


class Device(str, enum.Enum):
    auto = "auto"
    cpu = "cpu"
    cuda = "cuda"


model_app = typer.Typer(no_args_is_help=True, help="Prepare models: convert to CTranslate2.")


def register(app: typer.Typer) -> None:
    app.command("translate")(translate)
    app.command("check")(check)
    app.add_typer(model_app, name="model")


def parse_date(value: Optional[str]) -> Optional[datetime.date]:
    if value is None:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise KoenError(f"--date {value}: expected YYYY-MM-DD") from None


def resolve_glossary(value: Optional[str]) -> Optional[str]:
    """``--glossary``: a TSV path, ``none`` to disable, default the committed starter glossary."""
    if value is not None and value.lower() == "none":
        return None
    if value is None:
        from glossary.termbase import default_glossary_path

        return str(default_glossary_path())
    return value


def translate(
    input: str = typer.Argument("-", help="Text file to translate, or - for standard input."),
    output: Optional[str] = typer.Option(None, "-o", "--output", help="Write here (atomically) instead of stdout."),
    model: str = typer.Option(DEFAULT_MODEL, "--model", "-m", help="Hub id or local checkpoint directory."),
    backend: str = typer.Option("transformers", "--backend", help="transformers | ctranslate2 | romanize"),
    device: Device = typer.Option(Device.auto, "--device", help="auto picks CUDA when present."),
    batch_size: int = typer.Option(32, "--batch-size", min=1),
    beam_size: int = typer.Option(1, "--beam-size", min=1),
    output_format: OutputFormat = typer.Option(OutputFormat.text, "--format", help="text: one line out per line in; "
                                               "jsonl: source, translation, spans, term and number audit per line."),
    glossary: Optional[str] = typer.Option(None, "--glossary", "-g",
                                           help="Glossary TSV to enforce (default: the starter glossary; 'none' to disable)."),
    date: Optional[str] = typer.Option(None, "--date", help="Document date YYYY-MM-DD: selects dated glossary entries."),
    dtype: str = typer.Option("auto", "--dtype", help="transformers: auto (fp16 on CUDA) | float32 | float16 | bfloat16"),
    compute_type: str = typer.Option("default", "--compute-type", help="ctranslate2: default | int8 | float16 | ..."),
) -> None:
    """Translate the Korean in mixed Korean/English text; English, bullets and layout stay as they are."""
    from mt.pipeline import Pipeline, summarize
    from mt.textio import atomic_writer, check_writable, read_lines

    day = parse_date(date)
    lines = None if input == "-" else read_lines(input)   # a bad file fails before a model loads
    if output:
        check_writable(output)
    pipeline = Pipeline.from_options(model=model, backend=backend, device=device.value, batch_size=batch_size,
                                     beam_size=beam_size, glossary=resolve_glossary(glossary), dtype=dtype,
                                     compute_type=compute_type)
    if lines is None:
        lines = read_lines(input)
    with progress(len(lines), disable=len(lines) <= 1) as bar:
        results = pipeline.translate_lines(lines, date=day, progress=bar.update)
    for number, result in enumerate(results, start=1):
        for warning in result.warnings:
            if "restored by koen" not in warning:
                print(f"koen: {located(None if input == '-' else input, number, 'warning: ' + warning)}",
                      file=sys.stderr)
    summary = summarize(results)
    if output_format is OutputFormat.jsonl:
        records = [json.dumps({"line": n, **r.audit()}, ensure_ascii=False) for n, r in enumerate(results, start=1)]
        records.append(json.dumps({"summary": summary, "provenance": pipeline.provenance()}, ensure_ascii=False))
        text = "\n".join(records) + "\n"
    else:
        text = "".join(r.translation for r in results)
    if output:
        with atomic_writer(output) as handle:
            handle.write(text)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()
    if summary["terms"] or summary["numbers"] or summary["split_spans"]:
        print(_summary_line(summary), file=sys.stderr)


def _summary_line(summary: dict) -> str:
    parts = [f"{summary['lines']} lines, {summary['korean_spans']} Korean spans"]
    if summary["split_spans"]:
        parts.append(f"{summary['split_spans']} split to fit the model")
    if summary["terms"]:
        parts.append(f"terms {summary['term_success']:.0%} of {summary['terms']} "
                     f"({summary['term_success_by_model']:.0%} by the model alone)")
    if summary["numbers"]:
        parts.append(f"numbers {summary['number_success']:.0%} of {summary['numbers']}")
    return "koen: " + "; ".join(parts)


def check(
    files: list[str] = typer.Argument(..., help="English text files to scan for garbled numbers."),
) -> None:
    """Flag garbled number translations in English text (file:line:col: problem: span); exit 1 if any."""
    from mt.qa import check_lines
    from mt.textio import read_lines

    total = 0
    for path in files:
        for finding in check_lines(read_lines(path)):
            total += 1
            print(f"{path}:{finding.line}:{finding.column}: {finding.message}: {finding.span!r}")
    if total:
        raise KoenError(f"{total} suspicious number span(s) found", exit_code=1)


@model_app.command("convert")
def convert(
    model: str = typer.Argument(..., help="transformers checkpoint: hub id or local directory."),
    output_dir: str = typer.Argument(..., help="Directory for the CTranslate2 model."),
    quantization: str = typer.Option("int8", "--quantization", "-q",
                                     help="int8 (CPU), float16 or int8_float16 (GPU), float32, ..."),
    force: bool = typer.Option(False, "--force", help="Replace an existing output directory."),
) -> None:
    """Convert a transformers checkpoint into a CTranslate2 model for `--backend ctranslate2`."""
    from mt.backends.ct2 import convert_checkpoint

    path = convert_checkpoint(model, output_dir, quantization=quantization, force=force)
    print(f"koen: wrote CTranslate2 model ({quantization}) to {path}", file=sys.stderr)
