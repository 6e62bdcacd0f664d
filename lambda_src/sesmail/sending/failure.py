"""The failure-class table: what a failed SESv2 ``SendEmail`` means for where (and whether) to try again.

Pure: it looks only at the exception (its SES error code, HTTP status or botocore type), so the whole
table is unit-tested without AWS. The SES codes are the ``SendEmail`` errors in botocore's SESv2 service
model (``TooManyRequestsException``, ``LimitExceededException``, ``AccountSuspendedException``,
``SendingPausedException``, ``MessageRejected``, ``MailFromDomainNotVerifiedException``,
``NotFoundException``, ``BadRequestException``) plus the server-side faults every AWS API can return.

=====================  ==========================================================================
class                  meaning
=====================  ==========================================================================
``RETRY_IN_REGION``    transient (throttling, 5xx, connection refused/timed out before sending):
                       back off and retry the same region; past the retry budget it becomes
                       ``FAIL_OVER``.
``FAIL_OVER``          the region cannot take mail now (a regional quota is spent): try the standby.
``AMBIGUOUS``          the request left this process and no answer came back (read timeout,
                       connection closed mid-response): SES may have accepted it. The mail class's
                       delivery policy decides (docs/decisions/0070-sending-failover.md).
``PAUSED``             the account's (or configuration set's) sending is paused, or the account is
                       suspended. Never failed over: a pause for reputation must not be evaded in
                       another region; the mail waits in the outbox (and is parked at its max age).
``PERMANENT``          the request itself is wrong (rejected content, unverified identity or MAIL
                       FROM domain, unknown configuration set, bad input): no
                       region and no retry will change that; the caller gets an error.
=====================  ==========================================================================
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Final

from botocore.exceptions import (
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)

from sesmail.aws.calls import THROTTLING_ERROR_CODES


class FailureClass(enum.Enum):
    RETRY_IN_REGION = "retry_in_region"
    FAIL_OVER = "fail_over"
    AMBIGUOUS = "ambiguous"
    PAUSED = "paused"
    PERMANENT = "permanent"


# Throttling is the same for every AWS API: one list, in the one AWS call helper.
THROTTLING_CODES: Final = THROTTLING_ERROR_CODES
# Server-side faults any AWS API can return (not in the SESv2 model because they are generic).
SERVER_FAULT_CODES: Final = frozenset(
    {
        "InternalFailure",
        "InternalServerError",
        "InternalError",
        "ServiceUnavailable",
        "ServiceUnavailableException",
    }
)
# The daily or per-second sending quota is per region, so the standby region still has its own.
REGIONAL_QUOTA_CODES: Final = frozenset({"LimitExceededException"})
PAUSED_CODES: Final = frozenset(
    {
        "SendingPausedException",
        "AccountSuspendedException",  # restricted for the account, hence in every region
        # The SES v1 names, in case a caller's client or a proxy still speaks them.
        "AccountSendingPausedException",
        "ConfigurationSetSendingPausedException",
    }
)
PERMANENT_CODES: Final = frozenset(
    {
        "MessageRejected",  # bad content, or "Email address is not verified" in the sandbox
        "MailFromDomainNotVerifiedException",
        "NotFoundException",  # e.g. the configuration set does not exist: a deployment bug, not an outage
        "BadRequestException",
        "ValidationException",
        "AccessDeniedException",
    }
)


@dataclass(frozen=True, slots=True)
class Failure:
    """One classified failure: ``reason`` is the SES code or botocore exception name (for logs/outbox)."""

    failure_class: FailureClass
    reason: str
    status: int | None = None


def classify(exc: BaseException) -> Failure:
    """Classify what a ``SendEmail`` call raised. Unknown 4xx codes are permanent, unknown 5xx transient."""
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        code = str(error.get("Code", "Unknown"))
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        return Failure(_classify_code(code, status), code, status)
    if isinstance(exc, (ConnectTimeoutError, EndpointConnectionError)):
        # Nothing reached SES: safe to retry here and to send elsewhere.
        return Failure(FailureClass.RETRY_IN_REGION, type(exc).__name__)
    if isinstance(exc, (ReadTimeoutError, ConnectionClosedError)):
        return Failure(FailureClass.AMBIGUOUS, type(exc).__name__)
    # Other botocore errors (parameter validation, SSL, proxy, credentials) are local: no region helps.
    return Failure(FailureClass.PERMANENT, type(exc).__name__)


def _classify_code(code: str, status: int | None) -> FailureClass:
    if code in PAUSED_CODES:
        return FailureClass.PAUSED
    if code in PERMANENT_CODES:
        return FailureClass.PERMANENT
    if code in THROTTLING_CODES or status == 429:
        return FailureClass.RETRY_IN_REGION
    if code in SERVER_FAULT_CODES or (status is not None and status >= 500):
        return FailureClass.RETRY_IN_REGION
    if code in REGIONAL_QUOTA_CODES:
        return FailureClass.FAIL_OVER
    return FailureClass.PERMANENT
