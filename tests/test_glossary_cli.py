import shutil

from typer.testing import CliRunner

from koen.cli.glossary import app
from glossary.termbase import Termbase, default_glossary_path
from mt.errors import KoenError

runner = CliRunner()


def _copy(tmp_path):
    path = tmp_path / "g.tsv"
    shutil.copy(default_glossary_path(), path)
    return path


def test_add_remove_and_refusals(tmp_path):
    path = _copy(tmp_path)
    before = path.read_bytes()
    ok = runner.invoke(app, ["add", "도시숲", "urban forest", "--note", "test", "-g", str(path)])
    assert ok.exit_code == 0, ok.output
    assert Termbase.load(path).entries[-1].korean == "도시숲"
    dup = runner.invoke(app, ["add", "국토교통부", "MOLIT", "--from", "2013-03-23", "-g", str(path)])
    assert dup.exit_code == 1 and "not added" in str(dup.exception or dup.output)
    bad = runner.invoke(app, ["add", "도시", "city", "--kind", "thing", "-g", str(path)])
    assert bad.exit_code != 0
    gone = runner.invoke(app, ["remove", "도시숲", "-g", str(path)])
    assert gone.exit_code == 0
    assert path.read_bytes() == before
    ambiguous = runner.invoke(app, ["remove", "행정안전부", "-g", str(path)])
    assert ambiguous.exit_code != 0 and path.read_bytes() == before


def test_find_list_stats():
    found = runner.invoke(app, ["find", "국토교통부는 스마트도시 데이터허브를 분석", "--date", "2025-07-11"])
    assert found.exit_code == 0
    assert "0-5\t국토교통부\t-> Ministry of Land, Infrastructure and Transport" in found.output
    assert "7-18\t스마트도시 데이터허브\t-> Smart City Data Hub" in found.output
    listed = runner.invoke(app, ["list", "--kind", "person"])
    assert "박상우 -> Park Sang-woo" in listed.output
    stats = runner.invoke(app, ["stats"])
    assert "approved" in stats.output and stats.exit_code == 0


def test_tsv_tbx_tsv_round_trip_through_cli(tmp_path):
    tbx = tmp_path / "g.tbx"
    assert runner.invoke(app, ["export", str(tbx)]).exit_code == 0
    assert b"<martif" in tbx.read_bytes()
    empty = tmp_path / "empty.tsv"
    empty.write_text("korean\tenglish\taliases\tkind\tstatus\tvalid_from\tvalid_to\tdnt\tnote\n", encoding="utf-8")
    assert runner.invoke(app, ["import", str(tbx), "-g", str(empty)]).exit_code == 0
    back = tmp_path / "back.tsv"
    assert runner.invoke(app, ["export", str(back), "-g", str(empty)]).exit_code == 0
    original = [r for r in default_glossary_path().read_text(encoding="utf-8").splitlines() if not r.startswith("#")]
    assert back.read_text(encoding="utf-8").splitlines() == original
    csv = tmp_path / "g.csv"
    assert runner.invoke(app, ["export", str(csv)]).exit_code == 0


def test_check_matching_command():
    from pathlib import Path

    cases = Path(__file__).parent / "data" / "glossary" / "matching.tsv"
    result = runner.invoke(app, ["check-matching", str(cases)])
    assert result.exit_code == 0 and "precision 1.0000  recall 1.0000" in result.output


def test_init_makes_a_glossary_that_import_and_add_can_fill(tmp_path):
    empty = tmp_path / "new.tsv"
    assert runner.invoke(app, ["init", str(empty)]).exit_code == 0
    assert Termbase.load(empty).entries == []
    again = runner.invoke(app, ["init", str(empty)])
    assert again.exit_code != 0 and "already exists" in str(again.exception)
    assert runner.invoke(app, ["add", "도시숲", "urban forest", "-g", str(empty)]).exit_code == 0
    copy = tmp_path / "copy.tsv"
    assert runner.invoke(app, ["init", str(copy), "--from-starter"]).exit_code == 0
    assert len(Termbase.load(copy).entries) == len(Termbase.load(default_glossary_path()).entries)


def test_editing_commands_never_write_into_the_installed_package(tmp_path, monkeypatch):
    monkeypatch.delenv("KOEN_GLOSSARY", raising=False)
    before = default_glossary_path().read_bytes()
    for args in (["add", "도시숲", "urban forest"], ["remove", "국토교통부", "--all"],
                 ["add", "도시숲", "urban forest", "-g", str(default_glossary_path())]):
        result = runner.invoke(app, args)
        assert isinstance(result.exception, KoenError) and result.exception.exit_code == 2, args
        assert "starter glossary" in str(result.exception)
    assert default_glossary_path().read_bytes() == before
    chosen = tmp_path / "mine.tsv"
    runner.invoke(app, ["init", str(chosen)])
    monkeypatch.setenv("KOEN_GLOSSARY", str(chosen))      # the documented user default
    assert runner.invoke(app, ["add", "도시숲", "urban forest"]).exit_code == 0
    assert [e.korean for e in Termbase.load(chosen).entries] == ["도시숲"]
