"""Named test sets (koen eval testsets) and translate-and-score runs (koen eval run)."""

from __future__ import annotations

import json
import re

import pytest

from eval_helpers import EVAL_DATA, TATOEBA_REF, TATOEBA_SRC, koen, koen_json, lines


def _pair(folder, stem, n=3):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{stem}.ko").write_text("".join(f"문장 {i}\n" for i in range(n)), encoding="utf-8")
    (folder / f"{stem}.en").write_text("".join(f"sentence {i}\n" for i in range(n)), encoding="utf-8")


@pytest.fixture
def corpora(tmp_path):
    _pair(tmp_path / "flores200-dev", "dev", 4)
    _pair(tmp_path / "news-park", "dev", 2)
    _pair(tmp_path / "news-park", "test", 5)
    _pair(tmp_path / "jhe", "dev")
    _pair(tmp_path / "jhe", "eval")
    _pair(tmp_path / "misc", "a")
    _pair(tmp_path / "misc", "b")
    _pair(tmp_path, "top")
    (tmp_path / "flores200-dev" / "orphan.ko").write_text("외톨이\n", encoding="utf-8")
    return tmp_path


def test_naming_rules(corpora):
    from eval.testsets import discover, resolve

    sets = {t.name: t for t in discover(corpora)}
    assert sorted(sets) == ["flores200-dev", "jhe/dev", "jhe/eval", "misc/a", "misc/b", "news-park/dev",
                            "news-park/test", "top"]
    assert sets["flores200-dev"].aliases == ["flores200-dev/dev"]
    assert sets["news-park/test"].aliases == ["news-park"] and sets["jhe/eval"].aliases == ["jhe"]
    assert resolve("news-park", corpora).reference == corpora / "news-park" / "test.en"
    assert resolve("flores200-dev/dev", corpora).name == "flores200-dev"
    from mt.errors import KoenError

    with pytest.raises(KoenError, match="unknown test set 'misc'"):
        resolve("misc", corpora)


def test_testsets_command_lists_counts_and_uses_koen_testsets(corpora, monkeypatch):
    rows = {r["name"]: r for r in koen_json("eval", "testsets", "--dir", corpora)}
    assert rows["news-park/test"]["segments"] == 5 and rows["news-park/test"]["aliases"] == ["news-park"]
    (corpora / "jhe" / "dev.en").write_text("one line only\n", encoding="utf-8")
    text = koen("eval", "testsets", "--dir", corpora).stdout
    assert "jhe/dev" in text and "LINE COUNTS DIFFER" in text
    import os
    import subprocess
    import sys

    env = {**os.environ, "KOEN_TESTSETS": str(corpora)}
    listed = subprocess.run([sys.executable, "-m", "koen", "eval", "testsets"], capture_output=True, text=True, env=env)
    assert "flores200-dev" in listed.stdout and "(also: news-park)" in listed.stdout
    missing = koen("eval", "testsets", "--dir", corpora / "nope")
    assert missing.returncode == 2 and "does not exist" in missing.stderr


def test_run_translates_a_named_set_and_scores_it(tmp_path):
    out = tmp_path / "hyp.en"
    baseline = tmp_path / "run.json"
    result = koen("eval", "run", "--backend", "romanize", "--testset", "tatoeba.100",
                  "--dir", EVAL_DATA, "-o", out, "--json", "--save-baseline", baseline)
    assert result.returncode == 0, result.stderr
    scores = json.loads(result.stdout)
    hyps = lines(out)
    assert len(hyps) == 100 and scores["n_segments"] == 100
    assert scores["provenance"]["backend"] == "romanize" and scores["provenance"]["testset"] == "tatoeba.100"
    assert scores["number_consistency"] is not None  # the source was given to the scorer
    # digit runs in the Korean source accounted for by the translation (apart from number success)
    runs = sum(len(re.findall(r"[0-9]+", line)) for line in lines(TATOEBA_SRC))
    assert scores["provenance"]["digit_runs"] == runs > 0 and scores["provenance"]["number_coverage"] == 1.0
    assert f"digit runs accounted for 100% of {runs}" in result.stderr
    # numbers against the references: in the JSON and in the stderr summary (issue 18 part 3)
    assert 0 <= scores["number_precision"] <= 1 and 0 <= scores["number_recall"] <= 1
    assert scores["number_match"]["hypothesis"]["numbers"] > 0
    assert "numbers vs references: precision" in result.stderr
    # The run's numbers are those of scoring its output file.
    again = koen_json("eval", "score", "--hyp", out, "--ref", TATOEBA_REF, "--src", TATOEBA_SRC)
    assert again["bleu"] == pytest.approx(scores["bleu"]) and again["chrf"] == pytest.approx(scores["chrf"])
    data = json.loads(baseline.read_text(encoding="utf-8"))
    assert data["model"] == "romanize" and data["provenance"]["revision"] and data["testset"]["name"] == "tatoeba.100"
    assert koen("eval", "regress", "--baseline", baseline, "--hyp", out).returncode == 0


def test_run_limit_and_unknown_test_set(tmp_path):
    out = tmp_path / "hyp.en"
    result = koen("eval", "run", "--backend", "romanize", "--testset", "tatoeba.100",
                  "--dir", EVAL_DATA, "--limit", "7", "-o", out)
    assert result.returncode == 0, result.stderr
    assert len(lines(out)) == 7 and "segments" in result.stdout
    unknown = koen("eval", "run", "--backend", "romanize", "--testset", "nope", "--dir", EVAL_DATA)
    assert unknown.returncode == 2 and "unknown test set 'nope'" in unknown.stderr and "tatoeba.100" in unknown.stderr
