"""`koen model convert`: transformers checkpoint → CTranslate2 model."""

from __future__ import annotations

import sys

import typer

from mt.backends.ct2 import convert_checkpoint

app = typer.Typer(no_args_is_help=True, help="Prepare models: convert to CTranslate2.")


@app.command("convert")
def convert(
    model: str = typer.Argument(..., help="transformers checkpoint: hub id or local directory."),
    output_dir: str = typer.Argument(..., help="Directory for the CTranslate2 model."),
    quantization: str = typer.Option("int8", "--quantization", "-q",
                                     help="int8 (CPU), float16 or int8_float16 (GPU), float32, ..."),
    force: bool = typer.Option(False, "--force", help="Replace an existing output directory."),
) -> None:
    """Convert a transformers checkpoint into a CTranslate2 model for `--backend ctranslate2`."""
    path = convert_checkpoint(model, output_dir, quantization=quantization, force=force)
    print(f"koen: wrote CTranslate2 model ({quantization}) to {path}", file=sys.stderr)
