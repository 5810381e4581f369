"""Shared command-line options: a flag means the same thing in every command that has it."""

from __future__ import annotations

import typer.main

from koen.cli import app

MODEL_OPTIONS = {"model": ["--model", "-m"], "backend": ["--backend"], "device": ["--device"],
                 "batch_size": ["--batch-size"], "beam_size": ["--beam-size"], "dtype": ["--dtype"],
                 "compute_type": ["--compute-type"]}
MODEL_COMMANDS = [("translate",), ("archive", "translate"), ("eval", "run"), ("glossary", "serve")]


def command(*path: str):
    cmd = typer.main.get_command(app)
    for name in path:
        cmd = cmd.commands[name]
    return cmd


def options(cmd) -> dict:
    return {p.name: p for p in cmd.params if p.param_type_name == "option"}


def test_the_model_commands_share_the_same_model_options():
    seen = {}
    for path in MODEL_COMMANDS:
        found = options(command(*path))
        for name, flags in MODEL_OPTIONS.items():
            assert name in found, (path, name)
            assert sorted(found[name].opts) == sorted(flags), (path, found[name].opts)
            seen.setdefault(name, set()).add(found[name].help)
    assert all(len(helps) == 1 for helps in seen.values()), seen


def walk(cmd, path=()):
    yield path, cmd
    for name, sub in getattr(cmd, "commands", {}).items():
        yield from walk(sub, (*path, name))


def test_short_m_is_model_everywhere_and_glossary_is_g():
    for path, cmd in walk(typer.main.get_command(app)):
        for option in options(cmd).values():
            if "-m" in option.opts:
                assert "--model" in option.opts, (path, option.opts)
            if "-g" in option.opts:
                assert "--glossary" in option.opts, (path, option.opts)
