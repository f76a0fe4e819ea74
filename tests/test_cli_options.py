"""Every setting is a flag named after its field, read once by Settings, over the environment."""

from __future__ import annotations

from dataclasses import fields

from click.testing import CliRunner

from kg.cli import main
from kg.cli.options import overrides, setting_options
from kg.config import Settings, flag_name


def test_every_setting_is_a_flag_of_kg() -> None:
    shown = CliRunner().invoke(main, ["--help"], terminal_width=200).output
    for f in fields(Settings):
        assert flag_name(f.name) in shown, f.name


def test_no_option_reads_the_environment_itself() -> None:
    def params(command):
        yield from command.params
        for sub in getattr(command, "commands", {}).values():
            yield from params(sub)

    assert [p.name for p in params(main) if getattr(p, "envvar", None)] == []


def test_a_flag_wins_over_the_environment_and_old_spellings_still_work() -> None:
    import click

    seen: dict[str, Settings] = {}

    @click.command()
    @setting_options("port", "allowed_services", "union_default_graph")
    def probe(**options):
        seen["settings"] = Settings.from_env({"NEWSGRAPH_PORT": "1234"}, **overrides(options))

    result = CliRunner().invoke(probe, ["--port", "9000", "--allow-service", "http://a/",
                                        "--allowed-services", "http://b/", "--no-union-default-graph"])
    assert result.exit_code == 0, result.output
    settings = seen["settings"]
    assert settings.port == 9000
    assert settings.allowed_services == ("http://a/", "http://b/")
    assert settings.union_default_graph is False
    CliRunner().invoke(probe, [])
    assert seen["settings"].port == 1234  # no flag: the environment
    assert seen["settings"].allowed_services == Settings().allowed_services
