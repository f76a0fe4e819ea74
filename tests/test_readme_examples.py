"""The README is checked: its example queries give the output it shows, every setting is documented."""

from __future__ import annotations

import io
import re

import pytest
from conftest import PROJECT_ROOT

from kg.config import describe_settings, settings_table
from kg.query.output import write_result
from kg.store import Store

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
EXAMPLES = re.findall(r"\$ kg query --file (docs/examples/\S+)\n(.*?)```", README, flags=re.S)


def test_readme_has_examples() -> None:
    assert len(EXAMPLES) >= 3


@pytest.mark.parametrize(("path", "shown"), EXAMPLES, ids=[p for p, _ in EXAMPLES])
def test_readme_example_output_is_real(seeded: Store, path: str, shown: str) -> None:
    query = (PROJECT_ROOT / path).read_text(encoding="utf-8")
    out = io.StringIO()
    write_result(seeded.query(query), "table", out)
    assert out.getvalue() == shown


@pytest.mark.parametrize("env", [row[1] for row in describe_settings()])
def test_every_setting_is_documented(env: str) -> None:
    assert f"`{env}`" in README


def test_the_settings_table_is_the_generated_one() -> None:
    # Regenerate it with `python -m kg.config` after changing kg/config.py.
    assert settings_table() in README
