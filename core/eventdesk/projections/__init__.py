"""Read models kept from the event store."""
