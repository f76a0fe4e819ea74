"""Read a facts file (YAML) into ArticleFacts, with errors that name file, fact, field and problem."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from kg.errors import FactsError
from kg.model.facts import ArticleFacts


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """YAML's safe loader, keeping timestamps as text: an impossible date (2025-02-30) must
    reach the facts check, which names the fact and field, not fail inside the YAML reader."""


_Loader.add_constructor("tag:yaml.org,2002:timestamp", yaml.SafeLoader.construct_scalar)


def read_facts_file(path: str | Path) -> ArticleFacts:
    """Parse and check one facts file.

    :raises FactsError: naming the file and, for each problem, the fact, the field and the problem.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FactsError(str(path), [f"cannot read the file: {exc}"]) from exc
    return parse_facts(text, str(path))


def parse_facts(text: str, name: str) -> ArticleFacts:
    """Parse facts from YAML text; ``name`` is what error messages call the source.

    :raises FactsError: on YAML syntax errors and on every field that breaks the format.
    """
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader, C or Python
    except yaml.YAMLError as exc:
        raise FactsError(name, [f"not valid YAML: {exc}"]) from exc
    return facts_from_mapping(data, name)


def facts_from_mapping(data: Any, name: str) -> ArticleFacts:
    """Check a facts document already read (a draft, a parsed YAML or JSON file).

    :raises FactsError: on every field that breaks the format.
    """
    if not isinstance(data, dict):
        raise FactsError(name, ["the top level must be a mapping with 'article' and 'facts'"])
    try:
        return ArticleFacts.model_validate(data)
    except ValidationError as exc:
        raise FactsError(name, [_describe(err, data) for err in exc.errors()]) from exc


def _describe(error: dict[str, Any], data: dict[str, Any]) -> str:
    """'fact 3 (key 'letter'), field 'date': <problem>' from one pydantic error."""
    loc = list(error["loc"])
    where = "file"
    if len(loc) >= 2 and loc[0] in {"facts", "entities"} and isinstance(loc[1], int):
        section, index = loc[0], loc[1]
        loc = loc[2:]
        if section == "facts" and loc and loc[0] in {"event", "tenure", "agreement", "relation"}:
            loc = loc[1:]  # the discriminator's tag adds nothing for the reader
        item = _item(data, section, index)
        label = item.get("key") if isinstance(item, dict) else None
        noun = "fact" if section == "facts" else "entity"
        where = f"{noun} {index + 1}" + (f" (key {label!r})" if label else "")
    elif loc:
        where = str(loc.pop(0))
    field = ".".join(str(part) for part in loc)
    message = error["msg"]
    if error["type"] == "extra_forbidden":
        message = "unknown field (check its spelling against the facts format)"
    return f"{where}, field {field!r}: {message}" if field else f"{where}: {message}"


def _item(data: dict[str, Any], section: str, index: int) -> Any:
    items = data.get(section)
    return items[index] if isinstance(items, list) and index < len(items) else None
