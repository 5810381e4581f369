"""koen eval score: sacrebleu's numbers and signatures, term and number checks, input errors."""

from __future__ import annotations

import json

import pytest

from eval_helpers import (FLORES_REF, FLORES_SYS_A, SAMPLES, TATOEBA_REF, TATOEBA_SYS_A, koen,
                          koen_json, lines, run)


def sacrebleu_cli(ref, hyp, *extra: str) -> list[dict]:
    result = run("-m", "sacrebleu", ref, "-i", hyp, "-f", "json", "-w", "4", *extra)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    return data if isinstance(data, list) else [data]


@pytest.mark.parametrize("ref,hyp", SAMPLES, ids=lambda p: p.name)
def test_scores_and_signatures_equal_sacrebleu_command_line(ref, hyp):
    ours = koen_json("eval", "score", "--hyp", hyp, "--ref", ref, "--width", "4")
    bleu, chrf, ter = sacrebleu_cli(ref, hyp, "-m", "bleu", "chrf", "ter")
    [chrf_pp] = sacrebleu_cli(ref, hyp, "-m", "chrf", "--chrf-word-order", "2")
    expected = {"bleu": bleu, "chrf": chrf, "chrf_pp": chrf_pp, "ter": ter}
    for key, theirs in expected.items():
        assert ours[key] == theirs["score"], key
        assert ours["signatures"][key] == theirs["signature"], key
    assert chrf_pp["name"] == "chrF2++" and ours["n_segments"] == len(lines(hyp))
    # Full precision (no --width) rounds to the same numbers.
    full = koen_json("eval", "score", "--hyp", hyp, "--ref", ref)
    assert all(round(full[k], 4) == pytest.approx(v["score"], abs=1e-9) for k, v in expected.items())
    assert 0 < full["bleu"] < 100 and full["term_success"] is None and full["number_consistency"] is None


def test_line_endings_and_trailing_blanks_are_read_as_sacrebleu_reads_them(tmp_path):
    crlf = tmp_path / "hyp.crlf.en"
    crlf.write_bytes(b"".join(line.encode() + b"  \t\r\n" for line in lines(TATOEBA_SYS_A)))
    ours = koen_json("eval", "score", "--hyp", crlf, "--ref", TATOEBA_REF, "--width", "4")
    plain = koen_json("eval", "score", "--hyp", TATOEBA_SYS_A, "--ref", TATOEBA_REF, "--width", "4")
    theirs = sacrebleu_cli(TATOEBA_REF, crlf, "-m", "bleu", "chrf", "ter")
    assert [ours["bleu"], ours["chrf"], ours["ter"]] == [t["score"] for t in theirs]
    assert ours["bleu"] == plain["bleu"]


def test_several_references_match_sacrebleu(tmp_path):
    second = tmp_path / "ref2.en"
    second.write_text("".join(l.lower() + "\n" for l in lines(FLORES_REF)), encoding="utf-8")
    ours = koen_json("eval", "score", "--hyp", FLORES_SYS_A, "--ref", FLORES_REF, "--ref", second, "--width", "4")
    result = run("-m", "sacrebleu", FLORES_REF, second, "-i", FLORES_SYS_A, "-f", "json", "-w", "4", "-m", "bleu")
    assert ours["bleu"] == json.loads(result.stdout)["score"]
    assert ours["signatures"]["bleu"].startswith("nrefs:2|")


def _one_line_error(result, *needles: str) -> str:
    assert result.returncode == 2, (result.stdout, result.stderr)
    err = result.stderr.strip()
    assert len(err.splitlines()) == 1 and err.startswith("koen: error: "), err
    assert "Traceback" not in result.stderr + result.stdout
    for needle in needles:
        assert needle in err, err
    return err


def test_mismatched_line_counts_name_both_files_and_counts(tmp_path):
    short = tmp_path / "short.en"
    short.write_text("".join(l + "\n" for l in lines(FLORES_SYS_A)[:150]), encoding="utf-8")
    _one_line_error(koen("eval", "score", "--hyp", short, "--ref", FLORES_REF),
                    str(short), "150", str(FLORES_REF), "200")
    _one_line_error(koen("eval", "score", "--hyp", FLORES_SYS_A, "--ref", FLORES_REF, "--src", TATOEBA_REF),
                    str(TATOEBA_REF), "100", "200")


def test_empty_file_is_a_one_line_error(tmp_path):
    empty = tmp_path / "empty.en"
    empty.write_bytes(b"")
    _one_line_error(koen("eval", "score", "--hyp", empty, "--ref", FLORES_REF), str(empty), "empty")
    _one_line_error(koen("eval", "score", "--hyp", FLORES_SYS_A, "--ref", empty), str(empty), "empty")


def test_invalid_utf8_is_a_one_line_error_with_the_line_number(tmp_path):
    bad = tmp_path / "bad.en"
    data = [l.encode() for l in lines(FLORES_SYS_A)]
    data[41] = b"caf\xe9 latin-1 here"
    bad.write_bytes(b"\n".join(data) + b"\n")
    _one_line_error(koen("eval", "score", "--hyp", bad, "--ref", FLORES_REF), f"{bad}:42:", "invalid UTF-8")
    _one_line_error(koen("eval", "regress", "--baseline", "tests/data/eval/baseline-flores200-dev.200.sys-a.json",
                         "--hyp", bad), f"{bad}:42:")


def test_missing_file_and_glossary_without_source_are_usage_errors(tmp_path):
    _one_line_error(koen("eval", "score", "--hyp", tmp_path / "nope.en", "--ref", FLORES_REF), "no such file")
    _one_line_error(koen("eval", "score", "--hyp", FLORES_SYS_A, "--ref", FLORES_REF, "--glossary",
                         "glossary/data/starter.tsv"), "--src")


def test_number_consistency_counts_source_numbers_found_in_the_output(tmp_path):
    src = tmp_path / "src.ko"
    src.write_text("예산 16.5억 원을 2027년까지 투입한다.\n숫자가 없는 문장.\n3개 도시를 선정했다.\n", encoding="utf-8")
    hyp = tmp_path / "hyp.en"
    hyp.write_text("KRW 1.65 billion will be invested by 2027.\nA sentence without numbers.\nFour cities were chosen.\n",
                   encoding="utf-8")
    ref = tmp_path / "ref.en"
    ref.write_text("KRW 1.65 billion will be invested by 2027.\nA sentence without numbers.\nThree cities were chosen.\n",
                   encoding="utf-8")
    out = koen_json("eval", "score", "--hyp", hyp, "--ref", ref, "--src", src)
    numbers = out["numbers"]
    assert numbers["total"] >= 3 and numbers["found"] == numbers["total"] - 1
    assert out["number_consistency"] == pytest.approx(numbers["found"] / numbers["total"])
    none = tmp_path / "none.ko"
    none.write_text("숫자 없음\n없음\n없음\n", encoding="utf-8")
    assert koen_json("eval", "score", "--hyp", hyp, "--ref", ref, "--src", none)["number_consistency"] is None


def test_term_success_uses_the_glossary_matcher(tmp_path):
    glossary = tmp_path / "terms.tsv"
    glossary.write_text(
        "korean\tenglish\taliases\tkind\tstatus\tvalid_from\tvalid_to\tdnt\tnote\n"
        "국토교통부\tMinistry of Land, Infrastructure and Transport\t\torganisation\tapproved\t\t\t\t\n"
        "스마트도시\tsmart city\t\tgeneral\tapproved\t\t\t\t\n"
        "ITS\tITS\t\tgeneral\tapproved\t\t\tyes\t\n", encoding="utf-8")
    src = tmp_path / "src.ko"
    src.write_text("국토교통부는 스마트도시 사업을 발표했다.\n스마트도시에 ITS를 도입한다.\n", encoding="utf-8")
    hyp = tmp_path / "hyp.en"
    hyp.write_text("The Ministry of Land, Infrastructure and Transport announced a smart city project.\n"
                   "ITS will be introduced to the Smart City.\n", encoding="utf-8")
    segments = tmp_path / "segments.jsonl"
    out = koen_json("eval", "score", "--hyp", hyp, "--ref", hyp, "--src", src, "--glossary", glossary,
                    "--segments", segments)
    # Line 2's "Smart City" is not the approved (case-sensitive) "smart city": 3 of 4 terms found.
    assert out["terms"]["total"] == 4 and out["terms"]["found"] == 3
    assert out["term_success"] == pytest.approx(0.75)
    records = [json.loads(l) for l in segments.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 2 and records[0]["bleu"] == pytest.approx(100)
    missed = [t for r in records for t in r["terms"] if not t["found"]]
    assert [(t["korean"], t["expected"]) for t in missed] == [("스마트도시", "smart city")]
    assert {"line", "hypothesis", "references", "chrf", "chrf_pp", "ter", "numbers"} <= set(records[1])


def test_segments_file_has_sentence_scores_per_line(tmp_path):
    segments = tmp_path / "seg.jsonl"
    koen_json("eval", "score", "--hyp", TATOEBA_SYS_A, "--ref", TATOEBA_REF, "--segments", segments)
    records = [json.loads(l) for l in segments.read_text(encoding="utf-8").splitlines()]
    assert [r["line"] for r in records] == list(range(1, 101))
    from sacrebleu.metrics import BLEU

    hyps, refs = lines(TATOEBA_SYS_A), lines(TATOEBA_REF)
    assert records[5]["bleu"] == pytest.approx(BLEU(effective_order=True).sentence_score(hyps[5], [refs[5]]).score)
    assert any(r["bleu"] == pytest.approx(100) for r in records) and any(r["bleu"] < 50 for r in records)
