"""`koen translate` and `koen model convert` as users run them."""

import json
import os
import subprocess
import sys

import pytest

from cli_helpers import run
from koen.cli import main
from mt.korean import has_hangul




def test_text_output_keeps_lines_one_to_one(tiny_marian, tmp_path, capsys, archive_lines):
    source = tmp_path / "in.txt"
    source.write_text("".join(archive_lines[:10]), encoding="utf-8")
    target = tmp_path / "out.txt"
    code, out, err = run(["translate", str(source), "-o", str(target), "--model", str(tiny_marian)], capsys)
    assert code == 0, err
    lines = target.read_text(encoding="utf-8").splitlines(keepends=True)
    assert len(lines) == 10
    for before, after in zip(archive_lines[:10], lines):
        if not has_hangul(before):
            assert before == after
    assert not has_hangul(lines[6].replace(" ㅇ ", " "))


def test_jsonl_has_source_translation_spans_audit_and_summary(tiny_marian, tmp_path, capsys):
    source = tmp_path / "in.txt"
    source.write_text("English stays.\n□ 국토교통부는 스마트도시 데이터허브를 선정하였다.\n", encoding="utf-8")
    code, out, err = run(["translate", str(source), "--model", str(tiny_marian), "--format", "jsonl"], capsys)
    assert code == 0, err
    records = [json.loads(line) for line in out.splitlines()]
    assert len(records) == 3
    first, second, summary = records
    assert first["source"] == first["translation"] == "English stays.\n"
    assert [s["kind"] for s in second["spans"]] == ["keep", "translate"]
    assert second["spans"][1]["source"] == "국토교통부는 스마트도시 데이터허브를 선정하였다."
    expected = {t["expected"] for t in second["terms"]}
    assert {"Ministry of Land, Infrastructure and Transport", "Smart City Data Hub"} <= expected
    assert all(t["found"] for t in second["terms"])
    assert summary["summary"]["term_success"] == 1.0
    assert summary["provenance"]["model"] == str(tiny_marian)


def test_stdin_and_romanize_backend(capsys, monkeypatch):
    import io

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO("ㅇ 박상우 장관은 발표했다.\n".encode())))
    code, out, err = run(["translate", "-", "--backend", "romanize"], capsys)
    assert code == 0, err
    assert out.startswith("ㅇ ") and "Park Sang-woo" in out and not has_hangul(out[1:])


def test_missing_file_is_one_clear_error(capsys, tmp_path):
    code, out, err = run(["translate", str(tmp_path / "nope.txt"), "--backend", "romanize"], capsys)
    assert code == 2
    assert err.strip() == f"koen: error: {tmp_path / 'nope.txt'}: no such file"


def test_invalid_utf8_names_the_line(capsys, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes("첫 줄\n둘째 줄\n".encode() + b"\xff\xfe broken\n")
    code, out, err = run(["translate", str(bad), "--backend", "romanize"], capsys)
    assert code == 2
    assert err.startswith(f"koen: error: {bad}:3: invalid UTF-8") and "Traceback" not in err
    assert err.count("\n") == 1


def test_unreadable_model_dir(capsys, tmp_path):
    (tmp_path / "model").mkdir()
    code, out, err = run(["translate", "-", "--model", str(tmp_path / "model")], capsys)
    assert code == 2 and "not a model directory (no config.json" in err and "Traceback" not in err
    code, out, err = run(["translate", "-", "--model", str(tmp_path / "missing-dir")], capsys)
    assert code == 2 and "no such model directory" in err


def test_corrupt_model_dir(capsys, tmp_path):
    (tmp_path / "model").mkdir()
    (tmp_path / "model" / "config.json").write_text("{not json", encoding="utf-8")
    code, out, err = run(["translate", "-", "--model", str(tmp_path / "model")], capsys)
    assert code == 2 and "cannot load the checkpoint" in err and err.count("\n") == 1


def test_unreachable_default_model_is_one_sentence(tmp_path):
    """The real command, with the hub unreachable and an empty cache: one sentence, exit 2, fast."""
    env = {**os.environ, "HF_HOME": str(tmp_path / "hf"), "HF_ENDPOINT": "http://127.0.0.1:9"}
    env.pop("HF_HUB_OFFLINE", None)
    done = subprocess.run([sys.executable, "-m", "koen", "translate", "-"], input="국토교통부는 발표했다.\n",
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "Helsinki-NLP/opus-mt-tc-big-ko-en" in lines[0] and "--model DIR" in lines[0]


def test_convert_then_translate_with_ctranslate2(tiny_marian, tmp_path, capsys):
    target = tmp_path / "ct2"
    code, out, err = run(["model", "convert", str(tiny_marian), str(target)], capsys)
    assert code == 0, err
    assert (target / "model.bin").exists() and json.loads((target / "koen.json").read_text())["quantization"] == "int8"
    code, out, err = run(["model", "convert", str(tiny_marian), str(target)], capsys)
    assert code == 2 and "--force" in err
    source = tmp_path / "in.txt"
    source.write_text("□ 국토교통부는 3개 지역을 선정했다.\nEnglish.\n", encoding="utf-8")
    code, out, err = run(["translate", str(source), "--model", str(target), "--backend", "ctranslate2"], capsys)
    assert code == 0, err
    first, second = out.splitlines()
    assert first.startswith("□ ") and not has_hangul(first) and second == "English."


def test_ctranslate2_backend_refuses_a_transformers_dir(tiny_marian, capsys):
    code, out, err = run(["translate", "-", "--model", str(tiny_marian), "--backend", "ctranslate2"], capsys)
    assert code == 2 and "koen model convert" in err


@pytest.mark.parametrize("args,message", [
    (["--device", "gpu"], "gpu"),
    (["--backend", "nonsense"], "unknown backend"),
    (["--date", "2025-13-01"], "--date"),
])
def test_bad_options(args, message, capsys, tiny_marian):
    code, out, err = run(["translate", "-", "--model", str(tiny_marian), *args], capsys)
    assert code == 2 and message in err
