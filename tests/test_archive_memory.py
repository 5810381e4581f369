"""The SQLite translation memory: normalised keys, one namespace per model identity, transactions."""

from __future__ import annotations

import pytest

from mt.memory import TranslationMemory, model_identity, normalise


def test_normalise_spacing_and_unicode():
    decomposed = "\u1100\u1161"             # 가 as conjoining jamo
    assert normalise(f"  {decomposed}  나\t\n다 ") == "가 나 다"


def test_identities_do_not_mix(tmp_path):
    memory = TranslationMemory(tmp_path / "tm.sqlite")
    base = {"backend": "ctranslate2", "model": "m", "revision": "r1", "beam_size": 1, "glossary_sha256": "g1"}
    first = memory.bind(model_identity(base))
    other_glossary = memory.bind(model_identity({**base, "glossary_sha256": "g2"}))
    other_revision = memory.bind(model_identity({**base, "revision": "r2"}))
    first.put_many({"국토부  발표": "MOLIT announcement"})
    assert first.get_many(["국토부 발표", " 국토부 발표 ", "없음"]) == {"국토부 발표": "MOLIT announcement",
                                                                " 국토부 발표 ": "MOLIT announcement"}
    assert first.hits == 2 and first.misses == 1
    assert other_glossary.get_many(["국토부 발표"]) == {} and other_revision.get_many(["국토부 발표"]) == {}
    # koen's own version is not part of what a model outputs
    assert memory.bind(model_identity({**base, "koen_version": "9"})).get_many(["국토부 발표"])
    memory.close()
    reopened = TranslationMemory(tmp_path / "tm.sqlite")
    assert reopened.bind(model_identity(base)).get_many(["국토부 발표"]) == {"국토부 발표": "MOLIT announcement"}
    assert reopened.stats() == {"models": 3, "segments": 1}


def test_writes_join_an_open_transaction(tmp_path):
    memory = TranslationMemory(tmp_path / "tm.sqlite")
    bound = memory.bind({"model": "m"})
    with pytest.raises(RuntimeError):
        with memory.transaction():
            bound.put_many({"하나": "one"})
            assert bound.get_many(["하나"]) == {"하나": "one"}      # visible inside the transaction
            raise RuntimeError("killed")
    assert bound.get_many(["하나"]) == {}                          # rolled back with it
    bound.put_many({"둘": "two"})                                   # outside: commits on its own
    assert TranslationMemory(tmp_path / "tm.sqlite").bind({"model": "m"}).get_many(["둘"]) == {"둘": "two"}


def test_many_keys_at_once(tmp_path):
    bound = TranslationMemory(tmp_path / "tm.sqlite").bind({"model": "m"})
    bound.put_many({f"문장 {i}": f"sentence {i}" for i in range(1200)})
    found = bound.get_many([f"문장 {i}" for i in range(0, 1300, 7)])
    assert len(found) == len(range(0, 1200, 7)) and found["문장 7"] == "sentence 7"
