"""Running the `koen` command in-process, as a user would from a shell."""

from __future__ import annotations

from koen.cli import main


def run(argv, capsys):
    """Run the CLI in-process; return (exit code, stdout, stderr)."""
    try:
        main(argv)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    out, err = capsys.readouterr()
    return code, out, err
