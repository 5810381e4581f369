"""Bad input gets one clear error and never damages the user's files (review findings, fixed)."""

import re
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
    from koen.workbench.app import create_app

    with TestClient(create_app(copy_glossary(tmp_path)), base_url="http://127.0.0.1:8765") as client:
        assert client.get("/entry/%C2%B2").status_code in (400, 404)


def test_decomposed_hangul_gets_its_terms_in_the_right_place():
    from mt.backends import load_backend
    from mt.pipeline import Pipeline
    from glossary.match import Matcher

    line = unicodedata.normalize("NFD", "가나 국토교통부는 스마트도시 데이터허브를 만든다.")
    pipeline = Pipeline(load_backend("romanize"), terms=Matcher(Termbase.load(default_glossary_path())))
    result = pipeline.translate_lines([line])[0]
    assert "Ministry of Land, Infrastructure and Transport" in result.translation
    assert "Smart City Data Hub" in result.translation
    assert {t["source"] for t in result.audit()["terms"]} == {"국토교통부", "스마트도시 데이터허브"}


class EchoBackend:
    """Returns a fixed English sentence: what a model does when it ignores the protected names."""

    name, max_input_tokens = "echo", 512

    def __init__(self, reply):
        self.reply = reply

    def count_tokens(self, texts):
        return [len(t) for t in texts]

    def translate(self, texts):
        return [self.reply for _ in texts]

    def provenance(self):
        return {"backend": self.name}


def test_a_protected_name_is_not_found_inside_another_word():
    from mt.pipeline import Pipeline

    result = Pipeline(EchoBackend("He said the technology was adopted in 2023."), protect_numbers=False) \
        .translate_lines(["AI 기술을 도입했다고 말했다."])[0]
    assert "sAId" not in result.translation and "said" in result.translation
    assert re.search(r"(?<!\w)AI(?!\w)", result.translation)


def test_a_number_is_not_found_inside_a_longer_number():
    from mt.pipeline import Pipeline

    result = Pipeline(EchoBackend("In 2023, regions were chosen.")).translate_lines(["3개 지역을 선정했다."])[0]
    numbers = result.audit()["numbers"]
    assert numbers[0]["english"] == "3" and numbers[0]["repaired"] is True


def test_term_offsets_inside_title_marks_index_the_line():
    from glossary.match import Matcher
    from mt.backends import load_backend
    from mt.pipeline import Pipeline

    line = "국토교통부는 「2025년 스마트도시 데이터허브 시범솔루션 발굴사업」을 추진한다."
    pipeline = Pipeline(load_backend("romanize"), terms=Matcher(Termbase.load(default_glossary_path())))
    for term in pipeline.translate_lines([line])[0].audit()["terms"]:
        start, end = term["span"]
        assert line[start:end] == term["source"]


def test_an_english_name_before_a_number_stays_protected():
    from mt.backends import load_backend
    from mt.pipeline import Pipeline

    job = Pipeline(load_backend("romanize"))._plan("K-water 1,000억 원을 투입한다.", None)
    assert [(p.kind, p.source) for p in job.protections] == [("island", "K-water"), ("number", "1,000억 원")]


def test_nested_title_marks_pair_up():
    from mt.protect import quoted_korean as _quoted_korean

    text = "정부는 「가「나」다」 사업을 한다."
    (start, end), = _quoted_korean(text)
    assert text[start:end] == "「가「나」다」"


def test_a_cached_config_does_not_stop_a_first_download(monkeypatch):
    """Online, a hub model whose config is cached but weights are not must still download."""
    import mt.backends.checkpoint as checkpoint

    calls = []

    class Loader:
        @staticmethod
        def from_pretrained(location, **kwargs):
            calls.append(kwargs.get("local_files_only"))
            return "loaded"

    monkeypatch.setattr("huggingface_hub.try_to_load_from_cache", lambda *a, **k: "/cache/config.json")
    monkeypatch.setattr(checkpoint, "_hub_reachable", lambda url: True)
    monkeypatch.setattr("huggingface_hub.constants.HF_HUB_OFFLINE", False)
    assert checkpoint.load_pretrained(Loader, checkpoint.resolve_checkpoint("org/model")) == "loaded"
    assert calls == [False]
    monkeypatch.setattr(checkpoint, "_hub_reachable", lambda url: False)
    checkpoint.load_pretrained(Loader, checkpoint.resolve_checkpoint("org/model"))
    assert calls == [False, True]


def test_model_option_errors_are_one_line(tiny_marian, tmp_path):
    assert_one_line_error(koen("translate", "-", "--model", tiny_marian, "--dtype", "foo"))
    broken = tmp_path / "ct2"
    broken.mkdir()
    (broken / "config.json").write_text("{}", encoding="utf-8")
    (broken / "model.bin").write_bytes(b"")
    (broken / "koen.json").write_text("{not json", encoding="utf-8")
    assert_one_line_error(koen("translate", "-", "--model", broken, "--backend", "ctranslate2"))
    a_file = tmp_path / "file"
    a_file.write_text("x", encoding="utf-8")
    assert_one_line_error(koen("model", "convert", tiny_marian, a_file))


def test_an_unwritable_output_fails_before_any_translation(tmp_path):
    source = tmp_path / "in.txt"
    source.write_text("국토교통부는 발표했다.\n", encoding="utf-8")
    done = koen("translate", source, "-o", tmp_path / "missing" / "out.txt", "--backend", "romanize")
    assert_one_line_error(done)
    assert "does not exist" in done.stderr and "translate:" not in done.stderr


def test_a_byte_order_mark_survives_a_glossary_edit(tmp_path):
    path = tmp_path / "g.tsv"
    path.write_bytes(b"\xef\xbb\xbf" + default_glossary_path().read_bytes())
    Termbase.load(path).save(path)
    assert path.read_bytes() == b"\xef\xbb\xbf" + default_glossary_path().read_bytes()
    done = koen("glossary", "add", "도시숲", "urban forest", "--note", "test", "-g", path)
    assert done.returncode == 0, done.stderr
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and data.count(b"\xef\xbb\xbf") == 1
    assert Termbase.load(path).entries[-1].english == "urban forest"
