"""Characters that are not text to a reader: controls, bidi overrides, invisible fillers, line
separators other than koen's own. They are refused where people enter text koen keeps (glossary
entries) and escaped where text goes to a terminal (an ESC or OSC sequence from an archive would
otherwise drive the editor's terminal; an RLO would show ``0001`` as ``1000``).
"""

from __future__ import annotations

import unicodedata

# Letters (category Lo/Mn) that render as nothing: Hangul fillers, the combining grapheme joiner,
# variation selectors.
_INVISIBLE = {0x034F, 0x115F, 0x1160, 0x3164, 0xFFA0, *range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0)}
# Controls, format characters (bidi, zero-width, BOM), line and paragraph separators.
_CATEGORIES = {"Cc", "Cf", "Zl", "Zp", "Co", "Cs", "Cn"}


def is_unsafe(char: str) -> bool:
    return unicodedata.category(char) in _CATEGORIES or ord(char) in _INVISIBLE


def describe(char: str) -> str:
    return f"U+{ord(char):04X} {unicodedata.name(char, 'control character')}"


def unsafe_characters(text: str) -> list[str]:
    """Each distinct control, bidi, invisible or separator character of ``text``, described."""
    return [describe(char) for char in dict.fromkeys(text) if is_unsafe(char)]


def for_terminal(text: str) -> str:
    """``text`` with every unsafe character shown as an escape (``\\x1b``, ``\\u202e``), tabs kept."""
    out = []
    for char in text:
        if char == "\t" or not is_unsafe(char):
            out.append(char)
        elif ord(char) < 0x100:
            out.append(f"\\x{ord(char):02x}")
        elif ord(char) < 0x10000:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(f"\\U{ord(char):08x}")
    return "".join(out)


def json_for_terminal(text: str) -> str:
    """JSON text with every unsafe character written as a ``\\uXXXX`` escape (UTF-16 pairs above
    U+FFFF): the same JSON value, nothing a terminal would obey. Layout (newline, tab) is kept:
    ``json.dumps`` writes it only between values, never raw inside a string."""
    out = []
    for char in text:
        if char in "\n\r\t" or not is_unsafe(char):
            out.append(char)
        elif ord(char) < 0x10000:
            out.append(f"\\u{ord(char):04x}")
        else:
            high, low = divmod(ord(char) - 0x10000, 0x400)
            out.append(f"\\u{0xD800 + high:04x}\\u{0xDC00 + low:04x}")
    return "".join(out)
