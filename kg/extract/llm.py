"""The optional LLM engine: an OpenAI-compatible chat endpoint proposes facts, the text decides.

The endpoint (a local llama.cpp, Ollama or vLLM server, or any service speaking the OpenAI
chat API) is asked for the compact answer of kg.extract.answer, with its JSON Schema as
structured output; kg.extract.answer turns it into a draft whose quotes and names are checked
against the text. What fails is dropped and said in Draft.dropped.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable
from functools import cache
from typing import Any

from rdflib import RDFS

from kg.config import Settings, env_name
from kg.errors import ExtractionError
from kg.extract import ArticleText, Draft
from kg.extract.answer import answer_schema, draft_from_answer, event_classes
from kg.extract.text import read_text
from kg.model import formats
from kg.model.gazetteer import Entity, Gazetteer
from kg.model.ontology import ontology_graph
from kg.model.vocab import NG_IRI

ENGINE_VERSION = "1"  # of the prompt and the answer shape; the model's name is added to it
_ANSWER_LIMIT = 8 * 1024 * 1024  # bytes read from the endpoint, against a runaway server


@cache
def _instructions() -> str:
    comments = {
        str(s).removeprefix(NG_IRI): str(o)
        for s, o in ontology_graph().subject_objects(RDFS.comment)
    }
    guide = "\n".join(f"  {name}: {comments.get(name, '')}".rstrip() for name in event_classes())
    return (
        "You read one news article and list what it states, in the JSON shape you are given.\n"
        "- entities: every state, organisation, person, place and facility that a tenure, event or "
        "agreement names; label is the common English name (a person's full name).\n"
        "- tenures: a person the text gives a title; office is the title alone (\"Foreign Minister\"), "
        "polity the state or organisation; former is true when the text says the office was held before.\n"
        "- events: one per thing done or said. agents did it, targets had it done to them, recipients "
        "were addressed, participants took part (meetings). The speaker of a quote is its agent; turn "
        "passive sentences round. Name entities by the labels of your entities list. place and date only "
        "when the text gives them; date as YYYY, YYYY-MM or YYYY-MM-DD, or a weekday, \"today\" or "
        "\"yesterday\" exactly as the text says it. type is the most specific of these classes:\n"
        f"{guide}\n"
        "- agreements: treaties and deals with their parties, and the signing date when the text gives it.\n"
        "- quote: for every tenure, event and agreement, the sentence of the article that states it, "
        "copied character for character.\n"
        "Say only what the article says; add nothing from outside knowledge."
    )


# --- the endpoint


def endpoint_url(url: str) -> str:
    """The chat completions URL for a configured llm_url: a base URL, a .../v1 URL or the full URL."""
    url = url.strip().rstrip("/")
    if url.endswith("/chat/completions"):
        return url
    if url.endswith("/v1"):
        return url + "/chat/completions"
    return url + "/v1/chat/completions"


def _shown(url: str) -> str:
    # Error messages never repeat credentials someone put into the URL.
    parts = urllib.parse.urlsplit(url)
    if parts.username or parts.password:
        host = parts.hostname or ""
        netloc = f"{host}:{parts.port}" if parts.port else host
        return urllib.parse.urlunsplit(parts._replace(netloc=netloc))
    return url


def _ask(settings: Settings, article: ArticleText) -> dict[str, Any]:
    """Send the article to the endpoint; the parsed JSON answer of the model.

    :raises ExtractionError: no endpoint is configured, it fails, times out or answers no JSON.
    """
    if not settings.llm_url.strip():
        raise ExtractionError(
            f"the llm engine needs an endpoint: set {env_name('llm_url')} (setting llm_url) to an "
            "OpenAI-compatible server, e.g. http://127.0.0.1:8080 for llama.cpp"
        )
    url = endpoint_url(settings.llm_url)
    shown = _shown(url)
    if urllib.parse.urlsplit(url).scheme not in {"http", "https"}:
        raise ExtractionError(f"{env_name('llm_url')}: {shown!r} is not an http(s) URL")
    about = [f"Article id: {article.article_id}"]
    if article.published:
        about.append(f"Published: {article.published.isoformat()}")
    if article.title:
        about.append(f"Title: {article.title}")
    body: dict[str, Any] = {
        "messages": [
            {"role": "system", "content": _instructions()},
            # The model reads characters, not HTML entities; quotes are found either way.
            {"role": "user", "content": "\n".join(about) + "\n\n" + read_text(article.text).decoded},
        ],
        "temperature": 0,
        "response_format": {
            "type": "json_schema",
            "json_schema": {"name": "newsgraph_facts", "strict": True, "schema": answer_schema()},
        },
    }
    if settings.llm_model:
        body["model"] = settings.llm_model  # llama.cpp serves one model and needs no name
    headers = {"Content-Type": formats.JSON, "Accept": formats.JSON}
    if settings.llm_api_key:
        headers["Authorization"] = f"Bearer {settings.llm_api_key}"
    request = urllib.request.Request(
        url, data=json.dumps(body).encode("utf-8"), headers=headers, method="POST"
    )
    where = f"{article.source_name}: the LLM endpoint {shown}"
    try:
        with urllib.request.urlopen(request, timeout=settings.llm_timeout) as response:  # noqa: S310 - http(s) checked above
            raw = response.read(_ANSWER_LIMIT)
    except urllib.error.HTTPError as exc:
        detail = exc.read(500).decode("utf-8", "replace").strip()
        raise ExtractionError(
            f"{where} answered HTTP {exc.code} {exc.reason}" + (f": {detail}" if detail else "")
        ) from exc
    except TimeoutError as exc:
        raise ExtractionError(
            f"{where} did not answer within {settings.llm_timeout:g} s; "
            f"raise {env_name('llm_timeout')} for slow models"
        ) from exc
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ExtractionError(f"{where} cannot be reached: {reason}; check {env_name('llm_url')}") from exc
    return _content(raw, where)


def _content(raw: bytes, where: str) -> dict[str, Any]:
    """The model's JSON answer inside a chat completion."""
    try:
        completion = json.loads(raw)
        choice = completion["choices"][0]
        content = choice["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise ExtractionError(f"{where} did not answer with a chat completion: {exc}") from exc
    if choice.get("finish_reason") == "length":
        raise ExtractionError(f"{where} cut its answer off at its token limit; allow it more tokens")
    if not isinstance(content, str):
        raise ExtractionError(f"{where} answered no text (message.content is {type(content).__name__})")
    try:
        answer = json.loads(content)
    except ValueError as exc:
        raise ExtractionError(f"{where} answered malformed JSON: {exc}") from exc
    if not isinstance(answer, dict):
        raise ExtractionError(f"{where} answered JSON that is not an object: {content[:80]!r}")
    return answer


def extract(
    article: ArticleText,
    gazetteer: Gazetteer,
    *,
    known: Iterable[Entity] = (),
    settings: Settings | None = None,
) -> Draft:
    """Read one article with the configured LLM endpoint into a verified draft.

    :raises ExtractionError: no endpoint configured, or it fails, times out or answers malformed JSON.
    """
    settings = Settings.from_env() if settings is None else settings
    if not article.text.strip():
        raise ExtractionError(f"{article.source_name}: the article text is empty")
    answer = _ask(settings, article)
    version = f"{ENGINE_VERSION} ({settings.llm_model})" if settings.llm_model else ENGINE_VERSION
    facts, dropped = draft_from_answer(answer, article, gazetteer, known=known, engine_version=version)
    return Draft(facts=facts, dropped=dropped, engine="llm", engine_version=version)
