"""`koen`: one thin command line over mt/, glossary/ and eval/.

Every command turns a ``KoenError`` into one ``koen: error: ...`` line and its exit code;
heavy imports (torch, transformers) happen inside the commands that need them.
"""

from __future__ import annotations

import sys

import typer

from mt.errors import KoenError

app = typer.Typer(
    name="koen",
    help="Korean to English translation of mixed Korean/English text, with an enforced glossary.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


_registered = False


def _register() -> None:
    global _registered
    if _registered:
        return
    from glossary.cli import app as glossary_app
    from eval.cli import app as eval_app

    from . import commands

    commands.register(app)
    app.add_typer(glossary_app, name="glossary", help="Edit, lint, match and exchange the terminology glossary.")
    app.add_typer(eval_app, name="eval", help="Score translations, compare systems, gate regressions.")
    _registered = True
    app.add_typer(__import__("mt.archive.cli", fromlist=["app"]).app, name="archive", help="Translate whole archives: resumable, with a translation memory.")
    from .archive.engine import register_engines       # issue 13: --engine ray

    register_engines(__import__("mt.archive.cli", fromlist=["register_engine"]).register_engine)


def main(argv: list[str] | None = None) -> None:
    _register()
    try:
        app(args=argv, prog_name="koen")
    except KoenError as exc:
        print(f"koen: error: {exc}", file=sys.stderr)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        print("koen: interrupted", file=sys.stderr)
        sys.exit(130)


if __name__ == "__main__":
    main()
