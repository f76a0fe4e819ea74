"""Readers, one per input kind, each turning a source into typed facts."""
