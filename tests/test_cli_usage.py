"""Every command-line mistake is one line, ``koen: error: ...``, exit 2, for every command; help
pages read whole at 80 columns (issue 22, items 2 and 3).

The commands are found by walking the click tree, so a command added later is covered too."""

from __future__ import annotations

import re

import pytest
import typer.main

from cli_helpers import run
from koen.cli import app

PYDANTIC_WORDING = ("Value error", "Input should", "Invalid value for", "╭", "│", "Traceback", "Usage:")


def leaves():
    def walk(cmd, path=()):
        subs = getattr(cmd, "commands", {})
        if not subs:
            yield path, cmd
        for name, sub in subs.items():
            yield from walk(sub, (*path, name))
    return list(walk(typer.main.get_command(app)))


COMMANDS = leaves()
IDS = [" ".join(path) for path, _ in COMMANDS]


def long_flag(option) -> str:
    return max(option.opts, key=lambda flag: (flag.startswith("--"), len(flag)))


def bad_value(param) -> str | None:
    """A value the parameter's type refuses (None: the type takes any text)."""
    desc = param.type_descriptor
    if desc.is_choice:
        return "no-such-choice"
    if desc.annotation in (int, float) or desc.is_ranged:
        return "not-a-number"
    return None


def assert_one_error_line(code: int, err: str, *must_name: str) -> str:
    lines = err.splitlines()
    assert code == 2, (code, err)
    assert len(lines) == 1 and lines[0].startswith("koen: error: "), err
    assert not any(word in err for word in PYDANTIC_WORDING), err
    for name in must_name:
        assert name in lines[0], (name, err)
    return lines[0]


def test_the_walk_finds_every_command_group():
    assert {"translate", "check", "archive", "glossary", "eval", "review", "memory", "model"} <= {
        path[0] for path, _ in COMMANDS}
    assert len(COMMANDS) >= 20


@pytest.mark.parametrize("path,cmd", COMMANDS, ids=IDS)
def test_an_unknown_option_is_one_line(path, cmd, capsys):
    code, out, err = run([*path, "--no-such-option-anywhere"], capsys)
    assert_one_error_line(code, err, "--no-such-option-anywhere")


@pytest.mark.parametrize("path,cmd", COMMANDS, ids=IDS)
def test_a_missing_argument_or_option_is_one_line(path, cmd, capsys):
    required = [p for p in cmd.params if p.required]
    if not required:
        pytest.skip("nothing required")
    code, out, err = run(list(path), capsys)
    first = required[0]
    name = long_flag(first) if first.param_type_name == "option" else (first.metavar or first.name.upper())
    line = assert_one_error_line(code, err, name)
    assert "missing" in line


@pytest.mark.parametrize("path,cmd", COMMANDS, ids=IDS)
def test_every_bad_option_value_is_one_line_naming_the_option(path, cmd, capsys):
    checked = 0
    for option in (p for p in cmd.params if p.param_type_name == "option" and not p.is_flag):
        value = bad_value(option)
        if value is None:
            continue
        code, out, err = run([*path, long_flag(option), value], capsys)
        line = assert_one_error_line(code, err, f"{long_flag(option)}: ")
        if option.type_descriptor.is_choice:
            # the value and the choices, without pydantic's quotes around each choice
            choices = [str(getattr(c, "value", c)) for c in option.type_descriptor.choices]
            assert f"'{value}' is not one of {', '.join(choices)}" in line, line
        checked += 1
    if not checked:
        pytest.skip("no option with a typed value")


def test_an_option_without_its_value_and_an_extra_argument(capsys):
    code, _, err = run(["translate", "--model"], capsys)
    assert_one_error_line(code, err, "--model")
    code, _, err = run(["translate", "a.txt", "b.txt"], capsys)
    assert_one_error_line(code, err, "b.txt")
    code, _, err = run(["no-such-command"], capsys)
    assert_one_error_line(code, err, "no-such-command")


# -- help pages -----------------------------------------------------------------------------

def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("path,cmd", [((), None), *COMMANDS], ids=["koen", *IDS])
def test_help_at_80_columns_is_whole(path, cmd, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("TERM", "xterm")
    code, out, err = run([*path, "--help"], capsys)
    assert code == 0, err
    assert "…" not in out, out                                  # nothing cut off
    assert max(len(line) for line in out.splitlines()) <= 80, out
    assert not re.search(r"<(str|bool|int|float|path|int range|float range)>", out), out
    if cmd is None:
        return
    whole = squeeze(out)
    for param in cmd.params:
        if param.help:
            # every word of the help, brackets included (`pip install 'koen[ray]'`), survives
            assert squeeze(param.help) in whole, (param.name, param.help, out)
        if param.param_type_name == "option" and not param.is_flag and param.default not in (None, "", [], ()):
            default = param.default
            default = ", ".join(map(str, default)) if isinstance(default, (list, tuple)) else default
            default = getattr(default, "value", default)
            assert squeeze(f"[default: {default}") in whole, (param.name, out)
