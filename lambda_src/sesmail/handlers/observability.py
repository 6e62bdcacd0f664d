"""Structured JSON logs with every email address masked (addresses are personal data)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter
from aws_lambda_powertools.logging.types import PowertoolsLogRecord

from sesmail.privacy import mask_emails_in_text


class MaskingFormatter(LambdaPowertoolsFormatter):
    """Masks after serialisation, so message text, ``extra`` fields and exception traces are all
    covered, whatever a future log call passes."""

    def serialize(self, log: dict[str, Any] | PowertoolsLogRecord) -> str:
        return mask_emails_in_text(super().serialize(log))
