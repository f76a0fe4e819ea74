"""Resources in words: the one line under a page's title ("President of Russia since 2012-05-07")."""

from __future__ import annotations

from kg.model.vocab import NG, SCHEMA
from kg.publish.describe import RDFS_LABEL, Description, event_date
from kg.store import Store


def summary(store: Store, desc: Description) -> str:
    """One line that says what the resource is, e.g. "President of Russia since 2012-05-07"."""
    types = set(desc.types)
    if str(NG.Person) in types:
        rows = store.select(
            f"""SELECT ?office ?start ?end WHERE {{
              ?tenure <{NG.holder}> <{desc.iri}> ; <{NG.office}> ?o .
              ?o <{RDFS_LABEL}> ?office .
              OPTIONAL {{ ?tenure <{NG.startDate}> ?start }}
              OPTIONAL {{ ?tenure <{NG.endDate}> ?end }}
            }} ORDER BY DESC(?start)"""
        )
        parts = []
        for r in rows:
            text = r["office"].value
            if "end" in r:
                text += f" ({r['start'].value if 'start' in r else '?'} – {r['end'].value})"
            elif "start" in r:
                text += f" since {r['start'].value}"
            parts.append(text)
        return "; ".join(dict.fromkeys(parts)) or "Person"
    if str(NG.Event) in types:
        kind = desc.label(desc.asserted_types[0]) if desc.asserted_types else "Event"
        text = kind
        date = event_date(desc)
        if date:
            text += f" on {date}" if not date.startswith("since") else f", {date}"
        places = [desc.label(v.value) for v in desc.values(str(NG.location))]
        if places:
            text += " in " + ", ".join(places)
        return text
    if str(NG.State) in types:
        text = "Sovereign state"
        capital = desc.values(str(NG.capital))
        if capital:
            text += f", capital {desc.label(capital[0].value)}"
        codes = [c for c in (desc.first(str(NG.iso3166Alpha2)), desc.first(str(NG.iso3166Alpha3))) if c]
        if codes:
            text += f" (ISO {' / '.join(codes)})"
        return text
    if str(NG.Article) in types:
        text = "News article"
        published = desc.first(SCHEMA.datePublished.value)
        if published:
            text += f" published {published}"
        wire = desc.values(str(NG.wireService))
        if wire:
            text += f", wire service {desc.label(wire[0].value)}"
        return text
    if str(NG.Office) in types:
        of = desc.values(str(NG.officeOf))
        return "Office" + (f" of {desc.label(of[0].value)}" if of else "")
    if str(NG.Tenure) in types:
        holder, office = desc.values(str(NG.holder)), desc.values(str(NG.office))
        if holder and office:
            return f"{desc.label(holder[0].value)} as {desc.label(office[0].value)}, {event_date(desc) or ''}"
    asserted = desc.asserted_types or desc.types
    return desc.label(asserted[0]) if asserted else ""
