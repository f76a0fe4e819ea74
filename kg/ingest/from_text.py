"""Article text -> draft (an extraction engine) -> checked facts -> quads, one article at a time.

What `kg extract` (the draft only), `kg ingest FILE.txt` and `kg import news` share. A draft
goes through exactly the checks of a facts file; one that fails them raises FactsError
naming the fact and why, and nothing of it is written.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.config import Settings
from kg.errors import ExtractionError, FactsError
from kg.extract import ArticleText, Draft, extract
from kg.extract.drafts import SUFFIXES, complete_draft, dump_draft, header
from kg.ingest.facts_quads import ArticleQuads
from kg.ingest.known import KnownEntities
from kg.ingest.sources.facts_yaml import facts_from_mapping
from kg.ingest.sources.news_text import STDIN, article_id_for, read_article
from kg.ingest.writer import EncodedArticle, Ingestor, IngestSummary
from kg.model.gazetteer import Gazetteer
from kg.model.iris import Iris
from kg.store import Store


@dataclass
class Drafted:
    """An engine's draft, and the facts mapping completed for ingestion or review."""

    draft: Draft
    facts: dict[str, Any]


class TextReader:
    """Drafts, checks and maps articles given as text, for one store's IRIs and known entities."""

    def __init__(
        self,
        iris: Iris,
        *,
        store: Store | None = None,
        gazetteer: Gazetteer | None = None,
        known: KnownEntities | None = None,
        engine: str = "rules",
        settings: Settings | None = None,
    ) -> None:
        # Mapping needs no store when the known entities are given (worker processes).
        self.ingestor = Ingestor(store if store is not None else Store(None), iris, gazetteer, known)
        self.engine = engine
        self.settings = settings

    @property
    def iris(self) -> Iris:
        return self.ingestor.iris

    def draft(
        self, article: ArticleText, *, source_id: str | None = None, text_file: str | None = None
    ) -> Drafted:
        """The engine's draft of one article, completed (engine record, publisher, corpus id).

        :raises ExtractionError: when the engine cannot read the text.
        """
        graph = self.iris.article_graph(article.article_id)
        try:
            draft = extract(
                article,
                self.ingestor.gazetteer,
                known=self.ingestor.known.for_article(graph),
                engine=self.engine,
                settings=self.settings,
            )
        except ExtractionError:
            raise
        except Exception as exc:  # noqa: BLE001 - an engine bug must cost one article, not a corpus
            raise ExtractionError(
                f"{article.source_name}: the {self.engine} engine failed on this text "
                f"({type(exc).__name__}: {exc}); please report it with the text"
            ) from exc
        resolve = self.ingestor.resolver(article.article_id)
        facts = complete_draft(draft, article, resolve, source_id=source_id, text_file=text_file)
        return Drafted(draft, facts)

    def check(self, facts: dict[str, Any], name: str, text: str | None = None) -> ArticleQuads:
        """Check a facts mapping as `kg ingest` does and map it; ``text`` is stored with it.

        :raises FactsError: naming each fact, field and problem.
        """
        return self.ingestor.map(facts_from_mapping(facts, name), name, text=text)

    def encode(self, article: ArticleText, *, source_id: str | None = None) -> EncodedArticle:
        """Draft, check and map one article, its text kept with it, ready for Ingestor.write.

        :raises ExtractionError: the engine failed. :raises FactsError: the draft fails the checks.
        """
        drafted = self.draft(article, source_id=source_id)
        return EncodedArticle.of(self.check(drafted.facts, article.source_name, article.text))


def read_texts(paths: list[Path], max_bytes: int) -> list[tuple[Path, str]]:
    """Every input's text, all read before anything is written: one bad input stops them all.

    :raises ExtractionError: naming the first input that is not article text.
    """
    return [(path, read_article(path, max_bytes)) for path in paths]


@dataclass
class DraftFile:
    """One input's draft as text, where it goes (None: standard output), and what to tell the reviewer."""

    source: Path
    output: Path | None
    content: str
    dropped: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # what `kg ingest` would reject


def draft_files(
    reader: TextReader,
    texts: list[tuple[Path, str]],
    *,
    output_dir: Path | None,
    fmt: str,
    published: dt.date | None = None,
    publisher: str | None = None,
) -> list[DraftFile]:
    """The drafts of several texts, each checked as `kg ingest` would check it (nothing is written).

    :raises ExtractionError: when two inputs would write the same draft file.
    """
    out: list[DraftFile] = []
    targets: dict[Path, Path] = {}
    for path, text in texts:
        article_id = article_id_for(path)
        target = output_dir / f"{article_id}{SUFFIXES[fmt]}" if output_dir is not None else None
        if target is not None and target in targets:
            raise ExtractionError(f"{path}: its draft {target} would overwrite that of {targets[target]}; "
                                  "rename one of the inputs")
        if target is not None:
            targets[target] = path
        name = "<stdin>" if str(path) == STDIN else str(path)
        article = ArticleText(text, article_id, published=published, publisher=publisher, source_name=name)
        drafted = reader.draft(article, text_file=_text_file(path, output_dir))
        problems: list[str] = []
        try:
            reader.check(drafted.facts, name, text)
        except FactsError as exc:
            problems = exc.problems
        comment = header(drafted.draft, name) if fmt == "yaml" else ""
        out.append(DraftFile(path, target, dump_draft(drafted.facts, fmt, comment), drafted.draft.dropped,
                             problems))
    return out


def _text_file(path: Path, output_dir: Path | None) -> str | None:
    """How the draft names its text: relative to the draft's folder, or absolute on standard output."""
    if str(path) == STDIN:
        return None
    if output_dir is None:
        return str(path.resolve())
    return os.path.relpath(path.resolve(), output_dir.resolve())


def ingest_texts(reader: TextReader, texts: list[tuple[Path, str]]) -> IngestSummary:
    """Extract, check and write each text; a draft that fails the checks is reported, never written."""
    summary = IngestSummary()
    batch: list[EncodedArticle] = []
    for path, text in texts:
        article = ArticleText(text, article_id_for(path), source_name=str(path))
        try:
            batch.append(reader.encode(article))
        except FactsError as exc:
            summary.errors.append(f"{exc}\n  (the draft the {reader.engine} engine made of it; "
                                  "`kg extract` writes it for review)")
    reader.ingestor.write(batch)
    for encoded in batch:
        summary.add(encoded)
    return summary
