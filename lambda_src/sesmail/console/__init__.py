"""The support console: a read-only page over the event store and the suppression audit (issue 17)."""
