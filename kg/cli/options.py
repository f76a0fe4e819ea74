"""Command-line options derived from Settings: one flag per field, named after it.

Flags never read the environment themselves (Settings.from_env does, in one place); a flag
given on the command line overrides the environment. The few older spellings that scripts
use stay as aliases (--allow-service for --allowed-services, enrich's --endpoint and --timeout).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from typing import Any

import click

from kg.config import Settings, flag_name

ALIASES: dict[str, tuple[str, ...]] = {
    "allowed_services": ("--allow-service",),
    "enrich_endpoint": ("--endpoint",),
    "enrich_timeout": ("--timeout",),
}
_FIELDS = {f.name: f for f in fields(Settings)}
_TYPES: dict[str, Any] = {"int": int, "float": float, "str": str}


def setting_options(*names: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Add the flags of these settings (all of them when none are named) to a click command."""
    chosen = names or tuple(_FIELDS)

    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        for name in reversed(chosen):
            command = _option(name)(command)
        return command

    return decorate


def _option(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    f = _FIELDS[name]
    help_text = f.metadata["help"]
    flags = (flag_name(name), *ALIASES.get(name, ()))
    if f.type == "bool":
        yes, no = flag_name(name), "--no-" + flag_name(name)[2:]
        return click.option(f"{yes}/{no}", name, default=None, help=help_text)
    if str(f.type).startswith("tuple"):
        return click.option(*flags, name, multiple=True, help=help_text + " Repeatable.")
    return click.option(*flags, name, type=_TYPES.get(str(f.type), str), default=None, help=help_text)


def overrides(options: dict[str, Any]) -> dict[str, Any]:
    """The settings the command line gave (an empty repeatable flag gives none)."""
    return {k: v for k, v in options.items() if k in _FIELDS and v is not None and v != ()}
