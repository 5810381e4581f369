"""The one exception type the CLI turns into a clear message instead of a traceback."""

from __future__ import annotations

import contextlib
import errno
from typing import Iterator


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


def is_disk_full(exc: BaseException) -> bool:
    """An OSError for a full disk or quota, or SQLite's SQLITE_FULL."""
    return getattr(exc, "errno", None) in (errno.ENOSPC, errno.EDQUOT) \
        or getattr(exc, "sqlite_errorcode", None) == 13 or "database or disk is full" in str(exc)


def disk_full_message(path: object) -> str:
    return f"disk full while writing {path}; nothing is lost, rerun when there is space"


@contextlib.contextmanager
def disk_full_is_an_error(path: object) -> Iterator[None]:
    """Turn a full disk while writing ``path`` into one KoenError (what was written before stays)."""
    try:
        yield
    except OSError as exc:
        if is_disk_full(exc):
            raise KoenError(disk_full_message(path)) from None
        raise


def located(path: str | None, line: int | None, message: str) -> str:
    """Format ``file:line: message`` the way compilers and linters do."""
    where = path or "<stdin>"
    if line is not None:
        where = f"{where}:{line}"
    return f"{where}: {message}"
