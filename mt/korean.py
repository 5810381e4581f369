"""Script tests for Hangul/Hanja/Latin, invisible characters, and one shared Kiwi analyser."""

from __future__ import annotations

import functools
import re
import threading
import unicodedata

# Hangul letters: syllables, jamo, compatibility and halfwidth jamo, but not the fillers (U+115F,
# U+1160, U+3164, U+FFA0), which are blanks with no sound and count as invisible characters.
HANGUL_CHARS = ("\uac00-\ud7a3\u1100-\u115e\u1161-\u11ff\u3130-\u3163\u3165-\u318f\ua960-\ua97f"
                "\ud7b0-\ud7ff\uffa1-\uffdc")
HANJA_CHARS = "\u4e00-\u9fff\u3400-\u4dbf\uf900-\ufaff"
HANGUL_RE = re.compile(f"[{HANGUL_CHARS}]")
HANGUL_SYLLABLE_RE = re.compile("[\uac00-\ud7a3]")
LATIN_RE = re.compile(r"[A-Za-z\u00c0-\u024f]")
# Scripts an English translation must not hold besides Hangul: Han (Hanja), Kana, Cyrillic.
FOREIGN_SCRIPT_RE = re.compile(f"[{HANGUL_CHARS}{HANJA_CHARS}\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f"
                               f"\u0400-\u052f\u1c80-\u1c8f\u2de0-\u2dff\ua640-\ua69f]")
# Invisible characters that are not format characters (category Cf): the combining grapheme joiner,
# variation selectors, and the Hangul fillers.
_INVISIBLE_EXTRA = frozenset("\u034f\u115f\u1160\u3164\uffa0"
                             + "".join(map(chr, range(0xFE00, 0xFE10)))
                             + "".join(map(chr, range(0xE0100, 0xE01F0))))

_kiwi_lock = threading.Lock()


def has_hangul(text: str) -> bool:
    return HANGUL_RE.search(text) is not None


def foreign_script(text: str) -> list[str]:
    """The characters of ``text`` in Hangul, Han, Kana or Cyrillic, in order."""
    return FOREIGN_SCRIPT_RE.findall(text)


@functools.lru_cache(maxsize=8192)
def is_invisible(char: str) -> bool:
    """Characters that show nothing and mean nothing to a reader or a term match: format characters
    (zero-width space and joiners, direction marks, BOM, soft hyphen), the combining grapheme joiner,
    variation selectors and the Hangul fillers."""
    return char in _INVISIBLE_EXTRA or unicodedata.category(char) == "Cf"


def strip_invisible(text: str) -> str:
    return "".join(c for c in text if not is_invisible(c)) if any(map(is_invisible, set(text))) else text


@functools.lru_cache(maxsize=1)
def kiwi():
    """The process-wide Kiwi analyser (``tokenize``, ``split_into_sents``), loading its multi-word
    dictionary as the texts need it (see mt/analyser.py)."""
    from .analyser import Analyser   # late: a command that meets no Korean never pays for Kiwi

    return Analyser()


def load_whole_analyser() -> None:
    """Kiwi with its whole dictionary, loaded now (before forking planning processes)."""
    kiwi().load_all()


def expect(texts) -> None:
    """Tell the analyser which texts a job is about to analyse (a short job then loads only the
    dictionary entries they need); a job without Korean loads nothing."""
    if any(has_hangul(text) for text in texts):
        kiwi().expect(texts)


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence boundaries by Kiwi, as (start, end) offsets into ``text``."""
    with _kiwi_lock:
        # Kiwi's split_into_sents is this analysis plus the sentences' texts and the quoted
        # sentences inside them, which are not needed here: the same bounds, in less time.
        return [(sentence[0].start, sentence[-1].end) for sentence in kiwi().tokenize(text, split_sents=True) if sentence]


def tags(text: str) -> list[tuple[str, str, int, int]]:
    """Kiwi's best analysis: (form, tag, start, end) per morpheme."""
    with _kiwi_lock:
        return [(t.form, t.tag, t.start, t.start + t.len) for t in kiwi().tokenize(text)]


# Morphemes that attach to the word before them and carry no content of their own: particles (J*),
# endings (E*), the copula 이다 (VCP), and the plural/honorific suffixes 들/님.
_ATTACHED_SUFFIXES = frozenset({"들", "님"})


@functools.lru_cache(maxsize=65536)
def attached_grammar(head: str, tail: str) -> bool:
    """True when ``tail`` (Hangul written right after ``head`` in one word) is only particles,
    endings, the copula or a plural suffix. ``head`` is analysed as one proper noun; its last
    character is what matters (받침 decides 이/가, 을/를), so callers may pass only that."""
    word = head + tail
    with _kiwi_lock:
        tokens = kiwi().tokenize(word, pretokenized=[(0, len(head), "NNP")])
    for token in tokens:
        if token.start < len(head):
            continue
        tag = str(token.tag)
        if tag.startswith(("J", "E")) or tag == "VCP" or (tag == "XSN" and token.form in _ATTACHED_SUFFIXES):
            continue
        return False
    return True
