"""`kg extract`: article text in, a draft facts file out (stdout, --output-dir, JSON); bad input named.

The command runs in this process (click's runner) so that the rule engine loads once; the
texts are written for these tests.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from kg.cli import main
from kg.ingest.sources.facts_yaml import facts_from_mapping, parse_facts

TEXT = (
    "Russian President Vladimir Putin met Abbas Araghchi, Iran's foreign minister, in Moscow "
    "on Monday. Araghchi said Tehran wanted closer ties with Russia.\n"
)
OTHER = "China condemned the strikes on Friday and called for a ceasefire at the United Nations.\n"


def run(tmp_path: Path, *args: str, stdin: bytes | None = None, **env: str) -> Result:
    # A store that does not exist: extraction reads names from the graph only if there is one.
    return CliRunner().invoke(
        main, ["--store", str(tmp_path / "no-store"), "extract", *args], input=stdin, env=env
    )


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "talks in moscow.txt"
    path.write_text(TEXT, encoding="utf-8")
    return path


def test_one_file_prints_a_readable_yaml_draft(tmp_path: Path, article: Path) -> None:
    result = run(tmp_path, str(article), "--published", "2025-06-23", "--publisher", "Reuters")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("# Draft facts of ")
    draft = yaml.safe_load(result.stdout)
    assert list(draft) == ["article", "entities", "facts"]
    meta = draft["article"]
    assert meta["id"] == "talks-in-moscow"
    assert meta["extracted_by"]["engine"] == "rules" and meta["extracted_by"]["version"]
    assert str(meta["published"]) == "2025-06-23"
    assert meta["publisher"] == "organization/reuters"
    assert Path(meta["text_file"]) == article.resolve()
    # Block style: one key a line, not one flow mapping.
    assert "\nentities:\n- key: " in result.stdout and "\nfacts:\n- " in result.stdout
    known = {e["key"] for e in draft["entities"] if e.get("known")}
    assert {"person/vladimir-putin", "state/russia"} <= known
    # Exactly what `kg ingest` reads.
    assert parse_facts(result.stdout, "draft").article.id == "talks-in-moscow"


def test_relative_dates_are_left_out_without_a_publication_date(tmp_path: Path, article: Path) -> None:
    result = run(tmp_path, str(article))
    assert result.exit_code == 0, result.stderr
    draft = yaml.safe_load(result.stdout)
    assert "published" not in draft["article"]
    assert all("date" not in fact for fact in draft["facts"])


def test_output_dir_gets_one_json_draft_per_input(tmp_path: Path, article: Path) -> None:
    other = tmp_path / "ceasefire.txt"
    other.write_text(OTHER, encoding="utf-8")
    out = tmp_path / "drafts"
    result = run(tmp_path, str(article), str(other), "--output-dir", str(out), "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["ceasefire.json", "talks-in-moscow.json"]
    for name, source in (("ceasefire.json", other), ("talks-in-moscow.json", article)):
        draft = json.loads((out / name).read_text(encoding="utf-8"))
        assert list(draft) == ["article", "entities", "facts"]
        # The draft names its text relative to itself, so the folder can move as a whole.
        assert (out / draft["article"]["text_file"]).resolve() == source.resolve()
        facts_from_mapping(draft, name)
    assert "2 draft(s)" in result.stdout


def test_standard_input(tmp_path: Path) -> None:
    result = run(tmp_path, "-", stdin=OTHER.encode("utf-8"))
    assert result.exit_code == 0, result.stderr
    draft = yaml.safe_load(result.stdout)
    assert draft["article"]["id"] == "stdin" and "text_file" not in draft["article"]
    assert any(e["key"] == "state/china" for e in draft["entities"])


def test_several_inputs_need_an_output_dir(tmp_path: Path, article: Path) -> None:
    result = run(tmp_path, str(article), str(article))
    assert result.exit_code == 2
    assert "--output-dir" in result.stderr


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty"),
        (b" \n\t\n", "empty"),
        (b"GIF89a\x00\x01\x00\x01", "NUL byte"),
        ("Les ministres se sont réunis à Genève.".encode("latin-1"), "not UTF-8"),
        (b"word " * 300, "more than the 1,000 bytes"),
    ],
    ids=["empty", "blank", "binary", "latin-1", "too-large"],
)
def test_bad_input_is_named_and_nothing_is_written(
    tmp_path: Path, article: Path, content: bytes, reason: str
) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    out = tmp_path / "drafts"
    result = run(tmp_path, str(article), str(bad), "--output-dir", str(out),
                 NEWSGRAPH_MAX_ARTICLE_BYTES="1000")
    assert result.exit_code == 2, result.stdout
    assert str(bad) in result.stderr and reason in result.stderr
    assert not out.exists()


def test_two_inputs_with_the_same_name_would_overwrite_each_other(tmp_path: Path, article: Path) -> None:
    twin = tmp_path / "elsewhere" / article.name
    twin.parent.mkdir()
    twin.write_text(OTHER, encoding="utf-8")
    out = tmp_path / "drafts"
    result = run(tmp_path, str(article), str(twin), "--output-dir", str(out))
    assert result.exit_code == 2
    assert "would overwrite" in result.stderr and not out.exists()
