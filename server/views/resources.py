"""Linked-data pages: every IRI we mint answers HTML for people and RDF for machines.

Cool URIs, 303 style: a thing's IRI (/id/{kind}/{slug}) answers 303 See Other to a document
URL chosen by negotiation (/id/{kind}/{slug}.html, .ttl, .jsonld, .nt, .rdf); each RDF
document says `<document> foaf:primaryTopic <thing>`. The ontology has its own module
(server.views.ontology). README.md, section "Linked data", says why.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pyoxigraph as ox
from flask import (
    Blueprint,
    Response,
    abort,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
)
from markupsafe import Markup, escape

from kg.model import formats
from kg.model.formats import Format
from kg.model.iris import ACTIVITY_KINDS, KINDS, Iris, is_absolute_iri
from kg.model.vocab import NG, NG_IRI, ONTOLOGY_IRI, PREFIXES, XSD, sparql_prefixes
from kg.publish import describe as kd
from kg.publish.activity import EVENTS_PER_PAGE, Activity
from kg.publish.evidence import article_evidence, extraction_of
from kg.publish.summary import summary
from kg.publish.void import DUMP_NAME
from kg.publish.void_overview import void_overview
from server.http import negotiation
from server.http.protocol import BadRequest, NotFound, page_number
from server.state import state
from server.views.chart import months_svg
from server.views.picture import neighbourhood_svg

blueprint = Blueprint("pages", __name__, template_folder="templates", static_folder="static",
                      static_url_path="/static")

# The document formats of a resource, in the order the page lists them.
DOCUMENT_FORMATS: tuple[Format, ...] = tuple(
    f for name in ("turtle", "jsonld", "ntriples", "rdfxml") if (f := formats.by_name(name)) is not None
)
# A resource's description also comes as a dataset: each statement in the graphs that hold it.
DATASET_FORMATS: tuple[Format, ...] = tuple(
    f for name in ("trig", "nquads") if (f := formats.by_name(name)) is not None
)
ENTITY_FORMATS: tuple[Format, ...] = (*DOCUMENT_FORMATS, *DATASET_FORMATS)
HTML_EXT = "html"
_DOC_EXT = re.compile(r"^(?P<slug>.+?)\.(?P<ext>html|ttl|jsonld|nt|rdf|trig|nq)$")
GROUP_ORDER = (str(NG.agent), str(NG.recipient), str(NG.target), str(NG.participant),
               str(NG.mediator), str(NG.carrier), str(NG.location), str(NG.about), str(NG.date))
# ng:involves is inferred from the roles and would repeat each of their rows: the RDF has it.
HIDDEN_OUTGOING = {kd.RDF_TYPE, kd.RDFS_LABEL, str(NG.involves)}
HIDDEN_INCOMING = {str(NG.involves)}
# How the data was written, not what it says: the RDF keeps them, pages do not show them.
INTERNAL = {str(NG.factKey), str(NG.datePrecision), str(NG.evidence)}


@blueprint.after_request
def _validators(response: Response) -> Response:
    """An ETag on every page and document, so crawlers and caches can revalidate (304)."""
    if (request.method in ("GET", "HEAD") and response.status_code == 200
            and not response.direct_passthrough and "ETag" not in response.headers):
        response.add_etag()
        response.make_conditional(request)
    return response


# --- IRIs to links on this host


def iris() -> Iris:
    return Iris(state().settings.base_iri)


def page_url(iri: str) -> str | None:
    """The URL on this server for an IRI we serve (under the base or the ontology), else None."""
    host = request.host_url
    if iri == ONTOLOGY_IRI or iri.startswith(NG_IRI):
        return host + "ontology" + iri[len(ONTOLOGY_IRI):]
    base = iris().base
    if iri.startswith(base):
        return host + iri[len(base):]
    return None


_WEB_IRI = re.compile(r"^https?://", re.IGNORECASE)


def is_web_iri(iri: str) -> bool:
    """Whether an IRI may become a link: http and https only (javascript:, data: and the rest
    would run or show whatever they hold on our origin when clicked)."""
    return _WEB_IRI.match(iri) is not None


def link(iri: str, text: str | None = None, css: str = "") -> Markup:
    """An <a> to our page for a local IRI, an external link marked as such, or (for any IRI
    that is not http or https) the IRI as text."""
    local = page_url(iri)
    label = escape(text if text is not None else kd.short_name(iri))
    cls = f' class="{escape(css)}"' if css else ""
    if local is not None:
        return Markup(f'<a href="{escape(local)}"{cls} title="{escape(iri)}">{label}</a>')
    if not is_web_iri(iri):
        return Markup(f'<span class="iri {escape(css)}" title="{escape(iri)}">{label}</span>')
    return Markup(
        f'<a href="{escape(iri)}" class="external {escape(css)}" rel="noopener" '
        f'title="{escape(iri)}">{label} ↗</a>'
    )


def term_html(term: Any, desc: kd.Description) -> Markup:
    """A value: linked IRI with its label, or an escaped literal with language or datatype."""
    if isinstance(term, ox.NamedNode):
        return link(term.value, desc.label(term.value))
    if isinstance(term, ox.Literal):
        extra = ""
        if term.language:
            extra = f' <span class="lang">@{escape(term.language)}</span>'
        elif term.datatype != XSD.string:
            extra = f' <span class="dt">{escape(kd.short_name(term.datatype.value))}</span>'
        rounded = _rounded(term)
        if rounded is not None:  # people read -2.66; the title and the RDF keep every digit
            full = escape(term.value)
            return Markup(f'<span class="literal" title="{full}">{escape(rounded)}</span>{extra}')
        return Markup(f'<span class="literal">{escape(term.value)}</span>{extra}')
    return Markup(f'<span class="bnode">{escape(str(term))}</span>')


_DECIMALS = 2


def _rounded(term: ox.Literal) -> str | None:
    """A decimal or double with more than two decimals, rounded to two for reading; else None."""
    if term.datatype not in (XSD.decimal, XSD.double) or "." not in term.value:
        return None
    if len(term.value.split(".", 1)[1].rstrip("0")) <= _DECIMALS or "e" in term.value.lower():
        return None
    try:
        return f"{float(term.value):.{_DECIMALS}f}"
    except ValueError:  # an ill-typed literal is shown as written
        return None


@blueprint.app_context_processor
def _helpers() -> dict[str, Any]:
    return {"link": link, "page_url": page_url, "short_name": kd.short_name,
            "query_settings": query_settings}


# --- documents of one resource


def negotiate_document(offered: Sequence[Format] = DOCUMENT_FORMATS) -> Format | str:
    """The document format (or text/html) a request for a resource asks for; 406 if none.

    A client that names no type (wget's and curl's */*, or no Accept) gets the page, as on
    DBpedia: crawlers then follow its links, and RDF clients always name an RDF type.
    """
    return negotiation.choose(
        offered, request.headers.get("Accept"), request.args.get("format"),
        extra=(negotiation.HTML,), for_any=negotiation.HTML,
    )


def _rdf_response(triples: Sequence[ox.Triple | ox.Quad], fmt: Format, status: int = 200) -> Response:
    body = kd.serialize(triples, fmt)
    return Response(body, status=status, content_type=fmt.content_type, headers={"Vary": "Accept"})


def not_found(what: str, fmt: Format | None = None, offered: Sequence[Format] = DOCUMENT_FORMATS) -> Response:
    """404 as an empty RDF document in fmt, or in the RDF format the client asked for by name.

    :raises NotFound: for every other client, answered by the one renderer
        (server.views.error_response): a page for a browser, the message for curl.
    """
    fmt = fmt or _named_document_format(offered)
    if fmt is None:
        raise NotFound(what)
    return _rdf_response([], fmt, status=404)


def _named_document_format(offered: Sequence[Format]) -> Format | None:
    """The RDF document format this request names (?format=, or Accept without a wildcard)."""
    try:
        chosen = negotiate_document(offered)
    except negotiation.NotAcceptable:
        return None
    if not isinstance(chosen, Format):
        return None
    if request.args.get("format") or negotiation.names(request.headers.get("Accept"), chosen):
        return chosen
    return None


@blueprint.route("/id/<kind>/<path:slug>")
def resource(kind: str, slug: str) -> Response:
    """A thing IRI (303 to a document) or one of its documents (.html, .ttl, …)."""
    match = _DOC_EXT.match(slug)
    iri = f"{iris().base}id/{kind}/{match['slug'] if match else slug}"
    if not is_absolute_iri(iri):  # a space or "|" in the path: no IRI we mint, so no resource
        return not_found(f"{iri} is not an IRI this graph could hold.", offered=ENTITY_FORMATS)
    # A kind we do not mint still has a page when the store holds statements about it
    # (written by SPARQL Update or the Graph Store): every subject under the base is browsable.
    known = kind in KINDS or kind in ACTIVITY_KINDS
    if not known and not kd.has_statements(state().store, iri):
        return not_found(f"There is no kind of resource called “{kind}”.", offered=ENTITY_FORMATS)
    if match is None:
        chosen = negotiate_document(ENTITY_FORMATS)
        if not kd.has_statements(state().store, iri):
            return not_found(f"The graph knows nothing about {iri}.", offered=ENTITY_FORMATS)
        ext = HTML_EXT if isinstance(chosen, str) else chosen.extension
        target = _document_url(kind, slug, ext)
        part = [(k, request.args[k]) for k in ("property", "page") if k in request.args]
        if part:  # ?page= and ?property= name a part of every document (?format= is spent)
            target += "?" + "&".join(f"{k}={quote(v, safe='')}" for k, v in part)
        response = redirect(target, code=303)
        response.headers["Vary"] = "Accept"
        return response
    fmt = None if match["ext"] == HTML_EXT else formats.by_name(match["ext"])
    store = state().store
    activity = state().caches.activity.get(iri, state().engine.version)
    paging = Paging.of_request(activity)
    # The RDF carries the role statements of the page's events; the HTML shows them as a timeline.
    events = activity.page(paging.page) if paging.only is None and fmt is not None else ()
    desc = kd.describe(store, iris(), iri, summary=activity.incoming, only=paging.only,
                       page=paging.page, events=events)
    if not desc.exists:
        if fmt is None:  # the .html document: a page or the message, never RDF
            raise NotFound(f"The graph knows nothing about {iri}.")
        return not_found(f"The graph knows nothing about {iri}.", fmt)
    paging.check(desc, activity)
    more = paging.more(desc, activity)
    if fmt in DATASET_FORMATS:
        response = _rdf_response(kd.description_quads(store, desc, paging.url(), more), fmt)
    elif fmt is not None:
        response = _rdf_response(kd.description_triples(desc, paging.url(), more), fmt)
    else:
        base = _document_url(kind, match["slug"])
        documents = [(f, f"{base}.{f.extension}") for f in ENTITY_FORMATS]
        html = entity_page(desc, kind, documents, activity=activity, paging=paging)
        response = Response(html, content_type=formats.HTML_CONTENT_TYPE)
    links = [f'<{url}>; rel="{rel}"' for rel, url in paging.links(desc, activity).items()]
    if links:
        response.headers["Link"] = ", ".join(links)
    return response


class Paging:
    """Which part of a resource's document a request asks for: ?page= of its events (latest
    first, EVENTS_PER_PAGE each) or, with ?property=, of the subjects pointing at it that way."""

    def __init__(self, only: str | None, page: int) -> None:
        self.only = only
        self.page = page

    @classmethod
    def of_request(cls, activity: Activity) -> Paging:
        """The paging of this request.

        :raises BadRequest: when ?page= is no positive whole number or ?property= no IRI.
        """
        only = request.args.get("property") or None
        page = page_number(request.args.get("page"))
        if only is not None and not is_absolute_iri(only):
            raise BadRequest(f"?property={only}: name the property by its full IRI.")
        return cls(only, page)

    def check(self, desc: kd.Description, activity: Activity) -> None:
        """:raises NotFound: when the page is past the last one."""
        last = self.last(desc, activity)
        if self.page > last:
            raise NotFound(f"There is no page {self.page} here: the last is {last} ({self.url(last)}).")

    def last(self, desc: kd.Description, activity: Activity) -> int:
        if self.only is None:
            return activity.pages(EVENTS_PER_PAGE)
        return max(1, -(-desc.incoming_counts.get(self.only, 0) // kd.INCOMING_PAGE))

    def url(self, page: int | None = None, only: str | None = None, *, listing: bool = False) -> str:
        """This document's URL for a page (default: this one) of the events or of one property."""
        only = only if listing else self.only
        page = self.page if page is None else page
        params = ([("property", only)] if only else []) + ([("page", str(page))] if page > 1 else [])
        query = "&".join(f"{k}={quote(v, safe='')}" for k, v in params)
        return request.base_url + (f"?{query}" if query else "")

    def links(self, desc: kd.Description, activity: Activity) -> dict[str, str]:
        """prev and next, as URLs of this document (the Link header and the page's links)."""
        found = {}
        if self.page > 1:
            found["prev"] = self.url(self.page - 1)
        if self.page < self.last(desc, activity):
            found["next"] = self.url(self.page + 1)
        return found

    def more(self, desc: kd.Description, activity: Activity) -> list[str]:
        """The URLs of what this document leaves out: its next page, each cut property's list."""
        urls = [url for rel, url in self.links(desc, activity).items() if rel == "next"]
        if self.only is None:
            urls += [self.url(1, p, listing=True) for p, n in sorted(desc.incoming_counts.items())
                     if n > kd.MAX_INCOMING]
        return urls


def _document_url(kind: str, slug: str, ext: str | None = None) -> str:
    """The URL of a resource's document on this host; ext None: without its extension."""
    # The slug arrives decoded: a "#" or a space in it must go back out percent-encoded.
    path = quote(f"id/{kind}/{slug}" + (f".{ext}" if ext else ""), safe="/!$&'()*+,;=:@")
    return request.host_url + path


FACT_KINDS = ("event", "tenure", "agreement", "relation")


def entity_page(
    desc: kd.Description, kind: str, documents: list[tuple[Format, str]], *,
    activity: Activity | None = None, paging: Paging | None = None,
) -> str:
    """The HTML page of one resource, linking its documents (format, URL): with its activity,
    counts of its events, the page of them that paging asks for and a chart of them by month;
    with paging.only, the page of subjects pointing at it through that one property instead."""
    store, ids = state().store, iris()
    activity = activity or Activity(desc.iri)
    paging = paging or Paging(None, 1)
    grouped_out = _group(desc.outgoing, hidden=HIDDEN_OUTGOING | INTERNAL)
    common = _common_sources(desc, [s for _, group in grouped_out for s in group])
    # An article's evidence spans are shown with its facts (their sentences, or a link each).
    spans = {str(NG.inArticle)} if kind == "article" else set()
    grouped_in = _group(desc.incoming, hidden=HIDDEN_INCOMING | spans)
    same_as = [v.value for v in desc.values(kd.OWL_SAME_AS) if isinstance(v, ox.NamedNode)]
    facts = kd.article_facts(store, ids, desc.iri) if kind == "article" else None
    if facts is not None:
        article_graphs = [facts.graph]
        evidence = article_evidence(store, desc.iri, facts.graph, [iri for iri, _, _ in facts.subjects])
    else:
        # A fact comes from its article; a state or a person gathers hundreds of them, and
        # says nothing of how each was read (its facts' pages do).
        article_graphs = [s.graph for s in desc.sources.values() if s.kind == "article"] \
            if kind in FACT_KINDS else []
        evidence = {}
    return render_template(
        "entity.html",
        desc=desc,
        kind=kind,
        title=desc.label(desc.iri),
        summary=_capitalise(summary(store, desc)),
        types=desc.types,
        asserted=set(desc.asserted_types),
        aliases=[v.value for v in desc.values(kd.SKOS_ALT)],
        same_as=same_as,
        outgoing=grouped_out,
        incoming=grouped_in,
        timeline=kd.timeline(store, ids, desc.iri, activity.page(paging.page))
        if paging.only is None else [],
        activity=activity,
        role_types=_role_types(activity),
        chart=months_svg(activity.months),
        listing=paging.only,
        nav=paging.links(desc, activity),
        page=paging.page,
        pages=paging.last(desc, activity),
        more=lambda p: paging.url(1, p, listing=True),
        desc_url=paging.url(1, None, listing=True),
        roles=kd.ROLES,
        per_page=EVENTS_PER_PAGE,
        max_incoming=kd.MAX_INCOMING,
        common_sources=[src for src, _ in common.values()],
        row_sources=lambda graphs: [v for k, v in _row_sources(desc, graphs).items() if k not in common],
        facts=facts,
        evidence=evidence,
        # An article's evidence spans are shown with its facts: their offsets stay in the RDF.
        parts={} if kind == "article" else desc.fragments,
        extraction=extraction_of(store, article_graphs),
        documents=documents,
        picture=neighbourhood_svg(desc, ids, page_url),
        term=lambda t: term_html(t, desc),
        role_label=lambda r: desc.labels.get(r) or kd.short_name(r),
        inverse_label=lambda p: kd.inverse_label(p, desc.labels.get(p)),
    )


def _common_sources(
    desc: kd.Description, statements: list[kd.Statement],
) -> dict[str, tuple[kd.Source, bool]]:
    """The article sources every statement shown has: said once above the table, not per row."""
    rows = [_row_sources(desc, s.graphs) for s in statements if not s.inferred]
    if not rows:
        return {}
    shared = set.intersection(*(set(r) for r in rows))
    return {k: v for k, v in rows[0].items() if k in shared and v[0].article}


def _row_sources(desc: kd.Description, graphs: Sequence[str]) -> dict[str, tuple[kd.Source, bool]]:
    """The sources of one statement, each once: an article's graph and its /inferred graph are
    one article (one headline in the row); (source, whether only inferred) by article or kind."""
    found: dict[str, tuple[kd.Source, bool]] = {}
    for graph in graphs:
        src = desc.sources.get(graph)
        if src is None:
            continue
        key = src.article or src.attribution
        inferred = graph.endswith("/inferred")
        if key in found:
            found[key] = (found[key][0], found[key][1] and inferred)
        else:
            found[key] = (src, inferred)
    return found


def _role_types(activity: Activity) -> list[tuple[str, int, list[int]]]:
    """(type, events, events per role in ROLES order) rows, the most frequent type first."""
    return [(t, n, [activity.by_role_type.get((r, t), 0) for r in kd.ROLES])
            for t, n in sorted(activity.by_type.items(), key=lambda item: (-item[1], item[0]))]


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def _group(statements: list[kd.Statement], hidden: set[str]) -> list[tuple[str, list[kd.Statement]]]:
    """Statements grouped by property: event roles first, then alphabetical by property."""
    groups: dict[str, list[kd.Statement]] = {}
    for s in statements:
        if s.predicate not in hidden:
            groups.setdefault(s.predicate, []).append(s)
    def order(p: str) -> tuple[int, str]:
        return (GROUP_ORDER.index(p) if p in GROUP_ORDER else len(GROUP_ORDER), kd.short_name(p))
    return [(p, sorted(groups[p], key=lambda s: (s.inferred, str(s.value))))
            for p in sorted(groups, key=order)]


@blueprint.route("/graph/<path:rest>")
def graph(rest: str) -> Response:
    """A named graph IRI: its contents through the Graph Store Protocol."""
    iri = iris().base + "graph/" + rest
    if not is_absolute_iri(iri) or not state().store.has_graph(iri):
        return not_found(f"There is no graph {iri}.")
    contents = f"{request.host_url}store?graph={quote(iri, safe='')}"
    if negotiate_document() == negotiation.HTML:
        # People get a page on the graph (its provenance, what links to it) with its contents
        # a click away; RDF clients go straight to the contents.
        documents = [(f, f"{contents}&format={f.extension}") for f in DOCUMENT_FORMATS]
        html = entity_page(kd.describe(state().store, iris(), iri), "graph", documents)
        return Response(html, content_type=formats.HTML_CONTENT_TYPE, headers={"Vary": "Accept"})
    response = redirect(contents, code=303)
    response.headers["Vary"] = "Accept"
    return response


# --- home and search


@blueprint.route("/")
def home() -> str:
    """What the graph holds, the latest articles and events, search, and where to go next."""
    figures = state().caches.overview.get(state().engine.version)  # once per data version
    stats, articles, events = figures.stats, figures.articles, figures.events
    return render_template(
        "home.html",
        title="Newsgraph",
        stats=stats,
        ng_types=[(t, n) for t, n in stats.by_type if t.startswith("ng:")],
        articles=articles,
        events=events,
        ng_prefix=NG_IRI,
    )


def _search(q: str, limit: int) -> list[dict[str, Any]]:
    ng = state()
    index = ng.caches.search.index(ng.store, iris(), ng.engine.version)
    return [
        {"iri": h.iri, "label": h.label, "matched": h.matched, "url": page_url(h.iri),
         "type": kd.short_name(h.type) if h.type else None}
        for h in index.search(q, limit)
    ]


@blueprint.route("/search.json")
def search_json() -> Response:
    """Autocomplete: labels and aliases starting with ?q=, ranked, as JSON."""
    q = request.args.get("q", "")
    try:
        limit = max(1, min(50, int(request.args.get("limit", "10"))))
    except ValueError:
        limit = 10
    return jsonify({"query": q, "results": _search(q, limit)})


@blueprint.route("/search")
def search() -> Response | str:
    """The search results page (one exact hit goes straight to its page)."""
    q = request.args.get("q", "").strip()
    hits = _search(q, 50) if q else []
    if len(hits) == 1 and hits[0]["url"]:
        return redirect(hits[0]["url"], code=303)
    return render_template("search.html", title=f"Search: {q}" if q else "Search", q=q, hits=hits)


# --- machines: VoID and dumps


@blueprint.route("/.well-known/void")
def void() -> Response:
    """The VoID description of the dataset: RDF for a client that names an RDF type, else HTML."""
    chosen = negotiate_document()
    host = request.host_url
    document = host + ".well-known/void"
    triples = state().caches.void.get(state().engine.version, document=document, endpoint=host + "sparql",
                                 dump=host + "dumps/" + DUMP_NAME)
    if isinstance(chosen, Format):
        response = _rdf_response(triples, chosen)
        if not request.args.get("format"):
            response.headers["Content-Location"] = f"{document}?format={chosen.name}"
        return response
    turtle = kd.serialize(triples, DOCUMENT_FORMATS[0]).decode()
    html = render_template("void.html", title="VoID description", turtle=turtle,
                           void=void_overview(triples, document),
                           documents=[(f, f"{document}?format={f.name}") for f in DOCUMENT_FORMATS])
    return Response(html, content_type=formats.HTML_CONTENT_TYPE, headers={"Vary": "Accept"})


@blueprint.route("/dumps/<name>")
def dump(name: str) -> Response:
    """The whole dataset as gzipped N-Quads, generated on demand and cached per data version."""
    if name != DUMP_NAME:
        abort(404)
    ng = state()
    path = ng.caches.dumps.path(ng.store, ng.engine.version)
    # Served as a gzip file, not with Content-Encoding: clients keep the .nq.gz as it is.
    return send_file(path, mimetype=formats.GZIP, download_name=DUMP_NAME, max_age=0,
                     conditional=True, etag=True)


# --- the query page (called by server.views.sparql for a browser at /sparql)

BUILTIN_EXAMPLES: tuple[tuple[str, str], ...] = (
    ("Events with their type and date",
     "SELECT ?event ?label ?type ?date WHERE {\n  ?event a ng:Event ; rdfs:label ?label ; ng:date ?date .\n"
     "  GRAPH ?g { ?event a ?type }\n  FILTER(!STRENDS(STR(?g), \"/inferred\"))\n} ORDER BY ?date ?label"),
    ("Who met whom",
     "SELECT ?meeting ?label ?who WHERE {\n  ?meeting a ng:Meeting ; rdfs:label ?label ;\n"
     "    ng:participant ?who .\n}"),
    ("Heads of state and their offices",
     "SELECT ?person ?office ?start WHERE {\n  ?tenure ng:holder ?person ; ng:office ?office ; "
     "ng:startDate ?start .\n} ORDER BY ?start"),
    ("States with a Wikidata link",
     "SELECT ?state ?label ?wikidata WHERE {\n  ?state a ng:State ; rdfs:label ?label ;\n"
     "    owl:sameAs ?wikidata .\n}"
     " ORDER BY ?label LIMIT 20"),
    ("Facts per article",
     "SELECT ?article ?headline (COUNT(?fact) AS ?facts) WHERE {\n  ?article a ng:Article ; "
     "schema:headline ?headline .\n  ?graph prov:wasDerivedFrom ?article .\n"
     "  GRAPH ?graph { ?fact ng:factKey ?key }\n"
     "} GROUP BY ?article ?headline"),
)


def readme_examples(folder: Path | None = None) -> list[tuple[str, str]]:
    """The README's example queries (docs/examples/*.rq), titled by their first comment line."""
    folder = folder or Path(__file__).resolve().parents[2] / "docs" / "examples"
    found = []
    for path in sorted(folder.glob("*.rq")):
        try:
            text = path.read_text(encoding="utf-8")
        except OSError:
            continue
        comments = [line.lstrip("# ").strip() for line in text.splitlines() if line.startswith("#")]
        # The page prefills every prefix, so the example shows only its own lines.
        body = "\n".join(line for line in text.splitlines() if not line.upper().startswith("PREFIX"))
        # The whole title: the page's select fits its box, and a title cut short reads wrong.
        found.append((comments[0] if comments else path.stem, body.strip()))
    return found


def query_settings(endpoint: str) -> dict[str, Any]:
    """What the query page template needs besides the endpoint URL."""
    return {
        "endpoint": endpoint,
        "prefixes": sparql_prefixes(),
        "examples": readme_examples() + list(BUILTIN_EXAMPLES),
        "base": iris().base,
        "host": request.host_url,
        "ontology": NG_IRI,
        "prefixMap": PREFIXES,
    }


def query_page(endpoint: str) -> str:
    """The HTML answered to a browser that opens the endpoint without a query."""
    return render_template("query.html", title="SPARQL query", endpoint=endpoint)
