from __future__ import annotations

import pytest

from kg.config import Settings
from kg.errors import ConfigError


def test_environment_variables_feed_settings() -> None:
    settings = Settings.from_env(
        {
            "NEWSGRAPH_BASE_IRI": "http://example.org/",
            "NEWSGRAPH_PORT": "9000",
            "NEWSGRAPH_UNION_DEFAULT_GRAPH": "false",
            "NEWSGRAPH_ALLOWED_SERVICES": "http://a/ http://b/",
        }
    )
    assert settings.base_iri == "http://example.org/"
    assert settings.port == 9000
    assert settings.union_default_graph is False
    assert settings.allowed_services == ("http://a/", "http://b/")


def test_flags_override_environment() -> None:
    settings = Settings.from_env({"NEWSGRAPH_PORT": "9000"}, port=9100, store=None)
    assert settings.port == 9100
    assert settings.store == Settings().store


def test_unreadable_variable_names_the_variable() -> None:
    with pytest.raises(ConfigError, match="NEWSGRAPH_PORT"):
        Settings.from_env({"NEWSGRAPH_PORT": "eighty"})
