"""`koen`: the command line, one module per command group over mt/, glossary/ and eval/.

Every command turns a ``KoenError`` into one ``koen: error: ...`` line and its exit code, and a
bad command line (unknown option, bad value, missing argument) into one such line and exit 2.
"""

from __future__ import annotations

import atexit
import gc
import sqlite3
import sys

import typer

from mt import __version__
from mt.errors import KoenError, disk_full_message, is_disk_full
from mt.textio import check_argv

from . import archive, glossary, memory, model, review, translate
from . import eval as evaluation
from .usage import ClickException, NoArgsIsHelpError, build_command, error_line

app = typer.Typer(
    name="koen",
    help="Korean to English translation of mixed Korean/English text, with an enforced glossary.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _show_version(value: bool) -> None:
    if value:
        print(f"koen {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: bool = typer.Option(False, "--version", is_eager=True, callback=_show_version,
                                       help="Print koen's version and exit.")) -> None:
    """Korean to English translation of mixed Korean/English text, with an enforced glossary."""


app.command("translate")(translate.translate)
app.command("check")(translate.check)
app.add_typer(model.app, name="model")
app.add_typer(archive.app, name="archive", help="Translate whole archives: resumable, with a translation memory.")
app.add_typer(glossary.app, name="glossary", help="Edit, lint, match and exchange the terminology glossary.")
app.add_typer(evaluation.app, name="eval", help="Score translations, compare systems, gate regressions.")
app.add_typer(review.app, name="review", help="Review flagged machine translations; approved English is reused.")
app.add_typer(memory.app, name="memory", help="Export and import the translation memory (TMX, TSV).")


def command():
    """The whole command tree as click sees it (with koen's plain help)."""
    return build_command(app)


def main(argv: list[str] | None = None) -> None:
    # The interpreter's last garbage collection walks every object left (Kiwi's, the glossary's):
    # about 0.2 s of each command's exit, for memory the system takes back at once anyway.
    atexit.unregister(gc.freeze)          # once, however often main() runs in one process
    atexit.register(gc.freeze)
    try:
        args = sys.argv[1:] if argv is None else list(argv)
        check_argv(args)
        # Not standalone: click's errors come here to be printed as one line; typer.Exit returns its code.
        code = command().main(args=args, prog_name="koen", standalone_mode=False)
        if isinstance(code, int) and code:
            sys.exit(code)
    except NoArgsIsHelpError as exc:        # `koen archive` alone: the group's help
        exc.show()
        sys.exit(exc.exit_code)
    except ClickException as exc:
        print(f"koen: error: {error_line(exc)}", file=sys.stderr)
        sys.exit(exc.exit_code)
    except KoenError as exc:
        print(f"koen: error: {exc}", file=sys.stderr)
        sys.exit(exc.exit_code)
    except (OSError, sqlite3.Error) as exc:
        if not is_disk_full(exc):
            raise
        print(f"koen: error: {disk_full_message(getattr(exc, 'filename', None) or 'the output')}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        print("koen: interrupted", file=sys.stderr)
        sys.exit(130)


if __name__ == "__main__":
    main()
