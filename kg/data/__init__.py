"""Bundled reference data: the gazetteer and the seed articles' facts."""
