"""JSON Lines as koen reads them: one JSON value per ``\\n``-ended line, parsed so that no line
can raise anything but a located one-line problem.

``str.splitlines`` would also cut at U+2028, U+2029 and U+0085, which JSON allows raw inside a
string; the line is cut at ``\\n`` only (a ``\\r`` before it is JSON whitespace). What ``json``
itself lets through and later breaks koen is refused here: nesting deeper than ``MAX_DEPTH``
(``json`` raises RecursionError near 1,000, and every later dump or walk recurses too), integers
over Python's 4,300-digit conversion limit (ValueError), and lone surrogates from ``\\ud800``
escapes (no UTF-8 encoding exists, so the record could never be written back).
"""

from __future__ import annotations

import json
from pathlib import Path

from .errors import KoenError, located
from .textio import read_file_bytes

MAX_DEPTH = 64


def parse_json(text: str) -> object:
    """The JSON value of ``text``; ValueError with a short reason for anything koen cannot use."""
    if not isinstance(text, str):
        raise ValueError(f"{type(text).__name__}, expected a line of JSON text")
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"invalid JSON ({exc.msg} at character {exc.pos + 1})") from None
    except RecursionError:
        raise ValueError(f"invalid JSON (nested more than {MAX_DEPTH} levels deep)") from None
    except ValueError as exc:                      # an integer past the int/str conversion limit
        raise ValueError(f"invalid JSON ({str(exc).split(';')[0]})") from None
    _check_value(value, "\\u" in text)
    return value


def _check_value(value: object, may_hold_surrogates: bool) -> None:
    if not isinstance(value, (dict, list)):
        return _check_string(value) if may_hold_surrogates else None
    stack = [(value, 1)]            # containers only: a record holds far more strings and numbers
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ValueError(f"invalid JSON (nested more than {MAX_DEPTH} levels deep)")
        children = (*item.keys(), *item.values()) if isinstance(item, dict) else item
        for child in children:
            if isinstance(child, (dict, list)):
                stack.append((child, depth + 1))
            elif may_hold_surrogates:
                _check_string(child)


def _check_string(item: object) -> None:
    if isinstance(item, str):
        try:
            item.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise ValueError(f"a lone surrogate \\u{ord(item[exc.start]):04x} in a string "
                             f"(not a Unicode character)") from None


def split_jsonl(data: bytes) -> list[bytes]:
    """The lines of a JSON Lines file, each with its ``\\n`` (the last may lack it)."""
    lines = data.split(b"\n")
    out = [line + b"\n" for line in lines[:-1]]
    if lines[-1]:
        out.append(lines[-1])
    return out


def read_jsonl(path: str | Path, expected: str = "a JSON Lines file") -> list[tuple[int, object]]:
    """(line number, value) for every non-blank line of a regular file; the first unusable line is
    one KoenError ``file:line: problem``."""
    data = read_file_bytes(path, expected, regular_only=True)
    values = []
    for number, raw in enumerate(split_jsonl(data), start=1):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise KoenError(located(str(path), number, f"invalid UTF-8 at byte {exc.start} of the line")) from None
        if number == 1:
            text = text.removeprefix("\ufeff")
        if not text.strip():
            continue
        try:
            values.append((number, parse_json(text)))
        except ValueError as exc:
            raise KoenError(located(str(path), number, str(exc))) from None
    return values
