"""The Newsgraph web layer: HTTP in, calls of kg, HTTP out."""
