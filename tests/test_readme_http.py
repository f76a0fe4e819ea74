"""The README's SPARQLWrapper example, run against a real server, prints what the README shows."""

from __future__ import annotations

import contextlib
import io
import re

from conftest import PROJECT_ROOT
from site_server import running_site

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
SNIPPET, SHOWN = re.search(r"```python\n(.*?)```\n\n```text\n(.*?)```", README, flags=re.S).groups()


def test_sparqlwrapper_example_prints_the_readme_output(tmp_path, seeded_store_path) -> None:
    with running_site(tmp_path, seeded_store_path) as server:
        code = SNIPPET.replace("http://127.0.0.1:8000/sparql", server.sparql)
        assert code != SNIPPET
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(code, "README.md", "exec"), {})  # noqa: S102 - our own README's example
    assert out.getvalue() == SHOWN
