"""Contract tests: what a user can run is documented where they look for it."""

from __future__ import annotations

from pathlib import Path

import typer.main

from tessera.cli import app

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


def _command_paths(group: typer.Typer, prefix: str = "tessera") -> list[str]:
    click_group = typer.main.get_group(group)
    paths = []
    for name, command in click_group.commands.items():
        sub = getattr(command, "commands", None)
        if sub:
            paths += [f"{prefix} {name} {child}" for child in sub]
        else:
            paths.append(f"{prefix} {name}")
    return paths


def test_every_cli_command_is_in_the_readme() -> None:
    """A command missing from the README's table is a command nobody finds."""
    missing = [path for path in _command_paths(app) if f"`{path}" not in README]
    assert not missing


def test_every_cli_command_has_help_from_its_docstring() -> None:
    """CLI help comes from the docstring, so each command must have one."""
    group = typer.main.get_group(app)
    for name, command in group.commands.items():
        for sub in getattr(command, "commands", {name: command}).values():
            assert sub.help, name
