from pathlib import Path

import pytest
from typer.testing import CliRunner

from koen.cli.glossary import app
from glossary.lint import lint_file
from glossary.termbase import default_glossary_path

LINT_DIR = Path(__file__).parent / "data" / "glossary" / "lint"
CODES = sorted(p.stem for p in LINT_DIR.glob("*.tsv"))


def test_every_finding_kind_has_a_broken_file():
    assert set(CODES) >= {
        "header", "columns", "empty", "bad-date", "bad-kind", "bad-status", "bad-dnt", "whitespace",
        "hangul-in-english", "duplicate", "conflict", "overlapping-dates", "alias-claimed", "unreachable",
    }


@pytest.mark.parametrize("code", CODES)
def test_broken_file_is_flagged_with_location(code):
    path = LINT_DIR / f"{code}.tsv"
    findings = lint_file(path)
    assert [f.code for f in findings] == [code]
    expected_line = 1 if code == "header" else 3 if code not in ("duplicate", "conflict") else 4
    assert findings[0].line == expected_line
    result = CliRunner().invoke(app, ["lint", str(path)])
    assert result.exit_code == 1
    assert f"{path}:{expected_line}: " in result.output


def test_starter_glossary_is_clean():
    assert lint_file(default_glossary_path()) == []
    result = CliRunner().invoke(app, ["lint"])
    assert result.exit_code == 0 and result.output == f"{default_glossary_path()}: clean\n"
