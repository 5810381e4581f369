"""Bad input gets one clear error and never damages the user's files (review findings, fixed)."""

import shutil
import subprocess
import sys
import unicodedata

import pytest
from starlette.testclient import TestClient

from glossary.termbase import Termbase, default_glossary_path
from mt.errors import KoenError
from mt.textio import atomic_writer

from conftest import ROOT


def koen(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "koen", *map(str, args)], capture_output=True, text=True, cwd=cwd,
                          timeout=300)


def copy_glossary(tmp_path):
    path = tmp_path / "g.tsv"
    shutil.copy(default_glossary_path(), path)
    return path


def assert_one_line_error(done, code=2):
    assert done.returncode == code, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().count("\n") == 0 and done.stderr.startswith("koen: error:")


def test_a_tab_inside_a_cell_is_refused_and_the_glossary_still_loads(tmp_path):
    path = copy_glossary(tmp_path)
    before = path.read_bytes()
    done = koen("glossary", "add", "탭테스트", "a\tb", "-g", path)
    assert_one_line_error(done)
    assert path.read_bytes() == before
    Termbase.load(path)


def test_an_import_that_would_break_the_glossary_is_refused(tmp_path):
    path = copy_glossary(tmp_path)
    before = path.read_bytes()
    csv = tmp_path / "in.csv"
    csv.write_text('korean,english,aliases,kind,status,valid_from,valid_to,dnt,note\n'
                   '도시숲,"urban\nforest",,general,approved,,,,two lines\n', encoding="utf-8")
    done = koen("glossary", "import", csv, "-g", path)
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert path.read_bytes() == before


def test_writing_output_onto_a_directory_is_a_clear_error(tmp_path):
    with pytest.raises(KoenError, match="is a directory"):
        with atomic_writer(tmp_path) as handle:
            handle.write("x")
    assert_one_line_error(koen("glossary", "export", tmp_path, "-f", "tsv"))


def test_export_to_stdout_defaults_to_tsv():
    done = koen("glossary", "export", "-")
    assert done.returncode == 0
    assert "korean\tenglish\taliases\tkind" in done.stdout
    assert "\n국토교통부\tMinistry of Land, Infrastructure and Transport\t" in done.stdout


def test_an_incomplete_baseline_is_a_clear_error(tmp_path):
    baseline = tmp_path / "b.json"
    baseline.write_text('{"format": "koen-eval-baseline/1"}', encoding="utf-8")
    hyp = tmp_path / "h.en"
    hyp.write_text("a\n", encoding="utf-8")
    assert_one_line_error(koen("eval", "regress", "--baseline", baseline, "--hyp", hyp))
    assert_one_line_error(koen("eval", "regress", "--baseline", tmp_path, "--hyp", hyp))


def test_a_non_ascii_digit_in_a_url_is_not_a_server_error(tmp_path):
    from glossary.web.app import create_app

    with TestClient(create_app(copy_glossary(tmp_path)), base_url="http://127.0.0.1:8765") as client:
        assert client.get("/entry/%C2%B2").status_code in (400, 404)


def test_decomposed_hangul_gets_its_terms_in_the_right_place():
    from mt.backends import load_backend
    from mt.pipeline import Pipeline
    from glossary.match import Matcher

    line = unicodedata.normalize("NFD", "가나 국토교통부는 스마트도시 데이터허브를 만든다.")
    pipeline = Pipeline(load_backend("romanize"), matcher=Matcher(Termbase.load(default_glossary_path())))
    result = pipeline.translate_lines([line])[0]
    assert "Ministry of Land, Infrastructure and Transport" in result.translation
    assert "Smart City Data Hub" in result.translation
    assert {t["source"] for t in result.audit()["terms"]} == {"국토교통부", "스마트도시 데이터허브"}
