"""Warm-up: the sending ramp (pure schedule), its AWS adapter, and the daily-cap gate on the send path."""
