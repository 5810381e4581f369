"""Script tests for Hangul/Hanja/Latin and one shared Kiwi analyser."""

from __future__ import annotations

import functools
import re
import threading

HANGUL_CHARS = "\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\ud7b0-\ud7ff"
HANJA_CHARS = "\u4e00-\u9fff\u3400-\u4dbf\uf900-\ufaff"
HANGUL_RE = re.compile(f"[{HANGUL_CHARS}]")
HANGUL_SYLLABLE_RE = re.compile("[\uac00-\ud7a3]")
LATIN_RE = re.compile(r"[A-Za-z\u00c0-\u024f]")

_kiwi_lock = threading.Lock()


def has_hangul(text: str) -> bool:
    return HANGUL_RE.search(text) is not None


@functools.lru_cache(maxsize=1)
def kiwi():
    """The process-wide Kiwi analyser (``tokenize``, ``split_into_sents``), loading its multi-word
    dictionary as the texts need it (see mt/analyser.py)."""
    from .analyser import Analyser   # late: a command that meets no Korean never pays for Kiwi

    return Analyser()


def expect(texts) -> None:
    """Tell the analyser which texts a job is about to analyse (a short job then loads only the
    dictionary entries they need); a job without Korean loads nothing."""
    if any(has_hangul(text) for text in texts):
        kiwi().expect(texts)


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence boundaries by Kiwi, as (start, end) offsets into ``text``."""
    with _kiwi_lock:
        return [(s.start, s.end) for s in kiwi().split_into_sents(text)]


def tags(text: str) -> list[tuple[str, str, int, int]]:
    """Kiwi's best analysis: (form, tag, start, end) per morpheme."""
    with _kiwi_lock:
        return [(t.form, t.tag, t.start, t.start + t.len) for t in kiwi().tokenize(text)]
