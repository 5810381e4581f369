"""The one exception type the CLI turns into a clear message instead of a traceback."""

from __future__ import annotations


class KoenError(Exception):
    """A problem the user can fix (bad input, missing model, bad option).

    ``exit_code`` follows the CLI convention: 2 for unusable input or options,
    1 for "the check ran and found problems".
    """

    exit_code = 2

    def __init__(self, message: str, *, exit_code: int | None = None):
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code


def located(path: str | None, line: int | None, message: str) -> str:
    """Format ``file:line: message`` the way compilers and linters do."""
    where = path or "<stdin>"
    if line is not None:
        where = f"{where}:{line}"
    return f"{where}: {message}"
