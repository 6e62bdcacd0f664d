"""``daily_cap(domain, env)``: the warm-up cap a sending service enforces, read from SSM and cached.

The gate (``scripts/warmup.py gate --apply``) publishes ``/ses/<env>/warmup/<domain>/daily_cap``; a
sender calls ``daily_cap`` before each batch and stops (or defers) once its own 24-hour count reaches
the cap. Reads are cached in-process for ``ttl_seconds`` (default 300): the cap changes at most a few
times a day, and SSM's standard throughput (~40 GetParameter/s per account) must not be spent per mail.

This sits on the send path, so its latency is bounded (decision 0051): a 1 s connect and 1 s read
timeout, botocore's retries off, and one retry after at most 0.2 s of backoff, so a read gives up after
~4.2 s at worst (``worst_case_latency_seconds``) instead of six attempts and ~15 s of backoff.

* No parameter -> ``None``: no ramp is running for the domain (the sender applies no warm-up cap).
* SSM failing -> the last value read is served if it was read in the last ``max_stale_seconds``
  (default 6 h), with a ``WarmupCapStale`` metric per call served and a warning log line per failed
  read. After a failure SSM is not asked again for ``FAILURE_BACKOFF_SECONDS`` (30 s): every send would
  otherwise pay the timeouts again.
* Nothing read in that window (a cold start during an outage, or an outage longer than the bound) ->
  fail closed: ``WarmupCapUnavailableError`` (metric ``WarmupCapUnavailable``, error log line); the
  sender defers the mail. Exceeding a warm-up ramp costs reputation for weeks; deferring costs minutes.
* A malformed value raises ``WarmupInputError``: it is never silently treated as "no cap".
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from botocore.exceptions import BotoCoreError

from sesmail.aws import clients as factory
from sesmail.aws.calls import AwsCallError, AwsSetupError, client_config
from sesmail.sending.metrics import MetricsSink, discard
from sesmail.warmup import aws as warmup_aws
from sesmail.warmup.schedule import validate_domain, validate_env

if TYPE_CHECKING:
    from mypy_boto3_ssm import SSMClient

logger = logging.getLogger(__name__)

DEFAULT_TTL_SECONDS: Final = 300.0
CONNECT_TIMEOUT_SECONDS: Final = 1.0
READ_TIMEOUT_SECONDS: Final = 1.0
SEND_PATH_MAX_ATTEMPTS: Final = 2  # the request and one retry
SEND_PATH_BASE_DELAY: Final = 0.1
SEND_PATH_MAX_BACKOFF_SECONDS: Final = 0.2
FAILURE_BACKOFF_SECONDS: Final = 30.0
# The gate decides once a day; a value read within 6 h is at most one decision behind, and a step back
# published during an SSM outage is enforced within a quarter of a day.
MAX_STALE_SECONDS: Final = 6 * 3600.0
CAP_STALE_METRIC: Final = "WarmupCapStale"
CAP_UNAVAILABLE_METRIC: Final = "WarmupCapUnavailable"


class WarmupCapUnavailableError(RuntimeError):
    """SSM could not be read and no value read within the stale bound is cached: do not send."""


@dataclass
class _Entry:
    cap: int | None = None
    read_at: float | None = None  # monotonic time of the last successful read; None: never
    retry_at: float = -math.inf  # after a failed read SSM is not asked again before this
    error: str = ""


_cache: dict[tuple[str, str], _Entry] = {}
_lock = threading.Lock()
_ssm: SSMClient | None = None


def worst_case_latency_seconds() -> float:
    """How long one ``daily_cap`` call can wait on SSM (per resolved address of the endpoint)."""
    per_attempt = CONNECT_TIMEOUT_SECONDS + READ_TIMEOUT_SECONDS
    return SEND_PATH_MAX_ATTEMPTS * per_attempt + SEND_PATH_MAX_BACKOFF_SECONDS


def daily_cap(
    domain: str,
    env: str,
    *,
    ssm_client: SSMClient | None = None,
    ttl_seconds: float = DEFAULT_TTL_SECONDS,
    max_stale_seconds: float = MAX_STALE_SECONDS,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    metrics_sink: MetricsSink = discard,
) -> int | None:
    """The published daily cap for ``domain`` in ``env``, or None when no ramp is published.

    Raises ``WarmupCapUnavailableError`` when SSM fails and no value read within ``max_stale_seconds``
    is cached (fail closed: see the module docstring).
    """
    key = (validate_env(env), validate_domain(domain))
    now = clock()
    with _lock:
        entry = _cache.setdefault(key, _Entry())
        if entry.read_at is not None and now < entry.read_at + ttl_seconds:
            return entry.cap
        backing_off = now < entry.retry_at
    if not backing_off:
        try:
            record = warmup_aws.read_cap(
                ssm_client or _default_ssm(),
                env,
                domain,
                max_attempts=SEND_PATH_MAX_ATTEMPTS,
                base_delay=SEND_PATH_BASE_DELAY,
                max_delay=SEND_PATH_MAX_BACKOFF_SECONDS,
                sleep=sleep,
            )
        except (AwsCallError, AwsSetupError, BotoCoreError) as error:
            with _lock:
                entry.retry_at = now + FAILURE_BACKOFF_SECONDS
                entry.error = str(error)
        else:
            cap = record.daily_cap if record else None
            with _lock:
                _cache[key] = _Entry(cap=cap, read_at=now)
            return cap
    return _last_known(
        entry,
        domain=domain,
        env=env,
        now=now,
        max_stale_seconds=max_stale_seconds,
        metrics_sink=metrics_sink,
        log=not backing_off,
    )


def _last_known(
    entry: _Entry,
    *,
    domain: str,
    env: str,
    now: float,
    max_stale_seconds: float,
    metrics_sink: MetricsSink,
    log: bool,
) -> int | None:
    """The cached cap if young enough (metric ``WarmupCapStale``), else fail closed."""
    if entry.read_at is not None and now - entry.read_at <= max_stale_seconds:
        metrics_sink(CAP_STALE_METRIC, 1.0)
        if log:
            logger.warning(
                "serving the warm-up cap read %.0f s ago for %s (%s): %s",
                now - entry.read_at,
                domain,
                env,
                entry.error,
            )
        return entry.cap
    metrics_sink(CAP_UNAVAILABLE_METRIC, 1.0)
    message = (
        f"daily cap for {domain} ({env}) unavailable, no cap read in the last "
        f"{max_stale_seconds / 3600:g} h: {entry.error}"
    )
    if log:
        logger.error("%s; refusing to send (fail closed)", message)
    raise WarmupCapUnavailableError(message)


def clear_cache() -> None:
    """Forget every cached cap (tests; a sender that must see a new cap immediately)."""
    with _lock:
        _cache.clear()


def send_path_client(region: str | None = None) -> SSMClient:
    """An SSM client for the send path: short timeouts, botocore's retries off (``read_cap`` retries)."""
    config = client_config(connect_timeout=CONNECT_TIMEOUT_SECONDS, read_timeout=READ_TIMEOUT_SECONDS)
    client: SSMClient = factory.client("ssm", region, config=config)
    return client


def _default_ssm() -> SSMClient:
    global _ssm  # noqa: PLW0603 - one client per process, created on first use
    if _ssm is None:
        _ssm = send_path_client()
    return _ssm
