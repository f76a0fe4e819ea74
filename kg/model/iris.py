"""Mint and parse IRIs under the configured base IRI.

Entities:  {base}id/{kind}/{slug}          e.g. .../id/state/iran, .../id/person/ali-khamenei
Graphs:    {base}graph/article/{article}   one per article (its facts)
           {base}graph/article/{article}/inferred   the rdf:type closure of those facts
           {base}graph/meta                 article metadata and PROV-O provenance
           {base}graph/reference            the gazetteer (states, persons, offices, ...)
           {base}graph/reference/inferred   its rdf:type closure
           {base}graph/ontology             the ontology itself
           {base}graph/store/{uuid}         a graph POSTed to the Graph Store without a name
           {base}graph/gdelt/{file}/lines-{first}-{last}   one chunk of an imported GDELT file
                                            (+ /inferred); {base}graph/gdelt/{file} names the file

IRIs never depend on the host or port the server runs on.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from dataclasses import dataclass

from pyoxigraph import NamedNode

from kg.errors import ConfigError

KINDS = (
    "state",
    "organization",
    "person",
    "office",
    "tenure",
    "facility",
    "place",
    "agreement",
    "relation",
    "event",
    "article",
    "source",
)

# Kinds the pipeline mints for itself (never named in a facts file); they get pages too.
ACTIVITY_KINDS = ("ingestion",)

_SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def slugify(text: str) -> str:
    """A readable, stable slug: ASCII, lower case, words joined by hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def is_slug(text: str) -> bool:
    return bool(_SLUG_RE.match(text))


# An article id may hold "--": article_slug writes a corpus id's slashes so.
ARTICLE_ID_PATTERN = r"^[a-z0-9]+(?:--?[a-z0-9]+)*$"


def is_article_id(text: str) -> bool:
    """Whether text can be an article's id (what a facts file's article.id may be)."""
    return re.match(ARTICLE_ID_PATTERN, text) is not None


def article_slug(source_id: str) -> str:
    """An article id from a corpus id: each '/'-separated part slugified, joined by '--'.

    business/g7-backs-africa-debt-relief-plan -> business--g7-backs-africa-debt-relief-plan.
    A slug never holds '--', so the parts stay apart and the original id keeps one slug.
    """
    parts = [slugify(part) for part in source_id.split("/")]
    return "--".join(part for part in parts if part)


@dataclass(frozen=True)
class EntityRef:
    kind: str
    slug: str

    def __str__(self) -> str:
        return f"{self.kind}/{self.slug}"


def is_absolute_iri(text: str) -> bool:
    """Whether text is an absolute IRI (RFC 3987), as Oxigraph reads IRIs."""
    try:
        NamedNode(text)
    except ValueError:
        return False
    return True


class Iris:
    """The IRI scheme of one deployment, bound to its base IRI."""

    def __init__(self, base_iri: str) -> None:
        if not re.match(r"^https?://[^/\s]+(/[^\s]*)?$", base_iri):
            raise ConfigError(f"base IRI {base_iri!r} must be an absolute http(s) IRI")
        self.base = base_iri if base_iri.endswith("/") else base_iri + "/"

    def entity(self, kind: str, slug: str) -> str:
        if kind not in KINDS:
            raise ConfigError(f"unknown entity kind {kind!r}; known kinds: {', '.join(KINDS)}")
        return f"{self.base}id/{kind}/{slug}"

    def parse_entity(self, iri: str) -> EntityRef | None:
        """The kind and slug of an entity IRI minted here, or None for any other IRI."""
        prefix = self.base + "id/"
        if not iri.startswith(prefix):
            return None
        kind, _, slug = iri[len(prefix) :].partition("/")
        if kind not in KINDS or not slug:
            return None
        return EntityRef(kind, slug)

    def article(self, article_id: str) -> str:
        return self.entity("article", article_id)

    def event(self, article_id: str, fact_key: str) -> str:
        return self.entity("event", f"{article_id}-{fact_key}")

    def new_store_graph(self) -> str:
        """A fresh graph IRI for a Graph Store POST that names no graph."""
        return f"{self.base}graph/store/{uuid.uuid4()}"

    def article_graph(self, article_id: str) -> str:
        return f"{self.base}graph/article/{article_id}"

    def article_of_graph(self, graph_iri: str) -> str | None:
        """The article id whose graph this is, or None for any other graph."""
        prefix = f"{self.base}graph/article/"
        rest = graph_iri.removeprefix(prefix)
        return rest if rest != graph_iri and rest and "/" not in rest else None

    def article_records(self, article_id: str) -> list[str]:
        """The subjects of an article's records in the meta graph: it, its graphs, their making."""
        graph = self.article_graph(article_id)
        return [self.article(article_id), graph, self.inferred_graph(graph),
                f"{self.ingestion_activity_prefix}{article_id}",
                self.extraction_activity(article_id), self.extraction_engine(article_id)]

    def inferred_graph(self, graph_iri: str) -> str:
        return f"{graph_iri}/inferred"

    def gdelt_file(self, stem: str) -> str:
        """The imported GDELT file, parent of its chunk graphs (it holds no triples itself)."""
        return f"{self.base}graph/gdelt/{stem}"

    def gdelt_chunk_graph(self, stem: str, first_line: int, last_line: int) -> str:
        """The graph of lines first..last of an imported GDELT file."""
        return f"{self.gdelt_file(stem)}/lines-{first_line}-{last_line}"

    @property
    def gdelt_prefix(self) -> str:
        return f"{self.base}graph/gdelt/"

    @property
    def meta_graph(self) -> str:
        return f"{self.base}graph/meta"

    @property
    def reference_graph(self) -> str:
        return f"{self.base}graph/reference"

    @property
    def ontology_graph(self) -> str:
        return f"{self.base}graph/ontology"

    @property
    def ingestion_activity_prefix(self) -> str:
        return f"{self.base}id/{ACTIVITY_KINDS[0]}/"

    def extraction_activity(self, article_id: str) -> str:
        """The activity that drafted an article's facts from its text: a part of its ingestion's IRI."""
        return f"{self.ingestion_activity_prefix}{article_id}#extraction"

    def extraction_engine(self, article_id: str) -> str:
        """The software agent (engine and version) of that extraction, described per article."""
        return f"{self.ingestion_activity_prefix}{article_id}#extractor"
