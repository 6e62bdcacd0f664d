"""One helper for every AWS call the operator scripts make: pacing, retries, pagination, setup errors.

SES management APIs (suppression list, account, dedicated IPs) are throttled around one request per
second per account, and every script shares that budget. So every call goes through:

- ``RateLimiter``: a thread-safe token bucket (``burst`` tokens, refilled at ``rate_per_second``). Each
  *attempt* takes a token, retries included, because AWS counts every request against the quota. The
  clock and sleep are injectable so tests run instantly and deterministically.
- ``call_with_retries``: exponential backoff with full jitter (``uniform(0, min(max_delay, base *
  2**attempt))``, the AWS Architecture Blog recommendation) on throttling and transient server or
  connection errors; any other error becomes an ``AwsCallError`` (a domain error callers can inspect
  by ``code``), so no ``botocore`` type leaks above the data-access layer.
- ``paginate_pages`` / ``paginate``: follow ``NextToken``-style tokens lazily, one page in memory at a
  time, each page fetched through ``call_with_retries``.
- ``setup_error_message`` / ``setup_errors_as_domain``: missing credentials, region or profile, or an
  expired SSO session, become one operator-readable line (``AwsSetupError``): exit code 2 in every CLI.

Clients should be built with ``client_config()``: it turns botocore's own retries off so that this
module alone decides when to retry (otherwise retries multiply and bypass the rate limiter).
"""

from __future__ import annotations

import logging
import math
import random
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Final

from botocore.config import Config
from botocore.exceptions import (
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    CredentialRetrievalError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
    ProfileNotFound,
    ReadTimeoutError,
    SSOError,
    TokenRetrievalError,
    UnauthorizedSSOTokenError,
)

logger = logging.getLogger(__name__)

THROTTLING_ERROR_CODES: Final = frozenset(
    {
        "TooManyRequestsException",
        "ThrottlingException",
        "Throttling",
        "ThrottledException",
        "RequestThrottled",
        "RequestThrottledException",
        "RequestLimitExceeded",
        "ProvisionedThroughputExceededException",
        "SlowDown",
    }
)
# 429 is throttling without a recognisable code; 500/502/503/504 are transient on the AWS side.
RETRYABLE_STATUS_CODES: Final = frozenset({429, 500, 502, 503, 504})
_TRANSIENT_CONNECTION_ERRORS: Final = (
    EndpointConnectionError,
    ConnectionClosedError,
    ConnectTimeoutError,
    ReadTimeoutError,
)
# Errors the operator fixes in their environment (exit 2), never by retrying. UnauthorizedSSOTokenError
# and SSOTokenLoadError are SSOErrors; TokenRetrievalError is an expired or revoked SSO session refresh.
_SETUP_ERRORS: Final = (
    NoCredentialsError,
    PartialCredentialsError,
    NoRegionError,
    ProfileNotFound,
    SSOError,
    TokenRetrievalError,
    CredentialRetrievalError,
)
SSO_LOGIN_HINT: Final = "run 'aws sso login' (with the same AWS_PROFILE) and try again"
# Most specific first: PartialCredentialsError is not a NoCredentialsError, but SSO errors overlap.
_SETUP_MESSAGES: Final[
    tuple[tuple[type[BaseException] | tuple[type[BaseException], ...], Callable[[BaseException], str]], ...]
] = (
    (
        NoRegionError,
        lambda exc: (
            "no AWS region configured: pass --region, set AWS_REGION or AWS_DEFAULT_REGION, "
            "or set region in the AWS profile"
        ),
    ),
    (ProfileNotFound, lambda exc: f"{exc}: check AWS_PROFILE and the AWS config files"),
    (
        (UnauthorizedSSOTokenError, TokenRetrievalError, SSOError),
        lambda exc: f"the AWS SSO session is missing or expired: {SSO_LOGIN_HINT}",
    ),
    (
        PartialCredentialsError,
        lambda exc: f"incomplete AWS credentials ({exc}): check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY",
    ),
    (
        NoCredentialsError,
        lambda exc: "no AWS credentials found: set AWS_PROFILE, export temporary keys, or run under a role",
    ),
    (
        CredentialRetrievalError,
        lambda exc: f"AWS credentials could not be retrieved ({_one_line(exc)}): check the AWS profile",
    ),
)

NEXT_TOKEN: Final = "NextToken"  # noqa: S105 - the pagination parameter most AWS APIs use, not a secret
DEFAULT_MAX_ATTEMPTS: Final = 6
DEFAULT_BASE_DELAY: Final = 0.5
DEFAULT_MAX_DELAY: Final = 20.0


class AwsSetupError(Exception):
    """AWS credentials or region are missing or incomplete: the operator must fix the environment."""


class AwsCallError(Exception):
    """An AWS call failed for a reason retrying will not fix (or retries ran out)."""

    def __init__(self, operation: str, code: str, message: str, status: int | None = None) -> None:
        super().__init__(f"{operation} failed: {code}: {message}")
        self.operation = operation
        self.code = code
        self.message = message
        self.status = status


class AwsThrottledError(AwsCallError):
    """Still throttled (or failing transiently) after the last allowed attempt."""


class RateLimiter:
    """Token bucket: at most ``burst`` calls at once, then one call every ``1 / rate_per_second`` s.

    ``acquire()`` reserves the next slot under a lock and sleeps outside it, so concurrent callers are
    served in arrival order without holding the lock while sleeping. ``math.inf`` means unlimited.
    """

    def __init__(
        self,
        rate_per_second: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        *,
        burst: int = 1,
    ) -> None:
        if not rate_per_second > 0:
            raise ValueError(f"rate_per_second must be > 0, got {rate_per_second!r}")
        if burst < 1:
            raise ValueError(f"burst must be >= 1, got {burst!r}")
        self.rate_per_second = rate_per_second
        self.burst = burst
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._tokens = float(burst)
        self._updated_at: float | None = None

    @property
    def unlimited(self) -> bool:
        return math.isinf(self.rate_per_second)

    def acquire(self) -> float:
        """Wait for one token; return the seconds waited (0.0 when a token was available)."""
        if self.unlimited:
            return 0.0
        with self._lock:
            now = self._clock()
            if self._updated_at is not None:
                elapsed = max(0.0, now - self._updated_at)
                self._tokens = min(float(self.burst), self._tokens + elapsed * self.rate_per_second)
            self._updated_at = now
            # Tokens may go negative: that is a reservation the next caller has to wait out too.
            self._tokens -= 1.0
            wait = -self._tokens / self.rate_per_second if self._tokens < 0 else 0.0
        if wait > 0:
            self._sleep(wait)
        return wait


def client_config(**overrides: Any) -> Config:
    """botocore client config with botocore's own retries off: ``call_with_retries`` owns retrying."""
    return Config(retries={"total_max_attempts": 1, "mode": "standard"}, **overrides)


def setup_error_message(exc: BaseException) -> str | None:
    """One line telling the operator how to fix their AWS setup; None for any other error."""
    if isinstance(exc, AwsSetupError):
        return str(exc)
    for kinds, message in _SETUP_MESSAGES:
        if isinstance(exc, kinds):
            return message(exc)
    return None


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


@contextmanager
def setup_errors_as_domain() -> Iterator[None]:
    """Turn botocore's credential/region errors raised inside the block into ``AwsSetupError``."""
    try:
        yield
    except _SETUP_ERRORS as exc:
        raise AwsSetupError(setup_error_message(exc)) from None


def _operation_name(fn: Callable[..., Any]) -> str:
    return getattr(fn, "__name__", None) or repr(fn)


def _retry_reason(exc: Exception) -> str | None:
    """Why ``exc`` is worth retrying (for the log line), or None when it is not."""
    if isinstance(exc, ClientError):
        code = str(exc.response.get("Error", {}).get("Code", ""))
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        if code in THROTTLING_ERROR_CODES:
            return code
        if status in RETRYABLE_STATUS_CODES:
            return f"HTTP {status}"
        return None
    if isinstance(exc, _TRANSIENT_CONNECTION_ERRORS):
        return type(exc).__name__
    return None


def _as_call_error(operation: str, exc: Exception, *, exhausted: bool) -> AwsCallError:
    cls = AwsThrottledError if exhausted else AwsCallError
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        return cls(operation, str(error.get("Code", "Unknown")), str(error.get("Message", "")), status)
    return cls(operation, type(exc).__name__, str(exc))


def call_with_retries(
    fn: Callable[..., Mapping[str, Any]],
    /,
    *,
    limiter: RateLimiter | None = None,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    base_delay: float = DEFAULT_BASE_DELAY,
    max_delay: float = DEFAULT_MAX_DELAY,
    rng: random.Random | None = None,
    sleep: Callable[[float], None] = time.sleep,
    **params: Any,
) -> Mapping[str, Any]:
    """Call ``fn(**params)`` paced by ``limiter``; back off and retry throttling and transient errors.

    Raises ``AwsThrottledError`` when the last attempt is still throttled, ``AwsCallError`` for any other
    ``ClientError``, and ``AwsSetupError`` when credentials or region are missing.
    """
    if max_attempts < 1:
        raise ValueError(f"max_attempts must be >= 1, got {max_attempts!r}")
    jitter = rng or random.Random()  # noqa: S311 - jitter, not security
    operation = _operation_name(fn)
    for attempt in range(max_attempts):
        if limiter is not None:
            limiter.acquire()
        try:
            with setup_errors_as_domain():
                return fn(**params)
        except (ClientError, *_TRANSIENT_CONNECTION_ERRORS) as exc:
            reason = _retry_reason(exc)
            if reason is None:
                raise _as_call_error(operation, exc, exhausted=False) from exc
            if attempt + 1 == max_attempts:
                raise _as_call_error(operation, exc, exhausted=True) from exc
            delay = jitter.uniform(0.0, min(max_delay, base_delay * 2**attempt))
            logger.warning(
                "%s: %s (attempt %d/%d), retrying in %.2f s",
                operation,
                reason,
                attempt + 1,
                max_attempts,
                delay,
            )
            sleep(delay)
    raise AssertionError("unreachable: the loop returns or raises")  # pragma: no cover


def paginate_pages(
    fn: Callable[..., Mapping[str, Any]],
    /,
    *,
    token_in: str = NEXT_TOKEN,
    token_out: str = NEXT_TOKEN,
    limiter: RateLimiter | None = None,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    base_delay: float = DEFAULT_BASE_DELAY,
    max_delay: float = DEFAULT_MAX_DELAY,
    rng: random.Random | None = None,
    sleep: Callable[[float], None] = time.sleep,
    **params: Any,
) -> Iterator[Mapping[str, Any]]:
    """Yield each response page of ``fn(**params)``, following ``token_out`` -> ``token_in`` lazily.

    The next page is requested only when the caller asks for it, so memory holds one page at a time.
    A token that repeats the previous one stops the loop (a service bug would otherwise spin forever).
    """
    request = dict(params)
    previous_token: object = None
    while True:
        page = call_with_retries(
            fn,
            limiter=limiter,
            max_attempts=max_attempts,
            base_delay=base_delay,
            max_delay=max_delay,
            rng=rng,
            sleep=sleep,
            **request,
        )
        yield page
        token = page.get(token_out)
        if not token or token == previous_token:
            return
        previous_token = token
        request[token_in] = token


def paginate(
    fn: Callable[..., Mapping[str, Any]],
    /,
    *,
    items_key: str,
    token_in: str = NEXT_TOKEN,
    token_out: str = NEXT_TOKEN,
    limiter: RateLimiter | None = None,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    base_delay: float = DEFAULT_BASE_DELAY,
    max_delay: float = DEFAULT_MAX_DELAY,
    rng: random.Random | None = None,
    sleep: Callable[[float], None] = time.sleep,
    **params: Any,
) -> Iterator[Any]:
    """Yield the items under ``items_key`` of every page, fetching pages only as items are consumed."""
    for page in paginate_pages(
        fn,
        token_in=token_in,
        token_out=token_out,
        limiter=limiter,
        max_attempts=max_attempts,
        base_delay=base_delay,
        max_delay=max_delay,
        rng=rng,
        sleep=sleep,
        **params,
    ):
        yield from page.get(items_key, ())
