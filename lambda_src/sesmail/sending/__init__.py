"""Sending mail through SES with a configuration set."""
