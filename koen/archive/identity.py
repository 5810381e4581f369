"""What decides an archive job's output, and in words what changed between two jobs.

The job database keeps the identity (input fingerprint, reader, settings, options) beside its
hash; a refusal to resume then names what differs (``--beam-size 1 → 4``, ``the glossary``)
instead of listing everything that might have."""

from __future__ import annotations

import hashlib
import json

__all__ = ["fingerprint", "what_changed"]

# Settings keys as the user knows them.
_SETTING_WORDS = {"model": "--model", "model_revision": "the model's files", "backend": "--backend",
                  "device": "--device", "batch_size": "--batch-size", "beam_size": "--beam-size",
                  "compute_type": "--compute-type", "dtype": "--dtype", "glossary_sha256": "the glossary"}
_IDENTITY_WORDS = {"input": "the input's contents", "reader": "how the input is read (--format, --fields, ...)",
                   "skipped": "the records skipped as malformed", "chunk_records": "--chunk-records",
                   "default_date": "--date"}


def fingerprint(identity: dict) -> str:
    return hashlib.sha256(json.dumps(identity, sort_keys=True, default=str).encode("utf-8")).hexdigest()


def _value(value) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str) if not isinstance(value, str) else value
    return text if len(text) <= 40 else text[:12] + "…"


def what_changed(old: dict | None, new: dict) -> str:
    """``--beam-size 1 → 4; the glossary`` (the generic list when the old identity is unknown)."""
    if not isinstance(old, dict):
        return "the input, model, glossary or options changed"
    new = json.loads(json.dumps(new, sort_keys=True, default=str))
    changes = []
    for key, words in _IDENTITY_WORDS.items():
        if old.get(key) != new.get(key):
            changes.append(words)
    old_settings, new_settings = old.get("settings") or {}, new.get("settings") or {}
    for key in sorted(old_settings.keys() | new_settings.keys()):
        before, after = old_settings.get(key), new_settings.get(key)
        if before == after:
            continue
        words = _SETTING_WORDS.get(key, key)
        changes.append(words if words.startswith("the ") else f"{words} {_value(before)} → {_value(after)}")
    return ("changed: " + "; ".join(changes)) if changes else "the input, model, glossary or options changed"
