"""Score `kg extract` against gold files with the shared scorer, and time it.

    python bench/extraction.py [--gold tests/data/extraction-dev/dev.json] [--engine rules]
                               [--pred-out drafts.json] [--per-article]

Texts come from ../shared (the seed article and the BBC corpus, by article id); drafts are
turned into the scorer's shape (tools/EXTRACTION-GOLD.md): entity kinds from their keys,
event classes mapped onto the scorer's types through the ontology's class hierarchy. Prints
precision, recall and F1 per part, events per type, and articles per second.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SCORER = SHARED / "tools" / "score_extraction.py"
BBC = SHARED / "data" / "news" / "bbc_news_2004_2005_articles.jsonl"
SEED = SHARED / "seed" / "article-001.txt"
SCORER_TYPES = ("Statement", "Condemnation", "Assurance", "CeasefireCall", "MediationOffer", "Threat",
                "Letter", "Meeting", "Talks", "Visit", "Agreement", "Sanction", "Airstrike", "Invasion",
                "Election", "Resignation")
RENAMED = {"AgreementSigning": "Agreement", "Appeal": "Letter", "Accusation": "Statement"}
ENTITY_KINDS = ("state", "person", "organization", "place", "event", "agreement")


def texts(ids: set[str]) -> dict[str, str]:
    """The article texts of the gold ids, from ../shared."""
    found = {"seed/article-001": SEED.read_text(encoding="utf-8")} if "seed/article-001" in ids else {}
    with BBC.open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            if record["id"] in ids:
                found[record["id"]] = record["text"]
    return found


def scorer_type(class_name: str) -> str:
    """Our event class as the scorer's type: itself, its renamed form, or its nearest listed ancestor."""
    from kg.model.ontology import superclasses
    from kg.model.vocab import NG

    closure = superclasses()
    ns = str(NG.Event)[: -len("Event")]
    ancestors = [s[len(ns):] for s in closure.get(ns + class_name, ()) if s.startswith(ns)]
    # nearest first: an ancestor with more ancestors of its own is nearer
    ancestors.sort(key=lambda n: -len(closure.get(ns + n, ())))
    for name in (class_name, *ancestors):
        name = RENAMED.get(name, name)
        if name in SCORER_TYPES:
            return name
    return "Other"


def as_prediction(article_id: str, draft: dict[str, Any]) -> dict[str, Any]:
    """A draft facts mapping in the scorer's shape."""
    labels = {e["key"]: e["label"] for e in draft["entities"]}
    entities = [{"label": e["label"], "kind": e["key"].split("/")[0]} for e in draft["entities"]
                if e["key"].split("/")[0] in ENTITY_KINDS]
    tenures, events, agreements = [], [], []
    offices = {e["key"]: e for e in draft["entities"] if e["key"].startswith("office/")}
    for fact in draft["facts"]:
        kind = fact.get("kind", "event")
        if kind == "tenure":
            office = offices.get(fact["office"], {})
            tenures.append({"person": labels.get(fact["person"]), "office": office.get("label"),
                            "of": labels.get(office.get("office_of", ""), None),
                            "former": bool(fact.get("former"))})
        elif kind == "agreement":
            agreements.append({"type": fact.get("label"), "parties": [labels.get(p) for p in fact["parties"]],
                               "signed": fact.get("signed")})
        elif kind == "event":
            evidence = fact.get("evidence") or [{"start": 0, "end": 0}]
            events.append({
                "type": scorer_type(fact["type"] if isinstance(fact["type"], str) else fact["type"][0]),
                "agents": [labels.get(r) for r in fact.get("agent", [])],
                "targets_or_recipients": [labels.get(r) for role in ("target", "recipient", "participant")
                                          for r in fact.get(role, [])],
                "place": labels.get(fact.get("location") or ""),
                "date": fact.get("date") if fact.get("date", "")[:1].isdigit() else None,
                "evidence_chars": [evidence[0]["start"], evidence[-1]["end"]],
            })
    return {"id": article_id, "entities": entities, "tenures": tenures, "events": events,
            "agreements": agreements}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--gold", type=Path, default=ROOT / "tests" / "data" / "extraction-dev" / "dev.json")
    parser.add_argument("--engine", default="rules")
    parser.add_argument("--pred-out", type=Path)
    parser.add_argument("--per-article", action="store_true")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from kg.config import Settings
    from kg.extract import ArticleText, extract
    from kg.model.gazetteer import Gazetteer
    from kg.model.iris import slugify

    gold = json.loads(args.gold.read_text(encoding="utf-8"))
    ids = [a["id"] for a in gold["articles"]]
    found = texts(set(ids))
    gazetteer = Gazetteer.bundled()
    settings = Settings.from_env()  # the LLM engine's endpoint: NEWSGRAPH_LLM_URL and the others
    extract(ArticleText("Warm-up.", "warm-up"), gazetteer, engine=args.engine, settings=settings)
    started = time.perf_counter()
    predictions = []
    for article_id in ids:
        article = ArticleText(found[article_id], slugify(article_id))
        draft = extract(article, gazetteer, engine=args.engine, settings=settings)
        predictions.append(as_prediction(article_id, draft.facts))
    elapsed = time.perf_counter() - started
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as out:
        json.dump({"articles": predictions}, out)
    if args.pred_out:
        args.pred_out.write_text(json.dumps({"articles": predictions}, indent=1, ensure_ascii=False))
    command = [sys.executable, str(SCORER), "--gold", str(args.gold), "--pred", out.name]
    if args.per_article:
        command += ["--per-article", "--full"]
    scored = subprocess.run(command, check=True, capture_output=True, text=True)
    result = json.loads(scored.stdout.splitlines()[-1])
    print(f"{len(ids)} articles in {elapsed:.2f} s: {len(ids) / elapsed:.1f} articles/s")
    parts = ("entities_label_kind", "entities_label_only", "tenures", "tenures_lenient_office", "agreements")
    for part in parts:
        r = result[part]
        print(f"{part:<22} P {r['p']:.3f}  R {r['r']:.3f}  F1 {r['f1']:.3f}")
    events = result["events"]
    print(f"{'events (micro)':<22} P {events['micro']['p']:.3f}  R {events['micro']['r']:.3f}  "
          f"F1 {events['micro']['f1']:.3f}")
    for name, r in sorted(events["per_type"].items()):
        print(f"  {name:<20} P {r['p']:.3f}  R {r['r']:.3f}  F1 {r['f1']:.3f}")
    print(json.dumps(result["summary"]))


if __name__ == "__main__":
    main()
