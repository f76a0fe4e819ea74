"""The KgError family: messages a user can act on. No HTTP codes here (server/http/errors.py maps them)."""

from __future__ import annotations


class KgError(Exception):
    """Base of every error Newsgraph raises on purpose."""


class ConfigError(KgError):
    """A setting has a value that cannot be used."""


class StoreError(KgError):
    """The store cannot be opened, read or written."""


class StoreLockedError(StoreError):
    """Another process holds the on-disk store."""


class QuerySyntaxError(KgError):
    """A SPARQL query or update does not parse; the message is the parser's."""


class QueryTimeoutError(KgError):
    """A query ran past its time limit and was stopped."""


class QueryMemoryError(KgError):
    """A query (or an upload's parse) took more memory than its limit and was stopped."""


class TooManyQueriesError(KgError):
    """A client has as many queries running as it may; it should retry once one ends."""


class QueryEvaluationError(KgError):
    """A query parsed but failed while it ran (e.g. a SERVICE call failed)."""


class ServiceError(QueryEvaluationError):
    """A SERVICE call failed (the remote endpoint is down, slow or answered an error)."""


class EngineCrashError(QueryEvaluationError):
    """The query engine stopped on this query without an answer."""


class ServiceNotAllowedError(KgError):
    """A SERVICE target is not on the allowlist."""


class FactsError(KgError):
    """A facts file is malformed; the message names the file, the fact, the field and the problem."""

    def __init__(self, path: str, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        listed = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{path}: {len(problems)} problem(s):\n{listed}")

    def __reduce__(self) -> tuple[type, tuple[str, list[str]]]:
        # Ingestion workers send these back across processes.
        return (FactsError, (self.path, self.problems))


class SourceFormatError(KgError):
    """An input file is not of the kind its command reads (a CSV of labels given as GDELT)."""


class ArticleNotFoundError(KgError):
    """No article is stored under an id that was asked for."""


class ResolutionError(KgError):
    """An entity reference matches no known entity, or more than one."""


class AmbiguousNameError(ResolutionError):
    """A name belongs to several entities of the graph: only a key says which."""


class RdfFormatError(KgError):
    """An RDF document does not parse, or its format is unknown."""


class ExtractionError(KgError):
    """An article's text cannot be read into facts (empty, binary, not UTF-8, too large, engine failure)."""
