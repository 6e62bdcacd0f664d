"""Masking of email addresses before they reach logs (addresses are personal data)."""

from __future__ import annotations

import re
from typing import Final

# Deliberately loose: anything shaped like local@domain is masked, including addresses embedded in
# SMTP diagnostics ("550 5.1.1 <user@example.com>: user unknown").
_EMAIL_PATTERN: Final = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*")


def mask_email(address: str) -> str:
    """``jane.doe@example.com`` -> ``j***@example.com``: enough to correlate, not to identify."""
    local, sep, domain = address.rpartition("@")
    if not sep or not local:
        return "***"
    return f"{local[0]}***@{domain.lower()}"


def mask_emails_in_text(text: str) -> str:
    """Mask every address-shaped substring of ``text`` (log lines, diagnostics)."""
    if "@" not in text:  # fast path: most log lines carry no address
        return text
    return _EMAIL_PATTERN.sub(lambda match: mask_email(match.group(0)), text)
