"""Personal data: per-contact encryption keys kept apart from the events, so that
forgetting a contact destroys its key (crypto-shredding), and backups of the events."""

ERASED = "[erased]"  # how a personal text reads once its contact is forgotten
