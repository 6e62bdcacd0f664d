"""Sending mail through SES with a configuration set: ``sender`` (one region), ``failover`` (primary,
standby, circuit breakers, durable outbox), ``outbox`` and ``replay`` (draining it), ``failure`` (the
failure-class table)."""
