"""What a new user's first run found (issue 22, items 1, 4, 5 and 6): no half-made output folder,
options checked first and only where they apply, reports that say what happened, and commands
that spell the same thing the same way."""

from __future__ import annotations

import io
import json
import sys

import pytest

from cli_helpers import run
from conftest import ARCHIVE, DATA
from eval import testsets

def feed(monkeypatch, text: str) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode("utf-8")), encoding="utf-8"))


ONE_LINE = "서울특별시는 2027년까지 165억 원을 투입한다.\n"
UNLOADABLE = ["--model", "Helsinki-NLP/opus-mt-tc-big-ko-en"]   # offline in tests: fails when the job loads it


# -- 1. a failed archive run leaves nothing half made ---------------------------------------------

@pytest.mark.parametrize("where", ["out", "deeper/still/out"])
def test_a_run_that_finished_no_record_removes_the_folder_it_made(tmp_path, capsys, where):
    outdir = tmp_path / where
    code, _, err = run(["archive", "translate", str(ARCHIVE), str(outdir), *UNLOADABLE], capsys)
    assert code == 2 and "cannot load model" in err, err
    assert not (tmp_path / where.split("/")[0]).exists()


def test_a_failed_run_keeps_a_folder_that_was_there_and_what_it_held(tmp_path, capsys):
    outdir = tmp_path / "out"
    outdir.mkdir()
    (outdir / "notes.txt").write_text("mine", encoding="utf-8")
    code, _, err = run(["archive", "translate", str(ARCHIVE), str(outdir), *UNLOADABLE], capsys)
    assert code == 2, err
    assert sorted(p.name for p in outdir.iterdir()) == ["notes.txt"]


def test_a_failed_rerun_keeps_the_finished_records(tmp_path, capsys, monkeypatch):
    outdir = tmp_path / "out"
    code, _, err = run(["archive", "translate", str(ARCHIVE), str(outdir), "--backend", "romanize"], capsys)
    assert code == 0, err
    names = sorted(p.name for p in outdir.iterdir())
    records = (outdir / "records.jsonl").read_bytes()
    code, _, err = run(["archive", "translate", str(ARCHIVE), str(outdir), *UNLOADABLE], capsys)
    assert code == 2 and "different job" in err
    assert sorted(p.name for p in outdir.iterdir()) == names and (outdir / "records.jsonl").read_bytes() == records


# -- 4. options checked early, only where they apply -----------------------------------------------

MODEL_COMMANDS = [["translate", "no-such-input.txt"],
                  ["archive", "translate", "no-such-archive.txt", "OUT"],
                  ["eval", "run", "--testset", "no-such-set"]]
MISUSED = [(["--dtype", "int4"], "--dtype: 'int4' is not one of"),
           (["--backend", "romanize", "--dtype", "float16"], "--dtype float16: applies to --backend transformers only"),
           (["--backend", "romanize", "--model", "/nonexistent"], "--model /nonexistent: --backend romanize loads no model"),
           (["--backend", "none", "--compute-type", "int8"], "--compute-type int8: applies to --backend ctranslate2"),
           (["--backend", "ctranslate2", "--dtype", "bfloat16"], "--dtype bfloat16: applies to --backend transformers"),
           (["--compute-type", "int3"], "--compute-type: 'int3' is not one of")]


@pytest.mark.parametrize("command", MODEL_COMMANDS, ids=lambda c: " ".join(c[:2]))
@pytest.mark.parametrize("options,message", MISUSED, ids=[" ".join(m) for m, _ in MISUSED])
def test_backend_options_are_checked_before_anything_is_read_or_loaded(command, options, message, tmp_path, capsys,
                                                                       monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, _, err = run([*command, *options], capsys)
    assert code == 2 and err.startswith(f"koen: error: {message}") and len(err.splitlines()) == 1, err
    assert not (tmp_path / "OUT").exists()


def test_good_backend_options_still_pass(capsys, monkeypatch):
    feed(monkeypatch, (ONE_LINE))
    code, out, err = run(["translate", "--backend", "romanize"], capsys)
    assert code == 0 and out.strip(), err


# -- 5. honest messages ---------------------------------------------------------------------------

def test_reports_credit_a_model_only_when_one_wrote_the_english(capsys, monkeypatch):
    feed(monkeypatch, (ONE_LINE))
    code, _, err = run(["translate", "--backend", "romanize"], capsys)
    assert code == 0 and "by the romanize backend alone" in err and "by the model" not in err, err
    feed(monkeypatch, (ONE_LINE))
    code, _, err = run(["translate", "--backend", "none"], capsys)
    assert code == 3 and "by the model" not in err and "terms" in err, err


def test_the_archive_report_with_no_model_says_no_model(tmp_path, capsys):
    code, _, err = run(["archive", "translate", str(ARCHIVE), str(tmp_path / "out"), "--backend", "none"], capsys)
    assert code == 3, err
    segments = [line for line in err.splitlines() if "segments:" in line]
    assert segments and "by the model" not in segments[0] and "not in the memory" in segments[0], err


def test_glossary_lint_says_clean(tmp_path, capsys):
    glossary = tmp_path / "g.tsv"
    assert run(["glossary", "init", str(glossary)], capsys)[0] == 0
    code, out, err = run(["glossary", "lint", str(glossary)], capsys)
    assert code == 0 and out == f"{glossary}: clean\n", (out, err)


GARBLED = "The council met on May 32.\nIt was 23th in the ranking.\n"


def test_check_findings_are_warnings_and_it_reads_stdin_by_default(capsys, monkeypatch):
    feed(monkeypatch, (GARBLED))
    code, out, err = run(["check"], capsys)
    assert code == 1
    assert out.splitlines() and all(": warning: " in line for line in out.splitlines()), out
    assert "error" not in out + err and "2 suspicious" in err
    feed(monkeypatch, ("Nothing odd on June 5.\n"))
    assert run(["check", "-"], capsys)[:2] == (0, "")


# -- 6. consistency -------------------------------------------------------------------------------

def test_eval_score_takes_the_system_output_as_y_like_compare_and_still_as_i(capsys):
    ref = DATA / "eval" / "tatoeba.100.en"
    hyp = DATA / "eval" / "tatoeba.100.sys-a.en"
    scored = []
    for flag in ("--hyp", "-y", "-i"):
        code, out, err = run(["eval", "score", flag, str(hyp), "--ref", str(ref), "--json"], capsys)
        assert code == 0, err
        scored.append(json.loads(out)["bleu"])
    assert len(set(scored)) == 1


def test_eval_run_needs_no_model_for_romanize_and_enforces_the_starter_glossary(capsys):
    code, out, err = run(["eval", "run", "--backend", "romanize", "--testset", "tatoeba.100", "--dir",
                          str(DATA / "eval"), "--limit", "3", "--json"], capsys)
    assert code == 0, err
    provenance = json.loads(out)["provenance"]
    assert provenance["glossary_sha256"]                      # as translate: the starter glossary
    code, out, err = run(["eval", "run", "--backend", "romanize", "--testset", "tatoeba.100", "--dir",
                          str(DATA / "eval"), "--limit", "3", "--json", "--glossary", "none"], capsys)
    assert code == 0 and json.loads(out)["provenance"]["glossary_sha256"] is None, err


def test_eval_testsets_without_dir_finds_the_bundled_sets(capsys, monkeypatch):
    monkeypatch.delenv("KOEN_TESTSETS", raising=False)
    monkeypatch.setattr(testsets, "default_testsets_dir", lambda: None)
    code, out, err = run(["eval", "testsets"], capsys)
    assert code == 0, err
    names = {line.split()[0] for line in out.splitlines()}
    assert {"flores200-dev.200", "tatoeba.100"} <= names
    code, out, err = run(["eval", "run", "--backend", "romanize", "--testset", "tatoeba.100", "--limit", "2"], capsys)
    assert code == 0, err
