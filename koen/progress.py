"""Progress for long commands: a tqdm bar on a terminal; in a log or CI (stderr is not a TTY), a
plain line every few seconds instead of carriage-return redraws.

Both kinds offer what koen's commands use of tqdm: ``update(n)``, ``close()`` and ``with``.
"""

from __future__ import annotations

import sys
import time
from typing import Callable, TextIO

from tqdm import tqdm

LOG_INTERVAL_S = 5.0


class LineProgress:
    """``desc: done/total unit (pct%), rate unit/s`` as whole lines, at most one per ``interval`` seconds,
    and a last line on close."""

    def __init__(self, total: int, initial: int = 0, desc: str = "", unit: str = "it",
                 stream: TextIO | None = None, interval: float = LOG_INTERVAL_S,
                 clock: Callable[[], float] = time.monotonic):
        self.total, self.n, self.desc, self.unit = total, initial, desc, unit
        self.stream = stream if stream is not None else sys.stderr
        self.interval, self._clock = interval, clock
        self._start = self._last = clock()
        self._initial = initial
        self._shown = initial
        self._closed = False

    def update(self, n: int = 1) -> None:
        self.n += n
        if self._clock() - self._last >= self.interval:
            self._emit()

    def close(self) -> None:
        if not self._closed and self.n != self._shown:
            self._emit()
        self._closed = True

    def __enter__(self) -> "LineProgress":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _emit(self) -> None:
        now = self._clock()
        elapsed = now - self._start
        rate = (self.n - self._initial) / elapsed if elapsed > 0 else 0.0
        share = f" ({self.n / self.total:.0%})" if self.total else ""
        prefix = f"{self.desc}: " if self.desc else ""
        self.stream.write(f"{prefix}{self.n}/{self.total} {self.unit}s{share}, {rate:.1f} {self.unit}s/s, "
                          f"{elapsed:.0f} s\n")
        self.stream.flush()
        self._last, self._shown = now, self.n


def progress(total: int, initial: int = 0, desc: str = "translate", unit: str = "line",
             disable: bool = False, stream: TextIO | None = None):
    """A tqdm bar when ``stream`` (default stderr) is a terminal, else a :class:`LineProgress`."""
    stream = stream if stream is not None else sys.stderr
    if disable or _is_terminal(stream):
        return tqdm(total=total, initial=initial, desc=desc, unit=unit, file=stream, disable=disable,
                    dynamic_ncols=True, smoothing=0.1)
    return LineProgress(total, initial, desc=desc, unit=unit, stream=stream)


def record_progress(total: int, initial: int) -> object:
    """The archive job's progress factory (records, resuming at ``initial``)."""
    return progress(total, initial, unit="record")


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
