"""Backups: every event as JSON lines with a checksum, and the personal key store apart."""
