"""What an editor may type as English: characters refused outright, before any content check.

Editors' English ends up in rendered documents, TMX and XLIFF, and on terminals. Refused:
- control characters (NUL, ESC and every other C0/C1 code, line and paragraph separators): they
  start terminal escape sequences or break lines where koen does not expect them;
- invisible characters (``mt.controls``: category Cf — bidi controls such as RLO, zero-width
  spaces and joiners, the BOM — and the Hangul fillers, CGJ and variation selectors): they make
  text read differently from what it holds
  (``Price: \\u202e0001\\u202c`` displays as 1000) or make "empty" English look non-empty;
- Hangul in any block, including the halfwidth (U+FFA0–FFDC), compatibility and enclosed
  (circled, parenthesised: U+3200–327F) forms that the syllable ranges miss.
"""

from __future__ import annotations

import unicodedata

from .controls import is_unsafe

__all__ = ["unsafe_character", "has_any_hangul"]


def _is_hangul(char: str) -> bool:
    name = unicodedata.name(char, "")
    return "HANGUL" in name or "KOREAN" in name


def has_any_hangul(text: str) -> bool:
    """Hangul in any Unicode block (syllables, jamo, compatibility, halfwidth, enclosed)."""
    return any(_is_hangul(char) for char in text if ord(char) >= 0x1100)


def unsafe_character(text: str) -> str | None:
    """A one-line description of the first character an editor's English must not hold, or None.

    The character classes are ``mt.controls``' (the ones glossary entries refuse too)."""
    for position, char in enumerate(text, start=1):
        code = f"U+{ord(char):04X}"
        if ord(char) >= 0x1100 and _is_hangul(char):
            return f"Hangul ({code} {unicodedata.name(char, '').lower()}) at character {position}"
        if not is_unsafe(char):
            continue
        category = unicodedata.category(char)
        if category in ("Cc", "Zl", "Zp"):
            return f"a control character ({code}) at character {position}"
        if category in ("Cs", "Co", "Cn"):
            return f"a character that is not text ({code}) at character {position}"
        kind = unicodedata.name(char, "format character").lower()
        return f"an invisible character ({code} {kind}) at character {position}"
    return None
