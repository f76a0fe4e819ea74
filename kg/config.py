"""One Settings object for the whole project.

Every setting has one name everywhere: field ``base_iri``, flag ``--base-iri``,
environment variable ``NEWSGRAPH_BASE_IRI``. Defaults live here and nowhere else.
"""

from __future__ import annotations

import importlib.metadata
import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from kg.errors import ConfigError

ENV_PREFIX = "NEWSGRAPH_"
PROJECT_URL = "https://w3id.org/newsgraph/"


def default_store_path() -> str:
    """The on-disk store used when none is configured: $XDG_DATA_HOME/newsgraph/store."""
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return str(Path(data_home) / "newsgraph" / "store")


def _setting(default: Any, help: str, **kwargs: Any) -> Any:
    if callable(default):
        return field(default_factory=default, metadata={"help": help, **kwargs})
    return field(default=default, metadata={"help": help, **kwargs})


@dataclass(frozen=True)
class Settings:
    """Every knob of Newsgraph, with its default and the help text the CLI shows."""

    store: str = _setting(
        default_store_path,
        "Where the data lives: a folder for the embedded Oxigraph store, ':memory:', or a "
        "SPARQL 1.1 server as sparql+http://host:port/sparql (or sparql+https://).",
    )
    update_url: str = _setting(
        "",
        "SPARQL Update URL of a remote store, when it differs from its query URL "
        "(empty: the store URL).",
    )
    base_iri: str = _setting(
        "https://w3id.org/newsgraph/",
        "Base IRI under which entity, event, article and graph IRIs are minted.",
    )
    host: str = _setting("127.0.0.1", "Address `kg serve` listens on.")
    port: int = _setting(8000, "Port `kg serve` listens on.")
    write_token: str = _setting(
        "",
        "Bearer token that SPARQL Update, Graph Store writes and POST /articles require; "
        "empty disables writes over HTTP.",
    )
    query_timeout: float = _setting(
        30.0, "Seconds a query may run before it is stopped and the client gets a 503."
    )
    workers: int = _setting(
        0, "Query worker processes for `kg serve` (0: one per CPU core)."
    )
    spare_workers: int = _setting(
        2,
        "Extra query workers started, up to this many, while long queries hold the others "
        "(a cheap query never waits behind them); each stops once it is idle and not needed.",
    )
    client_queries: int = _setting(
        0,
        "Queries one client address may have running at once; more wait for their turn (up "
        "to half the HTTP threads), and past that get 429 with Retry-After (0: one less than "
        "the query workers, at least 1, so one client never holds them all).",
    )
    trusted_proxies: tuple[str, ...] = _setting(
        lambda: (),
        "Addresses (or networks such as 10.0.0.0/8) of reverse proxies whose X-Forwarded-For "
        "names the client (space-separated in the environment); others' is ignored.",
        env_separator=" ",
    )
    query_memory: int = _setting(
        0,
        "MiB of memory one query (or one upload's parse) may take in its worker before it is "
        "stopped with a 503 (0: half the machine's memory shared among all the workers there "
        "can be, spares included).",
    )
    allowed_services: tuple[str, ...] = _setting(
        lambda: ("https://query.wikidata.org/", "https://dbpedia.org/sparql"),
        "URL prefixes that SPARQL SERVICE may call (space-separated in the environment).",
        env_separator=" ",
    )
    service_timeout: float = _setting(
        10.0, "Seconds a remote SERVICE call may take before the query fails."
    )
    union_default_graph: bool = _setting(
        True,
        "Whether queries without a dataset see the union of all graphs as default graph.",
    )
    max_request_bytes: int = _setting(
        10 * 1024 * 1024,
        "Largest request body (and query string) accepted, in bytes; more gets 413. The HTTP "
        "server itself refuses a URL over 64 KB (414): POST longer queries.",
    )
    max_article_bytes: int = _setting(
        1024 * 1024,
        "Largest article text `kg extract`, `kg ingest` and `kg import news` read, in bytes "
        "(UTF-8); a longer one is refused with its name.",
    )
    http_threads: int = _setting(
        16, "Threads of `kg serve`'s HTTP server: requests handled at once (queries run in the workers)."
    )
    chunk_rows: int = _setting(
        5000,
        "Rows per chunk of `kg import gdelt`: each chunk is written whole or not at all, and "
        "skipped when re-imported unchanged.",
    )
    enrich_endpoint: str = _setting(
        "https://query.wikidata.org/sparql", "SPARQL endpoint `kg enrich` pulls Wikidata facts from."
    )
    enrich_timeout: float = _setting(60.0, "Seconds each `kg enrich` request may take.")
    autoload: bool = _setting(
        True,
        "Load the ontology, reference data and bundled seed articles into an empty store "
        "on first use.",
    )
    llm_url: str = _setting(
        "",
        "OpenAI-compatible chat endpoint for `kg extract --engine llm` (llama.cpp, Ollama, "
        "vLLM): a base URL such as http://127.0.0.1:8080, or the full .../chat/completions URL.",
    )
    llm_model: str = _setting(
        "", "Model name sent to the LLM endpoint (empty: none sent, for servers with one model)."
    )
    llm_api_key: str = _setting(
        "", "API key sent to the LLM endpoint as a bearer token (empty: none sent)."
    )
    llm_timeout: float = _setting(
        120.0, "Seconds the LLM endpoint may take to answer for one article."
    )

    @property
    def is_memory_store(self) -> bool:
        return self.store == ":memory:"

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: Any) -> Settings:
        """Settings from NEWSGRAPH_* variables, then explicit overrides (flags) on top.

        :raises ConfigError: when a variable cannot be read as its field's type.
        """
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            name = env_name(f.name)
            if name in environ:
                values[f.name] = _coerce(f, environ[name], name)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def with_overrides(self, **overrides: Any) -> Settings:
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})


def user_agent() -> str:
    """The User-Agent of every remote call: the project, its version and its URL."""
    try:
        version = importlib.metadata.version("newsgraph")
    except importlib.metadata.PackageNotFoundError:
        version = "dev"
    return f"Newsgraph/{version} (+{PROJECT_URL})"


def env_name(field_name: str) -> str:
    return ENV_PREFIX + field_name.upper()


def flag_name(field_name: str) -> str:
    """The command-line flag of a setting: field base_iri, flag --base-iri."""
    return "--" + field_name.replace("_", "-")


def settings_table() -> str:
    """The README's table of settings, in Markdown (printed by `python -m kg.config`)."""
    lines = ["| variable | flag | default | meaning |", "| --- | --- | --- | --- |"]
    for name, env, default, help_text in describe_settings():
        shown = "$XDG_DATA_HOME/newsgraph/store" if name == "store" else default
        lines.append(f"| `{env}` | `{flag_name(name)}` | `{shown}` | {help_text} |")
    return "\n".join(lines) + "\n"


def describe_settings() -> list[tuple[str, str, str, str]]:
    """(field, env variable, default, help) for every setting: the README table is checked against it."""
    rows = []
    for f in fields(Settings):
        default = f.default_factory() if callable(f.default_factory) else f.default  # type: ignore[misc]
        rows.append((f.name, env_name(f.name), repr(default), f.metadata["help"]))
    return rows


def _coerce(f: Any, raw: str, source: str) -> Any:
    kind = f.type
    try:
        if kind == "bool":
            lowered = raw.strip().lower()
            if lowered in {"1", "true", "yes", "on"}:
                return True
            if lowered in {"0", "false", "no", "off", ""}:
                return False
            raise ValueError(f"expected true or false, got {raw!r}")
        if kind == "int":
            return int(raw)
        if kind == "float":
            return float(raw)
        if kind.startswith("tuple"):
            return tuple(part for part in raw.split(f.metadata.get("env_separator", " ")) if part)
        return raw
    except ValueError as exc:
        raise ConfigError(f"{source}: cannot read {raw!r} as {kind}: {exc}") from exc


if __name__ == "__main__":
    print(settings_table(), end="")
