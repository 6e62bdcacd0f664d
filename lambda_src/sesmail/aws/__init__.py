"""Shared AWS plumbing: the one client factory and the one call helper (pacing, retries, pagination)."""
