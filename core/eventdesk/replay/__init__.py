"""Replay the history of another tool into a desk: importers, their mappings, figures."""
