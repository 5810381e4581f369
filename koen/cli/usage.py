"""Usage errors as one line, and help pages that read plainly at 80 columns.

Typer reports a bad command line in a framed box with pydantic's wording (``Invalid value for
'--format': Value error, 'xml' is not one of 'text', 'jsonl'.``); koen's promise is one line:
``koen: error: --format: 'xml' is not one of text, jsonl`` and exit status 2, for every command.
"""

from __future__ import annotations

import re
from typing import Iterator

import typer.main
from typer._click import Command
from typer._click.exceptions import (BadOptionUsage, BadParameter, ClickException, MissingParameter, NoArgsIsHelpError,
                                     NoSuchOption, UsageError)

__all__ = ["ClickException", "NoArgsIsHelpError", "UsageError", "build_command", "error_line", "walk"]

_PYDANTIC_PREFIXES = ("Value error, ", "Input ")
_CHOICES = re.compile(r"(is not one of )(.*)$")


def param_name(param) -> str:
    """How the user spells the parameter: its long flag, or the argument's name in capitals."""
    if param.param_type_name == "option":
        return max(param.opts, key=lambda flag: (flag.startswith("--"), len(flag)))
    return param.metavar or (param.name or "argument").upper()


def _plain(message: str) -> str:
    for prefix in _PYDANTIC_PREFIXES:
        if message.startswith(prefix):
            message = message[len(prefix):]
    message = message.split(", unable to parse")[0].strip().rstrip(".")
    return _CHOICES.sub(lambda m: m.group(1) + re.sub(r"'([^']*)'", r"\1", m.group(2)), message)


def _lower_first(message: str) -> str:
    return message[:1].lower() + message[1:] if message[:2] != message[:2].upper() else message


def error_line(exc: ClickException) -> str:
    """The one line (without the ``koen: error:`` prefix) for a command-line error."""
    if isinstance(exc, MissingParameter) and exc.param is not None:
        return f"missing {exc.param.param_type_name} {param_name(exc.param)}"
    if isinstance(exc, BadParameter) and exc.param is not None:
        return f"{param_name(exc.param)}: {_plain(exc.message)}"
    if isinstance(exc, NoSuchOption):
        hint = f" (did you mean {' or '.join(sorted(exc.possibilities))}?)" if exc.possibilities else ""
        return f"no such option {exc.option_name}{hint}"
    if isinstance(exc, BadOptionUsage) and "requires an argument" in exc.message:
        return f"{exc.option_name}: needs a value"
    return _plain(_lower_first(exc.format_message() if not isinstance(exc, UsageError) else exc.message))


def walk(command: Command, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Command]]:
    """Every command of the tree, depth first, with its path of names."""
    yield path, command
    for name, sub in getattr(command, "commands", {}).items():
        yield from walk(sub, (*path, name))


def _type_metavar(param) -> str:
    desc = param.type_descriptor
    if desc.is_choice:
        return "|".join(str(getattr(c, "value", c)) for c in desc.choices or ())
    if desc.is_path:
        return "PATH"
    annotation = desc.annotation
    if annotation is int or (desc.is_ranged and "int" in str(desc.ranged_type_name)):
        return "N"
    if annotation is float or desc.is_ranged:
        return "NUMBER"
    return "TEXT"


def _plain_metavars(command: Command) -> None:
    """Metavars a reader understands (``TEXT``, ``N``, ``a|b``) instead of ``<str>``/``<int range>``;
    arguments show their name only."""
    for param in command.params:
        if param.param_type_name == "option":
            if param.metavar is None and not (param.is_flag or param.count):
                param.metavar = _type_metavar(param)
        else:
            param.metavar = param.metavar or (param.name or "argument").upper()
            param.display_type_rich = lambda ctx: None     # the name says it; no "<str>" after it


def build_command(app: typer.Typer) -> Command:
    """The click command tree of ``app`` with plain metavars on every command."""
    root = typer.main.get_command(app)
    for _, command in walk(root):
        command.rich_markup_mode = None     # plain click help: wraps at the terminal, keeps [ray] literal
        _plain_metavars(command)
    return root
