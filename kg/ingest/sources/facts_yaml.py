"""Read a facts file (YAML) into ArticleFacts, with errors that name file, fact, field and problem."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from kg.errors import FactsError
from kg.model.facts import (
    PATTERN_WORDS,
    AgreementFact,
    ArticleFacts,
    ArticleMeta,
    EntityDecl,
    EventFact,
    RelationFact,
    TenureFact,
)

# The record each part of a file is read into, to suggest a field for a misspelt one.
_MODELS: dict[str, type[Any]] = {
    "article": ArticleMeta, "entities": EntityDecl, "event": EventFact, "tenure": TenureFact,
    "agreement": AgreementFact, "relation": RelationFact,
}


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
        raise FactsError(name, [_yaml_problem(exc, text)]) from exc
    return facts_from_mapping(data, name)


def _yaml_problem(exc: yaml.YAMLError, text: str) -> str:
    """'line 3, column 7: not valid YAML: <problem>' and that line with a caret under the column.

    PyYAML's own message names its input "<unicode string>": the file is named by FactsError.
    """
    mark = getattr(exc, "problem_mark", None)
    if mark is None:
        return f"not valid YAML: {exc}"
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    context_mark = getattr(exc, "context_mark", None)
    if context and context_mark is not None and context_mark.line != mark.line:
        problem += f" ({context} that starts on line {context_mark.line + 1})"
    elif context:
        problem += f" ({context})"
    lines = text.splitlines()
    if mark.line >= len(lines):
        return f"line {mark.line + 1} (the end of the file): not valid YAML: {problem}"
    where = f"line {mark.line + 1}, column {mark.column + 1}: not valid YAML: {problem}"
    return f"{where}\n      {lines[mark.line]}\n      {' ' * mark.column}^"


def facts_from_mapping(data: Any, name: str) -> ArticleFacts:
    """Check a facts document already read (a draft, a parsed YAML or JSON file).

    :raises FactsError: on every field that breaks the format.
    """
    if not isinstance(data, dict):
        raise FactsError(name, ["the top level must be a mapping with 'article' and 'facts'"])
    try:
        return ArticleFacts.model_validate(data)
    except ValidationError as exc:
        problems = [_describe(err, data) for err in exc.errors()]
        # The model checks keys only once every fact is valid: say it now, in the same run.
        problems += [p for p in _repeated_keys(data) if p not in problems]
        raise FactsError(name, problems) from exc


def _repeated_keys(data: dict[str, Any]) -> list[str]:
    """'fact key 'x' is used twice' for each key the raw facts repeat."""
    facts = data.get("facts")
    keys = [f.get("key") for f in facts if isinstance(f, dict)] if isinstance(facts, list) else []
    repeated = sorted({k for k in keys if isinstance(k, str) and keys.count(k) > 1})
    return [f"facts: fact key {key!r} is used twice" for key in repeated]  # as the model says it


def _describe(error: dict[str, Any], data: dict[str, Any]) -> str:
    """'fact 3 (key 'letter'), field 'date': <problem>' from one pydantic error."""
    loc = list(error["loc"])
    where = "file"
    model = _MODELS.get(str(loc[0])) if loc else None
    if len(loc) >= 2 and loc[0] in {"facts", "entities"} and isinstance(loc[1], int):
        section, index = loc[0], loc[1]
        loc = loc[2:]
        if section == "facts" and loc and loc[0] in {"event", "tenure", "agreement", "relation"}:
            model = _MODELS[str(loc[0])]
            loc = loc[1:]  # the discriminator's tag adds nothing for the reader
        item = _item(data, section, index)
        label = item.get("key") if isinstance(item, dict) else None
        noun = "fact" if section == "facts" else "entity"
        where = f"{noun} {index + 1}" + (f" (key {label!r})" if label else "")
    elif len(loc) == 1 and error["type"] == "extra_forbidden":
        model = ArticleFacts  # a top-level key of the file
    elif loc:
        where = str(loc.pop(0))
    field = ".".join(str(part) for part in loc)
    message = error["msg"]
    if error["type"] == "extra_forbidden":
        names = list(model.model_fields) if model is not None and len(loc) == 1 else []
        close = difflib.get_close_matches(field, names, n=1)
        hint = f"did you mean {close[0]!r}?" if close else "check its spelling against the facts format"
        message = f"unknown field ({hint})"
    elif error["type"] == "string_pattern_mismatch" and error["ctx"]["pattern"] in PATTERN_WORDS:
        message = f"{error['input']!r} is not {PATTERN_WORDS[error['ctx']['pattern']]}"
    elif error["type"] == "value_error":
        message = message.removeprefix("Value error, ")
    elif error["type"] == "list_type" and isinstance(error.get("input"), str):
        message = f"give a list, even of one, as in [{error['input']}]"
    elif error["type"] == "union_tag_invalid":
        tag = str(error.get("ctx", {}).get("tag", ""))
        kinds = ("event", "tenure", "agreement", "relation")
        close = difflib.get_close_matches(tag, kinds, n=1)
        hint = f"did you mean {close[0]}?" if close else f"a fact is one of: {', '.join(kinds)}"
        field, message = "kind", f"{tag!r} is no kind of fact; {hint}"
    return f"{where}, field {field!r}: {message}" if field else f"{where}: {message}"


def _item(data: dict[str, Any], section: str, index: int) -> Any:
    items = data.get(section)
    return items[index] if isinstance(items, list) and index < len(items) else None
