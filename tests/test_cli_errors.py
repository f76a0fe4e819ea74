"""The CLI stops with click's exception, not sys.exit: `kg: message` on stderr and exit code 1 or 2."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from kg.cli import CommandError, _fail, main


def test_fail_raises_a_click_exception_carrying_its_exit_code() -> None:
    with pytest.raises(CommandError) as caught:
        _fail("the data is wrong", 1)
    assert isinstance(caught.value, click.ClickException)
    assert (caught.value.exit_code, caught.value.message) == (1, "the data is wrong")
    with pytest.raises(CommandError) as caught:
        _fail("could not run")
    assert caught.value.exit_code == 2


def test_a_bad_setting_exits_2_with_the_message_on_stderr() -> None:
    result = CliRunner().invoke(main, ["--store", ":memory:", "--base-iri", "not-an-iri", "stats"])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("kg: ") and "base IRI" in result.stderr
    assert result.stdout == ""
    assert isinstance(result.exception, SystemExit)  # click turned the exception into the exit code


def test_a_usage_mistake_of_ours_exits_2() -> None:
    result = CliRunner().invoke(main, ["--store", ":memory:", "query"])
    assert result.exit_code == 2
    assert result.stderr == "kg: give the query either as an argument or with --file\n"


def test_a_kg_error_inside_a_command_exits_2_without_a_traceback(tmp_path) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text("<a> <b> .\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["--store", ":memory:", "load", str(broken)])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("kg: ") and "Traceback" not in result.stderr
    assert "broken.ttl" in result.stderr and "line 1" in result.stderr, result.stderr  # where it broke
