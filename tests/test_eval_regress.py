"""Regression gates: baseline files, koen eval regress, the bleu_regression fixture, koen eval compare."""

from __future__ import annotations

import json
import shutil

import pytest

from eval_helpers import (FLORES_BASELINE, FLORES_REF, FLORES_SRC, FLORES_SYS_A, FLORES_SYS_B,
                          TATOEBA_REF, TATOEBA_SYS_A, koen, koen_json, lines, plant_degradation, write_lines)


def test_baseline_own_hypotheses_pass_and_planted_degradation_fails(tmp_path):
    assert koen("eval", "regress", "--baseline", FLORES_BASELINE, "--hyp", FLORES_SYS_A).returncode == 0
    for seed, how in [(1, "other"), (2, "empty"), (3, "truncate")]:
        degraded = write_lines(tmp_path / f"degraded-{how}.en", plant_degradation(lines(FLORES_SYS_A), 0.10, seed, how))
        result = koen("eval", "regress", "--baseline", FLORES_BASELINE, "--hyp", degraded, "--json")
        assert result.returncode == 1, result.stdout
        report = json.loads(result.stdout)
        assert report["regression"] is True
        assert any(m["verdict"].startswith("FAIL") for m in report["metrics"])


def test_small_degradation_is_caught_by_significance_not_only_tolerance(tmp_path):
    """On 100 short lines a 10% replacement can stay within 1 point; the paired bootstrap still catches it."""
    baseline = tmp_path / "tatoeba.json"
    made = koen("eval", "baseline", "--hyp", TATOEBA_SYS_A, "--ref", TATOEBA_REF, "-o", baseline)
    assert made.returncode == 0, made.stderr
    assert koen("eval", "regress", "--baseline", baseline, "--hyp", TATOEBA_SYS_A).returncode == 0
    degraded = write_lines(tmp_path / "deg.en", plant_degradation(lines(TATOEBA_SYS_A), 0.10, 7, "truncate"))
    loose = koen("eval", "regress", "--baseline", baseline, "--hyp", degraded, "--tolerance", "100", "--json")
    assert loose.returncode == 1, loose.stdout
    verdicts = {m["metric"]: m for m in json.loads(loose.stdout)["metrics"]}
    assert any(m["verdict"] == "FAIL (significant drop)" and m["p_value"] < 0.05 for m in verdicts.values())


def test_identical_output_passes_even_with_zero_tolerance_and_every_metric():
    result = koen("eval", "regress", "--baseline", FLORES_BASELINE, "--hyp", FLORES_SYS_A, "--tolerance", "0",
                  "--metric", "bleu", "--metric", "chrf", "--metric", "chrf_pp", "--metric", "ter", "--metric", "number_consistency", "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert [m["metric"] for m in report["metrics"]] == ["bleu", "chrf", "chrf_pp", "ter", "number_consistency"]
    assert all(m["delta"] == 0 and m["verdict"] == "ok" for m in report["metrics"])
    assert all(m["p_value"] == 1.0 for m in report["metrics"] if m["p_value"] is not None)


def test_an_improvement_is_not_a_regression():
    # sys-b is much worse than sys-a: with sys-b as the baseline, sys-a is a (significant) improvement.
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        baseline = Path(tmp) / "b.json"
        assert koen("eval", "baseline", "--hyp", FLORES_SYS_B, "--ref", FLORES_REF, "-o", baseline).returncode == 0
        assert koen("eval", "regress", "--baseline", baseline, "--hyp", FLORES_SYS_A, "--metric", "ter").returncode == 0
        assert koen("eval", "regress", "--baseline", baseline, "--hyp", FLORES_SYS_B).returncode == 0


def test_baseline_records_scores_signatures_hashes_and_hypotheses():
    data = json.loads(FLORES_BASELINE.read_text(encoding="utf-8"))
    scored = koen_json("eval", "score", "--hyp", FLORES_SYS_A, "--ref", FLORES_REF, "--src", FLORES_SRC)
    for key in ("bleu", "chrf", "chrf_pp", "ter", "number_consistency"):
        assert data["scores"][key] == pytest.approx(scored[key])
    assert data["signatures"] == scored["signatures"]
    assert data["hypotheses"]["lines"] == lines(FLORES_SYS_A)
    assert len(data["testset"]["sha256"]) == 64 and data["testset"]["references"][0]["path"] == "../corpus/flores200-dev.200.en"
    assert data["koen_version"] and data["model"] == "synthetic:sys-a" and data["glossary"] is None


def test_regress_refuses_other_references_and_mismatched_lengths(tmp_path):
    other = write_lines(tmp_path / "other-ref.en", [l.upper() for l in lines(FLORES_REF)])
    result = koen("eval", "regress", "--baseline", FLORES_BASELINE, "--hyp", FLORES_SYS_A, "--ref", other)
    assert result.returncode == 2 and "differ from the ones baseline" in result.stderr
    short = write_lines(tmp_path / "short.en", lines(FLORES_SYS_A)[:20])
    result = koen("eval", "regress", "--baseline", FLORES_BASELINE, "--hyp", short)
    assert result.returncode == 2 and "20" in result.stderr and "200" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    bogus = write_lines(tmp_path / "bogus.json", ["{}"])
    result = koen("eval", "regress", "--baseline", bogus, "--hyp", FLORES_SYS_A)
    assert result.returncode == 2 and "not a koen baseline" in result.stderr


def test_moved_baseline_uses_explicit_references(tmp_path):
    moved = tmp_path / "baseline.json"
    shutil.copy(FLORES_BASELINE, moved)
    assert koen("eval", "regress", "--baseline", moved, "--hyp", FLORES_SYS_A).returncode == 2  # ref path broken
    assert koen("eval", "regress", "--baseline", moved, "--hyp", FLORES_SYS_A, "--ref", FLORES_REF).returncode == 0


def test_tolerance_parsing():
    from eval.regress import DEFAULT_TOLERANCE, parse_tolerances
    from mt.errors import KoenError

    assert parse_tolerances(None) == DEFAULT_TOLERANCE
    parsed = parse_tolerances(["0.5", "chrf=2"])
    assert parsed["bleu"] == 0.5 and parsed["ter"] == 0.5 and parsed["chrf"] == 2
    for bad in (["x"], ["nope=1"], ["-1"]):
        with pytest.raises(KoenError):
            parse_tolerances(bad)


def test_compare_reports_p_values_and_confidence_intervals():
    out = koen_json("eval", "compare", "--ref", FLORES_REF, "--baseline", FLORES_SYS_A, "--system", FLORES_SYS_B,
                    "--system", FLORES_SYS_A, "--metric", "bleu", "--metric", "chrf", "--samples", "500")
    assert set(out["tests"]) == {"bs", "ar"}
    for test, table in out["tests"].items():
        worse = {row["metric"]: row for row in table[str(FLORES_SYS_B)]}
        same = {row["metric"]: row for row in table[str(FLORES_SYS_A)]}
        assert worse["bleu"]["delta"] < -10 and worse["bleu"]["p_value"] < 0.01
        assert same["bleu"]["delta"] == 0 and same["bleu"]["p_value"] == 1.0
        row = worse["chrf"]
        assert row["system_ci95"] > 0 and abs(row["system_mean"] - row["system"]) < 2
        assert f"{test}:500" in row["signature"]


def test_compare_matches_sacrebleu_paired_bootstrap():
    from eval_helpers import run

    ours = koen_json("eval", "compare", "--ref", FLORES_REF, "--baseline", FLORES_SYS_A, "--system", FLORES_SYS_B,
                     "--metric", "bleu", "--test", "bs")
    theirs = run("-m", "sacrebleu", FLORES_REF, "-i", FLORES_SYS_A, FLORES_SYS_B, "-m", "bleu", "--paired-bs",
                 "-f", "json", "-w", "4")
    assert theirs.returncode == 0, theirs.stderr
    row = ours["tests"]["bs"][str(FLORES_SYS_B)][0]
    system = json.loads(theirs.stdout)[1]["BLEU"]
    assert row["p_value"] == pytest.approx(system["p_value"]) and row["system"] == pytest.approx(system["score"])
    assert row["system_mean"] == pytest.approx(system["mean"]) and row["system_ci95"] == pytest.approx(system["ci"])


def test_bleu_regression_fixture_on_committed_output(bleu_regression):
    report = bleu_regression(hyp=FLORES_SYS_A, baseline=FLORES_BASELINE)
    assert not report.failed and {r.metric for r in report.rows} == {"bleu", "chrf"}


def test_bleu_regression_fixture_fails_the_test_on_a_planted_degradation(bleu_regression):
    degraded = plant_degradation(lines(FLORES_SYS_A), 0.10, 11)
    with pytest.raises(pytest.fail.Exception, match="regressed"):
        bleu_regression(hyp=degraded, baseline=FLORES_BASELINE)


def test_bleu_regression_fixture_can_write_a_baseline(tmp_path, request):
    from eval.pytest_plugin import BleuRegression

    target = tmp_path / "new.json"
    BleuRegression(tmp_path, update=True)(hyp=TATOEBA_SYS_A, baseline=target, ref=TATOEBA_REF)
    assert json.loads(target.read_text(encoding="utf-8"))["hypotheses"]["lines"] == lines(TATOEBA_SYS_A)
    assert not BleuRegression(tmp_path, update=False)(hyp=TATOEBA_SYS_A, baseline="new.json").failed


def test_updating_a_baseline_keeps_its_source_and_glossary(tmp_path):
    from eval.pytest_plugin import BleuRegression
    from glossary.termbase import default_glossary_path

    target = tmp_path / "with-source.json"
    made = koen("eval", "baseline", "--hyp", FLORES_SYS_A, "--ref", FLORES_REF, "--src", FLORES_SRC,
                "--glossary", default_glossary_path(), "-o", target)
    assert made.returncode == 0, made.stderr
    before = json.loads(target.read_text(encoding="utf-8"))
    assert before["testset"]["source"] and before["glossary"]
    BleuRegression(tmp_path, update=True)(hyp=FLORES_SYS_B, baseline=target)
    after = json.loads(target.read_text(encoding="utf-8"))
    assert after["hypotheses"]["lines"] == lines(FLORES_SYS_B)
    assert after["testset"]["source"]["sha256"] == before["testset"]["source"]["sha256"]
    assert after["glossary"]["sha256"] == before["glossary"]["sha256"]
    assert after["scores"]["number_consistency"] is not None
