"""A draft as a file a reviewer edits: completed with what the engine cannot know, written as
readable YAML (block style, article / entities / facts in that order) or JSON.

Completing adds the engine record (``article.extracted_by``), the corpus id, the path of the
text, and the publisher named on the command line: as an entity the graph knows, listed as
``known``, or as a new news source.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Mapping
from typing import Any

import yaml

from kg.errors import ResolutionError
from kg.extract import ArticleText, Draft
from kg.model.gazetteer import Entity, normalize
from kg.model.iris import slugify

FORMATS = ("yaml", "json")
SUFFIXES = {"yaml": ".yaml", "json": ".json"}
_ARTICLE_ORDER = (
    "id", "source_id", "title", "publisher", "wire_service", "published", "language", "url",
    "text_file", "extracted_by",
)


def complete_draft(
    draft: Draft,
    article: ArticleText,
    resolve: Callable[[str], Entity],
    *,
    source_id: str | None = None,
    text_file: str | None = None,
) -> dict[str, Any]:
    """The draft's facts mapping with engine, corpus id, text file and publisher filled in.

    resolve: names to entities outside the article (the gazetteer, then the graph).
    """
    facts = copy.deepcopy(draft.facts)
    meta = dict(facts.get("article") or {})
    meta.setdefault("id", article.article_id)
    meta.setdefault("title", article.title or article.article_id)
    if source_id is not None and source_id != meta["id"]:
        meta["source_id"] = source_id
    if text_file is not None:
        meta["text_file"] = text_file
    if article.published is not None:
        meta.setdefault("published", article.published.isoformat())
    engine = {"engine": draft.engine, "version": draft.engine_version or "unversioned"}
    meta.setdefault("extracted_by", engine)
    entities = list(facts.get("entities") or [])
    if article.publisher:
        meta["publisher"] = _publisher(article.publisher, entities, resolve)
    facts["article"] = {k: meta[k] for k in (*_ARTICLE_ORDER, *meta) if k in meta}
    facts["entities"] = entities
    facts.setdefault("facts", [])
    return {k: facts[k] for k in ("article", "entities", "facts", *facts)}


def _publisher(name: str, entities: list[dict[str, Any]], resolve: Callable[[str], Entity]) -> str:
    """The key the publisher goes by, listing or declaring its entity in ``entities``."""
    wanted = normalize(name)
    for entry in entities:
        names = [entry.get("key", ""), entry.get("label", ""), *entry.get("aliases", [])]
        if any(normalize(n) == wanted for n in names if n):
            return str(entry["key"])
    try:
        found = resolve(name)
    except ResolutionError:
        found = None
    if found is not None and found.kind in ("source", "organization"):
        entities.append({
            "key": found.key, "type": found.type.rsplit("#", 1)[-1], "label": found.label, "known": True,
        })
        return found.key
    key = f"source/{slugify(name) or 'publisher'}"
    entities.append({"key": key, "type": "NewsSource", "label": name.strip()})
    return key


def header(draft: Draft, source_name: str) -> str:
    """The comment that opens a YAML draft: where it came from, what to do with it, what was dropped."""
    lines = [
        f"Draft facts of {source_name}, made by the {draft.engine} engine "
        f"{draft.engine_version or ''}".rstrip() + ".",
        "Check each fact against the text (evidence offsets index it), correct or delete it,",
        "then delete article.extracted_by to mark the file reviewed, and run `kg ingest` on it.",
    ]
    lines += [f"dropped: {reason}" for reason in draft.dropped]
    return "".join(f"# {line}\n" for line in lines)


def dump_draft(facts: Mapping[str, Any], fmt: str, comment: str = "") -> str:
    """A facts mapping as YAML (block style, short lists and spans inline) or JSON."""
    if fmt == "json":
        return json.dumps(facts, indent=2, ensure_ascii=False, default=str) + "\n"
    if fmt != "yaml":
        raise ValueError(f"unknown draft format {fmt!r}; choose one of {', '.join(FORMATS)}")
    body = yaml.dump(
        _plain(facts), Dumper=_DraftDumper, sort_keys=False, allow_unicode=True, width=100
    )
    return comment + body


def _plain(value: Any) -> Any:
    # The dumper represents only plain dicts and lists; drafts may hold tuples or dates.
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


class _DraftDumper(yaml.SafeDumper):
    """Block style, except for what reads best on one line: spans, engine records, short name lists."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _is_scalar(value: Any) -> bool:
    return isinstance(value, str | int | float | bool) or value is None


def _represent_dict(dumper: yaml.SafeDumper, data: dict[str, Any]) -> yaml.Node:
    inline = len(data) <= 2 and all(isinstance(v, int | float) or _short(v) for v in data.values())
    return dumper.represent_mapping("tag:yaml.org,2002:map", list(data.items()), flow_style=inline)


def _represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    inline = all(_is_scalar(v) for v in data) and sum(len(str(v)) + 2 for v in data) <= 72
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=inline)


def _short(value: Any) -> bool:
    return isinstance(value, str) and len(value) <= 24


_DraftDumper.add_representer(dict, _represent_dict)
_DraftDumper.add_representer(list, _represent_list)
