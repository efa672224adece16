"""The ``eventdesk`` command line: nouns are groups, verbs are commands."""

from eventdesk.cli.main import cli, main

__all__ = ["cli", "main"]
